//! Applying: who may, the form with its errors, prefilling from an earlier round, editing
//! until the window closes, withdrawing, and the confirmation email.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_store::{ApplicationStatus, RoundId};
use jiff::SignedDuration;

use crate::helpers::{Browser, TestApp};
use crate::rounds::{ROUND_FIELDS, admin, create_round};

/// A signed-in participant with a confirmed email.
pub async fn applicant<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    app.user(email, Role::Participant, &[]).await;
    let mut browser = app.browser();
    browser.sign_in(email).await;
    browser
}

/// A complete application from `country`.
pub fn answers<'a>(name: &'a str, country: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("country", country),
        ("city", "Capital"),
        ("institution", "University Library"),
        ("sector", "academic"),
        ("role", "Subject librarian"),
        ("career_stage", "mid"),
        ("interests", "open access"),
        ("interests", "social media"),
        ("languages", "en"),
        ("communication", "email"),
        ("communication", "video"),
        ("match_preference", "any"),
        ("goals", "Learn how other libraries run outreach"),
        ("consent", "on"),
    ]
}

/// Sends a complete application and checks it was taken.
pub async fn apply(browser: &mut Browser<'_>, round: i64, name: &str, country: &str) {
    let page = browser
        .post(&format!("/rounds/{round}/apply"), &answers(name, country))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Your application is sent"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn visitors_sign_in_first_and_come_back_to_the_form() {
    let app = TestApp::new().await;
    let id = create_round(&mut admin(&app).await, &ROUND_FIELDS).await;
    let mut visitor = app.browser();
    let page = visitor.get(&format!("/rounds/{id}/apply")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        format!("/signin?next=%2Frounds%2F{id}%2Fapply")
    );

    // Accounts cannot sign in before confirming their email, so every signed-in applicant
    // has a confirmed address; the round's page tells visitors to sign in or join first.
    let page = visitor.get(&format!("/rounds/{id}")).await;
    assert!(
        page.body
            .contains(&format!("/signin?next=/rounds/{id}/apply"))
    );
}

