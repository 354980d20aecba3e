//! Rounds: settings as one document, state changes (plain and compare-and-set), interests.

use iln_domain::application::InterestCatalogue;
use iln_domain::round::{Cause, RoundForm, RoundSettings, RoundState, Transition};
use iln_store::{RoundId, StoreError};
use sqlx::{Connection, Executor};

use crate::support::{TestDb, at};

crate::store_tests!(
    a_round_round_trips_and_lists_newest_first,
    settings_and_interests_change,
    a_transition_is_recorded_once,
    a_missing_round_is_not_found,
    an_unreadable_round_is_named_in_the_listing_not_fatal,
);

/// Valid settings named `name`, applications open in January 2027.
pub fn settings(name: &str) -> RoundSettings {
    RoundSettings::parse(&RoundForm {
        name: name.to_owned(),
        time_zone: "Europe/London".to_owned(),
        opens: "2027-01-04".to_owned(),
        closes: "2027-01-31".to_owned(),
        matching: "2027-02-07".to_owned(),
        starts: "2027-02-15".to_owned(),
        languages: "en; fr".to_owned(),
        country_cap: "25".to_owned(),
        ..RoundForm::default()
    })
    .unwrap()
}

async fn a_round_round_trips_and_lists_newest_first(db: &TestDb) {
    let store = &db.store;
    let first = store
        .create_round(&settings("2026/2027 Round 1"), at(1))
        .await
        .unwrap();
    let second = store
        .create_round(&settings("2026/2027 Round 2"), at(2))
        .await
        .unwrap();
    let stored = store.round(first).await.unwrap().unwrap();
    assert_eq!(stored.id, first);
    assert_eq!(stored.round.settings, settings("2026/2027 Round 1"));
    assert_eq!(stored.round.state, RoundState::Draft);
    assert_eq!(stored.interests, InterestCatalogue::default_topics());
    assert_eq!(stored.created_at, at(1));
    assert_eq!(stored.updated_at, at(1));

    let ids: Vec<RoundId> = store
        .list_rounds()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, vec![second, first]);
}

async fn settings_and_interests_change(db: &TestDb) {
    let store = &db.store;
    let id = store.create_round(&settings("Round"), at(1)).await.unwrap();
    store
        .update_round_settings(id, &settings("Renamed round"), at(2))
        .await
        .unwrap();
    let interests = InterestCatalogue::new(["Open access", "disaster  response"]).unwrap();
    store
        .update_round_interests(id, &interests, at(3))
        .await
        .unwrap();
    store
        .set_round_state(id, RoundState::Review, at(4))
        .await
        .unwrap();
    let stored = store.round(id).await.unwrap().unwrap();
    assert_eq!(stored.round.settings.name.as_str(), "Renamed round");
    assert_eq!(stored.interests, interests);
    assert_eq!(stored.round.state, RoundState::Review);
    assert_eq!(stored.updated_at, at(4));
}

async fn a_transition_is_recorded_once(db: &TestDb) {
    let store = &db.store;
    let id = store.create_round(&settings("Round"), at(1)).await.unwrap();
    let open = Transition {
        from: RoundState::Draft,
        to: RoundState::Open,
        cause: Cause::Date,
        at: at(5),
    };
    assert!(store.record_transition(id, &open).await.unwrap());
    // The second request that saw the same date loses the race and does nothing.
    assert!(!store.record_transition(id, &open).await.unwrap());
    let stored = store.round(id).await.unwrap().unwrap();
    assert_eq!(stored.round.state, RoundState::Open);
    assert_eq!(stored.updated_at, at(5));
}

async fn a_missing_round_is_not_found(db: &TestDb) {
    let store = &db.store;
    assert!(store.round(RoundId(99)).await.unwrap().is_none());
    let error = store
        .set_round_state(RoundId(99), RoundState::Open, at(1))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::NotFound(_)), "{error:?}");
}

/// Settings saved by a later release (a format version this one does not read) make that one
/// round unreadable: its own page gets the error, lists show the others and name it.
async fn an_unreadable_round_is_named_in_the_listing_not_fatal(db: &TestDb) {
    let store = &db.store;
    let old = store
        .create_round(&settings("2026/2027 Round 1"), at(1))
        .await
        .unwrap();
    let newer = store
        .create_round(&settings("2026/2027 Round 2"), at(2))
        .await
        .unwrap();
    let mut raw = db.raw().await;
    raw.execute(
        sqlx::query("UPDATE rounds SET settings = $1 WHERE id = $2")
            .bind(r#"{"v":99,"data":{"name":"from the future"}}"#)
            .bind(newer.0),
    )
    .await
    .unwrap();
    raw.close().await.unwrap();
    let one = store.round(newer).await;
    assert!(matches!(one, Err(StoreError::Unreadable { .. })), "{one:?}");
    let listing = store.round_listing().await.unwrap();
    assert_eq!(
        listing.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![old]
    );
    assert_eq!(listing.unreadable.len(), 1);
    let unreadable = &listing.unreadable[0];
    assert_eq!(unreadable.what, format!("round {newer}'s settings"));
    assert!(
        unreadable.reason.contains("format 99"),
        "{}",
        unreadable.reason
    );
    // The newest first: the unreadable round stood first in the list.
    assert_eq!(unreadable.position, 0);
    assert_eq!(
        store
            .list_rounds()
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![old]
    );
}
