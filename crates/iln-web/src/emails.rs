//! The words of every email: the application layer decides who is told what
//! ([`iln_app::notify::Notice`]), and this composer writes it in the web layer's language.

mod accounts;
mod applications;
pub mod checkins;
mod ending;
mod import;
mod matching;
mod relay;
mod rounds;
mod surveys;
mod topics;

use iln_app::notify::{Composed, Composer, Notice};

/// The composer the running site uses.
pub struct WebComposer;

impl Composer for WebComposer {
    fn compose(&self, notice: &Notice) -> Composed {
        let mut composed = match notice {
            Notice::Accounts(notice) => accounts::compose(notice),
            Notice::Applications(notice) => applications::compose(notice),
            Notice::Rounds(notice) => rounds::compose(notice),
            Notice::Matching(notice) => matching::compose(notice),
            Notice::Topics(notice) => topics::compose(notice),
            Notice::CheckIns(notice) => checkins::compose(notice),
            Notice::Desk(notice) => checkins::compose_desk(notice),
            Notice::Surveys(notice) => surveys::compose(notice),
            Notice::Ending(notice) => ending::compose(notice),
            Notice::Relay(notice) => relay::compose(notice),
            Notice::Import(notice) => import::compose(notice),
        };
        // Every email has both parts: where an area writes plain text only, the HTML part
        // is that text, escaped, in paragraphs, with its addresses as links.
        if composed.html_body.is_none() {
            composed.html_body = Some(html_of_text(&composed.subject, &composed.text_body));
        }
        composed
    }
}

/// Plain text as a small HTML document: blank lines part paragraphs, line breaks stay, and
/// http and https addresses become links. No styles: mail programs use their own.
pub fn html_of_text(subject: &str, text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(crate::markdown::linkify).collect();
            format!("<p>{}</p>", lines.join("<br>\n"))
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}\n</body>\n</html>\n",
        crate::markdown::linkify(subject),
        paragraphs.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::html_of_text;

    #[test]
    fn plain_text_becomes_escaped_paragraphs_with_links() {
        let html = html_of_text(
            "Confirm <now>",
            "Hello Ada,\n\nOpen https://iln.test/verify?token=a&b=c to confirm.\nThanks <3",
        );
        assert!(
            html.contains("<title>Confirm &lt;now&gt;</title>"),
            "{html}"
        );
        assert!(html.contains("<p>Hello Ada,</p>"), "{html}");
        assert!(
            html.contains("<a href=\"https://iln.test/verify?token=a&amp;b=c\""),
            "{html}"
        );
        assert!(html.contains("to confirm.<br>\nThanks &lt;3</p>"), "{html}");
    }
}
