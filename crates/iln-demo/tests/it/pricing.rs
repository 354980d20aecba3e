//! The matching engine's pruned pricing on a real round's scores: ruling pairs out on the
//! scorer's group bounds finds the same candidates, the same optimum and the same certificate
//! as scoring every pair, and that certificate covers every allowed pair.

use std::collections::BTreeSet;

use iln_demo as demo;
use iln_domain::application::{CommunicationWay, Interest, LanguageCode, MatchPreference};
use iln_domain::scoring::{History, MatchProfile, Scorer, Weights};
use iln_matching::candidates::{
    CandidateOptions, FullScan, GroupedScores, check_all_pairs, solve_grouped, top_k_grouped,
};
use iln_matching::{Mode, verify};

/// `count` people from consecutive demo networks (Zipf-like countries, English for most, a
/// few rare-language speakers), with preferences, ways to communicate and some history drawn
/// from a fixed sequence.
fn round(count: usize) -> Vec<MatchProfile> {
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
        for person in demo::generate(seed).people {
            if out.len() == count {
                break;
            }
            let mut history = History::default();
            if next(4) == 0 {
                if let Some(c) = iln_domain::country::all().get(next(200) as usize) {
                    history.countries.insert(c.code);
                }
                history
                    .sectors
                    .insert(iln_domain::profile::Sector::ALL[next(11) as usize]);
            }
            out.push(MatchProfile {
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
            });
        }
        seed += 1;
    }
    out
}

/// Narrow: every criterion worth a point or two, so scores span about 15 values and tie
/// everywhere. Wide: weights in the hundreds, so scores span thousands of values.
fn spreads() -> [(&'static str, Weights); 2] {
    [
        (
            "narrow",
            Weights {
                shared_interests: 1,
                preference: 1,
                sector: 1,
                waking_hours: 2,
                communication: 1,
                wider_network: 1,
            },
        ),
        (
            "wide",
            Weights {
                shared_interests: 310,
                preference: 270,
                sector: 190,
                waking_hours: 1000,
                communication: 70,
                wider_network: 150,
            },
        ),
    ]
}

#[test]
fn pruned_pricing_finds_the_full_scans_optimum_and_certificate() {
    // A thousand people keeps the debug-build test to seconds; the benchmark runs the same
    // code on 10,000 to 100,000.
    let people = round(1_000);
    let start = "2027-03-01T00:00:00Z".parse().unwrap();
    let program = BTreeSet::from([LanguageCode::english()]);
    for (spread, weights) in spreads() {
        let scorer = Scorer::new(&people, weights, &program, start, &[]).unwrap();
        // Everyone but every seventh person, as if those were locked in pairs.
        let free: Vec<usize> = (0..people.len()).filter(|i| i % 7 != 3).collect();
        let pruned = scorer.grouped(&free);
        let full = FullScan(&pruned);
        let n = free.len();
        for mode in [Mode::MaxWeight, Mode::MaxCardinality, Mode::Fairness] {
            let options = CandidateOptions {
                mode,
                ..CandidateOptions::default()
            };
            let a = solve_grouped(&pruned, &options).unwrap();
            let b = solve_grouped(&full, &options).unwrap();
            assert_eq!(
                a.matching, b.matching,
                "{spread} {mode:?}: matching and certificate"
            );
            assert_eq!(
                a.graph, b.graph,
                "{spread} {mode:?}: candidates and priced pairs"
            );
            assert_eq!(
                (a.stats.candidate_edges, a.stats.added_edges, a.stats.solves),
                (b.stats.candidate_edges, b.stats.added_edges, b.stats.solves),
                "{spread} {mode:?}"
            );
            // The bounds did rule pairs out, in the candidates and in pricing alike.
            assert!(
                a.stats.candidate_scored_pairs < b.stats.candidate_scored_pairs,
                "{spread} {mode:?}"
            );
            assert!(
                a.stats.scored_pairs < b.stats.scored_pairs,
                "{spread} {mode:?}: {} pairs scored, the full scan {}",
                a.stats.scored_pairs,
                b.stats.scored_pairs
            );
            verify(&a.graph, &a.matching).unwrap();
            let score = |u: usize, v: usize| pruned.score(u, v);
            check_all_pairs(n, &score, &a.matching).unwrap();
        }
        let options = CandidateOptions::default();
        let (a, b) = (
            top_k_grouped(&pruned, &options).unwrap(),
            top_k_grouped(&full, &options).unwrap(),
        );
        assert_eq!(
            (&a.graph, a.score_range),
            (&b.graph, b.score_range),
            "{spread}"
        );
        assert!(a.scored_pairs < b.scored_pairs, "{spread}");
        // A pruned row cannot tell that nothing was left out, so its cap may be set where
        // the full scan's is not; where both are set they agree.
        for (x, y) in a.cap.iter().zip(&b.cap) {
            assert!(*y == i64::MIN || x == y, "{spread}: cap {x} against {y}");
        }
    }
}
