//! Whatever arrives, the answer is a page, never a 500 or a panic.

use axum::body::Body;
use axum::http::{Method, Request, header};
use iln_domain::account::Role;
use proptest::prelude::*;

use crate::helpers::{BASE, TestApp};

// No sign-out here: it would end the one session every signed-in case uses.
const PATHS: [&str; 16] = [
    "/",
    "/signin",
    "/signup",
    "/verify",
    "/verify/resend",
    "/forgot",
    "/reset",
    "/account/password",
    "/dashboard",
    "/people",
    "/people/",
    "/people/1",
    "/admin/users/",
    "/admin/users/1/role",
    "/admin/users/2/role",
    "/admin/audit",
];
const FIELDS: [&str; 10] = [
    "email",
    "password",
    "name",
    "time_zone",
    "token",
    "role",
    "countries",
    "current",
    "page",
    "csrf",
];

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn random_requests_never_cause_a_server_error() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(TestApp::new());
    let (session, csrf) = runtime.block_on(async {
        let target = app.user("member@iln.test", Role::Participant, &[]).await;
        app.person("Some One", "KE", Some(target)).await;
        app.user("admin@iln.test", Role::Admin, &[]).await;
        let mut browser = app.browser();
        browser.sign_in("admin@iln.test").await;
        let csrf = browser.csrf().await;
        (browser.cookies["iln_session"].clone(), csrf)
    });

    let strategy = (
        prop::sample::select(&PATHS[..]),
        ".{0,12}",
        prop::sample::select(vec![Method::GET, Method::POST, Method::PUT, Method::HEAD]),
        prop::collection::vec((prop::sample::select(&FIELDS[..]), ".{0,40}"), 0..6),
        any::<bool>(),
        any::<bool>(),
    );
    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |((path, suffix, method, fields, signed_in, with_token) in strategy)| {
        let uri = format!("{path}{}", encode(&suffix));
        let mut body = form_urlencoded::Serializer::new(String::new());
        if with_token {
            body.append_pair("csrf", &csrf);
        }
        for (key, value) in &fields {
            body.append_pair(key, value);
        }
        let mut request = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(header::ORIGIN, BASE)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if signed_in {
            request = request.header(header::COOKIE, format!("iln_session={session}"));
        }
        let page = runtime.block_on(app.send(request.body(Body::from(body.finish())).unwrap()));
        prop_assert!(
            !page.status.is_server_error(),
            "{method} {uri} gave {}: {}",
            page.status,
            page.body
        );
    });
}
