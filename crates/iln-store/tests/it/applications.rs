//! Applications: submitting, editing, decisions, scoped lists and filters, duplicate flags,
//! the country cap's deferrals, carrying them over, and notes.

use iln_domain::application::{Application, ApplicationForm, DuplicateReason, InterestCatalogue};
use iln_domain::country::CountryCode;
use iln_domain::profile::Sector;
use iln_domain::round::CountryCap;
use iln_store::{
    ApplicationFilter, ApplicationId, ApplicationStatus, PeopleScope, RoundId, Store, StoreError,
    UserId,
};

use crate::rounds::settings;
use crate::support::{TestDb, at, participant};

crate::store_tests!(
    an_application_round_trips_and_edits,
    one_application_per_person_and_round,
    decisions_keep_their_message,
    lists_filter_by_scope_status_sector_and_duplicates,
    duplicates_are_flagged_kept_and_merged,
    the_country_cap_defers_the_latest_and_they_carry_over,
    notes_and_endorsements,
    flags_follow_an_email_shared_across_countries,
    the_consent_is_stored_with_its_version_and_time,
);

/// A valid form for a person called `name` from `country`.
pub fn form(name: &str, email: &str, country: &str) -> ApplicationForm {
    ApplicationForm {
        name: name.to_owned(),
        email: email.to_owned(),
        country: country.to_owned(),
        city: "Capital".to_owned(),
        institution: format!("{name} Library"),
        sector: "academic".to_owned(),
        role: "Librarian".to_owned(),
        career_stage: "early".to_owned(),
        interests: vec!["Open access".to_owned(), "Social media".to_owned()],
        languages: vec!["en".to_owned()],
        communication: vec!["email".to_owned()],
        match_preference: "any".to_owned(),
        goals: "Learn how others run outreach".to_owned(),
        consent: "on".to_owned(),
        ..ApplicationForm::default()
    }
}

pub fn application(form: &ApplicationForm) -> Application {
    Application::parse(form, &InterestCatalogue::default_topics()).unwrap()
}

async fn apply(
    store: &Store,
    round: RoundId,
    n: i64,
    name: &str,
    country: &str,
) -> (UserId, ApplicationId) {
    let address = format!("person{n}@example.org");
    let user = participant(store, &address).await;
    let id = store
        .submit_application(
            round,
            user,
            &application(&form(name, &address, country)),
            at(n),
        )
        .await
        .unwrap();
    (user, id)
}

fn cc(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

async fn an_application_round_trips_and_edits(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let (user, id) = apply(store, round, 1, "Ama Owusu", "GH").await;
    let stored = store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.round, round);
    assert_eq!(stored.user, user);
    assert_eq!(stored.status, ApplicationStatus::Submitted);
    assert_eq!(
        stored.application,
        application(&form("Ama Owusu", "person1@example.org", "GH"))
    );
    assert_eq!(stored.submitted_at, at(1));
    assert!(stored.decided_at.is_none());
    assert!(!stored.is_flagged_duplicate());

    let mut changed = form("Ama Owusu", "person1@example.org", "GH");
    changed.city = "Kumasi".to_owned();
    store
        .update_application(id, &application(&changed), at(9))
        .await
        .unwrap();
    let stored = store.application_of(round, user).await.unwrap().unwrap();
    assert_eq!(stored.application.city, "Kumasi");
    assert_eq!(stored.updated_at, at(9));
    assert_eq!(stored.submitted_at, at(1));

    // The latest application fills in the next form, even after the round's list changed.
    store
        .update_round_interests(round, &InterestCatalogue::new(["cats"]).unwrap(), at(10))
        .await
        .unwrap();
    let latest = store.latest_application_of(user).await.unwrap().unwrap();
    assert_eq!(latest.id, id);
    assert_eq!(latest.application.interests.len(), 2);
    assert!(
        store
            .latest_application_of(UserId(999))
            .await
            .unwrap()
            .is_none()
    );
}

