//! The outbox worker: delivery, retries with backoff, and what the outbox page shows.

use axum::http::StatusCode;
use iln_domain::account::{Email, Role};
use iln_store::{EmailStatus, NewEmail};
use iln_web::mail::{FileMailer, Mailer, OutgoingEmail};
use jiff::SignedDuration;

use crate::helpers::TestApp;

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff_and_shown_in_the_outbox() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    app.store
        .enqueue_email(
            &NewEmail {
                to: Email::parse("someone@example.org").unwrap(),
                subject: "Hello".to_owned(),
                text_body: "Body".to_owned(),
                html_body: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    app.mailer.fail_next(1);
    let worker = app.state.outbox_worker();
    let pass = worker.run_once().await.unwrap();
    assert_eq!((pass.sent, pass.failed), (0, 1));

    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let page = browser.get("/admin/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("simulated failure"));
    let dashboard = browser.get("/dashboard").await;
    assert!(
        dashboard
            .body
            .contains("<span class=\"number\">1</span> emails waiting")
    );

    // Not due again yet.
    assert_eq!(worker.run_once().await.unwrap(), Default::default());
    app.clock.advance(SignedDuration::from_mins(2));
    let pass = worker.run_once().await.unwrap();
    assert_eq!((pass.sent, pass.failed), (1, 0));
    let emails = app.store.list_outbox(10, 0).await.unwrap();
    assert_eq!(emails[0].status, EmailStatus::Sent);
    assert_eq!(app.mailer.sent().len(), 1);
}

#[tokio::test]
async fn the_file_mailer_writes_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("mail");
    let mailer = FileMailer::new("ILN <noreply@iln.test>", &mail_dir);
    mailer
        .send(&OutgoingEmail {
            to: "ada@example.org".to_owned(),
            subject: "Confirm".to_owned(),
            text_body: "Open http://iln.test/verify?token=abc".to_owned(),
            html_body: None,
        })
        .await
        .unwrap();
    let files: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    assert_eq!(path.extension().unwrap(), "eml");
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("To: ada@example.org"));
    assert!(text.contains("Content-Transfer-Encoding: quoted-printable"));
    // Quoted-printable writes `=` as `=3D`: what a mail reader decodes back.
    assert!(text.contains("verify?token=3Dabc"), "{text}");
}
