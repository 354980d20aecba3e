//! The shared state every handler gets: configuration, store, clock, mailer and the rate
//! limiters. Cloning it is cheap (one `Arc`).

use std::sync::Arc;

use iln_domain::clock::Clock;
use iln_store::Store;
use jiff::SignedDuration;
use tokio::sync::Notify;

use crate::WebConfig;
use crate::mail::Mailer;
use crate::ratelimit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: WebConfig,
    /// `scheme://host[:port]` of `base_url`, what a same-origin request's `Origin` header says.
    origin: String,
    store: Store,
    /// The application layer: every action goes through its use-cases.
    app: iln_app::App,
    clock: Arc<dyn Clock>,
    mailer: Arc<dyn Mailer>,
    /// Wakes the job worker when a request queues work (mail), so it goes out at once.
    outbox_wake: Arc<Notify>,
    limits: Limits,
}

/// The rate limits. Per IP bounds one machine guessing across many accounts; per email bounds
/// many machines guessing one account, and stops anyone flooding a mailbox with reset mail.
pub struct Limits {
    pub sign_in_per_ip: RateLimiter,
    pub sign_in_per_email: RateLimiter,
    pub reset_per_ip: RateLimiter,
    pub reset_per_email: RateLimiter,
    pub sign_up_per_ip: RateLimiter,
}

impl Limits {
    fn standard() -> Self {
        let quarter_hour = SignedDuration::from_mins(15);
        let hour = SignedDuration::from_hours(1);
        Self {
            sign_in_per_ip: RateLimiter::new(30, quarter_hour),
            sign_in_per_email: RateLimiter::new(10, quarter_hour),
            reset_per_ip: RateLimiter::new(10, hour),
            reset_per_email: RateLimiter::new(3, hour),
            sign_up_per_ip: RateLimiter::new(20, hour),
        }
    }
}

impl AppState {
    pub fn new(
        config: WebConfig,
        store: Store,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn Mailer>,
    ) -> Self {
        let origin = origin_of(&config.base_url);
        let app = iln_app::App::new(
            store.clone(),
            Arc::clone(&clock),
            Arc::new(crate::emails::WebComposer),
            iln_app::Links::new(config.base_url.clone()),
        );
        Self {
            inner: Arc::new(Inner {
                config,
                origin,
                app,
                store,
                clock,
                mailer,
                outbox_wake: Arc::new(Notify::new()),
                limits: Limits::standard(),
            }),
        }
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The application layer, for every action a handler takes.
    pub fn app(&self) -> &iln_app::App {
        &self.inner.app
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// `base_url` without a trailing slash, for links in emails.
    pub fn base_url(&self) -> &str {
        self.inner.config.base_url.trim_end_matches('/')
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    pub fn mailer(&self) -> &Arc<dyn Mailer> {
        &self.inner.mailer
    }

    /// What a job worker of this app waits on between polls.
    pub fn wake(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.outbox_wake)
    }

    /// A job worker running this app's jobs (email through its mailer) with default options;
    /// tests drain it with `run_once` or `drain`.
    pub fn job_worker(&self) -> iln_app::jobs::Worker {
        crate::jobs::worker(self, iln_app::jobs::WorkerOptions::new())
    }

    /// Tells the job worker that work is waiting. (The name is older than the jobs queue;
    /// other areas call it after every action that sends mail.)
    pub fn wake_outbox(&self) {
        self.inner.outbox_wake.notify_one();
    }
}

/// `scheme://host[:port]` of a URL, lowercased; the input itself when it has no scheme.
fn origin_of(url: &str) -> String {
    let url = url.trim();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{}://{}", scheme, authority).to_ascii_lowercase()
        }
        None => url.trim_end_matches('/').to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn origin_drops_the_path() {
        assert_eq!(
            super::origin_of("https://ILN.example.org:8443/app/"),
            "https://iln.example.org:8443"
        );
        assert_eq!(
            super::origin_of("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
    }
}
