//! Admin pages: user accounts with role and country-scope assignment, the outbox, the audit
//! log. Only admins (program coordinators) reach them; every change is audited.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iln_domain::account::Role;
use iln_domain::audit::AuditAction;
use iln_domain::country::CountryCode;
use iln_store::{User, UserId};
use serde::Deserialize;

use super::{FORM_INVALID, audit, ok, page};
use crate::auth::Admin;
use crate::error::{WebError, capitalise};
use crate::forms::{HtmlForm, PathId, page_number};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{AuditPage, AuditRow, EmailRow, Nav, OutboxPage, Pager, UserRow, UsersPage};

const PER_PAGE: i64 = 50;
/// Each user is a card with a form: fewer per page keeps the page light on a phone.
const USERS_PER_PAGE: i64 = 25;

fn role_rank(role: Role) -> u8 {
    match role {
        Role::Admin => 0,
        Role::CountryCoordinator => 1,
        Role::Participant => 2,
    }
}
const ROLES: [Role; 3] = [Role::Admin, Role::CountryCoordinator, Role::Participant];

fn codes_text(countries: &[CountryCode]) -> String {
    countries
        .iter()
        .map(|code| code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn user_row(user: &User, admin: &Admin) -> UserRow {
    let zone = admin.0.time_zone();
    UserRow {
        id: user.id.0,
        name: user.display_name.to_string(),
        email: user.email.to_string(),
        role: user.role.as_str(),
        role_label: user.role.label(),
        countries: codes_text(&user.countries),
        verified: user.email_verified,
        created: zone.format_date(user.created_at),
        is_self: user.id == admin.0.id(),
        countries_error: None,
        role_error: None,
        saved: false,
    }
}

async fn users_page(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    adjust: impl FnOnce(&mut UserRow),
    target: Option<i64>,
    page: Option<i64>,
) -> Result<UsersPage, WebError> {
    let mut all = state.store().list_users().await?;
    // Staff first (admins, then country coordinators), each group in the order they joined:
    // the people whose roles get managed most are on the first page.
    all.sort_by_key(|user| (role_rank(user.role), user.id));
    let mut users: Vec<UserRow> = all.iter().map(|user| user_row(user, admin)).collect();
    let position = users.iter().position(|row| Some(row.id) == target);
    if let Some(row) = position.and_then(|index| users.get_mut(index)) {
        adjust(row);
    }
    let total = i64::try_from(users.len()).unwrap_or(i64::MAX);
    // Without an explicit page, show the one holding the user just changed.
    let page = page.unwrap_or_else(|| {
        position
            .and_then(|index| i64::try_from(index).ok())
            .map_or(1, |index| index / USERS_PER_PAGE + 1)
    });
    let pager = Pager::new(page, USERS_PER_PAGE, total, "/admin/users");
    let users = users
        .into_iter()
        .skip(usize::try_from(pager.offset(USERS_PER_PAGE)).unwrap_or(0))
        .take(usize::try_from(USERS_PER_PAGE).unwrap_or(0))
        .collect();
    Ok(UsersPage {
        nav: Nav::new(Some(&admin.0), csrf),
        users,
        pager,
        roles: ROLES
            .iter()
            .map(|role| (role.as_str(), role.label()))
            .collect(),
    })
}

pub async fn users(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    // `?saved=ID` after a change: the row says so (reading it changes nothing).
    let saved = query.as_deref().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "saved")
            .and_then(|(_, value)| value.parse::<i64>().ok())
    });
    let page = query.as_deref().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .any(|(key, _)| key == "page")
            .then(|| page_number(Some(query)))
    });
    ok(&users_page(&state, &admin, &csrf, |row| row.saved = true, saved, page).await?)
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    countries: String,
}

/// Parses "KE, Nigeria; br" into codes, or says which entry is not a country.
fn parse_countries(text: &str) -> Result<Vec<CountryCode>, String> {
    let mut codes = Vec::new();
    for entry in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let code = CountryCode::parse(entry).map_err(|e| capitalise(&e.to_string()))?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.sort();
    Ok(codes)
}

