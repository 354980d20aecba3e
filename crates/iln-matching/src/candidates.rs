//! Large rounds: a top-k candidate graph built from pair scores, and the pricing pass that
//! makes the matching on it optimal over *all* allowed pairs.
//!
//! We match on each person's best `k` candidates, then use the duals to check the pairs left
//! out (in parallel): a pair with a negative reduced cost could improve the matching, so it is
//! added and the graph re-solved from the previous duals, until no such pair remains. The
//! final certificate then covers every allowed pair, which is what [`check_all_pairs`]
//! confirms.
//!
//! Scores come as a closure ([`solve_all_pairs`]: every pair is scored) or as
//! [`GroupedScores`] ([`solve_grouped`]): people in groups with cheap upper bounds on the
//! score of a person with anyone in a group, and of anyone in one group with anyone in
//! another. Both passes then skip whole groups unscored: the candidate pass those that
//! cannot beat a person's worst kept candidate, the pricing scan those whose bound is below
//! what the two duals already pay for. Pricing is also incremental: after the first scan of a
//! solve, only people whose dual fell are scanned again. Neither changes the result: the same
//! graph, matching and certificate as the full scan ([`FullScan`]). Why the skipped pairs
//! are covered is written down in `docs/pricing-bounds.md`.

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
    /// Pairs scored while building the candidate graph.
    pub candidate_scored_pairs: usize,
    /// Pricing scans (the first of each solve over every person, the later ones over the
    /// people whose dual fell).
    pub scans: usize,
    /// Rows scanned, summed over all scans.
    pub rows_scanned: usize,
    /// Pairs scored by the pricing scans (the rest were ruled out on their bounds).
    pub scored_pairs: usize,
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

/// A round's pair scores with cheap upper bounds over groups of people, so that the candidate
/// and pricing passes can rule out whole blocks of pairs without scoring them.
///
/// What the passes rely on (`docs/pricing-bounds.md` says why this keeps the certificate a
/// proof over every allowed pair):
/// - `score(u, v)` is called with `u < v` and is deterministic; `None` forbids the pair;
/// - every person is in one group, `group_of(u) < group_count()`;
/// - `person_bound(u, g)` is at least `score` of every allowed pair of `u` with a member of
///   group `g` (other than `u`), and `None` only when `g` holds no allowed partner of `u`;
/// - `group_bound(a, b)` is at least `score` of every allowed pair with one member in `a` and
///   the other in `b`, and `None` only when there is no such pair;
/// - `lowest()` is at most every allowed score, or `None` when the implementation does not
///   know (then the candidate pass scores every pair to find the lowest).
pub trait GroupedScores: Sync {
    /// The number of people.
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn score(&self, u: usize, v: usize) -> Option<i64>;

    fn group_count(&self) -> usize;

    fn group_of(&self, person: usize) -> usize;

    fn person_bound(&self, person: usize, group: usize) -> Option<i64>;

    fn group_bound(&self, a: usize, b: usize) -> Option<i64>;

    fn lowest(&self) -> Option<i64>;
}

/// A scoring closure as [`GroupedScores`]: one group and no bounds, so every pair is scored.
struct Closure<'a, F> {
    n: usize,
    score: &'a F,
}

impl<F> GroupedScores for Closure<'_, F>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    fn len(&self) -> usize {
        self.n
    }

    fn score(&self, u: usize, v: usize) -> Option<i64> {
        (self.score)(u, v)
    }

    fn group_count(&self) -> usize {
        1
    }

    fn group_of(&self, _: usize) -> usize {
        0
    }

    fn person_bound(&self, _: usize, _: usize) -> Option<i64> {
        Some(i64::MAX)
    }

    fn group_bound(&self, _: usize, _: usize) -> Option<i64> {
        Some(i64::MAX)
    }

    fn lowest(&self) -> Option<i64> {
        None
    }
}

/// The same scores with every bound switched off (one group, no bound below `i64::MAX`), the
/// same `lowest()`: the full scan that pruned pricing must agree with, pair for pair.
#[derive(Debug, Clone, Copy)]
pub struct FullScan<'a, S: ?Sized>(pub &'a S);

