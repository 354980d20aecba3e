//! A round's never-pair list, locks (a person in at most one) and recorded runs.

use std::collections::BTreeSet;

use iln_domain::account::{DisplayName, Role};
use iln_domain::application::{Application, CommunicationWay, LanguageCode, MatchPreference};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::proposal::{self, Applicant, MatchMode, MatchRequest};
use iln_domain::round::{LeftoverPolicy, RoundForm, RoundSettings};
use iln_domain::scoring::{History, Weights};
use iln_domain::timezone::TimeZoneName;
use iln_store::{
    ApplicationId, MatchOptions, MatchRunKind, NewMatchRun, RoundId, Store, StoreError, UserId,
};

use crate::support::{TestDb, at, email, new_user};

crate::store_tests!(
    the_never_pair_list_ignores_order_and_repeats,
    locking_replaces_earlier_locks_of_the_same_people,
    runs_round_trip_newest_first,
);

/// A round with valid settings.
pub async fn round(store: &Store) -> RoundId {
    let settings = RoundSettings::parse(&RoundForm {
        name: "2026/2027 Round 1".to_owned(),
        time_zone: "UTC".to_owned(),
        opens: "2027-01-04".to_owned(),
        closes: "2027-01-31".to_owned(),
        matching: "2027-02-07".to_owned(),
        starts: "2027-02-15".to_owned(),
        ..RoundForm::default()
    })
    .unwrap();
    store.create_round(&settings, at(0)).await.unwrap()
}

/// A valid application from person `n` of `country`.
pub fn answers(n: usize, country: &str, sector: Sector) -> Application {
    Application {
        name: DisplayName::parse(&format!("Person {n}")).unwrap(),
        email: email(&format!("person{n}@example.org")),
        country: CountryCode::parse(country).unwrap(),
        city: "Town".to_owned(),
        time_zone: TimeZoneName::parse("UTC").unwrap(),
        institution: format!("Library {n}"),
        sector,
        role: "Librarian".to_owned(),
        career_stage: CareerStage::Mid,
        interests: BTreeSet::new(),
        other_interests: String::new(),
        languages: BTreeSet::from([LanguageCode::english()]),
        communication: BTreeSet::from([CommunicationWay::parse("email").unwrap()]),
        preference: MatchPreference::parse("any").unwrap(),
        goals: "Learn".to_owned(),
        offer: "Share".to_owned(),
    }
}

/// An account and its application to `round`.
pub async fn applicant(
    store: &Store,
    round: RoundId,
    n: usize,
    country: &str,
) -> (UserId, ApplicationId) {
    let user = store
        .create_user(
            &new_user(&format!("person{n}@example.org"), Role::Participant),
            at(0),
        )
        .await
        .unwrap();
    let id = store
        .submit_application(round, user, &answers(n, country, Sector::Academic), at(1))
        .await
        .unwrap();
    (user, id)
}

