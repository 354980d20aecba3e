//! Where the job worker is assembled: the handler of every job kind this release runs, and
//! the worker that `iln serve` runs beside the web server and `iln worker` runs alone.

use std::sync::Arc;

use iln_app::jobs::{Registry, Worker, WorkerOptions};
use iln_store::EMAIL_JOB;

use crate::AppState;
use crate::mail::EmailJobs;

/// The handler of each job kind. Add a kind here, one `.with(KIND, handler)` line each,
/// built from `state.app().clone()` when it is an application use-case.
pub fn registry(state: &AppState) -> Registry {
    Registry::new()
        .with(
            EMAIL_JOB,
            EmailJobs::new(Arc::clone(state.mailer())).per_second(state.config().mail_per_second),
        )
        .with(
            iln_app::rounds::DATES_JOB,
            iln_app::rounds::DateJobs::new(state.app().clone()),
        )
        .with(
            iln_app::topics::RELEASE_JOB,
            iln_app::topics::ReleaseJobs::new(state.app().clone()),
        )
        .with(
            iln_app::checkins::CHECKIN_JOB,
            iln_app::checkins::CheckInJobs::new(state.app().clone()),
        )
        .with(
            iln_app::checkins::FOLLOWUP_JOB,
            iln_app::checkins::CheckInJobs::new(state.app().clone()),
        )
        .with(
            iln_app::checkins::LADDER_JOB,
            iln_app::checkins::CheckInJobs::new(state.app().clone()),
        )
        .with(
            iln_app::surveys::OPEN_JOB,
            iln_app::surveys::SurveyJobs::new(state.app().clone()),
        )
        .with(
            iln_app::surveys::REMINDER_JOB,
            iln_app::surveys::SurveyJobs::new(state.app().clone()),
        )
        .with(
            iln_app::housekeeping::PURGE_JOB,
            iln_app::housekeeping::PurgeJobs::new(state.app().clone()),
        )
}

/// A worker running every registered kind with this app's store, clock and mailer, woken when
/// a request queues work ([`AppState::wake_outbox`]).
pub fn worker(state: &AppState, options: WorkerOptions) -> Worker {
    Worker::new(
        state.store().clone(),
        Arc::clone(state.clock()),
        registry(state),
        options,
        state.wake(),
    )
}
