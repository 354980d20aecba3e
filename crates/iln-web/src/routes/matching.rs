//! The admin's "Run matching" page for a round: options (weights, languages, mode, leftover
//! policy), the never-pair list, locks and swaps, every run stored and shown with its
//! distribution, explanations and what changed since the last one, and publishing the latest
//! run as partnerships with their introduction emails.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::matching::{self, MatchingError, PairChange};
use iln_app::{Actor, AppError};
use iln_domain::application::{LanguageCode, parse_languages};
use iln_domain::proposal::{self, Bucket, MatchMode, Proposal};
use iln_domain::round::{LeftoverPolicy, Round, RoundState};
use iln_domain::scoring::{Criterion, Weights};
use iln_store::{
    ApplicationId, ApplicationRecord, MatchOptions, MatchRun, MatchRunKind, RoundId, RoundRecord,
};
use serde::Deserialize;

use super::common::{load_round_at as load_round, refusal, unreadable_notes};
use super::{FORM_INVALID, ok, page};
use crate::auth::Admin;
use crate::charts::Columns;
use crate::error::{WebError, capitalise};
use crate::forms::HtmlForm;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::{self, Label};

/// The approved applications of a round, by id.
async fn approved(
    state: &AppState,
    round: RoundId,
) -> Result<BTreeMap<ApplicationId, ApplicationRecord>, WebError> {
    Ok(matching::approved(state.app(), round).await?)
}

/// An application id as the engine knows it.
fn app_id(id: &str) -> Option<ApplicationId> {
    id.parse().ok()
}

/// The options of the round's last run, or the round's own settings before any run.
fn default_options(round: &Round, last: Option<&MatchRun>) -> MatchOptions {
    last.map(|run| run.options.clone())
        .unwrap_or_else(|| MatchOptions {
            weights: round.settings.weights,
            languages: round.settings.languages.clone(),
            mode: MatchMode::default(),
            leftover: round.settings.leftover,
        })
}

const MODES: [MatchMode; 3] = [
    MatchMode::BestTotal,
    MatchMode::MaxParticipation,
    MatchMode::Fairness,
];
const LEFTOVERS: [LeftoverPolicy; 2] = [LeftoverPolicy::Trio, LeftoverPolicy::NextRound];

// ---------------------------------------------------------------------------------------
// Views

