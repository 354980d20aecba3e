//! The web layer: axum routes, server-rendered pages, sessions and sign-in, CSRF and security
//! headers, rate limits, and the job worker's assembly (email delivery among its handlers).
//!
//! Layout:
//! - [`serve`] runs the whole thing on a listener until Ctrl-C/SIGTERM ([`serve_until`]: until a
//!   future resolves); [`router`] builds the app for in-process tests.
//! - `state`: [`AppState`], what every handler gets (config, store, clock, mailer, limits).
//! - `security`: headers on every response, CSRF checks, random tokens, cookies.
//! - `auth`: sessions and the signed-in user extractors.
//! - `routes`: the handlers, one module per area (public pages, account, dashboards, people,
//!   admin); `templates`: the askama views (files in `templates/`, CSS in `static/`);
//!   `error`: [`WebError`] and its friendly pages; `forms`: extractors that turn malformed
//!   input into those pages.
//! - [`mail`]: the `Mailer` transports and the email job handler; [`jobs`]: the registry of
//!   job kinds and the worker built from it; `ratelimit`: the limiter.
//! - [`words`]: what domain and store values read as on pages and in emails (labels, a round's
//!   status in sentences); the binary prints them too.

pub mod jobs;
pub mod mail;
pub mod words;

mod auth;
mod charts;
mod emails;
mod error;
mod forms;
pub mod markdown;
mod ratelimit;
mod routes;
mod security;
mod state;
mod templates;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use iln_domain::clock::Clock;
use iln_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub use emails::WebComposer;
pub use error::WebError;
pub use security::{CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE};
pub use state::AppState;

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people use to reach the site, e.g. `http://127.0.0.1:8080`: links in emails
    /// start with it, and a state-changing request must come from its origin.
    pub base_url: String,
    /// Marks cookies `Secure`; on whenever the site is served over HTTPS.
    pub secure_cookies: bool,
    /// The sender of every email, e.g. `ILN <noreply@example.org>`.
    pub mail_from: String,
    pub mail_transport: MailTransportConfig,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy_headers: bool,
    /// Where people write to the program coordinators; None means the sender of the emails.
    pub contact_email: Option<String>,
    /// Where replies to our emails go (a Reply-To header); None: to the sender.
    pub mail_reply_to: Option<String>,
    /// The most emails handed to the mail server per second; 0 is no limit.
    pub mail_per_second: u32,
}

/// How email leaves: the transport email jobs hand messages to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransportConfig {
    /// An SMTP server by URL, e.g. `smtps://user:pass@mail.example.org` or
    /// `smtp://localhost:25`.
    Smtp { url: String },
    /// `.eml` files in a folder: the default, for trying the platform without a mail server.
    Files { dir: PathBuf },
}

