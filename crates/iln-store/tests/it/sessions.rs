//! Sessions: lookup, expiry, sign-out, signing out everywhere, housekeeping.

use iln_store::TokenPurpose;

use crate::support::{TestDb, at, participant};

crate::store_tests!(
    a_session_finds_its_user_until_it_expires,
    sign_out_kills_one_session,
    signing_out_everywhere,
    purge_removes_only_expired_rows,
);

async fn a_session_finds_its_user_until_it_expires(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_session("s1", user, at(0), at(3600))
        .await
        .unwrap();
    let found = store.session_user("s1", at(3599)).await.unwrap().unwrap();
    assert_eq!(found.id, user);
    assert_eq!(found.email.as_str(), "ana@example.org");
    assert_eq!(store.session_user("s1", at(3600)).await.unwrap(), None);
    assert_eq!(store.session_user("nope", at(1)).await.unwrap(), None);
}

async fn sign_out_kills_one_session(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_session("s1", user, at(0), at(3600))
        .await
        .unwrap();
    store
        .create_session("s2", user, at(0), at(3600))
        .await
        .unwrap();
    store.delete_session("s1").await.unwrap();
    // Deleting twice is fine.
    store.delete_session("s1").await.unwrap();
    assert_eq!(store.session_user("s1", at(1)).await.unwrap(), None);
    assert!(store.session_user("s2", at(1)).await.unwrap().is_some());
}

async fn signing_out_everywhere(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    let other = participant(store, "bo@example.org").await;
    store
        .create_session("a1", user, at(0), at(3600))
        .await
        .unwrap();
    store
        .create_session("a2", user, at(0), at(3600))
        .await
        .unwrap();
    store
        .create_session("b1", other, at(0), at(3600))
        .await
        .unwrap();
    store.delete_sessions_of(user).await.unwrap();
    assert_eq!(store.session_user("a1", at(1)).await.unwrap(), None);
    assert_eq!(store.session_user("a2", at(1)).await.unwrap(), None);
    assert_eq!(
        store.session_user("b1", at(1)).await.unwrap().map(|u| u.id),
        Some(other)
    );
}

async fn purge_removes_only_expired_rows(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_session("old", user, at(0), at(10))
        .await
        .unwrap();
    store
        .create_session("new", user, at(0), at(100))
        .await
        .unwrap();
    store
        .create_token(user, TokenPurpose::VerifyEmail, "t-old", at(10))
        .await
        .unwrap();
    store
        .create_token(user, TokenPurpose::VerifyEmail, "t-new", at(100))
        .await
        .unwrap();
    assert_eq!(store.purge_expired(at(50)).await.unwrap(), 2);
    assert!(store.session_user("new", at(50)).await.unwrap().is_some());
    assert_eq!(
        store
            .consume_token(TokenPurpose::VerifyEmail, "t-new", at(50))
            .await
            .unwrap(),
        Some(user)
    );
}
