//! Admin pages: user accounts with role and country-scope assignment, the background jobs
//! (every email among them) with retry and cancel, the audit log. Only admins (program coordinators) reach them; every change is audited.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::accounts::{self, AccountsError};
use iln_app::jobs::JobChange;
use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_store::{EMAIL_JOB, EmailPayload, Job, JobId, JobStatus, User, UserId};
use serde::Deserialize;

use super::{FORM_INVALID, ok, page};
use crate::auth::Admin;
use crate::error::{WebError, capitalise};
use crate::forms::{HtmlForm, PathId, page_number};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{
    AuditPage, AuditRow, JobRow, JobTab, JobsPage, Nav, Pager, UserRow, UsersPage,
};
use crate::words::Label;

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
    let own_role = || async {
        let page_data = users_page(
            &state,
            &admin,
            &csrf,
            invalid(Some("You cannot change your own role".to_owned()), None),
            Some(id),
            None,
        )
        .await?;
        page(StatusCode::FORBIDDEN, &page_data)
    };
    let role = Role::parse(&form.role).map_err(|e| capitalise(&e.to_string()));
    let countries = parse_countries(&form.countries);
    let (role, countries) = match (role, countries) {
        (Ok(role), Ok(countries)) => (role, countries),
        (role, countries) => {
            // A missing account, or the admin's own, is said before what is wrong with the
            // form, as the use-case would: fixing the form would not help.
            let target = state
                .store()
                .user(UserId(id))
                .await?
                .ok_or(WebError::NotFound)?;
            if target.id == admin.0.id() {
                return own_role().await;
            }
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
    let actor = iln_app::Actor::user(&admin.0.user);
    match accounts::set_role(state.app(), &actor, UserId(id), role, &countries).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users?saved={id}#user-{id}")).into_response()),
        Err(AccountsError::OwnRole) => own_role().await,
        Err(AccountsError::NoCountries) => {
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
            page(FORM_INVALID, &page_data)
        }
        Err(error) => Err(error.into()),
    }
}

/// The statuses the Jobs page filters by, in the order of its tabs.
const JOB_TABS: [(Option<JobStatus>, &str); 7] = [
    (None, "All"),
    (Some(JobStatus::Failed), "Failed"),
    (Some(JobStatus::Dead), "Gave up"),
    (Some(JobStatus::Pending), "Waiting"),
    (Some(JobStatus::Running), "Running"),
    (Some(JobStatus::Done), "Done"),
    (Some(JobStatus::Cancelled), "Cancelled"),
];

fn status_words(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Pending => "Waiting",
        JobStatus::Running => "Running",
        JobStatus::Done => "Done",
        JobStatus::Failed => "Failed",
        JobStatus::Dead => "Gave up",
        JobStatus::Cancelled => "Cancelled",
    }
}

/// What a job does, in words: an email names its recipient and subject; a round's job names
/// the round; any other kind says its kind.
fn job_words(job: &Job) -> String {
    if job.kind == EMAIL_JOB {
        return match EmailPayload::from_job(job) {
            Ok(email) => format!("Email to {}: {}", email.to, email.subject),
            Err(_) => "Email (its contents cannot be read)".to_owned(),
        };
    }
    let payload = serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .map(|payload| payload.get("data").cloned().unwrap_or(payload));
    let field = |name: &str| {
        payload
            .as_ref()
            .and_then(|p| p.get(name))
            .and_then(serde_json::Value::as_i64)
    };
    if job.kind == iln_app::topics::RELEASE_JOB {
        return match field("topic") {
            Some(topic) => format!("Release of discussion topic {topic}"),
            None => "Release of a discussion topic".to_owned(),
        };
    }
    let kind = capitalise(&job.kind.replace('_', " "));
    match field("round") {
        Some(round) => format!("{kind} (round {round})"),
        None => kind,
    }
}

/// The Jobs page's query: a status filter, and which job the last button changed. Anything
/// unknown or malformed is ignored (the page shows every job), never an error.
#[derive(Debug, Default)]
struct JobsQuery {
    status: Option<JobStatus>,
    retried: Option<i64>,
    cancelled: Option<i64>,
    unchanged: Option<i64>,
}

impl JobsQuery {
    fn parse(query: Option<&str>) -> Self {
        let mut parsed = Self::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let id = || value.parse::<i64>().ok().filter(|id| *id > 0);
            match key.as_ref() {
                "status" => parsed.status = JobStatus::parse(&value),
                "retried" => parsed.retried = id(),
                "cancelled" => parsed.cancelled = id(),
                "unchanged" => parsed.unchanged = id(),
                _ => {}
            }
        }
        parsed
    }
}