async fn the_never_pair_list_ignores_order_and_repeats(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let (_, a) = applicant(store, round, 1, "KE").await;
    let (_, b) = applicant(store, round, 2, "BR").await;
    let (_, c) = applicant(store, round, 3, "IN").await;
    store.forbid_pair(round, b, a, None, at(2)).await.unwrap();
    store.forbid_pair(round, a, b, None, at(3)).await.unwrap();
    store.forbid_pair(round, c, a, None, at(3)).await.unwrap();
    assert_eq!(
        store.forbidden_pairs(round).await.unwrap(),
        vec![(a, b), (a, c)]
    );
    assert!(matches!(
        store.forbid_pair(round, a, a, None, at(3)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.allow_pair(round, c, a).await.unwrap());
    assert!(!store.allow_pair(round, c, a).await.unwrap());
    assert_eq!(store.forbidden_pairs(round).await.unwrap(), vec![(a, b)]);
    // Another round's list is its own.
    let other = self::round(store).await;
    assert!(store.forbidden_pairs(other).await.unwrap().is_empty());
}

async fn locking_replaces_earlier_locks_of_the_same_people(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let mut ids = Vec::new();
    for (n, country) in ["KE", "BR", "IN", "FR"].into_iter().enumerate() {
        ids.push(applicant(store, round, n, country).await.1);
    }
    let [a, b, c, d] = ids[..] else { panic!() };
    store
        .lock_pairs(round, &[(b, a), (c, d)], None, at(2))
        .await
        .unwrap();
    assert_eq!(
        store.locked_pairs(round).await.unwrap(),
        vec![(a, b), (c, d)]
    );
    // A swap: a with d and b with c replaces both earlier locks.
    store
        .lock_pairs(round, &[(a, d), (b, c)], None, at(3))
        .await
        .unwrap();
    assert_eq!(
        store.locked_pairs(round).await.unwrap(),
        vec![(a, d), (b, c)]
    );
    // Locking a with c releases d and b too.
    store
        .lock_pairs(round, &[(a, c)], None, at(4))
        .await
        .unwrap();
    assert_eq!(store.locked_pairs(round).await.unwrap(), vec![(a, c)]);
    // One person twice in one request is refused, and nothing changes.
    assert!(matches!(
        store
            .lock_pairs(round, &[(a, b), (b, d)], None, at(5))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.unlock_pair(round, c, a).await.unwrap());
    assert!(store.locked_pairs(round).await.unwrap().is_empty());
}

async fn runs_round_trip_newest_first(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let admin = store
        .create_user(&new_user("admin@example.org", Role::Admin), at(0))
        .await
        .unwrap();
    let applicants: Vec<Applicant> = ["KE", "BR", "IN", "FR"]
        .into_iter()
        .enumerate()
        .map(|(n, country)| Applicant {
            id: n.to_string(),
            name: format!("Person {n}"),
            profile: answers(n, country, Sector::Public).match_profile(History::default()),
            previous_partners: BTreeSet::new(),
        })
        .collect();
    let request = MatchRequest {
        applicants,
        weights: Weights::default(),
        program_languages: BTreeSet::new(),
        round_start: at(0),
        leftover: LeftoverPolicy::Trio,
        mode: MatchMode::Fairness,
        locks: Vec::new(),
        forbidden: Vec::new(),
        priority: BTreeSet::new(),
    };
    let proposal = proposal::run(&request).unwrap();
    let options = MatchOptions {
        weights: Weights::default(),
        languages: BTreeSet::from([LanguageCode::english()]),
        mode: MatchMode::Fairness,
        leftover: LeftoverPolicy::NextRound,
    };
    let first = store
        .save_match_run(
            &NewMatchRun {
                round,
                kind: MatchRunKind::Round,
                run_by: Some(admin),
                options: &options,
                proposal: &proposal,
            },
            at(10),
        )
        .await
        .unwrap();
    let second = store
        .save_match_run(
            &NewMatchRun {
                round,
                kind: MatchRunKind::Round,
                run_by: None,
                options: &options,
                proposal: &proposal,
            },
            at(11),
        )
        .await
        .unwrap();
    let stored = store.match_run(first).await.unwrap().unwrap();
    assert_eq!(stored.proposal, proposal);
    assert_eq!(stored.options, options);
    assert_eq!(stored.run_by, Some(admin));
    assert_eq!(stored.created_at, at(10));
    assert_eq!(stored.kind, MatchRunKind::Round);
    let latest = store
        .latest_match_runs(round, MatchRunKind::Round, 2)
        .await
        .unwrap();
    assert_eq!(
        latest.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    assert_eq!(
        store
            .count_match_runs(round, MatchRunKind::Round)
            .await
            .unwrap(),
        2
    );
    assert!(
        store
            .latest_match_runs(round, MatchRunKind::Rematch, 2)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_applicant_carries_history_and_previous_partners_by_application() {
    use std::collections::BTreeMap;

    use iln_domain::country::CountryCode;
    use iln_store::{ApplicationRecord, PastPartners, matching_applicant};

    let record = |id: i64, user: i64, country: &str| ApplicationRecord {
        id: ApplicationId(id),
        round: RoundId(1),
        user: UserId(user),
        application: answers(usize::try_from(id).unwrap(), country, Sector::Public),
        status: iln_store::ApplicationStatus::Approved,
        submitted_at: at(0),
        updated_at: at(0),
        decided_at: None,
        decision_message: None,
        duplicate_of: None,
        duplicate_reason: None,
        duplicate_kept: false,
        carried_from: None,
        consent: iln_domain::commitments::Consent::current(at(0)),
    };
    let (me, partner, stranger) = (
        record(10, 1, "KE"),
        record(20, 2, "BR"),
        record(30, 3, "IN"),
    );
    let mut history = History::default();
    history.countries.insert(CountryCode::parse("BR").unwrap());
    history.sectors.insert(Sector::Public);
    let past = BTreeMap::from([(
        UserId(1),
        PastPartners {
            // User 4 was a partner too, but is not in this run.
            partners: BTreeSet::from([UserId(2), UserId(4)]),
            history: history.clone(),
        },
    )]);
    let by_user: BTreeMap<UserId, ApplicationId> = [&me, &partner, &stranger]
        .iter()
        .map(|r| (r.user, r.id))
        .collect();
    let applicant = matching_applicant(&me, &past, &by_user, &BTreeSet::new());
    assert_eq!(applicant.id, "10");
    assert_eq!(applicant.name, "Person 10");
    assert_eq!(applicant.profile.history, history);
    assert_eq!(
        applicant.previous_partners,
        BTreeSet::from(["20".to_owned()])
    );
    // In a re-match the partner they are locked with is not a "previous" partner.
    let ignoring = matching_applicant(&me, &past, &by_user, &BTreeSet::from([UserId(2)]));
    assert!(ignoring.previous_partners.is_empty());
    // Someone without history has none.
    let fresh = matching_applicant(&stranger, &past, &by_user, &BTreeSet::new());
    assert!(fresh.profile.history.is_empty() && fresh.previous_partners.is_empty());
}