pub struct WeightField {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct OptionsView {
    pub weights: Vec<WeightField>,
    pub languages: String,
    pub languages_error: Option<String>,
    pub modes: Vec<Choice>,
    pub leftovers: Vec<Choice>,
}

impl OptionsView {
    fn new(options: &MatchOptions) -> Self {
        Self {
            weights: Criterion::ALL
                .into_iter()
                .map(|c| WeightField {
                    id: c.as_str(),
                    label: c.label(),
                    value: options.weights.get(c).to_string(),
                    error: None,
                })
                .collect(),
            languages: languages_text(&options.languages),
            languages_error: None,
            modes: MODES
                .into_iter()
                .map(|m| Choice {
                    value: m.as_str(),
                    label: m.label(),
                    checked: m == options.mode,
                })
                .collect(),
            leftovers: LEFTOVERS
                .into_iter()
                .map(|l| Choice {
                    value: l.as_str(),
                    label: l.label(),
                    checked: l == options.leftover,
                })
                .collect(),
        }
    }
}

fn languages_text(languages: &BTreeSet<LanguageCode>) -> String {
    languages
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

pub struct MemberView {
    pub id: String,
    pub name: String,
    pub country: String,
}

pub struct PartnershipRow {
    pub members: Vec<MemberView>,
    pub score: i64,
    pub locked: bool,
    pub explanation: String,
}

impl PartnershipRow {
    /// The two application ids of a pair, for its lock and forbid buttons; None for a trio.
    pub fn pair(&self) -> Option<(&str, &str)> {
        match self.members.as_slice() {
            [a, b] => Some((a.id.as_str(), b.id.as_str())),
            _ => None,
        }
    }

    pub fn names(&self) -> String {
        self.members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// The distribution of pair scores, one column per range.
fn score_chart(histogram: &[Bucket]) -> Columns {
    let rows: Vec<(String, usize)> = histogram
        .iter()
        .map(|b| (format!("{}–{}", b.from, b.to), b.count))
        .collect();
    Columns::new(&rows)
}

pub struct UnmatchedView {
    pub name: String,
    pub explanation: String,
}

pub struct RunView {
    pub number: i64,
    pub at: String,
    /// Who ran it, when an account did.
    pub by: Option<String>,
    pub mode: &'static str,
    pub people: usize,
    pub pairs: usize,
    pub trios: usize,
    pub total: i64,
    pub lowest: Option<i64>,
    pub lowest_pair: Option<String>,
    pub certified: bool,
    pub partnerships: Vec<PartnershipRow>,
    pub unmatched: Vec<UnmatchedView>,
    pub chart: Columns,
}

pub struct DiffView {
    pub kept: usize,
    pub broken: Vec<String>,
    pub new: Vec<String>,
    pub total_change: i64,
}

pub struct PairView {
    pub a: String,
    pub b: String,
    pub names: String,
}

pub struct PersonChoice {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "matching_round.html")]
pub struct MatchingPage {
    pub nav: Nav,
    pub round_id: i64,
    pub round_name: String,
    pub headline: String,
    pub can_run: bool,
    pub can_publish: bool,
    pub published: bool,
    pub approved: usize,
    pub options: OptionsView,
    pub error: Option<String>,
    pub notice: Option<&'static str>,
    pub skipped: usize,
    /// Runs this release cannot read, named above the latest run.
    pub unreadable: Vec<String>,
    pub run: Option<RunView>,
    pub diff: Option<DiffView>,
    pub locks: Vec<PairView>,
    pub forbidden: Vec<PairView>,
    pub people: Vec<PersonChoice>,
}

fn run_view(
    run: &MatchRun,
    number: i64,
    by: Option<String>,
    zone: &iln_domain::timezone::TimeZoneName,
) -> RunView {
    let proposal = &run.proposal;
    let partnerships: Vec<PartnershipRow> = proposal
        .partnerships
        .iter()
        .map(|p| PartnershipRow {
            members: p
                .members
                .iter()
                .map(|m| MemberView {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    country: m.country.name().to_owned(),
                })
                .collect(),
            score: p.score,
            locked: p.locked,
            explanation: p.explanation.clone(),
        })
        .collect();
    let lowest_pair = proposal.lowest.and_then(|lowest| {
        proposal.partnerships.iter().find_map(|p| {
            p.pairs.iter().find(|s| s.score == lowest).map(|s| {
                let name = |id: &str| {
                    p.members
                        .iter()
                        .find(|m| m.id == id)
                        .map_or_else(|| id.to_owned(), |m| m.name.clone())
                };
                format!("{} and {}: {}", name(&s.a), name(&s.b), s.sentence)
            })
        })
    });
    RunView {
        number,
        at: when(run.created_at, zone),
        by,
        mode: proposal.mode.label(),
        people: proposal.people,
        pairs: proposal.pairs(),
        trios: proposal.trios(),
        total: proposal.total,
        lowest: proposal.lowest,
        lowest_pair,
        certified: proposal.certified,
        partnerships,
        unmatched: proposal
            .unmatched
            .iter()
            .map(|u| UnmatchedView {
                name: u.name.clone(),
                explanation: u.explanation.clone(),
            })
            .collect(),
        chart: score_chart(&proposal.histogram),
    }
}

fn names_of(ids: &[String], names: &BTreeMap<String, String>) -> String {
    ids.iter()
        .map(|id| names.get(id).map_or(id.as_str(), String::as_str))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn diff_view(previous: &Proposal, current: &Proposal) -> DiffView {
    let names: BTreeMap<String, String> = previous
        .partnerships
        .iter()
        .chain(&current.partnerships)
        .flat_map(|p| p.members.iter().map(|m| (m.id.clone(), m.name.clone())))
        .collect();
    let diff = proposal::diff(previous, current);
    DiffView {
        kept: diff.kept.len(),
        broken: diff
            .broken
            .iter()
            .map(|ids| names_of(ids, &names))
            .collect(),
        new: diff.new.iter().map(|ids| names_of(ids, &names)).collect(),
        total_change: diff.total_change,
    }
}

fn pair_views(
    pairs: &[(ApplicationId, ApplicationId)],
    approved: &BTreeMap<ApplicationId, ApplicationRecord>,
) -> Vec<PairView> {
    let name = |id: &ApplicationId| {
        approved.get(id).map_or_else(
            || format!("application {id} (no longer approved)"),
            |r| r.application.name.to_string(),
        )
    };
    pairs
        .iter()
        .map(|(a, b)| PairView {
            a: a.to_string(),
            b: b.to_string(),
            names: format!("{} and {}", name(a), name(b)),
        })
        .collect()
}

/// What the page says after a change it redirected from.
fn notice(query: Option<&str>) -> Option<&'static str> {
    let done = query.and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "done")
            .map(|(_, value)| value.into_owned())
    })?;
    Some(match done.as_str() {
        "run" => "Matching ran; the proposal below is the new one.",
        "locked" => "Locked. The pair stays together in every run until you release it.",
        "unlocked" => "The lock is released.",
        "forbidden" => "Added to the never-pair list.",
        "allowed" => "Taken off the never-pair list.",
        "swapped" => "Swapped: both new pairs are locked. Run matching again to see the result.",
        "published" => {
            "Published: the partnerships are created and their introductions are on their way."
        }
        _ => return None,
    })
}

