//! The admin's "Run matching" page for a round: options (weights, languages, mode, leftover
//! policy), the never-pair list, locks and swaps, every run stored and shown with its
//! distribution, explanations and what changed since the last one, and publishing the latest
//! run as partnerships with their introduction emails.

use iln_domain::audit::AuditAction;
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_domain::application::{LanguageCode, parse_languages};
use iln_domain::proposal::{self, MatchMode, MatchRequest, Proposal};
use iln_domain::round::{AdminAction, LeftoverPolicy, Round, RoundState};
use iln_domain::scoring::{Criterion, Weights};
use iln_store::{
    ApplicationFilter, ApplicationId, ApplicationRecord, ApplicationStatus, MatchOptions, MatchRun,
    MatchRunKind, NewMatchRun, NewPartnership, NewPartnershipMember, PartnerProfile, RoundId,
    RoundRecord, StoreError, UserId, matching_applicant,
};
use serde::Deserialize;

use super::{FORM_INVALID, audit, ok, page, queue_email};
use crate::auth::Admin;
use crate::error::{WebError, capitalise};
use crate::forms::HtmlForm;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};

/// The round with this id, with the dates that have passed applied (the rounds module's
/// loader); 404 when there is none or the id is not a number.
pub(crate) async fn load_round(state: &AppState, raw: &str) -> Result<RoundRecord, WebError> {
    let id = raw
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)?;
    super::rounds::load_round(state, RoundId(id)).await
}

/// The member of a new partnership that an application becomes.
pub(crate) fn new_member(record: &ApplicationRecord) -> NewPartnershipMember {
    NewPartnershipMember {
        user: record.user,
        application: Some(record.id),
        country: record.application.country,
        sector: record.application.sector,
        profile: PartnerProfile::of(&record.application),
    }
}

/// The approved applications of a round, by id.
async fn approved(
    state: &AppState,
    round: RoundId,
) -> Result<BTreeMap<ApplicationId, ApplicationRecord>, WebError> {
    Ok(state
        .store()
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Approved),
        )
        .await?
        .into_iter()
        .map(|record| (record.id, record))
        .collect())
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

