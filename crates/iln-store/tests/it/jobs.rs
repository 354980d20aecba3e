//! The jobs queue: idempotent enqueueing, claims one at a time under a lease, lease takeover
//! after a crash, outcomes that only the lease owner may record, retry, cancel, reschedule.

use std::collections::HashSet;

use iln_store::{JobFailure, JobStatus, NewJob};

use crate::support::{TestDb, at};

crate::store_tests!(
    a_second_enqueue_with_the_same_key_returns_the_first_job,
    a_job_is_claimed_when_due_and_leased_to_one_worker,
    a_lease_left_by_a_dead_worker_is_taken_again,
    only_the_lease_owner_records_the_outcome,
    failures_back_off_then_die_or_fail_at_once,
    concurrent_claims_never_share_a_job,
    a_released_job_is_due_again_at_once,
    reschedule_moves_or_rearms_a_job_by_key,
    cancel_and_retry,
    listing_and_counting_by_status,
    an_enqueue_rolled_back_leaves_no_job,
);

fn job(n: usize) -> NewJob {
    NewJob::new("test", 1, &serde_json::json!({ "n": n }), at(0)).unwrap()
}

async fn a_second_enqueue_with_the_same_key_returns_the_first_job(db: &TestDb) {
    let store = &db.store;
    let first = store.enqueue_job(&job(1).key("k"), at(0)).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let again = tx.enqueue_job(&job(2).key("k"), at(5)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(first, again);
    let stored = store.job(first).await.unwrap().unwrap();
    assert_eq!(stored.payload, r#"{"n":1}"#);
    assert_eq!(stored.payload_version, 1);
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.idempotency_key.as_deref(), Some("k"));
    // Jobs without a key never collide.
    let a = store.enqueue_job(&job(3), at(0)).await.unwrap();
    let b = store.enqueue_job(&job(3), at(0)).await.unwrap();
    assert_ne!(a, b);
    // The key still holds once the job is done.
    let claimed = store
        .claim_job("w", &["test"], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, first);
    assert!(store.complete_job(first, "w", at(2)).await.unwrap());
    assert_eq!(
        store.enqueue_job(&job(4).key("k"), at(3)).await.unwrap(),
        first
    );
    assert_eq!(
        store.job(first).await.unwrap().unwrap().status,
        JobStatus::Done
    );
}

async fn a_job_is_claimed_when_due_and_leased_to_one_worker(db: &TestDb) {
    let store = &db.store;
    let later = NewJob::new("test", 1, &"later", at(100)).unwrap();
    let later = store.enqueue_job(&later, at(0)).await.unwrap();
    let first = store.enqueue_job(&job(1), at(0)).await.unwrap();
    let other_kind = NewJob::new("other", 1, &"x", at(0)).unwrap();
    let other_kind = store.enqueue_job(&other_kind, at(0)).await.unwrap();

    assert!(
        store
            .claim_job("a", &["test"], at(-1), at(59))
            .await
            .unwrap()
            .is_none(),
        "nothing is due before its run_at"
    );
    assert!(
        store
            .claim_job("a", &[], at(1), at(61))
            .await
            .unwrap()
            .is_none()
    );

    let claimed = store
        .claim_job("a", &["test"], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, first);
    assert_eq!(claimed.status, JobStatus::Running);
    assert_eq!(claimed.attempts, 1);
    assert_eq!(claimed.lease_owner.as_deref(), Some("a"));
    assert_eq!(claimed.lease_until, Some(at(61)));

    // Another worker during the lease finds nothing of this kind that is due.
    assert!(
        store
            .claim_job("b", &["test"], at(2), at(62))
            .await
            .unwrap()
            .is_none()
    );
    let other = store
        .claim_job("b", &["other", "test"], at(2), at(62))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.id, other_kind);
    assert!(store.complete_job(first, "a", at(3)).await.unwrap());
    let due_later = store
        .claim_job("b", &["test"], at(100), at(160))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(due_later.id, later);
}

async fn a_lease_left_by_a_dead_worker_is_taken_again(db: &TestDb) {
    let store = &db.store;
    let id = store.enqueue_job(&job(1), at(0)).await.unwrap();
    store
        .claim_job("dead", &["test"], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .claim_job("b", &["test"], at(60), at(120))
            .await
            .unwrap()
            .is_none()
    );
    let again = store
        .claim_job("b", &["test"], at(61), at(121))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, id);
    assert_eq!(again.attempts, 2);
    assert_eq!(again.lease_owner.as_deref(), Some("b"));
    // A renewed lease is not taken.
    assert!(
        store
            .renew_job_lease(id, "b", at(300), at(100))
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_job("c", &["test"], at(200), at(260))
            .await
            .unwrap()
            .is_none()
    );
}

