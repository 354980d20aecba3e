//! The job runner: workers that claim due jobs one at a time, hand each to the handler of its
//! kind, keep its lease alive while it runs, and record how it ended.
//!
//! Handlers are registered per kind in a [`Registry`]. The application's own kinds sit beside
//! each other where the registry is assembled (`iln_web::jobs::registry`, which also adds the
//! email handler since the mail transports live in the web crate). To add a kind (a round's
//! date transition, say): implement [`Handler`] for a type holding what it needs (an
//! [`crate::App`], usually) and add one `.with(KIND, handler)` line there.
//!
//! Shutdown: a worker told to stop claims nothing more, lets the jobs it is running finish
//! within the grace period, and gives the rest back ([`iln_store::Store::release_job`]) so
//! another worker takes them at once.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use iln_domain::clock::Clock;
use iln_store::{Job, JobFailure, JobStatus, Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::{Notify, watch};

/// How a job's run ended, when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (a connection refused, an SMTP 4xx): retried with backoff
    /// until the job's attempts are spent.
    #[error("{0}")]
    Temporary(String),
    /// Refused for good (an SMTP 5xx, a payload that does not parse): failed at once, with
    /// this text as its last error for an admin to read.
    #[error("{0}")]
    Permanent(String),
}

/// A boxed future, so handlers can be trait objects.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// Runs the jobs of one kind.
pub trait Handler: Send + Sync + 'static {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a>;
}

/// The handler for each job kind a worker runs.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: BTreeMap<String, Arc<dyn Handler>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs the jobs of `kind` with `handler` (replacing an earlier one for that kind).
    pub fn with(mut self, kind: impl Into<String>, handler: impl Handler) -> Self {
        self.handlers.insert(kind.into(), Arc::new(handler));
        self
    }

    /// The kinds a worker with this registry claims.
    pub fn kinds(&self) -> Vec<&str> {
        self.handlers.keys().map(String::as_str).collect()
    }

    fn handler(&self, kind: &str) -> Option<&Arc<dyn Handler>> {
        self.handlers.get(kind)
    }
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones: 30 s, 1 min, 2 min, …
/// at most an hour, stretched by `jitter` (0 to 1: up to half as long again) so that jobs
/// that failed together (a mail server that was down) do not all come back at once.
pub fn backoff(attempts: i64, jitter: f64) -> SignedDuration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    let base = (30_i64 * 2_i64.pow(exponent)).min(3_600);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "at most 5,400 seconds, far inside i64"
    )]
    let extra = (base as f64 * 0.5 * jitter) as i64;
    SignedDuration::from_secs(base + extra)
}

/// How a worker is tuned. The defaults suit email: a lease much longer than one SMTP
/// timeout, renewed well before it ends.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Names this worker in each lease it holds; unique per process.
    pub owner: String,
    /// How long a claim protects a job from other workers; renewed every third of it.
    pub lease: SignedDuration,
    /// How many jobs it runs at once (each claimed on its own).
    pub concurrency: usize,
    /// How often it looks for due jobs when nobody wakes it.
    pub poll: Duration,
    /// How long running jobs may go on after a stop before they are given back.
    pub grace: Duration,
}

impl WorkerOptions {
    /// The defaults, with an owner name made of the process id and random bits.
    pub fn new() -> Self {
        Self {
            owner: format!(
                "worker-{}-{:08x}",
                std::process::id(),
                rand::random::<u32>()
            ),
            lease: SignedDuration::from_mins(1),
            concurrency: 4,
            poll: Duration::from_secs(2),
            grace: Duration::from_secs(10),
        }
    }
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// What became of one claimed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ran {
    Done,
    /// Failed and left with this status: pending (to retry), dead or failed.
    Failed(JobStatus),
    /// Given back unfinished because the worker stopped.
    Released,
    /// Its lease went to another worker while it ran (this worker stalled past the lease),
    /// so its outcome is the other worker's to record.
    LeaseLost,
}

/// Runs jobs. Cheap to clone; several may share a database (the store's claims keep any two
/// from running one job).
#[derive(Clone)]
pub struct Worker {
    store: Store,
    clock: Arc<dyn Clock>,
    registry: Registry,
    options: WorkerOptions,
    wake: Arc<Notify>,
}

