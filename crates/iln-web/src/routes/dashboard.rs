//! The dashboard: one page per role, with honest empty states where later work adds content.

use axum::extract::State;
use axum::response::Response;
use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_domain::round::RoundState;
use iln_store::{EmailStatus, PeopleScope, UserId};

use super::common::{RoundRow, person_view};
use super::ok;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{
    AdminDashboard, BarChart, CoordinatorDashboard, CountryRow, Nav, ParticipantDashboard,
};
use crate::words::Label;

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    let nav = Nav::new(Some(&viewer), &csrf);
    let store = state.store();
    match viewer.role() {
        Role::Admin => {
            let scope = PeopleScope::All;
            let rows = country_rows(store.count_people_by_country(&scope).await?);
            ok(&AdminDashboard {
                nav,
                people: store.count_people(&scope).await?,
                countries: rows.len(),
                users: store.list_users().await?.len(),
                emails_waiting: emails_waiting(&state).await?,
                chart: BarChart::new(&rows),
                rows,
                matching_rounds: matching_rounds(&state).await?,
                rounds: dashboard_rounds(&state).await?,
            })
        }
        Role::CountryCoordinator => {
            let scope = PeopleScope::Countries(viewer.user.countries.clone());
            let counted = store.count_people_by_country(&scope).await?;
            // Every assigned country is listed, also those with nobody yet.
            let rows = viewer
                .user
                .countries
                .iter()
                .map(|code| CountryRow {
                    code: code.as_str().to_owned(),
                    name: code.name().to_owned(),
                    count: counted
                        .iter()
                        .find(|(counted_code, _)| counted_code == code)
                        .map_or(0, |(_, count)| *count),
                })
                .collect();
            ok(&CoordinatorDashboard {
                nav,
                name: viewer.user.display_name.to_string(),
                people: store.count_people(&scope).await?,
                rows,
                rounds: dashboard_rounds(&state).await?,
            })
        }
        Role::Participant => {
            let profile = store.person_for_user(viewer.id()).await?;
            ok(&ParticipantDashboard {
                nav,
                name: viewer.user.display_name.to_string(),
                profile: profile.map(|person| person_view(&person, &viewer.time_zone())),
                partnership: dashboard_partnership(&state, viewer.id()).await?,
                topics: dashboard_topics(&state, &viewer).await?,
                applications: dashboard_applications(&state, viewer.id()).await?,
                certificates: iln_app::ending::certificates_of(state.app(), viewer.id())
                    .await?
                    .into_iter()
                    .map(|(id, name)| (id.0, name))
                    .collect(),
            })
        }
    }
}

/// Largest first, ties by name, as the chart and table show them.
fn country_rows(counts: Vec<(CountryCode, i64)>) -> Vec<CountryRow> {
    let mut rows: Vec<CountryRow> = counts
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(code, count)| CountryRow {
            code: code.as_str().to_owned(),
            name: code.name().to_owned(),
            count,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    rows
}

/// Emails not yet delivered (pending, including those waiting for a retry).
async fn emails_waiting(state: &AppState) -> Result<i64, WebError> {
    // The store has no count by status yet, so this reads the outbox a page at a time. An
    // admin page can afford it at our outbox sizes; a count query would be better later.
    const PAGE: i64 = 500;
    let mut waiting = 0;
    let mut offset = 0;
    loop {
        let emails = state.store().list_outbox(PAGE, offset).await?;
        waiting += emails
            .iter()
            .filter(|email| email.status == EmailStatus::Pending)
            .count();
        if i64::try_from(emails.len()).unwrap_or(0) < PAGE {
            break;
        }
        offset += PAGE;
    }
    Ok(i64::try_from(waiting).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------
// The panels of the dashboards

/// The rounds a coordinator's dashboard lists: every one but the closed, newest first.
async fn dashboard_rounds(state: &AppState) -> Result<Vec<RoundRow>, WebError> {
    let now = state.now();
    Ok(iln_app::rounds::rounds_now(state.app())
        .await?
        .iter()
        .filter(|r| r.round.state != RoundState::Closed)
        .map(|r| RoundRow::new(r, now))
        .collect())
}

/// One of a participant's applications, for their dashboard.
pub struct ApplicationLine {
    pub round_id: i64,
    pub round: String,
    pub status: &'static str,
}

/// A participant's applications, newest first.
async fn dashboard_applications(
    state: &AppState,
    user: iln_store::UserId,
) -> Result<Vec<ApplicationLine>, WebError> {
    let mut lines = Vec::new();
    for application in state.store().applications_of_user(user).await? {
        if let Some(record) = state.store().round(application.round).await? {
            lines.push(ApplicationLine {
                round_id: record.id.0,
                round: record.round.settings.name.to_string(),
                status: application.status.label(),
            });
        }
    }
    Ok(lines)
}

/// A participant's latest partnership, for their dashboard.
pub struct DashboardPartnership {
    pub round: String,
    pub partners: String,
    pub running: bool,
}

async fn dashboard_partnership(
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

async fn matching_rounds(state: &AppState) -> Result<Vec<DashboardRound>, WebError> {
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

/// A discussion topic out in one of the reader's rounds.
pub struct DashboardTopic {
    pub id: i64,
    pub title: String,
    pub round: String,
    pub released: String,
}

/// The latest topics out in the rounds the reader has a partnership in, newest first.
async fn dashboard_topics(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Vec<DashboardTopic>, WebError> {
    const SHOWN: usize = 5;
    let store = state.store();
    let now = state.now();
    let zone = viewer.time_zone();
    let mut rounds: Vec<iln_store::RoundId> = store
        .partnerships_of(viewer.id())
        .await?
        .iter()
        .map(|p| p.round)
        .collect();
    rounds.sort();
    rounds.dedup();
    let mut topics = Vec::new();
    for round in rounds {
        let Some(record) = store.round(round).await? else {
            continue;
        };
        for topic in store.round_topics(round).await? {
            if topic.is_out_for(&zone, now) {
                let at = topic.reaches(&zone);
                topics.push((at, topic, record.round.settings.name.to_string()));
            }
        }
    }
    topics.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    Ok(topics
        .into_iter()
        .take(SHOWN)
        .map(|(at, topic, round)| DashboardTopic {
            id: topic.id.0,
            title: topic.topic.title,
            round,
            released: crate::templates::when(at, &zone),
        })
        .collect())
}
