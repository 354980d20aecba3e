//! The words of the emails of [`iln_app::matching`]: the introduction each member of a new
//! partnership receives, and the note to the others when a partnership ends early.

use iln_app::matching::MatchingNotice;
use iln_app::notify::Composed;
use iln_store::PartnerProfile;

use crate::words::MilestoneView;

/// Questions to start the first conversation with.
pub const ICEBREAKERS: [&str; 4] = [
    "What made you choose to work in libraries, and what keeps you there?",
    "What is one project at your library you are proud of, and one you would like to start?",
    "What does a normal working week look like for you?",
    "What would you like to have learned from each other by the end of the partnership?",
];

pub fn compose(notice: &MatchingNotice) -> Composed {
    // Plain text, so no escaping is involved.
    match notice {
        MatchingNotice::Introduction {
            name,
            round,
            partners,
            explanation,
            commitments,
            timeline,
            link,
        } => {
            let trio = if partners.len() > 1 {
                "s: you are a trio"
            } else {
                ""
            };
            let mut text = format!(
                "Hello {name},\n\
                 \n\
                 Welcome to {round} of the International Librarians Network. Here is\n\
                 your partner{trio}.\n"
            );
            for partner in partners {
                text.push_str(&partner_text(partner));
            }
            text.push_str(&format!("\nWhy we matched you: {explanation}\n"));
            text.push_str("\nSome questions to break the ice:\n");
            for question in ICEBREAKERS {
                text.push_str(&format!("- {question}\n"));
            }
            text.push_str("\nWhat you committed to:\n");
            for commitment in commitments {
                text.push_str(&format!("- {commitment}\n"));
            }
            text.push_str("\nThe round's timeline:\n");
            for step in timeline.iter().map(MilestoneView::new) {
                text.push_str(&format!("- {}: {}\n", step.label, step.shown));
            }
            text.push_str(&format!(
                "\nYour partnership page, with all of this and a way to tell us if the\n\
                 partnership ends early: {link}\n\
                 \n\
                 The International Librarians Network\n"
            ));
            Composed {
                subject: format!("Meet your ILN partner for {round}"),
                text_body: text,
                html_body: None,
            }
        }
        MatchingNotice::Ended {
            name,
            round,
            reason,
            link,
        } => Composed {
            subject: "Your ILN partnership has ended".to_owned(),
            text_body: format!(
                "Hello {name},\n\
                 \n\
                 Your partnership in {round} of the International Librarians Network\n\
                 has ended early. The reason given: {reason}\n\
                 \n\
                 You are not left on your own: the coordinators will offer you a new\n\
                 partner from the people whose partnership also ended, or a place in a\n\
                 running partnership as a trio. We will email you when it is ready.\n\
                 \n\
                 Your partnership page: {link}\n\
                 \n\
                 The International Librarians Network\n"
            ),
            html_body: None,
        },
    }
}

/// One partner's profile as the introduction lists it.
fn partner_text(p: &PartnerProfile) -> String {
    let interests = if p.interests.is_empty() {
        "none chosen".to_owned()
    } else {
        p.interests.join(", ")
    };
    format!(
        "\n{name}\n  \
         Email: {email}\n  \
         Country and city: {country}, {city}\n  \
         Institution: {institution} ({sector})\n  \
         Role: {role}; career stage: {stage}\n  \
         Time zone: {zone}\n  \
         Languages: {languages}\n  \
         Areas of interest: {interests}\n  \
         Prefers to communicate by: {communication}\n  \
         Goals: {goals}\n  \
         Can offer: {offer}\n",
        name = p.name,
        email = p.email,
        country = p.country,
        city = p.city,
        institution = p.institution,
        sector = p.sector,
        role = p.role,
        stage = p.career_stage,
        zone = p.time_zone,
        languages = p.languages.join(", "),
        communication = p.communication.join(", "),
        goals = p.goals,
        offer = p.offer,
    )
}
