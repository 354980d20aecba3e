//! The independent optimality check: given a graph and a [`Matching`], confirm from the
//! certificate alone (linear-programming duality for Edmonds' matching polytope) that no better
//! matching exists. It shares no code with the solver beyond the input types.

use std::collections::HashMap;

use crate::{
    CardinalityProof, Certificate, DUAL_SCALE, Graph, Matching, Mode, above_graph,
    cardinality_offset,
};

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
    #[error("the weights are too far apart to verify: {0}")]
    Overflow(crate::SolveError),
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
            let offset = cardinality_offset(graph).map_err(VerifyError::Overflow)?;
            expect_offset_at_least(&result.certificate, offset)?;
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
        let offset = cardinality_offset(graph).map_err(VerifyError::Overflow)?;
        expect_offset_at_least(&result.certificate, offset)?;
        return check_duals(graph, &result.mate, &result.certificate);
    };
    let kept = graph.filtered(|e| e.weight >= floor);
    let offset = cardinality_offset(&kept).map_err(VerifyError::Overflow)?;
    expect_offset_at_least(&result.certificate, offset)?;
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
    let edges = above_graph(graph, proof.above);
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
    let offset = cardinality_offset(&edges).map_err(VerifyError::Overflow)?;
    expect_offset_at_least(&proof.certificate, offset)?;
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

/// Any shift at least the required one still makes one more pair outweigh every weight
/// difference, so a larger offset (from pricing over all pairs) proves the same thing.
fn expect_offset_at_least(cert: &Certificate, required: i64) -> Result<(), VerifyError> {
    if cert.offset >= required {
        Ok(())
    } else {
        Err(VerifyError::WrongOffset {
            got: cert.offset,
            expected: required,
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
    // Laminar family: processing parents first, every vertex of a blossom must currently be
    // owned by exactly its parent (or by nothing for a top-level blossom). That checks
    // containment in the parent and disjointness from every sibling at once.
    let nb = cert.blossoms.len();
    let mut owner: Vec<Option<usize>> = vec![None; n];
    let mut depth = vec![0usize; nb];
    let mut total_dual = vec![0i128; nb];
    for (b, blossom) in cert.blossoms.iter().enumerate() {
        if blossom.dual < 0 {
            return Err(VerifyError::NegativeDual(format!("blossom {b}")));
        }
        if blossom.vertices.len() < 3 || blossom.vertices.len() % 2 == 0 {
            return Err(VerifyError::BadBlossom(b));
        }
        if let Some(p) = blossom.parent
            && p >= b
        {
            return Err(VerifyError::BadBlossom(b));
        }
        for &v in &blossom.vertices {
            if v >= n || owner[v] != blossom.parent {
                return Err(VerifyError::BadBlossom(b));
            }
            owner[v] = Some(b);
        }
        let (d, above) = match blossom.parent {
            Some(p) => (depth[p] + 1, total_dual[p]),
            None => (0, 0),
        };
        depth[b] = d;
        total_dual[b] = above + i128::from(blossom.dual);
    }
    // The deepest blossom holding both ends of an edge, by walking up from both owners.
    let common = |u: usize, v: usize| -> Option<usize> {
        let (mut a, mut b) = (owner[u], owner[v]);
        loop {
            match (a, b) {
                (Some(x), Some(y)) if x == y => return Some(x),
                (Some(x), Some(y)) => {
                    if depth[x] >= depth[y] {
                        a = cert.blossoms[x].parent;
                    } else {
                        b = cert.blossoms[y].parent;
                    }
                }
                _ => return None,
            }
        }
    };
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
        if blossom.dual > 0 && full[b] != blossom.vertices.len() / 2 {
            return Err(VerifyError::BlossomNotFull(b));
        }
    }
    Ok(())
}
