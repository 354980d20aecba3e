//! The outbox: claiming with leases, delivery and retries, listing.

use std::collections::HashSet;

use iln_store::{EmailStatus, NewEmail};

use crate::support::{TestDb, at, email};

crate::store_tests!(
    a_claim_leases_emails_until_the_lease_ends,
    concurrent_claims_never_share_an_email,
    sent_emails_are_done,
    failures_retry_later_or_give_up,
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

async fn a_claim_leases_emails_until_the_lease_ends(db: &TestDb) {
    let store = &db.store;
    let first = store.enqueue_email(&mail(0), at(0)).await.unwrap();
    let second = store.enqueue_email(&mail(1), at(0)).await.unwrap();
    // Not yet due before it was queued.
    assert!(
        store
            .claim_due_emails(10, at(-1), at(60))
            .await
            .unwrap()
            .is_empty()
    );

    let claimed = store.claim_due_emails(1, at(1), at(61)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id, first);
    assert_eq!(claimed[0].attempts, 1);
    assert_eq!(claimed[0].to.as_str(), "person0@example.org");
    assert_eq!(claimed[0].html_body.as_deref(), Some("<p>Hello 0</p>"));
    assert_eq!(claimed[0].status, EmailStatus::Pending);

    // A second worker during the lease gets only the other email.
    let other = store.claim_due_emails(10, at(2), at(62)).await.unwrap();
    assert_eq!(other.iter().map(|e| e.id).collect::<Vec<_>>(), vec![second]);
    assert!(
        store
            .claim_due_emails(10, at(60), at(120))
            .await
            .unwrap()
            .is_empty()
    );

    // The first worker died: once its lease is over the email is claimed again.
    let again = store.claim_due_emails(10, at(61), at(121)).await.unwrap();
    assert_eq!(again.iter().map(|e| e.id).collect::<Vec<_>>(), vec![first]);
    assert_eq!(again[0].attempts, 2);
}

async fn concurrent_claims_never_share_an_email(db: &TestDb) {
    let store = &db.store;
    for n in 0..40 {
        store.enqueue_email(&mail(n), at(0)).await.unwrap();
    }
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_due_emails(3, at(1), at(600)).await.unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|e| e.id));
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for worker in workers {
        for id in worker.await.unwrap() {
            assert!(seen.insert(id), "email {id} was claimed twice");
        }
    }
    assert_eq!(seen.len(), 40);
}

async fn sent_emails_are_done(db: &TestDb) {
    let store = &db.store;
    let id = store.enqueue_email(&mail(0), at(0)).await.unwrap();
    store.claim_due_emails(10, at(1), at(61)).await.unwrap();
    store.mark_email_sent(id, at(2)).await.unwrap();
    // Even after the lease would have ended, a sent email is never claimed again.
    assert!(
        store
            .claim_due_emails(10, at(1000), at(1060))
            .await
            .unwrap()
            .is_empty()
    );
    let listed = store.list_outbox(10, 0).await.unwrap();
    assert_eq!(listed[0].status, EmailStatus::Sent);
    assert_eq!(listed[0].sent_at, Some(at(2)));
    assert_eq!(listed[0].created_at, at(0));
    assert_eq!(listed[0].last_error, None);
}

async fn failures_retry_later_or_give_up(db: &TestDb) {
    let store = &db.store;
    let id = store.enqueue_email(&mail(0), at(0)).await.unwrap();
    store.claim_due_emails(10, at(1), at(61)).await.unwrap();
    store
        .mark_email_failed(id, "connection refused", Some(at(300)))
        .await
        .unwrap();
    // The failure released the lease, but the retry is not due before its time.
    assert!(
        store
            .claim_due_emails(10, at(100), at(160))
            .await
            .unwrap()
            .is_empty()
    );
    let retried = store.claim_due_emails(10, at(300), at(360)).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
    assert_eq!(retried[0].last_error.as_deref(), Some("connection refused"));

    store
        .mark_email_failed(id, "mailbox does not exist", None)
        .await
        .unwrap();
    assert!(
        store
            .claim_due_emails(10, at(10_000), at(10_060))
            .await
            .unwrap()
            .is_empty()
    );
    let listed = store.list_outbox(10, 0).await.unwrap();
    assert_eq!(listed[0].status, EmailStatus::Failed);
    assert_eq!(
        listed[0].last_error.as_deref(),
        Some("mailbox does not exist")
    );
    assert_eq!(listed[0].sent_at, None);

    assert!(matches!(
        store.mark_email_sent(iln_store::EmailId(9999), at(1)).await,
        Err(iln_store::StoreError::NotFound(_))
    ));
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
    assert_eq!(
        store
            .claim_due_emails(5_000, at(0), at(60))
            .await
            .unwrap()
            .len(),
        2_345
    );
}
