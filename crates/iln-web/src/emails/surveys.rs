//! The words of the emails of [`iln_app::surveys`]: the invitation to a survey and the
//! reminder, each with the person's own link.

use iln_app::notify::Composed;
use iln_app::surveys::SurveyNotice;

use crate::words::day;

pub fn compose(notice: &SurveyNotice) -> Composed {
    match notice {
        SurveyNotice::Invite {
            name,
            round,
            title,
            intro,
            closes_on,
            link,
            reminder,
            anonymous,
        } => {
            let closes = day(*closes_on);
            let opening = if *reminder {
                format!(
                    "A reminder: the {title} of {round} is open until {closes}, and we would \
                     love to hear from you."
                )
            } else {
                format!("The {title} of {round} is open until {closes}.")
            };
            let privacy = if *anonymous {
                "Your answers are anonymous: we keep them without your name."
            } else {
                "Your answers go to the network's coordinators with your name."
            };
            let replaced = if *reminder {
                "\nThis link replaces the one in our first email.\n"
            } else {
                ""
            };
            Composed {
                subject: if *reminder {
                    format!("Reminder: the {title} closes on {closes}")
                } else {
                    format!("{title}: how is your ILN round going?")
                },
                text_body: format!(
                    "Hello {name},\n\
                     \n\
                     {opening}\n\
                     \n\
                     {intro}\n\
                     \n\
                     Your own link (it works without signing in, and you can change your\n\
                     answers until the survey closes):\n\
                     {link}\n\
                     {replaced}\n\
                     {privacy}\n\
                     \n\
                     The International Librarians Network\n"
                ),
                html_body: None,
            }
        }
    }
}
