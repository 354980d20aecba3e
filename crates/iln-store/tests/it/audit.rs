//! The audit log: entries read back newest first with the actor, and the database refuses
//! to change or delete them even through raw SQL.

use iln_domain::audit::AuditAction;
use iln_store::NewAuditEntry;
use sqlx::{Connection, Executor, Row};

use crate::support::{TestDb, at, participant};

crate::store_tests!(entries_read_back_newest_first, the_log_is_append_only);

async fn entries_read_back_newest_first(db: &TestDb) {
    let store = &db.store;
    let admin = participant(store, "admin@example.org").await;
    store
        .append_audit(
            &NewAuditEntry {
                actor: Some(admin),
                action: AuditAction::UserSetRole,
                target: Some("user:7".to_owned()),
                detail: Some("participant -> country_coordinator (GH)".to_owned()),
            },
            at(10),
        )
        .await
        .unwrap();
    store
        .append_audit(
            &NewAuditEntry {
                actor: None,
                action: AuditAction::CliCreateUser,
                target: None,
                detail: None,
            },
            at(20),
        )
        .await
        .unwrap();
    assert_eq!(store.count_audit().await.unwrap(), 2);
    let entries = store.list_audit(10, 0).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].action, "cli.create_user");
    assert_eq!(entries[0].actor, None);
    assert_eq!(entries[0].actor_email, None);
    assert_eq!(entries[0].at, at(20));
    assert_eq!(entries[1].action, "user.set_role");
    assert_eq!(entries[1].actor, Some(admin));
    assert_eq!(
        entries[1].actor_email.as_ref().map(|e| e.as_str()),
        Some("admin@example.org")
    );
    assert_eq!(entries[1].target.as_deref(), Some("user:7"));
    assert_eq!(
        entries[1].detail.as_deref(),
        Some("participant -> country_coordinator (GH)")
    );
    assert_eq!(
        store.list_audit(1, 1).await.unwrap()[0].action,
        "user.set_role"
    );
}

async fn the_log_is_append_only(db: &TestDb) {
    let store = &db.store;
    store
        .append_audit(
            &NewAuditEntry {
                actor: None,
                action: AuditAction::UserCreate,
                target: Some("user:1".to_owned()),
                detail: None,
            },
            at(1),
        )
        .await
        .unwrap();
    let mut raw = db.raw().await;
    let update = raw
        .execute("UPDATE audit_log SET action = 'nothing happened'")
        .await
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = raw.execute("DELETE FROM audit_log").await.unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    if store.backend() == iln_store::Backend::Postgres {
        let truncate = raw.execute("TRUNCATE audit_log").await.unwrap_err();
        assert!(truncate.to_string().contains("append-only"), "{truncate}");
    }
    let row = sqlx::query("SELECT COUNT(*) AS n, MIN(action) AS action FROM audit_log")
        .fetch_one(&mut raw)
        .await
        .unwrap();
    assert_eq!(row.get::<i64, _>("n"), 1);
    assert_eq!(row.get::<String, _>("action"), "user.create");
    raw.close().await.unwrap();
}
