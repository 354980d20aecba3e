//! Issue 7's crash test: the server is killed with SIGKILL at arbitrary moments, 24 times,
//! while people sign up and an admin decides applications in bulk. Afterwards every account
//! has its verification email and every decided application its decision email, delivered
//! by the file transport once a server runs again: an action and the email it causes are one
//! transaction, so a kill leaves both or neither.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use iln_store::{EMAIL_JOB, EmailPayload, JobStatus, Store};
use sqlx::{Connection, Row, SqliteConnection};

use crate::cli::{Scratch, run};
use crate::serve::{Running, start_command, stop};

const ADMIN: (&str, &str) = ("admin@example.org", "iln-demo-admin-2013");
const KILLS: usize = 24;

/// One HTTP/1.1 exchange: (status, Set-Cookie values, body). An error means the server went
/// away mid-request, which is what this test causes on purpose.
fn http(
    address: &str,
    method: &str,
    path: &str,
    cookies: &str,
    form: Option<&str>,
) -> std::io::Result<(u16, Vec<String>, String)> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let body = form.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
         Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let cookies = head
        .lines()
        .filter_map(|line| {
            line.strip_prefix("set-cookie: ")
                .or(line.strip_prefix("Set-Cookie: "))
        })
        .map(|cookie| cookie.split(';').next().unwrap_or_default().to_owned())
        .collect();
    Ok((status, cookies, body.to_owned()))
}

fn encode(fields: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in fields {
        out.append_pair(key, value);
    }
    out.finish()
}

/// A fixed CSRF token for visitors (43 token characters, like the server's own): the check
/// compares the form field with the cookie. A signed-in admin's token comes from a page.
const CSRF: &str = "crash-test-csrf-token-0123456789abcdefghijk";

fn csrf_cookie() -> String {
    format!("{}={CSRF}", iln_web::CSRF_COOKIE)
}

/// Signs the admin in and returns the cookies to send with the session's CSRF token, or None
/// if the server was killed.
fn sign_in(address: &str) -> Option<(String, String)> {
    let form = encode(&[
        (iln_web::CSRF_FIELD, CSRF),
        ("email", ADMIN.0),
        ("password", ADMIN.1),
    ]);
    let (status, cookies, _) =
        http(address, "POST", "/signin", &csrf_cookie(), Some(&form)).ok()?;
    assert!(status == 303 || status == 0, "sign-in answered {status}");
    let session = cookies
        .into_iter()
        .find(|c| c.starts_with(iln_web::SESSION_COOKIE))?;
    let cookies = format!("{}; {session}", csrf_cookie());
    let (_, _, page) = http(address, "GET", "/dashboard", &cookies, None).ok()?;
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)?
        .split('"')
        .next()?
        .to_owned();
    Some((cookies, token))
}

fn sign_up(address: &str, n: usize) -> std::io::Result<u16> {
    let email = format!("crash{n}@example.org");
    let form = encode(&[
        (iln_web::CSRF_FIELD, CSRF),
        ("name", &format!("Crash Tester {n}")),
        ("email", &email),
        ("password", "tidal-lantern-orchard-42"),
        ("time_zone", "Europe/Lisbon"),
    ]);
    http(address, "POST", "/signup", &csrf_cookie(), Some(&form)).map(|(s, _, _)| s)
}

fn decide(
    address: &str,
    (cookies, token): &(String, String),
    round: i64,
    ids: &[i64],
) -> std::io::Result<u16> {
    let mut fields = vec![
        (iln_web::CSRF_FIELD.to_owned(), token.clone()),
        ("decision".to_owned(), "approved".to_owned()),
        ("message".to_owned(), String::new()),
    ];
    fields.extend(ids.iter().map(|id| ("ids".to_owned(), id.to_string())));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    http(
        address,
        "POST",
        &format!("/rounds/{round}/review"),
        cookies,
        Some(&encode(&pairs)),
    )
    .map(|(s, _, _)| s)
}

fn start(scratch: &Scratch) -> Running {
    let mut command = scratch.iln();
    command.args(["serve", "--bind", "127.0.0.1:0"]);
    start_command(command)
}

