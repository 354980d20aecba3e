//! One-time tokens: single use, expiry at an explicit `now`, purposes kept apart, revocation.

use iln_store::TokenPurpose;

use crate::support::{TestDb, at, participant};

crate::store_tests!(
    a_token_works_once,
    an_expired_token_grants_nothing,
    purposes_do_not_mix,
    revoked_tokens_are_gone,
    racing_consumers_get_one_success,
);

async fn a_token_works_once(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_token(user, TokenPurpose::ResetPassword, "aa11", at(3600))
        .await
        .unwrap();
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "aa11", at(10))
            .await
            .unwrap(),
        Some(user)
    );
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "aa11", at(11))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "unknown", at(11))
            .await
            .unwrap(),
        None
    );
}

async fn an_expired_token_grants_nothing(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_token(user, TokenPurpose::ResetPassword, "early", at(3600))
        .await
        .unwrap();
    store
        .create_token(user, TokenPurpose::ResetPassword, "late", at(3600))
        .await
        .unwrap();
    // One microsecond before the end still works; the end itself does not.
    let just_before = at(3600) - jiff::SignedDuration::from_micros(1);
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "early", just_before)
            .await
            .unwrap(),
        Some(user)
    );
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "late", at(3600))
            .await
            .unwrap(),
        None
    );
    // And going back in time does not revive it: the attempt used it up.
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "late", at(0))
            .await
            .unwrap(),
        None
    );
}

async fn purposes_do_not_mix(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_token(user, TokenPurpose::VerifyEmail, "v1", at(3600))
        .await
        .unwrap();
    assert_eq!(
        store
            .consume_token(TokenPurpose::ResetPassword, "v1", at(1))
            .await
            .unwrap(),
        None
    );
    // The wrong-purpose attempt did not burn it.
    assert_eq!(
        store
            .consume_token(TokenPurpose::VerifyEmail, "v1", at(2))
            .await
            .unwrap(),
        Some(user)
    );
}

async fn revoked_tokens_are_gone(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    let other = participant(store, "bo@example.org").await;
    for (owner, purpose, hash) in [
        (user, TokenPurpose::ResetPassword, "r1"),
        (user, TokenPurpose::ResetPassword, "r2"),
        (user, TokenPurpose::VerifyEmail, "v1"),
        (other, TokenPurpose::ResetPassword, "r3"),
    ] {
        store
            .create_token(owner, purpose, hash, at(3600))
            .await
            .unwrap();
    }
    store
        .revoke_tokens(user, TokenPurpose::ResetPassword)
        .await
        .unwrap();
    let reset = TokenPurpose::ResetPassword;
    assert_eq!(store.consume_token(reset, "r1", at(1)).await.unwrap(), None);
    assert_eq!(store.consume_token(reset, "r2", at(1)).await.unwrap(), None);
    assert_eq!(
        store.consume_token(reset, "r3", at(1)).await.unwrap(),
        Some(other)
    );
    assert_eq!(
        store
            .consume_token(TokenPurpose::VerifyEmail, "v1", at(1))
            .await
            .unwrap(),
        Some(user)
    );
}

async fn racing_consumers_get_one_success(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "ana@example.org").await;
    store
        .create_token(user, TokenPurpose::ResetPassword, "race", at(3600))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .consume_token(TokenPurpose::ResetPassword, "race", at(1))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        if task.await.unwrap().is_some() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}
