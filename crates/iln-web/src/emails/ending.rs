//! The words of the email of [`iln_app::ending`]: the thanks at the end of a round, with the
//! certificate and the end-of-round survey.

use iln_app::ending::EndingNotice;
use iln_app::notify::Composed;

pub fn compose(notice: &EndingNotice) -> Composed {
    match notice {
        EndingNotice::ThankYou {
            name,
            round,
            early,
            certificate,
            survey,
            alumni,
        } => {
            let opening = if *early {
                format!(
                    "{round} has been closed early, and your partnership ends with it. We are \
                     sorry it ended sooner than planned."
                )
            } else {
                format!(
                    "{round} has come to its end, and so has your supported partnership. Thank \
                     you for taking part: the network is its members."
                )
            };
            let survey = match survey {
                Some(link) => format!(
                    "\nPlease tell us how it went, in a few minutes. Your own link (it works \
                     without signing in; the survey is anonymous):\n{link}\n"
                ),
                None => String::new(),
            };
            Composed {
                subject: format!("Thank you for taking part in {round}"),
                text_body: format!(
                    "Hello {name},\n\
                     \n\
                     {opening}\n\
                     {survey}\n\
                     Your certificate of participation names the round, its dates, your \
                     partner's country, the topics you discussed and the contacts you logged. \
                     Many librarians count it toward their continuing professional \
                     development. Print it or download it as a PDF (sign in first):\n\
                     {certificate}\n\
                     \n\
                     Nothing stops you staying in touch with your partner: many do. And the \
                     network goes on: join the alumni directory to be found by other alumni, \
                     and to meet librarians from countries you have not met yet:\n\
                     {alumni}\n\
                     \n\
                     The International Librarians Network\n"
                ),
                html_body: None,
            }
        }
    }
}
