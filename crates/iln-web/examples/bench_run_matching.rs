//! Benchmark of the app's "Run matching" for a round of N approved applicants (default
//! 10,000): the admin's POST to `/rounds/{id}/matching/run` through the real router, on a
//! real SQLite database, which reads the approved applications and everyone's past partners
//! from the store, scores and matches them with the domain code and the engine, and stores
//! the run (the proposal as JSON); then the GET of the page that shows it. The phases are
//! also timed one by one through the same public APIs. Run it through
//! `scripts/bench-run-matching`.
//!
//! Usage: bench_run_matching DATABASE_FILE [PEOPLE] [--runs N]
//!
//! The database is filled once (slowly: every application goes through the store's duplicate
//! check) and reused when the file exists, so repeated runs time only the matching.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, header};
use iln_demo as demo;
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{Application, ApplicationForm, InterestCatalogue};
use iln_domain::clock::{Clock, SystemClock};
use iln_domain::proposal::{self, Applicant, MatchMode, MatchRequest};
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_store::{
    ApplicationFilter, ApplicationId, ApplicationStatus, MatchOptions, MatchRunKind, NewMatchRun,
    NewPartnership, NewPartnershipMember, NewUser, PartnerProfile, RoundId, Store, UserId,
    matching_applicant,
};
use iln_web::mail::MemoryMailer;
use iln_web::{AppState, MailTransportConfig, WebConfig, router};
use sha2::{Digest, Sha256};
use tower::ServiceExt as _;

const BASE: &str = "http://bench.test";
const ROUND_NAME: &str = "Benchmark round";

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: bench_run_matching DATABASE_FILE [PEOPLE] [--runs N]");
        std::process::exit(2);
    };
    let mut people = 10_000usize;
    let mut runs = 3usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(3),
            other => people = other.parse()?,
        }
    }
    let fresh = !std::path::Path::new(&path).exists();
    let store = Store::connect(&format!("sqlite:{path}")).await?;
    store.migrate().await?;
    if fresh {
        let started = Instant::now();
        fill(&store, people).await?;
        println!(
            "filled the database with {people} approved applicants in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let round = store
        .list_rounds()
        .await?
        .into_iter()
        .find(|r| r.round.settings.name.as_str() == ROUND_NAME)
        .ok_or("the database has no benchmark round; delete the file to fill it again")?;

    // An admin session, as the sign-in page would start it.
    let admin = store
        .user_by_email(&Email::parse("bench-admin@example.org")?)
        .await?
        .ok_or("no benchmark admin")?;
    let session = format!("bench-session-{}", SystemClock.now().as_microsecond());
    let now = SystemClock.now();
    store
        .create_session(
            &hex::encode(Sha256::digest(session.as_bytes())),
            admin.id,
            now,
            now.saturating_add(jiff::SignedDuration::from_hours(1))?,
        )
        .await?;
    let csrf = hex::encode(Sha256::digest(format!("csrf:{session}").as_bytes()));
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
        Arc::new(SystemClock),
        Arc::new(MemoryMailer::new()),
    );
    let app = router(state);
    println!(
        "machine: {} cores, load average {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    for run in 1..=runs {
        println!("== run {run}");
        phases(&store, round.id, &round.round.settings).await?;

        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("csrf", csrf.as_str()),
                ("shared_interests", "10"),
                ("preference", "10"),
                ("sector", "10"),
                ("waking_hours", "10"),
                ("communication", "5"),
                ("wider_network", "10"),
                ("languages", "en"),
                ("mode", "best_total"),
                ("leftover", "trio"),
            ])
            .finish();
        let request = Request::post(format!("/rounds/{}/matching/run", round.id))
            .header(header::COOKIE, format!("iln_session={session}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, BASE)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))?;
        let t = Instant::now();
        let response = app.clone().oneshot(request).await?;
        let status = response.status();
        println!(
            "POST Run matching (store reads, scoring, engine, explanations, store the run): {:.3} s ({status})",
            t.elapsed().as_secs_f64()
        );

        let request = Request::get(format!("/rounds/{}/matching", round.id))
            .header(header::COOKIE, format!("iln_session={session}"))
            .body(Body::empty())?;
        let t = Instant::now();
        let response = app.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        println!(
            "GET the page (read the last two runs, compare, render): {:.3} s ({status}, {} KB)",
            t.elapsed().as_secs_f64(),
            bytes.len() / 1024
        );
    }
    Ok(())
}

