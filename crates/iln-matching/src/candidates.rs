//! Large rounds: a top-k candidate graph built from a scoring closure, and the pricing pass
//! that makes the matching on it optimal over *all* allowed pairs.
//!
//! Scoring every pair is cheap next to matching on a complete graph, so we match on each
//! person's best `k` candidates, then use the duals to check every pair left out (in
//! parallel): a pair with a negative reduced cost could improve the matching, so it is added
//! and the graph re-solved from the previous duals, until no such pair remains. The final
//! certificate then covers every allowed pair, which is what [`check_all_pairs`] confirms.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use rayon::prelude::*;

use crate::explain::DualIndex;
use crate::{
    FairStep, Graph, MAX_WEIGHT, Matching, Mode, SolveError, fairness_search, solve_shifted,
};

/// How to build the candidate graph and what to optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateOptions {
    /// Each person's number of best candidates.
    pub k: usize,
    /// Upper limit for the adaptive k: a person whom few others list among their best gets
    /// their list doubled, up to this length, so they are not left with only contested
    /// candidates.
    pub max_k: usize,
    /// At most this many violating pairs per person are added in one pricing round (the
    /// most violated first); the rest are found again in the next round if still violated.
    pub add_per_person: usize,
    pub mode: Mode,
}

impl Default for CandidateOptions {
    fn default() -> Self {
        CandidateOptions {
            k: 16,
            max_k: 64,
            add_per_person: 8,
            mode: Mode::MaxWeight,
        }
    }
}

/// What the pricing pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PricingStats {
    /// Edges of the first top-k candidate graph.
    pub candidate_edges: usize,
    /// Pairs added because their reduced cost was negative.
    pub added_edges: usize,
    /// Solves run (one per pricing round, summed over fairness sub-problems).
    pub solves: usize,
    /// Full scans over all pairs.
    pub scans: usize,
}

/// A matching that is optimal over all allowed pairs, with the graph its certificate was
/// solved on (candidates plus every pair pricing added): `verify(&graph, &matching)` and
/// [`check_all_pairs`] together prove optimality over the complete graph.
#[derive(Debug, Clone)]
pub struct Priced {
    pub matching: Matching,
    pub graph: Graph,
    pub stats: PricingStats,
}

/// A pair the certificate does not cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pair {u}-{v} of score {score} has negative reduced cost {reduced}")]
pub struct PricingViolation {
    pub u: usize,
    pub v: usize,
    pub score: i64,
    pub reduced: i128,
}

/// Calls `score` on the unordered pair with the smaller index first and checks the range.
fn pair_score<F>(score: &F, i: usize, j: usize) -> Result<Option<i64>, SolveError>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let (a, b) = (i.min(j), i.max(j));
    match score(a, b) {
        Some(w) if !(-MAX_WEIGHT..=MAX_WEIGHT).contains(&w) => {
            Err(SolveError::ScoreOutOfRange(a, b, w))
        }
        other => Ok(other),
    }
}

/// A top-k candidate graph and what it says about the pairs left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub graph: Graph,
    /// Lowest and highest score of any allowed pair, or `None` when no pair is allowed.
    pub score_range: Option<(i64, i64)>,
    /// `cap[i]` bounds the score of every allowed pair of `i` that is not among `i`'s kept
    /// candidates (`i64::MIN` when all were kept). A pair outside the graph scores at most
    /// `min(cap[u], cap[v])`, which lets the pricing pass skip most pairs from the duals alone.
    pub cap: Vec<i64>,
}