impl<S: GroupedScores + ?Sized> GroupedScores for FullScan<'_, S> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn score(&self, u: usize, v: usize) -> Option<i64> {
        self.0.score(u, v)
    }

    fn group_count(&self) -> usize {
        1
    }

    fn group_of(&self, _: usize) -> usize {
        0
    }

    fn person_bound(&self, _: usize, _: usize) -> Option<i64> {
        Some(i64::MAX)
    }

    fn group_bound(&self, _: usize, _: usize) -> Option<i64> {
        Some(i64::MAX)
    }

    fn lowest(&self) -> Option<i64> {
        self.0.lowest()
    }
}

/// Calls `score` on the unordered pair with the smaller index first and checks the range.
fn pair_score<S: GroupedScores + ?Sized>(
    scores: &S,
    i: usize,
    j: usize,
) -> Result<Option<i64>, SolveError> {
    let (a, b) = (i.min(j), i.max(j));
    match scores.score(a, b) {
        Some(w) if !(-MAX_WEIGHT..=MAX_WEIGHT).contains(&w) => {
            Err(SolveError::ScoreOutOfRange(a, b, w))
        }
        other => Ok(other),
    }
}

/// The members of each group, and whether the bounds may be used at all.
struct Groups {
    members: Vec<Vec<usize>>,
    /// For each group, the groups that may hold partners of its members, highest group bound
    /// first: the order the candidate pass takes groups in, and where a pricing scan stops.
    coarse: Coarse,
    /// False when `group_of` named a group out of range: the bounds of such an implementation
    /// cannot be trusted, so everyone goes in one group and nothing is pruned.
    bounded: bool,
}

impl Groups {
    fn new<S: GroupedScores + ?Sized>(scores: &S) -> Groups {
        let (n, count) = (scores.len(), scores.group_count());
        let mut members = vec![Vec::new(); count];
        for person in 0..n {
            match members.get_mut(scores.group_of(person)) {
                Some(list) => list.push(person),
                None => {
                    let members = vec![(0..n).collect()];
                    return Groups {
                        coarse: Coarse::unbounded(&members),
                        members,
                        bounded: false,
                    };
                }
            }
        }
        Groups {
            coarse: Coarse::new(scores, &members),
            members,
            bounded: true,
        }
    }

    fn person_bound<S: GroupedScores + ?Sized>(&self, s: &S, u: usize, g: usize) -> Option<i64> {
        if self.bounded {
            s.person_bound(u, g)
        } else {
            Some(i64::MAX)
        }
    }
}

/// Every group's list of groups by group bound, highest first, in one flat array.
struct Coarse {
    /// Group `a`'s list is `bound[start[a]..start[a + 1]]` and the same range of `group`.
    start: Vec<usize>,
    bound: Vec<i64>,
    group: Vec<u32>,
}

impl Coarse {
    fn new<S: GroupedScores + ?Sized>(scores: &S, members: &[Vec<usize>]) -> Coarse {
        let lists: Vec<Vec<(i64, u32)>> = (0..members.len())
            .into_par_iter()
            .map(|a| {
                if members[a].is_empty() {
                    return Vec::new();
                }
                let mut list: Vec<(i64, u32)> = (0..members.len())
                    .filter(|&b| !members[b].is_empty())
                    .filter_map(|b| {
                        let bound = scores.group_bound(a, b)?;
                        Some((bound, u32::try_from(b).ok()?))
                    })
                    .collect();
                list.sort_unstable_by(|x, y| y.cmp(x));
                list
            })
            .collect();
        Coarse::from_lists(lists)
    }

    /// One group with every bound at its maximum.
    fn unbounded(members: &[Vec<usize>]) -> Coarse {
        Coarse::from_lists(
            members
                .iter()
                .map(|_| (0..members.len() as u32).map(|b| (i64::MAX, b)).collect())
                .collect(),
        )
    }

    fn from_lists(lists: Vec<Vec<(i64, u32)>>) -> Coarse {
        let mut start = Vec::with_capacity(lists.len() + 1);
        start.push(0);
        let total = lists.iter().map(Vec::len).sum();
        let (mut bound, mut group) = (Vec::with_capacity(total), Vec::with_capacity(total));
        for list in lists {
            for (b, g) in list {
                bound.push(b);
                group.push(g);
            }
            start.push(bound.len());
        }
        Coarse {
            start,
            bound,
            group,
        }
    }

    /// Group `a`'s list: bounds and groups.
    fn of(&self, a: usize) -> (&[i64], &[u32]) {
        let range = self.start[a]..self.start[a + 1];
        (&self.bound[range.clone()], &self.group[range])
    }
}

