//! What several route modules need: loading a round as it stands now, the round row of lists,
//! form errors by field, the words of matching refusals, a round's timeline, a person's
//! profile as pages show it, and the commitments of the form. Route modules share these
//! through this module only; none imports another area's module.

use std::collections::BTreeMap;

use iln_app::matching::{self, MatchingError};
use iln_domain::account::Role;
use iln_domain::application::LanguageCode;
use iln_domain::commitments::CommitmentsVersion;
use iln_domain::timezone::TimeZoneName;
use iln_store::{Person, RoundId, RoundRecord, UnreadableRow};

use crate::auth::Viewer;
use crate::error::{WebError, capitalise};
use crate::state::AppState;
use crate::templates::{PersonView, when};
use crate::words::{self, Label};

/// What every participant commits to now: the current version, which the application form
/// and the round's page show and each consent records. Someone's introduction and partnership
/// page list the version they agreed to instead.
/// The records of a list that this release cannot read, named for the note above the list
/// (`unreadable.html`): "Round 12's settings". Why is for the operator's log, not the page.
pub fn unreadable_notes(rows: &[UnreadableRow]) -> Vec<String> {
    rows.iter().map(|row| capitalise(&row.what)).collect()
}

/// The value of `name` in a query string, trimmed; empty when absent or malformed.
pub fn query_value(query: Option<&str>, name: &str) -> String {
    query
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_owned())
        })
        .unwrap_or_default()
}

pub fn current_commitments() -> &'static [&'static str] {
    CommitmentsVersion::current().commitments()
}

/// A round as it stands now, the dates that have passed applied without writing anything.
/// A round that does not exist is a 404. Pages of every area read rounds through this.
pub async fn load_round(state: &AppState, id: RoundId) -> Result<RoundRecord, WebError> {
    Ok(iln_app::rounds::round_now(state.app(), id).await?)
}

/// Admins and country coordinators: the people who run rounds and review applicants.
pub fn is_coordinator(viewer: Option<&Viewer>) -> bool {
    viewer.is_some_and(|v| matches!(v.role(), Role::Admin | Role::CountryCoordinator))
}

/// One round in a list.
pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub state: &'static str,
    pub headline: String,
}

impl RoundRow {
    pub fn new(record: &RoundRecord, now: jiff::Timestamp) -> RoundRow {
        RoundRow {
            id: record.id.0,
            name: record.round.settings.name.to_string(),
            state: record.round.state.label(),
            headline: words::round_headline(&record.round, now),
        }
    }
}

/// The form's error for each field, by the field's name.
#[derive(Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn insert(&mut self, field: &str, message: String) {
        self.0.entry(field.to_owned()).or_insert(message);
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.0.get(field).cloned()
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// A domain error reads "field: message"; next to its field only the message is needed.
pub fn without_field(error: &impl ToString) -> String {
    let text = error.to_string();
    match text.split_once(": ") {
        Some((_, message)) => message.to_owned(),
        None => text,
    }
}

/// Names as one readable list: "English, French".
pub fn listed<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// The round with this id, with the dates that have passed applied (the rounds module's
/// loader); 404 when there is none or the id is not a number.
pub async fn load_round_at(state: &AppState, raw: &str) -> Result<RoundRecord, WebError> {
    let id = raw
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)?;
    load_round(state, RoundId(id)).await
}

/// The words a refusal shows on the matching page, or None for the failures that are not
/// the admin's to fix (those become the error pages of [`WebError`]).
pub fn refusal(error: &MatchingError) -> Option<String> {
    let words = match error {
        MatchingError::NotMatching { state } => format!(
            "Matching runs only while the round is in matching; it is {}",
            state.label().to_lowercase()
        ),
        MatchingError::PairsClosed => {
            "Locks and the never-pair list change only while the round is in matching".to_owned()
        }
        MatchingError::SwapsClosed => {
            "Swaps are possible only while the round is in matching".to_owned()
        }
        MatchingError::NoRunToSwap => {
            "Run matching first: a swap exchanges the partners of a proposal".to_owned()
        }
        MatchingError::NotPublishable => "Only a round in matching can be published".to_owned(),
        MatchingError::NoRunToPublish => {
            "Run matching first: publishing creates the partnerships of the latest run".to_owned()
        }
        MatchingError::NoLongerApproved => "Someone in the latest run is no longer approved; \
                                            run matching again before publishing"
            .to_owned(),
        MatchingError::AlreadyPublished => {
            "This round's partnerships are already published".to_owned()
        }
        MatchingError::SamePerson => "Choose two different people".to_owned(),
        MatchingError::NotApproved => "Choose two people from the approved applicants".to_owned(),
        MatchingError::Engine(text) => capitalise(text),
        MatchingError::AlreadyEnded => "This partnership has already ended".to_owned(),
        MatchingError::RoundNotRunning => {
            "Only a partnership of a running round can end early".to_owned()
        }
        MatchingError::NoReason => {
            "Please say why the partnership ends, so the coordinators can help".to_owned()
        }
        MatchingError::ReasonTooLong => format!(
            "Please keep the reason under {} characters",
            matching::REASON_MAX_LEN
        ),
        MatchingError::NotRunning => {
            "A re-match is for a round whose partnerships are running".to_owned()
        }
        MatchingError::NobodyAlone => "Nobody in this round is left without a partner".to_owned(),
        MatchingError::RematchStale => {
            "Run the re-match first: the people left alone have changed or none are left".to_owned()
        }
        MatchingError::Moved | MatchingError::App(_) => return None,
    };
    Some(words)
}

