//! The coordinators' desk: for a running round, the people of the reader's countries (every
//! country for admins, with a filter): applicants and participants, partnerships flagged by
//! the ladder with their history, partnerships with no contact after N days, the check-in
//! answers, and the people to reach out to this week with a message box each.
//!
//! A country coordinator sees only the members of their own countries: a partnership with
//! someone of theirs shows that person, and of the partner nothing. Participants get 404.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::checkins::{self, AskError};
use iln_app::desk::{self, DeskError};
use iln_domain::checkin::{CheckInAnswer, LadderStep};
use iln_domain::country::CountryCode;
use iln_domain::round::RoundState;
use iln_store::{PartnershipId, PartnershipMember, PartnershipRecord, RoundId, UserId};
use serde::Deserialize;

use super::common::{load_round, query_value};
use super::{FORM_INVALID, ok, page};
use crate::auth::Viewer;
use crate::emails::checkins::answer_words;
use crate::error::WebError;
use crate::forms::HtmlForm;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::day;

/// How many days without a logged contact make a partnership quiet, unless the reader says.
const QUIET_DAYS: i64 = 14;

/// A member of the reader's countries, as the desk lists them.
pub struct DeskPerson {
    pub user: i64,
    pub name: String,
    pub country: &'static str,
    pub email: String,
}

