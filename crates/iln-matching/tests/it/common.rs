//! Shared test helpers: a brute-force optimum for tiny graphs and a small deterministic RNG.

use iln_matching::{Graph, Matching, Mode};

/// The best objective value of any matching, compared lexicographically per mode:
/// `(cardinality, floor, weight)` with the parts a mode ignores set to zero.
pub fn objective(
    mode: Mode,
    cardinality: usize,
    floor: Option<i64>,
    weight: i64,
) -> (i64, i64, i64) {
    match mode {
        Mode::MaxWeight => (0, 0, weight),
        Mode::MaxCardinality => (cardinality as i64, 0, weight),
        Mode::Fairness => (cardinality as i64, floor.unwrap_or(i64::MAX), weight),
    }
}

pub fn objective_of(m: &Matching, graph: &Graph) -> (i64, i64, i64) {
    let floor = m
        .pairs()
        .iter()
        .map(|&(u, v)| graph.weight(u, v).unwrap())
        .min();
    objective(m.mode(), m.cardinality(), floor, m.weight())
}

/// Enumerates every matching of a tiny graph and returns the best objective.
pub fn brute_force(graph: &Graph, mode: Mode) -> (i64, i64, i64) {
    let n = graph.node_count();
    let mut best = objective(mode, 0, None, 0);
    let mut used = vec![false; n];
    rec(graph, mode, 0, &mut used, 0, None, 0, &mut best);
    best
}

#[expect(
    clippy::too_many_arguments,
    reason = "the recursion carries its whole state"
)]
fn rec(
    graph: &Graph,
    mode: Mode,
    from: usize,
    used: &mut [bool],
    card: usize,
    floor: Option<i64>,
    weight: i64,
    best: &mut (i64, i64, i64),
) {
    let here = objective(mode, card, floor, weight);
    if here > *best {
        *best = here;
    }
    for (i, e) in graph.edges().iter().enumerate().skip(from) {
        if used[e.u] || used[e.v] {
            continue;
        }
        used[e.u] = true;
        used[e.v] = true;
        let f = Some(floor.map_or(e.weight, |f: i64| f.min(e.weight)));
        rec(
            graph,
            mode,
            i + 1,
            used,
            card + 1,
            f,
            weight + e.weight,
            best,
        );
        used[e.u] = false;
        used[e.v] = false;
    }
}

/// A tiny xorshift generator so the tests are reproducible without extra dependencies.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub const MODES: [Mode; 3] = [Mode::MaxWeight, Mode::MaxCardinality, Mode::Fairness];
