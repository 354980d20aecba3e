//! Rounds: the list, a round's page (where it is and what comes next, its timeline and what
//! participants commit to), the admin's create and edit forms and state buttons, and the
//! coordinators' interests list. Each handler parses, calls its `iln_app::rounds` use-case
//! and renders; the refusals become pages through `From<RoundError> for WebError` here.
//!
//! No page load writes: pages show a round as it stands now ([`load_round`], which applies
//! the dates that have passed in memory only). The `round_dates` job records the
//! transitions with their side effects, and a POST that depends on the state applies them
//! first in its own transaction.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::rounds::RoundError;
use iln_domain::application::InterestCatalogue;
use iln_domain::round::{AdminAction, RoundForm, RoundSettings, RoundState};
use iln_store::{PeopleScope, RoundId, RoundRecord};
use serde::Deserialize;

use super::common::{
    FieldErrors, RoundRow, current_commitments, is_coordinator, listed, load_round,
    milestone_event, unreadable_notes, without_field,
};
use super::{FORM_INVALID, ok, page};
use crate::auth::{Admin, MaybeViewer, Viewer};
use crate::error::WebError;
use crate::forms::{HtmlForm, PathId};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::Nav;
use crate::words::{Label, StatusView};

/// The refusals of the rounds use-cases as pages a person can act on. A form's own problems
/// are shown on the form by its handler; this is for everything else.
impl From<RoundError> for WebError {
    fn from(error: RoundError) -> Self {
        match error {
            RoundError::Invalid(problems) => WebError::BadRequest(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            RoundError::SettingsLocked { name } => WebError::Conflict(format!(
                "the settings of {name} can only change while it is a draft"
            )),
            RoundError::WrongState(error) => WebError::Conflict(error.to_string()),
            RoundError::PublishElsewhere => WebError::Conflict(
                "publish the partnerships from the round's matching page, which creates them"
                    .to_owned(),
            ),
            RoundError::Changed => WebError::Conflict(
                "the round changed meanwhile; reload its page and try again".to_owned(),
            ),
            RoundError::Interest(error) => WebError::BadRequest(error.to_string()),
            RoundError::NoInterests => {
                WebError::BadRequest("list at least one area of interest".to_owned())
            }
            RoundError::App(error) => error.into(),
        }
    }
}

/// A round a viewer may see: drafts only for admins and coordinators, as 404 for others.
async fn visible_round(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: RoundId,
) -> Result<RoundRecord, WebError> {
    let record = load_round(state, id).await?;
    if record.round.state == RoundState::Draft && !is_coordinator(viewer) {
        return Err(WebError::NotFound);
    }
    Ok(record)
}

/// One date of a round's timeline as an iCalendar file (`/rounds/{id}/calendar/{kind}.ics`),
/// for whoever may see the round's page: a whole-day event with a UID that stays the same,
/// so downloading it again updates the event instead of adding a second one.
pub async fn milestone_ics(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let record = visible_round(&state, viewer.as_ref(), RoundId(id)).await?;
    let slug = file.strip_suffix(".ics").ok_or(WebError::NotFound)?;
    let now = state.now();
    let milestone = record
        .round
        .status(now)
        .timeline
        .into_iter()
        .find(|m| m.kind.as_str() == slug)
        .ok_or(WebError::NotFound)?;
    let name = record.round.settings.name.to_string();
    let event = milestone_event(&state, record.id, &name, milestone.kind, milestone.date);
    let body = iln_domain::calendar::calendar(&name, &[event], now);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"round-{id}-{slug}.ics\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "round_list.html")]
struct RoundListPage {
    nav: Nav,
    can_create: bool,
    rounds: Vec<RoundRow>,
    /// Rounds this release cannot read, named for coordinators (visitors see the rest).
    unreadable: Vec<String>,
}

pub async fn list(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    let coordinator = is_coordinator(viewer.as_ref());
    let now = state.now();
    let listing = iln_app::rounds::round_listing_now(state.app()).await?;
    let rounds = listing
        .rows
        .iter()
        .filter(|r| coordinator || r.round.state != RoundState::Draft)
        .map(|r| RoundRow::new(r, now))
        .collect();
    ok(&RoundListPage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        can_create: viewer.as_ref().is_some_and(Viewer::is_admin),
        rounds,
        unreadable: if coordinator {
            unreadable_notes(&listing.unreadable)
        } else {
            Vec::new()
        },
    })
}

#[derive(Template)]
#[template(path = "round_form.html")]
struct RoundFormPage {
    nav: Nav,
    /// None for a new round.
    id: Option<i64>,
    form: RoundForm,
    errors: FieldErrors,
    leftovers: Vec<(&'static str, &'static str)>,
}

impl RoundFormPage {
    fn new(nav: Nav, id: Option<RoundId>, form: RoundForm, errors: FieldErrors) -> Self {
        use iln_domain::round::LeftoverPolicy;
        Self {
            nav,
            id: id.map(|id| id.0),
            form,
            errors,
            leftovers: [LeftoverPolicy::Trio, LeftoverPolicy::NextRound]
                .into_iter()
                .map(|p| (p.as_str(), p.label()))
                .collect(),
        }
    }

    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/rounds/{id}/edit"),
            None => "/rounds/new".to_owned(),
        }
    }
}

