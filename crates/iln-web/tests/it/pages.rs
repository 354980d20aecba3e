//! The code of conduct and the privacy notice: real pages anyone can read, linked from the
//! footer of every page, from sign-up, and from the application form's consent box.

use axum::http::StatusCode;

use crate::apply::applicant;
use crate::helpers::TestApp;
use crate::rounds::{ROUND_FIELDS, admin, create_round};

#[tokio::test]
async fn the_code_of_conduct_and_privacy_notice_are_linked_wherever_consent_is_given() {
    let app = TestApp::new().await;
    let mut visitor = app.browser();
    let conduct = visitor.get("/code-of-conduct").await;
    assert_eq!(conduct.status, StatusCode::OK);
    assert!(conduct.body.contains("<h1>Code of conduct</h1>"));
    assert!(conduct.body.contains("If something goes wrong"));
    // People write to the program coordinators at the sender of the platform's emails.
    assert!(
        conduct.body.contains("mailto:noreply@iln.test"),
        "{}",
        conduct.body
    );
    let privacy = visitor.get("/privacy").await;
    assert_eq!(privacy.status, StatusCode::OK);
    assert!(privacy.body.contains("<h1>Privacy notice</h1>"));
    for topic in [
        "What we store",
        "Who can see what",
        "How long we keep it",
        "Your choices",
    ] {
        assert!(privacy.body.contains(topic), "{topic}");
    }

    for path in ["/", "/signin", "/code-of-conduct"] {
        let page = visitor.get(path).await;
        assert!(
            page.body.contains(r#"<a href="/code-of-conduct">"#),
            "{path}"
        );
        assert!(page.body.contains(r#"<a href="/privacy">"#), "{path}");
    }
    let signup = visitor.get("/signup").await;
    assert!(
        signup
            .body
            .contains("you agree to the <a href=\"/code-of-conduct\">")
    );

    let mut coordinator = admin(&app).await;
    let round = create_round(&mut coordinator, &ROUND_FIELDS).await;
    let mut person = applicant(&app, "ada@example.org").await;
    let form = person.get(&format!("/rounds/{round}/apply")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let consent = form
        .body
        .split("id=\"consent\"")
        .nth(1)
        .expect("the consent box");
    assert!(consent.contains(r#"<a href="/code-of-conduct">"#));
    assert!(consent.contains(r#"<a href="/privacy">"#));
}
