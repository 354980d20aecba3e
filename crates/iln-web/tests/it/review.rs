//! Review: the queue's filters, coordinators kept to their countries (404 elsewhere),
//! decisions one by one and in bulk with their emails, notes and endorsements, and the
//! duplicate flags' merge and keep.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_store::{ApplicationFilter, ApplicationRecord, ApplicationStatus, RoundId};

use crate::apply::{answers, applicant, apply};
use crate::helpers::TestApp;
use crate::rounds::{ROUND_FIELDS, admin, create_round};

#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
async fn all(app: &TestApp, round: i64) -> Vec<ApplicationRecord> {
    app.store
        .applications(RoundId(round), &ApplicationFilter::all())
        .await
        .unwrap()
}

#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
fn id_of(records: &[ApplicationRecord], name: &str) -> i64 {
    records
        .iter()
        .find(|a| a.application.name.as_str() == name)
        .unwrap()
        .id
        .0
}

#[tokio::test]
async fn coordinators_see_only_their_countries_and_participants_nothing() {
    let app = TestApp::new().await;
    let round = create_round(&mut admin(&app).await, &ROUND_FIELDS).await;
    apply(
        &mut applicant(&app, "wanjiru@iln.test").await,
        round,
        "Wanjiru Kamau",
        "KE",
    )
    .await;
    apply(
        &mut applicant(&app, "chidi@iln.test").await,
        round,
        "Chidi Okeke",
        "NG",
    )
    .await;
    let records = all(&app, round).await;
    let kenyan = id_of(&records, "Wanjiru Kamau");
    let nigerian = id_of(&records, "Chidi Okeke");

    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    let queue = coordinator.get(&format!("/rounds/{round}/review")).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Wanjiru Kamau"));
    assert!(!queue.body.contains("Chidi"));
    // Asking for another country's applicants by filter shows nobody.
    let filtered = coordinator
        .get(&format!("/rounds/{round}/review?country=NG"))
        .await;
    assert!(!filtered.body.contains("Chidi"));
    assert!(filtered.body.contains("No applications match"));

    let own = coordinator.get(&format!("/applications/{kenyan}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("wanjiru@iln.test"));
    let other = coordinator.get(&format!("/applications/{nigerian}")).await;
    let missing = coordinator.get("/applications/987654").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.body, missing.body,
        "indistinguishable from a missing id"
    );
    for path in [
        format!("/applications/{nigerian}/notes"),
        format!("/applications/{nigerian}/keep"),
    ] {
        let page = coordinator.post(&path, &[("body", "hello")]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Coordinators note and endorse, but decisions are the admins'.
    let page = coordinator
        .post(
            &format!("/applications/{kenyan}/notes"),
            &[("body", "Active in our association"), ("endorse", "1")],
        )
        .await;
    assert!(page.body.contains("Endorsed."), "{}", page.body);
    assert!(page.body.contains("Active in our association"));
    assert_eq!(
        coordinator
            .post(
                &format!("/applications/{kenyan}/decision"),
                &[("decision", "approved")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let queue = coordinator.get(&format!("/rounds/{round}/review")).await;
    assert!(queue.body.contains("Endorsed."));

    // Applicants see nobody, not even themselves, in the review pages.
    let mut participant = app.browser();
    participant.sign_in("wanjiru@iln.test").await;
    for path in [
        format!("/rounds/{round}/review"),
        format!("/applications/{kenyan}"),
        format!("/applications/{nigerian}"),
    ] {
        assert_eq!(
            participant.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        app.browser()
            .get(&format!("/rounds/{round}/review"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn admins_decide_in_bulk_and_one_by_one_and_every_decision_is_emailed() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    for (n, country) in ["KE", "NG", "BR"].iter().enumerate() {
        apply(
            &mut applicant(&app, &format!("p{n}@iln.test")).await,
            round,
            &format!("Person {n}"),
            country,
        )
        .await;
    }
    let records = all(&app, round).await;
    let (first, second, third) = (
        id_of(&records, "Person 0").to_string(),
        id_of(&records, "Person 1").to_string(),
        id_of(&records, "Person 2").to_string(),
    );
    let page = admin
        .post(
            &format!("/rounds/{round}/review"),
            &[
                ("ids", first.as_str()),
                ("ids", second.as_str()),
                ("decision", "approved"),
                ("message", "Welcome to the round!"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let queue = admin.get(page.location()).await;
    assert!(queue.body.contains("Decided 2 applications"));

    let page = admin
        .post(
            &format!("/applications/{third}/decision"),
            &[("decision", "waitlisted"), ("message", "")],
        )
        .await;
    assert!(
        page.body.contains("Decided: on the waiting list"),
        "{}",
        page.body
    );

    let approved = app
        .store
        .applications(
            RoundId(round),
            &ApplicationFilter::with_status(ApplicationStatus::Approved),
        )
        .await
        .unwrap();
    assert_eq!(approved.len(), 2);
    assert!(
        approved
            .iter()
            .all(|a| a.decision_message.as_deref() == Some("Welcome to the round!"))
    );
    app.deliver().await;
    let sent = app.mailer.sent();
    for (to, subject) in [
        ("p0@iln.test", "You are in: 2027 Round 1"),
        ("p1@iln.test", "You are in: 2027 Round 1"),
        ("p2@iln.test", "You are on the waiting list: 2027 Round 1"),
    ] {
        let mail = sent
            .iter()
            .find(|m| m.to == to && m.subject == subject)
            .unwrap_or_else(|| panic!("{to} gets {subject}"));
        if to != "p2@iln.test" {
            assert!(mail.text_body.contains("Welcome to the round!"));
        }
    }
    // Filters: by status and by sector.
    let waiting = admin
        .get(&format!("/rounds/{round}/review?status=waitlisted"))
        .await;
    assert!(waiting.body.contains("Person 2"));
    assert!(!waiting.body.contains("Person 0"));
    let public = admin
        .get(&format!("/rounds/{round}/review?sector=public"))
        .await;
    assert!(public.body.contains("No applications match"));

    // A wrong decision or an id of another round changes nothing.
    let other_round = {
        let mut fields = ROUND_FIELDS.to_vec();
        fields[0] = ("name", "Other");
        create_round(&mut admin, &fields).await
    };
    let refused = admin
        .post(
            &format!("/rounds/{other_round}/review"),
            &[("ids", third.as_str()), ("decision", "declined")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let refused = admin
        .post(
            &format!("/rounds/{round}/review"),
            &[("ids", third.as_str()), ("decision", "withdrawn")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let refused = admin
        .post(
            &format!("/rounds/{round}/review"),
            &[("ids", "abc"), ("decision", "declined")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn likely_duplicates_are_flagged_then_merged_or_kept() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    // One person with two accounts, and two different people of the same name elsewhere.
    apply(
        &mut applicant(&app, "ana@iln.test").await,
        round,
        "Ana Silva",
        "BR",
    )
    .await;
    let mut second = applicant(&app, "ana.silva@iln.test").await;
    let page = second
        .post(
            &format!("/rounds/{round}/apply"),
            &answers("Silva, Ana", "BR"),
        )
        .await;
    assert!(page.body.contains("Your application is sent"));
    apply(
        &mut applicant(&app, "jo@iln.test").await,
        round,
        "Jo Smith",
        "GB",
    )
    .await;
    let mut other_jo = applicant(&app, "jo2@iln.test").await;
    let mut fields = answers("Jo Smith", "AU");
    fields[3] = ("institution", "State Library");
    let page = other_jo
        .post(&format!("/rounds/{round}/apply"), &fields)
        .await;
    assert!(page.body.contains("Your application is sent"));

    let flagged = admin
        .get(&format!("/rounds/{round}/review?duplicates=1"))
        .await;
    assert!(flagged.body.contains("Ana Silva"));
    assert!(flagged.body.contains("Silva, Ana"));
    assert!(flagged.body.contains("same name, institution and country"));
    assert!(!flagged.body.contains("Jo Smith"));

    let records = all(&app, round).await;
    let keep = id_of(&records, "Ana Silva");
    let drop = id_of(&records, "Silva, Ana");
    let page = admin.get(&format!("/applications/{keep}")).await;
    assert!(page.body.contains("Likely duplicate"));
    assert!(page.body.contains(&format!("value=\"{drop}\"")));
    let page = admin
        .post(
            &format!("/applications/{keep}/merge"),
            &[("withdraw", drop.to_string().as_str())],
        )
        .await;
    assert!(page.body.contains("Merged"), "{}", page.body);
    let dropped = app
        .store
        .application(iln_store::ApplicationId(drop))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dropped.status, ApplicationStatus::Withdrawn);
    let flagged = admin
        .get(&format!("/rounds/{round}/review?duplicates=1"))
        .await;
    assert!(flagged.body.contains("No applications match"));

    // Merging two applications that are not flagged together is refused.
    let jo = id_of(&records, "Jo Smith");
    let refused = admin
        .post(
            &format!("/applications/{keep}/merge"),
            &[("withdraw", jo.to_string().as_str())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);

    // Same email: two applications made by the admin tools would share it; here a person
    // keeps both after a look.
    let mut twin = applicant(&app, "kofi@iln.test").await;
    let page = twin
        .post(
            &format!("/rounds/{round}/apply"),
            &answers("Kofi Mensah", "GH"),
        )
        .await;
    assert!(page.body.contains("Your application is sent"));
    let mut brother = applicant(&app, "kofi.m@iln.test").await;
    let page = brother
        .post(
            &format!("/rounds/{round}/apply"),
            &answers("Mensah Kofi", "GH"),
        )
        .await;
    assert!(page.body.contains("Your application is sent"));
    let records = all(&app, round).await;
    let kofi = id_of(&records, "Kofi Mensah");
    let page = admin.post(&format!("/applications/{kofi}/keep"), &[]).await;
    assert!(page.body.contains("Kept"), "{}", page.body);
    let flagged = admin
        .get(&format!("/rounds/{round}/review?duplicates=1"))
        .await;
    assert!(!flagged.body.contains("Kofi Mensah"));
}

#[tokio::test]
async fn a_withdrawn_application_cannot_be_decided_alone_or_in_a_batch() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    apply(
        &mut applicant(&app, "p0@iln.test").await,
        round,
        "Person 0",
        "KE",
    )
    .await;
    let mut leaving = applicant(&app, "p1@iln.test").await;
    apply(&mut leaving, round, "Person 1", "NG").await;
    let page = leaving
        .post(&format!("/rounds/{round}/withdraw"), &[])
        .await;
    assert!(page.body.contains("Your application is withdrawn"));
    let records = all(&app, round).await;
    let (staying, gone) = (
        id_of(&records, "Person 0").to_string(),
        id_of(&records, "Person 1").to_string(),
    );

    let refused = admin
        .post(
            &format!("/applications/{gone}/decision"),
            &[("decision", "approved")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains(
            "Cannot decide an application that is withdrawn (the application of Person 1)"
        ),
        "{}",
        refused.body
    );
    // The batch is refused whole: the other application is not decided either.
    let refused = admin
        .post(
            &format!("/rounds/{round}/review"),
            &[
                ("ids", staying.as_str()),
                ("ids", gone.as_str()),
                ("decision", "approved"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let records = all(&app, round).await;
    assert!(
        records
            .iter()
            .all(|a| a.status != ApplicationStatus::Approved)
    );
    app.deliver().await;
    assert!(
        !app.mailer
            .sent()
            .iter()
            .any(|m| m.subject.starts_with("You are in"))
    );
}
