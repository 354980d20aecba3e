//! Reviewing applications: the queue with its filters, decisions one by one or in bulk
//! (admins), notes and endorsements (coordinators), and the duplicate flags' merge or keep.
//!
//! Applicants are visible to coordinators only: a country coordinator reads through the
//! scope of their countries, and an application outside it is a 404 exactly like one that
//! does not exist; a participant gets 404 for all of it.
//!
//! Every action is an `iln_app::applications` use-case; these handlers parse the form, call
//! it and render the page. The refusals of those use-cases (for the apply pages too) become
//! pages through `From<ApplicationsError> for WebError` here.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::applications::{self, ApplicationsError, MESSAGE_MAX_LEN};
use iln_domain::country::CountryCode;
use iln_domain::profile::Sector;
use iln_domain::status::Decision;
use iln_store::{
    ApplicationFilter, ApplicationId, ApplicationRecord, ApplicationStatus, PeopleScope, RoundId,
    RoundRecord,
};
use serde::Deserialize;

use super::common::{listed, load_round, query_value, unreadable_notes};
use super::ok;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::forms::{HtmlForm, PathId};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::{Describe, Label};

/// The refusals of the applications use-cases as pages a person can act on. The apply
/// form shows its own field problems itself; this is for everything else.
impl From<ApplicationsError> for WebError {
    fn from(error: ApplicationsError) -> Self {
        match error {
            ApplicationsError::Invalid(problems) => WebError::BadRequest(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ApplicationsError::Unconfirmed => WebError::Conflict(
                "applications count only from a confirmed email address: open the link we \
                 emailed you first"
                    .to_owned(),
            ),
            ApplicationsError::NotAccepting { round } => WebError::Conflict(format!(
                "{round} is not taking applications, so applications cannot be sent, changed or \
                 withdrawn"
            )),
            ApplicationsError::DecisionsClosed { state } => WebError::Conflict(format!(
                "decisions cannot change while the round is {}",
                state.label().to_lowercase()
            )),
            ApplicationsError::WrongStatus { name, error } => {
                WebError::Conflict(format!("{error} (the application of {name})"))
            }
            ApplicationsError::NothingChosen => {
                WebError::BadRequest("tick at least one application to decide".to_owned())
            }
            ApplicationsError::MessageTooLong => WebError::BadRequest(format!(
                "a message has at most {MESSAGE_MAX_LEN} characters"
            )),
            ApplicationsError::EmptyNote => WebError::BadRequest("write a note first".to_owned()),
            ApplicationsError::NotDuplicates => WebError::Conflict(
                "these two applications are not flagged as duplicates of each other".to_owned(),
            ),
            ApplicationsError::App(error) => error.into(),
        }
    }
}

/// The decisions a reviewer can make, as the forms send them.
fn decision(input: &str) -> Result<Decision, WebError> {
    Decision::parse(input)
        .map_err(|_| WebError::BadRequest("choose approve, decline or wait-list".to_owned()))
}

/// One row of the queue.
pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub country: &'static str,
    pub institution: String,
    pub sector: &'static str,
    pub status: &'static str,
    pub duplicate: Option<&'static str>,
    pub carried_over: bool,
    pub endorsed: bool,
}

/// The queue's filters as chosen, kept in the form and the links.
#[derive(Default)]
pub struct QueueFilters {
    pub country: String,
    pub sector: String,
    pub status: String,
    pub duplicates: bool,
}

#[derive(Template)]
#[template(path = "review_queue.html")]
struct QueuePage {
    nav: Nav,
    id: i64,
    round: String,
    scope: String,
    can_decide: bool,
    filters: QueueFilters,
    countries: Vec<(String, String)>,
    sectors: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<QueueRow>,
    /// Applications in the filter that this release cannot read, named above the list.
    unreadable: Vec<String>,
    notice: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let scope = viewer.people_scope()?;
    let record = load_round(&state, RoundId(id)).await?;
    let notice = match query_value(query.as_deref(), "done").parse::<usize>() {
        Ok(n) => Some(format!(
            "Decided {n} applications; each applicant is emailed."
        )),
        Err(_) => None,
    };
    render_queue(
        &state,
        &viewer,
        &csrf,
        &record,
        scope,
        query.as_deref(),
        notice,
    )
    .await
}

