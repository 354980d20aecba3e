//! The words of the emails of [`iln_app::checkins`]: the check-in question with its one-click
//! answers, the friendly reminder, and the offer of a new partner.

use iln_app::checkins::CheckInNotice;
use iln_app::notify::Composed;
use iln_domain::checkin::CheckInAnswer;

/// The words of each answer, as links in the email and buttons on the page.
pub fn answer_words(answer: CheckInAnswer) -> &'static str {
    match answer {
        CheckInAnswer::InTouch => "Yes, we are in touch",
        CheckInAnswer::NotYet => "Not yet",
        CheckInAnswer::NoReply => "My partner has not replied",
    }
}

/// "Ana", "Ana and Ben", "Ana, Ben and Chidi": the partners named in a sentence.
pub fn names(partners: &[String]) -> String {
    match partners {
        [] => "your partner".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub fn compose(notice: &CheckInNotice) -> Composed {
    match notice {
        CheckInNotice::Ask {
            name,
            partners,
            day,
            links,
        } => {
            let mut text = format!(
                "Hello {name},\n\
                 \n\
                 It is {day} days since we introduced you to {}. Have you heard from\n\
                 each other? One click answers:\n\n",
                names(partners)
            );
            for (answer, link) in links {
                text.push_str(&format!("- {}: {link}\n", answer_words(*answer)));
            }
            text.push_str(
                "\nIf you have not managed to connect yet, that is common and we can help:\n\
                 tell us above, and we will remind you both, and offer a new partner if it\n\
                 does not work out. The links work for two weeks, without signing in.\n\
                 \n\
                 The International Librarians Network\n",
            );
            Composed {
                subject: "Have you heard from your ILN partner?".to_owned(),
                text_body: text,
                html_body: None,
            }
        }
        CheckInNotice::Reminder {
            name,
            partners,
            link,
        } => Composed {
            subject: "A friendly nudge from ILN".to_owned(),
            text_body: format!(
                "Hello {name},\n\
                 \n\
                 It looks as if you and {} have not been in touch yet. A short hello is\n\
                 enough to start: say where you work and one thing you would like to\n\
                 talk about. Their details are on your partnership page: {link}\n\
                 \n\
                 Once you are in touch, log it on that page, and we will stop reminding you.\n\
                 \n\
                 The International Librarians Network\n",
                names(partners)
            ),
            html_body: None,
        },
        CheckInNotice::Offer {
            name,
            partners,
            link,
        } => Composed {
            subject: "Would you like a new ILN partner?".to_owned(),
            text_body: format!(
                "Hello {name},\n\
                 \n\
                 We are sorry that you and {} have not managed to connect. If you would\n\
                 like a new partner, open your partnership page and choose \"Ask for a new\n\
                 partner\": the coordinators pair everyone waiting, and those who waited\n\
                 longest are first. If you have heard from each other after all, log the\n\
                 contact there instead.\n\
                 \n\
                 {link}\n\
                 \n\
                 The International Librarians Network\n",
                names(partners)
            ),
            html_body: None,
        },
    }
}

/// A coordinator's message from the desk.
pub fn compose_desk(notice: &iln_app::desk::DeskNotice) -> Composed {
    match notice {
        iln_app::desk::DeskNotice::Message {
            name,
            from,
            round,
            body,
        } => Composed {
            subject: format!("A message from {from}, your ILN coordinator"),
            text_body: format!(
                "Hello {name},\n\n\
                 {from}, a coordinator of {round}, writes:\n\n\
                 {body}\n\n\
                 The International Librarians Network\n"
            ),
            html_body: None,
        },
    }
}