/// The request for a run over a round's approved applicants with the stored locks and
/// never-pair list. Locks and forbidden pairs naming someone no longer approved are left out
/// (the page says how many), so a late decision cannot make the page unusable.
pub(crate) async fn prepare(
    state: &AppState,
    round: &RoundRecord,
    options: &MatchOptions,
    approved: &BTreeMap<ApplicationId, ApplicationRecord>,
) -> Result<MatchRequest, WebError> {
    let store = state.store();
    let past = store.all_past_partners().await?;
    let by_user: BTreeMap<UserId, ApplicationId> =
        approved.values().map(|r| (r.user, r.id)).collect();
    let none = BTreeSet::new();
    let applicants = approved
        .values()
        .map(|record| matching_applicant(record, &past, &by_user, &none))
        .collect();
    let known = |pairs: Vec<(ApplicationId, ApplicationId)>| -> Vec<(String, String)> {
        pairs
            .into_iter()
            .filter(|(a, b)| approved.contains_key(a) && approved.contains_key(b))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let locks = known(store.locked_pairs(round.id).await?);
    let forbidden = known(store.forbidden_pairs(round.id).await?);
    Ok(MatchRequest {
        applicants,
        weights: options.weights,
        program_languages: options.languages.clone(),
        round_start: round.round.settings.starts_at(),
        leftover: options.leftover,
        mode: options.mode,
        locks,
        forbidden,
    })
}

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

pub struct ScoreBar {
    pub x: i64,
    pub y: i64,
    pub height: i64,
    pub label: String,
    pub count: usize,
    pub value_y: i64,
}

/// The distribution of pair scores as vertical bars, one per bucket.
pub struct ScoreChart {
    pub bars: Vec<ScoreBar>,
    pub width: i64,
    pub height: i64,
    pub axis_y: i64,
    pub label_y: i64,
}

impl ScoreChart {
    const BAR: i64 = 44;
    const GAP: i64 = 8;
    const PLOT: i64 = 160;

    fn new(proposal: &Proposal) -> Self {
        let max = proposal
            .histogram
            .iter()
            .map(|b| b.count)
            .max()
            .unwrap_or(0)
            .max(1);
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let top = 20;
        let bars = proposal
            .histogram
            .iter()
            .zip(0_i64..)
            .map(|(bucket, n)| {
                let count = i64::try_from(bucket.count).unwrap_or(i64::MAX);
                let height = if count == 0 {
                    0
                } else {
                    (count * Self::PLOT / max).max(2)
                };
                let y = top + Self::PLOT - height;
                ScoreBar {
                    x: n * (Self::BAR + Self::GAP) + Self::GAP,
                    y,
                    height,
                    label: format!("{}–{}", bucket.from, bucket.to),
                    count: bucket.count,
                    value_y: y - 4,
                }
            })
            .collect::<Vec<_>>();
        let n = i64::try_from(bars.len()).unwrap_or(0);
        Self {
            width: n * (Self::BAR + Self::GAP) + Self::GAP,
            height: top + Self::PLOT + 40,
            axis_y: top + Self::PLOT,
            label_y: top + Self::PLOT + 18,
            bars,
        }
    }

    pub fn bar_width(&self) -> i64 {
        Self::BAR
    }
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
    pub chart: ScoreChart,
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
        chart: ScoreChart::new(proposal),
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
    let runs = store
        .latest_match_runs(round.id, MatchRunKind::Round, 2)
        .await?;
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
        headline: round.round.status(state.now()).headline,
        can_run: matching,
        can_publish: matching && !runs.is_empty() && !published,
        published,
        approved: approved.len(),
        options: options
            .unwrap_or_else(|| OptionsView::new(&default_options(&round.round, runs.first()))),
        error,
        notice,
        skipped,
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
        let view = matching_page(
            &state,
            &admin,
            &csrf,
            &round,
            None,
            Some(format!(
                "Matching runs only while the round is in matching; it is {}",
                round.round.state.label().to_lowercase()
            )),
            None,
        )
        .await?;
        return page(FORM_INVALID, &view);
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
    let approved = approved(&state, round.id).await?;
    // The engine is CPU work of up to seconds for a large round: off the async threads.
    let request = prepare(&state, &round, &options, &approved).await?;
    let result = tokio::task::spawn_blocking(move || proposal::run(&request)).await?;
    let proposal = match result {
        Ok(proposal) => proposal,
        Err(error) => {
            let view = matching_page(
                &state,
                &admin,
                &csrf,
                &round,
                Some(OptionsView::new(&options)),
                Some(capitalise(&describe_error(&error, &approved))),
                None,
            )
            .await?;
            return page(FORM_INVALID, &view);
        }
    };
    let run_id = state
        .store()
        .save_match_run(
            &NewMatchRun {
                round: round.id,
                kind: MatchRunKind::Round,
                run_by: Some(admin.0.id()),
                options: &options,
                proposal: &proposal,
            },
            state.now(),
        )
        .await?;
    audit(
        &state,
        Some(&admin.0),
        AuditAction::RoundMatch,
        Some(format!("round:{}", round.id)),
        Some(format!(
            "run {run_id}: {} people, {} partnerships, total {}",
            proposal.people,
            proposal.partnerships.len(),
            proposal.total
        )),
    )
    .await?;
    Ok(back(round.id, "run"))
}

/// An engine error with application ids replaced by names.
fn describe_error(
    error: &proposal::ProposalError,
    approved: &BTreeMap<ApplicationId, ApplicationRecord>,
) -> String {
    let mut text = error.to_string();
    for (id, record) in approved {
        let quoted = format!("\"{id}\"");
        if text.contains(&quoted) {
            text = text.replace(&quoted, record.application.name.as_str());
        }
    }
    text
}

#[derive(Deserialize)]
pub struct PairForm {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

/// Two different approved applications of the round from a form, or a page saying what is
/// wrong with the choice.
async fn chosen_pair(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    round: &RoundRecord,
    form: &PairForm,
) -> Result<Result<(ApplicationId, ApplicationId), Response>, WebError> {
    let approved = approved(state, round.id).await?;
    let a = app_id(form.a.trim()).filter(|id| approved.contains_key(id));
    let b = app_id(form.b.trim()).filter(|id| approved.contains_key(id));
    let problem = match (a, b) {
        (Some(a), Some(b)) if a != b => return Ok(Ok((a, b))),
        (Some(_), Some(_)) => "Choose two different people",
        _ => "Choose two people from the approved applicants",
    };
    let view = matching_page(
        state,
        admin,
        csrf,
        round,
        None,
        Some(problem.to_owned()),
        None,
    )
    .await?;
    Ok(Err(page(FORM_INVALID, &view)?))
}

/// Shared by the lock, unlock, forbid and allow buttons: check the round and the pair, do
/// the change, audit it, and go back to the page.
async fn pair_change(
    state: AppState,
    admin: Admin,
    csrf: String,
    id: String,
    form: PairForm,
    action: &'static str,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    if round.round.state != RoundState::Matching {
        let view = matching_page(
            &state,
            &admin,
            &csrf,
            &round,
            None,
            Some(
                "Locks and the never-pair list change only while the round is in matching"
                    .to_owned(),
            ),
            None,
        )
        .await?;
        return page(FORM_INVALID, &view);
    }
    let (a, b) = match chosen_pair(&state, &admin, &csrf, &round, &form).await? {
        Ok(pair) => pair,
        Err(response) => return Ok(response),
    };
    let store = state.store();
    let by = Some(admin.0.id());
    let now = state.now();
    let (done, logged) = match action {
        "lock" => {
            store.lock_pairs(round.id, &[(a, b)], by, now).await?;
            ("locked", AuditAction::RoundMatchLock)
        }
        "unlock" => {
            store.unlock_pair(round.id, a, b).await?;
            ("unlocked", AuditAction::RoundMatchUnlock)
        }
        "forbid" => {
            // A pair cannot be both locked and forbidden: the newer wish wins.
            store.unlock_pair(round.id, a, b).await?;
            store.forbid_pair(round.id, a, b, by, now).await?;
            ("forbidden", AuditAction::RoundMatchForbid)
        }
        _ => {
            store.allow_pair(round.id, a, b).await?;
            ("allowed", AuditAction::RoundMatchAllow)
        }
    };
    audit(
        &state,
        Some(&admin.0),
        logged,
        Some(format!("round:{}", round.id)),
        Some(format!("applications {a} and {b}")),
    )
    .await?;
    Ok(back(round.id, done))
}

pub async fn lock(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, "lock").await
}