/// The union of every person's `k` best allowed candidates (ties broken by the lower index),
/// with k doubled up to `max_k` for people few others list. `score(i, j)` is called with
/// `i < j`; `None` forbids the pair.
pub fn top_k_graph<F>(
    n: usize,
    score: &F,
    options: &CandidateOptions,
) -> Result<Candidates, SolveError>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let k = options.k.max(1);
    let rows: Vec<Row> = (0..n)
        .into_par_iter()
        .map(|i| best_of_row(n, i, score, options.max_k.max(k)))
        .collect::<Result<_, _>>()?;
    let range = rows
        .iter()
        .filter_map(|r| r.1)
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    // How often each person appears in the others' first k.
    let mut listed = vec![0usize; n];
    let mut cap = vec![i64::MIN; n];
    for (row, _, _) in &rows {
        for &(j, _) in row.iter().take(k) {
            listed[j] += 1;
        }
    }
    let mut pairs: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for (i, (row, _, allowed)) in rows.iter().enumerate() {
        let mut own = k;
        // Hardly anyone wants them (listed by fewer than a quarter of k others, typical of
        // people whose best candidates are all contested): widen their own list so the
        // graph reaches beyond those candidates.
        let mut wanted = listed[i];
        while wanted < own / 4 && own < options.max_k {
            own = (own * 2).min(options.max_k);
            wanted = wanted.saturating_mul(2);
        }
        for &(j, w) in row.iter().take(own) {
            pairs.insert((i.min(j), i.max(j)), w);
        }
        // Rows are sorted best first, so everything left out scores at most the last kept.
        if *allowed > own.min(row.len()) {
            cap[i] = row
                .get(own.min(row.len()).saturating_sub(1))
                .map_or(i64::MIN, |&(_, w)| w);
        }
    }
    let mut graph = Graph::new(n);
    for ((u, v), w) in pairs {
        graph
            .add_edge(u, v, w)
            .map_err(|_| SolveError::ScoreOutOfRange(u, v, w))?;
    }
    Ok(Candidates {
        graph,
        score_range: range,
        cap,
    })
}

/// Row `i`: its `keep` best candidates, best first, the score range of the row, and how many
/// pairs it allows.
type Row = (Vec<(usize, i64)>, Option<(i64, i64)>, usize);

fn best_of_row<F>(n: usize, i: usize, score: &F, keep: usize) -> Result<Row, SolveError>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    // The `keep` best so far in a min-heap whose top is the worst kept candidate: lower
    // score, then higher index, is worse. Most candidates lose against the top in O(1).
    let mut kept: BinaryHeap<Reverse<(i64, Reverse<usize>)>> = BinaryHeap::with_capacity(keep + 1);
    let mut range: Option<(i64, i64)> = None;
    let mut allowed = 0usize;
    for j in 0..n {
        if j == i {
            continue;
        }
        let Some(w) = pair_score(score, i, j)? else {
            continue;
        };
        allowed += 1;
        range = Some(range.map_or((w, w), |(lo, hi)| (lo.min(w), hi.max(w))));
        let key = (w, Reverse(j));
        if kept.len() < keep {
            kept.push(Reverse(key));
        } else if kept.peek().is_some_and(|worst| key > worst.0) {
            kept.pop();
            kept.push(Reverse(key));
        }
    }
    let mut all: Vec<(usize, i64)> = kept
        .into_iter()
        .map(|Reverse((w, Reverse(j)))| (j, w))
        .collect();
    all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok((all, range, allowed))
}