/// A top-k candidate graph and what it says about the pairs left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub graph: Graph,
    /// Lowest and highest score of any allowed pair, or `None` when no pair is allowed. With
    /// bounded scores the lowest is [`GroupedScores::lowest`], which may be below every real
    /// score; the highest is always exact.
    pub score_range: Option<(i64, i64)>,
    /// `cap[i]` bounds the score of every allowed pair of `i` that is not among `i`'s kept
    /// candidates (`i64::MIN` when all were kept). A pair outside the graph scores at most
    /// `min(cap[u], cap[v])`, which lets the pricing pass skip most pairs from the duals alone.
    pub cap: Vec<i64>,
    /// Pairs scored to build it (twice for a pair looked at from both sides).
    pub scored_pairs: usize,
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
    top_k_grouped(&Closure { n, score }, options)
}

/// As [`top_k_graph`], skipping the groups whose bound cannot beat a person's worst kept
/// candidate: the same graph, with fewer pairs scored.
pub fn top_k_grouped<S: GroupedScores + ?Sized>(
    scores: &S,
    options: &CandidateOptions,
) -> Result<Candidates, SolveError> {
    let groups = Groups::new(scores);
    top_k_with(scores, &groups, options)
}

fn top_k_with<S: GroupedScores + ?Sized>(
    scores: &S,
    groups: &Groups,
    options: &CandidateOptions,
) -> Result<Candidates, SolveError> {
    let n = scores.len();
    let k = options.k.max(1);
    let lowest = scores.lowest();
    // Without a known lowest score every pair is scored, so the range is exact.
    let prune = groups.bounded && lowest.is_some();
    // Everyone's k best first; only the people whose list is widened need a longer one, and
    // a short list lets the bounds rule out far more groups than a long one would.
    let mut rows: Vec<Row> = rows_of(scores, groups, prune, &|_| Some(k))?
        .into_iter()
        .flatten()
        .collect();
    let mut scored: usize = rows.iter().map(|r| r.scored).sum();
    // How often each person appears in the others' first k.
    let mut listed = vec![0usize; n];
    for row in &rows {
        for &(j, _) in &row.best {
            listed[j] += 1;
        }
    }
    // Hardly anyone wants them (listed by fewer than a quarter of k others, typical of
    // people whose best candidates are all contested): widen their own list so the graph
    // reaches beyond those candidates.
    let own: Vec<usize> = listed
        .iter()
        .map(|&listed| {
            let (mut own, mut wanted) = (k, listed);
            while wanted < own / 4 && own < options.max_k {
                own = (own * 2).min(options.max_k);
                wanted = wanted.saturating_mul(2);
            }
            own
        })
        .collect();
    let widened = rows_of(scores, groups, prune, &|i| (own[i] > k).then_some(own[i]))?;
    for (row, wider) in rows.iter_mut().zip(widened) {
        if let Some(wider) = wider {
            scored += wider.scored;
            *row = wider;
        }
    }
    let range = rows
        .iter()
        .filter_map(|r| r.range)
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
        .map(|(lo, hi)| (lowest.map_or(lo, |l| l.min(lo)), hi));
    let mut cap = vec![i64::MIN; n];
    let mut pairs: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        for &(j, w) in &row.best {
            pairs.insert((i.min(j), i.max(j)), w);
        }
        // Rows are sorted best first, and a group was only skipped when it could not beat
        // the worst kept candidate, so everything left out scores at most the last kept.
        if row.pruned || row.allowed > row.best.len() {
            cap[i] = row.best.last().map_or(i64::MIN, |&(_, w)| w);
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
        scored_pairs: scored,
    })
}

/// One person's best candidates.
struct Row {
    /// The `keep` best, best first.
    best: Vec<(usize, i64)>,
    /// Lowest and highest score seen.
    range: Option<(i64, i64)>,
    /// Allowed pairs scored.
    allowed: usize,
    /// Pairs scored, allowed or not.
    scored: usize,
    /// Some group that may hold allowed partners was skipped on its bound.
    pruned: bool,
}

