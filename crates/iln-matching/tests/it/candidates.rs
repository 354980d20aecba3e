//! Top-k candidate graphs and the pricing pass: the result equals the exact optimum on the
//! complete graph of allowed pairs, in every mode, and its certificate covers every pair.

use iln_matching::candidates::{CandidateOptions, check_all_pairs, solve_all_pairs, top_k_graph};
use iln_matching::{Graph, Mode, Options, solve, verify};

use crate::common::{MODES, Rng};

/// A synthetic round: people in countries of uneven size, same-country pairs forbidden, and
/// integer scores with ties from a few shared traits.
struct Round {
    country: Vec<u8>,
    traits: Vec<u32>,
    spread: i64,
}

impl Round {
    fn new(n: usize, countries: u64, spread: i64, seed: u64) -> Self {
        let mut rng = Rng(seed | 1);
        Round {
            // Squaring skews the sizes: country 0 is the largest.
            country: (0..n)
                .map(|_| {
                    let r = rng.below(countries * countries);
                    (countries - 1 - (r as f64).sqrt() as u64) as u8
                })
                .collect(),
            traits: (0..n).map(|_| rng.next() as u32).collect(),
            spread,
        }
    }

    fn score(&self, i: usize, j: usize) -> Option<i64> {
        if self.country[i] == self.country[j] {
            return None;
        }
        let shared = (self.traits[i] & self.traits[j]).count_ones() as i64;
        let mixed = ((self.traits[i] ^ self.traits[j]) % self.spread as u32) as i64;
        Some(shared * 3 + mixed - 4)
    }

    fn complete(&self) -> Graph {
        let n = self.country.len();
        let mut g = Graph::new(n);
        for u in 0..n {
            for v in u + 1..n {
                if let Some(w) = self.score(u, v) {
                    g.add_edge(u, v, w).unwrap();
                }
            }
        }
        g
    }
}

#[test]
fn pricing_reaches_the_complete_graph_optimum_in_every_mode() {
    let mut seed = 7u64;
    for n in [0usize, 1, 2, 3, 9, 20, 41, 60] {
        for k in [1usize, 2, 4] {
            seed += 1;
            let round = Round::new(n, 6, 5 + seed as i64 % 7, seed * 7919);
            let complete = round.complete();
            let score = |i: usize, j: usize| round.score(i, j);
            for mode in MODES {
                let options = CandidateOptions {
                    k,
                    max_k: 4 * k,
                    add_per_person: 2,
                    mode,
                };
                let priced = solve_all_pairs(n, &score, &options).unwrap();
                let exact = solve(&complete, Options::new(mode)).unwrap();
                let m = &priced.matching;
                assert_eq!(
                    (m.cardinality(), m.floor(), m.weight()),
                    (exact.cardinality(), exact.floor(), exact.weight()),
                    "n={n} k={k} {mode:?}"
                );
                verify(&priced.graph, m).unwrap();
                check_all_pairs(n, &score, m).unwrap();
                // The priced matching is also certified on the complete graph itself.
                verify(&complete, m).unwrap();
            }
        }
    }
}

#[test]
fn top_k_keeps_each_persons_best_and_never_a_forbidden_pair() {
    let round = Round::new(50, 5, 9, 99);
    let score = |i: usize, j: usize| round.score(i, j);
    let options = CandidateOptions {
        k: 3,
        max_k: 12,
        ..CandidateOptions::default()
    };
    let candidates = top_k_graph(50, &score, &options).unwrap();
    let (g, range) = (candidates.graph.clone(), candidates.score_range);
    let complete = round.complete();
    let lo = complete.edges().iter().map(|e| e.weight).min().unwrap();
    let hi = complete.edges().iter().map(|e| e.weight).max().unwrap();
    assert_eq!(range, Some((lo, hi)));
    for e in g.edges() {
        assert_eq!(round.score(e.u, e.v), Some(e.weight));
    }
    for i in 0..50 {
        // Person i's best allowed score appears among their candidate edges.
        let best = (0..50)
            .filter(|&j| j != i)
            .filter_map(|j| score(i.min(j), i.max(j)))
            .max();
        let have = g
            .edges()
            .iter()
            .filter(|e| e.u == i || e.v == i)
            .map(|e| e.weight)
            .max();
        assert_eq!(best, have, "person {i}");
        let degree = g.edges().iter().filter(|e| e.u == i || e.v == i).count();
        let allowed = (0..50)
            .filter(|&j| j != i && score(i.min(j), i.max(j)).is_some())
            .count();
        assert!(degree >= 3.min(allowed));
    }
    // Every pair left out scores at most both people's caps.
    for u in 0..50 {
        for v in u + 1..50 {
            if let Some(w) = score(u, v)
                && g.weight(u, v).is_none()
            {
                assert!(w <= candidates.cap[u] && w <= candidates.cap[v], "{u}-{v}");
            }
        }
    }
    // The same input gives the same graph.
    assert_eq!(top_k_graph(50, &score, &options).unwrap(), candidates);
}

#[test]
fn a_score_out_of_range_is_an_error_not_a_panic() {
    let score = |_: usize, _: usize| Some(i64::MAX);
    assert!(solve_all_pairs(4, &score, &CandidateOptions::default()).is_err());
}

#[test]
fn check_all_pairs_catches_a_pair_the_candidates_missed() {
    // Solve on a graph that lacks the best pair: the certificate cannot cover it.
    let score = |i: usize, j: usize| Some(if (i, j) == (0, 3) { 100 } else { 1 });
    let partial = Graph::from_edges(4, [(0, 1, 1), (2, 3, 1), (1, 2, 1)]).unwrap();
    let m = solve(&partial, Options::new(Mode::MaxWeight)).unwrap();
    let e = check_all_pairs(4, &score, &m).unwrap_err();
    assert_eq!((e.u, e.v, e.score), (0, 3, 100));
}
