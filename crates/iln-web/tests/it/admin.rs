//! Admin pages: role assignment with country scopes, audit log entries, outbox.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_domain::country::CountryCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn assigning_a_role_is_audited_and_takes_effect() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    let target = app.user("vol@iln.test", Role::Participant, &[]).await;
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;

    let path = format!("/admin/users/{target}/role");
    let saved = browser
        .post(
            &path,
            &[
                ("role", "country_coordinator"),
                ("countries", "ke, Nigeria"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let user = app.store.user(target).await.unwrap().unwrap();
    assert_eq!(user.role, Role::CountryCoordinator);
    assert_eq!(
        user.countries,
        vec![
            CountryCode::parse("KE").unwrap(),
            CountryCode::parse("NG").unwrap()
        ]
    );

    let entries = app.store.list_audit(10, 0).await.unwrap();
    let entry = entries
        .iter()
        .find(|e| e.action == "user.set_role")
        .unwrap();
    assert_eq!(
        entry.actor_email.as_ref().unwrap().as_str(),
        "admin@iln.test"
    );
    assert!(entry.target.as_ref().unwrap().contains("vol@iln.test"));
    assert!(
        entry
            .detail
            .as_ref()
            .unwrap()
            .contains("participant -> country_coordinator [KE, NG]")
    );

    let log = browser.get("/admin/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("user.set_role"));
    assert!(log.body.contains("admin@iln.test"));
    assert!(log.body.contains("(UTC)") || log.body.contains("UTC"));
}

#[tokio::test]
async fn bad_role_forms_say_what_is_wrong_next_to_the_field() {
    let app = TestApp::new().await;
    let admin = app.user("admin@iln.test", Role::Admin, &[]).await;
    let target = app.user("vol@iln.test", Role::Participant, &[]).await;
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let path = format!("/admin/users/{target}/role");

    let page = browser
        .post(
            &path,
            &[("role", "country_coordinator"), ("countries", "Atlantis")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("id=\"countries-{target}-error\""))
    );
    assert!(
        page.body.contains("value=\"Atlantis\""),
        "keeps what was typed"
    );

    let page = browser
        .post(&path, &[("role", "country_coordinator"), ("countries", "")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("needs at least one country"));

    let page = browser
        .post(&path, &[("role", "emperor"), ("countries", "")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"role-{target}-error\"")));

    let own = browser
        .post(
            &format!("/admin/users/{admin}/role"),
            &[("role", "participant")],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.user(admin).await.unwrap().unwrap().role,
        Role::Admin
    );
    let missing = browser
        .post("/admin/users/424242/role", &[("role", "admin")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        app.store
            .list_audit(10, 0)
            .await
            .unwrap()
            .iter()
            .all(|e| e.action != "user.set_role")
    );
}

#[tokio::test]
async fn only_admins_reach_admin_pages() {
    let app = TestApp::new().await;
    let target = app.user("admin@iln.test", Role::Admin, &[]).await;
    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;
    let mut browser = app.browser();
    browser.sign_in("coord@iln.test").await;
    for path in ["/admin/users", "/admin/jobs", "/admin/audit"] {
        assert_eq!(
            browser.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let attempt = browser
        .post(
            &format!("/admin/users/{target}/role"),
            &[("role", "participant")],
        )
        .await;
    assert_eq!(attempt.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.user(target).await.unwrap().unwrap().role,
        Role::Admin
    );
}

#[tokio::test]
async fn the_user_list_is_paged_with_staff_first() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    let mut last = None;
    for index in 0..30 {
        last = Some(
            app.user(
                &format!("member{index:02}@iln.test"),
                Role::Participant,
                &[],
            )
            .await,
        );
    }
    app.user("coord@iln.test", Role::CountryCoordinator, &["PE"])
        .await;
    let last = last.unwrap();
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;

    let first = browser.get("/admin/users").await;
    assert_eq!(first.body.matches("class=\"card\"").count(), 25);
    assert!(
        first.body.contains("coord@iln.test"),
        "staff on the first page"
    );
    assert!(!first.body.contains("member29@iln.test"));
    assert!(first.body.contains("Page 1 of 2 (32 in all)"));
    let second = browser.get("/admin/users?page=2").await;
    assert_eq!(second.body.matches("class=\"card\"").count(), 7);
    assert!(second.body.contains("member29@iln.test"));

    let saved = browser
        .post(
            &format!("/admin/users/{last}/role"),
            &[("role", "country_coordinator"), ("countries", "Peru")],
        )
        .await;
    let after = browser.get(saved.location()).await;
    assert!(
        after.body.contains("Saved: Country coordinator for PE"),
        "{}",
        after.body
    );
}

#[tokio::test]
async fn dates_are_shown_in_the_readers_time_zone() {
    use iln_domain::account::{DisplayName, Email, NewPassword, hash_password};
    use iln_domain::timezone::TimeZoneName;

    let app = TestApp::new().await;
    let email = Email::parse("tokyo@iln.test").unwrap();
    let password = NewPassword::parse(crate::helpers::PASSWORD, &email).unwrap();
    app.store
        .create_user(
            &iln_store::NewUser {
                email: email.clone(),
                display_name: DisplayName::parse("Aiko").unwrap(),
                password_hash: Some(hash_password(&password)),
                role: Role::Admin,
                countries: Vec::new(),
                email_verified: true,
                time_zone: Some(TimeZoneName::parse("Asia/Tokyo").unwrap()),
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    app.user("utc@iln.test", Role::Admin, &[]).await;
    let target = app.user("vol@iln.test", Role::Participant, &[]).await;

    let mut tokyo = app.browser();
    tokyo.sign_in("tokyo@iln.test").await;
    tokyo
        .post(&format!("/admin/users/{target}/role"), &[("role", "admin")])
        .await;
    // 1_800_000_000 is 2027-01-15 08:00 UTC, 17:00 in Tokyo.
    let page = tokyo.get("/admin/audit").await;
    assert!(
        page.body.contains("Times are in Asia/Tokyo"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("15 Jan 2027, 17:00 JST"),
        "{}",
        page.body
    );

    let mut utc = app.browser();
    utc.sign_in("utc@iln.test").await;
    let page = utc.get("/admin/audit").await;
    assert!(page.body.contains("Times are in UTC"));
    assert!(
        page.body.contains("15 Jan 2027, 08:00 UTC"),
        "{}",
        page.body
    );
}
