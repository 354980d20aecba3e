//! Benchmark of a topic's release through real SMTP (issue 8): a published round of N
//! participants on SQLite, a topic released now (`iln_app::topics::release_now`, one
//! transaction queueing every reader's email under its key), then the job worker delivering
//! every email with the site's SMTP transport to an SMTP sink on loopback that speaks just
//! enough of RFC 5321 to accept mail. Run it through `scripts/bench-topic-mail`.
//!
//! Usage: bench_topic_mail [--people N] [--concurrency N]
//!
//! Prints the time to queue the release and the time until the sink has received every
//! message; the target is 10,000 emails in under 60 s.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use iln_app::jobs::{Registry, Worker, WorkerOptions};
use iln_app::{Actor, App, Links};
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{Application, ApplicationForm, InterestCatalogue};
use iln_domain::clock::SystemClock;
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_domain::topic::TopicForm;
use iln_store::{
    ApplicationStatus, EMAIL_JOB, NewPartnership, NewPartnershipMember, NewUser, PartnerProfile,
    Store,
};
use iln_web::WebComposer;
use iln_web::mail::{EmailJobs, SmtpMailer};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

type Failure = Box<dyn std::error::Error>;

/// Accepts mail on `listener` forever, counting each message whose data ended.
async fn sink(listener: TcpListener, received: Arc<AtomicUsize>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let received = Arc::clone(&received);
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
                return;
            }
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                let reply: &[u8] = if in_data {
                    if line != "." {
                        continue;
                    }
                    in_data = false;
                    received.fetch_add(1, Ordering::Relaxed);
                    b"250 queued\r\n"
                } else {
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"500 what\r\n",
                    }
                };
                if write.write_all(reply).await.is_err() {
                    return;
                }
            }
        });
    }
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
        opens: day(-60)?,
        closes: day(-40)?,
        matching: day(-35)?,
        starts: day(-30)?,
        languages: "en".to_owned(),
        ..RoundForm::default()
    })
    .map_err(|e| format!("{e:?}").into())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let mut people = 10_000usize;
    let mut concurrency = 8usize;
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|n| n.parse().ok());
        match (arg.as_str(), value) {
            ("--people", Some(n)) => people = n,
            ("--concurrency", Some(n)) => concurrency = n,
            _ => return Err(format!("unknown or incomplete argument {arg}").into()),
        }
    }
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let clock = Arc::new(SystemClock);
    let now = iln_domain::clock::Clock::now(&*clock);

    // The round: N approved participants in pairs across two countries, published.
    let prepared = Instant::now();
    let settings = settings(now)?;
    let round = store.create_round(&settings, now).await?;
    let catalogue = InterestCatalogue::default_topics();
    let mut members = Vec::with_capacity(people);
    for i in 0..people {
        let address = format!("reader{i}@bench.test");
        let user = store
            .create_user(
                &NewUser {
                    email: Email::parse(&address)?,
                    display_name: DisplayName::parse(&format!("Reader {i}"))?,
                    password_hash: None,
                    role: Role::Participant,
                    countries: Vec::new(),
                    email_verified: true,
                    time_zone: None,
                },
                now,
            )
            .await?;
        let application = Application::parse(
            &ApplicationForm {
                name: format!("Reader {i}"),
                email: address,
                country: ["KE", "BR", "IN", "FR"][i % 4].to_owned(),
                city: "Capital".to_owned(),
                institution: format!("Library {i}"),
                sector: "public".to_owned(),
                role: "Librarian".to_owned(),
                career_stage: "mid".to_owned(),
                interests: vec!["Open access".to_owned()],
                languages: vec!["en".to_owned()],
                communication: vec!["email".to_owned()],
                match_preference: "any".to_owned(),
                goals: "Talk about outreach".to_owned(),
                consent: "on".to_owned(),
                ..ApplicationForm::default()
            },
            &catalogue,
        )
        .map_err(|e| format!("{e:?}"))?;
        let id = store
            .submit_application(round, user, &application, now)
            .await?;
        store
            .set_application_status(id, ApplicationStatus::Approved, None, now)
            .await?;
        members.push(NewPartnershipMember {
            user,
            application: Some(id),
            country: application.country,
            sector: application.sector,
            profile: PartnerProfile::of(&application),
        });
    }
    let partnerships: Vec<NewPartnership> = members
        .chunks(2)
        .map(|pair| NewPartnership {
            round,
            run: None,
            score: 50,
            explanation: "Benchmark pair".to_owned(),
            members: pair.to_vec(),
        })
        .collect();
    store.create_partnerships(&partnerships, true, now).await?;
    store
        .set_round_state(round, RoundState::Active, now)
        .await?;
    println!(
        "prepared {people} participants in {} partnerships in {:.1} s",
        partnerships.len(),
        prepared.elapsed().as_secs_f64()
    );

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let received = Arc::new(AtomicUsize::new(0));
    tokio::spawn(sink(listener, Arc::clone(&received)));

    let app = App::new(
        store.clone(),
        clock.clone(),
        Arc::new(WebComposer),
        Links::new("https://iln.bench"),
    );
    let topic = iln_app::topics::create(
        &app,
        &Actor::Cli,
        round,
        None,
        &TopicForm {
            title: "Libraries & Social Media".to_owned(),
            body: "## Your library online\n\nWhich platforms does your library use, and who \
                   looks after them? Share an example post with your partner."
                .to_owned(),
            release_on: settings.starts.to_string(),
            release_time: "09:00".to_owned(),
            resources: "10 networking tips | https://example.org/tips".to_owned(),
        },
    )
    .await?;
    let started = Instant::now();
    let queued = iln_app::topics::release_now(&app, &Actor::Cli, topic).await?;
    let queue_time = started.elapsed();
    println!(
        "queued {queued} topic emails in one transaction in {:.2} s",
        queue_time.as_secs_f64()
    );

    let mailer = SmtpMailer::new(
        "ILN <noreply@iln.bench>",
        &format!("smtp://127.0.0.1:{port}"),
    )?;
    let registry = Registry::new().with(EMAIL_JOB, EmailJobs::new(Arc::new(mailer)));
    let options = WorkerOptions {
        concurrency,
        poll: Duration::from_millis(200),
        ..WorkerOptions::new()
    };
    let worker = Worker::new(
        store.clone(),
        clock,
        registry,
        options,
        Arc::new(tokio::sync::Notify::new()),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    while received.load(Ordering::Relaxed) < queued {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if started.elapsed() > Duration::from_secs(600) {
            return Err("gave up after ten minutes".into());
        }
    }
    let total = started.elapsed();
    let _ = stop.send(());
    let _ = running.await;
    println!(
        "delivered {} emails through SMTP in {:.1} s from the release ({:.0} a second, {} worker slots)",
        received.load(Ordering::Relaxed),
        total.as_secs_f64(),
        queued as f64 / total.as_secs_f64(),
        concurrency
    );
    Ok(())
}