pub async fn unlock(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, "unlock").await
}

pub async fn forbid(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, "forbid").await
}

pub async fn allow(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(form): HtmlForm<PairForm>,
) -> Result<Response, WebError> {
    pair_change(state, admin, csrf, id, form, "allow").await
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
    let (a, b) = match chosen_pair(&state, &admin, &csrf, &round, &form).await? {
        Ok(pair) => pair,
        Err(response) => return Ok(response),
    };
    let store = state.store();
    let latest = store
        .latest_match_runs(round.id, MatchRunKind::Round, 1)
        .await?;
    let approved = approved(&state, round.id).await?;
    let swapped = match latest.first() {
        None => Err("Run matching first: a swap exchanges the partners of a proposal".to_owned()),
        Some(_) if round.round.state != RoundState::Matching => {
            Err("Swaps are possible only while the round is in matching".to_owned())
        }
        Some(run) => run
            .proposal
            .swap(&a.to_string(), &b.to_string())
            .map_err(|e| capitalise(&describe_error(&e, &approved))),
    };
    let locks = match swapped {
        Ok(locks) => locks,
        Err(message) => {
            let view =
                matching_page(&state, &admin, &csrf, &round, None, Some(message), None).await?;
            return page(FORM_INVALID, &view);
        }
    };
    let pairs: Vec<(ApplicationId, ApplicationId)> = locks
        .iter()
        .filter_map(|(x, y)| Some((app_id(x)?, app_id(y)?)))
        .collect();
    store
        .lock_pairs(round.id, &pairs, Some(admin.0.id()), state.now())
        .await?;
    audit(
        &state,
        Some(&admin.0),
        AuditAction::RoundMatchSwap,
        Some(format!("round:{}", round.id)),
        Some(format!("applications {a} and {b}")),
    )
    .await?;
    Ok(back(round.id, "swapped"))
}