/// The same work as the handler, phase by phase, through the store's and domain's APIs.
async fn phases(store: &Store, round: RoundId, settings: &RoundSettings) -> Result<(), Failure> {
    let t = Instant::now();
    let approved = store
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Approved),
        )
        .await?;
    println!(
        "  store: read {} approved applications: {:.3} s",
        approved.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let past = store.all_past_partners().await?;
    println!(
        "  store: past partners of everyone ({} people with history): {:.3} s",
        past.len(),
        t.elapsed().as_secs_f64()
    );
    let by_user: BTreeMap<UserId, ApplicationId> =
        approved.iter().map(|r| (r.user, r.id)).collect();
    let none = BTreeSet::new();
    let applicants: Vec<Applicant> = approved
        .iter()
        .map(|r| matching_applicant(r, &past, &by_user, &none))
        .collect();
    let mut request = MatchRequest::for_round(settings, applicants);
    request.mode = MatchMode::BestTotal;
    let t = Instant::now();
    let result = proposal::run(&request)?;
    println!(
        "  domain and engine: score, candidates, match, price, verify, trios, explain: {:.3} s ({} partnerships, total {}, lowest {:?}, certified {})",
        t.elapsed().as_secs_f64(),
        result.partnerships.len(),
        result.total,
        result.lowest,
        result.certified
    );
    let t = Instant::now();
    store
        .save_match_run(
            &NewMatchRun {
                round,
                kind: MatchRunKind::Round,
                run_by: None,
                options: &MatchOptions::of(&request),
                proposal: &result,
            },
            SystemClock.now(),
        )
        .await?;
    println!(
        "  store: save the run (options and proposal as JSON): {:.3} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// An admin, a round in matching with `people` approved applicants from the demo network's
/// generator (consecutive seeds), and a closed earlier round where a quarter of them had a
/// partner.
async fn fill(store: &Store, people: usize) -> Result<(), Failure> {
    let now = SystemClock.now();
    store
        .create_user(
            &NewUser {
                email: Email::parse("bench-admin@example.org")?,
                display_name: DisplayName::parse("Benchmark admin")?,
                password_hash: None,
                role: Role::Admin,
                countries: Vec::new(),
                email_verified: true,
                time_zone: None,
            },
            now,
        )
        .await?;
    let settings = |name: &str| {
        RoundSettings::parse(&RoundForm {
            name: name.to_owned(),
            time_zone: "UTC".to_owned(),
            opens: "2027-01-04".to_owned(),
            closes: "2027-01-31".to_owned(),
            matching: "2027-02-07".to_owned(),
            starts: "2027-03-01".to_owned(),
            languages: "en".to_owned(),
            // No country passes a cap in a benchmark: every applicant stays approved.
            country_cap: "100".to_owned(),
            ..RoundForm::default()
        })
        .map_err(|e| format!("{e:?}"))
    };
    let round = store.create_round(&settings(ROUND_NAME)?, now).await?;
    let catalogue = InterestCatalogue::default_topics();
    let mut users = Vec::with_capacity(people);
    let mut seed = demo::DEFAULT_SEED;
    'fill: loop {
        for person in demo::generate(seed).people {
            let n = users.len();
            if n == people {
                break 'fill;
            }
            let email = format!("bench{n}@example.org");
            let user = store
                .create_user(
                    &NewUser {
                        email: Email::parse(&email)?,
                        display_name: DisplayName::parse(&person.full_name)?,
                        password_hash: None,
                        role: Role::Participant,
                        countries: Vec::new(),
                        email_verified: true,
                        time_zone: None,
                    },
                    now,
                )
                .await?;
            let form = ApplicationForm {
                name: person.full_name.clone(),
                email,
                country: person.country.as_str().to_owned(),
                city: person.city.clone(),
                time_zone: person.time_zone.as_str().to_owned(),
                // Institutions repeat across seeds; the index keeps people distinct.
                institution: format!("{} {n}", person.institution),
                sector: person.sector.as_str().to_owned(),
                role: "Librarian".to_owned(),
                career_stage: person.career_stage.as_str().to_owned(),
                interests: person.interests.clone(),
                languages: person.languages.clone(),
                communication: vec![["email", "video", "chat", "social_media"][n % 4].to_owned()],
                match_preference: ["any", "career_stage", "interest_sector"][n % 3].to_owned(),
                goals: "Learn".to_owned(),
                offer: "Share".to_owned(),
                consent: "on".to_owned(),
                ..ApplicationForm::default()
            };
            let application =
                Application::parse(&form, &catalogue).map_err(|e| format!("{e:?}"))?;
            let id = store
                .submit_application(round, user, &application, now)
                .await?;
            store
                .set_application_status(id, ApplicationStatus::Approved, None, now)
                .await?;
            users.push((user, application));
            if users.len() % 1000 == 0 {
                eprintln!("  {} applicants stored", users.len());
            }
        }
        seed += 1;
    }
    store
        .set_round_state(round, RoundState::Matching, now)
        .await?;

    // About a quarter had a partner in an earlier round: people are generated country by
    // country, so person i is paired with person n - 1 - i, from the other end of the list.
    let past = store
        .create_round(&settings("Benchmark past round")?, now)
        .await?;
    store.set_round_state(past, RoundState::Closed, now).await?;
    let member = |(user, application): &(UserId, Application)| NewPartnershipMember {
        user: *user,
        application: None,
        country: application.country,
        sector: application.sector,
        profile: PartnerProfile::of(application),
    };
    let mut partnerships = Vec::new();
    let mut used = BTreeSet::new();
    let n = users.len();
    for i in (0..n / 2).step_by(4) {
        let (a, b) = (&users[i], &users[n - 1 - i]);
        if a.1.country != b.1.country && used.insert(i) && used.insert(n - 1 - i) {
            partnerships.push(NewPartnership {
                round: past,
                run: None,
                score: 0,
                explanation: "an earlier round".to_owned(),
                members: vec![member(a), member(b)],
            });
        }
    }
    store.create_partnerships(&partnerships, true, now).await?;
    Ok(())
}
