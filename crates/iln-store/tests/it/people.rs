//! Participant profiles and the scope filters that keep coordinators inside their countries.

use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::timezone::TimeZoneName;
use iln_store::{NewPerson, PeopleScope, StoreError};

use crate::support::{TestDb, at, email, participant};

crate::store_tests!(
    a_person_round_trips,
    scopes_filter_lists_counts_and_lookups,
    an_account_has_at_most_one_profile,
    saving_a_profile_creates_it_once_then_keeps_it_current,
);

fn cc(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

fn person(n: usize, country: &str) -> NewPerson {
    NewPerson {
        user: None,
        full_name: format!("Person {n}"),
        email: email(&format!("person{n}@example.org")),
        country: cc(country),
        city: "Accra".to_owned(),
        institution: "Balme Library".to_owned(),
        sector: Sector::Academic,
        career_stage: CareerStage::Early,
        time_zone: TimeZoneName::parse("Africa/Accra").unwrap(),
        languages: vec!["English".to_owned(), "Twi".to_owned()],
        interests: vec!["open access".to_owned()],
    }
}

async fn a_person_round_trips(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "kwame@example.org").await;
    let mut new = person(1, "GH");
    new.user = Some(user);
    new.full_name = "Kwame Mensah".to_owned();
    new.sector = Sector::LisEducation;
    new.career_stage = CareerStage::Senior;
    let id = store.create_person(&new, at(5)).await.unwrap();

    let stored = store.person(id).await.unwrap().unwrap();
    assert_eq!(stored.id, id);
    assert_eq!(stored.user, Some(user));
    assert_eq!(stored.full_name, "Kwame Mensah");
    assert_eq!(stored.email.as_str(), "person1@example.org");
    assert_eq!(stored.country, cc("GH"));
    assert_eq!(stored.city, "Accra");
    assert_eq!(stored.institution, "Balme Library");
    assert_eq!(stored.sector, Sector::LisEducation);
    assert_eq!(stored.career_stage, CareerStage::Senior);
    assert_eq!(stored.time_zone.as_str(), "Africa/Accra");
    assert_eq!(stored.languages, vec!["English", "Twi"]);
    assert_eq!(stored.interests, vec!["open access"]);
    assert_eq!(stored.created_at, at(5));

    assert_eq!(store.person_for_user(user).await.unwrap(), Some(stored));
    let nobody = participant(store, "nobody@example.org").await;
    assert_eq!(store.person_for_user(nobody).await.unwrap(), None);
    assert_eq!(
        store.person(iln_store::PersonId(id.0 + 100)).await.unwrap(),
        None
    );
}

async fn scopes_filter_lists_counts_and_lookups(db: &TestDb) {
    let store = &db.store;
    let mut ids = Vec::new();
    for (n, country) in ["GH", "GH", "GH", "KE", "KE", "BR"].iter().enumerate() {
        ids.push(
            store
                .create_person(&person(n, country), at(0))
                .await
                .unwrap(),
        );
    }
    let all = PeopleScope::All;
    let east = PeopleScope::Countries(vec![cc("KE"), cc("BR"), cc("KE")]);
    let none = PeopleScope::Countries(Vec::new());

    assert_eq!(store.count_people(&all).await.unwrap(), 6);
    assert_eq!(store.count_people(&east).await.unwrap(), 3);
    assert_eq!(store.count_people(&none).await.unwrap(), 0);

    let listed = store.list_people(&east, 10, 0).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|p| p.country != cc("GH")));
    // Ordered by country code, then as added.
    assert_eq!(
        listed.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[5], ids[3], ids[4]]
    );
    let page = store.list_people(&all, 2, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[1], ids[2]]
    );
    assert!(store.list_people(&none, 10, 0).await.unwrap().is_empty());

    assert_eq!(
        store.count_people_by_country(&all).await.unwrap(),
        vec![(cc("GH"), 3), (cc("KE"), 2), (cc("BR"), 1)]
    );
    assert_eq!(
        store.count_people_by_country(&east).await.unwrap(),
        vec![(cc("KE"), 2), (cc("BR"), 1)]
    );
    assert!(
        store
            .count_people_by_country(&none)
            .await
            .unwrap()
            .is_empty()
    );

    // A coordinator of Kenya cannot load a Ghanaian profile by id: it looks missing.
    let kenya = PeopleScope::Countries(vec![cc("KE")]);
    assert_eq!(store.person_in_scope(ids[0], &kenya).await.unwrap(), None);
    assert_eq!(
        store
            .person_in_scope(ids[3], &kenya)
            .await
            .unwrap()
            .map(|p| p.id),
        Some(ids[3])
    );
    assert!(store.person_in_scope(ids[0], &all).await.unwrap().is_some());
    assert_eq!(store.person_in_scope(ids[0], &none).await.unwrap(), None);
}

async fn an_account_has_at_most_one_profile(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "kwame@example.org").await;
    let mut first = person(1, "GH");
    first.user = Some(user);
    store.create_person(&first, at(0)).await.unwrap();
    let mut second = person(2, "GH");
    second.user = Some(user);
    let error = store.create_person(&second, at(1)).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");

    let mut dangling = person(3, "GH");
    dangling.user = Some(iln_store::UserId(987_654));
    let error = store.create_person(&dangling, at(1)).await.unwrap_err();
    assert!(matches!(error, StoreError::NotFound(_)), "{error:?}");
}

async fn saving_a_profile_creates_it_once_then_keeps_it_current(db: &TestDb) {
    let store = &db.store;
    let user = participant(store, "kwame@example.org").await;
    let mut tx = store.begin().await.unwrap();
    let first = tx
        .save_profile(user, &person(1, "GH"), at(0))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut moved = person(1, "KE");
    moved.city = "Nairobi".to_owned();
    moved.interests = vec!["Cataloguing".to_owned()];
    let mut tx = store.begin().await.unwrap();
    let again = tx.save_profile(user, &moved, at(5)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again, first, "the same profile, updated");
    let stored = store.person_for_user(user).await.unwrap().unwrap();
    assert_eq!(stored.user, Some(user));
    assert_eq!(stored.country, cc("KE"));
    assert_eq!(stored.city, "Nairobi");
    assert_eq!(stored.interests, ["Cataloguing"]);
    // It was created once, at the first save.
    assert_eq!(stored.created_at, at(0));
    assert_eq!(store.count_people(&PeopleScope::All).await.unwrap(), 1);
}