/// The application with every route and layer, ready to serve or to call with `oneshot`.
pub fn router(state: AppState) -> Router {
    use routes::{
        account, admin, alumni, apply, calendar, certificates, checkins, dashboard, desk, exports,
        import, matching, pages, partnerships, people, reports, review, rounds, surveys, topics,
        unsubscribe,
    };
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(pages::healthz))
        .route("/code-of-conduct", get(pages::code_of_conduct))
        .route("/privacy", get(pages::privacy))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/favicon.svg", get(pages::favicon))
        .route("/signup", get(account::sign_up_form).post(account::sign_up))
        .route("/verify", get(account::verify_form).post(account::verify))
        .route(
            "/verify/resend",
            get(account::resend_form).post(account::resend),
        )
        .route("/signin", get(account::sign_in_form).post(account::sign_in))
        .route("/signout", post(account::sign_out))
        .route("/forgot", get(account::forgot_form).post(account::forgot))
        .route("/reset", get(account::reset_form).post(account::reset))
        .route(
            "/account/password",
            get(account::change_password_form).post(account::change_password),
        )
        .route(
            "/account/calendar",
            get(calendar::show).post(calendar::replace),
        )
        .route("/calendar/{file}", get(calendar::feed))
        .route("/dashboard", get(dashboard::show))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::show))
        .route("/reports", get(reports::overview))
        .route("/reports/map", get(reports::map))
        .route("/reports/fairness", get(reports::fairness))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{id}/role", post(admin::set_role))
        .route("/admin/jobs", get(admin::jobs))
        .route("/admin/jobs/{id}/retry", post(admin::retry_job))
        .route("/admin/jobs/{id}/cancel", post(admin::cancel_job))
        .route("/admin/outbox", get(admin::outbox))
        .route("/admin/audit", get(admin::audit_log))
        .route("/rounds", get(rounds::list))
        .route("/rounds/new", get(rounds::new_form).post(rounds::create))
        .route("/rounds/{id}", get(rounds::show))
        .route(
            "/rounds/{id}/edit",
            get(rounds::edit_form).post(rounds::update),
        )
        .route("/rounds/{id}/action", post(rounds::act))
        .route("/rounds/{id}/close", get(certificates::close_form))
        .route("/rounds/{id}/certificate", get(certificates::page))
        .route("/rounds/{id}/certificate.pdf", get(certificates::download))
        .route("/rounds/{id}/export/{file}", get(exports::download))
        .route(
            "/rounds/{id}/interests",
            get(rounds::interests_form).post(rounds::update_interests),
        )
        .route("/rounds/{id}/apply", get(apply::form).post(apply::submit))
        .route("/rounds/{id}/withdraw", post(apply::withdraw))
        .route(
            "/rounds/{id}/review",
            get(review::queue).post(review::decide_many),
        )
        .route("/applications/{id}", get(review::show))
        .route("/applications/{id}/decision", post(review::decide))
        .route("/applications/{id}/notes", post(review::note))
        .route("/applications/{id}/keep", post(review::keep))
        .route("/applications/{id}/merge", post(review::merge))
        .route("/rounds/{id}/matching", get(matching::show))
        .route("/rounds/{id}/matching/run", post(matching::run))
        .route("/rounds/{id}/matching/lock", post(matching::lock))
        .route("/rounds/{id}/matching/unlock", post(matching::unlock))
        .route("/rounds/{id}/matching/forbid", post(matching::forbid))
        .route("/rounds/{id}/matching/allow", post(matching::allow))
        .route("/rounds/{id}/matching/swap", post(matching::swap))
        .route("/rounds/{id}/matching/publish", post(matching::publish))
        .route(
            "/rounds/{id}/partnerships",
            get(partnerships::round_partnerships),
        )
        .route("/rounds/{id}/rematch", post(partnerships::rematch))
        .route(
            "/rounds/{id}/rematch/apply",
            post(partnerships::apply_rematch),
        )
        .route("/partnership", get(partnerships::mine))
        .route("/partnerships/{id}/end", post(partnerships::end))
        .route(
            "/partnerships/{id}/contacts",
            post(partnerships::log_contact),
        )
        .route("/rounds/{id}/topics", get(topics::list))
        .route(
            "/rounds/{id}/topics/new",
            get(topics::new_form).post(topics::create),
        )
        .route("/checkin", get(checkins::show).post(checkins::answer))
        .route("/survey", get(surveys::take).post(surveys::answer))
        .route("/alumni", get(alumni::directory))
        .route("/alumni/join", get(alumni::join_form).post(alumni::join))
        .route("/alumni/leave", post(alumni::leave))
        .route("/alumni/suggestions", get(alumni::suggestions))
        .route("/network", get(alumni::network))
        .route(
            "/alumni/{id}/write",
            get(alumni::write_form).post(alumni::write),
        )
        .route("/messages", get(alumni::inbox))
        .route("/messages/{id}", get(alumni::show_message))
        .route("/messages/{id}/reply", post(alumni::reply))
        .route("/messages/{id}/block", post(alumni::block))
        .route("/messages/{id}/report", post(alumni::report))
        .route(
            "/rounds/{id}/import",
            get(import::upload_form)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(security::MAX_IMPORT_BODY_BYTES)),
        )
        .route(
            "/imports/{id}",
            get(import::review)
                .post(import::update)
                .layer(DefaultBodyLimit::max(security::MAX_IMPORT_BODY_BYTES)),
        )
        .route("/imports/{id}/mapping.toml", get(import::mapping_file))
        .route("/imports/{id}/confirm", get(import::confirm))
        .route("/imports/{id}/commit", post(import::commit))
        .route("/imports/{id}/discard", post(import::discard))
        .route("/rounds/{id}/calendar/{file}", get(rounds::milestone_ics))
        .route("/rounds/{id}/surveys", get(surveys::list))
        .route(
            "/rounds/{id}/surveys/new",
            get(surveys::new_form).post(surveys::create),
        )
        .route("/surveys/{id}", get(surveys::results))
        .route("/surveys/{id}/results.csv", get(surveys::results_csv))
        .route(
            "/surveys/{id}/edit",
            get(surveys::edit_form).post(surveys::update),
        )
        .route(
            "/surveys/{id}/open",
            get(surveys::open_form).post(surveys::open),
        )
        .route(
            "/unsubscribe",
            get(unsubscribe::show).post(unsubscribe::change),
        )
        .route("/desk", get(desk::show))
        .route("/desk/message", post(desk::message))
        .route("/desk/ask", post(desk::ask))
        .route("/topics/{id}", get(topics::show))
        .route(
            "/topics/{id}/edit",
            get(topics::edit_form).post(topics::update),
        )
        .route(
            "/topics/{id}/release",
            get(topics::release_form).post(topics::release),
        )
        .route("/topics/{id}/posts", post(topics::post_in_topic))
        .route("/topics/{id}/discussed", post(topics::discussed))
        .route("/posts/{id}/edit", post(topics::edit_post))
        .route("/posts/{id}/delete", post(topics::delete_post))
        .route("/posts/{id}/hide", post(topics::hide_post))
        .route(
            "/rounds/{id}/resources",
            get(topics::board).post(topics::share),
        )
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), security::csrf))
        .layer(DefaultBodyLimit::max(security::MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(panic_page))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The log span of a request: method and path only. The query is left out because links from
/// our emails carry single-use secrets there (`/reset?token=…`), and secrets are never logged.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
}

