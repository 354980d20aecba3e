//! Markdown as coordinators write topics, turned into HTML that is safe to put in a page or
//! an email: pulldown-cmark renders it (raw HTML included, as CommonMark allows), then
//! ammonia's allow-list keeps only harmless elements and attributes. The renderer alone is
//! never trusted: no script, no event handler, no style, and no link other than http, https
//! and mailto survives, whatever the text holds.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

/// The body as sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(markdown, options()));
    cleaner().clean(&rendered).to_string()
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            // Links to other sites carry no referrer and no power over this page.
            .link_rel(Some("noopener noreferrer nofollow"))
            // Images would load from anywhere and track readers; a topic links to them.
            .rm_tags(["img"])
            .url_relative(ammonia::UrlRelative::PassThrough);
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_headings_lists_links_and_emphasis() {
        let html = to_html(
            "## Part 1\n\nSome *emphasis* and **strong** words.\n\n\
             - one\n- two\n\n[ALIA](https://www.alia.org.au/)",
        );
        assert!(html.contains("<h2>Part 1</h2>"), "{html}");
        assert!(html.contains("<em>emphasis</em>"), "{html}");
        assert!(html.contains("<strong>strong</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://www.alia.org.au/" rel="noopener noreferrer nofollow">ALIA</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn nothing_that_runs_gets_through() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<p onclick=\"alert(1)\">x</p>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
            "<form action=\"https://evil.example\"><input></form>",
            "[x](vbscript:msgbox(1))",
            "<object data=\"x\"></object>",
        ] {
            let html = to_html(attack).to_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "vbscript:",
                "data:",
                "onerror",
                "onclick",
                "onload",
                "style=",
                "<iframe",
                "<svg",
                "<form",
                "<input",
                "<object",
                "<img",
            ] {
                assert!(!html.contains(bad), "{attack:?} gave {html:?}");
            }
        }
    }

    #[test]
    fn plain_text_is_escaped() {
        let html = to_html("Tom & Jerry <3 libraries");
        assert!(html.contains("Tom &amp; Jerry &lt;3 libraries"), "{html}");
    }
}

/// Plain text as HTML: everything escaped, and each http or https address made a link that
/// carries no referrer and no search-engine credit. Line breaks are kept by the page's CSS
/// (`white-space: pre-wrap`), not turned into tags.
pub fn linkify(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 4);
    let mut rest = text;
    while !rest.is_empty() {
        // The next word boundary: a run of whitespace or of anything else.
        let split = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() != rest.starts_with(char::is_whitespace))
            .map_or(rest.len(), |(i, _)| i);
        let (word, tail) = rest.split_at(split);
        rest = tail;
        let lower = word.get(..8).unwrap_or(word).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            // Punctuation that ends a sentence is not part of the address.
            let address =
                word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'', '"']);
            if iln_domain::topic::is_web_address(address) {
                let escaped = escape(address);
                html.push_str(&format!(
                    "<a href=\"{escaped}\" rel=\"nofollow ugc noopener noreferrer\">{escaped}</a>"
                ));
                html.push_str(&escape(&word[address.len()..]));
                continue;
            }
        }
        html.push_str(&escape(word));
    }
    html
}

/// Text for HTML, attribute values included.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod linkify_tests {
    use super::linkify;

    #[test]
    fn addresses_become_links_and_everything_else_is_escaped() {
        let html = linkify("See https://doaj.org/search?q=a&b=c, and <b>this</b>.\nThanks!");
        assert_eq!(
            html,
            "See <a href=\"https://doaj.org/search?q=a&amp;b=c\" rel=\"nofollow ugc noopener noreferrer\">https://doaj.org/search?q=a&amp;b=c</a>, and &lt;b&gt;this&lt;/b&gt;.\nThanks!"
        );
    }

    #[test]
    fn nothing_but_http_becomes_a_link() {
        for text in [
            "javascript:alert(1)",
            "http://\"onmouseover=alert(1)",
            "https:// spaced",
            "<a href=\"javascript:alert(1)\">x</a>",
            "data:text/html,<script>alert(1)</script>",
        ] {
            let html = linkify(text);
            assert!(!html.contains("<a href=\"javascript"), "{text}: {html}");
            assert!(!html.contains("<script"), "{text}: {html}");
            assert!(!html.contains("\"onmouseover"), "{text}: {html}");
        }
    }
}
