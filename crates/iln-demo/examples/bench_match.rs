//! Benchmark of round matching: generates a round of N applicants (default 10,000) from the
//! demo network's generator, then times what "Run matching" and `iln match` do: compiling the
//! profiles for scoring, building the top-k candidate graph, and the whole run (scoring,
//! candidates, matching with pricing, the certificate check over all pairs, trios and the
//! explanations). Run it through `scripts/bench-match`.
//!
//! Usage: bench_match [PEOPLE] [--mode best_total|max_participation|fairness] [--csv FILE]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;

use iln_demo as demo;
use iln_domain::application::{CommunicationWay, Interest, LanguageCode, MatchPreference};
use iln_domain::proposal::{self, Applicant, MatchMode, MatchRequest};
use iln_domain::round::LeftoverPolicy;
use iln_domain::scoring::{History, MatchProfile, Scorer, Weights};
use iln_matching::candidates::{CandidateOptions, check_all_pairs, solve_all_pairs, top_k_graph};

fn main() {
    let mut people = 10_000usize;
    let mut mode = MatchMode::BestTotal;
    let mut csv_path: Option<String> = None;
    // Stops after the one-thread scoring loop, for measuring the scorer with `perf stat`.
    let mut score_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => {
                mode = match args.next().as_deref() {
                    Some("max_participation") => MatchMode::MaxParticipation,
                    Some("fairness") => MatchMode::Fairness,
                    _ => MatchMode::BestTotal,
                }
            }
            "--csv" => csv_path = args.next(),
            "--score-only" => score_only = true,
            other => match other.parse() {
                Ok(n) => people = n,
                Err(_) => {
                    eprintln!("usage: bench_match [PEOPLE] [--mode MODE] [--csv FILE]");
                    std::process::exit(2);
                }
            },
        }
    }

    let started = Instant::now();
    let applicants = generate(people);
    let countries: BTreeSet<_> = applicants.iter().map(|a| a.profile.country).collect();
    println!(
        "round: {} applicants from {} countries (generated in {:.2} s)",
        applicants.len(),
        countries.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = csv_path {
        if let Err(e) = std::fs::write(&path, to_csv(&applicants)) {
            eprintln!("could not write {path}: {e}");
            std::process::exit(1);
        }
        println!("wrote {path}");
    }

    let request = MatchRequest {
        applicants,
        weights: Weights::default(),
        program_languages: BTreeSet::from([LanguageCode::english()]),
        round_start: "2027-03-01T00:00:00Z".parse().unwrap_or_default(),
        leftover: LeftoverPolicy::Trio,
        mode,
        locks: Vec::new(),
        forbidden: Vec::new(),
        priority: BTreeSet::new(),
    };

    let t = Instant::now();
    let profiles: Vec<MatchProfile> = request
        .applicants
        .iter()
        .map(|a| a.profile.clone())
        .collect();
    let scorer = match Scorer::new(
        &profiles,
        request.weights,
        &request.program_languages,
        request.round_start,
        &[],
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!(
        "compile profiles for scoring: {:.3} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let n = profiles.len();
    let mut allowed = 0u64;
    let mut sum = 0i64;
    for u in 0..n {
        for v in u + 1..n {
            if let Some(s) = scorer.score(u, v) {
                allowed += 1;
                sum += s;
            }
        }
    }
    let pairs = (n * n.saturating_sub(1) / 2).max(1);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "score every pair once, one thread: {secs:.3} s ({:.1} ns a pair; {allowed} allowed, mean score {})",
        secs * 1e9 / pairs as f64,
        sum / allowed.max(1) as i64
    );

    if score_only {
        return;
    }

    let t = Instant::now();
    let score = |u: usize, v: usize| scorer.score(u, v);
    match top_k_graph(profiles.len(), &score, &CandidateOptions::default()) {
        Ok(candidates) => println!(
            "score all pairs and build the top-k candidate graph: {:.3} s ({} edges)",
            t.elapsed().as_secs_f64(),
            candidates.graph.edge_count()
        ),
        Err(e) => eprintln!("candidates failed: {e}"),
    }

    let t = Instant::now();
    let options = CandidateOptions {
        mode: match mode {
            MatchMode::BestTotal => iln_matching::Mode::MaxWeight,
            MatchMode::MaxParticipation => iln_matching::Mode::MaxCardinality,
            MatchMode::Fairness => iln_matching::Mode::Fairness,
        },
        ..CandidateOptions::default()
    };
    match solve_all_pairs(n, &score, &options) {
        Ok(priced) => {
            println!(
                "engine alone (candidates, matching, pricing): {:.3} s ({} solves, {} scans)",
                t.elapsed().as_secs_f64(),
                priced.stats.solves,
                priced.stats.scans
            );
            let t = Instant::now();
            let ok = check_all_pairs(n, &score, &priced.matching).is_ok();
            println!(
                "independent certificate check over all pairs: {:.3} s ({ok})",
                t.elapsed().as_secs_f64()
            );
        }
        Err(e) => eprintln!("engine failed: {e}"),
    }

    let t = Instant::now();
    match proposal::run(&request) {
        Ok(p) => {
            let secs = t.elapsed().as_secs_f64();
            println!(
                "whole run ({}): {secs:.3} s: {} partnerships ({} trios), {} unmatched, total {}, lowest {:?}, certified {}, {} candidate pairs + {} priced",
                mode.as_str(),
                p.partnerships.len(),
                p.trios(),
                p.unmatched.len(),
                p.total,
                p.lowest,
                p.certified,
                p.candidate_pairs,
                p.priced_pairs
            );
            // The explanations are part of the run; timed again alone to show their share.
            let t = Instant::now();
            let position: std::collections::HashMap<&str, usize> = request
                .applicants
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect();
            let mut words = 0usize;
            for part in &p.partnerships {
                for pair in &part.pairs {
                    let (a, b) = (position[pair.a.as_str()], position[pair.b.as_str()]);
                    if let Some(d) = scorer.breakdown(a, b) {
                        words += d.sentence([&pair.a, &pair.b]).len();
                    }
                }
            }
            println!(
                "explanations alone (breakdown and sentence of every pair): {:.3} s ({words} bytes)",
                t.elapsed().as_secs_f64()
            );
            if let Some(first) = p.partnerships.first() {
                println!("example explanation: {}", first.explanation);
            }
        }
        Err(e) => {
            eprintln!("matching failed: {e}");
            std::process::exit(1);
        }
    }
}

/// Applicants from consecutive demo networks (about 60 countries of Zipf-like sizes each),
/// with matching preferences, ways to communicate and some history drawn from a fixed
/// sequence, so every run benchmarks the same round.
fn generate(count: usize) -> Vec<Applicant> {
    let mut state: u64 = 2013;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n.max(1)
    };
    let mut out = Vec::with_capacity(count);
    let mut seed = demo::DEFAULT_SEED;
    while out.len() < count {
        let network = demo::generate(seed);
        seed += 1;
        for person in network.people {
            if out.len() == count {
                break;
            }
            let n = out.len();
            let mut history = History::default();
            if next(4) == 0 {
                // A returning participant: one past partner's country and sector.
                if let Some(c) = iln_domain::country::all().get(next(200) as usize) {
                    history.countries.insert(c.code);
                }
                history
                    .sectors
                    .insert(iln_domain::profile::Sector::ALL[next(11) as usize]);
            }
            out.push(Applicant {
                id: format!("a{n:05}"),
                name: person.full_name,
                profile: MatchProfile {
                    country: person.country,
                    sector: person.sector,
                    career_stage: person.career_stage,
                    time_zone: person.time_zone,
                    interests: person
                        .interests
                        .iter()
                        .filter_map(|i| Interest::parse(i).ok())
                        .collect(),
                    languages: person
                        .languages
                        .iter()
                        .filter_map(|l| LanguageCode::parse(l).ok())
                        .collect(),
                    communication: CommunicationWay::ALL
                        .into_iter()
                        .filter(|w| *w == CommunicationWay::Email || next(2) == 0)
                        .collect(),
                    preference: MatchPreference::ALL[next(3) as usize],
                    history,
                },
                previous_partners: BTreeSet::new(),
            });
        }
    }
    out
}

/// The applicants in the `iln match` input format.
fn to_csv(applicants: &[Applicant]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from(
        "id,name,email,country,time_zone,sector,career_stage,interests,languages,match_preference,previous_partners\n",
    );
    for a in applicants {
        let p = &a.profile;
        let interests: Vec<&str> = p.interests.iter().map(Interest::as_str).collect();
        let languages: Vec<&str> = p.languages.iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},",
            a.id,
            quote(&a.name),
            quote(&format!("{}@example.org", a.id)),
            p.country.as_str(),
            p.time_zone.as_str(),
            p.sector.as_str(),
            p.career_stage.as_str(),
            quote(&interests.join(";")),
            languages.join(";"),
            p.preference.as_str()
        );
    }
    out
}
