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
