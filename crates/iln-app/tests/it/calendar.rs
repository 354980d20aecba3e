//! Calendar feeds on both backends: a partnered participant's feed has their round's dates
//! and its topics at the hour they reach them; replacing the address is audited and the old
//! one stops at once; someone not signed in has no feed to make.

use iln_app::calendar::{self, Item};
use iln_app::{Actor, AppError};
use iln_domain::account::Role;

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(a_partnered_participant_s_feed_has_dates_and_a_replaced_one_stops,);

async fn a_partnered_participant_s_feed_has_dates_and_a_replaced_one_stops(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let record = t.store.application(readers[0].0).await.unwrap().unwrap();
    let reader = Actor::User {
        id: record.user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    assert_eq!(calendar::token_of(&t.app, &reader).await.unwrap(), None);
    let token = calendar::replace(&t.app, &reader).await.unwrap();
    let feed = calendar::feed(&t.app, &token).await.unwrap();
    let milestones = feed
        .items
        .iter()
        .filter(|i| matches!(i, Item::Milestone { round: r, .. } if *r == round))
        .count();
    assert_eq!(milestones, 5, "{:?}", feed.items);
    let log = t.store.list_audit(3, 0).await.unwrap();
    assert!(log.iter().any(|e| e.action == "calendar.replace"));

    let newer = calendar::replace(&t.app, &reader).await.unwrap();
    assert_ne!(newer, token);
    assert!(matches!(
        calendar::feed(&t.app, &token).await,
        Err(AppError::NotFound)
    ));
    assert!(calendar::feed(&t.app, &newer).await.is_ok());
    assert!(matches!(
        calendar::replace(&t.app, &Actor::Anonymous).await,
        Err(AppError::Forbidden)
    ));
}
