//! The report pages through the site: an admin sees a published round's map, fairness
//! report and overview with their tables; a country coordinator sees their own countries
//! only; participants and visitors do not get in.

use axum::http::StatusCode;
use iln_domain::account::Role;

use crate::helpers::TestApp;
use crate::partnerships::published;

#[tokio::test]
async fn admins_and_coordinators_read_the_reports_in_their_scope() {
    let app = TestApp::new().await;
    let round = published(&app, 6).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;

    let map = admin.get(&format!("/reports/map?round={round}")).await;
    assert_eq!(map.status, StatusCode::OK, "{}", map.body);
    assert!(
        map.body
            .contains(r#"<svg role="img" aria-labelledby="map-title map-desc""#)
    );
    assert!(map.body.contains("<title>Kenya: 1</title>"), "{}", map.body);
    assert!(map.body.contains("<title>Germany: 0</title>"));
    assert!(map.body.contains("Kosovo: not counted separately"));
    // The table beside the map lists every country with a count.
    for name in ["Kenya", "Brazil", "India", "France", "Australia", "Canada"] {
        assert!(
            map.body.contains(&format!(
                "<th scope=\"row\">{name}</th><td class=\"num\">1</td>"
            )),
            "{name}"
        );
    }
    let participants = admin
        .get(&format!("/reports/map?round={round}&of=participants"))
        .await;
    assert!(
        participants
            .body
            .contains("World map of participants by country")
    );

    let fairness = admin.get(&format!("/reports/fairness?round={round}")).await;
    assert_eq!(fairness.status, StatusCode::OK, "{}", fairness.body);
    assert!(
        fairness.body.contains("more\nthan 10 percentage points"),
        "{}",
        fairness.body
    );
    assert!(fairness.body.contains("Overall: the whole round"));
    assert!(fairness.body.contains("6 of 6"));
    for order in ["applied", "name", "nonsense"] {
        let page = admin
            .get(&format!("/reports/fairness?round={round}&order={order}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{order}");
    }

    let overview = admin.get(&format!("/reports?round={round}")).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("Applicants by sector as a table"));
    assert!(overview.body.contains("Partnerships by pair score"));
    let every = admin.get("/reports").await;
    assert!(every.body.contains("Reports: All rounds"));
    // The round page links to the reports.
    let page = admin.get(&format!("/rounds/{round}")).await;
    assert!(page.body.contains(&format!("/reports?round={round}")));

    // A coordinator of Kenya sees Kenya and no other country.
    app.user("coordinator@example.org", Role::CountryCoordinator, &["KE"])
        .await;
    let mut coordinator = app.browser();
    coordinator.sign_in("coordinator@example.org").await;
    let theirs = coordinator
        .get(&format!("/reports/fairness?round={round}"))
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("Your countries only: Kenya"));
    assert!(theirs.body.contains(">Kenya"));
    assert!(!theirs.body.contains(">Brazil"), "{}", theirs.body);
    let map = coordinator
        .get(&format!("/reports/map?round={round}"))
        .await;
    assert!(map.body.contains("<title>Kenya: 1</title>"));
    assert!(map.body.contains("<title>Brazil: 0</title>"));

    // Participants get 404, visitors are sent to sign in; a round that does not exist is 404.
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let mut participant = app.browser();
    participant
        .sign_in(&partnerships[0].members[0].profile.email)
        .await;
    for path in ["/reports", "/reports/map", "/reports/fairness"] {
        assert_eq!(
            participant.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        let visitor = app.browser().get(path).await;
        assert_ne!(visitor.status, StatusCode::OK, "{path}");
    }
    assert_eq!(
        admin.get("/reports/map?round=999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/reports/fairness?round=x").await.status,
        StatusCode::NOT_FOUND
    );
}