/// A partnership on the desk: its members of the reader's countries, and why it is there.
pub struct DeskPartnership {
    pub id: i64,
    pub people: Vec<DeskPerson>,
    /// "Not yet, 12 Mar 2027" …: the check-in answers of its members in scope.
    pub history: Vec<String>,
    pub why: String,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    nav: Nav,
    rounds: Vec<(i64, String)>,
    round_id: Option<i64>,
    round: String,
    countries: Vec<(String, String)>,
    country: String,
    quiet_days: i64,
    applicants: i64,
    participants: usize,
    flagged: Vec<DeskPartnership>,
    quiet: Vec<DeskPartnership>,
    answers: Vec<(&'static str, usize)>,
    unanswered: usize,
    reach_out: Vec<DeskPerson>,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn person(member: &PartnershipMember) -> DeskPerson {
    DeskPerson {
        user: member.user.0,
        name: member.profile.name.clone(),
        country: member.country.name(),
        email: member.profile.email.clone(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let notice = match query_value(query.as_deref(), "done").as_str() {
        "sent" => Some("Your message is on its way, and noted in the audit log."),
        "asked" => Some(
            "The check-in question is on its way to the partners. Their answers show here, \
             and \u{201c}not yet\u{201d} or no answer starts the reminders.",
        ),
        _ => None,
    };
    render(&state, &viewer, &csrf, query.as_deref(), notice, None).await
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    query: Option<&str>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let scope: Option<Vec<CountryCode>> = viewer.country_scope()?.map(<[_]>::to_vec);
    let store = state.store();
    let now = state.now();
    let running: Vec<_> = iln_app::rounds::rounds_now(state.app())
        .await?
        .into_iter()
        .filter(|r| r.round.state == RoundState::Active)
        .collect();
    let chosen = query_value(query, "round").parse::<i64>().ok();
    let round = match chosen {
        Some(id) => Some(load_round(state, RoundId(id)).await?),
        None => running.first().cloned(),
    };
    let quiet_days = query_value(query, "days")
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=120).contains(d))
        .unwrap_or(QUIET_DAYS);
    // The countries the reader may narrow to: theirs, or for admins every member's.
    let mut in_round: BTreeSet<CountryCode> = BTreeSet::new();
    let partnerships: Vec<PartnershipRecord> = match &round {
        Some(r) => store.round_partnerships(r.id).await?,
        None => Vec::new(),
    };
    for p in &partnerships {
        in_round.extend(p.members.iter().map(|m| m.country));
    }
    let choices: Vec<CountryCode> = match &scope {
        Some(mine) => mine.clone(),
        None => in_round.iter().copied().collect(),
    };
    let country = CountryCode::parse(&query_value(query, "country"))
        .ok()
        .filter(|c| choices.contains(c));
    let covers = |code: CountryCode| {
        country.map_or_else(
            || scope.as_ref().is_none_or(|s| s.contains(&code)),
            |c| c == code,
        )
    };
    let mut page_view = DeskPage {
        nav: Nav::new(Some(viewer), csrf),
        rounds: running
            .iter()
            .map(|r| (r.id.0, r.round.settings.name.to_string()))
            .collect(),
        round_id: round.as_ref().map(|r| r.id.0),
        round: round
            .as_ref()
            .map(|r| r.round.settings.name.to_string())
            .unwrap_or_default(),
        countries: choices
            .iter()
            .map(|c| (c.as_str().to_owned(), c.name().to_owned()))
            .collect(),
        country: country.map(|c| c.as_str().to_owned()).unwrap_or_default(),
        quiet_days,
        applicants: 0,
        participants: 0,
        flagged: Vec::new(),
        quiet: Vec::new(),
        answers: Vec::new(),
        unanswered: 0,
        reach_out: Vec::new(),
        notice,
        error,
    };
    let Some(round) = round else {
        return ok(&page_view);
    };
    let people_scope = match (country, &scope) {
        (Some(c), _) => iln_store::PeopleScope::Countries(vec![c]),
        (None, Some(mine)) => iln_store::PeopleScope::Countries(mine.clone()),
        (None, None) => iln_store::PeopleScope::All,
    };
    page_view.applicants = store
        .count_applications_by_status(round.id, &people_scope)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    let contacts = store.last_contacts(round.id).await?;
    let ladders: BTreeMap<_, _> = store
        .round_ladders(round.id)
        .await?
        .into_iter()
        .map(|l| (l.partnership, l))
        .collect();
    let checkins = store.round_checkins(round.id).await?;
    let zone = viewer.time_zone();
    let mut reach_out: BTreeMap<UserId, DeskPerson> = BTreeMap::new();
    let mut answers: BTreeMap<CheckInAnswer, usize> = BTreeMap::new();
    for p in partnerships.iter().filter(|p| p.is_running()) {
        let mine: Vec<&PartnershipMember> =
            p.members.iter().filter(|m| covers(m.country)).collect();
        if mine.is_empty() {
            continue;
        }
        page_view.participants += mine.len();
        let history: Vec<String> = checkins
            .iter()
            .filter(|c| c.partnership == p.id && mine.iter().any(|m| m.user == c.user))
            .map(|c| {
                let name = mine
                    .iter()
                    .find(|m| m.user == c.user)
                    .map_or("", |m| m.profile.name.as_str());
                match (c.answer, c.answered_at) {
                    (Some(a), Some(at)) => {
                        *answers.entry(a).or_default() += 1;
                        format!(
                            "Day {}: {name} answered \u{201c}{}\u{201d} on {}",
                            c.day,
                            answer_words(a),
                            when(at, &zone)
                        )
                    }
                    _ => {
                        page_view.unanswered += 1;
                        format!("Day {}: {name} has not answered", c.day)
                    }
                }
            })
            .collect();
        let ladder = ladders.get(&p.id).filter(|l| l.stopped_at.is_none());
        if let Some(ladder) = ladder.filter(|l| l.step >= LadderStep::Flagged) {
            let why = format!(
                "{} since {}; {}",
                match ladder.reason {
                    iln_domain::checkin::LadderReason::NotYet => "\u{201c}Not yet\u{201d}",
                    iln_domain::checkin::LadderReason::NoReply =>
                        "\u{201c}My partner has not replied\u{201d}",
                    iln_domain::checkin::LadderReason::NoAnswer => "No answer to the check-in",
                },
                day(ladder.started_at.to_zoned(zone.to_jiff()).date()),
                match ladder.step {
                    LadderStep::Offered => "offered a new partner",
                    _ => "both reminded, waiting for the offer of a new partner",
                }
            );
            page_view.flagged.push(DeskPartnership {
                id: p.id.0,
                people: mine.iter().map(|m| person(m)).collect(),
                history: history.clone(),
                why,
            });
            for m in &mine {
                reach_out.insert(m.user, person(m));
            }
        }
        let since = p.created_at;
        let quiet = !contacts.contains_key(&p.id)
            && now.duration_since(since).as_hours() >= 24 * quiet_days;
        if quiet {
            page_view.quiet.push(DeskPartnership {
                id: p.id.0,
                people: mine.iter().map(|m| person(m)).collect(),
                history,
                why: format!(
                    "No contact logged since the introductions on {}",
                    day(since.to_zoned(zone.to_jiff()).date())
                ),
            });
            for m in &mine {
                reach_out.insert(m.user, person(m));
            }
        }
    }
    page_view.answers = CheckInAnswer::ALL
        .into_iter()
        .map(|a| (answer_words(a), answers.get(&a).copied().unwrap_or(0)))
        .collect();
    page_view.reach_out = reach_out.into_values().collect();
    if page_view.error.is_some() {
        page(FORM_INVALID, &page_view)
    } else {
        ok(&page_view)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MessageForm {
    round: String,
    user: String,
    body: String,
}

/// Sends a participant a message from the desk.
pub async fn message(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<MessageForm>,
) -> Result<Response, WebError> {
    viewer.country_scope()?;
    let (Ok(round), Ok(user)) = (form.round.parse::<i64>(), form.user.parse::<i64>()) else {
        return Err(WebError::NotFound);
    };
    let actor = Actor::user(&viewer.user);
    match desk::message(
        state.app(),
        &actor,
        RoundId(round),
        UserId(user),
        &form.body,
    )
    .await
    {
        Ok(()) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!("/desk?round={round}&done=sent")).into_response())
        }
        Err(DeskError::Invalid(error)) => {
            let words = match error {
                iln_domain::post::PostError::Empty => "Write the message first.".to_owned(),
                other => format!("The message was not sent: {other}."),
            };
            let query = format!("round={round}");
            render(&state, &viewer, &csrf, Some(&query), None, Some(words)).await
        }
        Err(DeskError::App(error)) => Err(error.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AskForm {
    round: String,
    partnership: String,
}

/// Asks a partnership's members the check-in question now.
pub async fn ask(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<AskForm>,
) -> Result<Response, WebError> {
    viewer.country_scope()?;
    let (Ok(round), Ok(partnership)) = (form.round.parse::<i64>(), form.partnership.parse::<i64>())
    else {
        return Err(WebError::NotFound);
    };
    let actor = Actor::user(&viewer.user);
    let words = match checkins::ask_now(state.app(), &actor, PartnershipId(partnership)).await {
        Ok(_) => {
            state.wake_outbox();
            return Ok(Redirect::to(&format!("/desk?round={round}&done=asked")).into_response());
        }
        Err(AskError::NotRunning) => {
            "That partnership is no longer running, so nobody was asked.".to_owned()
        }
        Err(AskError::TooSoon) => {
            "They were introduced less than a day ago: give them a day before asking.".to_owned()
        }
        Err(AskError::AskedToday) => {
            "They were asked today already; their answers will show here.".to_owned()
        }
        Err(AskError::App(error)) => return Err(error.into()),
    };
    let query = format!("round={round}");
    render(&state, &viewer, &csrf, Some(&query), None, Some(words)).await
}