/// A panic in a handler is a bug; the visitor still gets our 500 page, never a dropped
/// connection.
fn panic_page(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    WebError::Internal("a handler panicked".to_owned()).into_response()
}

/// Builds the configured mail transport.
pub fn mailer_from_config(config: &WebConfig) -> Result<Arc<dyn mail::Mailer>, WebError> {
    Ok(match &config.mail_transport {
        MailTransportConfig::Smtp { url } => Arc::new(
            mail::SmtpMailer::new(config.mail_from.clone(), url)?
                .with_reply_to(config.mail_reply_to.clone()),
        ),
        MailTransportConfig::Files { dir } => Arc::new(
            mail::FileMailer::new(config.mail_from.clone(), dir.clone())
                .with_reply_to(config.mail_reply_to.clone()),
        ),
    })
}

/// Serves the platform on `listener` until Ctrl-C or SIGTERM, with the job worker running
/// beside it. In-flight requests finish before it returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: WebConfig,
    store: Store,
    clock: Arc<dyn Clock>,
) -> Result<(), WebError> {
    serve_until(listener, config, store, clock, shutdown_signal()).await
}

/// [`serve`], stopping when `shutdown` resolves instead of on a signal (for tests and for
/// embedding), with the job worker beside it.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    config: WebConfig,
    store: Store,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WebError> {
    serve_with(
        listener,
        config,
        store,
        clock,
        shutdown,
        ServeOptions::default(),
    )
    .await
}

/// How [`serve_with`] runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Run the job worker in the same process (the default). Off for `iln serve --no-worker`,
    /// when `iln worker` processes run the jobs instead.
    pub run_worker: bool,
    pub worker: iln_app::jobs::WorkerOptions,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            run_worker: true,
            worker: iln_app::jobs::WorkerOptions::new(),
        }
    }
}

/// Refuses a bad sender address at start-up rather than on every delivery attempt.
fn check_sender(config: &WebConfig) -> Result<(), WebError> {
    mail::build_message(
        &config.mail_from,
        &mail::OutgoingEmail {
            to: "check@example.org".to_owned(),
            subject: String::new(),
            text_body: String::new(),
            html_body: None,
            message_id: None,
        },
    )?;
    Ok(())
}

/// [`serve_until`] with its options: the web server, and the job worker unless
/// `options.run_worker` is off. On `shutdown` the server stops taking requests and finishes
/// those in flight; the worker stops claiming and gives its running jobs the grace period.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    config: WebConfig,
    store: Store,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: ServeOptions,
) -> Result<(), WebError> {
    check_sender(&config)?;
    let mailer = mailer_from_config(&config)?;
    let state = AppState::new(config, store, clock, mailer);
    ensure_scheduled_jobs(&state).await;

    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = options.run_worker.then(|| {
        tokio::spawn(jobs::worker(&state, options.worker).run(async {
            let _ = worker_stopped.await;
        }))
    });

    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_worker.send(());
    if let Some(worker) = worker {
        worker.await?;
    }
    Ok(served?)
}

/// Runs the job worker alone, without the web server, until `shutdown` resolves (`iln
/// worker`): an operator runs as many of these as the work needs beside `iln serve
/// --no-worker` processes. On `shutdown` it stops claiming, lets running jobs finish within
/// `options.grace`, and gives the rest back for another worker to take at once.
pub async fn work_until(
    config: WebConfig,
    store: Store,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: iln_app::jobs::WorkerOptions,
) -> Result<(), WebError> {
    check_sender(&config)?;
    let mailer = mailer_from_config(&config)?;
    let state = AppState::new(config, store, clock, mailer);
    ensure_scheduled_jobs(&state).await;
    jobs::worker(&state, options).run(shutdown).await;
    Ok(())
}

/// Gives every round a date will still move on its `round_dates` job: rounds from before
/// date jobs, or loaded straight through the store (the demo), then move on time. Idempotent
/// for rounds that have one. A failure is logged, not fatal: pages still read rounds as they
/// stand, and the next start tries again.
async fn ensure_scheduled_jobs(state: &AppState) {
    match iln_app::rounds::ensure_date_jobs(state.app()).await {
        Ok(rounds) => tracing::debug!(rounds, "round date jobs in place"),
        Err(error) => tracing::warn!(%error, "could not schedule the round date jobs"),
    }
    // The hourly purge of expired sessions and links, likewise a job that queues its next run.
    if let Err(error) = iln_app::housekeeping::ensure_purge_job(state.app()).await {
        tracing::warn!(%error, "could not schedule the purge of expired sessions");
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what service managers and containers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
