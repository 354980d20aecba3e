//! Email jobs: delivery, retries with backoff, refusals for good, the Message-ID, and what the
//! admin pages show.

use axum::http::StatusCode;
use iln_app::jobs::Ran;
use iln_domain::account::{Email, Role};
use iln_store::{EmailStatus, JobStatus, NewEmail};
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
    let worker = app.state.job_worker();
    let (_, ran) = worker.run_once().await.unwrap().unwrap();
    assert_eq!(ran, Ran::Failed(JobStatus::Pending));

    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let page = browser.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("simulated failure"));
    let dashboard = browser.get("/dashboard").await;
    assert!(
        dashboard
            .body
            .contains("<span class=\"number\">1</span> emails waiting")
    );

    // Not due again yet: the first retry waits 30 s and up to half as long again.
    assert!(worker.run_once().await.unwrap().is_none());
    app.clock.advance(SignedDuration::from_mins(2));
    let (_, ran) = worker.run_once().await.unwrap().unwrap();
    assert_eq!(ran, Ran::Done);
    let emails = app.store.list_outbox(10, 0).await.unwrap();
    assert_eq!(emails[0].status, EmailStatus::Sent);
    let sent = app.mailer.sent();
    assert_eq!(sent.len(), 1);
    // Both attempts carried the Message-ID fixed at enqueue.
    assert_eq!(
        sent[0].message_id.as_deref(),
        Some(emails[0].message_id.as_str())
    );
}

