//! The words of the emails of [`iln_app::applications`]: the confirmation of an application
//! sent or changed, and a reviewer's decision with the coordinators' message.

use iln_app::applications::ApplicationNotice;
use iln_app::notify::Composed;
use iln_domain::status::Decision;

pub fn compose(notice: &ApplicationNotice) -> Composed {
    // Plain text, so no escaping is involved.
    match notice {
        ApplicationNotice::Received {
            name,
            round,
            closes,
            link,
            updated,
        } => {
            let (subject, opening) = if *updated {
                (
                    "Application updated",
                    format!("Your changes to your application to {round} are saved."),
                )
            } else {
                (
                    "Application received",
                    format!(
                        "Thank you for applying to {round} of the International Librarians\n\
                         Network. Your application is received."
                    ),
                )
            };
            let closes = closes.strftime("%-d %b %Y");
            Composed {
                subject: format!("{subject}: {round}"),
                text_body: format!(
                    "Hello {name},\n\
                     \n\
                     {opening}\n\
                     \n\
                     You can change your answers or withdraw until applications close on\n\
                     {closes}. Coordinators then review the applications, and we will\n\
                     email you their decision.\n\
                     \n\
                     Your application: {link}\n\
                     \n\
                     The International Librarians Network"
                ),
                html_body: None,
            }
        }
        ApplicationNotice::Decided {
            name,
            round,
            decision,
            message,
            link,
        } => {
            let (subject, words) = match decision {
                Decision::Approve => (
                    "You are in",
                    format!(
                        "Your application to {round} of the International Librarians\n\
                         Network is approved. We will introduce you to your partner by email\n\
                         when the partnerships are published.\n"
                    ),
                ),
                Decision::Decline => (
                    "About your application",
                    format!(
                        "Thank you for applying to {round} of the International Librarians\n\
                         Network. We are sorry that we cannot offer you a place in this round.\n"
                    ),
                ),
                Decision::Waitlist => (
                    "You are on the waiting list",
                    format!(
                        "Thank you for applying to {round} of the International Librarians\n\
                         Network. You are on the waiting list: if a place opens, we will write\n\
                         to you before the partnerships are published.\n"
                    ),
                ),
            };
            let message = match message {
                Some(message) => format!("\nA message from the coordinators:\n\n{message}\n"),
                None => String::new(),
            };
            Composed {
                subject: format!("{subject}: {round}"),
                text_body: format!(
                    "Hello {name},\n\
                     \n\
                     {words}\
                     {message}\
                     \n\
                     The round's page: {link}\n\
                     \n\
                     The International Librarians Network"
                ),
                html_body: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(updated: bool) -> Composed {
        compose(&ApplicationNotice::Received {
            name: "Ama Owusu".to_owned(),
            round: "2027 Round 1".to_owned(),
            closes: jiff::civil::date(2027, 1, 31),
            link: "https://iln.test/rounds/3/apply".to_owned(),
            updated,
        })
    }

    #[test]
    fn a_confirmation_says_whether_it_was_sent_or_changed_and_until_when() {
        let sent = received(false);
        assert_eq!(sent.subject, "Application received: 2027 Round 1");
        assert!(sent.text_body.starts_with(
            "Hello Ama Owusu,\n\nThank you for applying to 2027 Round 1 of the International \
             Librarians\nNetwork. Your application is received.\n\n"
        ));
        assert!(
            sent.text_body
                .contains("close on\n31 Jan 2027. Coordinators")
        );
        assert!(
            sent.text_body
                .contains("Your application: https://iln.test/rounds/3/apply\n")
        );
        let updated = received(true);
        assert_eq!(updated.subject, "Application updated: 2027 Round 1");
        assert!(
            updated
                .text_body
                .contains("Your changes to your application to 2027 Round 1 are saved.\n")
        );
    }

    #[test]
    fn a_decision_has_its_subject_and_the_message_only_when_there_is_one() {
        let decided = |decision, message: Option<&str>| {
            compose(&ApplicationNotice::Decided {
                name: "Ama Owusu".to_owned(),
                round: "2027 Round 1".to_owned(),
                decision,
                message: message.map(str::to_owned),
                link: "https://iln.test/rounds/3".to_owned(),
            })
        };
        for (decision, subject) in [
            (Decision::Approve, "You are in: 2027 Round 1"),
            (Decision::Decline, "About your application: 2027 Round 1"),
            (
                Decision::Waitlist,
                "You are on the waiting list: 2027 Round 1",
            ),
        ] {
            let plain = decided(decision, None);
            assert_eq!(plain.subject, subject);
            assert!(!plain.text_body.contains("A message from the coordinators"));
            assert!(plain.text_body.ends_with(
                ".\n\nThe round's page: https://iln.test/rounds/3\n\n\
                 The International Librarians Network"
            ));
        }
        let with_message = decided(Decision::Approve, Some("Welcome!"));
        assert!(with_message.text_body.contains(
            "published.\n\nA message from the coordinators:\n\nWelcome!\n\nThe round's page"
        ));
    }
}
