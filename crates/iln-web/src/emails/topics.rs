//! The words of the emails of [`iln_app::topics`]: a discussion topic as each reader gets it,
//! in plain text (the Markdown as written reads well as text) and in HTML (the Markdown
//! rendered and sanitised, exactly as on the topic's page). The HTML carries no styles of its
//! own: mail programs apply their defaults, and the preview on the topic form (an iframe under
//! the site's Content-Security-Policy, which forbids inline styles) shows exactly that.

use askama::Template;
use iln_app::notify::Composed;
use iln_app::topics::TopicNotice;
use iln_domain::topic::Resource;

use crate::markdown;

/// The HTML part: the topic as its page shows it.
#[derive(Template)]
#[template(path = "email_topic.html")]
struct TopicEmail<'a> {
    name: &'a str,
    round: &'a str,
    part_of: Option<&'a str>,
    title: &'a str,
    body_html: String,
    resources: &'a [Resource],
    link: &'a str,
    unsubscribe: &'a str,
}

pub fn compose(notice: &TopicNotice) -> Composed {
    match notice {
        TopicNotice::Released {
            name,
            round,
            part_of,
            title,
            body,
            resources,
            link,
            unsubscribe,
        } => {
            let heading = match part_of {
                Some(parent) => format!("{parent}: {title}"),
                None => title.clone(),
            };
            let mut text = format!(
                "Hello {name},\n\
                 \n\
                 Here is the new discussion topic of {round}: {heading}.\n\
                 Talk it over with your partner this week.\n\
                 \n\
                 {body}\n"
            );
            if !resources.is_empty() {
                text.push_str("\nTo read and watch:\n");
                for resource in resources {
                    if resource.title == resource.url {
                        text.push_str(&format!("- {}\n", resource.url));
                    } else {
                        text.push_str(&format!("- {}: {}\n", resource.title, resource.url));
                    }
                }
            }
            text.push_str(&format!(
                "\nThe topic's page, where the round discusses it: {link}\n\
                 \n\
                 The International Librarians Network\n\
                 \n\
                 Rather read topics on the site than by email? Stop topic emails: {unsubscribe}\n"
            ));
            let html = TopicEmail {
                name,
                round,
                part_of: part_of.as_deref(),
                title,
                body_html: markdown::to_html(body),
                resources,
                link,
                unsubscribe,
            }
            .render()
            // A template of ours that fails to render is a bug; the plain text still goes.
            .ok();
            Composed {
                subject: format!("Discussion topic: {heading}"),
                text_body: text,
                html_body: html,
            }
        }
    }
}
