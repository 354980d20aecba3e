//! Published partnerships: a participant's "My partnership" page, ending a partnership early
//! (by a member or an admin, with a reason), and the admin's page of a round's partnerships
//! where the people left alone are re-matched among themselves or join a running pair.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_domain::round::RoundState;
use iln_store::{
    MatchRunKind, PartnerProfile, PartnershipId, PartnershipRecord, RoundRecord, TopicId,
};
use serde::Deserialize;

use super::common::{current_commitments, load_round, load_round_at, refusal};
use super::{FORM_INVALID, ok, page};
use crate::auth::{Admin, Viewer};
use crate::error::WebError;
use crate::forms::{HtmlForm, PathId};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::{self, Label, MilestoneView, day};
use iln_app::Actor;
use iln_app::contacts::{self, ContactInput, ContactsError};
use iln_app::matching::{self, MatchingError};
use iln_domain::contact::{ContactError, ContactWay};

pub struct PartnershipView {
    pub id: i64,
    pub round_id: i64,
    pub round_name: String,
    pub round_headline: String,
    pub timeline: Vec<MilestoneView>,
    pub partners: Vec<PartnerProfile>,
    pub explanation: String,
    pub running: bool,
    pub ended: Option<String>,
    /// The commitments the viewer agreed to when applying to this round: the version of
    /// their consent, which may be older than the form's wording now.
    pub commitments: &'static [&'static str],
    /// "3 Dec 2026, by video call", the latest logged contact.
    pub last_contact: Option<String>,
    /// The contact form: today in the reader's zone, and the round's released topics.
    pub today: String,
    /// The partnership went quiet and the reader was offered a new partner.
    pub offered: bool,
    pub topics: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "partnership_mine.html")]
pub struct MyPartnershipPage {
    pub nav: Nav,
    pub ways: Vec<(&'static str, &'static str)>,
    pub contact_notice: bool,
    pub partnerships: Vec<PartnershipView>,
    pub error: Option<String>,
    pub ended_notice: bool,
}

fn ending_text(
    partnership: &PartnershipRecord,
    zone: &iln_domain::timezone::TimeZoneName,
) -> Option<String> {
    partnership.ended.as_ref().map(|ending| {
        format!(
            "Ended early on {}: {}",
            when(ending.at, zone),
            if ending.reason.is_empty() {
                "no reason given"
            } else {
                ending.reason.as_str()
            }
        )
    })
}

async fn my_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    error: Option<String>,
    ended_notice: bool,
    contact_notice: bool,
) -> Result<MyPartnershipPage, WebError> {
    let store = state.store();
    let zone = viewer.time_zone();
    let mut partnerships = Vec::new();
    for partnership in store.partnerships_of(viewer.id()).await? {
        // As it stands now: a round whose end date passed reads as closed before its job ran.
        let round = load_round(state, partnership.round).await?;
        let mine = partnership
            .members
            .iter()
            .find(|m| m.user == viewer.id())
            .and_then(|m| m.application);
        let agreed = match mine {
            Some(id) => store.application(id).await?.map(|a| a.consent.version),
            None => None,
        };
        let last_contact = store
            .contacts_of(partnership.id)
            .await?
            .first()
            .map(|c| format!("{}, by {}", day(c.on), c.way.label().to_lowercase()));
        let topics = store
            .round_topics(round.id)
            .await?
            .into_iter()
            .filter(|t| t.is_out_for(&zone, state.now()))
            .map(|t| (t.id.0, t.topic.title))
            .collect();
        let offered = store.ladder(partnership.id).await?.is_some_and(|l| {
            l.stopped_at.is_none()
                && l.step == iln_domain::checkin::LadderStep::Offered
                && l.waiting.is_none_or(|w| w == viewer.id())
        });
        partnerships.push(PartnershipView {
            id: partnership.id.0,
            round_id: round.id.0,
            round_name: round.round.settings.name.to_string(),
            round_headline: words::round_headline(&round.round, state.now()),
            timeline: words::round_timeline(&round.round, state.now()),
            partners: partnership
                .partners_of(viewer.id())
                .map(|m| m.profile.clone())
                .collect(),
            explanation: partnership.explanation.clone(),
            running: partnership.is_running() && round.round.state == RoundState::Active,
            ended: ending_text(&partnership, &zone),
            commitments: agreed.map_or_else(current_commitments, |v| v.commitments()),
            last_contact,
            today: zone.local(state.now()).date().to_string(),
            offered: offered && partnership.is_running(),
            topics,
        });
    }
    Ok(MyPartnershipPage {
        nav: Nav::new(Some(viewer), csrf),
        ways: ContactWay::ALL
            .into_iter()
            .map(|w| (w.as_str(), w.label()))
            .collect(),
        contact_notice,
        partnerships,
        error,
        ended_notice,
    })
}

pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let ended = query.as_deref() == Some("done=ended");
    let contact = query.as_deref() == Some("done=contact");
    ok(&my_page(&state, &viewer, &csrf, None, ended, contact).await?)
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    reason: String,
}

/// Ends a partnership early: a member or an admin, with a reason. Anyone else gets the same
/// 404 as for a partnership that does not exist. The other members are told by email that a
/// coordinator will offer them a new partner.
pub async fn end(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<EndForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let error =
        match matching::end_partnership(state.app(), &actor, PartnershipId(id), &form.reason).await
        {
            Ok(partnership) => {
                state.wake_outbox();
                return if partnership.has_member(viewer.id()) {
                    Ok(Redirect::to("/partnership?done=ended").into_response())
                } else {
                    Ok(Redirect::to(&format!(
                        "/rounds/{}/partnerships?done=ended",
                        partnership.round
                    ))
                    .into_response())
                };
            }
            Err(error) => error,
        };
    let Some(problem) = refusal(&error) else {
        return Err(error.into());
    };
    // A refusal comes back on the page the ending was asked from: the round's partnerships
    // for an admin who is not a member, "My partnership" for a member.
    let store = state.store();
    let partnership = store
        .partnership(PartnershipId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    if viewer.is_admin() && !partnership.has_member(viewer.id()) {
        let round = store
            .round(partnership.round)
            .await?
            .ok_or(WebError::NotFound)?;
        let view = round_page(&state, &viewer, &csrf, &round, Some(problem)).await?;
        return page(FORM_INVALID, &view);
    }
    let view = my_page(&state, &viewer, &csrf, Some(problem), false, false).await?;
    page(FORM_INVALID, &view)
}

// ---------------------------------------------------------------------------------------
// The admin's view of a round's partnerships, and the re-match.

pub struct RoundPartnershipRow {
    pub id: i64,
    /// "3 Dec 2026, by email": the latest logged contact.
    pub last_contact: Option<String>,
    pub names: String,
    pub score: i64,
    pub explanation: String,
    pub running: bool,
    pub ended: Option<String>,
}

pub struct RematchGroup {
    pub names: String,
    pub joins_running: bool,
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "partnership_round.html")]
pub struct RoundPartnershipsPage {
    pub nav: Nav,
    pub round_id: i64,
    pub round_name: String,
    pub headline: String,
    pub active: bool,
    pub partnerships: Vec<RoundPartnershipRow>,
    pub alone: Vec<String>,
    pub rematch: Vec<RematchGroup>,
    pub rematch_unmatched: Vec<String>,
    pub rematch_current: bool,
    pub error: Option<String>,
    pub notice: Option<&'static str>,
}

async fn round_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    round: &RoundRecord,
    error: Option<String>,
) -> Result<RoundPartnershipsPage, WebError> {
    round_page_with(state, viewer, csrf, round, error, None).await
}

