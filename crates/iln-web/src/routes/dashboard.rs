//! The dashboard: one page per role, with honest empty states where later work adds content.

use axum::extract::State;
use axum::response::Response;
use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_store::{EmailStatus, PeopleScope};

use super::ok;
use super::people::person_view;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{
    AdminDashboard, BarChart, CoordinatorDashboard, CountryRow, Nav, ParticipantDashboard,
};

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
                matching_rounds: super::partnerships::dashboard_rounds(&state).await?,
                rounds: super::rounds::dashboard_rounds(&state).await?,
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
                rounds: super::rounds::dashboard_rounds(&state).await?,
            })
        }
        Role::Participant => {
            let profile = store.person_for_user(viewer.id()).await?;
            ok(&ParticipantDashboard {
                nav,
                name: viewer.user.display_name.to_string(),
                profile: profile.map(|person| person_view(&person, &viewer.time_zone())),
                partnership: super::partnerships::dashboard_partnership(&state, viewer.id())
                    .await?,
                applications: super::rounds::dashboard_applications(&state, viewer.id()).await?,
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
