//! `iln worker` and `iln serve --no-worker` as real processes: the web alone runs no jobs, a
//! worker alone delivers them; two workers on one PostgreSQL database with a slow SMTP server
//! deliver each of 60 messages exactly once, and release one topic (queued twice) to each reader
//! once; and SIGTERM gives a running job its grace period,
//! then hands it back.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use iln_domain::account::Email;
use iln_store::{JobStatus, NewEmail, Store};

use crate::cli::{Scratch, run};
use crate::postgres::Schema;

/// A worker process, killed if a test fails before stopping it.
struct Worker {
    child: Child,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends SIGTERM and returns how long the process took to exit, expecting success.
fn terminate(worker: &mut Worker) -> Duration {
    let started = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &worker.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    loop {
        if let Some(status) = worker.child.try_wait().expect("check the worker") {
            assert!(status.success(), "the worker exited with {status}");
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the worker did not stop within a minute of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn enqueue(store: &Store, count: usize) {
    // The worker processes run on the real clock, so the jobs are due by it.
    let now = iln_domain::clock::Clock::now(&iln_domain::clock::SystemClock);
    for n in 0..count {
        store
            .enqueue_email(
                &NewEmail {
                    to: Email::parse(&format!("person{n}@example.org")).expect("an address"),
                    subject: format!("Message {n}"),
                    text_body: format!("This is message {n}."),
                    html_body: None,
                },
                now,
            )
            .await
            .expect("enqueue");
    }
}

/// Every message an SMTP server accepted: its Message-ID, once per delivery.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<String>>>);

impl Received {
    fn ids(&self) -> Vec<String> {
        self.0.lock().expect("not poisoned").clone()
    }
}

/// An SMTP server on loopback that takes `delay` to accept each message (a slow relay), for
/// any number of connections at once. Just enough of RFC 5321 for our client.
fn slow_smtp(delay: Duration) -> (u16, Received) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Received::default();
    let log = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let log = log.clone();
            std::thread::spawn(move || {
                let _ = session(stream, delay, &log);
            });
        }
    });
    (port, received)
}

fn session(stream: std::net::TcpStream, delay: Duration, log: &Received) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 slow ESMTP\r\n")?;
    let mut line = String::new();
    let mut in_data = false;
    let mut message_id = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if in_data {
            if line == ".\r\n" {
                in_data = false;
                std::thread::sleep(delay);
                log.0
                    .lock()
                    .expect("not poisoned")
                    .push(std::mem::take(&mut message_id));
                writer.write_all(b"250 queued\r\n")?;
            } else if let Some(id) = line.strip_prefix("Message-ID: ") {
                message_id = id.trim().to_owned();
            }
            continue;
        }
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 slow\r\n"
        } else if command.starts_with("DATA") {
            in_data = true;
            b"354 go ahead\r\n"
        } else if command.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            b"250 ok\r\n"
        };
        writer.write_all(reply)?;
    }
}

/// How many email jobs are done (other kinds, such as the hourly purge, run beside them).
async fn emails_done(store: &Store) -> usize {
    store
        .list_jobs_of_kind(iln_store::EMAIL_JOB, 1_000, 0)
        .await
        .expect("list")
        .iter()
        .filter(|job| job.status == JobStatus::Done)
        .count()
}