async fn matching_page(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    round: &RoundRecord,
    options: Option<OptionsView>,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<MatchingPage, WebError> {
    let store = state.store();
    let approved = approved(state, round.id).await?;
    let listing = store
        .match_run_listing(round.id, MatchRunKind::Round, 2)
        .await?;
    // When the newest run is the unreadable one, the page shows no run (publishing would
    // refuse it) rather than the one before as if it were the latest.
    let newest_unreadable = listing.unreadable.iter().any(|u| u.position == 0);
    let runs = if newest_unreadable {
        Vec::new()
    } else {
        listing.rows
    };
    let count = store
        .count_match_runs(round.id, MatchRunKind::Round)
        .await?;
    let zone = admin.0.time_zone();
    let locks = store.locked_pairs(round.id).await?;
    let forbidden = store.forbidden_pairs(round.id).await?;
    let skipped = locks
        .iter()
        .chain(&forbidden)
        .filter(|(a, b)| !approved.contains_key(a) || !approved.contains_key(b))
        .count();
    let published = !store.round_partnerships(round.id).await?.is_empty();
    let matching = round.round.state == RoundState::Matching;
    Ok(MatchingPage {
        nav: Nav::new(Some(&admin.0), csrf),
        round_id: round.id.0,
        round_name: round.round.settings.name.to_string(),
        headline: words::round_headline(&round.round, state.now()),
        can_run: matching,
        can_publish: matching && !runs.is_empty() && !published,
        published,
        approved: approved.len(),
        options: options
            .unwrap_or_else(|| OptionsView::new(&default_options(&round.round, runs.first()))),
        error,
        notice,
        skipped,
        unreadable: unreadable_notes(&listing.unreadable),
        run: match runs.first() {
            Some(run) => {
                let by = match run.run_by {
                    Some(user) => store.user(user).await?.map(|u| u.display_name.to_string()),
                    None => None,
                };
                Some(run_view(run, count, by, &zone))
            }
            None => None,
        },
        diff: match runs.as_slice() {
            [latest, previous] => Some(diff_view(&previous.proposal, &latest.proposal)),
            _ => None,
        },
        locks: pair_views(&locks, &approved),
        forbidden: pair_views(&forbidden, &approved),
        people: approved
            .values()
            .map(|r| PersonChoice {
                id: r.id.to_string(),
                label: format!(
                    "{} ({}, {})",
                    r.application.name,
                    r.application.country.name(),
                    r.application.institution
                ),
            })
            .collect(),
    })
}

fn back(round: RoundId, done: &str) -> Response {
    Redirect::to(&format!("/rounds/{round}/matching?done={done}")).into_response()
}

// ---------------------------------------------------------------------------------------
// Handlers

pub async fn show(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    let view = matching_page(
        &state,
        &admin,
        &csrf,
        &round,
        None,
        None,
        notice(query.as_deref()),
    )
    .await?;
    ok(&view)
}

/// The options form as typed, or the view with a message next to each wrong field.
fn parse_options(form: &BTreeMap<String, String>) -> Result<MatchOptions, OptionsView> {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    let weights = Weights::from_form(
        Criterion::ALL
            .into_iter()
            .map(|c| (c.as_str(), field(c.as_str()))),
    );
    let languages = parse_languages(field("languages"));
    // Radio buttons always send one of their values; anything else takes the default.
    let mode = MODES
        .into_iter()
        .find(|m| m.as_str() == field("mode"))
        .unwrap_or_default();
    let leftover = LeftoverPolicy::parse(field("leftover")).unwrap_or_default();
    match (weights, languages) {
        (Ok(weights), Ok(languages)) => Ok(MatchOptions {
            weights,
            languages,
            mode,
            leftover,
        }),
        (weights, languages) => {
            let fallback = MatchOptions {
                weights: Weights::default(),
                languages: BTreeSet::new(),
                mode,
                leftover,
            };
            let mut view = OptionsView::new(&fallback);
            let errors = weights.err().unwrap_or_default();
            for weight in &mut view.weights {
                weight.value = field(weight.id).to_owned();
                weight.error = errors
                    .iter()
                    .find(|e| e.criterion.as_str() == weight.id)
                    .map(|e| capitalise(&e.to_string()));
            }
            view.languages = field("languages").to_owned();
            view.languages_error = languages.err().map(|e| capitalise(&e.to_string()));
            Err(view)
        }
    }
}

pub async fn run(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    if round.round.state != RoundState::Matching {
        let error = MatchingError::NotMatching {
            state: round.round.state,
        };
        return refused(&state, &admin, &csrf, &round, None, error).await;
    }
    let options = match parse_options(&form) {
        Ok(options) => options,
        Err(view) => {
            let view = matching_page(
                &state,
                &admin,
                &csrf,
                &round,
                Some(view),
                Some("Some options need correcting; nothing was run".to_owned()),
                None,
            )
            .await?;
            return page(FORM_INVALID, &view);
        }
    };
    match matching::run(state.app(), &actor(&admin), round.id, &options).await {
        Ok(_) => Ok(back(round.id, "run")),
        Err(error) => {
            let options = Some(OptionsView::new(&options));
            refused(&state, &admin, &csrf, &round, options, error).await
        }
    }
}

impl From<MatchingError> for WebError {
    fn from(error: MatchingError) -> Self {
        match error {
            MatchingError::App(AppError::NotFound) => WebError::NotFound,
            MatchingError::App(AppError::Forbidden) => WebError::Forbidden,
            MatchingError::App(AppError::Store(error)) => WebError::Store(error),
            other => WebError::Conflict(refusal(&other).unwrap_or_else(|| other.to_string())),
        }
    }
}

/// The matching page again with the refusal's message (422), or the error page for a
/// failure that is not a refusal.
async fn refused(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    round: &RoundRecord,
    options: Option<OptionsView>,
    error: MatchingError,
) -> Result<Response, WebError> {
    let Some(message) = refusal(&error) else {
        return Err(error.into());
    };
    let view = matching_page(state, admin, csrf, round, options, Some(message), None).await?;
    page(FORM_INVALID, &view)
}

fn actor(admin: &Admin) -> Actor {
    Actor::user(&admin.0.user)
}

#[derive(Deserialize)]
pub struct PairForm {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

impl PairForm {
    /// The two application ids chosen, or the refusal for a choice that names nobody.
    fn ids(&self) -> Result<(ApplicationId, ApplicationId), MatchingError> {
        match (app_id(self.a.trim()), app_id(self.b.trim())) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(MatchingError::NotApproved),
        }
    }
}

/// Shared by the lock, unlock, forbid and allow buttons: the change named by the route,
/// typed, so nothing unknown reaches the application layer.
async fn pair_change(
    state: AppState,
    admin: Admin,
    csrf: String,
    id: String,
    form: PairForm,
    change: PairChange,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    let result = match form.ids() {
        // The round's state is the first thing refused, as before the pair is looked at.
        Err(_) if round.round.state != RoundState::Matching => Err(MatchingError::PairsClosed),
        Err(error) => Err(error),
        Ok((a, b)) => {
            matching::change_pair(state.app(), &actor(&admin), round.id, change, a, b).await
        }
    };
    match result {
        Ok(()) => {
            let done = match change {
                PairChange::Lock => "locked",
                PairChange::Unlock => "unlocked",
                PairChange::Forbid => "forbidden",
                PairChange::Allow => "allowed",
            };
            Ok(back(round.id, done))
        }
        Err(error) => refused(&state, &admin, &csrf, &round, None, error).await,
    }
}

pub async fn lock(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, PairChange::Lock).await
}

pub async fn unlock(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, PairChange::Unlock).await
}

pub async fn forbid(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, PairChange::Forbid).await
}

pub async fn allow(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, PairChange::Allow).await
}

/// Swaps the partners of two people of the latest proposal: two locks.
pub async fn swap(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    let result = match form.ids() {
        Ok((a, b)) => matching::swap(state.app(), &actor(&admin), round.id, a, b).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(back(round.id, "swapped")),
        Err(error) => refused(&state, &admin, &csrf, &round, None, error).await,
    }
}

/// Creates the partnerships of the latest run, moves the round to active and queues every
/// member's introduction, in one transaction of the application layer.
pub async fn publish(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    match matching::publish(state.app(), &actor(&admin), round.id).await {
        Ok(_) => {
            state.wake_outbox();
            Ok(back(round.id, "published"))
        }
        Err(error) => refused(&state, &admin, &csrf, &round, None, error).await,
    }
}

// ---------------------------------------------------------------------------------------
// Introductions
