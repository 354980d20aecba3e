//! The askama page and email templates (files under `templates/`) and the small view structs
//! they display. Templates escape everything by default; no HTML is built with `format!`.

use askama::Template;
use iln_domain::account::Role;
use iln_domain::timezone::TimeZoneName;
use jiff::Timestamp;

use crate::auth::Viewer;
use crate::words::Label;

/// What the header needs: who is signed in (if anyone) and the CSRF token for sign-out.
pub struct Nav {
    pub user: Option<NavUser>,
    pub csrf: String,
}

pub struct NavUser {
    pub name: String,
    pub role_label: &'static str,
    pub is_admin: bool,
    pub sees_people: bool,
}

impl Nav {
    pub fn new(viewer: Option<&Viewer>, csrf: &str) -> Self {
        Self {
            user: viewer.map(|viewer| NavUser {
                name: viewer.user.display_name.to_string(),
                role_label: viewer.role().label(),
                is_admin: viewer.is_admin(),
                sees_people: matches!(viewer.role(), Role::Admin | Role::CountryCoordinator),
            }),
            csrf: csrf.to_owned(),
        }
    }

    /// For error pages, which are rendered without looking the visitor up.
    pub fn anonymous() -> Self {
        Self {
            user: None,
            csrf: String::new(),
        }
    }
}

/// A date and time in the reader's zone, with the zone named so nobody has to guess.
pub fn when(at: Timestamp, zone: &TimeZoneName) -> String {
    format!("{} ({})", zone.format_datetime(at), zone.as_str())
}

/// "3 minutes", "1 second": for Retry-After pages.
pub fn wait_words(seconds: u64) -> String {
    match seconds {
        0..=1 => "1 second".to_owned(),
        2..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

/// Page navigation for long lists.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The address the page links go to, e.g. `/people` or `/people?country=KE`.
    pub path: String,
}

impl Pager {
    pub fn new(page: i64, per_page: i64, total: i64, path: impl Into<String>) -> Self {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Self {
            page: page.clamp(1, pages),
            pages,
            total,
            path: path.into(),
        }
    }

    /// The address of another page of the same list, keeping its filters.
    fn link(&self, page: i64) -> String {
        let separator = if self.path.contains('?') { '&' } else { '?' };
        format!("{}{separator}page={page}", self.path)
    }

    pub fn prev_link(&self) -> Option<String> {
        self.prev().map(|page| self.link(page))
    }

    pub fn next_link(&self) -> Option<String> {
        self.next().map(|page| self.link(page))
    }

    pub fn offset(&self, per_page: i64) -> i64 {
        (self.page - 1) * per_page
    }

    pub fn prev(&self) -> Option<i64> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<i64> {
        (self.page < self.pages).then(|| self.page + 1)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub nav: Nav,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub nav: Nav,
}

#[derive(Template)]
#[template(path = "code_of_conduct.html")]
pub struct CodeOfConductPage {
    pub nav: Nav,
    /// The program coordinators' address: the sender of the platform's emails.
    pub contact: String,
}

#[derive(Template)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    pub nav: Nav,
    pub contact: String,
}

/// A short page that tells the person what happened and where to go next.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub nav: Nav,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub links: Vec<(String, String)>,
}

#[derive(Default)]
pub struct SignUpErrors {
    pub name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub time_zone: Option<String>,
}

impl SignUpErrors {
    pub fn any(&self) -> bool {
        self.name.is_some()
            || self.email.is_some()
            || self.password.is_some()
            || self.time_zone.is_some()
    }
}

#[derive(Template)]
#[template(path = "signup.html")]
pub struct SignUpPage {
    pub nav: Nav,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub zones: Vec<TimeZoneName>,
    pub errors: SignUpErrors,
}

#[derive(Template)]
#[template(path = "signin.html")]
pub struct SignInPage {
    pub nav: Nav,
    pub email: String,
    pub email_error: Option<String>,
    pub password_error: Option<String>,
    /// Shown above the form, e.g. after a password reset.
    pub notice: Option<String>,
    /// A local path to go to after signing in; empty for the dashboard.
    pub next: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
pub struct VerifyPage {
    pub nav: Nav,
    pub token: String,
}

/// One form asking only for an email: forgot password, resend verification.
#[derive(Template)]
#[template(path = "email_form.html")]
pub struct EmailFormPage {
    pub nav: Nav,
    pub title: &'static str,
    pub intro: &'static str,
    pub action: &'static str,
    pub button: &'static str,
    pub email: String,
    pub email_error: Option<String>,
}

#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub nav: Nav,
    pub token: String,
    pub password_error: Option<String>,
}

#[derive(Template)]
#[template(path = "change_password.html")]
pub struct ChangePasswordPage {
    pub nav: Nav,
    pub current_error: Option<String>,
    pub new_error: Option<String>,
    pub done: bool,
}

/// One bar of the people-by-country chart, with its geometry computed in Rust.
pub struct Bar {
    pub name: String,
    pub count: i64,
    pub y: i64,
    pub width: i64,
    pub text_y: i64,
    pub label_x: i64,
}

