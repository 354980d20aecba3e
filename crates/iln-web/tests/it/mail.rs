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

/// A one-message SMTP server: just enough of RFC 5321 for a client to hand over one email,
/// returning what arrived after DATA.
#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
fn smtp_sink() -> (u16, std::thread::JoinHandle<String>) {
    use std::io::{BufRead as _, BufReader, Write as _};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        writer.write_all(b"220 sink ESMTP\r\n").unwrap();
        let mut data = String::new();
        let mut in_data = false;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    writer.write_all(b"250 queued\r\n").unwrap();
                } else {
                    data.push_str(&line);
                }
                continue;
            }
            let command = line.to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                b"250 sink\r\n"
            } else if command.starts_with("DATA") {
                in_data = true;
                b"354 go ahead\r\n"
            } else if command.starts_with("QUIT") {
                writer.write_all(b"221 bye\r\n").unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            writer.write_all(reply).unwrap();
        }
        data
    });
    (port, handle)
}

#[tokio::test]
async fn the_smtp_mailer_delivers_to_a_server_given_by_url() {
    let (port, sink) = smtp_sink();
    let mailer = iln_web::mail::SmtpMailer::new(
        "ILN <noreply@iln.test>",
        &format!("smtp://127.0.0.1:{port}"),
    )
    .unwrap();
    mailer
        .send(&OutgoingEmail {
            to: "ada@example.org".to_owned(),
            subject: "Reset your password".to_owned(),
            text_body: "Open http://iln.test/reset?token=xyz".to_owned(),
            html_body: None,
        })
        .await
        .unwrap();
    drop(mailer);
    let received = tokio::task::spawn_blocking(move || sink.join().unwrap())
        .await
        .unwrap();
    assert!(received.contains("To: ada@example.org"), "{received}");
    assert!(received.contains("Subject: Reset your password"));
    assert!(received.contains("reset?token=3Dxyz"));
}

#[test]
fn a_bad_smtp_url_is_a_clear_error() {
    let error = iln_web::mail::SmtpMailer::new("ILN <noreply@iln.test>", "not a url")
        .err()
        .expect("refused");
    assert!(error.to_string().contains("SMTP"), "{error}");
}
