//! Odd people out: trios under the hard filters, or a reason for staying single.

use iln_matching::trio::{Leftover, LeftoverPolicy, UnmatchedReason, leftovers};
use iln_matching::{Graph, Mode, Options, solve};

/// Five people: 0-1 and 2-3 pair up; 4 fits with 2 and 3 but not with 0.
fn round() -> (Graph, impl Fn(usize, usize) -> Option<i64> + Sync) {
    let score = |i: usize, j: usize| -> Option<i64> {
        match (i, j) {
            (0, 1) => Some(10),
            (2, 3) => Some(10),
            (0, 4) => None,
            (1, 4) => Some(1),
            (2, 4) => Some(3),
            (3, 4) => Some(4),
            _ => Some(0),
        }
    };
    let mut g = Graph::new(5);
    for u in 0..5 {
        for v in u + 1..5 {
            if let Some(w) = score(u, v) {
                g.add_edge(u, v, w).unwrap();
            }
        }
    }
    (g, score)
}

#[test]
fn the_odd_person_joins_the_best_compatible_pair() {
    let (g, score) = round();
    let m = solve(&g, Options::new(Mode::MaxCardinality)).unwrap();
    assert_eq!(m.pairs(), vec![(0, 1), (2, 3)]);
    assert_eq!(
        leftovers(&m, &score, LeftoverPolicy::Trio),
        vec![Leftover::Trio {
            person: 4,
            pair: (2, 3),
            score: 7
        }]
    );
    assert_eq!(
        leftovers(&m, &score, LeftoverPolicy::Report),
        vec![Leftover::Unmatched {
            person: 4,
            reason: UnmatchedReason::LeftOver
        }]
    );
}

#[test]
fn reasons_when_no_trio_is_possible() {
    // 0-1 pair; 2 is compatible with 0 only; 3 with nobody; 4 and 5 both fit only 0-1.
    let score = |i: usize, j: usize| -> Option<i64> {
        match (i, j) {
            (0, 1) => Some(5),
            (0, 2) => Some(1),
            (0, 4) | (1, 4) => Some(2),
            (0, 5) | (1, 5) => Some(3),
            _ => None,
        }
    };
    let g = Graph::from_edges(
        6,
        [
            (0, 1, 5),
            (0, 2, 1),
            (0, 4, 2),
            (1, 4, 2),
            (0, 5, 3),
            (1, 5, 3),
        ],
    )
    .unwrap();
    let m = solve(&g, Options::new(Mode::MaxWeight)).unwrap();
    assert_eq!(m.pairs(), vec![(0, 1)]);
    let out = leftovers(&m, &score, LeftoverPolicy::Trio);
    assert_eq!(
        out,
        vec![
            Leftover::Unmatched {
                person: 2,
                reason: UnmatchedReason::NoCompatiblePair
            },
            Leftover::Unmatched {
                person: 3,
                reason: UnmatchedReason::NoCompatiblePartner
            },
            Leftover::Unmatched {
                person: 4,
                reason: UnmatchedReason::CompatiblePairsTaken
            },
            Leftover::Trio {
                person: 5,
                pair: (0, 1),
                score: 6
            },
        ]
    );
    for o in out {
        if let Leftover::Unmatched { reason, .. } = o {
            assert!(!reason.describe().ends_with('.'));
        }
    }
}
