//! The independent optimality check: given a graph and a [`Matching`], confirm from the
//! certificate alone (linear-programming duality for Edmonds' matching polytope) that no better
//! matching exists. It shares no code with the solver beyond the input types (`Graph`,
//! including its `filtered` view, and the certificate's own types): the edges a proof is about
//! and the weight shift that maximum-cardinality mode needs are derived here from first
//! principles, not taken from the solver. The certificate format is in
//! `docs/certificate-format.md`.

use std::collections::HashMap;

use crate::{CardinalityProof, Certificate, DUAL_SCALE, Graph, Matching, Mode};

/// Why a matching failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the result has {got} entries but the graph has {nodes} nodes")]
    WrongSize { got: usize, nodes: usize },
    #[error("node {0} is matched to a partner that is not matched back")]
    Asymmetric(usize),
    #[error("nodes {0} and {1} are paired but no edge joins them")]
    NotAnEdge(usize, usize),
    #[error("the reported {what} is {reported} but the pairs give {actual}")]
    WrongTotal {
        what: &'static str,
        reported: i64,
        actual: i64,
    },
    #[error("the certificate's weight offset {got} does not fit the required {expected}")]
    WrongOffset { got: i64, expected: i64 },
    #[error("dual of {0} is negative")]
    NegativeDual(String),
    #[error("blossom {0} is not a valid odd set nested in its parent")]
    BadBlossom(usize),
    #[error("edge {0}-{1} has negative reduced cost {2}")]
    Infeasible(usize, usize, i128),
    #[error("matched edge {0}-{1} is not tight (reduced cost {2})")]
    NotTight(usize, usize, i128),
    #[error("node {0} has a positive dual but no partner")]
    UnmatchedWithDual(usize),
    #[error("blossom {0} has a positive dual but is not full")]
    BlossomNotFull(usize),
    #[error("fairness: {0}")]
    Fairness(&'static str),
}

/// Checks that `result` is an optimal matching of `graph` in its mode: the pairs are edges,
/// the totals add up, and the certificate satisfies dual feasibility, complementary slackness
/// and the blossom conditions. In fairness mode it also checks the two cardinality proofs.
pub fn verify(graph: &Graph, result: &Matching) -> Result<(), VerifyError> {
    let n = graph.node_count();
    if result.mate.len() != n {
        return Err(VerifyError::WrongSize {
            got: result.mate.len(),
            nodes: n,
        });
    }
    let (weight, cardinality) = check_pairs(graph, &result.mate)?;
    if weight != i128::from(result.weight) {
        return Err(VerifyError::WrongTotal {
            what: "weight",
            reported: result.weight,
            actual: i64::try_from(weight).unwrap_or(i64::MAX),
        });
    }
    if cardinality != result.cardinality {
        return Err(VerifyError::WrongTotal {
            what: "cardinality",
            reported: result.cardinality as i64,
            actual: cardinality as i64,
        });
    }
    match result.mode {
        Mode::MaxWeight => {
            expect_offset(&result.certificate, 0)?;
            check_duals(graph, &result.mate, &result.certificate)
        }
        Mode::MaxCardinality => {
            expect_offset_at_least(&result.certificate, required_offset(graph))?;
            check_duals(graph, &result.mate, &result.certificate)
        }
        Mode::Fairness => verify_fair(graph, result),
    }
}