/// Creates the partnerships of the latest run, moves the round to active and queues every
/// member's introduction.
pub async fn publish(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let mut round = load_round(&state, &id).await?;
    let store = state.store();
    let latest = store
        .latest_match_runs(round.id, MatchRunKind::Round, 1)
        .await?;
    let now = state.now();
    let refuse = |message: &str| message.to_owned();
    let problem = match latest.first() {
        _ if round.round.state != RoundState::Matching => {
            Some(refuse("Only a round in matching can be published"))
        }
        None => Some(refuse(
            "Run matching first: publishing creates the partnerships of the latest run",
        )),
        Some(_) => None,
    };
    let Some(run) = latest.into_iter().next().filter(|_| problem.is_none()) else {
        let view = matching_page(&state, &admin, &csrf, &round, None, problem, None).await?;
        return page(FORM_INVALID, &view);
    };
    let approved = approved(&state, round.id).await?;
    let mut partnerships = Vec::with_capacity(run.proposal.partnerships.len());
    for partnership in &run.proposal.partnerships {
        let members: Option<Vec<NewPartnershipMember>> = partnership
            .members
            .iter()
            .map(|m| {
                app_id(&m.id)
                    .and_then(|id| approved.get(&id))
                    .map(new_member)
            })
            .collect();
        let Some(members) = members else {
            let view = matching_page(
                &state,
                &admin,
                &csrf,
                &round,
                None,
                Some("Someone in the latest run is no longer approved; run matching again before publishing".to_owned()),
                None,
            )
            .await?;
            return page(FORM_INVALID, &view);
        };
        partnerships.push(NewPartnership {
            round: round.id,
            run: Some(run.id),
            score: partnership.score,
            explanation: partnership.explanation.clone(),
            members,
        });
    }
    match store.create_partnerships(&partnerships, true, now).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            let view = matching_page(
                &state,
                &admin,
                &csrf,
                &round,
                None,
                Some("This round's partnerships are already published".to_owned()),
                None,
            )
            .await?;
            return page(FORM_INVALID, &view);
        }
        Err(error) => return Err(error.into()),
    }
    let transition = round
        .round
        .apply(AdminAction::Publish, now)
        .map_err(|e| WebError::Conflict(e.to_string()))?;
    // The rounds module records the transition and audits it like every other one.
    if !super::rounds::advance(&state, &round, &transition, Some(&admin.0)).await? {
        return Err(WebError::Conflict(
            "the round changed meanwhile; reload its page".to_owned(),
        ));
    }
    audit(
        &state,
        Some(&admin.0),
        AuditAction::RoundPublish,
        Some(format!("round:{}", round.id)),
        Some(format!(
            "run {}: {} partnerships",
            run.id,
            partnerships.len()
        )),
    )
    .await?;
    for partnership in &partnerships {
        introduce(
            &state,
            &round,
            &partnership.members,
            &partnership.explanation,
        )
        .await?;
    }
    Ok(back(round.id, "published"))
}

// ---------------------------------------------------------------------------------------
// Introductions

/// Questions to start the first conversation with.
pub const ICEBREAKERS: [&str; 4] = [
    "What made you choose to work in libraries, and what keeps you there?",
    "What is one project at your library you are proud of, and one you would like to start?",
    "What does a normal working week look like for you?",
    "What would you like to have learned from each other by the end of the partnership?",
];

/// The commitments every participant made when applying.
pub const COMMITMENTS: [&str; 4] = [
    "Reply to your partner within a week.",
    "Keep what your partner tells you confidential.",
    "Follow the network's code of conduct.",
    "Give the partnership about an hour a week.",
];

pub struct Milestone {
    pub label: &'static str,
    pub shown: String,
}

#[derive(Template)]
#[template(path = "email/introduction.txt")]
struct IntroductionEmail<'a> {
    name: &'a str,
    round: &'a str,
    partners: Vec<&'a PartnerProfile>,
    explanation: &'a str,
    timeline: Vec<Milestone>,
    icebreakers: &'a [&'a str],
    commitments: &'a [&'a str],
    link: String,
}

pub(crate) fn timeline(round: &Round, now: jiff::Timestamp) -> Vec<Milestone> {
    round
        .status(now)
        .timeline
        .into_iter()
        .map(|m| Milestone {
            label: m.label,
            shown: m.shown,
        })
        .collect()
}

/// Queues the introduction of a partnership to each of its members: the others' profiles and
/// contact details, icebreakers, the round's timeline and commitments.
pub(crate) async fn introduce(
    state: &AppState,
    round: &RoundRecord,
    members: &[NewPartnershipMember],
    explanation: &str,
) -> Result<(), WebError> {
    let link = format!("{}/partnership", state.base_url());
    let subject = format!("Meet your ILN partner for {}", round.round.settings.name);
    for member in members {
        let body = IntroductionEmail {
            name: &member.profile.name,
            round: round.round.settings.name.as_str(),
            partners: members
                .iter()
                .filter(|m| m.user != member.user)
                .map(|m| &m.profile)
                .collect(),
            explanation,
            timeline: timeline(&round.round, state.now()),
            icebreakers: &ICEBREAKERS,
            commitments: &COMMITMENTS,
            link: link.clone(),
        }
        .render()?;
        let to = iln_domain::account::Email::parse(&member.profile.email)
            .map_err(|e| WebError::Internal(format!("a member's stored email: {e}")))?;
        queue_email(state, &to, &subject, body).await?;
    }
    Ok(())
}
