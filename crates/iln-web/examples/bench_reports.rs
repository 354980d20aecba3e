//! Benchmark of the report pages (issue 10) for a round of 10,000 participants: the GETs of
//! `/reports`, `/reports/map` (applicants and participants) and `/reports/fairness` through
//! the real router on a real SQLite database, for the round and for every round together.
//! Run it through `scripts/bench-reports`.
//!
//! Usage: bench_reports DATABASE_FILE [--runs N]
//!
//! DATABASE_FILE is `scripts/bench-run-matching`'s (a round of N approved applicants in
//! matching, with a run). The first time, a copy of it (`DATABASE_FILE.reports`) is
//! published and given a round's life: two to four contacts logged by most partnerships
//! (every fifth none in its first two weeks, every eleventh none at all), one in fifty
//! ended early, and an end-of-round survey answered by three in five members. The pages are
//! read as of 30 days after the introductions, so the no-contact column counts everyone.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, header};
use iln_app::{Actor, App, Links, matching};
use iln_domain::account::Email;
use iln_domain::clock::{Clock, ManualClock, SystemClock};
use iln_domain::contact::ContactWay;
use iln_domain::round::RoundState;
use iln_domain::survey::{AnswerValue, QuestionKey, Response, SurveyKind};
use iln_store::{RoundId, Store};
use iln_web::mail::MemoryMailer;
use iln_web::{AppState, MailTransportConfig, WebComposer, WebConfig, router};
use sha2::{Digest, Sha256};
use tower::ServiceExt as _;

