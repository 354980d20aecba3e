//! Email as jobs: each email is one `email` job with a versioned payload and a Message-ID
//! fixed at enqueue; the messages read back through the jobs.

use std::collections::HashSet;

use iln_store::{EMAIL_JOB, EmailPayload, EmailStatus, JobFailure, JobStatus, NewEmail};

use crate::support::{TestDb, at, email};

crate::store_tests!(
    an_email_is_a_job_with_a_versioned_payload_and_a_message_id,
    the_message_id_survives_retries_and_the_status_reads_through,
    a_version_one_fixture_still_reads,
    the_outbox_lists_newest_first,
    many_emails_queue_in_one_transaction,
);

fn mail(n: usize) -> NewEmail {
    NewEmail {
        to: email(&format!("person{n}@example.org")),
        subject: format!("Message {n}"),
        text_body: format!("Hello {n}"),
        html_body: n.is_multiple_of(2).then(|| format!("<p>Hello {n}</p>")),
    }
}

async fn an_email_is_a_job_with_a_versioned_payload_and_a_message_id(db: &TestDb) {
    let store = &db.store;
    let id = store.enqueue_email(&mail(0), at(0)).await.unwrap();
    let other = store.enqueue_email(&mail(1), at(0)).await.unwrap();
    let job = store
        .claim_job("w", &[EMAIL_JOB], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.id.0, id.0);
    assert_eq!(job.kind, "email");
    assert_eq!(job.payload_version, 1);
    let value: serde_json::Value = serde_json::from_str(&job.payload).unwrap();
    assert_eq!(value["v"], 1);
    let payload = EmailPayload::from_job(&job).unwrap();
    assert_eq!(payload.to, "person0@example.org");
    assert_eq!(payload.subject, "Message 0");
    assert_eq!(payload.html_body.as_deref(), Some("<p>Hello 0</p>"));
    assert!(payload.message_id.starts_with('<') && payload.message_id.ends_with("@iln.mail>"));
    let second = store
        .claim_job("w", &[EMAIL_JOB], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id.0, other.0);
    assert_ne!(
        EmailPayload::from_job(&second).unwrap().message_id,
        payload.message_id
    );
}

async fn the_message_id_survives_retries_and_the_status_reads_through(db: &TestDb) {
    let store = &db.store;
    store.enqueue_email(&mail(0), at(0)).await.unwrap();
    let before = store.list_outbox(10, 0).await.unwrap().remove(0);
    assert_eq!(before.status, EmailStatus::Pending);
    let job = store
        .claim_job("w", &[EMAIL_JOB], at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    store
        .fail_job(
            job.id,
            "w",
            "421 try later",
            JobFailure::RetryAt(at(100)),
            at(2),
        )
        .await
        .unwrap();
    let job = store
        .claim_job("w", &[EMAIL_JOB], at(100), at(160))
        .await
        .unwrap()
        .unwrap();
    assert!(store.complete_job(job.id, "w", at(101)).await.unwrap());
    let after = store.list_outbox(10, 0).await.unwrap().remove(0);
    assert_eq!(after.message_id, before.message_id);
    assert_eq!(after.status, EmailStatus::Sent);
    assert_eq!(after.sent_at, Some(at(101)));
    assert_eq!(after.attempts, 2);
}

/// Stored JSON is a contract: a version 1 payload as the outbox migration and today's
/// enqueue write it still reads.
async fn a_version_one_fixture_still_reads(db: &TestDb) {
    let store = &db.store;
    let fixture = include_str!("../fixtures/email_job_v1.json");
    let job = iln_store::NewJob {
        kind: EMAIL_JOB.to_owned(),
        payload: fixture.to_owned(),
        payload_version: 1,
        run_at: at(0),
        max_attempts: 8,
        idempotency_key: None,
    };
    let id = store.enqueue_job(&job, at(0)).await.unwrap();
    let stored = store.job(id).await.unwrap().unwrap();
    let payload = EmailPayload::from_job(&stored).unwrap();
    assert_eq!(payload.message_id, "<outbox-7@iln.mail>");
    assert_eq!(payload.to, "ada@example.org");
    assert_eq!(payload.html_body, None);
    // An unknown version is a clear error, never a panic.
    let future = iln_store::NewJob {
        payload_version: 99,
        ..job
    };
    let id = store.enqueue_job(&future, at(0)).await.unwrap();
    let stored = store.job(id).await.unwrap().unwrap();
    assert!(EmailPayload::from_job(&stored).is_err());
}

async fn the_outbox_lists_newest_first(db: &TestDb) {
    let store = &db.store;
    assert_eq!(store.count_outbox().await.unwrap(), 0);
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(store.enqueue_email(&mail(n), at(n as i64)).await.unwrap());
    }
    assert_eq!(store.count_outbox().await.unwrap(), 5);
    let page = store.list_outbox(2, 0).await.unwrap();
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let rest = store.list_outbox(10, 2).await.unwrap();
    assert_eq!(
        rest.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1], ids[0]]
    );
    assert_eq!(rest[2].subject, "Message 0");
    assert_eq!(rest[2].text_body, "Hello 0");
    assert_eq!(rest[1].html_body, None);
    assert!(store.list_outbox(10, 5).await.unwrap().is_empty());
}

/// More emails than one statement carries, queued in one transaction: every one is there,
/// due at once, with its own words.
async fn many_emails_queue_in_one_transaction(db: &TestDb) {
    let store = &db.store;
    let emails: Vec<NewEmail> = (0..2_345).map(mail).collect();
    let mut tx = store.begin().await.unwrap();
    tx.enqueue_emails(&emails, at(0)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.count_outbox().await.unwrap(), 2_345);
    let listed = store.list_outbox(3_000, 0).await.unwrap();
    let mut bodies: Vec<(String, Option<String>)> = listed
        .iter()
        .map(|e| (e.text_body.clone(), e.html_body.clone()))
        .collect();
    bodies.sort();
    let mut expected: Vec<(String, Option<String>)> = emails
        .iter()
        .map(|e| (e.text_body.clone(), e.html_body.clone()))
        .collect();
    expected.sort();
    assert_eq!(bodies, expected);
    assert!(listed.iter().all(|e| e.status == EmailStatus::Pending));
    let ids: HashSet<&str> = listed.iter().map(|e| e.message_id.as_str()).collect();
    assert_eq!(ids.len(), 2_345, "every message has its own Message-ID");
    let jobs = store
        .list_jobs(Some(JobStatus::Pending), 3_000, 0)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 2_345);
    assert!(
        jobs.iter()
            .all(|job| job.kind == EMAIL_JOB && job.run_at == at(0))
    );
}