#[tokio::test]
async fn the_form_reports_errors_then_takes_the_application_and_emails() {
    let app = TestApp::new().await;
    let id = create_round(&mut admin(&app).await, &ROUND_FIELDS).await;
    let mut browser = applicant(&app, "ama@iln.test").await;
    let form = browser.get(&format!("/rounds/{id}/apply")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("Give the partnership about an hour a week")
    );
    assert!(form.body.contains("ama@iln.test"), "the account's email");

    let mut wrong = answers("Ama Owusu", "Atlantis");
    wrong.retain(|(k, _)| *k != "consent" && *k != "goals");
    let page = browser.post(&format!("/rounds/{id}/apply"), &wrong).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Check the form"));
    assert!(page.body.contains("id=\"country-error\""));
    assert!(page.body.contains("id=\"goals-error\""));
    assert!(page.body.contains("id=\"consent-error\""));
    assert!(page.body.contains("value=\"Ama Owusu\""), "values kept");
    assert!(page.body.contains("value=\"open access\" checked"));

    apply(&mut browser, id, "Ama Owusu", "GH").await;
    let user = app
        .store
        .user_by_email(&iln_domain::account::Email::parse("ama@iln.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let stored = app
        .store
        .application_of(RoundId(id), user.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ApplicationStatus::Submitted);
    assert_eq!(stored.application.email.as_str(), "ama@iln.test");
    assert_eq!(stored.application.time_zone.as_str(), "Africa/Accra");
    app.deliver().await;
    assert!(
        app.mailer
            .sent()
            .iter()
            .any(|m| m.to == "ama@iln.test" && m.subject == "Application received: 2027 Round 1")
    );
    // The round's page now shows the person's application.
    let page = browser.get(&format!("/rounds/{id}")).await;
    assert!(page.body.contains("Your application: Submitted"));
}

#[tokio::test]
async fn edits_and_withdrawals_until_the_window_closes_and_not_after() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let id = create_round(&mut admin, &ROUND_FIELDS).await;
    let mut browser = applicant(&app, "ama@iln.test").await;
    apply(&mut browser, id, "Ama Owusu", "GH").await;
    let path = format!("/rounds/{id}/apply");

    let mut changed = answers("Ama Owusu", "GH");
    changed[2] = ("city", "Kumasi");
    let page = browser.post(&path, &changed).await;
    assert!(
        page.body.contains("Your changes are saved"),
        "{}",
        page.body
    );
    let page = browser.get(&path).await;
    assert!(page.body.contains("value=\"Kumasi\""));

    let page = browser.post(&format!("/rounds/{id}/withdraw"), &[]).await;
    assert!(page.body.contains("Your application is withdrawn"));
    assert!(page.body.contains("Withdrawn"));
    // Sending the form again brings it back.
    let page = browser.post(&path, &changed).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = browser.get(&format!("/rounds/{id}")).await;
    assert!(page.body.contains("Your application: Submitted"));

    // After the closing day nothing changes any more.
    app.clock.advance(SignedDuration::from_hours(24 * 17));
    // Sessions last two weeks, less than the wait.
    browser.sign_in("ama@iln.test").await;
    let refused = browser.post(&path, &answers("Ama Owusu", "GH")).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let refused = browser.post(&format!("/rounds/{id}/withdraw"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let page = browser.get(&path).await;
    assert!(
        !page
            .body
            .contains("<form method=\"post\" action=\"/rounds/")
    );
    assert!(page.body.contains("can no longer change"));
    assert!(
        page.body.contains("<dd>Ghana, Kumasi</dd>"),
        "{}",
        page.body
    );

    // A newcomer cannot apply to a closed round either.
    let mut late = applicant(&app, "late@iln.test").await;
    let page = late.get(&path).await;
    assert!(page.body.contains("Applications are not open"));
}

#[tokio::test]
async fn a_returning_person_finds_their_previous_answers() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let first = create_round(&mut admin, &ROUND_FIELDS).await;
    let mut browser = applicant(&app, "ama@iln.test").await;
    let mut previous = answers("Ama Owusu", "GH");
    previous[2] = ("city", "Tamale");
    let page = browser
        .post(&format!("/rounds/{first}/apply"), &previous)
        .await;
    assert!(page.body.contains("Your application is sent"));

    let mut next = ROUND_FIELDS.to_vec();
    next[0] = ("name", "2027 Round 2");
    let second = create_round(&mut admin, &next).await;
    let page = browser.get(&format!("/rounds/{second}/apply")).await;
    assert!(page.body.contains("We filled in your answers"));
    assert!(page.body.contains("value=\"Tamale\""));
    assert!(page.body.contains("value=\"GH\" selected"));
    assert!(!page.body.contains("name=\"consent\" value=\"on\" checked"));
}

#[tokio::test]
async fn a_profile_fills_in_a_first_application_and_a_first_application_makes_one() {
    let app = TestApp::new().await;
    let id = create_round(&mut admin(&app).await, &ROUND_FIELDS).await;
    let user = app.user("pat@iln.test", Role::Participant, &[]).await;
    app.person("Pat Own", "BR", Some(user)).await;
    let mut browser = app.browser();
    browser.sign_in("pat@iln.test").await;
    let page = browser.get(&format!("/rounds/{id}/apply")).await;
    assert!(page.body.contains("value=\"Pat Own\""));
    assert!(page.body.contains("value=\"BR\" selected"));
    assert!(page.body.contains("value=\"America/Sao_Paulo\""));
    assert!(page.body.contains("value=\"national\" selected"));

    let mut newcomer = applicant(&app, "ama@iln.test").await;
    assert!(
        newcomer
            .get("/dashboard")
            .await
            .body
            .contains("You do not have a participant profile yet")
    );
    apply(&mut newcomer, id, "Ama Owusu", "GH").await;
    let dashboard = newcomer.get("/dashboard").await;
    assert!(dashboard.body.contains("Ama Owusu"));
    assert!(dashboard.body.contains("Ghana"));
    assert!(
        !dashboard
            .body
            .contains("You do not have a participant profile yet")
    );
}