/// The Jobs page: every background job, by status, with retry and cancel.
pub async fn jobs(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let params = JobsQuery::parse(query.as_deref());
    let status = params.status;
    let counts = state.store().count_jobs().await?;
    let count_of = |filter: Option<JobStatus>| match filter {
        None => counts.iter().map(|(_, n)| n).sum(),
        Some(wanted) => counts
            .iter()
            .find(|(s, _)| *s == wanted)
            .map_or(0, |(_, n)| *n),
    };
    let link_for = |filter: Option<JobStatus>| match filter {
        None => "/admin/jobs".to_owned(),
        Some(s) => format!("/admin/jobs?status={}", s.as_str()),
    };
    let tabs = JOB_TABS
        .iter()
        .map(|(filter, label)| JobTab {
            label,
            link: link_for(*filter),
            count: count_of(*filter),
            current: *filter == status,
        })
        .collect();
    let pager = Pager::new(
        page_number(query.as_deref()),
        PER_PAGE,
        count_of(status),
        link_for(status),
    );
    let zone = admin.0.time_zone();
    let jobs = state
        .store()
        .list_jobs(status, PER_PAGE, pager.offset(PER_PAGE))
        .await?
        .into_iter()
        .map(|job| {
            let when = match (job.status, job.finished_at) {
                (JobStatus::Pending, _) => format!("due {}", zone.format_datetime(job.run_at)),
                (JobStatus::Running, _) => {
                    format!("since {}", zone.format_datetime(job.updated_at))
                }
                (_, Some(at)) => zone.format_datetime(at),
                (_, None) => zone.format_datetime(job.updated_at),
            };
            JobRow {
                id: job.id.0,
                what: job_words(&job),
                status: status_words(job.status),
                status_class: job.status.as_str(),
                tries: format!("{} of {}", job.attempts, job.max_attempts),
                when,
                last_error: job.last_error.clone().unwrap_or_default(),
                can_retry: matches!(
                    job.status,
                    JobStatus::Failed | JobStatus::Dead | JobStatus::Cancelled
                ) || (job.status == JobStatus::Pending && job.attempts > 0),
                can_cancel: matches!(
                    job.status,
                    JobStatus::Pending | JobStatus::Failed | JobStatus::Dead
                ),
            }
        })
        .collect();
    let notice = match (params.retried, params.cancelled, params.unchanged) {
        (Some(id), _, _) => Some(format!("Job {id} will run again in a moment.")),
        (_, Some(id), _) => Some(format!(
            "Job {id} is cancelled: it will not run unless you retry it."
        )),
        (_, _, Some(id)) => Some(format!(
            "Job {id} had already moved on (running or finished), so nothing was changed."
        )),
        _ => None,
    };
    let (caption, empty) = match status {
        None => ("All jobs", "Nothing has been queued yet."),
        Some(JobStatus::Failed) => ("Failed jobs", "No job has failed."),
        Some(JobStatus::Dead) => ("Jobs given up", "No job has been given up."),
        Some(JobStatus::Pending) => ("Waiting jobs", "Nothing is waiting."),
        Some(JobStatus::Running) => ("Running jobs", "Nothing is running right now."),
        Some(JobStatus::Done) => ("Finished jobs", "Nothing has finished yet."),
        Some(JobStatus::Cancelled) => ("Cancelled jobs", "No job has been cancelled."),
    };
    ok(&JobsPage {
        nav: Nav::new(Some(&admin.0), &csrf),
        tabs,
        jobs,
        caption,
        empty,
        notice,
        pager,
        zone: zone.as_str().to_owned(),
    })
}

/// The old address of the Jobs page, from bookmarks and older emails.
pub async fn outbox() -> Redirect {
    Redirect::permanent("/admin/jobs")
}

/// Retry now: a failed, given-up or cancelled job runs again with fresh tries.
pub async fn retry_job(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let actor = iln_app::Actor::user(&admin.0.user);
    let outcome = iln_app::jobs::retry(state.app(), &actor, JobId(id)).await?;
    state.wake_outbox();
    Ok(match outcome {
        JobChange::Changed => Redirect::to(&format!("/admin/jobs?retried={id}")),
        JobChange::NotNow(_) => Redirect::to(&format!("/admin/jobs?unchanged={id}")),
    }
    .into_response())
}

/// Cancel: the job will not run unless retried.
pub async fn cancel_job(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let actor = iln_app::Actor::user(&admin.0.user);
    let outcome = iln_app::jobs::cancel(state.app(), &actor, JobId(id)).await?;
    Ok(match outcome {
        JobChange::Changed => Redirect::to(&format!("/admin/jobs?cancelled={id}")),
        JobChange::NotNow(_) => Redirect::to(&format!("/admin/jobs?unchanged={id}")),
    }
    .into_response())
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
