//! Inputs that once crashed the engine or blew up its memory: blossoms nested as deep as the
//! graph is large (the "onion") and big graphs of equal weights, solved on a thread with a
//! small stack so that any recursion whose depth grows with the input fails here.

use iln_matching::{Graph, Mode, Options, solve, verify};
use proptest::prelude::*;

use crate::common::Rng;

/// A stack far smaller than the main thread's 8 MB: deep enough for a few fixed frames, far
/// too shallow for one frame per nesting level at the sizes below.
const SMALL_STACK: usize = 256 * 1024;

/// The onion: vertex `r` inside `depth` nested odd cycles. Level `i` has vertices `a_i` and
/// `b_i` joined by an edge; `a_1` and `b_1` are joined to `r`, and `a_i`, `b_i` to
/// `a_(i-1)`, `b_(i-1)`. Vertex ids are shuffled by `seed` (0 keeps `r = 0`, `a_i = 2i - 1`,
/// `b_i = 2i`) and every edge weighs `weight(level)`.
fn onion(depth: usize, seed: u64, weight: &mut dyn FnMut(usize) -> i64) -> Graph {
    let n = 2 * depth + 1;
    let mut id: Vec<usize> = (0..n).collect();
    if seed != 0 {
        let mut rng = Rng(seed | 1);
        for i in (1..n).rev() {
            id.swap(i, rng.below(i as u64 + 1) as usize);
        }
    }
    let (a, b) = (|i: usize| id[2 * i - 1], |i: usize| id[2 * i]);
    let mut edges = Vec::with_capacity(3 * depth);
    for i in 1..=depth {
        let (pa, pb) = if i == 1 {
            (id[0], id[0])
        } else {
            (a(i - 1), b(i - 1))
        };
        edges.push((a(i), b(i), weight(i)));
        edges.push((a(i), pa, weight(i)));
        edges.push((b(i), pb, weight(i)));
    }
    Graph::from_edges(n, edges).unwrap()
}

/// Runs `f` on a fresh thread with [`SMALL_STACK`] and returns its result.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_deep_onion_solves_and_verifies_on_a_small_stack() {
    on_small_stack(|| {
        let depth = 3_000;
        let g = onion(depth, 0, &mut |_| 600);
        for mode in [Mode::MaxWeight, Mode::MaxCardinality, Mode::Fairness] {
            let m = solve(&g, Options::new(mode)).unwrap();
            verify(&g, &m).unwrap();
            // 2 * depth + 1 vertices: everyone but one is paired.
            assert_eq!(m.cardinality(), depth);
            assert_eq!(m.weight(), 600 * depth as i64);
        }
    });
}

#[test]
fn a_large_equal_weight_graph_solves_and_verifies_on_a_small_stack() {
    on_small_stack(|| {
        // A sparse random graph (about 8 edges a vertex) where every edge weighs the same:
        // every alternating tree is tight everywhere, so blossoms form and nest freely.
        let n = 4_000;
        let mut rng = Rng(0x5eed);
        let edges: Vec<(usize, usize, i64)> = (0..4 * n)
            .filter_map(|_| {
                let (u, v) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
                (u != v).then_some((u, v, 600))
            })
            .collect();
        let g = Graph::from_edges(n, edges).unwrap();
        for mode in [Mode::MaxWeight, Mode::MaxCardinality] {
            let m = solve(&g, Options::new(mode)).unwrap();
            verify(&g, &m).unwrap();
            assert_eq!(m.weight(), 600 * m.cardinality() as i64);
        }
    });
}

#[test]
fn the_certificate_of_a_deep_onion_is_linear_in_its_size() {
    let depth = 5_000;
    let g = onion(depth, 0, &mut |_| 1);
    let m = solve(&g, Options::new(Mode::MaxWeight)).unwrap();
    let named: usize = m
        .certificate()
        .blossoms
        .iter()
        .map(|b| b.own_vertices.len())
        .sum();
    // Each vertex is named by at most one blossom, however deep the nesting.
    assert!(named <= g.node_count());
    verify(&g, &m).unwrap();
}

proptest! {
    #![proptest_config(crate::oracle::cases(32))]

    /// Onions of any depth and any equal weight up to the engine's limit, with shuffled ids:
    /// all but one vertex paired, every pair at the same weight, and a valid certificate.
    #[test]
    fn deep_onions_pair_all_but_one(
        depth in 1usize..1_500,
        weight in 1i64..(1 << 40),
        seed in any::<u64>(),
    ) {
        let g = onion(depth, seed, &mut |_| weight);
        for mode in [Mode::MaxWeight, Mode::MaxCardinality] {
            let m = solve(&g, Options::new(mode)).unwrap();
            verify(&g, &m).unwrap();
            prop_assert_eq!(m.cardinality(), depth);
            prop_assert_eq!(m.weight(), weight * depth as i64);
        }
    }

    /// Onions whose levels weigh differently (a narrow range with ties, or a wide one), so
    /// the nesting is partial and blossoms open and close: the same optimum as rustworkx.
    #[test]
    fn onions_with_uneven_levels_agree_with_rustworkx(
        depth in 1usize..60,
        spread in prop_oneof![Just(3u64), Just(1u64 << 40)],
        seed in any::<u64>(),
    ) {
        let mut rng = Rng(seed | 1);
        let g = onion(depth, seed, &mut |_| rng.below(spread) as i64 + 1);
        for (mode, maxcard) in [(Mode::MaxWeight, false), (Mode::MaxCardinality, true)] {
            let m = solve(&g, Options::new(mode)).unwrap();
            verify(&g, &m).unwrap();
            prop_assert_eq!(m.weight(), crate::oracle::reference(&g, maxcard).0);
        }
    }
}
