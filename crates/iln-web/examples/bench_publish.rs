//! Benchmark of publishing a round (issue 7): `iln_app::matching::publish` on a real SQLite
//! database whose round is in matching with a stored run, with the site's own email words
//! (`WebComposer`). One transaction writes the partnerships and their members, the round's
//! move to active, the audit entries and one introduction per member. Run it through
//! `scripts/bench-publish`, which prepares the database with `bench_run_matching` first.
//!
//! Usage: bench_publish DATABASE_FILE [--runs N]
//!
//! Publishing changes the database, so every run publishes a fresh copy of DATABASE_FILE,
//! which is left as it was.

use std::sync::Arc;
use std::time::Instant;

use iln_app::matching;
use iln_app::{Actor, App, Links};
use iln_domain::clock::SystemClock;
use iln_domain::round::RoundState;
use iln_store::{MatchRunKind, Store};
use iln_web::WebComposer;

const ROUND_NAME: &str = "Benchmark round";

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let Some(base) = args.next() else {
        eprintln!("usage: bench_publish DATABASE_FILE [--runs N]");
        std::process::exit(2);
    };
    let mut runs = 5usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
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
    let work = format!("{base}.publish");
    let mut times = Vec::with_capacity(runs);
    for run in 1..=runs {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{work}{suffix}"));
        }
        std::fs::copy(&base, &work)?;
        let store = Store::connect(&format!("sqlite:{work}")).await?;
        store.migrate().await?;
        let round = store
            .list_rounds()
            .await?
            .into_iter()
            .find(|r| r.round.settings.name.as_str() == ROUND_NAME)
            .ok_or("the database has no benchmark round; run scripts/bench-run-matching")?;
        if round.round.state != RoundState::Matching {
            return Err("the benchmark round is not in matching".into());
        }
        let latest = store
            .latest_match_runs(round.id, MatchRunKind::Round, 1)
            .await?;
        let people = latest.first().map_or(0, |r| r.proposal.people);
        let app = App::new(
            store.clone(),
            Arc::new(SystemClock),
            Arc::new(WebComposer),
            Links::new("https://bench.test"),
        );
        let emails_before = store.count_outbox().await?;
        let t = Instant::now();
        let published = matching::publish(&app, &Actor::Cli, round.id).await?;
        let seconds = t.elapsed().as_secs_f64();
        let emails = store.count_outbox().await? - emails_before;
        let state = store
            .round(round.id)
            .await?
            .map(|r| r.round.state)
            .ok_or("the round went")?;
        println!(
            "run {run}: published {people} people in {seconds:.3} s: {} partnerships, {} introductions queued ({emails} new email jobs), round {state:?}",
            published.partnerships, published.introductions
        );
        times.push(seconds);
        store.close().await;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{work}{suffix}"));
    }
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        println!(
            "median of {} runs: {median:.3} s (min {:.3} s, max {:.3} s)",
            times.len(),
            times.first().copied().unwrap_or_default(),
            times.last().copied().unwrap_or_default()
        );
    }
    Ok(())
}
