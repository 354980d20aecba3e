//! Who may read which people: admins everyone, coordinators their countries, nobody else.

use axum::http::StatusCode;
use iln_domain::account::Role;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_coordinator_gets_404_for_a_person_of_another_country() {
    let app = TestApp::new().await;
    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;
    let kenyan = app.person("Wanjiru Kamau", "KE", None).await;
    let nigerian = app.person("Chidi Okeke", "NG", None).await;
    let mut browser = app.browser();
    browser.sign_in("coord@iln.test").await;

    let own = browser.get(&format!("/people/{kenyan}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Wanjiru Kamau"));

    let other = browser.get(&format!("/people/{nigerian}")).await;
    let missing = browser.get("/people/987654").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.body, missing.body,
        "indistinguishable from a missing id"
    );
    assert!(!other.body.contains("Chidi"));

    let list = browser.get("/people").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Wanjiru Kamau"));
    assert!(!list.body.contains("Chidi Okeke"));

    let dashboard = browser.get("/dashboard").await;
    assert!(dashboard.body.contains("Kenya"));
    assert!(!dashboard.body.contains("Nigeria"));
}

#[tokio::test]
async fn participants_and_visitors_cannot_read_people() {
    let app = TestApp::new().await;
    let user = app.user("pat@iln.test", Role::Participant, &[]).await;
    let own = app.person("Pat Own", "BR", Some(user)).await;
    let other = app.person("Someone Else", "BR", None).await;

    let mut visitor = app.browser();
    let page = visitor.get(&format!("/people/{other}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), format!("/signin?next=%2Fpeople%2F{other}"));

    let mut browser = app.browser();
    browser.sign_in("pat@iln.test").await;
    assert_eq!(
        browser.get(&format!("/people/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        browser.get(&format!("/people/{own}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(browser.get("/people").await.status, StatusCode::NOT_FOUND);
    // Their own profile is on their dashboard.
    let dashboard = browser.get("/dashboard").await;
    assert!(dashboard.body.contains("Pat Own"));
    assert!(dashboard.body.contains("Brazil"));
    assert!(
        dashboard.body.contains("<dd>English</dd>"),
        "languages by name"
    );
}

#[tokio::test]
async fn the_admin_sees_everyone_and_a_chart_with_a_table() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    for (index, country) in ["KE", "KE", "KE", "NG", "BR"].iter().enumerate() {
        app.person(&format!("Person {index}"), country, None).await;
    }
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let dashboard = browser.get("/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("<svg role=\"img\""));
    assert!(dashboard.body.contains("<table>"));
    assert!(
        dashboard
            .body
            .contains("Kenya (KE)</th><td class=\"num\">3</td>")
    );
    assert!(
        dashboard
            .body
            .contains("<span class=\"number\">5</span> people")
    );
    assert!(
        dashboard
            .body
            .contains("<span class=\"number\">3</span> countries")
    );

    let list = browser.get("/people").await;
    for index in 0..5 {
        assert!(list.body.contains(&format!("Person {index}")));
    }
}

#[tokio::test]
async fn an_empty_network_shows_honest_empty_states() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    app.user("coord@iln.test", Role::CountryCoordinator, &["PE"])
        .await;
    let mut admin = app.browser();
    admin.sign_in("admin@iln.test").await;
    let page = admin.get("/dashboard").await;
    assert!(page.body.contains("No people yet"));
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    let page = coordinator.get("/people").await;
    assert!(page.body.contains("No people here yet"));
}

#[tokio::test]
async fn the_country_filter_narrows_the_scope_and_never_widens_it() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    app.user("coord@iln.test", Role::CountryCoordinator, &["KE", "UG"])
        .await;
    for index in 0..51 {
        app.person(&format!("Kenyan {index}"), "KE", None).await;
    }
    app.person("Ugandan One", "UG", None).await;
    app.person("Peruvian One", "PE", None).await;

    let mut admin = app.browser();
    admin.sign_in("admin@iln.test").await;
    let page = admin.get("/people?country=pe").await;
    assert!(page.body.contains("Peruvian One"));
    assert!(!page.body.contains("Kenyan 0<"));
    assert!(
        page.body
            .contains("<option value=\"PE\" selected>Peru</option>")
    );
    let kenya = admin.get("/people?country=Kenya").await;
    assert!(kenya.body.contains("51 people in Kenya."));
    assert!(
        kenya
            .body
            .contains("href=\"/people?country=KE&#38;page=2\""),
        "{}",
        kenya.body
    );

    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    let outside = coordinator.get("/people?country=PE").await;
    assert!(!outside.body.contains("Peruvian One"));
    assert!(outside.body.contains("No people here yet"));
    let uganda = coordinator.get("/people?country=UG").await;
    assert!(uganda.body.contains("Ugandan One"));
    assert!(!uganda.body.contains("Kenyan 1<"));
    let options = coordinator.get("/people").await;
    assert!(
        options
            .body
            .contains("<option value=\"UG\">Uganda</option>")
    );
    assert!(!options.body.contains("value=\"PE\""));
}
