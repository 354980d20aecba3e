//! Sign-up, verification, sign-in, sessions, sign-out, password reset and change.

use axum::http::{StatusCode, header};
use iln_domain::account::Role;
use jiff::SignedDuration;

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn sign_up_verify_sign_in_sign_out() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    let email = "ada.okafor@example.org";
    let page = browser
        .post(
            "/signup",
            &[
                ("name", "Ada Okafor"),
                ("email", email),
                ("password", PASSWORD),
                ("time_zone", "Africa/Lagos"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Check your email"));

    // Not confirmed yet: signing in is refused with a message on the email field.
    let early = browser
        .post("/signin", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(early.status, StatusCode::OK);
    assert!(early.body.contains("Confirm your email address first"));

    assert_eq!(app.deliver().await, 1);
    let link = app.link_in_mail(email, "/verify?token=");
    // Opening the link changes nothing; the button does.
    let confirm = browser.get(&link).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let token = crate::helpers::between(&confirm.body, "name=\"token\" value=\"", "\"").unwrap();
    let done = browser.post("/verify", &[("token", &token)]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("confirmed"));
    let again = browser.post("/verify", &[("token", &token)]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a link works once");

    let signed_in = browser.sign_in(email).await;
    assert_eq!(signed_in.location(), "/dashboard");
    let dashboard = browser.get("/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("Sign out"));
    assert!(
        dashboard
            .body
            .contains("Your partnership appears here when a round is published")
    );

    let session = browser.cookies["iln_session"].clone();
    let out = browser.post("/signout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!browser.cookies.contains_key("iln_session"));
    // The old cookie is dead on the server, not only forgotten by the browser.
    browser.cookies.insert("iln_session".to_owned(), session);
    let after = browser.get("/dashboard").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/signin?next=%2Fdashboard");
}

#[tokio::test]
async fn sign_up_errors_sit_next_to_their_fields_and_keep_the_input() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    let page = browser
        .post(
            "/signup",
            &[
                ("name", "Ada"),
                ("email", "ada@example.org"),
                ("password", "short"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("value=\"ada@example.org\""),
        "email kept"
    );
    assert!(page.body.contains("value=\"Ada\""), "name kept");
    assert!(!page.body.contains("value=\"short\""), "never the password");
    assert!(page.body.contains("id=\"password-error\""));
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert!(
        page.body
            .contains("aria-describedby=\"password-hint password-error\"")
    );
    assert!(page.body.contains("Use at least 8 characters"));
    assert!(page.body.contains("id=\"time_zone-error\""));
    assert!(page.body.contains("Mars/Olympus"));
    assert_eq!(app.store.list_users().await.unwrap().len(), 0);
}

#[tokio::test]
async fn sign_up_answers_the_same_for_known_and_unknown_emails() {
    let app = TestApp::new().await;
    app.user("known@example.org", Role::Participant, &[]).await;
    let mut browser = app.browser();
    browser.csrf().await;
    let mut answers = Vec::new();
    for email in ["known@example.org", "new@example.org"] {
        let page = browser
            .post(
                "/signup",
                &[
                    ("name", "Someone"),
                    ("email", email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        answers.push((page.status, page.body));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(app.deliver().await, 2);
    let sent = app.mailer.sent();
    let to_known = sent.iter().find(|m| m.to == "known@example.org").unwrap();
    assert!(to_known.text_body.contains("You already have an account"));
    let to_new = sent.iter().find(|m| m.to == "new@example.org").unwrap();
    assert!(to_new.text_body.contains("/verify?token="));
}

#[tokio::test]
async fn sign_in_gets_a_new_session_id_and_ends_the_old_one() {
    let app = TestApp::new().await;
    app.user("ana@example.org", Role::Participant, &[]).await;
    let mut browser = app.browser();
    browser.sign_in("ana@example.org").await;
    let first = browser.cookies["iln_session"].clone();
    browser.sign_in("ana@example.org").await;
    let second = browser.cookies["iln_session"].clone();
    assert_ne!(first, second, "a new id at every sign-in");
    let cookie = app
        .send(
            axum::http::Request::get("/dashboard")
                .header(header::COOKIE, format!("iln_session={first}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        cookie.status,
        StatusCode::SEE_OTHER,
        "the old session is gone"
    );
    let set_cookie = browser
        .post(
            "/signin",
            &[("email", "ana@example.org"), ("password", PASSWORD)],
        )
        .await;
    let header = set_cookie.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(header.contains(attribute), "{header}");
    }
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_email_with_retry_after() {
    let app = TestApp::new().await;
    app.user("target@example.org", Role::Participant, &[]).await;
    let mut browser = app.browser();
    for _ in 0..10 {
        let page = browser
            .post(
                "/signin",
                &[
                    ("email", "target@example.org"),
                    ("password", "wrong-guess-123"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("The email address or the password is not right")
        );
    }
    let limited = browser
        .post(
            "/signin",
            &[("email", "Target@Example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(limited.body.contains("Too many attempts"));

    app.clock
        .advance(SignedDuration::from_secs(i64::try_from(retry).unwrap()));
    browser.sign_in("target@example.org").await;
}

#[tokio::test]
async fn reset_link_works_once_and_expires_within_an_hour() {
    let app = TestApp::new().await;
    app.user("reset@example.org", Role::Participant, &[]).await;
    let mut other_device = app.browser();
    other_device.sign_in("reset@example.org").await;

    let mut browser = app.browser();
    let page = browser
        .post("/forgot", &[("email", "reset@example.org")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    app.deliver().await;
    let link = app.link_in_mail("reset@example.org", "/reset?token=");
    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = crate::helpers::between(&form.body, "name=\"token\" value=\"", "\"").unwrap();

    // A password that breaks the rules does not use the link up.
    let weak = browser
        .post("/reset", &[("token", &token), ("password", "short")])
        .await;
    assert_eq!(weak.status, StatusCode::OK);
    let new_password = "a-brand-new-passphrase";
    let done = browser
        .post("/reset", &[("token", &token), ("password", new_password)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/signin?password=changed");
    let twice = browser
        .post(
            "/reset",
            &[("token", &token), ("password", "another-new-passphrase")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "single use");

    // The other device's session ended with the reset.
    assert_eq!(
        other_device.get("/dashboard").await.status,
        StatusCode::SEE_OTHER
    );
    let signed_in = browser
        .post(
            "/signin",
            &[("email", "reset@example.org"), ("password", new_password)],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);

    // A second link, used after more than an hour, no longer works.
    browser
        .post("/forgot", &[("email", "reset@example.org")])
        .await;
    app.deliver().await;
    let late_link = app.link_in_mail("reset@example.org", "/reset?token=");
    assert_ne!(late_link, link);
    let late_token = late_link.trim_start_matches("/reset?token=");
    app.clock.advance(SignedDuration::from_mins(61));
    let late = browser
        .post(
            "/reset",
            &[
                ("token", late_token),
                ("password", "yet-another-passphrase"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert!(late.body.contains("This link does not work"));
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_known_and_unknown_emails() {
    let app = TestApp::new().await;
    app.user("known@example.org", Role::Participant, &[]).await;
    let mut browser = app.browser();
    browser.csrf().await;
    let known = browser
        .post("/forgot", &[("email", "known@example.org")])
        .await;
    let unknown = browser
        .post("/forgot", &[("email", "nobody@example.org")])
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    assert_eq!(app.deliver().await, 1, "only the real account gets mail");
    let resend_known = browser
        .post("/verify/resend", &[("email", "known@example.org")])
        .await;
    let resend_unknown = browser
        .post("/verify/resend", &[("email", "nobody@example.org")])
        .await;
    assert_eq!(resend_known.status, resend_unknown.status);
    assert_eq!(resend_known.body, resend_unknown.body);
}

#[tokio::test]
async fn password_reset_requests_are_rate_limited() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            browser
                .post("/forgot", &[("email", "flood@example.org")])
                .await
                .status,
        );
    }
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one() {
    let app = TestApp::new().await;
    app.user("change@example.org", Role::Participant, &[]).await;
    let mut other = app.browser();
    other.sign_in("change@example.org").await;
    let mut browser = app.browser();
    browser.sign_in("change@example.org").await;

    let wrong = browser
        .post(
            "/account/password",
            &[
                ("current", "not-it-at-all"),
                ("password", "fresh-passphrase-9"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("This is not your current password"));

    let page = browser
        .post(
            "/account/password",
            &[("current", PASSWORD), ("password", "fresh-passphrase-9")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Your password was changed"));
    assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK);
    assert_eq!(other.get("/dashboard").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_ip_across_emails() {
    let app = TestApp::with_proxy_headers(true).await;
    let mut browser = app.browser();
    let csrf = browser.csrf().await;
    let mut statuses = Vec::new();
    for index in 0..31 {
        let email = format!("guess{index}@example.org");
        let page = browser
            .post_raw(
                "/signin",
                &[
                    ("csrf", &csrf),
                    ("email", &email),
                    ("password", "wrong-guess-123"),
                ],
                &[
                    ("origin", crate::helpers::BASE),
                    ("x-forwarded-for", "203.0.113.7"),
                ],
            )
            .await;
        statuses.push(page.status);
    }
    assert!(statuses[..30].iter().all(|s| *s == StatusCode::OK));
    assert_eq!(statuses[30], StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected; the proxy's last entry is the one that counts.
    let email = "another@example.org";
    let other = browser
        .post_raw(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", "wrong-guess-123"),
            ],
            &[
                ("origin", crate::helpers::BASE),
                ("x-forwarded-for", "203.0.113.7, 198.51.100.2"),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_returns_to_the_page_that_asked_but_never_off_site() {
    let app = TestApp::new().await;
    app.user("coord@example.org", Role::CountryCoordinator, &["KE"])
        .await;
    let mut browser = app.browser();
    let asked = browser.get("/people?page=2").await;
    assert_eq!(asked.location(), "/signin?next=%2Fpeople%3Fpage%3D2");
    let form = browser.get(asked.location()).await;
    assert!(form.body.contains("name=\"next\" value=\"/people?page=2\""));
    let done = browser
        .post(
            "/signin",
            &[
                ("email", "coord@example.org"),
                ("password", PASSWORD),
                ("next", "/people?page=2"),
            ],
        )
        .await;
    assert_eq!(done.location(), "/people?page=2");

    for evil in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "people",
    ] {
        let form = browser.get(&format!("/signin?next={}", evil)).await;
        assert!(!form.body.contains("name=\"next\""), "{evil}");
        let done = browser
            .post(
                "/signin",
                &[
                    ("email", "coord@example.org"),
                    ("password", PASSWORD),
                    ("next", evil),
                ],
            )
            .await;
        assert_eq!(done.location(), "/dashboard", "{evil}");
    }
}

#[tokio::test]
async fn incomplete_or_forged_links_get_a_page_that_offers_a_new_one() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    for (path, again) in [("/verify", "/verify/resend"), ("/reset", "/forgot")] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.body.contains("This link does not work"));
        assert!(page.body.contains(&format!("href=\"{again}\"")));
    }
    let forged = browser.post("/verify", &[("token", "made-up")]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    let forged = browser
        .post(
            "/reset",
            &[("token", "made-up"), ("password", "a-good-long-passphrase")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
}