/// "Swahili" for "sw"; what was stored, when it is not a code we know.
fn language_name(stored: &str) -> String {
    match LanguageCode::parse(stored) {
        Ok(code) => code.name().to_owned(),
        Err(_) => stored.to_owned(),
    }
}

pub fn person_view(person: &Person, zone: &TimeZoneName) -> PersonView {
    PersonView {
        id: person.id.0,
        full_name: person.full_name.clone(),
        email: person.email.to_string(),
        country: person.country.name().to_owned(),
        city: person.city.clone(),
        institution: person.institution.clone(),
        sector: person.sector.label(),
        career_stage: person.career_stage.label(),
        time_zone: person.time_zone.as_str().to_owned(),
        languages: person
            .languages
            .iter()
            .map(|language| language_name(language))
            .collect::<Vec<_>>()
            .join(", "),
        interests: person.interests.join(", "),
        joined: when(person.created_at, zone),
    }
}

/// What each date of a round means, for its calendar event.
fn milestone_description(kind: iln_domain::round::MilestoneKind) -> &'static str {
    use iln_domain::round::MilestoneKind as K;
    match kind {
        K::ApplicationsOpen => "Applications open on the round's page.",
        K::ApplicationsClose => {
            "The last day to send, change or withdraw an application for this round."
        }
        K::Matching => "Coordinators match partners; introductions follow when they publish.",
        K::PartnershipsStart => {
            "Partnerships begin: each person meets their partner, with the round's first discussion topic."
        }
        K::PartnershipsEnd => {
            "The round ends, with a last survey and a certificate of participation."
        }
    }
}

/// The host part of the site's address, for calendar UIDs (`round-4-matching@iln.example`).
fn uid_host(state: &AppState) -> String {
    state
        .app()
        .links()
        .url("/")
        .split("://")
        .nth(1)
        .map(|rest| rest.trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

/// A date of a round's timeline as a calendar event, the same in a one-date download and in
/// a person's feed (one UID, so a calendar holding both keeps one event).
pub fn milestone_event(
    state: &AppState,
    round: RoundId,
    round_name: &str,
    kind: iln_domain::round::MilestoneKind,
    date: jiff::civil::Date,
) -> iln_domain::calendar::Event {
    iln_domain::calendar::Event {
        uid: format!("round-{round}-{}@{}", kind.as_str(), uid_host(state)),
        summary: format!("{round_name}: {}", kind.label().to_lowercase()),
        description: milestone_description(kind).to_owned(),
        when: iln_domain::calendar::When::Day(date),
        url: Some(state.app().links().url(&format!("/rounds/{round}"))),
    }
}

/// A topic's release or a survey's opening as a calendar event, for a person's feed.
pub fn feed_event(state: &AppState, item: &iln_app::calendar::Item) -> iln_domain::calendar::Event {
    use iln_app::calendar::Item;
    use iln_domain::calendar::{Event, When};
    match item {
        Item::Milestone {
            round,
            round_name,
            kind,
            date,
        } => milestone_event(state, *round, round_name, *kind, *date),
        Item::TopicRelease {
            round_name,
            topic,
            title,
            at,
            ..
        } => Event {
            uid: format!("topic-{topic}@{}", uid_host(state)),
            summary: format!("Discussion topic: {title}"),
            description: format!(
                "The topic of {round_name} for you and your partner to talk about. It arrives by email and on the site."
            ),
            when: When::At {
                start: *at,
                minutes: 30,
            },
            url: Some(state.app().links().url(&format!("/topics/{topic}"))),
        },
        Item::SurveyOpens {
            round,
            round_name,
            survey,
            title,
            on,
        } => Event {
            uid: format!("survey-{survey}@{}", uid_host(state)),
            summary: format!("Survey opens: {title}"),
            description: format!(
                "A survey of {round_name}: your personal link arrives by email that morning."
            ),
            when: When::Day(*on),
            url: Some(state.app().links().url(&format!("/rounds/{round}"))),
        },
    }
}
