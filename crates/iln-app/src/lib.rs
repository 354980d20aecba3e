//! The application layer: every action a person, the command line or a job can take, each as
//! one use-case function. A use-case takes the actor, typed input and the clock (through
//! [`App`]), runs in **one** store transaction ([`iln_store::Tx`]) that writes the change,
//! its audit entry and the jobs and emails it causes, and commits all or nothing.
//!
//! This crate has no HTTP or template dependency. The web pages, the command line, the JSON
//! API and import all call the same functions; they only parse input and render the result.
//!
//! Layout:
//! - [`App`]: what every use-case needs (the store, the clock, the email composer, links).
//! - [`Actor`]: who is acting, with the role and country scope that authorise it.
//! - [`AppError`]: the infrastructure failures shared by every use-case; each area adds
//!   its own typed refusals beside it.
//! - [`jobs`]: the worker that runs queued jobs through a handler per kind.
//! - [`notify`]: typed notices ("your application was approved") that the web layer's
//!   [`notify::Composer`] turns into words, queued as email inside the use-case's transaction.

pub mod accounts;
pub mod alumni;
pub mod applications;
pub mod calendar;
pub mod checkins;
pub mod contacts;
pub mod desk;
pub mod ending;
pub mod export;
pub mod housekeeping;
pub mod import;
pub mod jobs;
pub mod matching;
pub mod notify;
pub mod posts;
pub mod relay;
pub mod reports;
pub mod rounds;
pub mod surveys;
pub mod topics;

use std::sync::Arc;

use iln_domain::account::Role;
use iln_domain::audit::AuditAction;
use iln_domain::clock::Clock;
use iln_domain::country::CountryCode;
use iln_store::{NewAuditEntry, Store, StoreError, Tx, User, UserId};
use jiff::Timestamp;

/// Everything a use-case needs besides its input. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    composer: Arc<dyn notify::Composer>,
    links: Links,
}

/// The public address of the site, which links in emails start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base_url: String,
}

impl Links {
    /// `base_url` such as `https://iln.example.org`; a trailing slash is dropped.
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self { base_url }
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl App {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        composer: Arc<dyn notify::Composer>,
        links: Links,
    ) -> Self {
        Self {
            store,
            clock,
            composer,
            links,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The current time, from the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn links(&self) -> &Links {
        &self.links
    }

    pub fn composer(&self) -> &dyn notify::Composer {
        self.composer.as_ref()
    }

    /// Starts the one transaction of a use-case.
    pub async fn begin(&self) -> Result<Tx, AppError> {
        Ok(self.store.begin().await?)
    }
}

/// Who is acting. Use-cases authorise on it, and it is what the audit log records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    User {
        id: UserId,
        role: Role,
        /// The countries a country coordinator looks after; empty for other roles.
        countries: Vec<CountryCode>,
    },
    /// A visitor who is not signed in (signing up, asking for a reset link).
    Anonymous,
    /// The operator at the command line (`iln admin …`).
    Cli,
    /// The platform itself: a scheduled job.
    System,
}

impl Actor {
    pub fn user(user: &User) -> Self {
        Actor::User {
            id: user.id,
            role: user.role,
            countries: user.countries.clone(),
        }
    }

    /// The account acting, if a person is.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::User { role, .. } => Some(*role),
            _ => None,
        }
    }

    /// An admin, the operator, or the platform: may act on anything.
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Actor::User {
                role: Role::Admin,
                ..
            } | Actor::Cli
                | Actor::System
        )
    }

    /// Whether this actor may act on people of `country`: admins on all, country coordinators
    /// on their own countries, nobody else.
    pub fn covers_country(&self, country: CountryCode) -> bool {
        match self {
            Actor::User {
                role: Role::CountryCoordinator,
                countries,
                ..
            } => countries.contains(&country),
            other => other.is_admin(),
        }
    }
}

/// Failures every use-case can have. Area modules define their own typed refusals (a form
/// field that is wrong, a round in the wrong state) and wrap this for the rest.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or the actor may not know it exists (a country coordinator
    /// asking about another country's person gets this, as for a missing id).
    #[error("not found")]
    NotFound,
    /// The actor is known but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The database failed or refused the write.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Appends the audit entry of the action `tx` writes.
pub async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    target: Option<String>,
    detail: Option<String>,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.append_audit(
        &NewAuditEntry {
            actor: actor.user_id(),
            action,
            target,
            detail,
        },
        now,
    )
    .await?;
    Ok(())
}