/// A horizontal bar chart drawn as SVG on the server: no script, works everywhere.
pub struct BarChart {
    pub bars: Vec<Bar>,
    pub height: i64,
    pub shown: usize,
    pub total_countries: usize,
}

impl BarChart {
    const ROW: i64 = 28;
    const LABEL_WIDTH: i64 = 150;
    const MAX_BAR: i64 = 220;
    /// The chart shows the largest countries; the table below it lists all.
    const MAX_BARS: usize = 20;

    /// Bars for the largest countries, longest first; `rows` must be sorted by count, descending.
    pub fn new(rows: &[CountryRow]) -> Self {
        let max = rows.iter().map(|row| row.count).max().unwrap_or(0).max(1);
        let bars: Vec<Bar> = rows
            .iter()
            .take(Self::MAX_BARS)
            .zip(0_i64..)
            .map(|(row, index)| {
                let width = (row.count * Self::MAX_BAR / max).max(1);
                Bar {
                    name: row.name.clone(),
                    count: row.count,
                    y: index * Self::ROW,
                    width,
                    text_y: index * Self::ROW + 19,
                    label_x: Self::LABEL_WIDTH + width + 6,
                }
            })
            .collect();
        Self {
            height: (i64::try_from(bars.len()).unwrap_or(0) * Self::ROW).max(Self::ROW),
            shown: bars.len(),
            total_countries: rows.len(),
            bars,
        }
    }

    pub fn label_width(&self) -> i64 {
        Self::LABEL_WIDTH
    }

    pub fn label_end(&self) -> i64 {
        Self::LABEL_WIDTH - 8
    }

    pub fn width(&self) -> i64 {
        Self::LABEL_WIDTH + Self::MAX_BAR + 50
    }
}

pub struct CountryRow {
    pub code: String,
    pub name: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "dashboard_admin.html")]
pub struct AdminDashboard {
    pub nav: Nav,
    pub people: i64,
    pub countries: usize,
    pub users: usize,
    pub emails_waiting: i64,
    pub chart: BarChart,
    pub rows: Vec<CountryRow>,
    pub matching_rounds: Vec<crate::routes::dashboard::DashboardRound>,
    pub rounds: Vec<crate::routes::common::RoundRow>,
}

#[derive(Template)]
#[template(path = "dashboard_coordinator.html")]
pub struct CoordinatorDashboard {
    pub nav: Nav,
    pub name: String,
    pub people: i64,
    pub rows: Vec<CountryRow>,
    pub rounds: Vec<crate::routes::common::RoundRow>,
}

/// A person's profile as pages show it.
pub struct PersonView {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub country: String,
    pub city: String,
    pub institution: String,
    pub sector: &'static str,
    pub career_stage: &'static str,
    pub time_zone: String,
    pub languages: String,
    pub interests: String,
    pub joined: String,
}

#[derive(Template)]
#[template(path = "dashboard_participant.html")]
pub struct ParticipantDashboard {
    pub nav: Nav,
    pub name: String,
    pub profile: Option<PersonView>,
    pub partnership: Option<crate::routes::dashboard::DashboardPartnership>,
    /// The discussion topics out in the reader's rounds, newest first.
    pub topics: Vec<crate::routes::dashboard::DashboardTopic>,
    pub applications: Vec<crate::routes::dashboard::ApplicationLine>,
    /// The closed rounds they took part in, for their certificates: (round id, name).
    pub certificates: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "people.html")]
pub struct PeoplePage {
    pub nav: Nav,
    pub scope: String,
    /// The countries the reader may filter by (code, name), and the one chosen ("" for all).
    pub countries: Vec<(String, String)>,
    pub country: String,
    pub people: Vec<PersonView>,
    pub pager: Pager,
}

#[derive(Template)]
#[template(path = "person.html")]
pub struct PersonPage {
    pub nav: Nav,
    pub person: PersonView,
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub countries: String,
    pub verified: bool,
    pub created: String,
    pub is_self: bool,
    pub countries_error: Option<String>,
    pub role_error: Option<String>,
    pub saved: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub nav: Nav,
    pub users: Vec<UserRow>,
    pub pager: Pager,
    pub roles: Vec<(&'static str, &'static str)>,
}

/// One job on the admin's Jobs page, in words.
pub struct JobRow {
    pub id: i64,
    /// What it does: "Email to ada@example.org: Your application was approved".
    pub what: String,
    pub status: &'static str,
    /// A stable class for the status colour.
    pub status_class: &'static str,
    /// "2 of 8".
    pub tries: String,
    /// When it is due, or when it finished.
    pub when: String,
    pub last_error: String,
    pub can_retry: bool,
    pub can_cancel: bool,
}

/// A filter link above the jobs table.
pub struct JobTab {
    pub label: &'static str,
    pub link: String,
    pub count: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin_jobs.html")]
pub struct JobsPage {
    pub nav: Nav,
    pub tabs: Vec<JobTab>,
    pub jobs: Vec<JobRow>,
    pub caption: &'static str,
    pub empty: &'static str,
    pub notice: Option<String>,
    pub pager: Pager,
    pub zone: String,
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
pub struct AuditPage {
    pub nav: Nav,
    pub entries: Vec<AuditRow>,
    pub pager: Pager,
    pub zone: String,
}
