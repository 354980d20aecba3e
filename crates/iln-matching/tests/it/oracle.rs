//! Random graphs up to a few hundred nodes against rustworkx-core's `max_weight_matching`.

use iln_matching::{Graph, Mode, Options, solve, verify};
use proptest::prelude::*;
use rustworkx_core::petgraph::graph::UnGraph;

/// The reference optimum: total weight and pair count of rustworkx-core's matching.
pub fn reference(graph: &Graph, max_cardinality: bool) -> (i64, usize) {
    let mut g: UnGraph<(), i64> = UnGraph::new_undirected();
    let nodes: Vec<_> = (0..graph.node_count()).map(|_| g.add_node(())).collect();
    for e in graph.edges() {
        g.add_edge(nodes[e.u], nodes[e.v], e.weight);
    }
    let pairs = rustworkx_core::max_weight_matching::max_weight_matching(
        &g,
        max_cardinality,
        |e: rustworkx_core::petgraph::graph::EdgeReference<'_, i64>| {
            Ok::<i128, ()>(i128::from(*e.weight()))
        },
        false,
    )
    .unwrap();
    let weight = pairs
        .iter()
        .map(|&(u, v)| graph.weight(u, v).unwrap())
        .sum();
    (weight, pairs.len())
}

/// Fairness through the reference: the largest floor that keeps the maximum pair count, then
/// the maximum-cardinality optimum above it.
fn reference_fair(graph: &Graph) -> (usize, Option<i64>, i64) {
    let unit = |keep: &dyn Fn(i64) -> bool| {
        Graph::from_edges(
            graph.node_count(),
            graph
                .edges()
                .iter()
                .filter(|e| keep(e.weight))
                .map(|e| (e.u, e.v, 1)),
        )
        .unwrap()
    };
    let (_, target) = reference(&unit(&|_| true), true);
    if target == 0 {
        return (0, None, 0);
    }
    let mut weights: Vec<i64> = graph.edges().iter().map(|e| e.weight).collect();
    weights.sort_unstable();
    weights.dedup();
    let floor = *weights
        .iter()
        .rev()
        .find(|&&t| reference(&unit(&|w| w >= t), true).1 == target)
        .unwrap();
    let kept = Graph::from_edges(
        graph.node_count(),
        graph
            .edges()
            .iter()
            .filter(|e| e.weight >= floor)
            .map(|e| (e.u, e.v, e.weight)),
    )
    .unwrap();
    let (weight, _) = reference(&kept, true);
    (target, Some(floor), weight)
}

/// A simple graph (no parallel edges) as `(n, edges)`: sparse or dense, with a narrow or wide
/// weight range (narrow ranges give many ties; the huge one sends the solver's event queues
/// from buckets to heaps), zero and negative weights, often disconnected.
fn graphs(max_n: usize) -> impl Strategy<Value = Graph> {
    (
        2..max_n,
        1u32..100,
        prop_oneof![Just(3i64), Just(20), Just(1000), Just(1i64 << 36)],
        any::<u64>(),
    )
        .prop_map(|(n, density, spread, seed)| {
            let mut rng = crate::common::Rng(seed | 1);
            let mut g = Graph::new(n);
            // Expected degree between about 1 and 10, or a dense graph for small n.
            let per_mille = if n <= 30 {
                density as u64 * 10
            } else {
                (density as u64 * 10).min(10_000 / n as u64 + 1)
            };
            for u in 0..n {
                for v in u + 1..n {
                    if rng.below(1000) < per_mille {
                        g.add_edge(u, v, rng.below(spread as u64 + 1) as i64 - spread / 5)
                            .unwrap();
                    }
                }
            }
            g
        })
}

pub fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(400))]

    #[test]
    fn max_weight_agrees_with_rustworkx(g in graphs(120)) {
        let m = solve(&g, Options::new(Mode::MaxWeight)).unwrap();
        verify(&g, &m).unwrap();
        prop_assert_eq!(m.weight(), reference(&g, false).0);
    }

    #[test]
    fn max_cardinality_agrees_with_rustworkx(g in graphs(120)) {
        let m = solve(&g, Options::new(Mode::MaxCardinality)).unwrap();
        verify(&g, &m).unwrap();
        let (w, c) = reference(&g, true);
        prop_assert_eq!((m.cardinality(), m.weight()), (c, w));
    }

    #[test]
    fn fairness_agrees_with_rustworkx(g in graphs(40)) {
        let m = solve(&g, Options::new(Mode::Fairness)).unwrap();
        verify(&g, &m).unwrap();
        prop_assert_eq!((m.cardinality(), m.floor(), m.weight()), reference_fair(&g));
    }
}

proptest! {
    #![proptest_config(cases(12))]

    #[test]
    fn large_graphs_agree_with_rustworkx(g in graphs(400)) {
        for (mode, maxcard) in [(Mode::MaxWeight, false), (Mode::MaxCardinality, true)] {
            let m = solve(&g, Options::new(mode)).unwrap();
            verify(&g, &m).unwrap();
            prop_assert_eq!(m.weight(), reference(&g, maxcard).0);
        }
    }

    #[test]
    fn solving_twice_gives_the_same_pairs(g in graphs(200)) {
        for mode in crate::common::MODES {
            let a = solve(&g, Options::new(mode)).unwrap();
            let b = solve(&g, Options::new(mode)).unwrap();
            prop_assert_eq!(a.pairs(), b.pairs());
        }
    }
}
