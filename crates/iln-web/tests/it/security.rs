//! Security headers, CSRF, health check and malformed requests.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use iln_domain::account::Role;

use crate::helpers::{BASE, TestApp};

fn assert_security_headers(page: &crate::helpers::Page) {
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("an ASCII header");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(page.headers.contains_key(header::REFERRER_POLICY));
    // The test app is plain HTTP: no HSTS there.
    assert!(!page.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    for path in [
        "/",
        "/signin",
        "/no/such/page",
        "/static/style.css",
        "/healthz",
    ] {
        let page = browser.get(path).await;
        assert_security_headers(&page);
    }
    let refused = browser
        .post_raw(
            "/signin",
            &[("email", "a@b.org")],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_security_headers(&refused);
}

#[tokio::test]
async fn home_page_explains_the_program_with_landmarks() {
    let app = TestApp::new().await;
    let page = app.browser().get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [
        "<main",
        "<nav",
        "<header",
        "<footer",
        "Skip to main content",
        "another country",
        "four months",
        "discussion topic",
        "country coordinators",
    ] {
        assert!(page.body.contains(needle), "home lacks {needle:?}");
    }
    assert!(!page.body.contains("<script"), "no JavaScript anywhere");
    assert!(!page.body.contains("style="), "no inline styles (CSP)");
}

#[tokio::test]
async fn cross_site_posts_are_refused_with_403() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    let csrf = browser.csrf().await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", "x@example.org"),
        ("password", "whatever-long"),
    ];

    let from_evil = browser
        .post_raw("/signin", &fields, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(from_evil.status, StatusCode::FORBIDDEN);

    let cross_site = browser
        .post_raw("/signin", &fields, &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);

    // A browser that sends neither header is still stopped by the token.
    let no_token = browser
        .post_raw(
            "/signin",
            &[("email", "x@example.org"), ("password", "whatever-long")],
            &[],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let wrong_token = browser
        .post_raw(
            "/signin",
            &[
                ("csrf", "forged"),
                ("email", "x@example.org"),
                ("password", "p"),
            ],
            &[("origin", BASE)],
        )
        .await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);

    // The same form from our own origin with the token goes through to the handler.
    let ours = browser
        .post_raw("/signin", &fields, &[("origin", BASE)])
        .await;
    assert_eq!(ours.status, StatusCode::OK, "{}", ours.body);
}

#[tokio::test]
async fn healthz_follows_the_database() {
    let app = TestApp::new().await;
    let mut browser = app.browser();
    assert_eq!(browser.get("/healthz").await.status, StatusCode::OK);
    app.store.close().await;
    assert_eq!(
        browser.get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn malformed_requests_get_friendly_pages_not_500() {
    let app = TestApp::new().await;
    app.user("admin@iln.test", Role::Admin, &[]).await;
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;

    for path in [
        "/people/abc",
        "/people/-1",
        "/people/99999999999999999999",
        "/nothing",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
    }

    let wrong_method = app
        .send(Request::get("/signout").body(Body::empty()).unwrap())
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.body.contains("Not allowed here"));

    let csrf = browser.csrf().await;
    let huge = "x".repeat(200_000);
    let too_big = browser
        .post_raw(
            "/signin",
            &[("csrf", &csrf), ("email", &huge)],
            &[("origin", BASE)],
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.body.contains("Too much data"));

    let cookie = format!("iln_session={}", browser.cookies["iln_session"]);
    let wrong_type = app
        .send(
            Request::post("/signin")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(format!("csrf={csrf}&email=a")))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::BAD_REQUEST);
    assert!(wrong_type.body.contains("web form"));
}

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_logs_never_contain_the_secrets_in_links() {
    let app = TestApp::new().await;
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests on other threads register and drop their own subscribers; a callsite whose
    // interest was cached while none listened here stays silent until the cache is rebuilt.
    // So the request is made again (a few times at most) until its span reaches this log.
    let mut logs = String::new();
    for _ in 0..3 {
        tracing::callsite::rebuild_interest_cache();
        let page = app
            .browser()
            .get("/reset?token=very-secret-token-123")
            .await;
        assert_eq!(page.status, StatusCode::OK);
        logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        if logs.contains("/reset") {
            break;
        }
    }
    assert!(logs.contains("/reset"), "the request is logged: {logs}");
    assert!(!logs.contains("very-secret-token-123"), "{logs}");
}