async fn render_queue(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    record: &RoundRecord,
    scope: PeopleScope,
    query: Option<&str>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let filters = QueueFilters {
        country: query_value(query, "country"),
        sector: query_value(query, "sector"),
        status: query_value(query, "status"),
        duplicates: query_value(query, "duplicates") == "1",
    };
    let chosen_country = CountryCode::parse(&filters.country).ok();
    // A country filter narrows the reader's scope and never widens it.
    let narrowed = match (chosen_country, &scope) {
        (None, _) => scope.clone(),
        (Some(code), PeopleScope::All) => PeopleScope::Countries(vec![code]),
        (Some(code), PeopleScope::Countries(codes)) => {
            PeopleScope::Countries(codes.iter().copied().filter(|c| *c == code).collect())
        }
    };
    let filter = ApplicationFilter {
        status: ApplicationStatus::parse(&filters.status),
        scope: narrowed,
        sector: Sector::parse(&filters.sector).ok(),
        duplicates_only: filters.duplicates,
    };
    let listing = state
        .store()
        .application_listing(record.id, &filter)
        .await?;
    let applications = listing.rows;
    let endorsed = state.store().endorsed_applications(record.id).await?;
    let all = state
        .store()
        .application_listing(
            record.id,
            &ApplicationFilter {
                scope: scope.clone(),
                ..ApplicationFilter::all()
            },
        )
        .await?
        .rows;
    let mut countries: Vec<(String, String)> = match &scope {
        PeopleScope::All => {
            let mut codes: Vec<CountryCode> = all.iter().map(|a| a.application.country).collect();
            codes.sort();
            codes.dedup();
            codes
        }
        PeopleScope::Countries(codes) => codes.clone(),
    }
    .into_iter()
    .map(|c| (c.as_str().to_owned(), c.name().to_owned()))
    .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    let scope_words = match &scope {
        PeopleScope::All => format!("All {} applications of the round.", all.len()),
        PeopleScope::Countries(codes) if codes.is_empty() => {
            "No country is assigned to you yet, so there is nobody to show.".to_owned()
        }
        PeopleScope::Countries(codes) => format!(
            "The {} applications from your countries ({}).",
            all.len(),
            codes
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let rows = applications
        .iter()
        .map(|a| QueueRow {
            id: a.id.0,
            name: a.application.name.to_string(),
            country: a.application.country.name(),
            institution: a.application.institution.clone(),
            sector: a.application.sector.label(),
            status: a.status.label(),
            duplicate: a.duplicate_reason.map(|r| r.describe()),
            carried_over: a.carried_from.is_some(),
            endorsed: endorsed.contains(&a.id),
        })
        .collect();
    ok(&QueuePage {
        nav: Nav::new(Some(viewer), csrf),
        id: record.id.0,
        round: record.round.settings.name.to_string(),
        scope: scope_words,
        can_decide: viewer.is_admin() && record.round.accepts_decisions(),
        filters,
        countries,
        sectors: Sector::ALL
            .into_iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        statuses: ApplicationStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        rows,
        unreadable: unreadable_notes(&listing.unreadable),
        notice,
    })
}

/// Bulk decisions: the checked applications, one decision, one optional message.
pub async fn decide_many(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut ids = Vec::new();
    let mut chosen = String::new();
    let mut message = String::new();
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "ids" => ids.push(
                value
                    .parse::<i64>()
                    .map(ApplicationId)
                    .map_err(|_| WebError::BadRequest("an application id is wrong".to_owned()))?,
            ),
            "decision" => chosen = value.into_owned(),
            "message" => message = value.into_owned(),
            _ => {}
        }
    }
    let decision = decision(&chosen)?;
    let decided = applications::decide_many(
        state.app(),
        &Actor::user(&viewer.user),
        RoundId(id),
        &ids,
        decision,
        Some(&message),
    )
    .await?;
    state.wake_outbox();
    Ok(Redirect::to(&format!("/rounds/{id}/review?done={decided}")).into_response())
}

/// An application's notes, for the page.
pub struct NoteView {
    pub author: String,
    pub endorsement: bool,
    pub body: String,
    pub at: String,
}

/// Another application of the same duplicate group.
pub struct Twin {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "review_application.html")]
struct ApplicationPage {
    nav: Nav,
    round_id: i64,
    round: String,
    record: ApplicationRecord,
    submitted: String,
    decided: Option<String>,
    interests: String,
    languages: String,
    communication: String,
    notes: Vec<NoteView>,
    twins: Vec<Twin>,
    can_decide: bool,
    notice: Option<String>,
}