async fn only_the_lease_owner_records_the_outcome(db: &TestDb) {
    let store = &db.store;
    let id = store.enqueue_job(&job(1), at(0)).await.unwrap();
    store
        .claim_job("a", &["test"], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    // a's lease ended and b took the job over.
    store
        .claim_job("b", &["test"], at(70), at(130))
        .await
        .unwrap()
        .unwrap();
    assert!(!store.complete_job(id, "a", at(71)).await.unwrap());
    assert!(
        !store
            .renew_job_lease(id, "a", at(200), at(71))
            .await
            .unwrap()
    );
    assert!(!store.release_job(id, "a", at(71)).await.unwrap());
    assert_eq!(
        store
            .fail_job(id, "a", "late", JobFailure::Permanent, at(71))
            .await
            .unwrap(),
        None
    );
    let stored = store.job(id).await.unwrap().unwrap();
    assert_eq!(stored.status, JobStatus::Running);
    assert_eq!(stored.lease_owner.as_deref(), Some("b"));

    assert!(store.complete_job(id, "b", at(72)).await.unwrap());
    let done = store.job(id).await.unwrap().unwrap();
    assert_eq!(done.status, JobStatus::Done);
    assert_eq!(done.finished_at, Some(at(72)));
    assert_eq!(done.lease_owner, None);
    assert!(
        store
            .claim_job("c", &["test"], at(1000), at(1060))
            .await
            .unwrap()
            .is_none()
    );
}

async fn failures_back_off_then_die_or_fail_at_once(db: &TestDb) {
    let store = &db.store;
    let id = store
        .enqueue_job(&job(1).max_attempts(2), at(0))
        .await
        .unwrap();
    store
        .claim_job("w", &["test"], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    let status = store
        .fail_job(
            id,
            "w",
            "421 try later",
            JobFailure::RetryAt(at(100)),
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(status, Some(JobStatus::Pending));
    let waiting = store.job(id).await.unwrap().unwrap();
    assert_eq!(waiting.run_at, at(100));
    assert_eq!(waiting.last_error.as_deref(), Some("421 try later"));
    assert_eq!(waiting.finished_at, None);
    assert!(
        store
            .claim_job("w", &["test"], at(99), at(159))
            .await
            .unwrap()
            .is_none()
    );
    store
        .claim_job("w", &["test"], at(100), at(160))
        .await
        .unwrap()
        .unwrap();
    // The second of two attempts failed: dead, however retryable the error.
    let status = store
        .fail_job(id, "w", "421 again", JobFailure::RetryAt(at(300)), at(101))
        .await
        .unwrap();
    assert_eq!(status, Some(JobStatus::Dead));
    let dead = store.job(id).await.unwrap().unwrap();
    assert_eq!(dead.finished_at, Some(at(101)));
    assert!(
        store
            .claim_job("w", &["test"], at(1000), at(1060))
            .await
            .unwrap()
            .is_none()
    );

    let refused = store.enqueue_job(&job(2), at(0)).await.unwrap();
    store
        .claim_job("w", &["test"], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    let status = store
        .fail_job(
            refused,
            "w",
            "550 no such user",
            JobFailure::Permanent,
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(status, Some(JobStatus::Failed));
    let failed = store.job(refused).await.unwrap().unwrap();
    assert_eq!(failed.last_error.as_deref(), Some("550 no such user"));
    assert_eq!(failed.attempts, 1);
}

async fn concurrent_claims_never_share_a_job(db: &TestDb) {
    let store = &db.store;
    for n in 0..40 {
        store.enqueue_job(&job(n), at(0)).await.unwrap();
    }
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let owner = format!("w{w}");
                let mut mine = Vec::new();
                while let Some(job) = store
                    .claim_job(&owner, &["test"], at(1), at(600))
                    .await
                    .unwrap()
                {
                    assert!(store.complete_job(job.id, &owner, at(2)).await.unwrap());
                    mine.push(job.id);
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 40);
    assert_eq!(distinct.len(), 40);
}

async fn a_released_job_is_due_again_at_once(db: &TestDb) {
    let store = &db.store;
    let id = store.enqueue_job(&job(1), at(0)).await.unwrap();
    store
        .claim_job("stopping", &["test"], at(1), at(301))
        .await
        .unwrap()
        .unwrap();
    assert!(store.release_job(id, "stopping", at(5)).await.unwrap());
    let again = store
        .claim_job("other", &["test"], at(6), at(306))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, id);
    assert_eq!(again.attempts, 2);
}

async fn reschedule_moves_or_rearms_a_job_by_key(db: &TestDb) {
    let store = &db.store;
    assert!(!store.reschedule_job("none", at(9), at(0)).await.unwrap());
    let id = store
        .enqueue_job(&job(1).key("round:1"), at(0))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.reschedule_job("round:1", at(500), at(1)).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(store.job(id).await.unwrap().unwrap().run_at, at(500));
    assert!(
        store
            .claim_job("w", &["test"], at(499), at(559))
            .await
            .unwrap()
            .is_none()
    );
    store
        .claim_job("w", &["test"], at(500), at(560))
        .await
        .unwrap()
        .unwrap();
    // Running: not moved, the caller learns so.
    assert!(
        !store
            .reschedule_job("round:1", at(900), at(501))
            .await
            .unwrap()
    );
    assert!(store.complete_job(id, "w", at(502)).await.unwrap());
    // Done: armed again for the new date, with fresh attempts.
    assert!(
        store
            .reschedule_job("round:1", at(900), at(503))
            .await
            .unwrap()
    );
    let armed = store.job(id).await.unwrap().unwrap();
    assert_eq!(armed.status, JobStatus::Pending);
    assert_eq!(armed.run_at, at(900));
    assert_eq!(armed.attempts, 0);
    assert_eq!(armed.finished_at, None);
}

async fn cancel_and_retry(db: &TestDb) {
    let store = &db.store;
    let keyed = store.enqueue_job(&job(1).key("k1"), at(0)).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.cancel_job_by_key("k1", at(1)).await.unwrap());
    assert!(!tx.cancel_job_by_key("k1", at(1)).await.unwrap());
    assert!(!tx.cancel_job_by_key("nope", at(1)).await.unwrap());
    tx.commit().await.unwrap();
    let cancelled = store.job(keyed).await.unwrap().unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert_eq!(cancelled.finished_at, Some(at(1)));
    assert!(
        store
            .claim_job("w", &["test"], at(2), at(62))
            .await
            .unwrap()
            .is_none()
    );

    // A running job can be neither cancelled nor retried; a failed one can be both.
    let id = store.enqueue_job(&job(2), at(0)).await.unwrap();
    store
        .claim_job("w", &["test"], at(2), at(62))
        .await
        .unwrap()
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.cancel_job(id, at(3)).await.unwrap());
    assert!(!tx.retry_job(id, at(3)).await.unwrap());
    tx.commit().await.unwrap();
    store
        .fail_job(id, "w", "550 refused", JobFailure::Permanent, at(4))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.retry_job(id, at(10)).await.unwrap());
    let retried = tx.job(id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(retried.status, JobStatus::Pending);
    assert_eq!(retried.attempts, 0);
    assert_eq!(retried.run_at, at(10));
    assert_eq!(retried.last_error.as_deref(), Some("550 refused"));
    let mut tx = store.begin().await.unwrap();
    assert!(tx.cancel_job(id, at(11)).await.unwrap());
    // A cancelled job can be retried too: the admin changed their mind.
    assert!(tx.retry_job(id, at(12)).await.unwrap());
    tx.commit().await.unwrap();
    let claimed = store
        .claim_job("w", &["test"], at(12), at(72))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
    assert_eq!(claimed.attempts, 1);
}

async fn listing_and_counting_by_status(db: &TestDb) {
    let store = &db.store;
    let a = store.enqueue_job(&job(1), at(0)).await.unwrap();
    let b = store.enqueue_job(&job(2), at(1)).await.unwrap();
    let c = store.enqueue_job(&job(3), at(2)).await.unwrap();
    store
        .claim_job("w", &["test"], at(3), at(63))
        .await
        .unwrap()
        .unwrap();
    store
        .fail_job(a, "w", "550", JobFailure::Permanent, at(4))
        .await
        .unwrap();
    let counts = store.count_jobs().await.unwrap();
    assert_eq!(counts.len(), JobStatus::ALL.len());
    let count = |status| counts.iter().find(|(s, _)| *s == status).unwrap().1;
    assert_eq!(count(JobStatus::Pending), 2);
    assert_eq!(count(JobStatus::Failed), 1);
    assert_eq!(count(JobStatus::Done), 0);

    let pending = store
        .list_jobs(Some(JobStatus::Pending), 10, 0)
        .await
        .unwrap();
    assert_eq!(pending.iter().map(|j| j.id).collect::<Vec<_>>(), vec![c, b]);
    let all = store.list_jobs(None, 2, 0).await.unwrap();
    assert_eq!(all.iter().map(|j| j.id).collect::<Vec<_>>(), vec![a, c]);
    let rest = store.list_jobs(None, 2, 2).await.unwrap();
    assert_eq!(rest.iter().map(|j| j.id).collect::<Vec<_>>(), vec![b]);
}

async fn an_enqueue_rolled_back_leaves_no_job(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    tx.enqueue_job(&job(1).key("gone"), at(0)).await.unwrap();
    tx.rollback().await.unwrap();
    assert!(store.job_by_key("gone").await.unwrap().is_none());
    assert!(store.list_jobs(None, 10, 0).await.unwrap().is_empty());
    // Armed faults fire on the enqueue too, so use-case fault tests cover their jobs.
    store.fail_at_write_step(1);
    let mut tx = store.begin().await.unwrap();
    assert!(tx.enqueue_job(&job(2), at(0)).await.is_err());
    drop(tx);
    assert!(store.list_jobs(None, 10, 0).await.unwrap().is_empty());
}
