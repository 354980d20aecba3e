//! The words of the email of [`iln_app::import`]: the invitation to someone whose
//! application came in a coordinator's spreadsheet.

use iln_app::import::ImportNotice;
use iln_app::notify::Composed;

pub fn compose(notice: &ImportNotice) -> Composed {
    match notice {
        ImportNotice::Invited {
            name,
            round,
            link,
            days,
        } => Composed {
            subject: format!("Your application to {round} is on the ILN platform"),
            text_body: format!(
                "Hello {name},\n\
                 \n\
                 The coordinators of the International Librarians Network have added the \
                 application you sent them to {round}, on the platform where the program \
                 now runs.\n\
                 \n\
                 Choose a password to see your application, correct anything in it, and \
                 follow the round: {link}\n\
                 \n\
                 The link works for {days} days. After that, ask for a new one on the \
                 sign-in page with this email address.\n\
                 \n\
                 If you did not apply, you can ignore this email: nothing happens without \
                 you.\n\
                 \n\
                 The International Librarians Network\n"
            ),
            html_body: None,
        },
    }
}