impl Worker {
    /// A worker woken early through `wake` (a request that queued work notifies it).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        registry: Registry,
        options: WorkerOptions,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            clock,
            registry,
            options,
            wake,
        }
    }

    pub fn options(&self) -> &WorkerOptions {
        &self.options
    }

    fn lease_from(&self, now: Timestamp) -> Timestamp {
        now.saturating_add(self.options.lease).unwrap_or(now)
    }

    /// Claims one due job and runs it to the end: what tests call to drain the queue step by
    /// step. None when nothing is due.
    pub async fn run_once(&self) -> Result<Option<(Job, Ran)>, StoreError> {
        let (_stop, stopped) = watch::channel(None);
        self.claim_and_run(stopped).await
    }

    /// Runs due jobs until none is left, returning how many finished as done.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let mut done = 0;
        while let Some((_, ran)) = self.run_once().await? {
            if ran == Ran::Done {
                done += 1;
            }
        }
        Ok(done)
    }

    async fn claim_and_run(
        &self,
        stop: watch::Receiver<Option<tokio::time::Instant>>,
    ) -> Result<Option<(Job, Ran)>, StoreError> {
        let kinds = self.registry.kinds();
        let now = self.clock.now();
        let Some(job) = self
            .store
            .claim_job(&self.options.owner, &kinds, now, self.lease_from(now))
            .await?
        else {
            return Ok(None);
        };
        let ran = self.run_claimed(&job, stop).await?;
        Ok(Some((job, ran)))
    }

    /// Runs a job this worker holds, renewing its lease, until it ends or the stop deadline
    /// passes.
    async fn run_claimed(
        &self,
        job: &Job,
        mut stop: watch::Receiver<Option<tokio::time::Instant>>,
    ) -> Result<Ran, StoreError> {
        let owner = self.options.owner.as_str();
        let Some(handler) = self.registry.handler(&job.kind) else {
            // Claims name only registered kinds, so this is a registry changed underfoot.
            return self
                .record_failure(
                    job,
                    JobError::Temporary(format!("no handler for {}", job.kind)),
                )
                .await;
        };
        let work = handler.run(job);
        tokio::pin!(work);
        let renew_every = self
            .options
            .lease
            .unsigned_abs()
            .checked_div(3)
            .unwrap_or(Duration::from_secs(1))
            .max(Duration::from_millis(100));
        let deadline = async {
            let at = match stop.wait_for(Option::is_some).await {
                Ok(at) => *at,
                // The stopping side is gone: nobody will ever ask this job to stop.
                Err(_) => None,
            };
            match at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending::<()>().await,
            }
        };
        tokio::pin!(deadline);
        let outcome = loop {
            tokio::select! {
                outcome = &mut work => break outcome,
                () = &mut deadline => {
                    self.store.release_job(job.id, owner, self.clock.now()).await?;
                    tracing::info!(job = job.id.0, kind = %job.kind, "gave back a job still running at shutdown");
                    return Ok(Ran::Released);
                }
                () = tokio::time::sleep(renew_every) => {
                    let now = self.clock.now();
                    match self.store.renew_job_lease(job.id, owner, self.lease_from(now), now).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(job = job.id.0, "lost the lease of a running job");
                            return Ok(Ran::LeaseLost);
                        }
                        // The next renewal may work; the lease still has two thirds to go.
                        Err(error) => tracing::warn!(job = job.id.0, %error, "could not renew a lease"),
                    }
                }
            }
        };
        match outcome {
            Ok(()) => {
                if self
                    .store
                    .complete_job(job.id, owner, self.clock.now())
                    .await?
                {
                    Ok(Ran::Done)
                } else {
                    Ok(Ran::LeaseLost)
                }
            }
            Err(error) => self.record_failure(job, error).await,
        }
    }

    async fn record_failure(&self, job: &Job, error: JobError) -> Result<Ran, StoreError> {
        let now = self.clock.now();
        let (failure, text) = match error {
            JobError::Temporary(text) => {
                let wait = backoff(job.attempts, rand::random::<f64>());
                (
                    JobFailure::RetryAt(now.saturating_add(wait).unwrap_or(now)),
                    text,
                )
            }
            JobError::Permanent(text) => (JobFailure::Permanent, text),
        };
        tracing::warn!(job = job.id.0, kind = %job.kind, attempts = job.attempts, error = %text, "job failed");
        match self
            .store
            .fail_job(job.id, &self.options.owner, &text, failure, now)
            .await?
        {
            Some(status) => Ok(Ran::Failed(status)),
            None => Ok(Ran::LeaseLost),
        }
    }

    /// Runs jobs until `shutdown` resolves, then stops claiming, gives running jobs the grace
    /// period to finish, and releases whatever is still running after it.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let (stop, stopped) = watch::channel(None);
        let mut slots = tokio::task::JoinSet::new();
        for _ in 0..self.options.concurrency.max(1) {
            let worker = self.clone();
            let stopped = stopped.clone();
            slots.spawn(async move { worker.slot(stopped).await });
        }
        shutdown.await;
        let deadline = tokio::time::Instant::now() + self.options.grace;
        tracing::info!(grace = ?self.options.grace, "worker stopping");
        stop.send_replace(Some(deadline));
        // Wake idle slots so they notice the stop at once.
        self.wake.notify_waiters();
        while let Some(joined) = slots.join_next().await {
            if let Err(error) = joined {
                tracing::error!(%error, "a worker slot ended abnormally");
            }
        }
    }

    /// One slot: claims and runs a job at a time until told to stop.
    async fn slot(&self, mut stopped: watch::Receiver<Option<tokio::time::Instant>>) {
        loop {
            if stopped.borrow().is_some() {
                return;
            }
            let idle = match self.claim_and_run(stopped.clone()).await {
                Ok(Some(_)) => false,
                Ok(None) => true,
                Err(error) => {
                    tracing::error!(%error, "worker could not reach the jobs table");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = stopped.changed() => {}
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(self.options.poll) => {}
                }
            }
        }
    }
}