async fn one_application_per_person_and_round(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let (user, _) = apply(store, round, 1, "Ama Owusu", "GH").await;
    let again = store
        .submit_application(
            round,
            user,
            &application(&form("Ama Owusu", "person1@example.org", "GH")),
            at(2),
        )
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
}

async fn decisions_keep_their_message(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let (_, id) = apply(store, round, 1, "Ama Owusu", "GH").await;
    store
        .set_application_status(id, ApplicationStatus::Approved, Some(" Welcome! "), at(5))
        .await
        .unwrap();
    let stored = store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.status, ApplicationStatus::Approved);
    assert_eq!(stored.decided_at, Some(at(5)));
    assert_eq!(stored.decision_message.as_deref(), Some("Welcome!"));

    // Withdrawing is not a decision: the earlier decision's time and message stay.
    store
        .set_application_status(id, ApplicationStatus::Withdrawn, None, at(6))
        .await
        .unwrap();
    let stored = store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.status, ApplicationStatus::Withdrawn);
    assert_eq!(stored.decided_at, Some(at(5)));
    assert_eq!(stored.updated_at, at(6));

    let missing = store
        .set_application_status(ApplicationId(999), ApplicationStatus::Approved, None, at(7))
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
}

async fn lists_filter_by_scope_status_sector_and_duplicates(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let other = store.create_round(&settings("Other"), at(0)).await.unwrap();
    let (_, ghana) = apply(store, round, 1, "Ama Owusu", "GH").await;
    let (_, kenya) = apply(store, round, 2, "Wanjiru Kamau", "KE").await;
    let (_, _) = apply(store, other, 3, "Someone Else", "GH").await;
    let mut public = form("Ana Silva", "person4@example.org", "BR");
    public.sector = "public".to_owned();
    let user = participant(store, "person4@example.org").await;
    let brazil = store
        .submit_application(round, user, &application(&public), at(4))
        .await
        .unwrap();
    store
        .set_application_status(kenya, ApplicationStatus::Approved, None, at(5))
        .await
        .unwrap();

    let ids = |records: Vec<iln_store::ApplicationRecord>| -> Vec<ApplicationId> {
        records.into_iter().map(|r| r.id).collect()
    };
    // By country, then arrival.
    assert_eq!(
        ids(store
            .applications(round, &ApplicationFilter::all())
            .await
            .unwrap()),
        vec![brazil, ghana, kenya]
    );
    let ghana_only = ApplicationFilter {
        scope: PeopleScope::Countries(vec![cc("GH")]),
        ..ApplicationFilter::all()
    };
    assert_eq!(
        ids(store.applications(round, &ghana_only).await.unwrap()),
        vec![ghana]
    );
    assert!(
        store
            .application_in_scope(kenya, &ghana_only.scope)
            .await
            .unwrap()
            .is_none()
    );
    let nobody = ApplicationFilter {
        scope: PeopleScope::Countries(Vec::new()),
        ..ApplicationFilter::all()
    };
    assert!(store.applications(round, &nobody).await.unwrap().is_empty());
    assert_eq!(
        ids(store
            .applications(
                round,
                &ApplicationFilter::with_status(ApplicationStatus::Approved)
            )
            .await
            .unwrap()),
        vec![kenya]
    );
    let public_only = ApplicationFilter {
        sector: Some(Sector::Public),
        ..ApplicationFilter::all()
    };
    assert_eq!(
        ids(store.applications(round, &public_only).await.unwrap()),
        vec![brazil]
    );
    let duplicates = ApplicationFilter {
        duplicates_only: true,
        ..ApplicationFilter::all()
    };
    assert!(
        store
            .applications(round, &duplicates)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .count_applications_by_status(round, &PeopleScope::All)
            .await
            .unwrap(),
        vec![
            (ApplicationStatus::Submitted, 2),
            (ApplicationStatus::Approved, 1)
        ]
    );
}

