//! Published partnerships: a participant's "My partnership" page, ending a partnership early
//! (by a member or an admin, with a reason), and the admin's page of a round's partnerships
//! where the people left alone are re-matched among themselves or join a running pair.

use iln_domain::audit::AuditAction;
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_domain::proposal::{self, MatchRequest};
use iln_domain::round::RoundState;
use iln_store::{
    ApplicationId, ApplicationRecord, MatchRunKind, NewMatchRun, NewPartnership, PartnerProfile,
    PartnershipId, PartnershipRecord, RoundRecord, UserId, matching_applicant,
};
use serde::Deserialize;

use super::matching::{COMMITMENTS, introduce, load_round, new_member, refusal};
use super::{FORM_INVALID, audit, ok, page};
use crate::auth::{Admin, Viewer};
use crate::error::{WebError, capitalise};
use crate::forms::{HtmlForm, PathId};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::{self, MilestoneView};
use iln_app::Actor;
use iln_app::matching;

pub struct PartnershipView {
    pub id: i64,
    pub round_name: String,
    pub round_headline: String,
    pub timeline: Vec<MilestoneView>,
    pub partners: Vec<PartnerProfile>,
    pub explanation: String,
    pub running: bool,
    pub ended: Option<String>,
}

#[derive(Template)]
#[template(path = "partnership_mine.html")]
pub struct MyPartnershipPage {
    pub nav: Nav,
    pub partnerships: Vec<PartnershipView>,
    pub commitments: &'static [&'static str],
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
) -> Result<MyPartnershipPage, WebError> {
    let store = state.store();
    let zone = viewer.time_zone();
    let mut partnerships = Vec::new();
    for partnership in store.partnerships_of(viewer.id()).await? {
        let Some(round) = store.round(partnership.round).await? else {
            continue;
        };
        partnerships.push(PartnershipView {
            id: partnership.id.0,
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
        });
    }
    Ok(MyPartnershipPage {
        nav: Nav::new(Some(viewer), csrf),
        partnerships,
        commitments: &COMMITMENTS,
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
    ok(&my_page(&state, &viewer, &csrf, None, ended).await?)
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
    let view = my_page(&state, &viewer, &csrf, Some(problem), false).await?;
    page(FORM_INVALID, &view)
}

// ---------------------------------------------------------------------------------------
// The admin's view of a round's partnerships, and the re-match.

pub struct RoundPartnershipRow {
    pub id: i64,
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

/// The people of a round whose partnership ended and who are in no running partnership of it.
fn left_alone(partnerships: &[PartnershipRecord]) -> Vec<(UserId, Option<ApplicationId>, String)> {
    let running: BTreeSet<UserId> = partnerships
        .iter()
        .filter(|p| p.is_running())
        .flat_map(|p| p.members.iter().map(|m| m.user))
        .collect();
    let mut seen = BTreeSet::new();
    partnerships
        .iter()
        .filter(|p| !p.is_running())
        .flat_map(|p| &p.members)
        .filter(|m| !running.contains(&m.user) && seen.insert(m.user))
        .map(|m| (m.user, m.application, m.profile.name.clone()))
        .collect()
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
    let alone = left_alone(&partnerships);
    let latest = store
        .latest_match_runs(round.id, MatchRunKind::Rematch, 1)
        .await?;
    // A re-match proposal is current while it covers exactly the people alone now.
    let alone_ids: BTreeSet<String> = alone
        .iter()
        .filter_map(|(_, app, _)| app.map(|a| a.to_string()))
        .collect();
    let current = latest.first().filter(|run| {
        let proposed: BTreeSet<String> = run
            .proposal
            .partnerships
            .iter()
            .filter(|p| !p.locked || p.members.len() == 3)
            .flat_map(|p| p.members.iter().map(|m| m.id.clone()))
            .chain(run.proposal.unmatched.iter().map(|u| u.id.clone()))
            .filter(|id| alone_ids.contains(id))
            .collect();
        !alone_ids.is_empty() && proposed == alone_ids
    });
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
        alone: alone.iter().map(|(_, _, name)| name.clone()).collect(),
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
    let round = load_round(&state, &id).await?;
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

/// Everything a re-match needs: the applications of the people alone and of the members of
/// running pairs, which become locks.
struct RematchInput {
    request: MatchRequest,
    records: BTreeMap<ApplicationId, ApplicationRecord>,
    /// The running pair each lock stands for, by its sorted application ids.
    running: BTreeMap<Vec<String>, PartnershipId>,
}

async fn rematch_input(
    state: &AppState,
    round: &RoundRecord,
) -> Result<Result<RematchInput, String>, WebError> {
    let store = state.store();
    let partnerships = store.round_partnerships(round.id).await?;
    let alone = left_alone(&partnerships);
    if alone.is_empty() {
        return Ok(Err(
            "Nobody in this round is left without a partner".to_owned()
        ));
    }
    let mut records: BTreeMap<ApplicationId, ApplicationRecord> = BTreeMap::new();
    for app in alone.iter().filter_map(|(_, app, _)| *app) {
        if let Some(record) = store.application(app).await? {
            records.insert(app, record);
        }
    }
    let mut running = BTreeMap::new();
    let mut locks = Vec::new();
    for p in partnerships
        .iter()
        .filter(|p| p.is_running() && p.members.len() == 2)
    {
        let (Some(a), Some(b)) = (p.members[0].application, p.members[1].application) else {
            continue;
        };
        let (Some(first), Some(second)) =
            (store.application(a).await?, store.application(b).await?)
        else {
            continue;
        };
        records.insert(a, first);
        records.insert(b, second);
        let mut key = vec![a.to_string(), b.to_string()];
        key.sort();
        running.insert(key, p.id);
        locks.push((a, b));
    }
    let past = store.all_past_partners().await?;
    let by_user: BTreeMap<UserId, ApplicationId> =
        records.values().map(|r| (r.user, r.id)).collect();
    let lock_partner: BTreeMap<UserId, UserId> = locks
        .iter()
        .filter_map(|(a, b)| Some((records.get(a)?.user, records.get(b)?.user)))
        .flat_map(|(x, y)| [(x, y), (y, x)])
        .collect();
    let applicants = records
        .values()
        .map(|record| {
            // Someone in a running pair has their partner as a "previous" partner already;
            // the lock is that very partnership, not a repeat.
            let ignore: BTreeSet<UserId> = lock_partner
                .get(&record.user)
                .copied()
                .into_iter()
                .collect();
            matching_applicant(record, &past, &by_user, &ignore)
        })
        .collect();
    let runs = store
        .latest_match_runs(round.id, MatchRunKind::Round, 1)
        .await?;
    let options = runs.first().map(|run| run.options.clone());
    let settings = &round.round.settings;
    Ok(Ok(RematchInput {
        request: MatchRequest {
            applicants,
            weights: options.as_ref().map_or(settings.weights, |o| o.weights),
            program_languages: options
                .as_ref()
                .map_or_else(|| settings.languages.clone(), |o| o.languages.clone()),
            round_start: settings.starts_at(),
            // People alone may always join a running pair: that is the point of a re-match.
            leftover: iln_domain::round::LeftoverPolicy::Trio,
            mode: options.as_ref().map(|o| o.mode).unwrap_or_default(),
            locks: locks
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            forbidden: store
                .forbidden_pairs(round.id)
                .await?
                .into_iter()
                .filter(|(a, b)| records.contains_key(a) && records.contains_key(b))
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        },
        records,
        running,
    }))
}

pub async fn rematch(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    let refuse = |message: String| async {
        let view = round_page(&state, &admin.0, &csrf, &round, Some(message)).await?;
        page(FORM_INVALID, &view)
    };
    if round.round.state != RoundState::Active {
        return refuse("A re-match is for a round whose partnerships are running".to_owned()).await;
    }
    let input = match rematch_input(&state, &round).await? {
        Ok(input) => input,
        Err(message) => return refuse(message).await,
    };
    let request = input.request.clone();
    let proposal = match tokio::task::spawn_blocking(move || proposal::run(&request)).await? {
        Ok(proposal) => proposal,
        Err(error) => return refuse(capitalise(&error.to_string())).await,
    };
    let options = iln_store::MatchOptions::of(&input.request);
    let run = state
        .store()
        .save_match_run(
            &NewMatchRun {
                round: round.id,
                kind: MatchRunKind::Rematch,
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
        AuditAction::RoundRematch,
        Some(format!("round:{}", round.id)),
        Some(format!("run {run}")),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{}/partnerships?done=rematch", round.id)).into_response())
}

/// Creates the re-match's new pairs and adds the people who join a running pair, then
/// introduces every partnership that changed.
pub async fn apply_rematch(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round(&state, &id).await?;
    let store = state.store();
    let page_now = round_page(&state, &admin.0, &csrf, &round, None).await?;
    let latest = store
        .latest_match_runs(round.id, MatchRunKind::Rematch, 1)
        .await?;
    let input = rematch_input(&state, &round).await?;
    let (Some(run), Ok(input), true, true) = (
        latest.first(),
        input,
        page_now.rematch_current,
        round.round.state == RoundState::Active,
    ) else {
        let view = round_page(
            &state,
            &admin.0,
            &csrf,
            &round,
            Some(
                "Run the re-match first: the people left alone have changed or none are left"
                    .to_owned(),
            ),
        )
        .await?;
        return page(FORM_INVALID, &view);
    };
    let record = |id: &str| -> Option<&ApplicationRecord> {
        let id: ApplicationId = id.parse().ok()?;
        input.records.get(&id)
    };
    let member = |id: &str| record(id).map(new_member);
    let mut created = 0;
    for partnership in &run.proposal.partnerships {
        if partnership.locked {
            if partnership.members.len() != 3 {
                continue;
            }
            // A running pair gains a third member.
            let key: Vec<String> = partnership
                .members
                .iter()
                .map(|m| m.id.clone())
                .filter(|id| input.running.keys().any(|k| k.contains(id)))
                .collect::<Vec<_>>();
            let mut key = key;
            key.sort();
            let Some(&running) = input.running.get(&key) else {
                continue;
            };
            let Some(newcomer) = partnership
                .members
                .iter()
                .find(|m| !key.contains(&m.id))
                .and_then(|m| member(&m.id))
            else {
                continue;
            };
            store
                .add_partnership_member(
                    running,
                    &newcomer,
                    partnership.score,
                    &partnership.explanation,
                )
                .await?;
            let members: Option<Vec<&ApplicationRecord>> =
                partnership.members.iter().map(|m| record(&m.id)).collect();
            if let Some(members) = members {
                introduce(&state, &round, &members, &partnership.explanation).await?;
            }
            created += 1;
        } else {
            let records: Option<Vec<&ApplicationRecord>> =
                partnership.members.iter().map(|m| record(&m.id)).collect();
            let Some(records) = records else { continue };
            let new = NewPartnership {
                round: round.id,
                run: Some(run.id),
                score: partnership.score,
                explanation: partnership.explanation.clone(),
                members: records.iter().map(|r| new_member(r)).collect(),
            };
            store
                .create_partnerships(std::slice::from_ref(&new), false, state.now())
                .await?;
            introduce(&state, &round, &records, &new.explanation).await?;
            created += 1;
        }
    }
    audit(
        &state,
        Some(&admin.0),
        AuditAction::RoundRematchApply,
        Some(format!("round:{}", round.id)),
        Some(format!(
            "run {}: {created} partnerships new or joined",
            run.id
        )),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{}/partnerships?done=applied", round.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// Dashboard panels

/// A participant's latest partnership, for their dashboard.
pub struct DashboardPartnership {
    pub round: String,
    pub partners: String,
    pub running: bool,
}

pub(crate) async fn dashboard_partnership(
    state: &AppState,
    user: UserId,
) -> Result<Option<DashboardPartnership>, WebError> {
    let Some(latest) = state
        .store()
        .partnerships_of(user)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let round = state.store().round(latest.round).await?;
    Ok(Some(DashboardPartnership {
        round: round.map_or_else(String::new, |r| r.round.settings.name.to_string()),
        partners: latest
            .partners_of(user)
            .map(|m| m.profile.name.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        running: latest.is_running(),
    }))
}

/// A round an admin has matching work in: matching (run, adjust, publish) or active
/// (partnerships, endings, re-match).
pub struct DashboardRound {
    pub id: i64,
    pub name: String,
    pub matching: bool,
}

pub(crate) async fn dashboard_rounds(state: &AppState) -> Result<Vec<DashboardRound>, WebError> {
    Ok(state
        .store()
        .list_rounds()
        .await?
        .into_iter()
        .filter(|r| matches!(r.round.state, RoundState::Matching | RoundState::Active))
        .map(|r| DashboardRound {
            id: r.id.0,
            name: r.round.settings.name.to_string(),
            matching: r.round.state == RoundState::Matching,
        })
        .collect())
}
