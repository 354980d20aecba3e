//! Exact, certified maximum-weight matching on general graphs, with what a peer-mentoring
//! network needs around it: three objectives, a dual certificate and its independent check,
//! top-k candidate graphs made exact by pricing, trios for people left over, and "why not"
//! explanations from the duals.
//!
//! Layout:
//! - [`graph`]: the input graph and its limits.
//! - `blossom`: the primal-dual blossom algorithm itself (private).
//! - [`solve()`](solve()) here: the three modes on top of it.
//! - [`verify()`](verify()) in `certificate`: the independent optimality check.
//! - [`candidates`]: top-k candidate graphs from pair scores (with group bounds that skip
//!   pairs unscored), and the pricing pass.
//! - [`trio`]: attaching people left without a partner to a pair.
//! - [`explain`]: certified lower bounds on the loss of forcing two people together.
//! - [`edgelist`]: the `u v w` text format used by `iln solve`.
//!
//! Everything is deterministic: the same input gives the same matching.

mod blossom;
pub mod candidates;
mod certificate;
pub mod edgelist;
pub mod explain;
pub mod graph;
pub mod trio;

pub use certificate::{VerifyError, verify};
pub use graph::{Edge, Graph, MAX_WEIGHT};

/// Every dual value in a [`Certificate`] is this many times the dual of the textbook linear
/// program, so that all of them are integers.
pub const DUAL_SCALE: i64 = 4;

/// What to optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// The largest total weight; people may stay single when that pays.
    #[default]
    MaxWeight,
    /// As many pairs as possible, then the largest total weight among those matchings.
    MaxCardinality,
    /// As many pairs as possible, then the highest lowest pair weight (the floor), then the
    /// largest total weight among matchings that keep that floor.
    Fairness,
}

/// Options for [`solve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub mode: Mode,
}

impl Options {
    pub fn new(mode: Mode) -> Self {
        Options { mode }
    }
}

/// Failures of the solver. They are about the size of the numbers, never about the graph's
/// shape: every graph has an optimal matching.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    #[error("the weights are too far apart for exact integer arithmetic in this mode")]
    WeightOverflow,
    #[error("the graph has {0} nodes or edges, more than the solver can index")]
    TooLarge(usize),
    #[error("the score of pair {0}-{1} is {2}, outside the supported range of plus or minus 2^40")]
    ScoreOutOfRange(usize, usize, i64),
}

/// Problems with a graph being built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("node {node} is out of range for a graph of {nodes} nodes")]
    NodeOutOfRange { node: usize, nodes: usize },
    #[error("node {node} is joined to itself")]
    SelfLoop { node: usize },
    #[error("weight {weight} is outside the supported range of plus or minus 2^40")]
    WeightOutOfRange { weight: i64 },
}

/// The dual solution that proves a matching optimal (see [`verify`]).
///
/// For every edge `(u, v)` of the graph the solve ran on, with `w' = w + offset`:
/// `vertex_dual[u] + vertex_dual[v] + sum(dual of blossoms containing u and v) >= DUAL_SCALE * w'`,
/// with equality on matched edges; a positive vertex dual means the vertex is matched and a
/// positive blossom dual means the blossom holds `(size - 1) / 2` matched pairs.
///
/// The blossoms form a forest: each names its parent and only the vertices directly inside it,
/// so the whole certificate is linear in the graph's size however deep blossoms nest. The
/// format is described in full in `docs/certificate-format.md`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Certificate {
    /// Added to every weight before solving: zero for maximum weight; large enough in
    /// maximum-cardinality mode that one more pair always outweighs any weight difference.
    pub offset: i64,
    pub vertex_dual: Vec<i64>,
    /// Odd vertex sets, parents listed before their children.
    pub blossoms: Vec<CertifiedBlossom>,
}

/// One odd set of the certificate: its own vertices plus, recursively, those of the blossoms
/// naming it as their parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedBlossom {
    /// Index in [`Certificate::blossoms`] of the smallest blossom strictly containing this one.
    pub parent: Option<usize>,
    pub dual: i64,
    /// The vertices directly inside this blossom and inside none of its child blossoms,
    /// sorted. Each vertex is named by at most one blossom, the deepest holding it.
    pub own_vertices: Vec<usize>,
}