/// The rows of everyone for whom `keep(i)` gives a length (`None` for the others), by
/// person. With pruning, the rows of one group share its list of other groups by bound.
fn rows_of<S: GroupedScores + ?Sized>(
    scores: &S,
    groups: &Groups,
    prune: bool,
    keep: &(dyn Fn(usize) -> Option<usize> + Sync),
) -> Result<Vec<Option<Row>>, SolveError> {
    let n = scores.len();
    if !prune {
        return (0..n)
            .into_par_iter()
            .map(|i| {
                keep(i)
                    .map(|keep| best_of_row(scores, groups, None, i, keep))
                    .transpose()
            })
            .collect();
    }
    let found: Vec<Vec<(usize, Row)>> = (0..groups.members.len())
        .into_par_iter()
        .map(|a| {
            let members: Vec<(usize, usize)> = groups.members[a]
                .iter()
                .filter_map(|&i| keep(i).map(|keep| (i, keep)))
                .collect();
            if members.is_empty() {
                return Ok(Vec::new());
            }
            let coarse = groups.coarse.of(a);
            members
                .into_par_iter()
                .map(|(i, keep)| Ok((i, best_of_row(scores, groups, Some(coarse), i, keep)?)))
                .collect::<Result<Vec<_>, SolveError>>()
        })
        .collect::<Result<_, SolveError>>()?;
    let mut rows: Vec<Option<Row>> = (0..n).map(|_| None).collect();
    for (i, row) in found.into_iter().flatten() {
        rows[i] = Some(row);
    }
    Ok(rows)
}