async fn round_page_with(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    round: &RoundRecord,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<RoundPartnershipsPage, WebError> {
    let store = state.store();
    let zone = viewer.time_zone();
    let partnerships = store.round_partnerships(round.id).await?;
    let contacts = store.last_contacts(round.id).await?;
    let mut alone = matching::left_alone(&partnerships);
    let ladders = store
        .round_ladders(round.id)
        .await?
        .into_iter()
        .map(|l| (l.partnership, l))
        .collect();
    matching::mark_waiting(&mut alone, &partnerships, &ladders);
    let latest = store
        .latest_match_runs(round.id, MatchRunKind::Rematch, 1)
        .await?;
    let current = matching::current_rematch(latest.first(), &alone);
    let alone_ids: BTreeSet<String> = alone
        .iter()
        .filter_map(|a| a.application.map(|id| id.to_string()))
        .collect();
    Ok(RoundPartnershipsPage {
        nav: Nav::new(Some(viewer), csrf),
        round_id: round.id.0,
        round_name: round.round.settings.name.to_string(),
        headline: words::round_headline(&round.round, state.now()),
        active: round.round.state == RoundState::Active,
        partnerships: partnerships
            .iter()
            .map(|p| RoundPartnershipRow {
                id: p.id.0,
                last_contact: contacts
                    .get(&p.id)
                    .map(|c| format!("{}, by {}", day(c.on), c.way.label().to_lowercase())),
                names: p
                    .members
                    .iter()
                    .map(|m| format!("{} ({})", m.profile.name, m.country.name()))
                    .collect::<Vec<_>>()
                    .join(", "),
                score: p.score,
                explanation: p.explanation.clone(),
                running: p.is_running(),
                ended: ending_text(p, &zone),
            })
            .collect(),
        alone: alone
            .iter()
            .map(|a| match a.waiting_since {
                Some(since) => format!(
                    "{}: waiting for a partner who never replied, since {}; goes first",
                    a.name,
                    zone.format_date(since)
                ),
                None => a.name.clone(),
            })
            .collect(),
        rematch: current
            .map(|run| {
                run.proposal
                    .partnerships
                    .iter()
                    .filter(|p| !p.locked || p.members.len() == 3)
                    .map(|p| RematchGroup {
                        names: p
                            .members
                            .iter()
                            .map(|m| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        joins_running: p.locked,
                        explanation: p.explanation.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        rematch_unmatched: current
            .map(|run| {
                run.proposal
                    .unmatched
                    .iter()
                    .filter(|u| alone_ids.contains(&u.id))
                    .map(|u| format!("{}: {}", u.name, u.explanation))
                    .collect()
            })
            .unwrap_or_default(),
        rematch_current: current.is_some(),
        error,
        notice,
    })
}

pub async fn round_partnerships(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let notice = match query.as_deref() {
        Some("done=ended") => Some("The partnership has ended; its members were told by email."),
        Some("done=rematch") => {
            Some("The re-match below pairs the people left alone. Check it, then apply it.")
        }
        Some("done=applied") => Some("Applied: the new partnerships were created and introduced."),
        _ => None,
    };
    ok(&round_page_with(&state, &admin.0, &csrf, &round, None, notice).await?)
}

/// Proposes a re-match of the people left alone; the page then shows it for checking.
pub async fn rematch(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let actor = Actor::user(&admin.0.user);
    match matching::rematch(state.app(), &actor, round.id).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/rounds/{}/partnerships?done=rematch", round.id))
                .into_response(),
        ),
        Err(error) => refuse(&state, &admin, &csrf, &round, error).await,
    }
}

/// Applies the re-match shown: the new partnerships are created and introduced.
pub async fn apply_rematch(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let actor = Actor::user(&admin.0.user);
    match matching::apply_rematch(state.app(), &actor, round.id).await {
        Ok(_) => {
            state.wake_outbox();
            Ok(
                Redirect::to(&format!("/rounds/{}/partnerships?done=applied", round.id))
                    .into_response(),
            )
        }
        Err(error) => refuse(&state, &admin, &csrf, &round, error).await,
    }
}

/// The round's partnerships page again with why a re-match step was refused, or the error
/// itself when it is no refusal.
async fn refuse(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    round: &RoundRecord,
    error: MatchingError,
) -> Result<Response, WebError> {
    let Some(problem) = refusal(&error) else {
        return Err(error.into());
    };
    let view = round_page(state, &admin.0, csrf, round, Some(problem)).await?;
    page(FORM_INVALID, &view)
}

// ---------------------------------------------------------------------------------------
// Dashboard panels

// ---------------------------------------------------------------------------------------
// The contact log

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContactForm {
    day: String,
    way: String,
    topic: String,
}

/// The words for a contact that was not logged.
fn contact_problem(error: &ContactsError) -> Option<String> {
    Some(match error {
        ContactsError::Invalid(ContactError::Date(text)) => {
            format!("\u{201c}{text}\u{201d} is not a date. Use the form 2027-03-15.")
        }
        ContactsError::Invalid(ContactError::Future { .. }) => {
            "That day is still to come. Log a contact once it has happened.".to_owned()
        }
        ContactsError::Invalid(ContactError::BeforeStart { began, .. }) => format!(
            "The partnership began on {}; choose a day from then on.",
            day(*began)
        ),
        ContactsError::Invalid(ContactError::Way(_)) => "Choose how you were in touch.".to_owned(),
        ContactsError::NotRunning => {
            "This partnership is not running, so its contacts are closed.".to_owned()
        }
        ContactsError::UnknownTopic => "Choose one of the round's topics, or none.".to_owned(),
        ContactsError::App(_) => return None,
    })
}

/// A member logs a contact: the day (today unless they say otherwise), how, and which topic.
pub async fn log_contact(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<ContactForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let input = ContactInput {
        day: form.day,
        way: form.way,
        topic: form.topic.trim().parse().ok().map(TopicId),
    };
    match contacts::log(
        state.app(),
        &actor,
        PartnershipId(id),
        &input,
        &viewer.time_zone(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/partnership?done=contact").into_response()),
        Err(error) => match contact_problem(&error) {
            Some(problem) => {
                let view = my_page(&state, &viewer, &csrf, Some(problem), false, false).await?;
                page(FORM_INVALID, &view)
            }
            None => match error {
                ContactsError::App(error) => Err(error.into()),
                other => Err(WebError::Conflict(other.to_string())),
            },
        },
    }
}
