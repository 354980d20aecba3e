//! Published partnerships: created once per round, ended once, trios by adding a member, and
//! the history matching reads back (previous partners, countries and sectors already met).

use iln_domain::country::CountryCode;
use iln_domain::profile::Sector;
use iln_store::{
    NewPartnership, NewPartnershipMember, PartnerProfile, RoundId, StoreError, UserId,
};

use crate::matching::{applicant, round};
use crate::support::{TestDb, at};

crate::store_tests!(
    partnerships_round_trip_and_publish_once,
    ending_is_recorded_once,
    history_counts_every_past_partner,
    a_third_member_joins_a_running_pair,
    thousands_of_partnerships_keep_their_members_in_one_transaction,
    contacts_are_counted_by_first_day_and_by_day_in_scope,
    summaries_carry_what_the_reports_count,
);

fn member(user: UserId, country: &str, sector: Sector) -> NewPartnershipMember {
    NewPartnershipMember {
        user,
        application: None,
        country: CountryCode::parse(country).unwrap(),
        sector,
        profile: PartnerProfile {
            name: format!("Person {user}"),
            email: format!("person{user}@example.org"),
            country: country.to_owned(),
            languages: vec!["English".to_owned()],
            ..PartnerProfile::default()
        },
    }
}

fn pair(round: RoundId, a: NewPartnershipMember, b: NewPartnershipMember) -> NewPartnership {
    NewPartnership {
        round,
        run: None,
        score: 42,
        explanation: "you both work in academic libraries".to_owned(),
        members: vec![a, b],
    }
}