pub async fn set_role(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<RoleForm>,
) -> Result<Response, WebError> {
    let target = state
        .store()
        .user(UserId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    let invalid = |role_error: Option<String>, countries_error: Option<String>| {
        let typed_role = form.role.clone();
        let typed_countries = form.countries.clone();
        move |row: &mut UserRow| {
            if let Some(role) = ROLES.iter().find(|role| role.as_str() == typed_role) {
                row.role = role.as_str();
            }
            row.countries = typed_countries;
            row.role_error = role_error;
            row.countries_error = countries_error;
        }
    };
    if target.id == admin.0.id() {
        // Demoting yourself could leave the network without an admin.
        let page_data = users_page(
            &state,
            &admin,
            &csrf,
            invalid(Some("You cannot change your own role".to_owned()), None),
            Some(id),
            None,
        )
        .await?;
        return page(StatusCode::FORBIDDEN, &page_data);
    }
    let role = Role::parse(&form.role).map_err(|e| capitalise(&e.to_string()));
    let countries = parse_countries(&form.countries);
    let (role, countries) = match (role, countries) {
        (Ok(Role::CountryCoordinator), Ok(countries)) if countries.is_empty() => {
            let message = "A country coordinator needs at least one country".to_owned();
            let page_data = users_page(
                &state,
                &admin,
                &csrf,
                invalid(None, Some(message)),
                Some(id),
                None,
            )
            .await?;
            return page(FORM_INVALID, &page_data);
        }
        (Ok(role), Ok(countries)) => {
            // Only country coordinators have a scope; other roles see all or nothing.
            let countries = if role == Role::CountryCoordinator {
                countries
            } else {
                Vec::new()
            };
            (role, countries)
        }
        (role, countries) => {
            let page_data = users_page(
                &state,
                &admin,
                &csrf,
                invalid(role.err(), countries.err()),
                Some(id),
                None,
            )
            .await?;
            return page(FORM_INVALID, &page_data);
        }
    };
    state.store().set_role(target.id, role, &countries).await?;
    let describe = |role: Role, countries: &[CountryCode]| {
        if countries.is_empty() {
            role.as_str().to_owned()
        } else {
            format!("{} [{}]", role.as_str(), codes_text(countries))
        }
    };
    audit(
        &state,
        Some(&admin.0),
        AuditAction::UserSetRole,
        Some(format!("user:{} {}", target.id, target.email)),
        Some(format!(
            "{} -> {}",
            describe(target.role, &target.countries),
            describe(role, &countries)
        )),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/users?saved={id}#user-{id}")).into_response())
}

pub async fn outbox(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let total = state.store().count_outbox().await?;
    let pager = Pager::new(
        page_number(query.as_deref()),
        PER_PAGE,
        total,
        "/admin/outbox",
    );
    let zone = admin.0.time_zone();
    let emails = state
        .store()
        .list_outbox(PER_PAGE, pager.offset(PER_PAGE))
        .await?
        .into_iter()
        .map(|email| EmailRow {
            to: email.to.to_string(),
            subject: email.subject,
            status: email.status.as_str(),
            attempts: email.attempts,
            last_error: email.last_error.unwrap_or_default(),
            created: zone.format_datetime(email.created_at),
            sent: email
                .sent_at
                .map(|at| zone.format_datetime(at))
                .unwrap_or_default(),
        })
        .collect();
    ok(&OutboxPage {
        nav: Nav::new(Some(&admin.0), &csrf),
        emails,
        pager,
        zone: zone.as_str().to_owned(),
    })
}

pub async fn audit_log(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let total = state.store().count_audit().await?;
    let pager = Pager::new(
        page_number(query.as_deref()),
        PER_PAGE,
        total,
        "/admin/audit",
    );
    let zone = admin.0.time_zone();
    let entries = state
        .store()
        .list_audit(PER_PAGE, pager.offset(PER_PAGE))
        .await?
        .into_iter()
        .map(|entry| AuditRow {
            at: zone.format_datetime(entry.at),
            actor: match (entry.actor_email, entry.actor) {
                (Some(email), _) => email.to_string(),
                (None, Some(id)) => format!("user {id}"),
                (None, None) => "the system".to_owned(),
            },
            action: entry.action,
            target: entry.target.unwrap_or_default(),
            detail: entry.detail.unwrap_or_default(),
        })
        .collect();
    ok(&AuditPage {
        nav: Nav::new(Some(&admin.0), &csrf),
        entries,
        pager,
        zone: zone.as_str().to_owned(),
    })
}