async fn duplicates_are_flagged_kept_and_merged(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let (_, first) = apply(store, round, 1, "Ana Silva", "BR").await;
    // The same person with a second account: same name, institution and country.
    let second_user = participant(store, "ana.work@example.org").await;
    let mut again = form("Silva, Ana", "ana.work@example.org", "BR");
    again.institution = "Ana Silva Library".to_owned();
    let second = store
        .submit_application(round, second_user, &application(&again), at(2))
        .await
        .unwrap();
    let (_, third) = apply(store, round, 3, "Other Person", "BR").await;

    let flagged = store
        .applications(
            round,
            &ApplicationFilter {
                duplicates_only: true,
                ..ApplicationFilter::all()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        flagged.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![first, second]
    );
    assert!(flagged.iter().all(|r| r.duplicate_of == Some(first)));
    assert!(
        flagged
            .iter()
            .all(|r| r.duplicate_reason == Some(DuplicateReason::SameNameInstitutionCountry))
    );
    assert!(
        !store
            .application(third)
            .await
            .unwrap()
            .unwrap()
            .is_flagged_duplicate()
    );

    // Keeping one clears its flag; the other, alone now, is clear too.
    store.keep_duplicate(second, at(5)).await.unwrap();
    let kept = store.application(second).await.unwrap().unwrap();
    assert!(kept.duplicate_kept);
    assert!(!kept.is_flagged_duplicate());
    let group_first = store.application(first).await.unwrap().unwrap();
    assert!(group_first.is_flagged_duplicate(), "still like a kept one");

    // Merging: withdraw one, and the other is no longer flagged.
    store
        .set_application_status(second, ApplicationStatus::Withdrawn, None, at(6))
        .await
        .unwrap();
    assert!(
        !store
            .application(first)
            .await
            .unwrap()
            .unwrap()
            .is_flagged_duplicate()
    );
}

async fn the_country_cap_defers_the_latest_and_they_carry_over(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    // Ten applicants, five from Ghana: a 25% cap allows two per country.
    let mut ghana = Vec::new();
    for n in 1..=5 {
        ghana.push(apply(store, round, n, &format!("Ghana {n}"), "GH").await);
    }
    for (n, code) in (6..=10).zip(["KE", "NG", "BR", "FR", "IN"]) {
        apply(store, round, n, &format!("Person {n}"), code).await;
    }
    let deferred = store
        .apply_country_cap(round, CountryCap::from_percent(25).unwrap(), at(20))
        .await
        .unwrap();
    assert_eq!(
        deferred,
        ghana[2..].iter().map(|(_, id)| *id).collect::<Vec<_>>()
    );
    for id in &deferred {
        let stored = store.application(*id).await.unwrap().unwrap();
        assert_eq!(stored.status, ApplicationStatus::Deferred);
        assert_eq!(stored.decided_at, Some(at(20)));
    }

    // The next round takes them in, keeping their first submission time, once.
    let next = store.create_round(&settings("Next"), at(30)).await.unwrap();
    let (user_applied_already, _) = ghana[4];
    store
        .submit_application(
            next,
            user_applied_already,
            &application(&form("Ghana 5", "person5@example.org", "GH")),
            at(31),
        )
        .await
        .unwrap();
    let carried = store.carry_over_deferred(next, at(32)).await.unwrap();
    assert_eq!(carried.len(), 2);
    for (id, (user, from)) in carried.iter().zip(&ghana[2..4]) {
        let stored = store.application(*id).await.unwrap().unwrap();
        assert_eq!(stored.round, next);
        assert_eq!(stored.user, *user);
        assert_eq!(stored.carried_from, Some(*from));
        assert_eq!(stored.status, ApplicationStatus::Submitted);
        assert_eq!(
            stored.submitted_at,
            store
                .application(*from)
                .await
                .unwrap()
                .unwrap()
                .submitted_at
        );
    }
    assert!(
        store
            .carry_over_deferred(next, at(33))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn notes_and_endorsements(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let (_, id) = apply(store, round, 1, "Ama Owusu", "GH").await;
    let (_, other) = apply(store, round, 2, "Kofi Mensah", "GH").await;
    let coordinator = participant(store, "coordinator@example.org").await;
    store
        .add_application_note(id, coordinator, false, "Met her at the conference", at(3))
        .await
        .unwrap();
    store
        .add_application_note(id, coordinator, true, "Strongly endorse", at(4))
        .await
        .unwrap();
    let notes = store.application_notes(id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].body, "Met her at the conference");
    assert!(!notes[0].endorsement);
    assert!(notes[1].endorsement);
    assert_eq!(notes[1].author, Some(coordinator));
    assert_eq!(notes[1].author_name.as_deref(), Some("Test Person"));
    assert_eq!(notes[1].created_at, at(4));
    assert!(store.application_notes(other).await.unwrap().is_empty());
    assert_eq!(store.endorsed_applications(round).await.unwrap(), vec![id]);
}

async fn flags_follow_an_email_shared_across_countries(db: &TestDb) {
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    // Ana applied from Brazil and, having moved, again from Portugal with the same address;
    // someone else at her Brazilian library has her name.
    let (_, brazil) = apply(store, round, 1, "Ana Silva", "BR").await;
    let second = participant(store, "second@example.org").await;
    let portugal = store
        .submit_application(
            round,
            second,
            &application(&form("Ana Silva", "person1@example.org", "PT")),
            at(2),
        )
        .await
        .unwrap();
    let (_, namesake) = apply(store, round, 3, "Ana Silva", "BR").await;
    let reason = |id| async move {
        let record = store.application(id).await.unwrap().unwrap();
        (record.duplicate_of, record.duplicate_reason)
    };
    assert_eq!(
        reason(brazil).await,
        (Some(brazil), Some(DuplicateReason::SameEmail))
    );
    assert_eq!(
        reason(portugal).await,
        (Some(brazil), Some(DuplicateReason::SameEmail))
    );
    assert_eq!(
        reason(namesake).await,
        (
            Some(brazil),
            Some(DuplicateReason::SameNameInstitutionCountry)
        )
    );
    // Withdrawing in Portugal changes the Brazilian flags: the same email no longer counts.
    store
        .set_application_status(portugal, ApplicationStatus::Withdrawn, None, at(4))
        .await
        .unwrap();
    assert_eq!(reason(portugal).await, (None, None));
    assert_eq!(
        reason(brazil).await,
        (
            Some(brazil),
            Some(DuplicateReason::SameNameInstitutionCountry)
        )
    );
    // Moving the namesake to another country leaves Ana alone.
    let mut moved = form("Ana Silva", "person3@example.org", "AR");
    moved.institution = "Ana Silva Library".to_owned();
    store
        .update_application(namesake, &application(&moved), at(5))
        .await
        .unwrap();
    assert_eq!(reason(brazil).await, (None, None));
    assert_eq!(reason(namesake).await, (None, None));
}

async fn the_consent_is_stored_with_its_version_and_time(db: &TestDb) {
    use iln_domain::commitments::{CommitmentsVersion, Consent};
    let store = &db.store;
    let round = store.create_round(&settings("Round"), at(0)).await.unwrap();
    let user = participant(store, "ama@example.org").await;
    let answers = application(&form("Ama Owusu", "ama@example.org", "GH"));
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .submit_application(round, user, &answers, Consent::current(at(3)), at(4))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let stored = store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.consent.version, CommitmentsVersion::current());
    assert_eq!(stored.consent.at, at(3));
    // Sending the form again is a new consent, at that time.
    let mut tx = store.begin().await.unwrap();
    tx.update_application(id, &answers, Consent::current(at(8)), at(8))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let stored = store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.consent.at, at(8));
    assert_eq!(
        stored.consent.version.commitments(),
        CommitmentsVersion::current().commitments()
    );
}