fn eml_files(scratch: &Scratch) -> usize {
    std::fs::read_dir(scratch.path().join("mail"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_without_a_worker_runs_no_jobs_and_a_worker_alone_runs_them() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    let store = Store::connect(&scratch.database_url()).await.expect("open");
    enqueue(&store, 3).await;

    let mut web = scratch.iln();
    web.args(["serve", "--bind", "127.0.0.1:0", "--no-worker"]);
    let running = crate::serve::start_command(web);
    assert!(
        running.banner.contains("left to `iln worker`"),
        "{}",
        running.banner
    );
    // The web process polls nothing: after several of a worker's poll intervals, nothing went.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(eml_files(&scratch), 0);
    crate::serve::stop(running);

    let mut command = scratch.iln();
    command.arg("worker");
    let mut worker = start_worker_prepared(command);
    let started = Instant::now();
    while eml_files(&scratch) < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "mail did not go out"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    terminate(&mut worker);
    assert_eq!(emails_done(&store).await, 3);
    store.close().await;
}

/// SIGTERM while a job is running: the worker stops claiming, waits out its grace period
/// (here 1 s, against an SMTP server that takes 30 s), gives the job back, and exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_gives_running_jobs_the_grace_period_then_hands_them_back() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    let store = Store::connect(&scratch.database_url()).await.expect("open");
    enqueue(&store, 1).await;
    let (port, received) = slow_smtp(Duration::from_secs(30));
    let mut command = scratch.iln();
    command
        .env("ILN_MAIL_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .arg("worker")
        .args(["--grace", "1"]);
    let mut worker = start_worker_prepared(command);
    // Wait until the job is running (leased).
    let started = Instant::now();
    loop {
        let jobs = store
            .list_jobs_of_kind(iln_store::EMAIL_JOB, 10, 0)
            .await
            .expect("list");
        if jobs.iter().any(|job| job.status == JobStatus::Running) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the job never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = terminate(&mut worker);
    assert!(
        took < Duration::from_secs(10),
        "stopping took {took:?}, though the grace period is 1 s"
    );
    assert!(received.ids().is_empty());
    let job = &store
        .list_jobs_of_kind(iln_store::EMAIL_JOB, 10, 0)
        .await
        .expect("list")[0];
    assert_eq!(job.status, JobStatus::Pending, "{job:?}");
    assert_eq!(job.lease_owner, None, "{job:?}");
    store.close().await;
}

/// [`start_worker`] for a command whose arguments are already in place.
fn start_worker_prepared(mut command: Command) -> Worker {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start iln worker");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("ILN worker running") {
                let _ = sender.send(());
            }
        }
    });
    receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("the worker should say it is running");
    Worker { child }
}