/// Row `i`: its `keep` best candidates. With `coarse` (the list of [`Coarse::of`] for `i`'s
/// group) the groups are taken by bound, best first, and those that cannot beat the worst
/// kept candidate are skipped unscored; without it every pair is scored.
fn best_of_row<S: GroupedScores + ?Sized>(
    scores: &S,
    groups: &Groups,
    coarse: Option<(&[i64], &[u32])>,
    i: usize,
    keep: usize,
) -> Result<Row, SolveError> {
    // The `keep` best so far in a min-heap whose top is the worst kept candidate: lower
    // score, then higher index, is worse. Most candidates lose against the top in O(1).
    let mut kept: BinaryHeap<Reverse<(i64, Reverse<usize>)>> = BinaryHeap::with_capacity(keep + 1);
    let mut range: Option<(i64, i64)> = None;
    let mut allowed = 0usize;
    let mut scored = 0usize;
    let mut pruned = false;
    let mut consider = |j: usize, kept: &mut BinaryHeap<_>| -> Result<(), SolveError> {
        if j == i {
            return Ok(());
        }
        scored += 1;
        let Some(w) = pair_score(scores, i, j)? else {
            return Ok(());
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
        Ok(())
    };
    let Some((coarse_bound, coarse_group)) = coarse else {
        for j in 0..scores.len() {
            consider(j, &mut kept)?;
        }
        return Ok(finish(kept, range, (allowed, scored), false));
    };
    // A threshold walk: groups are pulled from the coarse list (a person's bound against a
    // group is at most the group's) into a heap by the person's own bound until the best in
    // the heap is at least every coarse bound left, so the heap's top is always the best
    // remaining group. A group that cannot beat the worst kept candidate is skipped, and
    // once nothing left can, the walk ends.
    let mut order: BinaryHeap<(i64, Reverse<usize>)> = BinaryHeap::new();
    let mut next = 0usize;
    loop {
        let worst = if kept.len() == keep {
            kept.peek().map(|Reverse((w, Reverse(j)))| (*w, *j))
        } else {
            None
        };
        while let Some(&bound) = coarse_bound.get(next) {
            if order.peek().is_some_and(|top| top.0 >= bound) {
                break;
            }
            if worst.is_some_and(|(w, _)| bound < w) {
                // Nothing in the rest of the list can beat the worst kept candidate.
                pruned = true;
                next = coarse_bound.len();
                break;
            }
            let b = coarse_group[next] as usize;
            next += 1;
            if let Some(own) = groups.person_bound(scores, i, b) {
                order.push((own.min(bound), Reverse(b)));
            }
        }
        let Some((bound, Reverse(g))) = order.pop() else {
            break;
        };
        if let Some((worst, worst_index)) = worst {
            if bound < worst {
                pruned = true;
                break;
            }
            // At an equal score only a lower index wins; members are in index order.
            if bound == worst && groups.members[g].first().is_none_or(|&m| m >= worst_index) {
                pruned = true;
                continue;
            }
        }
        for &j in &groups.members[g] {
            consider(j, &mut kept)?;
        }
    }
    Ok(finish(kept, range, (allowed, scored), pruned))
}

fn finish(
    kept: BinaryHeap<Reverse<(i64, Reverse<usize>)>>,
    range: Option<(i64, i64)>,
    (allowed, scored): (usize, usize),
    pruned: bool,
) -> Row {
    let mut best: Vec<(usize, i64)> = kept
        .into_iter()
        .map(|Reverse((w, Reverse(j)))| (j, w))
        .collect();
    best.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Row {
        best,
        range,
        allowed,
        scored,
        pruned,
    }
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
    solve_grouped(&Closure { n, score }, options)
}

/// As [`solve_all_pairs`], with the candidate and pricing passes ruling out whole groups of
/// pairs on their bounds. The result is the one the full scan ([`FullScan`]) gives.
pub fn solve_grouped<S: GroupedScores + ?Sized>(
    scores: &S,
    options: &CandidateOptions,
) -> Result<Priced, SolveError> {
    let n = scores.len();
    let groups = Groups::new(scores);
    let Candidates {
        graph: initial,
        score_range: range,
        cap,
        scored_pairs,
    } = top_k_with(scores, &groups, options)?;
    let group_cap = groups
        .members
        .iter()
        .map(|m| m.iter().map(|&v| cap[v]).max().unwrap_or(i64::MIN))
        .collect();
    let mut pool = Pool {
        n,
        scores,
        groups,
        cap,
        group_cap,
        pairs: initial
            .edges()
            .iter()
            .map(|e| ((e.u, e.v), e.weight))
            .collect(),
        stats: PricingStats {
            candidate_edges: initial.edge_count(),
            candidate_scored_pairs: scored_pairs,
            ..PricingStats::default()
        },
        add_per_person: options.add_per_person.max(1),
    };
    let (lo, hi) = range.unwrap_or((0, 0));
    let matching = match options.mode {
        Mode::MaxWeight => pool.priced(&|w| Some(w), 0)?,
        Mode::MaxCardinality => {
            let offset = offset_for(n, lo, hi)?;
            let m = pool.priced(&|w| Some(w), offset)?;
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
                        .filter_map(|(u, m)| m.filter(|&v| u < v).and_then(|v| scores.score(u, v)))
                        .min()
                },
                guess,
                |step| match step {
                    FairStep::Count { above } => {
                        let low = above.map_or(lo, |a| a.saturating_add(1).max(lo));
                        let offset = offset_for(n, low, hi.max(low))?;
                        pool.priced(&move |w| above.is_none_or(|a| w > a).then_some(w), offset)
                    }
                    FairStep::Floor { floor } => {
                        let offset = offset_for(n, floor, hi)?;
                        pool.priced(&move |w| (w >= floor).then_some(w), offset)
                    }
                    FairStep::Nothing => {
                        let offset = offset_for(n, lo, hi)?;
                        pool.priced(&|w| Some(w), offset)
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

/// A view of the scores: it may drop a pair or change its weight. Every view is
/// non-decreasing where defined and defined on all scores above some threshold, so a bound
/// on a score gives a bound on its view (and an undefined view of a bound means no pair
/// under it exists).
type View<'v> = dyn Fn(i64) -> Option<i64> + Sync + 'v;

/// The growing set of pairs the solves have seen.
struct Pool<'s, S: ?Sized> {
    n: usize,
    scores: &'s S,
    groups: Groups,
    /// Score caps of the pairs outside the first candidate graph (see [`Candidates::cap`]).
    cap: Vec<i64>,
    /// The largest cap in each group.
    group_cap: Vec<i64>,
    pairs: BTreeMap<(usize, usize), i64>,
    stats: PricingStats,
    add_per_person: usize,
}

impl<S: GroupedScores + ?Sized> Pool<'_, S> {
    /// The pool's pairs seen through `view`.
    fn graph(&self, view: &View) -> Result<Graph, SolveError> {
        let mut g = Graph::new(self.n);
        for (&(u, v), &w) in &self.pairs {
            if let Some(x) = view(w) {
                g.add_edge(u, v, x)
                    .map_err(|_| SolveError::ScoreOutOfRange(u, v, x))?;
            }
        }
        Ok(g)
    }

    /// Solves on the pool seen through `view` with the given shift, then prices the pairs
    /// outside it and repeats until none is violated.
    ///
    /// Pricing is incremental: a pair ruled out by the vertex duals of one solve stays ruled
    /// out while neither of its people's duals falls (blossom duals are never negative), so
    /// after the first scan only the people whose dual fell, whose row was cut short, or who
    /// had a pair covered only thanks to a blossom dual are scanned again.
    fn priced(&mut self, view: &View, offset: i64) -> Result<Matching, SolveError> {
        let mode = if offset == 0 {
            Mode::MaxWeight
        } else {
            Mode::MaxCardinality
        };
        let mut warm: Option<Matching> = None;
        let mut dirty = vec![true; self.n];
        loop {
            let graph = self.graph(view)?;
            let m = solve_shifted(&graph, mode, offset, warm.as_ref())?;
            self.stats.solves += 1;
            if let Some(before) = &warm {
                let (old, new) = (
                    &before.certificate().vertex_dual,
                    &m.certificate().vertex_dual,
                );
                for (flag, (o, n)) in dirty.iter_mut().zip(old.iter().zip(new)) {
                    *flag |= n < o;
                }
            }
            let scan = self.scan(view, &m, &dirty)?;
            self.stats.scans += 1;
            self.stats.rows_scanned += dirty.iter().filter(|&&d| d).count();
            self.stats.scored_pairs += scan.scored;
            if scan.pairs.is_empty() {
                return Ok(m);
            }
            for (u, v) in scan.pairs {
                // Store the raw score: the pool is shared by every view.
                if let Some(raw) = pair_score(self.scores, u, v)? {
                    self.pairs.insert((u, v), raw);
                    self.stats.added_edges += 1;
                }
            }
            dirty = scan.recheck;
            warm = Some(m);
        }
    }

    /// Pairs whose reduced cost under `m`'s duals is negative among those with a person in
    /// `dirty`, at most `add_per_person` per row (the most violated), as `(u, v)` with `u < v`.
    ///
    /// Row `u` (for `u` in `dirty`) holds the pairs `(u, v)` with `v` clean or `v > u`, so every
    /// pair with a dirty person is looked at once. A pair can only be violated when
    /// `y_u + y_v < DUAL_SCALE * (view(w) + offset)`, and `w` is at most the bound of `v`'s group
    /// for `u`, the two caps, and the bound of the two groups: with each group's people sorted
    /// by dual, whole groups, and within a group everyone past a dual limit, are skipped
    /// unscored.
    fn scan(&self, view: &View, m: &Matching, dirty: &[bool]) -> Result<Scan, SolveError> {
        let prices = Prices {
            index: DualIndex::new(m),
            duals: &m.certificate().vertex_dual,
            offset: i128::from(m.certificate().offset),
            view,
        };
        let duals = prices.duals;
        let groups = &self.groups;
        let sorted: Vec<Vec<(i64, usize)>> = groups
            .members
            .par_iter()
            .map(|members| {
                let mut by_dual: Vec<(i64, usize)> =
                    members.iter().map(|&v| (duals[v], v)).collect();
                by_dual.sort_unstable();
                by_dual
            })
            .collect();
        let per_person = self.add_per_person;
        let lowest_all = duals.iter().copied().min().unwrap_or(0);
        let rows: Vec<Vec<RowScan>> = (0..sorted.len())
            .into_par_iter()
            .map(|a| {
                let rows: Vec<(i64, usize)> = sorted[a]
                    .iter()
                    .copied()
                    .filter(|&(_, u)| dirty[u])
                    .collect();
                let Some(&(lowest_dual, _)) = rows.first() else {
                    return Ok(Vec::new());
                };
                // The groups some row of `a` may have a violated pair with, and the dual a
                // row must stay below for that.
                let mut targets: Vec<(usize, i128)> = Vec::new();
                let (bounds, others) = groups.coarse.of(a);
                for (&bound, &b) in bounds.iter().zip(others) {
                    // The list is by bound, highest first: once even the lowest dual of all
                    // cannot bring a pair under the limit, no later group can either.
                    match prices.limit(bound) {
                        Some(limit) if i128::from(lowest_dual) < limit - i128::from(lowest_all) => {
                        }
                        _ => break,
                    }
                    let b = b as usize;
                    let Some(&(lowest_b, _)) = sorted[b].first() else {
                        continue;
                    };
                    let bound = bound.min(self.group_cap[a]).min(self.group_cap[b]);
                    let Some(limit) = prices.limit(bound) else {
                        continue;
                    };
                    let below = limit - i128::from(lowest_b);
                    if i128::from(lowest_dual) < below {
                        targets.push((b, below));
                    }
                }
                rows.par_iter()
                    .map(|&(dual_u, u)| {
                        self.row(u, dual_u, &targets, &sorted, dirty, &prices, per_person)
                    })
                    .collect::<Result<Vec<_>, SolveError>>()
            })
            .collect::<Result<_, SolveError>>()?;
        let mut recheck = vec![false; self.n];
        let mut pairs = Vec::new();
        let mut scored = 0usize;
        for row in rows.into_iter().flatten() {
            recheck[row.person] = row.recheck;
            scored += row.scored;
            pairs.extend(row.found.into_iter().map(|(_, u, v)| (u.min(v), u.max(v))));
        }
        pairs.sort_unstable();
        pairs.dedup();
        Ok(Scan {
            pairs,
            recheck,
            scored,
        })
    }

    /// One row of [`Pool::scan`]: `targets` are the groups worth a look with the dual a row
    /// must stay below for each, `sorted` every group's people by dual.
    #[expect(
        clippy::too_many_arguments,
        reason = "the scan's shared state, passed down once"
    )]
    fn row(
        &self,
        u: usize,
        dual_u: i64,
        targets: &[(usize, i128)],
        sorted: &[Vec<(i64, usize)>],
        dirty: &[bool],
        prices: &Prices,
        per_person: usize,
    ) -> Result<RowScan, SolveError> {
        let mut row = RowScan {
            person: u,
            found: Vec::new(),
            recheck: false,
            scored: 0,
        };
        if self.cap[u] == i64::MIN {
            // Every allowed pair of `u` is in the pool, which the solve covers.
            return Ok(row);
        }
        for &(b, below) in targets {
            if i128::from(dual_u) >= below {
                continue;
            }
            let Some(bound) = self.groups.person_bound(self.scores, u, b) else {
                continue;
            };
            let bound = bound.min(self.cap[u]).min(self.group_cap[b]);
            let Some(limit) = prices.limit(bound) else {
                continue;
            };
            let below = limit - i128::from(dual_u);
            let members = &sorted[b];
            let end = members.partition_point(|&(y, _)| i128::from(y) < below);
            for &(_, v) in &members[..end] {
                if v == u || (dirty[v] && v < u) {
                    continue;
                }
                row.scored += 1;
                let Some(raw) = pair_score(self.scores, u, v)? else {
                    continue;
                };
                let Some(w) = (prices.view)(raw) else {
                    continue;
                };
                if prices.vertex_slack(u, v, w) >= 0 {
                    continue;
                }
                let reduced = prices.index.reduced(u, v, w);
                if reduced >= 0 {
                    // Covered only thanks to a blossom dual, which the next solve may drop.
                    row.recheck = true;
                    continue;
                }
                row.found.push((reduced, u, v));
            }
        }
        if row.found.len() > per_person {
            row.found.select_nth_unstable(per_person);
            row.found.truncate(per_person);
            row.recheck = true;
        }
        Ok(row)
    }
}

/// The duals of one solve, as the scan reads them.
struct Prices<'a> {
    index: DualIndex,
    duals: &'a [i64],
    /// The certificate's offset.
    offset: i128,
    view: &'a View<'a>,
}