/// A proof that a graph's edges heavier than `above` allow no matching with more pairs than
/// `cardinality`: a maximum-cardinality (then maximum-weight) matching of them and its
/// certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardinalityProof {
    /// The proof is about the edges heavier than this, or all edges when `None`.
    pub above: Option<i64>,
    pub mate: Vec<Option<usize>>,
    pub cardinality: usize,
    pub certificate: Certificate,
}

/// The extra proofs of fairness mode: nobody could have more pairs, and no matching with as
/// many pairs has a higher floor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairnessProof {
    pub everyone: CardinalityProof,
    pub above_floor: CardinalityProof,
}

/// A solved matching with its proof of optimality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    mode: Mode,
    mate: Vec<Option<usize>>,
    weight: i64,
    cardinality: usize,
    floor: Option<i64>,
    certificate: Certificate,
    fairness: Option<Box<FairnessProof>>,
}

impl Matching {
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `mate()[v]` is `v`'s partner, if any.
    pub fn mate(&self) -> &[Option<usize>] {
        &self.mate
    }

    /// The pairs as `(u, v)` with `u < v`, sorted.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        self.mate
            .iter()
            .enumerate()
            .filter_map(|(u, m)| m.filter(|&v| u < v).map(|v| (u, v)))
            .collect()
    }

    /// Total weight of the pairs, in the caller's units.
    pub fn weight(&self) -> i64 {
        self.weight
    }

    pub fn cardinality(&self) -> usize {
        self.cardinality
    }

    /// Fairness mode: the lowest pair weight, which no matching with as many pairs can raise.
    pub fn floor(&self) -> Option<i64> {
        self.floor
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub fn fairness_proof(&self) -> Option<&FairnessProof> {
        self.fairness.as_deref()
    }
}

/// Largest shifted weight the solver accepts: it scales by 4 and adds a few such terms.
const SOLVER_LIMIT: i64 = 1 << 58;

/// The shift that makes maximum weight equal "maximum cardinality, then maximum weight": one
/// more pair must beat any weight difference among matchings of `n / 2` pairs or fewer.
pub(crate) fn cardinality_offset(graph: &Graph) -> Result<i64, SolveError> {
    let (Some(lo), Some(hi)) = (
        graph.edges().iter().map(|e| e.weight).min(),
        graph.edges().iter().map(|e| e.weight).max(),
    ) else {
        return Ok(1);
    };
    let half = i128::try_from(graph.node_count() / 2).map_err(|_| SolveError::WeightOverflow)?;
    let b = half * (i128::from(hi) - i128::from(lo)) - i128::from(lo) + 1;
    let b = b.max(1);
    if b + i128::from(hi) > i128::from(SOLVER_LIMIT) {
        return Err(SolveError::WeightOverflow);
    }
    i64::try_from(b).map_err(|_| SolveError::WeightOverflow)
}

/// Solves `graph` exactly in the chosen mode. Deterministic: the same graph (same edge order)
/// always gives the same matching.
pub fn solve(graph: &Graph, options: Options) -> Result<Matching, SolveError> {
    solve_warm(graph, options, None)
}

/// As [`solve`], starting from a previous solution's duals and pairs where they still fit.
/// Used by the pricing pass; the answer is the same optimum either way.
pub(crate) fn solve_warm(
    graph: &Graph,
    options: Options,
    warm: Option<&Matching>,
) -> Result<Matching, SolveError> {
    check_size(graph)?;
    match options.mode {
        Mode::MaxWeight => solve_shifted(graph, Mode::MaxWeight, 0, warm),
        Mode::MaxCardinality => {
            let offset = cardinality_offset(graph)?;
            solve_shifted(graph, Mode::MaxCardinality, offset, warm)
        }
        Mode::Fairness => solve_fair(graph),
    }
}

fn check_size(graph: &Graph) -> Result<(), SolveError> {
    let limit = (u32::MAX / 4) as usize;
    if graph.node_count() >= limit {
        return Err(SolveError::TooLarge(graph.node_count()));
    }
    if graph.edge_count() >= limit {
        return Err(SolveError::TooLarge(graph.edge_count()));
    }
    Ok(())
}