/// Solves over all allowed pairs: top-k candidates, then pricing until the certificate covers
/// every pair. `score(i, j)` is called with `i < j` and must be deterministic; `None` forbids
/// the pair.
pub fn solve_all_pairs<F>(
    n: usize,
    score: &F,
    options: &CandidateOptions,
) -> Result<Priced, SolveError>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let Candidates {
        graph: initial,
        score_range: range,
        cap,
    } = top_k_graph(n, score, options)?;
    let mut pool = Pool {
        n,
        cap,
        pairs: initial
            .edges()
            .iter()
            .map(|e| ((e.u, e.v), e.weight))
            .collect(),
        stats: PricingStats {
            candidate_edges: initial.edge_count(),
            ..PricingStats::default()
        },
        add_per_person: options.add_per_person.max(1),
    };
    let (lo, hi) = range.unwrap_or((0, 0));
    let matching = match options.mode {
        Mode::MaxWeight => pool.priced(score, &|w| Some(w), 0)?,
        Mode::MaxCardinality => {
            let offset = offset_for(n, lo, hi)?;
            let m = pool.priced(score, &|w| Some(w), offset)?;
            relabel(m, Mode::MaxCardinality)
        }
        Mode::Fairness => {
            let count = usize::try_from(hi - lo + 1).unwrap_or(usize::MAX);
            let count = if range.is_none() { 0 } else { count };
            // The floor on the candidate graph alone is cheap to find and usually right;
            // testing it first leaves two priced tests instead of a priced binary search.
            let guess = crate::solve(
                &pool.graph(&|w| Some(w))?,
                crate::Options::new(Mode::Fairness),
            )?
            .floor();
            fairness_search(
                |i| lo + i as i64,
                count,
                |mate| {
                    mate.iter()
                        .enumerate()
                        .filter_map(|(u, m)| m.filter(|&v| u < v).and_then(|v| score(u, v)))
                        .min()
                },
                guess,
                |step| match step {
                    FairStep::Count { above } => {
                        let low = above.map_or(lo, |a| a.saturating_add(1).max(lo));
                        let offset = offset_for(n, low, hi.max(low))?;
                        pool.priced(
                            score,
                            &move |w| above.is_none_or(|a| w > a).then_some(w),
                            offset,
                        )
                    }
                    FairStep::Floor { floor } => {
                        let offset = offset_for(n, floor, hi)?;
                        pool.priced(score, &move |w| (w >= floor).then_some(w), offset)
                    }
                    FairStep::Nothing => {
                        let offset = offset_for(n, lo, hi)?;
                        pool.priced(score, &|w| Some(w), offset)
                    }
                },
            )?
        }
    };
    let graph = pool.graph(&|w| Some(w))?;
    // The solves ran on sub-graphs of the pool; re-express the matching on the final pool so
    // `verify(&graph, &matching)` holds (same pairs, same certificate).
    Ok(Priced {
        matching,
        graph,
        stats: pool.stats,
    })
}

fn relabel(mut m: Matching, mode: Mode) -> Matching {
    m.mode = mode;
    m
}

/// The maximum-cardinality shift for weights in `[lo, hi]` on `n` nodes, as in
/// `cardinality_offset` but from the score range of all pairs.
fn offset_for(n: usize, lo: i64, hi: i64) -> Result<i64, SolveError> {
    let g = Graph::from_edges(2.max(n), [(0, 1, lo), (0, 1, hi)])
        .map_err(|_| SolveError::WeightOverflow)?;
    crate::cardinality_offset(&g)
}

/// The growing set of pairs the solves have seen.
struct Pool {
    n: usize,
    /// Score caps of the pairs outside the first candidate graph (see [`Candidates::cap`]).
    cap: Vec<i64>,
    pairs: BTreeMap<(usize, usize), i64>,
    stats: PricingStats,
    add_per_person: usize,
}

impl Pool {
    /// The pool's pairs seen through `view` (which may drop a pair or change its weight).
    fn graph(&self, view: &dyn Fn(i64) -> Option<i64>) -> Result<Graph, SolveError> {
        let mut g = Graph::new(self.n);
        for (&(u, v), &w) in &self.pairs {
            if let Some(x) = view(w) {
                g.add_edge(u, v, x)
                    .map_err(|_| SolveError::ScoreOutOfRange(u, v, x))?;
            }
        }
        Ok(g)
    }

    /// Solves on the pool seen through `view` with the given shift, then prices every pair
    /// and repeats until none is violated. Every view is non-decreasing where defined and
    /// defined on all scores above some threshold, which the score caps rely on.
    fn priced<F>(
        &mut self,
        score: &F,
        view: &(dyn Fn(i64) -> Option<i64> + Sync),
        offset: i64,
    ) -> Result<Matching, SolveError>
    where
        F: Fn(usize, usize) -> Option<i64> + Sync,
    {
        let mode = if offset == 0 {
            Mode::MaxWeight
        } else {
            Mode::MaxCardinality
        };
        let mut warm: Option<Matching> = None;
        loop {
            let graph = self.graph(view)?;
            let m = solve_shifted(&graph, mode, offset, warm.as_ref())?;
            self.stats.solves += 1;
            let violations = violations(self.n, score, view, &self.cap, &m, self.add_per_person)?;
            self.stats.scans += 1;
            if violations.is_empty() {
                return Ok(m);
            }
            for (u, v) in violations {
                // Store the raw score: the pool is shared by every view.
                if let Some(raw) = pair_score(score, u, v)? {
                    self.pairs.insert((u, v), raw);
                    self.stats.added_edges += 1;
                }
            }
            warm = Some(m);
        }
    }
}

