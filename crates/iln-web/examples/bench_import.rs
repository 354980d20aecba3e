//! Benchmark of importing applications (issue 10): a Google-Forms-style CSV of N rows (the
//! words people type: "15+ years", "USA", "Academic library", checkbox answers joined by
//! ", ", with some look-alike applicants for the duplicate check) into an open round on
//! SQLite, through the same use-cases as the import pages: upload (read and keep the file),
//! check (the preview of every row), commit (people, applications, notes, invitations with
//! their emails composed by the site's composer, duplicate flags, the audit entry, in one
//! transaction). Run it through `scripts/bench-import`.
//!
//! Usage: bench_import [--rows N] [--runs N]
//!
//! Prints each phase of each run and the medians; the targets at 10,000 rows are a preview
//! under 3 s and a commit under 10 s.

use std::sync::Arc;
use std::time::Instant;

use iln_app::import::{self, File};
use iln_app::{Actor, App, Links};
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::clock::SystemClock;
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_store::{ApplicationFilter, NewUser, Store};
use iln_web::WebComposer;

type Failure = Box<dyn std::error::Error>;

const COUNTRIES: [&str; 24] = [
    "Australia",
    "USA",
    "UK",
    "Brazil",
    "India",
    "Kenya",
    "Nigeria",
    "South Africa",
    "Canada",
    "Germany",
    "France",
    "Spain",
    "Mexico",
    "Philippines",
    "Malaysia",
    "Japan",
    "Korea, Republic of",
    "New Zealand",
    "Ireland",
    "Ghana",
    "Uganda",
    "Pakistan",
    "Chile",
    "United States of America",
];
const SECTORS: [&str; 6] = [
    "Academic library",
    "Public library",
    "School library",
    "Special library",
    "National library",
    "Archives",
];
const STAGES: [&str; 5] = [
    "0-5 years",
    "5-15 years",
    "15+ years",
    "More than 15 years",
    "Student",
];
const INTERESTS: [&str; 8] = [
    "Open access",
    "Social media",
    "Information literacy",
    "Cataloguing and metadata",
    "Children's services",
    "Research data",
    "Advocacy",
    "Leadership",
];
const LANGUAGES: [&str; 5] = [
    "English",
    "English, Spanish",
    "English, French",
    "Portuguese, English",
    "English, German",
];
const WAYS: [&str; 3] = ["Email", "Email, Video calls", "Email, Chat"];
const PREFERENCES: [&str; 3] = [
    "Open to any",
    "Someone at a similar career stage",
    "By interest/sector",
];

fn csv(rows: usize) -> String {
    let mut out = String::from(
        "Timestamp,Email Address,Your name,Which country do you work in?,City or town,\
         Institution / organisation,Type of library,Job title,Years of experience,\
         Areas of interest,Languages you speak,How would you like to communicate?,\
         Who would you like to be matched with?,What do you hope to gain from the program?\n",
    );
    for i in 0..rows {
        // Every 50th applicant is a look-alike of the one before (same name, institution and
        // country, another address): the duplicate check has work to do.
        let who = if i % 50 == 49 { i - 1 } else { i };
        let interests = format!(
            "\"{}, {}\"",
            INTERESTS[i % INTERESTS.len()],
            INTERESTS[(i / 3 + 1) % INTERESTS.len()]
        );
        out.push_str(&format!(
            "2017/02/{:02} {:02}:{:02}:00,person{i}@bench.test,Person {who},\"{}\",City {},\
             Library {who},{},Librarian,{},{interests},\"{}\",\"{}\",{},\"I hope to learn, \
             share and meet colleagues, row {i}\"\n",
            1 + i % 28,
            i % 24,
            i % 60,
            COUNTRIES[who % COUNTRIES.len()],
            who % 97,
            SECTORS[i % SECTORS.len()],
            STAGES[i % STAGES.len()],
            LANGUAGES[i % LANGUAGES.len()],
            WAYS[i % WAYS.len()],
            PREFERENCES[i % PREFERENCES.len()],
        ));
    }
    out
}