fn verify_fair(graph: &Graph, result: &Matching) -> Result<(), VerifyError> {
    let lowest = graph_min_pair(graph, &result.mate);
    if lowest != result.floor {
        return Err(VerifyError::Fairness(
            "the floor is not the lowest pair weight",
        ));
    }
    let Some(floor) = result.floor else {
        // No pairs: the certificate must show that no pair at all is possible.
        expect_offset_at_least(&result.certificate, required_offset(graph))?;
        return check_duals(graph, &result.mate, &result.certificate);
    };
    let kept = graph.filtered(|e| e.weight >= floor);
    expect_offset_at_least(&result.certificate, required_offset(&kept))?;
    check_duals(&kept, &result.mate, &result.certificate)?;
    let proof = result
        .fairness
        .as_deref()
        .ok_or(VerifyError::Fairness("the cardinality proofs are missing"))?;
    if proof.everyone.above.is_some() || proof.everyone.cardinality != result.cardinality {
        return Err(VerifyError::Fairness(
            "the proof that nobody can have more pairs does not match",
        ));
    }
    check_cardinality(graph, &proof.everyone)?;
    if proof.above_floor.above != Some(floor) || proof.above_floor.cardinality >= result.cardinality
    {
        return Err(VerifyError::Fairness(
            "the proof that the floor cannot rise does not match",
        ));
    }
    check_cardinality(graph, &proof.above_floor)
}

fn check_cardinality(graph: &Graph, proof: &CardinalityProof) -> Result<(), VerifyError> {
    // The edges the proof is about: those strictly heavier than `above`.
    let edges = graph.filtered(|e| proof.above.is_none_or(|a| e.weight > a));
    if proof.mate.len() != graph.node_count() {
        return Err(VerifyError::WrongSize {
            got: proof.mate.len(),
            nodes: graph.node_count(),
        });
    }
    let (_, cardinality) = check_pairs(&edges, &proof.mate)?;
    if cardinality != proof.cardinality {
        return Err(VerifyError::WrongTotal {
            what: "cardinality of a proof",
            reported: proof.cardinality as i64,
            actual: cardinality as i64,
        });
    }
    // An optimal "most pairs, then most weight" certificate proves the most pairs.
    expect_offset_at_least(&proof.certificate, required_offset(&edges))?;
    check_duals(&edges, &proof.mate, &proof.certificate)
}

fn graph_min_pair(graph: &Graph, mate: &[Option<usize>]) -> Option<i64> {
    heaviest_matched(graph, mate).values().copied().min()
}

fn expect_offset(cert: &Certificate, expected: i64) -> Result<(), VerifyError> {
    if cert.offset == expected {
        Ok(())
    } else {
        Err(VerifyError::WrongOffset {
            got: cert.offset,
            expected,
        })
    }
}

/// The smallest weight shift `B` for which a maximum-weight matching under `w + B` has the
/// most pairs, derived on its own rather than taken from the solver. With edge weights in
/// `[lo, hi]` and at most `h = n / 2` pairs, take matchings `N` with `|M| + d` pairs and `M`
/// (`d >= 1`, so `|M| <= h - 1`): `w(N) + |N| B - w(M) - |M| B >= |M| (lo - hi) + d (lo + B)`,
/// which is positive for every such pair once `B > (h - 1)(hi - lo) - lo`. Any larger shift
/// works too, which is why the check below accepts an offset at least this one.
fn required_offset(graph: &Graph) -> i128 {
    let weights = graph.edges().iter().map(|e| i128::from(e.weight));
    let (Some(lo), Some(hi)) = (weights.clone().min(), weights.max()) else {
        // No edge: no matching has a pair, and any shift proves it.
        return i128::MIN;
    };
    let most_smaller = (graph.node_count() / 2).saturating_sub(1) as i128;
    most_smaller * (hi - lo) - lo + 1
}

/// Any shift at least the required one still makes one more pair outweigh every weight
/// difference, so a larger offset (the solver's, or pricing's over all pairs) proves the same
/// thing.
fn expect_offset_at_least(cert: &Certificate, required: i128) -> Result<(), VerifyError> {
    if i128::from(cert.offset) >= required {
        Ok(())
    } else {
        Err(VerifyError::WrongOffset {
            got: cert.offset,
            expected: i64::try_from(required).unwrap_or(i64::MAX),
        })
    }
}