/// Pairs whose reduced cost under `m`'s duals is negative, at most `per_person` per row (the
/// most violated), as `(u, v)` with `u < v`. Pairs in the pool are covered by the solve; a
/// pair outside it scores at most `min(cap_u, cap_v)`, so (the view being non-decreasing
/// and blossom duals only adding) it can only be violated when
/// `y_u + y_v < 4 * (view(cap_u) + offset)`: for each `u` only the people with the smallest
/// duals need a look, and nobody when `view(cap_u)` is undefined.
fn violations<F>(
    n: usize,
    score: &F,
    view: &(dyn Fn(i64) -> Option<i64> + Sync),
    caps: &[i64],
    m: &Matching,
    per_person: usize,
) -> Result<Vec<(usize, usize)>, SolveError>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let index = DualIndex::new(m);
    let duals = &m.certificate().vertex_dual;
    let offset = i128::from(m.certificate().offset);
    let mut by_dual: Vec<usize> = (0..n).collect();
    by_dual.sort_unstable_by_key(|&v| (duals[v], v));
    let sorted: Vec<i64> = by_dual.iter().map(|&v| duals[v]).collect();
    let rows: Vec<Vec<(i128, usize, usize)>> = (0..n)
        .into_par_iter()
        .map(|u| {
            let mut found = Vec::new();
            let best = if caps[u] == i64::MIN {
                None
            } else {
                view(caps[u])
            };
            let end = best.map_or(0, |best| {
                let limit = i128::from(crate::DUAL_SCALE) * (i128::from(best) + offset)
                    - i128::from(duals[u]);
                sorted.partition_point(|&y| i128::from(y) < limit)
            });
            for v in by_dual[..end].iter().copied().filter(|&v| v > u) {
                let Some(raw) = pair_score(score, u, v)? else {
                    continue;
                };
                let Some(w) = view(raw) else { continue };
                if index.covers(u, v, w) {
                    continue;
                }
                found.push((index.reduced(u, v, w), u, v));
            }
            if found.len() > per_person {
                found.select_nth_unstable(per_person);
                found.truncate(per_person);
            }
            Ok(found)
        })
        .collect::<Result<_, SolveError>>()?;
    let mut all: Vec<(usize, usize)> = rows.into_iter().flatten().map(|(_, u, v)| (u, v)).collect();
    all.sort_unstable();
    Ok(all)
}

/// Confirms that `matching`'s certificate covers every allowed pair: no pair has a negative
/// reduced cost. With `verify(&priced.graph, &matching)` this proves the matching optimal
/// over the complete graph (maximum-weight and maximum-cardinality modes; in fairness mode it
/// checks the final solve over the pairs at or above the floor).
pub fn check_all_pairs<F>(n: usize, score: &F, matching: &Matching) -> Result<(), PricingViolation>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let index = DualIndex::new(matching);
    let floor = matching.floor();
    let found = (0..n).into_par_iter().find_map_first(|u| {
        (u + 1..n).find_map(|v| {
            let w = score(u, v)?;
            if floor.is_some_and(|f| w < f) || index.covers(u, v, w) {
                return None;
            }
            let reduced = index.reduced(u, v, w);
            (reduced < 0).then_some(PricingViolation {
                u,
                v,
                score: w,
                reduced,
            })
        })
    });
    match found {
        Some(v) => Err(v),
        None => Ok(()),
    }
}
