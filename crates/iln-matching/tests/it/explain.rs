//! "Why not X?": the bound from the duals never exceeds the true loss of forcing a pair.

use iln_matching::explain::{Explainer, WhyNot};
use iln_matching::{Graph, Mode, Options, solve};

use crate::common::Rng;

/// The best total with `u` and `v` forced together.
fn forced_optimum(g: &Graph, u: usize, v: usize, w: i64, mode: Mode) -> (usize, i64) {
    let rest = Graph::from_edges(
        g.node_count(),
        g.edges()
            .iter()
            .filter(|e| ![e.u, e.v].iter().any(|&x| x == u || x == v))
            .map(|e| (e.u, e.v, e.weight)),
    )
    .unwrap();
    let m = solve(&rest, Options::new(mode)).unwrap();
    (m.cardinality() + 1, m.weight() + w)
}

#[test]
fn the_bound_never_exceeds_the_true_loss() {
    let mut rng = Rng(4242);
    let mut informative = 0;
    for _ in 0..300 {
        let n = 4 + rng.below(12) as usize;
        let mut g = Graph::new(n);
        for u in 0..n {
            for v in u + 1..n {
                if rng.below(10) < 6 {
                    g.add_edge(u, v, rng.below(30) as i64 - 3).unwrap();
                }
            }
        }
        for mode in [Mode::MaxWeight, Mode::MaxCardinality] {
            let m = solve(&g, Options::new(mode)).unwrap();
            let explain = Explainer::new(&m);
            for e in g.edges() {
                match explain.why_not(e.u, e.v, e.weight).unwrap() {
                    WhyNot::Paired => assert_eq!(m.mate()[e.u], Some(e.v)),
                    WhyNot::Loss(bound) => {
                        let (card, forced) = forced_optimum(&g, e.u, e.v, e.weight, mode);
                        if mode == Mode::MaxWeight || card == m.cardinality() {
                            assert!(m.weight() - forced >= bound, "{g:?} {e:?} {bound}");
                        }
                        if bound > 0 {
                            informative += 1;
                        }
                    }
                    WhyNot::BelowFloor { .. } => panic!("no floor in {mode:?}"),
                }
            }
        }
    }
    assert!(
        informative > 100,
        "the bound is rarely zero on random graphs"
    );
}

#[test]
fn fairness_explains_pairs_below_the_floor() {
    let g = Graph::from_edges(4, [(0, 1, 5), (2, 3, 6), (0, 2, 1), (1, 3, 9)]).unwrap();
    let m = solve(&g, Options::new(Mode::Fairness)).unwrap();
    assert_eq!(m.floor(), Some(5));
    let explain = Explainer::new(&m);
    assert_eq!(
        explain.why_not(0, 2, 1),
        Some(WhyNot::BelowFloor { floor: 5 })
    );
    assert_eq!(explain.why_not(0, 1, 5), Some(WhyNot::Paired));
    assert_eq!(explain.why_not(0, 9, 5), None);
}
