//! The words of the emails of [`iln_app::rounds`]: the applicant the country cap moved to
//! the next round when applications closed.

use iln_app::notify::Composed;
use iln_app::rounds::RoundNotice;

pub fn compose(notice: &RoundNotice) -> Composed {
    match notice {
        RoundNotice::Deferred { name, round, link } => Composed {
            subject: format!("Your application moves to the next round: {round}"),
            // Plain text, so no escaping is involved; the words are the decision email's.
            text_body: format!(
                "Hello {name},\n\
                 \n\
                 Thank you for applying to {round} of the International Librarians\n\
                 Network. So many people from your country applied that your country\n\
                 reached its share of this round's places. Your application is kept\n\
                 and carried over to the next round, where it comes first in line.\n\
                 You do not need to apply again.\n\
                 \n\
                 The round's page: {link}\n\
                 \n\
                 The International Librarians Network\n"
            ),
            html_body: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferral_names_the_round_and_links_its_page() {
        let composed = compose(&RoundNotice::Deferred {
            name: "Ama Mensah".to_owned(),
            round: "2027 Round 1".to_owned(),
            link: "https://iln.test/rounds/3".to_owned(),
        });
        assert_eq!(
            composed.subject,
            "Your application moves to the next round: 2027 Round 1"
        );
        assert!(
            composed
                .text_body
                .starts_with("Hello Ama Mensah,\n\nThank you")
        );
        assert!(
            composed
                .text_body
                .contains("You do not need to apply again.")
        );
        assert!(
            composed
                .text_body
                .contains("The round's page: https://iln.test/rounds/3\n")
        );
    }
}