const BASE: &str = "http://bench.test";
const ROUND_NAME: &str = "Benchmark round";
/// How long after the introductions the pages are read.
const DAYS_LATER: i64 = 30;

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let Some(base) = args.next() else {
        eprintln!("usage: bench_reports DATABASE_FILE [--runs N]");
        std::process::exit(2);
    };
    let mut runs = 5usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let work = format!("{base}.reports");
    let fresh = !std::path::Path::new(&work).exists();
    if fresh {
        std::fs::copy(&base, &work)?;
    }
    let store = Store::connect(&format!("sqlite:{work}")).await?;
    store.migrate().await?;
    let round = store
        .list_rounds()
        .await?
        .into_iter()
        .find(|r| r.round.settings.name.as_str() == ROUND_NAME)
        .ok_or("the database has no benchmark round; run scripts/bench-run-matching")?;
    if fresh {
        let t = Instant::now();
        live(&store, round.id, round.round.state).await?;
        println!(
            "published the round and logged its contacts and answers in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let partnerships = store.round_partnerships(round.id).await?;
    let introduced = partnerships
        .first()
        .map(|p| p.created_at)
        .ok_or("the round has no partnerships")?;
    let clock = Arc::new(ManualClock::new(
        introduced.saturating_add(jiff::SignedDuration::from_hours(24 * DAYS_LATER))?,
    ));

    // An admin session, as the sign-in page would start it.
    let admin = store
        .user_by_email(&Email::parse("bench-admin@example.org")?)
        .await?
        .ok_or("no benchmark admin")?;
    let session = format!("bench-session-{}", SystemClock.now().as_microsecond());
    let now = clock.now();
    store
        .create_session(
            &hex::encode(Sha256::digest(session.as_bytes())),
            admin.id,
            now,
            now.saturating_add(jiff::SignedDuration::from_hours(1))?,
        )
        .await?;
    let config = WebConfig {
        base_url: BASE.to_owned(),
        secure_cookies: false,
        mail_from: "ILN <noreply@bench.test>".to_owned(),
        mail_transport: MailTransportConfig::Files {
            dir: std::env::temp_dir(),
        },
        trust_proxy_headers: false,
        contact_email: None,
        mail_reply_to: None,
        mail_per_second: 0,
    };
    let state = AppState::new(
        config,
        store.clone(),
        clock.clone(),
        Arc::new(MemoryMailer::new()),
    );
    let app = router(state);
    let applications = store
        .count_applications_by_status(round.id, &iln_store::PeopleScope::All)
        .await?;
    println!(
        "machine: {} cores, load average {}; the round: {} applications, {} partnerships, {} contacts",
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        applications.iter().map(|(_, n)| n).sum::<i64>(),
        partnerships.len(),
        store
            .contact_counts(round.id, &iln_store::PeopleScope::All)
            .await?
            .per_day
            .iter()
            .map(|(_, n)| n)
            .sum::<usize>(),
    );

    let pages = [
        format!("/reports?round={}", round.id),
        format!("/reports/map?round={}", round.id),
        format!("/reports/map?round={}&of=participants", round.id),
        format!("/reports/fairness?round={}", round.id),
        "/reports/fairness".to_owned(),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
    for run in 1..=runs {
        let mut line = format!("run {run}:");
        for (page, spent) in pages.iter().zip(times.iter_mut()) {
            let request = Request::get(page.as_str())
                .header(header::COOKIE, format!("iln_session={session}"))
                .body(Body::empty())?;
            let t = Instant::now();
            let response = app.clone().oneshot(request).await?;
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
            let seconds = t.elapsed().as_secs_f64();
            if !status.is_success() {
                return Err(format!("{page} answered {status}").into());
            }
            line.push_str(&format!(
                " {page} {:.0} ms ({} KB);",
                seconds * 1000.0,
                bytes.len() / 1024
            ));
            spent.push(seconds);
        }
        println!("{line}");
    }
    for (page, spent) in pages.iter().zip(times.iter_mut()) {
        spent.sort_by(f64::total_cmp);
        println!(
            "{page}: median {:.0} ms (min {:.0}, max {:.0}) over {runs} runs",
            spent.get(spent.len() / 2).copied().unwrap_or_default() * 1000.0,
            spent.first().copied().unwrap_or_default() * 1000.0,
            spent.last().copied().unwrap_or_default() * 1000.0,
        );
    }
    store.close().await;
    Ok(())
}

/// Publishes the round and gives it contacts, a few early endings and survey answers.
async fn live(store: &Store, round: RoundId, state: RoundState) -> Result<(), Failure> {
    if state != RoundState::Matching {
        return Err("the benchmark round is not in matching".into());
    }
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(WebComposer),
        Links::new(BASE),
    );
    matching::publish(&app, &Actor::Cli, round).await?;
    let partnerships = store.round_partnerships(round).await?;
    let settings = store
        .round(round)
        .await?
        .ok_or("the round went")?
        .round
        .settings;
    let mut tx = store.begin().await?;
    for (n, p) in partnerships.iter().enumerate() {
        if n % 11 == 10 {
            continue;
        }
        let first = if n % 5 == 4 { 16 } else { 1 + n % 6 };
        for k in 0..(2 + n % 3) {
            let day = i64::try_from(first + k * 8)?;
            let at = p.created_at + jiff::SignedDuration::from_hours(24 * day);
            let by = p.members[k % p.members.len()].user;
            tx.log_contact(
                p.id,
                by,
                at.to_zoned(jiff::tz::TimeZone::UTC).date(),
                ContactWay::ALL[(n + k) % ContactWay::ALL.len()],
                None,
                at,
            )
            .await?;
        }
    }
    let survey = iln_domain::survey::defaults(&settings)
        .into_iter()
        .find(|s| s.kind == SurveyKind::EndOfRound)
        .ok_or("no end-of-round survey")?;
    let id = tx
        .create_survey(round, &survey, None, SystemClock.now())
        .await?;
    tx.mark_survey_opened(id, SystemClock.now()).await?;
    let key = QuestionKey::parse("satisfaction").ok_or("no satisfaction key")?;
    for (n, p) in partnerships.iter().enumerate() {
        for (k, m) in p.members.iter().enumerate() {
            let hash = hex::encode(Sha256::digest(format!("bench-link-{}", m.user).as_bytes()));
            tx.invite_to_survey(id, m.user, m.country, &hash, SystemClock.now())
                .await?;
            if (n + k) % 5 < 3 {
                let invitation = tx
                    .invitation_by_hash(&hash)
                    .await?
                    .ok_or("the invitation went")?
                    .id;
                let mut response = Response::default();
                let rating = u8::try_from(1 + (n * 7 + k * 3) % 5)?;
                response
                    .answers
                    .insert(key.clone(), AnswerValue::Rating(rating));
                tx.save_response(
                    id,
                    invitation,
                    &format!("bench-respondent-{}", m.user),
                    Some(m.user),
                    m.country,
                    &response,
                    SystemClock.now(),
                )
                .await?;
            }
        }
    }
    tx.commit().await?;
    for p in partnerships.iter().skip(7).step_by(50) {
        store
            .end_partnership(p.id, None, "We could not find a time", SystemClock.now())
            .await?;
    }
    Ok(())
}
