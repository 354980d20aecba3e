//! Accounts: creation, lookup, the unique email, roles with country scopes, passwords.

use iln_domain::account::{DisplayName, Email, NewPassword, Role, hash_password, verify_password};
use iln_domain::country::CountryCode;
use iln_domain::timezone::TimeZoneName;
use iln_store::{NewUser, StoreError, UserId};

use crate::support::{TestDb, at, email, new_user, participant, t0};

crate::store_tests!(
    a_user_round_trips,
    an_email_is_taken_once,
    set_role_replaces_the_country_scope,
    passwords_and_verification_change,
    changing_a_missing_user_is_not_found,
    is_empty_until_the_first_user,
    concurrent_writers_in_two_pools_all_succeed,
    a_row_changed_behind_our_back_is_an_error_not_a_panic,
);

fn cc(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

async fn a_user_round_trips(db: &TestDb) {
    let store = &db.store;
    let address = email("Nomvula@Library.example.org");
    let password = NewPassword::parse("catalogue-otter-lantern", &address).unwrap();
    let new = NewUser {
        email: address.clone(),
        display_name: DisplayName::parse("Nomvula Dlamini").unwrap(),
        password_hash: Some(hash_password(&password)),
        role: Role::CountryCoordinator,
        countries: vec![cc("ZA"), cc("BW"), cc("ZA")],
        email_verified: true,
        time_zone: Some(TimeZoneName::parse("Africa/Johannesburg").unwrap()),
    };
    let id = store.create_user(&new, t0()).await.unwrap();

    let user = store.user(id).await.unwrap().unwrap();
    assert_eq!(user.id, id);
    assert_eq!(user.email.as_str(), "nomvula@library.example.org");
    assert_eq!(user.display_name.as_str(), "Nomvula Dlamini");
    assert_eq!(user.role, Role::CountryCoordinator);
    // Sorted and without the duplicate.
    assert_eq!(user.countries, vec![cc("BW"), cc("ZA")]);
    assert!(user.email_verified);
    assert!(verify_password(
        "catalogue-otter-lantern",
        user.password_hash.as_ref().unwrap()
    ));
    assert_eq!(
        user.time_zone.as_ref().map(TimeZoneName::as_str),
        Some("Africa/Johannesburg")
    );
    assert_eq!(user.created_at, t0());

    assert_eq!(
        store.user_by_email(&address).await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        store
            .user_by_email(&email("nobody@example.org"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.user(UserId(id.0 + 1000)).await.unwrap(), None);

    let other = participant(store, "ana@example.org").await;
    let all = store.list_users().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], user);
    assert_eq!(all[1].id, other);
    assert!(all[1].countries.is_empty());
    assert!(!all[1].email_verified);
    assert_eq!(all[1].password_hash, None);
    assert_eq!(all[1].time_zone, None);
}

async fn an_email_is_taken_once(db: &TestDb) {
    let store = &db.store;
    participant(store, "ana@example.org").await;
    // The same address typed differently is the same address.
    let again = new_user(" ANA@example.org ", Role::Admin);
    let error = store.create_user(&again, at(5)).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "an account with this email already exists"
    );
    assert_eq!(store.list_users().await.unwrap().len(), 1);
}

async fn set_role_replaces_the_country_scope(db: &TestDb) {
    let store = &db.store;
    let id = participant(store, "kofi@example.org").await;
    store
        .set_role(id, Role::CountryCoordinator, &[cc("GH"), cc("NG")])
        .await
        .unwrap();
    let user = store.user(id).await.unwrap().unwrap();
    assert_eq!(user.role, Role::CountryCoordinator);
    assert_eq!(user.countries, vec![cc("GH"), cc("NG")]);

    store
        .set_role(id, Role::CountryCoordinator, &[cc("KE")])
        .await
        .unwrap();
    assert_eq!(
        store.user(id).await.unwrap().unwrap().countries,
        vec![cc("KE")]
    );

    store.set_role(id, Role::Admin, &[]).await.unwrap();
    let user = store.user(id).await.unwrap().unwrap();
    assert_eq!(user.role, Role::Admin);
    assert!(user.countries.is_empty());
}

async fn passwords_and_verification_change(db: &TestDb) {
    let store = &db.store;
    let id = participant(store, "li.wei@example.org").await;
    let address: Email = email("li.wei@example.org");
    let hash = hash_password(&NewPassword::parse("reading-room-lamp", &address).unwrap());
    store.set_password_hash(id, &hash).await.unwrap();
    let user = store.user(id).await.unwrap().unwrap();
    assert!(verify_password(
        "reading-room-lamp",
        user.password_hash.as_ref().unwrap()
    ));
    assert!(!user.email_verified);

    store.mark_email_verified(id, at(60)).await.unwrap();
    store.mark_email_verified(id, at(120)).await.unwrap();
    assert!(store.user(id).await.unwrap().unwrap().email_verified);
}

async fn changing_a_missing_user_is_not_found(db: &TestDb) {
    let store = &db.store;
    let missing = UserId(4242);
    let hash =
        hash_password(&NewPassword::parse("reading-room-lamp", &email("x@example.org")).unwrap());
    assert!(matches!(
        store.set_password_hash(missing, &hash).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.set_role(missing, Role::Admin, &[]).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.mark_email_verified(missing, t0()).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn is_empty_until_the_first_user(db: &TestDb) {
    let store = &db.store;
    assert!(store.is_empty().await.unwrap());
    participant(store, "first@example.org").await;
    assert!(!store.is_empty().await.unwrap());
    store.ping().await.unwrap();
}

async fn concurrent_writers_in_two_pools_all_succeed(db: &TestDb) {
    // Two stores on one database stand for two processes (the server and `iln admin`, or two
    // app servers). On SQLite their writers must wait for each other (the busy timeout)
    // rather than fail with "database is locked".
    let other = iln_store::Store::connect(&db.url).await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..24 {
        let store = if n % 2 == 0 {
            db.store.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            let id = participant(&store, &format!("writer{n}@example.org")).await;
            store
                .set_role(id, Role::CountryCoordinator, &[cc("GH"), cc("KE")])
                .await
                .unwrap();
            store.mark_email_verified(id, at(n)).await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let users = db.store.list_users().await.unwrap();
    assert_eq!(users.len(), 24);
    assert!(
        users
            .iter()
            .all(|u| u.email_verified && u.countries.len() == 2)
    );
    other.close().await;
}

async fn a_row_changed_behind_our_back_is_an_error_not_a_panic(db: &TestDb) {
    use sqlx::{Connection, Executor};
    let store = &db.store;
    let id = participant(store, "ana@example.org").await;
    let mut raw = db.raw().await;
    raw.execute(sqlx::AssertSqlSafe(format!(
        "UPDATE users SET email = 'not an email', password_hash = 'plaintext' WHERE id = {}",
        id.0
    )))
    .await
    .unwrap();
    raw.close().await.unwrap();
    let error = store.user(id).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error:?}");
    assert!(store.list_users().await.is_err());
}
