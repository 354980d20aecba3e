//! The weighted undirected graph the engine works on, and the checks on what goes into it.

use crate::GraphError;

/// Largest absolute edge weight accepted. It leaves room for the exact integer arithmetic of the
/// solver (weights are scaled by 4 and shifted in maximum-cardinality mode) without overflow.
pub const MAX_WEIGHT: i64 = 1 << 40;

/// One undirected edge with an integer weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Edge {
    pub u: usize,
    pub v: usize,
    pub weight: i64,
}

/// A graph of `n` nodes numbered `0..n` with weighted undirected edges.
///
/// Parallel edges are allowed (the heaviest one is the one that matters); self-loops are not,
/// because nobody can be paired with themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    n: usize,
    edges: Vec<Edge>,
}

impl Graph {
    /// A graph of `n` nodes and no edges.
    pub fn new(n: usize) -> Self {
        Graph {
            n,
            edges: Vec::new(),
        }
    }

    /// Builds a graph from `(u, v, weight)` triples.
    pub fn from_edges(
        n: usize,
        edges: impl IntoIterator<Item = (usize, usize, i64)>,
    ) -> Result<Self, GraphError> {
        let mut g = Graph::new(n);
        for (u, v, w) in edges {
            g.add_edge(u, v, w)?;
        }
        Ok(g)
    }

    /// A graph from edges the caller has already checked as [`Graph::add_edge`] would.
    pub(crate) fn from_checked_edges(n: usize, edges: Vec<Edge>) -> Graph {
        debug_assert!(edges.iter().all(|e| e.u < n
            && e.v < n
            && e.u != e.v
            && (-MAX_WEIGHT..=MAX_WEIGHT).contains(&e.weight)));
        Graph { n, edges }
    }

    /// Adds an edge; rejects self-loops, unknown nodes and weights beyond [`MAX_WEIGHT`].
    pub fn add_edge(&mut self, u: usize, v: usize, weight: i64) -> Result<(), GraphError> {
        if u >= self.n || v >= self.n {
            return Err(GraphError::NodeOutOfRange {
                node: u.max(v),
                nodes: self.n,
            });
        }
        if u == v {
            return Err(GraphError::SelfLoop { node: u });
        }
        if !(-MAX_WEIGHT..=MAX_WEIGHT).contains(&weight) {
            return Err(GraphError::WeightOutOfRange { weight });
        }
        self.edges.push(Edge { u, v, weight });
        Ok(())
    }

    pub fn node_count(&self) -> usize {
        self.n
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The same nodes with only the edges that satisfy `keep`.
    pub(crate) fn filtered(&self, keep: impl Fn(&Edge) -> bool) -> Graph {
        Graph {
            n: self.n,
            edges: self.edges.iter().copied().filter(|e| keep(e)).collect(),
        }
    }

    /// The heaviest weight between `u` and `v`, found by a linear scan (for tests and tools).
    pub fn weight(&self, u: usize, v: usize) -> Option<i64> {
        self.edges
            .iter()
            .filter(|e| (e.u == u && e.v == v) || (e.u == v && e.v == u))
            .map(|e| e.weight)
            .max()
    }
}