/// The heaviest edge weight of each matched pair, keyed `(low, high)`.
fn heaviest_matched(graph: &Graph, mate: &[Option<usize>]) -> HashMap<(usize, usize), i64> {
    let mut best = HashMap::new();
    for e in graph.edges() {
        let key = (e.u.min(e.v), e.u.max(e.v));
        if mate.get(key.0).copied().flatten() == Some(key.1) {
            let slot = best.entry(key).or_insert(e.weight);
            *slot = (*slot).max(e.weight);
        }
    }
    best
}

/// Checks the mate array is a matching of graph edges; returns its weight and size.
fn check_pairs(graph: &Graph, mate: &[Option<usize>]) -> Result<(i128, usize), VerifyError> {
    let n = graph.node_count();
    let mut pairs = 0usize;
    for (u, m) in mate.iter().enumerate() {
        if let Some(v) = *m {
            if v >= n || v == u || mate[v] != Some(u) {
                return Err(VerifyError::Asymmetric(u));
            }
            if u < v {
                pairs += 1;
            }
        }
    }
    let best = heaviest_matched(graph, mate);
    if best.len() != pairs {
        let missing = mate
            .iter()
            .enumerate()
            .find_map(|(u, m)| {
                m.filter(|&v| u < v && !best.contains_key(&(u, v)))
                    .map(|v| (u, v))
            })
            .unwrap_or((0, 0));
        return Err(VerifyError::NotAnEdge(missing.0, missing.1));
    }
    Ok((best.values().map(|&w| i128::from(w)).sum(), pairs))
}

/// Dual feasibility, complementary slackness and the blossom conditions for the weights of
/// `graph` shifted by the certificate's offset.
fn check_duals(
    graph: &Graph,
    mate: &[Option<usize>],
    cert: &Certificate,
) -> Result<(), VerifyError> {
    let n = graph.node_count();
    if cert.vertex_dual.len() != n {
        return Err(VerifyError::WrongSize {
            got: cert.vertex_dual.len(),
            nodes: n,
        });
    }
    if let Some(v) = cert.vertex_dual.iter().position(|&y| y < 0) {
        return Err(VerifyError::NegativeDual(format!("node {v}")));
    }
    let tree = BlossomTree::new(n, cert)?;
    let total_dual = &tree.total_dual;
    let common = |u: usize, v: usize| tree.common(u, v);
    let offset = i128::from(cert.offset);
    let reduced = |u: usize, v: usize, w: i64| -> i128 {
        let z = common(u, v).map_or(0, |b| total_dual[b]);
        i128::from(cert.vertex_dual[u]) + i128::from(cert.vertex_dual[v]) + z
            - i128::from(DUAL_SCALE) * (i128::from(w) + offset)
    };
    for e in graph.edges() {
        let r = reduced(e.u, e.v, e.weight);
        if r < 0 {
            return Err(VerifyError::Infeasible(e.u, e.v, r));
        }
    }
    let nb = cert.blossoms.len();
    let mut full = vec![0usize; nb];
    for ((u, v), w) in heaviest_matched(graph, mate) {
        let r = reduced(u, v, w);
        if r != 0 {
            return Err(VerifyError::NotTight(u, v, r));
        }
        if let Some(b) = common(u, v) {
            full[b] += 1;
        }
    }
    for (v, &y) in cert.vertex_dual.iter().enumerate() {
        if y > 0 && mate[v].is_none() {
            return Err(VerifyError::UnmatchedWithDual(v));
        }
    }
    // Pairs inside a child are inside its parent too: accumulate children into parents.
    for b in (0..nb).rev() {
        if let Some(p) = cert.blossoms[b].parent {
            full[p] += full[b];
        }
    }
    for (b, blossom) in cert.blossoms.iter().enumerate() {
        if blossom.dual > 0 && full[b] != tree.size[b] / 2 {
            return Err(VerifyError::BlossomNotFull(b));
        }
    }
    Ok(())
}