/// Runs the blossom algorithm on weights shifted by `offset` and packages the answer.
pub(crate) fn solve_shifted(
    graph: &Graph,
    mode: Mode,
    offset: i64,
    warm: Option<&Matching>,
) -> Result<Matching, SolveError> {
    let n = graph.node_count();
    let mut edges = Vec::with_capacity(graph.edge_count());
    for e in graph.edges() {
        let w = e
            .weight
            .checked_add(offset)
            .ok_or(SolveError::WeightOverflow)?;
        if w.abs() > SOLVER_LIMIT {
            return Err(SolveError::WeightOverflow);
        }
        // A negative edge is never worth taking, and the solver's nonnegative vertex duals
        // cover it in the certificate, so it never reaches the solver.
        if w >= 0 {
            // Indices fit: check_size bounded the node count.
            edges.push((e.u as u32, e.v as u32, w));
        }
    }
    let warm = warm.map(|m| blossom::WarmStart {
        vertex_dual: m.certificate.vertex_dual.clone(),
        mate: m
            .mate
            .iter()
            .map(|x| x.and_then(|v| u32::try_from(v).ok()))
            .collect(),
    });
    let raw = blossom::max_weight_matching(n, &edges, warm.as_ref());
    let mate: Vec<Option<usize>> = raw.mate.iter().map(|m| m.map(|v| v as usize)).collect();
    let (weight, cardinality) = tally(graph, &mate)?;
    Ok(Matching {
        mode,
        mate,
        weight,
        cardinality,
        floor: None,
        certificate: Certificate {
            offset,
            vertex_dual: raw.vertex_dual,
            blossoms: raw
                .blossoms
                .into_iter()
                .map(|b| CertifiedBlossom {
                    parent: b.parent,
                    dual: b.dual,
                    own_vertices: b.own_vertices.into_iter().map(|v| v as usize).collect(),
                })
                .collect(),
        },
        fairness: None,
    })
}

/// Total weight and pair count of `mate`, taking the heaviest of parallel edges.
fn tally(graph: &Graph, mate: &[Option<usize>]) -> Result<(i64, usize), SolveError> {
    let mut best: std::collections::HashMap<(usize, usize), i64> = std::collections::HashMap::new();
    for e in graph.edges() {
        let key = (e.u.min(e.v), e.u.max(e.v));
        if mate[key.0] == Some(key.1) {
            let slot = best.entry(key).or_insert(e.weight);
            *slot = (*slot).max(e.weight);
        }
    }
    let total: i128 = best.values().map(|&w| i128::from(w)).sum();
    let weight = i64::try_from(total).map_err(|_| SolveError::WeightOverflow)?;
    Ok((weight, best.len()))
}

/// The edges heavier than `above` (all when `None`). A certified "most pairs, then most
/// weight" matching of them also proves how many pairs they allow; solving with the real
/// weights rather than unit ones keeps few edges tight, which keeps the search trees small.
pub(crate) fn above_graph(graph: &Graph, above: Option<i64>) -> Graph {
    graph.filtered(|e| above.is_none_or(|a| e.weight > a))
}

/// One sub-problem of fairness mode, answered by a plain solve or a priced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FairStep {
    /// A maximum-cardinality proof for the edges heavier than `above` (all when `None`).
    Count { above: Option<i64> },
    /// The final solve: maximum cardinality then weight over the edges of weight >= `floor`.
    Floor { floor: i64 },
    /// No pair is possible: a maximum-cardinality certificate of the whole graph.
    Nothing,
}

