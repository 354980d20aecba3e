//! Database trouble reaches people as "busy for a moment" (503 with Retry-After), never as a
//! 500: here another process holds SQLite's write lock while someone signs up.

use std::time::Duration;

use axum::http::{StatusCode, header};
use iln_store::{Store, StoreOptions};

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn a_write_lock_held_elsewhere_answers_503_with_retry_after_and_then_passes() {
    let app = TestApp::with_store_options(StoreOptions {
        sqlite_busy_timeout: Duration::from_millis(100),
    })
    .await;
    let fields = [
        ("name", "Ada Okafor"),
        ("email", "ada.okafor@example.org"),
        ("password", PASSWORD),
        ("time_zone", "Africa/Lagos"),
    ];
    let mut browser = app.browser();
    assert_eq!(browser.get("/signup").await.status, StatusCode::OK);

    // Another process (a second server, `iln admin`, a backup) takes the write lock.
    let other = Store::connect(&app.database_url).await.unwrap();
    let held = other.begin().await.unwrap();

    let page = browser.post("/signup", &fields).await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert_eq!(page.headers[header::RETRY_AFTER], "2");
    assert!(page.body.contains("Nothing was changed"), "{}", page.body);
    // Reading pages still works while the lock is held.
    assert_eq!(browser.get("/signin").await.status, StatusCode::OK);

    held.rollback().await.unwrap();
    other.close().await;
    let page = browser.post("/signup", &fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Check your email"));
    assert_eq!(app.deliver().await, 1);
}

/// A round whose settings were saved by a newer release (format 9) cannot be read: its page
/// says so plainly and changes nothing, instead of a 500.
#[tokio::test]
async fn a_record_saved_in_a_newer_format_shows_a_note_not_a_500() {
    use sqlx::{Connection, Executor};

    let app = TestApp::new().await;
    app.user("admin@iln.test", iln_domain::account::Role::Admin, &[])
        .await;
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let page = browser
        .post(
            "/rounds/new",
            &[
                ("name", "2027 Round 1"),
                ("time_zone", "UTC"),
                ("opens", "2027-01-10"),
                ("closes", "2027-01-31"),
                ("matching", "2027-02-07"),
                ("starts", "2027-02-15"),
                ("languages", "en"),
                ("country_cap", "25"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let path = page.location().to_owned();
    assert_eq!(browser.get(&path).await.status, StatusCode::OK);

    let mut raw = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    raw.execute(r#"UPDATE rounds SET settings = '{"v":9,"data":{"name":"From the future"}}'"#)
        .await
        .unwrap();
    raw.close().await.unwrap();

    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("saved record can"), "{}", page.body);
    assert!(
        page.body.contains("Nothing has been changed"),
        "{}",
        page.body
    );
    // Other pages keep working, and the list of rounds names the unreadable one to admins.
    assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK);
    let list = browser.get("/rounds").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let id = path.trim_start_matches("/rounds/");
    assert!(
        list.body.contains(&format!("Round {id}&#39;s settings")),
        "{}",
        list.body
    );
    assert!(list.body.contains("cannot read"), "{}", list.body);
    // Visitors see the list without the note.
    let visitor = app.browser().get("/rounds").await;
    assert_eq!(visitor.status, StatusCode::OK);
    assert!(!visitor.body.contains("cannot read"), "{}", visitor.body);
}

/// One application saved in a newer format leaves the review list working: the others are
/// listed and the unreadable one is named above them.
#[tokio::test]
async fn an_unreadable_application_is_named_and_the_rest_are_listed() {
    use sqlx::{Connection, Executor};

    use crate::apply::{applicant, apply};
    use crate::rounds::{ROUND_FIELDS, admin, create_round};

    let app = TestApp::new().await;
    let mut coordinator = admin(&app).await;
    let round = create_round(&mut coordinator, &ROUND_FIELDS).await;
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
    let mut raw = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    let row = sqlx::query("SELECT id FROM applications WHERE email = 'chidi@iln.test'")
        .fetch_one(&mut raw)
        .await
        .unwrap();
    let id: i64 = sqlx::Row::get(&row, "id");
    raw.execute(
        sqlx::query("UPDATE applications SET answers = $1 WHERE id = $2")
            .bind(r#"{"v":9,"data":{"name":"From the future"}}"#)
            .bind(id),
    )
    .await
    .unwrap();
    raw.close().await.unwrap();

    let page = coordinator.get(&format!("/rounds/{round}/review")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Wanjiru Kamau"), "{}", page.body);
    assert!(!page.body.contains("Chidi Okeke"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("Application {id}&#39;s answers")),
        "{}",
        page.body
    );
    assert!(page.body.contains("cannot read"), "{}", page.body);
}
