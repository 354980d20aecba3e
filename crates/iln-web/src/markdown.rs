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
