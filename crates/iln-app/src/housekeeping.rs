//! Housekeeping: the hourly job that deletes expired sign-in sessions and one-time links, and
//! uploaded spreadsheets left unimported for a day.
//! They are refused once expired anyway; deleting them keeps the tables small and keeps no
//! secret hash longer than it can be used (the privacy notice says so).
//!
//! Like all scheduled work it is a job, not a timer in a process: each run queues the next
//! one, keyed by its hour, so any number of workers (and restarts) share one schedule, and a
//! run missed while no worker ran happens as soon as one starts.

use iln_store::{Job, NewJob};
use jiff::{SignedDuration, Timestamp};

use crate::jobs::{Handler, HandlerFuture, JobError};
use crate::{App, AppError};

/// The kind of the hourly purge job.
pub const PURGE_JOB: &str = "purge_expired";
/// The shape of its payload (`{"v":1}`: it needs no input).
const PURGE_PAYLOAD_VERSION: i64 = 1;
const EVERY: SignedDuration = SignedDuration::from_hours(1);

#[derive(serde::Serialize)]
struct PurgePayload {
    v: i64,
}

/// The job due at `at`, keyed by the hour it runs in, so that enqueueing it twice (two
/// workers starting, a run and a start-up) queues it once.
fn purge_job(at: Timestamp) -> Result<NewJob, AppError> {
    let hour = at.as_second().div_euclid(3_600);
    Ok(NewJob::new(
        PURGE_JOB,
        PURGE_PAYLOAD_VERSION,
        &PurgePayload {
            v: PURGE_PAYLOAD_VERSION,
        },
        at,
    )?
    .key(format!("purge-expired:{hour}")))
}

/// Makes sure the purge is scheduled: queues one due now unless this hour's is queued already.
/// Called when a worker starts.
pub async fn ensure_purge_job(app: &App) -> Result<(), AppError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.enqueue_job(&purge_job(now)?, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes what has expired, then queues the next run an hour on, in one transaction, so a
/// run that fails is retried by the queue and never leaves the schedule without a next run.
pub async fn purge_expired(app: &App) -> Result<u64, AppError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let purged = tx.purge_expired(now).await?;
    tx.enqueue_job(&purge_job(now + EVERY)?, now).await?;
    tx.commit().await?;
    if purged > 0 {
        tracing::info!(purged, "deleted expired sessions and one-time links");
    }
    Ok(purged)
}

/// Runs [`PURGE_JOB`] jobs.
pub struct PurgeJobs {
    app: App,
}

impl PurgeJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for PurgeJobs {
    fn run<'a>(&'a self, _job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            purge_expired(&self.app)
                .await
                .map(|_| ())
                .map_err(|error| JobError::Temporary(error.to_string()))
        })
    }
}
