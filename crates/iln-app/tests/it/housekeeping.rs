//! The hourly purge as a job: scheduled once however often workers start, deleting expired
//! sessions and queuing its next run in the same transaction, and run by a worker.

use std::sync::Arc;

use iln_app::housekeeping::{PURGE_JOB, PurgeJobs, ensure_purge_job, purge_expired};
use iln_app::jobs::{Ran, Registry, Worker, WorkerOptions};
use iln_domain::account::{DisplayName, Email, Role};
use iln_store::{JobStatus, NewUser};
use jiff::SignedDuration;

use crate::app_tests;
use crate::support::TestApp;

async fn purge_jobs(t: &TestApp) -> Vec<iln_store::Job> {
    t.store.list_jobs_of_kind(PURGE_JOB, 100, 0).await.unwrap()
}

async fn the_purge_is_scheduled_once_and_queues_its_next_run(t: &TestApp) {
    ensure_purge_job(&t.app).await.unwrap();
    ensure_purge_job(&t.app).await.unwrap();
    assert_eq!(purge_jobs(t).await.len(), 1);

    let now = t.app.now();
    let user = t
        .store
        .create_user(
            &NewUser {
                email: Email::parse("ada@example.org").unwrap(),
                display_name: DisplayName::parse("Ada").unwrap(),
                password_hash: None,
                role: Role::Participant,
                countries: Vec::new(),
                email_verified: true,
                time_zone: None,
            },
            now,
        )
        .await
        .unwrap();
    t.store
        .create_session(
            "a".repeat(64).as_str(),
            user,
            now,
            now + SignedDuration::from_mins(30),
        )
        .await
        .unwrap();
    t.store
        .create_session(
            "b".repeat(64).as_str(),
            user,
            now,
            now + SignedDuration::from_hours(30),
        )
        .await
        .unwrap();

    t.clock.advance(SignedDuration::from_hours(1));
    let worker = Worker::new(
        t.store.clone(),
        t.app.clock().clone(),
        Registry::new().with(PURGE_JOB, PurgeJobs::new(t.app.clone())),
        WorkerOptions::new(),
        Arc::default(),
    );
    let (_, ran) = worker.run_once().await.unwrap().unwrap();
    assert_eq!(ran, Ran::Done);
    let later = t.app.now();
    assert!(
        t.store
            .session_user(&"a".repeat(64), now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        t.store
            .session_user(&"b".repeat(64), later)
            .await
            .unwrap()
            .is_some()
    );
    // The next run waits an hour; nothing else is due.
    let jobs = purge_jobs(t).await;
    assert_eq!(jobs.len(), 2);
    let next = jobs
        .iter()
        .find(|j| j.status == JobStatus::Pending)
        .unwrap();
    assert_eq!(next.run_at, later + SignedDuration::from_hours(1));
    assert!(worker.run_once().await.unwrap().is_none());
    // A start-up in the same hour as the queued run adds nothing.
    t.clock.advance(SignedDuration::from_mins(61));
    ensure_purge_job(&t.app).await.unwrap();
    assert_eq!(purge_jobs(t).await.len(), 2);
    assert_eq!(purge_expired(&t.app).await.unwrap(), 0);
}

app_tests!(the_purge_is_scheduled_once_and_queues_its_next_run);