/// The form again with each problem next to its field.
fn form_with_problems(
    nav: Nav,
    id: Option<RoundId>,
    form: RoundForm,
    problems: &[iln_domain::round::RoundError],
) -> Result<Response, WebError> {
    let mut errors = FieldErrors::default();
    for problem in problems {
        errors.insert(problem.field().as_str(), without_field(problem));
    }
    page(FORM_INVALID, &RoundFormPage::new(nav, id, form, errors))
}

pub async fn new_form(
    Admin(viewer): Admin,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&RoundFormPage::new(
        Nav::new(Some(&viewer), &csrf),
        None,
        RoundForm {
            country_cap: "20".to_owned(),
            languages: "en".to_owned(),
            ..RoundForm::default()
        },
        FieldErrors::default(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<RoundForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match iln_app::rounds::create(state.app(), &actor, &form).await {
        Ok(id) => {
            // Its opening date's job may be due already.
            state.wake_outbox();
            Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
        }
        Err(RoundError::Invalid(problems)) => {
            form_with_problems(Nav::new(Some(&viewer), &csrf), None, form, &problems)
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let record = load_round(&state, RoundId(id)).await?;
    if !record.round.settings_editable() {
        return Err(settings_locked(&record));
    }
    ok(&RoundFormPage::new(
        Nav::new(Some(&viewer), &csrf),
        Some(record.id),
        record.round.settings.to_form(),
        FieldErrors::default(),
    ))
}

fn settings_locked(record: &RoundRecord) -> WebError {
    RoundError::SettingsLocked {
        name: record.round.settings.name.to_string(),
    }
    .into()
}

pub async fn update(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<RoundForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let id = RoundId(id);
    match iln_app::rounds::edit(state.app(), &actor, id, &form).await {
        Ok(record) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!("/rounds/{}", record.id)).into_response())
        }
        Err(RoundError::Invalid(problems)) => {
            form_with_problems(Nav::new(Some(&viewer), &csrf), Some(id), form, &problems)
        }
        Err(error) => Err(error.into()),
    }
}

/// A round's settings as people read them.
pub struct SettingsView {
    pub languages: String,
    pub country_cap: u8,
    pub leftover: &'static str,
    pub time_zone: String,
}

impl SettingsView {
    pub fn new(settings: &RoundSettings) -> SettingsView {
        SettingsView {
            languages: listed(settings.languages.iter().map(|l| l.name())),
            country_cap: settings.country_cap.percent(),
            leftover: settings.leftover.label(),
            time_zone: settings.time_zone.to_string(),
        }
    }
}

/// What the viewer's own application to this round looks like, for the round's page.
pub struct OwnApplication {
    pub status: &'static str,
    pub carried_over: bool,
}

#[derive(Template)]
#[template(path = "round_page.html")]
struct RoundPage {
    nav: Nav,
    id: i64,
    name: String,
    status: StatusView,
    settings: SettingsView,
    commitments: &'static [&'static str],
    accepts_applications: bool,
    /// Open or in review: an admin may import applications from a spreadsheet.
    importable: bool,
    signed_in: bool,
    own: Option<OwnApplication>,
    is_admin: bool,
    is_coordinator: bool,
    editable: bool,
    /// The admin actions this page offers as buttons (publishing is on the matching page).
    actions: Vec<AdminAction>,
    counts: Vec<(&'static str, i64)>,
    /// The matching page's link (admins, while matching) or the partnerships' (once published).
    matching: bool,
    published: bool,
    interests: usize,
    notice: Option<String>,
    /// The exports a coordinator may download: (label, id), in each of `formats`.
    exports: Vec<(&'static str, &'static str)>,
    formats: Vec<(&'static str, &'static str)>,
}

/// The value of `key` in a query string, if it is there.
fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, value)| value.into_owned())
}

pub async fn show(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let record = visible_round(&state, viewer.as_ref(), RoundId(id)).await?;
    // After an admin's button (post/redirect/get): say what was done. Only a known action
    // is named, so a crafted link cannot put words on the page.
    let notice = query_value(query.as_deref(), "done")
        .and_then(|done| AdminAction::parse(&done).ok())
        .map(|action| format!("Done: {}.", action.label().to_lowercase()));
    render_round(&state, viewer.as_ref(), &csrf, &record, notice).await
}

