//! The real server on a real socket: connection info, the background outbox worker writing
//! `.eml` files, and graceful shutdown.
#![expect(
    clippy::unwrap_used,
    reason = "the HTTP helper is test code: a panic is a failed test"
)]

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use iln_domain::clock::ManualClock;
use iln_store::Store;
use iln_web::{MailTransportConfig, WebConfig, serve_until};
use jiff::Timestamp;

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request over a fresh connection, on the blocking pool.
async fn http(addr: SocketAddr, request: String) -> Reply {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        Reply {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        }
    })
    .await
    .unwrap()
}

fn between(text: &str, start: &str, end: &str) -> String {
    crate::helpers::between(text, start, end).unwrap()
}

#[tokio::test]
async fn the_real_server_serves_pages_and_delivers_mail_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite:{}", dir.path().join("iln.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let mail_dir = dir.path().join("mail");
    let config = WebConfig {
        base_url: base.clone(),
        secure_cookies: false,
        mail_from: "ILN <noreply@iln.test>".to_owned(),
        mail_transport: MailTransportConfig::Files {
            dir: mail_dir.clone(),
        },
        trust_proxy_headers: false,
        contact_email: None,
        mail_reply_to: None,
        mail_per_second: 0,
    };
    let clock = Arc::new(ManualClock::new(
        Timestamp::from_second(1_800_000_000).unwrap(),
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_until(listener, config, store, clock, async {
        let _ = stopped.await;
    }));

    let health = http(
        addr,
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(health.status, 200);

    let form = http(
        addr,
        format!("GET /signup HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(form.status, 200);
    let cookie = between(&form.head, "set-cookie: ", ";");
    let csrf = between(&form.body, "name=\"csrf\" value=\"", "\"");
    let body = format!(
        "csrf={csrf}&name=Ada+Okafor&email=ada%40example.org&password=tidal-lantern-orchard-42&time_zone="
    );
    let posted = http(
        addr,
        format!(
            "POST /signup HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nOrigin: {base}\r\n\
             Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert_eq!(posted.status, 200, "{}", posted.body);

    // The worker runs by itself: the confirmation lands in the mail folder as an .eml file.
    let mut found = None;
    for _ in 0..100 {
        if let Ok(entries) = std::fs::read_dir(&mail_dir) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if text.contains("ada@example.org") && text.contains("/verify?token=3D") {
                    found = Some(text);
                }
            }
        }
        if found.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mail = found.expect("a confirmation email in the mail folder");
    assert!(mail.contains(&format!("{base}/verify?token=3D")));

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops after the shutdown signal")
        .unwrap()
        .unwrap();
}