/// The certificate's blossoms as a checked tree, with what the dual check needs: each vertex's
/// deepest blossom, each blossom's size and the sum of the duals around it, and a heavy-path
/// decomposition so the deepest blossom holding both ends of an edge is found in O(log n)
/// steps however deep the nesting. Built in a few linear passes, no recursion.
struct BlossomTree {
    /// Deepest blossom holding each vertex.
    owner: Vec<Option<usize>>,
    parent: Vec<Option<usize>>,
    depth: Vec<usize>,
    /// Number of vertices inside each blossom, children's included.
    size: Vec<usize>,
    /// A blossom's dual plus those of every blossom around it.
    total_dual: Vec<i128>,
    /// The top of the heavy path through each blossom.
    head: Vec<usize>,
}

impl BlossomTree {
    /// Checks the list is a laminar family of odd sets and indexes it. Each blossom names only
    /// the vertices directly inside it, and a vertex may be named once, so the sets nest by
    /// construction: a blossom is its own vertices plus its children's.
    fn new(n: usize, cert: &Certificate) -> Result<Self, VerifyError> {
        let nb = cert.blossoms.len();
        let mut owner: Vec<Option<usize>> = vec![None; n];
        let mut parent = vec![None; nb];
        let mut depth = vec![0usize; nb];
        let mut size = vec![0usize; nb];
        let mut total_dual = vec![0i128; nb];
        for (b, blossom) in cert.blossoms.iter().enumerate() {
            if blossom.dual < 0 {
                return Err(VerifyError::NegativeDual(format!("blossom {b}")));
            }
            // Parents come first, so the parent's depth and duals are known here.
            if let Some(p) = blossom.parent {
                if p >= b {
                    return Err(VerifyError::BadBlossom(b));
                }
                depth[b] = depth[p] + 1;
                total_dual[b] = total_dual[p];
            }
            parent[b] = blossom.parent;
            total_dual[b] += i128::from(blossom.dual);
            for &v in &blossom.own_vertices {
                if v >= n || owner[v].is_some() {
                    return Err(VerifyError::BadBlossom(b));
                }
                owner[v] = Some(b);
            }
            size[b] = blossom.own_vertices.len();
        }
        // Children come after their parents: a backward pass adds each size to its parent's
        // and picks each blossom's largest child as its heavy one.
        let mut heavy: Vec<Option<usize>> = vec![None; nb];
        let mut weight = vec![1usize; nb];
        for b in (0..nb).rev() {
            if let Some(p) = parent[b] {
                size[p] += size[b];
                weight[p] += weight[b];
                if heavy[p].is_none_or(|h| weight[b] > weight[h]) {
                    heavy[p] = Some(b);
                }
            }
        }
        if let Some(b) = (0..nb).find(|&b| size[b] < 3 || size[b].is_multiple_of(2)) {
            return Err(VerifyError::BadBlossom(b));
        }
        let mut head: Vec<usize> = (0..nb).collect();
        for b in 0..nb {
            if let Some(p) = parent[b]
                && heavy[p] == Some(b)
            {
                head[b] = head[p];
            }
        }
        Ok(BlossomTree {
            owner,
            parent,
            depth,
            size,
            total_dual,
            head,
        })
    }

    /// The deepest blossom holding both `u` and `v`: climb whole heavy paths from the one
    /// whose path starts deeper until both are on one path, then take the shallower.
    fn common(&self, u: usize, v: usize) -> Option<usize> {
        let (mut a, mut b) = (self.owner[u]?, self.owner[v]?);
        while self.head[a] != self.head[b] {
            if self.depth[self.head[a]] < self.depth[self.head[b]] {
                std::mem::swap(&mut a, &mut b);
            }
            // When the deeper path starts at a top blossom, so does the other: two
            // different top blossoms share nothing.
            a = self.parent[self.head[a]]?;
        }
        Some(if self.depth[a] <= self.depth[b] { a } else { b })
    }
}
