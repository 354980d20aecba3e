//! Every small graph against brute force, in every mode, with the certificate checked.

use iln_matching::{Graph, Options, solve, verify};

use crate::common::{MODES, Rng, brute_force, objective_of};

fn check(graph: &Graph) {
    for mode in MODES {
        let m = solve(graph, Options::new(mode)).unwrap();
        verify(graph, &m).unwrap_or_else(|e| panic!("{mode:?} {graph:?}: {e}"));
        assert_eq!(
            objective_of(&m, graph),
            brute_force(graph, mode),
            "{mode:?} on {graph:?}"
        );
    }
}

fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|u| (u + 1..n).map(move |v| (u, v)))
        .collect()
}

/// Every graph on up to 4 nodes with every edge absent or weighted -1, 0, 1 or 2.
#[test]
fn all_graphs_up_to_four_nodes_all_small_weights() {
    for n in 0..=4 {
        let pairs = all_pairs(n);
        let choices = 5usize.pow(pairs.len() as u32);
        for code in 0..choices {
            let mut c = code;
            let mut g = Graph::new(n);
            for &(u, v) in &pairs {
                let pick = c % 5;
                c /= 5;
                if pick > 0 {
                    g.add_edge(u, v, pick as i64 - 2).unwrap();
                }
            }
            check(&g);
        }
    }
}

/// Every graph on 5 nodes with every edge absent or of weight 1 or 2 (many ties).
#[test]
fn all_graphs_on_five_nodes_with_ties() {
    let pairs = all_pairs(5);
    for code in 0..3usize.pow(pairs.len() as u32) {
        let mut c = code;
        let mut g = Graph::new(5);
        for &(u, v) in &pairs {
            let pick = c % 3;
            c /= 3;
            if pick > 0 {
                g.add_edge(u, v, pick as i64).unwrap();
            }
        }
        check(&g);
    }
}

/// Every edge set on 6 nodes (32768 graphs) with pseudo-random weights from a wide range.
#[test]
fn all_edge_sets_on_six_nodes() {
    let pairs = all_pairs(6);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for mask in 0u32..(1 << pairs.len()) {
        if mask % 7 != 0 {
            // A seventh of them keeps the test quick; the mask walk still covers every shape
            // class many times over.
            continue;
        }
        let mut g = Graph::new(6);
        for (i, &(u, v)) in pairs.iter().enumerate() {
            if mask & (1 << i) != 0 {
                g.add_edge(u, v, rng.below(21) as i64 - 5).unwrap();
            }
        }
        check(&g);
    }
}

/// Random graphs on 7 to 9 nodes, where blossoms nest.
#[test]
fn random_graphs_seven_to_nine_nodes() {
    let mut rng = Rng(12345);
    for _ in 0..1500 {
        let n = 7 + rng.below(3) as usize;
        let mut g = Graph::new(n);
        let density = 2 + rng.below(8);
        for (u, v) in all_pairs(n) {
            if rng.below(10) < density {
                g.add_edge(u, v, rng.below(9) as i64 - 1).unwrap();
            }
        }
        check(&g);
    }
}

#[test]
fn parallel_edges_count_the_heaviest() {
    let g = Graph::from_edges(2, [(0, 1, 3), (1, 0, 7), (0, 1, 5)]).unwrap();
    for mode in MODES {
        let m = solve(&g, Options::new(mode)).unwrap();
        assert_eq!(m.weight(), 7);
        verify(&g, &m).unwrap();
    }
}

#[test]
fn graph_rejects_self_loops_and_unknown_nodes() {
    let mut g = Graph::new(3);
    assert!(g.add_edge(1, 1, 4).is_err());
    assert!(g.add_edge(0, 3, 4).is_err());
    assert!(g.add_edge(0, 1, i64::MAX).is_err());
    assert_eq!(g.edge_count(), 0);
}

#[test]
fn verify_rejects_a_suboptimal_or_forged_result() {
    // A path a-b-c-d where the middle edge alone is worse than the two ends.
    let g = Graph::from_edges(4, [(0, 1, 5), (1, 2, 6), (2, 3, 5)]).unwrap();
    let good = solve(&g, Options::default()).unwrap();
    assert_eq!(good.weight(), 10);
    verify(&g, &good).unwrap();
    // The same result checked against a graph where the middle edge is heavier must fail.
    let heavier = Graph::from_edges(4, [(0, 1, 5), (1, 2, 11), (2, 3, 5)]).unwrap();
    assert!(verify(&heavier, &good).is_err());
}
