//! The words of the emails of [`iln_app::relay`]: a message through the alumni directory,
//! and a report of abuse to the admins.

use iln_app::notify::Composed;
use iln_app::relay::RelayNotice;

pub fn compose(notice: &RelayNotice) -> Composed {
    match notice {
        RelayNotice::Message {
            name,
            from,
            from_email,
            body,
            link,
        } => {
            let (subject, about) = match from_email {
                Some(address) => (
                    format!("{from} replied to you on ILN"),
                    format!(
                        "{from} replied. Their address, now that you have written to each other: \
                         {address}"
                    ),
                ),
                None => (
                    format!("{from} wrote to you through the ILN alumni directory"),
                    "Your address is not shown to them. If you reply on the platform, you will \
                     each see the other's address."
                        .to_owned(),
                ),
            };
            Composed {
                subject,
                text_body: format!(
                    "Hello {name},\n\
                     \n\
                     {from} wrote:\n\
                     \n\
                     {body}\n\
                     \n\
                     {about}\n\
                     \n\
                     Reply, block the sender or report the message (sign in first): {link}\n\
                     \n\
                     The International Librarians Network\n"
                ),
                html_body: None,
            }
        }
        RelayNotice::Report {
            name,
            reporter,
            sender,
            body,
            note,
        } => Composed {
            subject: format!("A message from {sender} was reported"),
            text_body: format!(
                "Hello {name},\n\
                 \n\
                 {reporter} reported a message {sender} sent them through the alumni \
                 directory.\n\
                 \n\
                 Their note: {note}\n\
                 \n\
                 The message:\n\
                 {body}\n\
                 \n\
                 The audit log has the report.\n"
            ),
            html_body: None,
        },
    }
}