/// Fairness: the most pairs, then the highest floor, then the most weight above that floor.
/// `floors(i)` for `i < count` lists candidate floor values ascending (every edge weight must
/// be among them or between two consecutive ones); `lowest_pair` gives a matching's lowest
/// pair weight; `guess` is a floor that is probably right (tested first, so a good guess
/// needs only two tests); `step` solves one sub-problem.
pub(crate) fn fairness_search<E>(
    floors: impl Fn(usize) -> i64,
    count: usize,
    lowest_pair: impl Fn(&[Option<usize>]) -> Option<i64>,
    guess: Option<i64>,
    mut step: impl FnMut(FairStep) -> Result<Matching, E>,
) -> Result<Matching, E> {
    let as_proof = |m: Matching, above: Option<i64>| CardinalityProof {
        above,
        mate: m.mate,
        cardinality: m.cardinality,
        certificate: m.certificate,
    };
    let first = step(FairStep::Count { above: None })?;
    // That matching already has every possible pair, so its lowest pair weight is a floor
    // the search need not go below.
    let known = lowest_pair(&first.mate);
    let everyone = as_proof(first, None);
    let target = everyone.cardinality;
    if target == 0 || count == 0 {
        let mut m = step(FairStep::Nothing)?;
        m.mode = Mode::Fairness;
        m.floor = None;
        return Ok(m);
    }
    // Largest i such that the edges of weight >= floors(i) still allow `target` pairs; i = 0
    // (every edge) always does, and the pair count only falls as the floor rises.
    // The largest i with floors(i) <= value (floors ascend).
    let index_of = |value: i64| {
        let (mut a, mut b) = (0usize, count);
        while b - a > 1 {
            let mid = a + (b - a) / 2;
            if floors(mid) <= value {
                a = mid;
            } else {
                b = mid;
            }
        }
        a
    };
    let (mut lo, mut hi) = (0usize, count);
    if let Some(known) = known {
        lo = index_of(known);
    }
    let mut above_floor: Option<CardinalityProof> = None;
    if let Some(guess) = guess {
        let g = index_of(guess);
        if g > lo && g < hi {
            let above = Some(floors(g - 1));
            let proof = as_proof(step(FairStep::Count { above })?, above);
            if proof.cardinality == target {
                lo = g;
            } else {
                hi = g;
                above_floor = Some(proof);
            }
        }
        if g == lo && g + 1 < hi {
            let above = Some(floors(g));
            let proof = as_proof(step(FairStep::Count { above })?, above);
            if proof.cardinality == target {
                lo = g + 1;
            } else {
                hi = g + 1;
                above_floor = Some(proof);
            }
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let above = Some(floors(mid - 1));
        let proof = as_proof(step(FairStep::Count { above })?, above);
        if proof.cardinality == target {
            lo = mid;
        } else {
            hi = mid;
            above_floor = Some(proof);
        }
    }
    let floor = floors(lo);
    let above_floor = match above_floor {
        Some(p) if p.above == Some(floor) => p,
        _ => as_proof(step(FairStep::Count { above: Some(floor) })?, Some(floor)),
    };
    let mut m = step(FairStep::Floor { floor })?;
    m.mode = Mode::Fairness;
    m.floor = Some(floor);
    m.fairness = Some(Box::new(FairnessProof {
        everyone,
        above_floor,
    }));
    Ok(m)
}

fn solve_fair(graph: &Graph) -> Result<Matching, SolveError> {
    let mut weights: Vec<i64> = graph.edges().iter().map(|e| e.weight).collect();
    weights.sort_unstable();
    weights.dedup();
    fairness_search(
        |i| weights[i],
        weights.len(),
        |mate| {
            let mut lowest: Option<i64> = None;
            for e in graph.edges() {
                if mate[e.u] == Some(e.v) {
                    lowest = Some(lowest.map_or(e.weight, |l| l.min(e.weight)));
                }
            }
            lowest
        },
        None,
        |step| match step {
            FairStep::Count { above } => {
                let kept = above_graph(graph, above);
                let offset = cardinality_offset(&kept)?;
                solve_shifted(&kept, Mode::MaxCardinality, offset, None)
            }
            FairStep::Floor { floor } => {
                let kept = graph.filtered(|e| e.weight >= floor);
                let offset = cardinality_offset(&kept)?;
                solve_shifted(&kept, Mode::Fairness, offset, None)
            }
            FairStep::Nothing => {
                let offset = cardinality_offset(graph)?;
                solve_shifted(graph, Mode::Fairness, offset, None)
            }
        },
    )
}