/// A 5xx is an answer for good: the job fails at once, with the server's words as its last
/// error, and no later pass tries it again by itself.
#[tokio::test]
async fn a_permanent_refusal_fails_at_once_with_the_answer_kept() {
    let app = TestApp::new().await;
    app.store
        .enqueue_email(
            &NewEmail {
                to: Email::parse("nobody@example.org").unwrap(),
                subject: "Hello".to_owned(),
                text_body: "Body".to_owned(),
                html_body: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    app.mailer.reject_next(1);
    let worker = app.state.job_worker();
    let (job, ran) = worker.run_once().await.unwrap().unwrap();
    assert_eq!(ran, Ran::Failed(JobStatus::Failed));
    let job = app.store.job(job.id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.attempts, 1);
    assert!(job.last_error.unwrap().contains("550 5.1.1"));
    app.clock.advance(SignedDuration::from_hours(5));
    assert!(worker.run_once().await.unwrap().is_none());
    assert!(app.mailer.sent().is_empty());
}

/// A payload that does not parse (a release that wrote a version this one does not know)
/// fails its job with a clear error, never a panic, and other mail still goes out.
#[tokio::test]
async fn an_unreadable_email_job_fails_and_the_rest_go_out() {
    let app = TestApp::new().await;
    let now = app.clock_now();
    let bad = iln_store::NewJob {
        kind: iln_store::EMAIL_JOB.to_owned(),
        payload: "{\"v\": 9}".to_owned(),
        payload_version: 9,
        run_at: now,
        max_attempts: 8,
        idempotency_key: None,
    };
    let bad = app.store.enqueue_job(&bad, now).await.unwrap();
    app.store
        .enqueue_email(
            &NewEmail {
                to: Email::parse("someone@example.org").unwrap(),
                subject: "Hello".to_owned(),
                text_body: "Body".to_owned(),
                html_body: None,
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(app.deliver().await, 1);
    let bad = app.store.job(bad).await.unwrap().unwrap();
    assert_eq!(bad.status, JobStatus::Failed);
    assert!(bad.last_error.unwrap().contains("version 9"));
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
            message_id: Some("<m1@iln.mail>".to_owned()),
        })
        .await
        .unwrap();
    let files: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    assert_eq!(path.extension().unwrap(), "eml");
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("To: ada@example.org"));
    assert!(text.contains("Message-ID: <m1@iln.mail>"), "{text}");
    assert!(text.contains("Content-Transfer-Encoding: quoted-printable"));
    // Quoted-printable writes `=` as `=3D`: what a mail reader decodes back.
    assert!(text.contains("verify?token=3Dabc"), "{text}");
}

/// A one-message SMTP server: just enough of RFC 5321 for a client to hand over one email,
/// returning what arrived after DATA. It answers the end of the data with `data_reply`.
#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
fn smtp_sink(data_reply: &'static [u8]) -> (u16, std::thread::JoinHandle<String>) {
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
                    writer.write_all(data_reply).unwrap();
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
    let (port, sink) = smtp_sink(b"250 queued\r\n");
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
            message_id: Some("<reset-1@iln.mail>".to_owned()),
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
    assert!(
        received.contains("Message-ID: <reset-1@iln.mail>"),
        "{received}"
    );
}

/// The server's reply decides: a 5xx is a refusal for good (with its answer kept), a 4xx is
/// worth another try.
#[tokio::test]
async fn the_smtp_mailer_tells_a_refusal_from_a_temporary_failure() {
    for (reply, permanent) in [
        (&b"550 5.1.1 no such mailbox\r\n"[..], true),
        (&b"451 4.3.0 try again later\r\n"[..], false),
    ] {
        let (port, sink) = smtp_sink(reply);
        let mailer = iln_web::mail::SmtpMailer::new(
            "ILN <noreply@iln.test>",
            &format!("smtp://127.0.0.1:{port}"),
        )
        .unwrap();
        let error = mailer
            .send(&OutgoingEmail {
                to: "ada@example.org".to_owned(),
                subject: "Hello".to_owned(),
                text_body: "Body".to_owned(),
                html_body: None,
                message_id: None,
            })
            .await
            .unwrap_err();
        drop(mailer);
        let _ = tokio::task::spawn_blocking(move || sink.join()).await;
        match error {
            iln_web::mail::MailError::Rejected(answer) => {
                assert!(permanent, "{answer}");
                assert!(answer.contains("no such mailbox"), "{answer}");
            }
            iln_web::mail::MailError::Delivery(answer) => assert!(!permanent, "{answer}"),
            other => panic!("unexpected {other}"),
        }
    }
}

#[test]
fn a_bad_smtp_url_is_a_clear_error() {
    let error = iln_web::mail::SmtpMailer::new("ILN <noreply@iln.test>", "not a url")
        .err()
        .expect("refused");
    assert!(error.to_string().contains("SMTP"), "{error}");
}

/// The admin's Jobs page: a refused email shows under Failed with the server's answer; Retry
/// sends it again, Cancel calls off one still waiting, both land in the audit log, and a
/// button pressed on a job that has moved on changes nothing. Only admins may press them.
#[tokio::test]
async fn the_jobs_page_shows_failures_and_retries_and_cancels_them() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;
    let email = |to: &str, subject: &str| NewEmail {
        to: Email::parse(to).unwrap(),
        subject: subject.to_owned(),
        text_body: "Body".to_owned(),
        html_body: None,
    };
    app.store
        .enqueue_email(&email("nobody@example.org", "Welcome"), app.clock_now())
        .await
        .unwrap();
    app.mailer.reject_next(1);
    let worker = app.state.job_worker();
    worker.run_once().await.unwrap().unwrap();

    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let page = browser.get("/admin/jobs?status=failed").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Email to nobody@example.org: Welcome"),
        "{}",
        page.body
    );
    assert!(page.body.contains("550 5.1.1"), "{}", page.body);
    assert!(page.body.contains("Failed (1)"), "{}", page.body);
    // Nonsense in the query is ignored, not an error.
    let page = browser
        .get("/admin/jobs?status=%ff&page=-3&retried=x")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // The old address still leads here.
    let page = browser.get("/admin/outbox").await;
    assert_eq!(page.location(), "/admin/jobs");

    let job = app.store.list_jobs(None, 10, 0).await.unwrap()[0].id;
    let retry = format!("/admin/jobs/{}/retry", job.0);
    let page = browser.post(&retry, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), format!("/admin/jobs?retried={}", job.0));
    assert!(
        browser
            .get(page.location())
            .await
            .body
            .contains("will run again")
    );
    let (_, ran) = worker.run_once().await.unwrap().unwrap();
    assert_eq!(ran, Ran::Done);
    assert_eq!(app.mailer.sent().len(), 1);
    // Done now: a second retry changes nothing and says so.
    let page = browser.post(&retry, &[]).await;
    assert_eq!(page.location(), format!("/admin/jobs?unchanged={}", job.0));

    app.store
        .enqueue_email(&email("later@example.org", "Reminder"), app.clock_now())
        .await
        .unwrap();
    let waiting = app
        .store
        .list_jobs(Some(JobStatus::Pending), 10, 0)
        .await
        .unwrap()[0]
        .id;
    let page = browser
        .post(&format!("/admin/jobs/{}/cancel", waiting.0), &[])
        .await;
    assert_eq!(
        page.location(),
        format!("/admin/jobs?cancelled={}", waiting.0)
    );
    assert!(worker.run_once().await.unwrap().is_none());
    assert_eq!(app.mailer.sent().len(), 1);
    let page = browser.get("/admin/jobs?status=cancelled").await;
    assert!(
        page.body.contains("Email to later@example.org: Reminder"),
        "{}",
        page.body
    );
    let audit = browser.get("/admin/audit").await;
    assert!(audit.body.contains("job.retry"), "{}", audit.body);
    assert!(audit.body.contains("job.cancel"), "{}", audit.body);

    // A missing job is a 404; a country coordinator may not press the buttons.
    assert_eq!(
        browser.post("/admin/jobs/99999/retry", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    assert_eq!(
        coordinator.post(&retry, &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn replies_go_to_the_configured_address() {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("mail");
    let mailer = FileMailer::new("ILN <noreply@iln.test>", &mail_dir)
        .with_reply_to(Some("ILN coordinators <team@iln.test>".to_owned()));
    mailer
        .send(&OutgoingEmail {
            to: "ada@example.org".to_owned(),
            subject: "Discussion topic".to_owned(),
            text_body: "Hello".to_owned(),
            html_body: Some("<p>Hello</p>".to_owned()),
            message_id: Some("<m2@iln.mail>".to_owned()),
        })
        .await
        .unwrap();
    let file = std::fs::read_dir(&mail_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let text = std::fs::read_to_string(file.path()).unwrap();
    assert!(
        text.contains("Reply-To: \"ILN coordinators\" <team@iln.test>")
            || text.contains("Reply-To: ILN coordinators <team@iln.test>"),
        "{text}"
    );
    // Both parts: plain text and HTML.
    assert!(text.contains("multipart/alternative"), "{text}");
    assert!(!iln_web::mail::is_mailbox("not an address"));
}

/// Pacing on tokio's paused clock: the third of three messages at two a second goes a
/// second after the first, however fast the transport is. Virtual time, not a stopwatch.
#[tokio::test(start_paused = true)]
async fn the_sending_rate_is_kept() {
    use iln_app::jobs::Handler as _;
    use iln_web::mail::{EmailJobs, MemoryMailer};

    let mailer = std::sync::Arc::new(MemoryMailer::new());
    let jobs = EmailJobs::new(mailer.clone()).per_second(2);
    let payload = serde_json::json!({
        "v": 1,
        "message_id": "<m@iln.mail>",
        "to": "ada@example.org",
        "subject": "Hello",
        "text_body": "Hello",
        "html_body": null
    });
    let job = iln_store::Job {
        id: iln_store::JobId(1),
        kind: iln_store::EMAIL_JOB.to_owned(),
        payload: payload.to_string(),
        payload_version: iln_store::EMAIL_PAYLOAD_VERSION,
        run_at: jiff::Timestamp::UNIX_EPOCH,
        status: JobStatus::Running,
        attempts: 1,
        max_attempts: 5,
        lease_owner: None,
        lease_until: None,
        idempotency_key: None,
        last_error: None,
        created_at: jiff::Timestamp::UNIX_EPOCH,
        updated_at: jiff::Timestamp::UNIX_EPOCH,
        finished_at: None,
    };
    let start = tokio::time::Instant::now();
    for _ in 0..3 {
        jobs.run(&job).await.unwrap();
    }
    assert_eq!(mailer.sent().len(), 3);
    assert_eq!(
        tokio::time::Instant::now() - start,
        std::time::Duration::from_secs(1)
    );
}