/// A small deterministic generator for the moments of the kills.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_never_loses_an_email() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().arg("demo"));
    assert_eq!(code, 0, "{stderr}");

    // The demo's round in review and its applications still waiting for a decision.
    let mut raw = SqliteConnection::connect(&scratch.database_url())
        .await
        .expect("open");
    let round: i64 =
        sqlx::query("SELECT id FROM rounds WHERE state = 'review' ORDER BY id LIMIT 1")
            .fetch_one(&mut raw)
            .await
            .expect("a round in review")
            .get("id");
    let waiting: Vec<(i64, String)> = sqlx::query(
        "SELECT id, email FROM applications WHERE round_id = $1 AND status = 'submitted' ORDER BY id",
    )
    .bind(round)
    .fetch_all(&mut raw)
    .await
    .expect("applications")
    .iter()
    .map(|row| (row.get("id"), row.get("email")))
    .collect();
    raw.close().await.expect("close");
    assert!(
        waiting.len() >= 12,
        "the demo round should have applications to decide"
    );
    let chunks: Vec<Vec<i64>> = waiting
        .chunks(3)
        .map(|chunk| chunk.iter().map(|(id, _)| *id).collect())
        .collect();

    let mut random = Lcg(2013);
    let mut next_person = 0;
    for kill in 0..KILLS {
        let server = start(&scratch);
        let address = server.address.clone();
        let Some(admin) = sign_in(&address) else {
            continue;
        };
        // Bulk decisions on a few chunks, and sign-ups, all at once from several threads.
        let mut threads = Vec::new();
        for chunk in chunks.iter().skip(kill % chunks.len()).take(2) {
            let (address, admin, chunk) = (address.clone(), admin.clone(), chunk.clone());
            threads.push(std::thread::spawn(move || {
                let status = decide(&address, &admin, round, &chunk);
                // Killed mid-request, or done (303); anything else is the test's own mistake.
                if let Ok(status) = status {
                    assert!(
                        matches!(status, 0 | 303),
                        "a bulk decision answered {status}"
                    );
                }
            }));
        }
        for _ in 0..4 {
            let address = address.clone();
            let n = next_person;
            next_person += 1;
            threads.push(std::thread::spawn(move || {
                if let Ok(status) = sign_up(&address, n) {
                    assert!(matches!(status, 0 | 200), "a sign-up answered {status}");
                }
            }));
        }
        std::thread::sleep(Duration::from_millis(random.below(400)));
        // Dropping the process handle sends SIGKILL: no shutdown, no flush, no goodbye.
        drop(server);
        for thread in threads {
            let _ = thread.join();
        }
    }

    // A server that stays up delivers whatever the killed ones queued.
    let server = start(&scratch);
    let store = Store::connect(&scratch.database_url()).await.expect("open");
    let started = Instant::now();
    // An email job a killed worker was running comes back when its lease (a minute) ends.
    loop {
        let total = store.count_outbox().await.expect("count");
        let jobs = store
            .list_jobs_of_kind(EMAIL_JOB, total, 0)
            .await
            .expect("jobs");
        let open = jobs
            .iter()
            .filter(|job| matches!(job.status, JobStatus::Pending | JobStatus::Running))
            .count();
        if open == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "{open} emails still waiting"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop(server);

    // Who got mail, from the delivered email jobs.
    let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
    let total = store.count_outbox().await.expect("count");
    for job in store
        .list_jobs_of_kind(EMAIL_JOB, total, 0)
        .await
        .expect("jobs")
    {
        assert_eq!(job.status, JobStatus::Done, "{job:?}");
        let email = EmailPayload::from_job(&job).expect("payload");
        *delivered.entry(email.to.to_lowercase()).or_default() += 1;
    }
    let eml = std::fs::read_dir(scratch.path().join("mail"))
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert!(eml >= delivered.values().sum::<usize>(), "{eml} files");

    let mut raw = SqliteConnection::connect(&scratch.database_url())
        .await
        .expect("open");
    let accounts: BTreeSet<String> =
        sqlx::query("SELECT email FROM users WHERE email LIKE 'crash%@example.org'")
            .fetch_all(&mut raw)
            .await
            .expect("users")
            .iter()
            .map(|row| row.get::<String, _>("email").to_lowercase())
            .collect();
    let decided: Vec<(i64, String)> = sqlx::query(
        "SELECT id, email FROM applications WHERE round_id = $1 AND status = 'approved' \
         AND decided_at IS NOT NULL",
    )
    .bind(round)
    .fetch_all(&mut raw)
    .await
    .expect("applications")
    .iter()
    .map(|row| (row.get("id"), row.get::<String, _>("email").to_lowercase()))
    .collect();
    raw.close().await.expect("close");
    let ours: BTreeSet<i64> = waiting.iter().map(|(id, _)| *id).collect();
    let decided: Vec<_> = decided
        .into_iter()
        .filter(|(id, _)| ours.contains(id))
        .collect();

    assert!(
        !accounts.is_empty(),
        "no sign-up got through in {KILLS} runs"
    );
    assert!(
        !decided.is_empty(),
        "no decision got through in {KILLS} runs"
    );
    let without: Vec<_> = decided
        .iter()
        .filter(|(_, email)| !delivered.contains_key(email))
        .collect();
    assert!(
        without.is_empty(),
        "decisions without their email: {without:?}"
    );
    let without: Vec<_> = accounts
        .iter()
        .filter(|a| !delivered.contains_key(*a))
        .collect();
    assert!(
        without.is_empty(),
        "accounts without their email: {without:?}"
    );
    eprintln!(
        "crash test: {KILLS} kills, {} accounts and {} decisions, {} emails delivered",
        accounts.len(),
        decided.len(),
        delivered.values().sum::<usize>()
    );
    store.close().await;
}