async fn partnerships_round_trip_and_publish_once(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let (ua, a) = applicant(store, round, 1, "KE").await;
    let (ub, _) = applicant(store, round, 2, "BR").await;
    let mut first = member(ua, "KE", Sector::Academic);
    first.application = Some(a);
    let ids = store
        .create_partnerships(
            &[pair(round, first, member(ub, "BR", Sector::Public))],
            true,
            at(5),
        )
        .await
        .unwrap();
    let stored = store.partnership(ids[0]).await.unwrap().unwrap();
    assert_eq!(stored.round, round);
    assert_eq!(stored.score, 42);
    assert!(stored.is_running());
    assert_eq!(stored.created_at, at(5));
    assert_eq!(stored.members.len(), 2);
    assert_eq!(stored.members[0].user, ua);
    assert_eq!(stored.members[0].application, Some(a));
    assert_eq!(stored.members[1].sector, Sector::Public);
    assert_eq!(
        stored.members[1].profile.email,
        format!("person{ub}@example.org")
    );
    assert_eq!(
        stored.partners_of(ua).map(|m| m.user).collect::<Vec<_>>(),
        vec![ub]
    );
    assert_eq!(
        store.round_partnerships(round).await.unwrap(),
        vec![stored.clone()]
    );
    assert_eq!(store.partnerships_of(ub).await.unwrap(), vec![stored]);

    // Publishing the same round again is refused and adds nothing.
    let again = store
        .create_partnerships(
            &[pair(
                round,
                member(ua, "KE", Sector::Academic),
                member(ub, "BR", Sector::Public),
            )],
            true,
            at(6),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    assert_eq!(store.round_partnerships(round).await.unwrap().len(), 1);
    assert!(
        store
            .partnership(iln_store::PartnershipId(999))
            .await
            .unwrap()
            .is_none()
    );
}

async fn ending_is_recorded_once(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let (ua, _) = applicant(store, round, 1, "KE").await;
    let (ub, _) = applicant(store, round, 2, "BR").await;
    let id = store
        .create_partnerships(
            &[pair(
                round,
                member(ua, "KE", Sector::Academic),
                member(ub, "BR", Sector::Public),
            )],
            true,
            at(5),
        )
        .await
        .unwrap()[0];
    store
        .end_partnership(id, Some(ua), "moved to a new job", at(9))
        .await
        .unwrap();
    let ended = store.partnership(id).await.unwrap().unwrap();
    assert!(!ended.is_running());
    let ending = ended.ended.unwrap();
    assert_eq!(ending.at, at(9));
    assert_eq!(ending.by, Some(ua));
    assert_eq!(ending.reason, "moved to a new job");
    assert!(matches!(
        store.end_partnership(id, None, "again", at(10)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .end_partnership(iln_store::PartnershipId(999), None, "x", at(10))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn history_counts_every_past_partner(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let (ua, _) = applicant(store, round, 1, "KE").await;
    let (ub, _) = applicant(store, round, 2, "BR").await;
    let (uc, _) = applicant(store, round, 3, "IN").await;
    assert!(store.previous_partners(ua).await.unwrap().is_empty());
    assert!(store.partner_history(ua).await.unwrap().is_empty());
    let ids = store
        .create_partnerships(
            &[pair(
                round,
                member(ua, "KE", Sector::Academic),
                member(ub, "BR", Sector::Public),
            )],
            true,
            at(5),
        )
        .await
        .unwrap();
    // An ended partnership still counts: the rule is never the same partner twice.
    store
        .end_partnership(ids[0], None, "no reply", at(6))
        .await
        .unwrap();
    let later = self::round(store).await;
    store
        .create_partnerships(
            &[pair(
                later,
                member(ua, "KE", Sector::Academic),
                member(uc, "IN", Sector::School),
            )],
            true,
            at(7),
        )
        .await
        .unwrap();
    assert_eq!(store.previous_partners(ua).await.unwrap(), vec![ub, uc]);
    assert_eq!(store.previous_partners(ub).await.unwrap(), vec![ua]);
    let history = store.partner_history(ua).await.unwrap();
    assert_eq!(
        history
            .countries
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        vec!["BR", "IN"]
    );
    assert_eq!(
        history.sectors.into_iter().collect::<Vec<_>>(),
        vec![Sector::Public, Sector::School]
    );
    let all = store.all_past_partners().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[&ua].partners.iter().copied().collect::<Vec<_>>(),
        vec![ub, uc]
    );
    assert_eq!(all[&uc].history, store.partner_history(uc).await.unwrap());
}

async fn a_third_member_joins_a_running_pair(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let (ua, _) = applicant(store, round, 1, "KE").await;
    let (ub, _) = applicant(store, round, 2, "BR").await;
    let (uc, _) = applicant(store, round, 3, "IN").await;
    let id = store
        .create_partnerships(
            &[pair(
                round,
                member(ua, "KE", Sector::Academic),
                member(ub, "BR", Sector::Public),
            )],
            true,
            at(5),
        )
        .await
        .unwrap()[0];
    store
        .add_partnership_member(id, &member(uc, "IN", Sector::School), 100, "a trio")
        .await
        .unwrap();
    let trio = store.partnership(id).await.unwrap().unwrap();
    assert_eq!(
        trio.members.iter().map(|m| m.user).collect::<Vec<_>>(),
        vec![ua, ub, uc]
    );
    assert_eq!(trio.score, 100);
    assert_eq!(trio.explanation, "a trio");
    store
        .end_partnership(id, None, "over", at(6))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_partnership_member(id, &member(uc, "IN", Sector::School), 1, "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// More partnerships and members than one statement carries, so the chunk boundaries and
/// the ids taken ahead are exercised: each partnership gets exactly its own members, in
/// order, and a later insert of the usual kind does not collide with the ids taken.
async fn thousands_of_partnerships_keep_their_members_in_one_transaction(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let (ua, _) = applicant(store, round, 1, "KE").await;
    let (ub, _) = applicant(store, round, 2, "BR").await;
    let many: Vec<NewPartnership> = (0..1_203)
        .map(|i| {
            let (first, second) = if i % 2 == 0 { (ua, ub) } else { (ub, ua) };
            NewPartnership {
                round,
                run: None,
                score: i,
                explanation: format!("partnership {i}"),
                members: vec![
                    member(first, "KE", Sector::Academic),
                    member(second, "BR", Sector::Public),
                ],
            }
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    let ids = tx.create_partnerships(&many, true, at(5)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(ids.len(), many.len());
    let stored = store.round_partnerships(round).await.unwrap();
    assert_eq!(stored.len(), many.len());
    for ((id, new), record) in ids.iter().zip(&many).zip(&stored) {
        assert_eq!(record.id, *id);
        assert_eq!(record.score, new.score);
        assert_eq!(record.explanation, new.explanation);
        assert_eq!(
            record.members.iter().map(|m| m.user).collect::<Vec<_>>(),
            new.members.iter().map(|m| m.user).collect::<Vec<_>>()
        );
    }
    // The database's own numbering carries on after the ids taken ahead.
    let later = store
        .create_partnerships(
            &[pair(
                round,
                member(ua, "KE", Sector::Academic),
                member(ub, "BR", Sector::Public),
            )],
            false,
            at(6),
        )
        .await
        .unwrap();
    assert!(later[0] > ids[ids.len() - 1]);
    assert_eq!(store.round_partnerships(round).await.unwrap().len(), 1_204);

    // A transaction that fails after the partnerships leaves none of them.
    let other = crate::matching::round(store).await;
    let mut tx = store.begin().await.unwrap();
    let batch: Vec<NewPartnership> = many
        .iter()
        .take(3)
        .map(|p| NewPartnership {
            round: other,
            ..p.clone()
        })
        .collect();
    tx.create_partnerships(&batch, true, at(7)).await.unwrap();
    tx.rollback().await.unwrap();
    assert!(store.round_partnerships(other).await.unwrap().is_empty());
}

async fn contacts_are_counted_by_first_day_and_by_day_in_scope(db: &TestDb) {
    use iln_domain::contact::ContactWay;
    use iln_store::PeopleScope;
    use jiff::civil::date;

    let store = &db.store;
    let round = round(store).await;
    let (ua, _) = applicant(store, round, 1, "KE").await;
    let (ub, _) = applicant(store, round, 2, "BR").await;
    let (uc, _) = applicant(store, round, 3, "IN").await;
    let (ud, _) = applicant(store, round, 4, "FR").await;
    let ids = store
        .create_partnerships(
            &[
                pair(
                    round,
                    member(ua, "KE", Sector::Academic),
                    member(ub, "BR", Sector::Public),
                ),
                pair(
                    round,
                    member(uc, "IN", Sector::Academic),
                    member(ud, "FR", Sector::Public),
                ),
            ],
            true,
            at(5),
        )
        .await
        .unwrap();
    let none = store
        .contact_counts(round, &PeopleScope::All)
        .await
        .unwrap();
    assert!(none.first.is_empty() && none.per_day.is_empty());
    let mut tx = store.begin().await.unwrap();
    for (id, by, day) in [
        (ids[0], ua, date(2026, 3, 9)),
        (ids[0], ub, date(2026, 3, 2)),
        (ids[0], ua, date(2026, 3, 9)),
        (ids[1], uc, date(2026, 3, 9)),
    ] {
        tx.log_contact(id, by, day, ContactWay::Email, None, at(6))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let all = store
        .contact_counts(round, &PeopleScope::All)
        .await
        .unwrap();
    assert_eq!(all.first.get(&ids[0]), Some(&date(2026, 3, 2)));
    assert_eq!(all.first.get(&ids[1]), Some(&date(2026, 3, 9)));
    let mut per_day = all.per_day.clone();
    per_day.sort();
    assert_eq!(per_day, [(date(2026, 3, 2), 1), (date(2026, 3, 9), 3)]);
    // Kenya's coordinator counts the contacts of Kenya's partnership only; the first days
    // are every partnership's, as the fairness report compares with the whole round.
    let kenya = PeopleScope::Countries(vec![CountryCode::parse("KE").unwrap()]);
    let theirs = store.contact_counts(round, &kenya).await.unwrap();
    let mut per_day = theirs.per_day.clone();
    per_day.sort();
    assert_eq!(per_day, [(date(2026, 3, 2), 1), (date(2026, 3, 9), 2)]);
    assert_eq!(theirs.first.len(), 2);
    let nobody = PeopleScope::Countries(Vec::new());
    assert!(
        store
            .contact_counts(round, &nobody)
            .await
            .unwrap()
            .per_day
            .is_empty()
    );
    // Another round's contacts are not counted.
    let other = crate::matching::round(store).await;
    assert!(
        store
            .contact_counts(other, &PeopleScope::All)
            .await
            .unwrap()
            .first
            .is_empty()
    );
}

async fn summaries_carry_what_the_reports_count(db: &TestDb) {
    use iln_domain::profile::CareerStage;
    use iln_store::ApplicationStatus;

    let store = &db.store;
    let round = round(store).await;
    let (ua, a) = applicant(store, round, 1, "KE").await;
    let (ub, b) = applicant(store, round, 2, "BR").await;
    store
        .set_application_status(b, ApplicationStatus::Declined, None, at(2))
        .await
        .unwrap();
    let (_, c) = applicant(store, round, 3, "KE").await;
    store
        .set_application_status(c, ApplicationStatus::Approved, None, at(2))
        .await
        .unwrap();
    let ke = CountryCode::parse("KE").unwrap();
    let br = CountryCode::parse("BR").unwrap();
    let stage = store
        .application(a)
        .await
        .unwrap()
        .unwrap()
        .application
        .career_stage;
    let mut first = member(ua, "KE", Sector::Academic);
    first.application = Some(a);
    let ids = store
        .create_partnerships(
            &[pair(round, first, member(ub, "BR", Sector::Public))],
            true,
            at(5),
        )
        .await
        .unwrap();
    store
        .end_partnership(ids[0], Some(ua), "Moved away", at(9))
        .await
        .unwrap();
    let summaries = store.partnership_summaries(round).await.unwrap();
    assert_eq!(summaries.len(), 1);
    let s = &summaries[0];
    assert_eq!((s.id, s.score, s.created_at), (ids[0], 42, at(5)));
    assert_eq!(s.ended, Some((at(9), Some(ua), "Moved away".to_owned())));
    let mut countries = s.members.clone();
    countries.sort();
    assert_eq!(countries, [br, ke]);

    // Counted by country: the one in the partnership apart from the rest; the approved one
    // in none is left over.
    let mut counts = store.application_counts(round).await.unwrap();
    counts.by_status.sort();
    assert_eq!(
        counts.by_status,
        [
            (br, ApplicationStatus::Declined, false, 1),
            (ke, ApplicationStatus::Submitted, true, 1),
            (ke, ApplicationStatus::Approved, false, 1),
        ]
    );
    counts.by_sector.sort();
    assert_eq!(
        counts.by_sector,
        [(br, Sector::Academic, 1), (ke, Sector::Academic, 2)]
    );
    // Every test applicant is mid career.
    counts.by_career_stage.sort();
    assert_eq!(stage, CareerStage::Mid);
    assert_eq!(
        counts.by_career_stage,
        [(br, CareerStage::Mid, 1), (ke, CareerStage::Mid, 2)]
    );
    assert_eq!(counts.left_over, [(c, ke)]);
}