/// Issue 7's two-worker test: two `iln worker` processes on one PostgreSQL database, an SMTP
/// server that takes 3 s per message, 60 messages. Each arrives exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_postgres_deliver_each_of_60_slow_messages_exactly_once() {
    let Some(schema) = Schema::create("workers").await else {
        return;
    };
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch
        .iln()
        .env("ILN_DATABASE_URL", &schema.url)
        .arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    let store = Store::connect(&schema.url).await.expect("open PostgreSQL");
    enqueue(&store, 60).await;
    let (port, received) = slow_smtp(Duration::from_secs(3));
    let worker = || {
        let mut command = scratch.iln();
        command
            .env("ILN_DATABASE_URL", &schema.url)
            .env("ILN_MAIL_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
            .arg("worker");
        start_worker_prepared(command)
    };
    let mut first = worker();
    let mut second = worker();
    let started = Instant::now();
    while received.ids().len() < 60 {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "only {} of 60 arrived",
            received.ids().len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a duplicate the time to show up: one more message's worth and a poll.
    tokio::time::sleep(Duration::from_secs(5)).await;
    terminate(&mut first);
    terminate(&mut second);
    let ids = received.ids();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &ids {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "sent more than once: {repeated:?}");
    assert_eq!(counts.len(), 60, "{ids:?}");
    assert!(
        counts.keys().all(|id| id.ends_with("@iln.mail>")),
        "{ids:?}"
    );
    assert_eq!(emails_done(&store).await, 60);
    store.close().await;
    schema.finish().await;
}

/// A published round of `people` participants (in pairs) with one topic whose release time
/// has come, and its release job queued twice, as a scheduler that ran twice would.
async fn round_with_a_due_topic(store: &Store, people: usize) -> iln_store::TopicId {
    use iln_domain::account::{DisplayName, Role};
    use iln_domain::application::{Application, ApplicationForm, InterestCatalogue};
    use iln_domain::round::{RoundForm, RoundSettings, RoundState};
    use iln_domain::topic::{Topic, TopicForm};
    use iln_store::{
        ApplicationStatus, NewJob, NewPartnership, NewPartnershipMember, NewUser, PartnerProfile,
    };

    let now = iln_domain::clock::Clock::now(&iln_domain::clock::SystemClock);
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let day = |offset: i64| {
        today
            .checked_add(jiff::Span::new().days(offset))
            .expect("a date")
            .to_string()
    };
    let settings = RoundSettings::parse(&RoundForm {
        name: "Worker round".to_owned(),
        opens: day(-60),
        closes: day(-40),
        matching: day(-35),
        starts: day(-30),
        languages: "en".to_owned(),
        ..RoundForm::default()
    })
    .expect("settings");
    let round = store.create_round(&settings, now).await.expect("round");
    let mut members = Vec::new();
    for i in 0..people {
        let address = format!("reader{i}@example.org");
        let user = store
            .create_user(
                &NewUser {
                    email: Email::parse(&address).expect("an address"),
                    display_name: DisplayName::parse(&format!("Reader {i}")).expect("a name"),
                    password_hash: None,
                    role: Role::Participant,
                    countries: Vec::new(),
                    email_verified: true,
                    time_zone: None,
                },
                now,
            )
            .await
            .expect("user");
        let application = Application::parse(
            &ApplicationForm {
                name: format!("Reader {i}"),
                email: address,
                country: ["KE", "BR"][i % 2].to_owned(),
                city: "Capital".to_owned(),
                institution: "Library".to_owned(),
                sector: "public".to_owned(),
                role: "Librarian".to_owned(),
                career_stage: "mid".to_owned(),
                interests: vec!["Open access".to_owned()],
                languages: vec!["en".to_owned()],
                communication: vec!["email".to_owned()],
                match_preference: "any".to_owned(),
                goals: "Talk".to_owned(),
                consent: "on".to_owned(),
                ..ApplicationForm::default()
            },
            &InterestCatalogue::default_topics(),
        )
        .expect("answers");
        let id = store
            .submit_application(round, user, &application, now)
            .await
            .expect("application");
        store
            .set_application_status(id, ApplicationStatus::Approved, None, now)
            .await
            .expect("approve");
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
            explanation: "A pair".to_owned(),
            members: pair.to_vec(),
        })
        .collect();
    store
        .create_partnerships(&partnerships, true, now)
        .await
        .expect("partnerships");
    store
        .set_round_state(round, RoundState::Active, now)
        .await
        .expect("active");
    // Released the day before yesterday at 09:00: due in every zone already.
    let topic = Topic::parse(
        &TopicForm {
            title: "Conferences & Events".to_owned(),
            body: "Tell your partner about the best event you went to.".to_owned(),
            release_on: day(-2),
            release_time: "09:00".to_owned(),
            resources: String::new(),
        },
        &settings,
    )
    .expect("topic");
    let mut tx = store.begin().await.expect("tx");
    let id = tx
        .create_topic(round, None, &topic, None, now)
        .await
        .expect("topic");
    for key in [
        iln_app::topics::release_job_key(id),
        format!("{}@again", iln_app::topics::release_job_key(id)),
    ] {
        let job = NewJob::new(
            iln_app::topics::RELEASE_JOB,
            iln_app::topics::RELEASE_PAYLOAD_VERSION,
            &iln_app::topics::ReleasePayload {
                v: iln_app::topics::RELEASE_PAYLOAD_VERSION,
                topic: id.0,
            },
            now,
        )
        .expect("job")
        .key(key);
        tx.enqueue_job(&job, now).await.expect("enqueue");
    }
    tx.commit().await.expect("commit");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_postgres_release_one_topic_and_each_reader_gets_it_once() {
    let Some(schema) = Schema::create("topic_workers").await else {
        return;
    };
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch
        .iln()
        .env("ILN_DATABASE_URL", &schema.url)
        .arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    let store = Store::connect(&schema.url).await.expect("open PostgreSQL");
    let readers = 20;
    round_with_a_due_topic(&store, readers).await;
    let (port, received) = slow_smtp(Duration::from_millis(200));
    let worker = || {
        let mut command = scratch.iln();
        command
            .env("ILN_DATABASE_URL", &schema.url)
            .env("ILN_MAIL_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
            .arg("worker");
        start_worker_prepared(command)
    };
    let mut first = worker();
    let mut second = worker();
    let started = Instant::now();
    while received.ids().len() < readers {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {} of {readers} arrived",
            received.ids().len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Time for a second release's emails to show up, if there were any.
    tokio::time::sleep(Duration::from_secs(3)).await;
    terminate(&mut first);
    terminate(&mut second);
    let ids = received.ids();
    assert_eq!(ids.len(), readers, "each reader once: {ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), readers, "{ids:?}");
    // Both release jobs ran, on whichever worker claimed them; one of them released.
    let releases = store
        .list_jobs_of_kind(iln_app::topics::RELEASE_JOB, 10, 0)
        .await
        .expect("jobs");
    assert_eq!(releases.len(), 2);
    assert!(
        releases.iter().all(|j| j.status == JobStatus::Done),
        "{releases:?}"
    );
    store.close().await;
    schema.finish().await;
}