fn settings(now: jiff::Timestamp) -> Result<RoundSettings, Failure> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let day = |offset: i64| -> Result<String, Failure> {
        Ok(today
            .checked_add(jiff::Span::new().days(offset))?
            .to_string())
    };
    RoundSettings::parse(&RoundForm {
        name: "Benchmark round".to_owned(),
        opens: day(-5)?,
        closes: day(20)?,
        matching: day(25)?,
        starts: day(30)?,
        languages: "en".to_owned(),
        country_cap: "100".to_owned(),
        ..RoundForm::default()
    })
    .map_err(|e| format!("{e:?}").into())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let mut rows = 10_000usize;
    let mut runs = 3usize;
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|n| n.parse().ok());
        match (arg.as_str(), value) {
            ("--rows", Some(n)) => rows = n,
            ("--runs", Some(n)) => runs = n.max(1),
            _ => return Err(format!("unknown or incomplete argument {arg}").into()),
        }
    }
    let text = csv(rows);
    println!(
        "a Google-Forms-style file of {rows} rows, {:.1} MB",
        text.len() as f64 / 1e6
    );
    let (mut uploads, mut previews, mut commits) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite:{}", dir.path().join("bench.db").display());
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        let clock = Arc::new(SystemClock);
        let now = iln_domain::clock::Clock::now(&*clock);
        let app = App::new(
            store.clone(),
            clock,
            Arc::new(WebComposer),
            Links::new("https://iln.bench"),
        );
        let round = store.create_round(&settings(now)?, now).await?;
        store.set_round_state(round, RoundState::Open, now).await?;
        let admin = store
            .create_user(
                &NewUser {
                    email: Email::parse("admin@bench.test")?,
                    display_name: DisplayName::parse("Bench Admin")?,
                    password_hash: None,
                    role: Role::Admin,
                    countries: Vec::new(),
                    email_verified: true,
                    time_zone: None,
                },
                now,
            )
            .await?;
        let actor = Actor::User {
            id: admin,
            role: Role::Admin,
            countries: Vec::new(),
        };
        let started = Instant::now();
        let upload = import::upload(
            &app,
            &actor,
            round,
            File {
                name: "responses.csv",
                bytes: text.as_bytes(),
            },
            None,
        )
        .await
        .map_err(|e| format!("upload: {e}"))?;
        let uploaded = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let checked = import::check(&app, &actor, upload)
            .await
            .map_err(|e| format!("check: {e}"))?;
        let previewed = started.elapsed().as_secs_f64();
        let problems = checked.preview.rows_with_problems().count();
        if problems > 0 {
            let first = checked
                .preview
                .rows_with_problems()
                .next()
                .map(|r| format!("{:?}", r.problems));
            return Err(format!("{problems} rows have problems: {first:?}").into());
        }
        let started = Instant::now();
        let done = import::commit(&app, &actor, upload, true)
            .await
            .map_err(|e| format!("commit: {e}"))?;
        let committed = started.elapsed().as_secs_f64();
        let flagged = store
            .applications(round, &ApplicationFilter::all())
            .await?
            .iter()
            .filter(|a| a.is_flagged_duplicate())
            .count();
        println!(
            "run {run}: upload {uploaded:.2} s, preview {previewed:.2} s, commit {committed:.2} s \
             ({} applications, {} invitations, {flagged} flagged as likely duplicates)",
            done.applications, done.invited
        );
        uploads.push(uploaded);
        previews.push(previewed);
        commits.push(committed);
        store.close().await;
    }
    println!(
        "median of {runs}: upload {:.2} s, preview {:.2} s (target < 3 s), commit {:.2} s (target < 10 s)",
        median(uploads),
        median(previews),
        median(commits)
    );
    Ok(())
}