async fn render_round(
    state: &AppState,
    viewer: Option<&Viewer>,
    csrf: &str,
    record: &RoundRecord,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let coordinator = is_coordinator(viewer);
    let own = match viewer {
        Some(v) => state
            .store()
            .application_of(record.id, v.id())
            .await?
            .map(|a| OwnApplication {
                status: a.status.label(),
                carried_over: a.carried_from.is_some(),
            }),
        None => None,
    };
    let counts = match viewer.map(Viewer::country_scope) {
        Some(Ok(scope)) if coordinator => {
            let scope = match scope {
                None => PeopleScope::All,
                Some(countries) => PeopleScope::Countries(countries.to_vec()),
            };
            state
                .store()
                .count_applications_by_status(record.id, &scope)
                .await?
                .into_iter()
                .map(|(status, n)| (status.label(), n))
                .collect()
        }
        _ => Vec::new(),
    };
    let is_admin = viewer.is_some_and(Viewer::is_admin);
    ok(&RoundPage {
        nav: Nav::new(viewer, csrf),
        id: record.id.0,
        name: record.round.settings.name.to_string(),
        status: StatusView::new(&record.round, state.now()),
        settings: SettingsView::new(&record.round.settings),
        commitments: current_commitments(),
        accepts_applications: record.round.accepts_applications(),
        importable: matches!(
            record.round.state,
            iln_domain::round::RoundState::Open | iln_domain::round::RoundState::Review
        ),
        signed_in: viewer.is_some(),
        own,
        is_admin,
        is_coordinator: coordinator,
        editable: record.round.settings_editable(),
        actions: record
            .round
            .available_actions()
            .into_iter()
            .filter(|a| *a != AdminAction::Publish)
            .collect(),
        counts,
        matching: is_admin && record.round.state == RoundState::Matching,
        published: is_admin
            && matches!(record.round.state, RoundState::Active | RoundState::Closed),
        interests: record.interests.len(),
        notice,
        exports: iln_app::export::What::ALL
            .into_iter()
            .map(|w| (w.label(), w.as_str()))
            .collect(),
        formats: iln_app::export::Format::ALL
            .into_iter()
            .map(|f| (f.label(), f.extension()))
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
}

/// An admin moves the round on by hand, then goes back to the round's page, which says
/// what was done.
pub async fn act(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<ActionForm>,
) -> Result<Response, WebError> {
    let action =
        AdminAction::parse(&form.action).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let actor = Actor::user(&viewer.user);
    let record = iln_app::rounds::transition(state.app(), &actor, RoundId(id), action).await?;
    // Closing applications may have queued deferral emails.
    state.wake_outbox();
    Ok(Redirect::to(&format!("/rounds/{}?done={}", record.id, action.as_str())).into_response())
}

#[derive(Template)]
#[template(path = "round_interests.html")]
struct InterestsPage {
    nav: Nav,
    id: i64,
    name: String,
    text: String,
    error: Option<String>,
    saved: bool,
}

/// A coordinator (admin or country coordinator); others get 404 as for a page that does
/// not exist.
fn coordinator(viewer: &Viewer) -> Result<(), WebError> {
    if is_coordinator(Some(viewer)) {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

fn catalogue_text(interests: &InterestCatalogue) -> String {
    interests
        .iter()
        .map(|i| i.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn interests_form(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    coordinator(&viewer)?;
    let record = load_round(&state, RoundId(id)).await?;
    ok(&InterestsPage {
        nav: Nav::new(Some(&viewer), &csrf),
        id: record.id.0,
        name: record.round.settings.name.to_string(),
        text: catalogue_text(&record.interests),
        error: None,
        // Back from saving (post/redirect/get).
        saved: query_value(query.as_deref(), "saved").is_some(),
    })
}

#[derive(Deserialize)]
pub struct InterestsForm {
    #[serde(default)]
    interests: String,
}

pub async fn update_interests(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<InterestsForm>,
) -> Result<Response, WebError> {
    coordinator(&viewer)?;
    let record = load_round(&state, RoundId(id)).await?;
    let names: Vec<&str> = form.interests.lines().collect();
    let actor = Actor::user(&viewer.user);
    let mut page_ = InterestsPage {
        nav: Nav::new(Some(&viewer), &csrf),
        id: record.id.0,
        name: record.round.settings.name.to_string(),
        text: form.interests.clone(),
        error: None,
        saved: false,
    };
    match iln_app::rounds::edit_interests(state.app(), &actor, record.id, &names).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/rounds/{}/interests?saved=1", record.id)).into_response())
        }
        Err(RoundError::Interest(error)) => {
            page_.error = Some(error.to_string());
            page(FORM_INVALID, &page_)
        }
        Err(RoundError::NoInterests) => {
            page_.error = Some("list at least one area of interest".to_owned());
            page(FORM_INVALID, &page_)
        }
        Err(error) => Err(error.into()),
    }
}