/// The application if the viewer's scope covers it, else 404.
async fn in_scope(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<(ApplicationRecord, RoundRecord), WebError> {
    let scope = viewer.people_scope()?;
    let application = state
        .store()
        .application_in_scope(ApplicationId(id), &scope)
        .await?
        .ok_or(WebError::NotFound)?;
    let record = load_round(state, application.round).await?;
    Ok((application, record))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let (application, record) = in_scope(&state, &viewer, id).await?;
    render_application(&state, &viewer, &csrf, application, &record, None).await
}

async fn render_application(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    application: ApplicationRecord,
    record: &RoundRecord,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let zone = viewer.time_zone();
    let notes = state
        .store()
        .application_notes(application.id)
        .await?
        .into_iter()
        .map(|n| NoteView {
            author: n
                .author_name
                .unwrap_or_else(|| "A former account".to_owned()),
            endorsement: n.endorsement,
            body: n.body,
            at: when(n.created_at, &zone),
        })
        .collect();
    let twins = match application.duplicate_of {
        Some(first) => state
            .store()
            .applications(
                record.id,
                &ApplicationFilter {
                    scope: viewer.people_scope()?,
                    duplicates_only: true,
                    ..ApplicationFilter::all()
                },
            )
            .await?
            .into_iter()
            .filter(|a| a.duplicate_of == Some(first) && a.id != application.id)
            .map(|a| Twin {
                id: a.id.0,
                name: a.application.name.to_string(),
                email: a.application.email.to_string(),
                status: a.status.label(),
            })
            .collect(),
        None => Vec::new(),
    };
    let answers = &application.application;
    ok(&ApplicationPage {
        nav: Nav::new(Some(viewer), csrf),
        round_id: record.id.0,
        round: record.round.settings.name.to_string(),
        submitted: when(application.submitted_at, &zone),
        decided: application.decided_at.map(|at| when(at, &zone)),
        interests: listed(answers.interests.iter().map(|i| i.as_str())),
        languages: listed(answers.languages.iter().map(|l| l.name())),
        communication: listed(answers.communication.iter().map(|w| w.label())),
        notes,
        twins,
        can_decide: viewer.is_admin() && record.round.accepts_decisions(),
        notice,
        record: application,
    })
}

/// Shows the application again, as the use-case left it, with a notice of what was done.
async fn show_again(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    application: ApplicationRecord,
    notice: String,
) -> Result<Response, WebError> {
    let record = load_round(state, application.round).await?;
    render_application(state, viewer, csrf, application, &record, Some(notice)).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    message: String,
}

pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<DecisionForm>,
) -> Result<Response, WebError> {
    let decision = decision(&form.decision)?;
    let application = applications::decide(
        state.app(),
        &Actor::user(&viewer.user),
        ApplicationId(id),
        decision,
        Some(&form.message),
    )
    .await?;
    state.wake_outbox();
    show_again(
        &state,
        &viewer,
        &csrf,
        application,
        format!(
            "Decided: {}. The applicant is emailed.",
            decision.status().label().to_lowercase()
        ),
    )
    .await
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    endorse: String,
}

pub async fn note(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<NoteForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let id = ApplicationId(id);
    let body = form.body.trim();
    let (application, notice) = if form.endorse.trim().is_empty() {
        (
            applications::note(state.app(), &actor, id, body).await?,
            "Note added.",
        )
    } else {
        // An endorsement needs no words of its own; the note then says what it is.
        let body = if body.is_empty() { "Endorsed" } else { body };
        (
            applications::endorse(state.app(), &actor, id, body).await?,
            "Endorsed.",
        )
    };
    show_again(&state, &viewer, &csrf, application, notice.to_owned()).await
}

/// Keep both: the flag was a false alarm.
pub async fn keep(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let application =
        applications::keep_duplicate(state.app(), &Actor::user(&viewer.user), ApplicationId(id))
            .await?;
    show_again(
        &state,
        &viewer,
        &csrf,
        application,
        "Kept: this application is no longer flagged as a duplicate.".to_owned(),
    )
    .await
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    withdraw: String,
}

/// Merge: keep this application and withdraw its twin.
pub async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<MergeForm>,
) -> Result<Response, WebError> {
    // An id that is not a number names no application anyone can see.
    let other = form
        .withdraw
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::NotFound)?;
    let merged = applications::merge_duplicates(
        state.app(),
        &Actor::user(&viewer.user),
        ApplicationId(id),
        ApplicationId(other),
    )
    .await?;
    let notice = format!(
        "Merged: the application of {} is withdrawn and this one kept.",
        merged.withdrawn.application.name
    );
    show_again(&state, &viewer, &csrf, merged.kept, notice).await
}
