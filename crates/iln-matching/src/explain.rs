//! "Why not X?": certified lower bounds, from the dual solution, on how much the total would
//! drop if two people were forced into a pair. Also the reduced-cost index the pricing pass
//! uses to check pairs outside the candidate graph.
//!
//! The bound is linear-programming duality: for any matching `M`,
//! `w(M) <= dual objective - sum of reduced costs of M's edges`, and the dual objective equals
//! the optimum. So a matching that contains the pair `(u, v)` is worse by at least that pair's
//! reduced cost.

use crate::{DUAL_SCALE, Matching, Mode};

/// Reduced costs `y_u + y_v + z(blossoms holding both) - DUAL_SCALE * (w + offset)` in the
/// certificate's scaled units, for any pair, in `O(blossom depth)`.
#[derive(Debug, Clone)]
pub(crate) struct DualIndex {
    vertex_dual: Vec<i64>,
    offset: i64,
    /// Deepest blossom holding each vertex.
    owner: Vec<Option<u32>>,
    parent: Vec<Option<u32>>,
    depth: Vec<u32>,
    /// Sum of the duals of a blossom and all blossoms around it.
    total: Vec<i64>,
}

impl DualIndex {
    pub(crate) fn new(matching: &Matching) -> Self {
        let cert = matching.certificate();
        let n = cert.vertex_dual.len();
        let nb = cert.blossoms.len();
        let mut owner = vec![None; n];
        let mut parent = vec![None; nb];
        let mut depth = vec![0u32; nb];
        let mut total = vec![0i64; nb];
        // Each blossom names the vertices directly inside it, so its owner is the blossom
        // that names it.
        for (b, blossom) in cert.blossoms.iter().enumerate() {
            let p = blossom.parent.filter(|&p| p < b);
            parent[b] = p.map(|p| p as u32);
            depth[b] = p.map_or(0, |p| depth[p] + 1);
            total[b] = p.map_or(0, |p| total[p]).saturating_add(blossom.dual);
            for &v in &blossom.own_vertices {
                if let Some(slot) = owner.get_mut(v) {
                    *slot = Some(b as u32);
                }
            }
        }
        DualIndex {
            vertex_dual: cert.vertex_dual.clone(),
            offset: cert.offset,
            owner,
            parent,
            depth,
            total,
        }
    }

    /// The reduced cost of pair `(u, v)` at weight `w`; negative means the pair would improve
    /// the matching (the certificate does not cover it).
    /// True when pair `(u, v)` at weight `w` has a non-negative reduced cost. Blossom duals
    /// are never negative, so the vertex duals alone usually settle it without a lookup.
    #[inline]
    pub(crate) fn covers(&self, u: usize, v: usize, w: i64) -> bool {
        let quick = i128::from(self.vertex_dual[u]) + i128::from(self.vertex_dual[v])
            - i128::from(DUAL_SCALE) * (i128::from(w) + i128::from(self.offset));
        quick >= 0 || self.reduced(u, v, w) >= 0
    }

    pub(crate) fn reduced(&self, u: usize, v: usize, w: i64) -> i128 {
        let (mut a, mut b) = (self.owner[u], self.owner[v]);
        let z = loop {
            match (a, b) {
                (Some(x), Some(y)) if x == y => break self.total[x as usize],
                (Some(x), Some(y)) => {
                    if self.depth[x as usize] >= self.depth[y as usize] {
                        a = self.parent[x as usize];
                    } else {
                        b = self.parent[y as usize];
                    }
                }
                _ => break 0,
            }
        };
        i128::from(self.vertex_dual[u]) + i128::from(self.vertex_dual[v]) + i128::from(z)
            - i128::from(DUAL_SCALE) * (i128::from(w) + i128::from(self.offset))
    }
}

/// The answer to "why are `u` and `v` not together?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhyNot {
    /// They are a pair in this matching.
    Paired,
    /// Forcing them together lowers the optimum by at least this much. In maximum-weight mode
    /// this is total weight; in the other modes it is total weight among matchings with as
    /// many pairs (a bound of at least the certificate's offset means a pair would be lost).
    Loss(i64),
    /// Fairness mode: their pair weight is below the floor the matching guarantees.
    BelowFloor { floor: i64 },
}

/// Answers "why not?" questions from one matching's certificate.
#[derive(Debug, Clone)]
pub struct Explainer<'a> {
    matching: &'a Matching,
    index: DualIndex,
}

impl<'a> Explainer<'a> {
    pub fn new(matching: &'a Matching) -> Self {
        Explainer {
            matching,
            index: DualIndex::new(matching),
        }
    }

    /// The certified lower bound on the loss from pairing `u` with `v`, whose pair weight is
    /// `weight`. The bound is valid for every pair the certificate covers: every edge of the
    /// solved graph, and after the pricing pass every allowed pair. Nodes out of range give
    /// `None`.
    pub fn why_not(&self, u: usize, v: usize, weight: i64) -> Option<WhyNot> {
        let n = self.matching.mate().len();
        if u >= n || v >= n || u == v {
            return None;
        }
        if self.matching.mate()[u] == Some(v) {
            return Some(WhyNot::Paired);
        }
        if self.matching.mode() == Mode::Fairness
            && let Some(floor) = self.matching.floor()
            && weight < floor
        {
            return Some(WhyNot::BelowFloor { floor });
        }
        let reduced = self.index.reduced(u, v, weight).max(0);
        // Weights are integers, so a loss of more than r/scale means at least its ceiling.
        let scale = i128::from(DUAL_SCALE);
        let loss = (reduced + scale - 1) / scale;
        Some(WhyNot::Loss(i64::try_from(loss).unwrap_or(i64::MAX)))
    }
}