impl Prices<'_> {
    /// `DUAL_SCALE * (view(bound) + offset)`: a pair scoring at most `bound` can only be
    /// violated when its two vertex duals sum to less. `None` when no such pair is in view.
    fn limit(&self, bound: i64) -> Option<i128> {
        (self.view)(bound).map(|b| i128::from(crate::DUAL_SCALE) * (i128::from(b) + self.offset))
    }

    /// The reduced cost of a pair from the vertex duals alone (blossom duals only add).
    fn vertex_slack(&self, u: usize, v: usize, w: i64) -> i128 {
        i128::from(self.duals[u]) + i128::from(self.duals[v])
            - i128::from(crate::DUAL_SCALE) * (i128::from(w) + self.offset)
    }
}

/// What one pricing scan found.
struct Scan {
    /// Violated pairs to add, `(u, v)` with `u < v`, sorted.
    pairs: Vec<(usize, usize)>,
    /// The people to scan again after the next solve even if their dual does not fall.
    recheck: Vec<bool>,
    /// Pairs scored.
    scored: usize,
}

/// One row of a scan.
struct RowScan {
    person: usize,
    /// `(reduced cost, person, partner)` of the violated pairs kept.
    found: Vec<(i128, usize, usize)>,
    recheck: bool,
    scored: usize,
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
