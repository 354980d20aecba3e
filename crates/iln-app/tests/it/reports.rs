//! The report pages' use-case on both backends: a published round's numbers by country,
//! contact and early endings counted per member, a country coordinator's own countries
//! against the whole round, and nothing for participants.

use iln_app::Actor;
use iln_app::reports::{self, Which};
use iln_domain::account::Role;
use iln_domain::contact::ContactWay;
use iln_domain::country::CountryCode;
use iln_domain::report::Order;
use jiff::SignedDuration;

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(a_published_round_reports_each_country_in_the_readers_scope,);

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

async fn a_published_round_reports_each_country_in_the_readers_scope(t: &TestApp) {
    let (round, _) = active_round(t).await;
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    assert_eq!(partnerships.len(), 3);
    // The first pair is in touch on its second day; the second ends early; the third is
    // silent. Two weeks and a day later, two pairs count as having had no contact.
    let start = t.app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut tx = t.store.begin().await.unwrap();
    tx.log_contact(
        partnerships[0].id,
        partnerships[0].members[0].user,
        start.tomorrow().unwrap(),
        ContactWay::Email,
        None,
        t.app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    iln_app::matching::end_partnership(&t.app, &Actor::Cli, partnerships[1].id, "Moved jobs")
        .await
        .unwrap();
    t.clock.advance(SignedDuration::from_hours(15 * 24));

    let all = reports::report(&t.app, &Actor::Cli, Which::Round(round), Order::Name)
        .await
        .unwrap();
    let line = &all.fairness.round;
    assert_eq!((line.applied, line.approved, line.matched), (6, 6, 6));
    assert_eq!((line.members, line.ended_early), (6, 2));
    assert_eq!((line.quiet, line.quiet_known), (4, 6));
    assert_eq!(all.fairness.countries.len(), 6);
    assert_eq!(all.applicants.len(), 6);
    assert_eq!(all.participants.iter().map(|(_, n)| n).sum::<usize>(), 6);
    assert_eq!(all.scores.iter().map(|b| b.count).sum::<usize>(), 3);
    assert_eq!(
        all.contacts_per_week.iter().map(|(_, n)| n).sum::<usize>(),
        1
    );
    assert_eq!(all.sectors.len(), 1);
    assert!(all.scope.is_none());
    assert_eq!(all.round.as_ref().map(|r| r.id), Some(round));

    // One person a country: every rate counts too few people to be marked.
    assert!(all.fairness.countries.iter().all(|c| c.marks.is_empty()));
    let ended: Vec<CountryCode> = partnerships[1].members.iter().map(|m| m.country).collect();
    let early = all
        .fairness
        .countries
        .iter()
        .filter(|c| c.line.ended_early == 1)
        .map(|c| c.country)
        .collect::<Vec<_>>();
    assert_eq!(early.len(), 2);
    assert!(early.iter().all(|c| ended.contains(c)));

    // A coordinator of India sees India only, against the whole round.
    let coordinator = Actor::User {
        id: iln_store::UserId(1),
        role: Role::CountryCoordinator,
        countries: vec![country("IN")],
    };
    let theirs = reports::report(&t.app, &coordinator, Which::Round(round), Order::Worst)
        .await
        .unwrap();
    assert_eq!(theirs.fairness.round.applied, 6);
    assert_eq!(theirs.fairness.countries.len(), 1);
    assert_eq!(theirs.fairness.countries[0].country, country("IN"));
    assert_eq!(theirs.applicants, [(country("IN"), 1)]);
    assert_eq!(theirs.participants, [(country("IN"), 1)]);
    assert_eq!(theirs.sectors.iter().map(|(_, n)| n).sum::<usize>(), 1);
    assert_eq!(theirs.scores.iter().map(|b| b.count).sum::<usize>(), 1);
    assert_eq!(theirs.scope, Some(vec![country("IN")]));

    // Every round together is the same one round here.
    let every = reports::report(&t.app, &Actor::Cli, Which::All, Order::Name)
        .await
        .unwrap();
    assert!(every.round.is_none());
    assert_eq!(every.fairness.round.applied, 6);
    assert_eq!(every.rounds.len(), 1);

    let participant = Actor::User {
        id: iln_store::UserId(1),
        role: Role::Participant,
        countries: Vec::new(),
    };
    assert!(matches!(
        reports::report(&t.app, &participant, Which::Round(round), Order::Worst).await,
        Err(iln_app::AppError::NotFound)
    ));
    assert!(matches!(
        reports::report(
            &t.app,
            &Actor::Cli,
            Which::Round(iln_store::RoundId(999)),
            Order::Worst
        )
        .await,
        Err(iln_app::AppError::NotFound)
    ));
}
