//! The contract every use-case leans on: what one transaction writes (the audit entry, the
//! email it causes) lands together on commit and not at all on rollback or a failed write.

use iln_app::{Actor, audit};
use iln_domain::account::Email;
use iln_domain::audit::AuditAction;
use iln_store::NewEmail;

use crate::app_tests;
use crate::support::TestApp;

fn email() -> NewEmail {
    NewEmail {
        to: Email::parse("someone@example.org").unwrap(),
        subject: "Hello".to_owned(),
        text_body: "Hello.".to_owned(),
        html_body: None,
    }
}

async fn commit_keeps_audit_and_email_together(t: &TestApp) {
    // The app reads the injected clock.
    t.clock.advance(jiff::SignedDuration::from_mins(5));
    assert_eq!(
        t.app.now(),
        crate::support::t0() + jiff::SignedDuration::from_mins(5)
    );
    let now = t.app.now();
    let mut tx = t.app.begin().await.unwrap();
    audit(
        &mut tx,
        &Actor::System,
        AuditAction::RoundTransition,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    tx.enqueue_email(&email(), now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(t.store.count_audit().await.unwrap(), 1);
    assert_eq!(t.store.count_outbox().await.unwrap(), 1);
}

async fn rollback_drops_both(t: &TestApp) {
    let now = t.app.now();
    let mut tx = t.app.begin().await.unwrap();
    audit(
        &mut tx,
        &Actor::Cli,
        AuditAction::RoundTransition,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    tx.enqueue_email(&email(), now).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(t.store.count_audit().await.unwrap(), 0);
    assert_eq!(t.store.count_outbox().await.unwrap(), 0);
}

async fn a_failed_second_write_leaves_nothing(t: &TestApp) {
    let now = t.app.now();
    t.store.fail_at_write_step(2);
    let mut tx = t.app.begin().await.unwrap();
    audit(
        &mut tx,
        &Actor::Cli,
        AuditAction::RoundTransition,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    assert!(tx.enqueue_email(&email(), now).await.is_err());
    drop(tx);
    assert!(!t.store.fault_pending());
    assert_eq!(t.store.count_audit().await.unwrap(), 0);
    assert_eq!(t.store.count_outbox().await.unwrap(), 0);
    // The pool is healthy afterwards: the next transaction commits.
    let mut tx = t.app.begin().await.unwrap();
    tx.enqueue_email(&email(), now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(t.store.count_outbox().await.unwrap(), 1);
}

app_tests!(
    commit_keeps_audit_and_email_together,
    rollback_drops_both,
    a_failed_second_write_leaves_nothing,
);