/// What an admin's retry or cancel found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobChange {
    /// Done as asked.
    Changed,
    /// The job has moved on since the page was shown (a worker is running it, or it is
    /// finished): nothing was changed.
    NotNow(JobStatus),
}

/// An admin's retry of a failed, dead or cancelled job (or a pending one waiting out its
/// backoff): it becomes due now with a fresh set of attempts. One transaction with its audit
/// entry.
pub async fn retry(
    app: &crate::App,
    actor: &crate::Actor,
    id: iln_store::JobId,
) -> Result<JobChange, crate::AppError> {
    change(app, actor, id, Op::Retry).await
}

/// An admin's cancel of a job that has not run yet or has failed: it will not run unless
/// retried.
pub async fn cancel(
    app: &crate::App,
    actor: &crate::Actor,
    id: iln_store::JobId,
) -> Result<JobChange, crate::AppError> {
    change(app, actor, id, Op::Cancel).await
}

#[derive(Clone, Copy)]
enum Op {
    Retry,
    Cancel,
}

async fn change(
    app: &crate::App,
    actor: &crate::Actor,
    id: iln_store::JobId,
    op: Op,
) -> Result<JobChange, crate::AppError> {
    if !actor.is_admin() {
        return Err(crate::AppError::Forbidden);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let job = tx.job(id).await?.ok_or(crate::AppError::NotFound)?;
    let (changed, action) = match op {
        Op::Retry => (
            tx.retry_job(id, now).await?,
            iln_domain::audit::AuditAction::JobRetry,
        ),
        Op::Cancel => (
            tx.cancel_job(id, now).await?,
            iln_domain::audit::AuditAction::JobCancel,
        ),
    };
    if !changed {
        tx.rollback().await?;
        return Ok(JobChange::NotNow(job.status));
    }
    crate::audit(
        &mut tx,
        actor,
        action,
        Some(format!("job:{}", id.0)),
        Some(format!("{} job, was {}", job.kind, job.status.as_str())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(JobChange::Changed)
}
