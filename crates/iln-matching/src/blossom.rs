//! The primal-dual blossom algorithm (Edmonds) for maximum-weight matching on general graphs.
//!
//! The search follows the classic formulation of Galil's survey, with the blossom bookkeeping
//! (S/T labels on top-level blossoms, child cycles with their connecting edges) made popular
//! by Van Rantwijk's reference implementation. What makes it fast comes from the
//! O(nm log n) family (Gabow; Mehlhorn and Schäfer's LEDA code) and from Kolmogorov's
//! Blossom V and LEMON:
//! - a greedy start: vertex duals from each vertex's heaviest edge, a greedy matching on tight
//!   edges, then free duals lowered as far as feasibility allows;
//! - "unmatching": when an even vertex's dual reaches zero, the alternating path from its root
//!   is flipped so the root is matched and that vertex stays single with a zero dual, which
//!   lets free vertices start with different duals;
//! - every free vertex roots a tree at once, and after an augmentation only the two trees
//!   involved are dissolved (through their own member lists) while the others keep growing;
//! - lazy duals: a labelled entity's dual is stored with the stage time it was last settled,
//!   so a dual adjustment costs O(1);
//! - event queues for the four kinds of adjustment (an S-vertex dual reaching zero, an edge to
//!   a free vertex or between S-blossoms becoming tight, a T-blossom dual reaching zero),
//!   checked lazily when popped. Stage time never passes the largest root dual, so for small
//!   integer weights the queues are arrays of buckets indexed by time.
//!
//! Units: every weight is doubled on entry (`cost = 4 * w` in the slack formula below) so that
//! all vertex duals of free vertices stay even and every S-S slack is even: the whole run is
//! exact integer arithmetic. For an edge `k = (u, v)`:
//! `slack(k) = dual[u] + dual[v] + 2 * sum(dual[B] for blossoms B containing u and v) - 4 * w`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The "no vertex / no endpoint / no edge" marker in the compact `u32` arrays.
const NONE: u32 = u32::MAX;

const FREE: u8 = 0;
const S: u8 = 1;
const T: u8 = 2;
/// Temporary mark used while tracing two alternating paths towards their roots.
const BREADCRUMB: u8 = 5;

/// One blossom of the final state, for the certificate.
#[derive(Debug, Clone)]
pub(crate) struct RawBlossom {
    /// Index of the enclosing blossom in the output list, if nested.
    pub parent: Option<usize>,
    /// Its dual in the doubled units of this module (`2 * z` in the slack formula).
    pub dual: i64,
    /// The vertices directly inside it (not inside a child blossom), sorted.
    pub own_vertices: Vec<u32>,
}

/// What the algorithm hands back.
#[derive(Debug, Clone)]
pub(crate) struct RawSolution {
    /// `mate[v]` is the partner of `v` or `None`.
    pub mate: Vec<Option<u32>>,
    /// Vertex duals in the same units as [`RawBlossom::dual`].
    pub vertex_dual: Vec<i64>,
    pub blossoms: Vec<RawBlossom>,
}

/// An optional starting point: vertex duals (in the doubled units) and a matching that should be
/// kept where it is still tight. Used to re-solve warm after edges are added.
#[derive(Debug, Clone, Default)]
pub(crate) struct WarmStart {
    pub vertex_dual: Vec<i64>,
    pub mate: Vec<Option<u32>>,
}

/// Solves maximum-weight matching exactly. Parallel edges are allowed. The caller leaves out
/// edges of negative weight (they can never be in a maximum-weight matching, and nonnegative
/// vertex duals cover them) and guarantees `4 * |w|` plus a few such terms fit in an `i64` and
/// that endpoints are distinct and `< n`.
pub(crate) fn max_weight_matching(
    n: usize,
    edges: &[(u32, u32, i64)],
    warm: Option<&WarmStart>,
) -> RawSolution {
    debug_assert!(edges.iter().all(|e| e.2 >= 0));
    let mut core = Core::new(n, edges);
    core.initialise(warm);
    core.run();
    core.into_solution()
}

struct Core {
    n: usize,
    /// `ends[p]` is the vertex at endpoint `p`; edge `k` owns endpoints `2k` and `2k + 1`.
    ends: Vec<u32>,
    /// `4 * w` of each edge, so that `slack = dual[u] + dual[v] - cost` outside blossoms.
    cost: Vec<i64>,
    /// Compressed adjacency: for vertex `v`, `adj[adj_start[v]..adj_start[v + 1]]` are the
    /// *remote* endpoints of its edges.
    adj_start: Vec<usize>,
    adj: Vec<u32>,
    /// `mate[v]` is the remote endpoint of `v`'s matched edge, or `NONE`.
    mate: Vec<u32>,
    /// Label of each vertex and blossom (indices `n..2n` are non-trivial blossoms).
    label: Vec<u8>,
    /// For a labelled top blossom, the endpoint (in the parent) of the edge that labelled it.
    label_end: Vec<u32>,
    in_blossom: Vec<u32>,
    parent: Vec<u32>,
    /// Children of a non-trivial blossom, in cyclic order starting at the base child.
    childs: Vec<Vec<u32>>,
    /// `endps[b][i]` is the endpoint in `childs[b][i]` of the edge to `childs[b][i + 1]`.
    endps: Vec<Vec<u32>>,
    base: Vec<u32>,
    unused: Vec<u32>,
    /// Vertex duals (doubled) then blossom duals (in units where an S-blossom gains what its
    /// vertices lose). Duals move lazily: for an entity under a labelled top blossom the
    /// stored value is its dual at stage time `since[x]`; S-vertices then lose and T-vertices
    /// gain `now - since[x]` (top blossoms the opposite), so a dual adjustment is O(1).
    dual: Vec<i64>,
    since: Vec<i64>,
    /// The stage's total dual adjustment so far.
    now: i64,
    /// Events keyed by the stage time at which they happen (ties broken by id, so the run is
    /// deterministic). Entries are checked when popped and dropped if stale.
    /// 1: an S-vertex's dual reaches zero (key `dual + since`).
    zero_vertex: Events,
    /// 2: an edge from an S-vertex to a free vertex becomes tight (one entry per edge, so
    /// nothing is lost when a tree dissolves: stale entries are dropped when popped).
    to_free: Events,
    /// Vertices of dissolved trees whose edges from the remaining trees must be queued
    /// before time moves on; `pending_mark[v]` avoids duplicates.
    pending: Vec<u32>,
    pending_mark: Vec<bool>,
    /// 3: an edge between two S-blossoms becomes tight (key is twice the time).
    between_s: Events,
    /// 4: a T-blossom's dual reaches zero.
    zero_blossom: Events,
    /// Edges known to be tight in this stage.
    allow: Vec<bool>,
    queue: Vec<u32>,
    /// Scratch buffer for blossom leaves.
    scratch: Vec<u32>,
    /// Work list of `augment_blossom`: (blossom, vertex to become its base).
    rebase: Vec<(u32, u32)>,
    /// Vertices and blossoms whose label was set in this stage, so clearing a stage costs
    /// time in proportion to what it touched, not to the whole graph.
    touched: Vec<u32>,
    /// `stamp[x] == stage_id` when `x` is already in `touched`.
    stamp: Vec<u32>,
    stage_id: u32,
    /// Edges marked tight (`allow`) in this stage.
    touched_edges: Vec<u32>,
    /// For a labelled top blossom: the root vertex of its alternating tree.
    tree: Vec<u32>,
    /// For each root vertex: the vertices and blossoms labelled in its tree (possibly with
    /// stale or repeated entries, checked on use), so dissolving a tree costs its size.
    members: Vec<Vec<u32>>,
    /// Scratch marks for `dissolve`.
    marked: Vec<bool>,
    /// Trees still growing in this stage.
    live: usize,
}

impl Core {
    fn new(n: usize, edges: &[(u32, u32, i64)]) -> Self {
        let m = edges.len();
        let mut ends = Vec::with_capacity(2 * m);
        let mut cost = Vec::with_capacity(m);
        let mut degree = vec![0usize; n + 1];
        for &(u, v, w) in edges {
            ends.push(u);
            ends.push(v);
            cost.push(4 * w);
            degree[u as usize] += 1;
            degree[v as usize] += 1;
        }
        let mut adj_start = vec![0usize; n + 1];
        for v in 0..n {
            adj_start[v + 1] = adj_start[v] + degree[v];
        }
        let mut fill = adj_start.clone();
        let mut adj = vec![0u32; 2 * m];
        for (k, &(u, v, _)) in edges.iter().enumerate() {
            let k = k as u32;
            adj[fill[u as usize]] = 2 * k + 1;
            fill[u as usize] += 1;
            adj[fill[v as usize]] = 2 * k;
            fill[v as usize] += 1;
        }
        let mut base = vec![NONE; 2 * n];
        for (v, b) in base.iter_mut().enumerate().take(n) {
            *b = v as u32;
        }
        Core {
            n,
            ends,
            cost,
            adj_start,
            adj,
            mate: vec![NONE; n],
            label: vec![FREE; 2 * n],
            label_end: vec![NONE; 2 * n],
            in_blossom: (0..n as u32).collect(),
            parent: vec![NONE; 2 * n],
            childs: vec![Vec::new(); 2 * n],
            endps: vec![Vec::new(); 2 * n],
            base,
            unused: (n as u32..2 * n as u32).rev().collect(),
            dual: vec![0; 2 * n],
            since: vec![0; 2 * n],
            now: 0,
            zero_vertex: Events::default(),
            to_free: Events::default(),
            pending: Vec::new(),
            pending_mark: vec![false; n],
            between_s: Events::default(),
            zero_blossom: Events::default(),
            allow: vec![false; m],
            queue: Vec::new(),
            scratch: Vec::new(),
            rebase: Vec::new(),
            touched: Vec::new(),
            stamp: vec![0; 2 * n],
            stage_id: 0,
            touched_edges: Vec::new(),
            tree: vec![NONE; 2 * n],
            members: vec![Vec::new(); n],
            marked: vec![false; 2 * n],
            live: 0,
        }
    }

    #[inline]
    fn touch(&mut self, x: u32) {
        if self.stamp[x as usize] != self.stage_id {
            self.stamp[x as usize] = self.stage_id;
            self.touched.push(x);
        }
    }

    #[inline]
    fn allow_edge(&mut self, k: u32) {
        if !self.allow[k as usize] {
            self.allow[k as usize] = true;
            self.touched_edges.push(k);
        }
    }

    /// The current dual of vertex `v`.
    #[inline]
    fn vdual(&self, v: u32) -> i64 {
        let v = v as usize;
        match self.label[self.in_blossom[v] as usize] {
            S => self.dual[v] - (self.now - self.since[v]),
            T => self.dual[v] + (self.now - self.since[v]),
            _ => self.dual[v],
        }
    }

    /// The current dual of blossom `b` (only top blossoms move).
    #[inline]
    fn bdual(&self, b: u32) -> i64 {
        let bu = b as usize;
        if self.parent[bu] != NONE || self.base[bu] == NONE {
            return self.dual[bu];
        }
        match self.label[bu] {
            S => self.dual[bu] + (self.now - self.since[bu]),
            T => self.dual[bu] - (self.now - self.since[bu]),
            _ => self.dual[bu],
        }
    }

    /// Stores the current dual of vertex `v` and restarts its clock (before a label change).
    #[inline]
    fn settle_vertex(&mut self, v: u32) {
        self.dual[v as usize] = self.vdual(v);
        self.since[v as usize] = self.now;
    }

    fn settle_blossom(&mut self, b: u32) {
        self.dual[b as usize] = self.bdual(b);
        self.since[b as usize] = self.now;
    }

    /// The stage time at which S-vertex `v`'s dual reaches zero; constant while it stays S.
    #[inline]
    fn s_key(&self, v: u32) -> i64 {
        self.dual[v as usize] + self.since[v as usize]
    }

    #[inline]
    fn slack(&self, k: u32) -> i64 {
        let k = k as usize;
        self.vdual(self.ends[2 * k]) + self.vdual(self.ends[2 * k + 1]) - self.cost[k]
    }

    /// Queues every edge from an S-vertex to free vertex `w` (after `w` became free).
    fn refresh_free(&mut self, w: u32) {
        let bw = self.in_blossom[w as usize];
        let dw = self.dual[w as usize];
        for i in self.neighbours(w) {
            let q = self.adj[i];
            let y = self.ends[q as usize] as usize;
            let by = self.in_blossom[y];
            if by != bw && self.label[by as usize] == S {
                let key = self.dual[y] + self.since[y] + dw - self.cost[(q / 2) as usize];
                self.to_free.push(key, q / 2);
            }
        }
    }

    /// Records when a non-tight edge from S-vertex `v` to `w` becomes tight, by the label of
    /// `w`'s top blossom: free (rate one) or S (rate two); edges to T-vertices keep their slack.
    #[inline]
    fn watch_edge(&mut self, v: u32, w: u32, k: u32) {
        match self.label[self.in_blossom[w as usize] as usize] {
            FREE => {
                let key = self.s_key(v) + self.dual[w as usize] - self.cost[k as usize];
                self.to_free.push(key, k);
            }
            S => {
                let key = self.s_key(v) + self.s_key(w) - self.cost[k as usize];
                debug_assert!(key % 2 == 0, "S-S slacks are even");
                self.between_s.push(key / 2, k);
            }
            _ => {}
        }
    }

    #[inline]
    fn neighbours(&self, v: u32) -> std::ops::Range<usize> {
        self.adj_start[v as usize]..self.adj_start[v as usize + 1]
    }

    /// Greedy start: feasible vertex duals, a matching of tight edges, and free duals lowered.
    fn initialise(&mut self, warm: Option<&WarmStart>) {
        let n = self.n;
        // Each vertex starts at its heaviest incident edge (doubled units: 2 * 2w), which is
        // feasible for every edge; a warm start may only lower that where still feasible.
        for v in 0..n {
            let mut best = 0i64;
            for i in self.neighbours(v as u32) {
                best = best.max(self.cost[(self.adj[i] / 2) as usize] / 2);
            }
            self.dual[v] = best;
        }
        if let Some(warm) = warm {
            for v in 0..n {
                if let Some(&d) = warm.vertex_dual.get(v) {
                    // Keep duals even so every root shares one parity.
                    let d = (d.max(0) + 1) & !1;
                    if d < self.dual[v] {
                        self.dual[v] = d;
                    }
                }
            }
            // Restore feasibility edge by edge, raising the endpoint with the larger dual
            // (fewer raises overall), deterministically in edge order.
            for k in 0..self.cost.len() as u32 {
                let s = self.slack(k);
                if s < 0 {
                    let (u, v) = (
                        self.ends[2 * k as usize] as usize,
                        self.ends[2 * k as usize + 1] as usize,
                    );
                    let t = if self.dual[u] >= self.dual[v] { u } else { v };
                    // -s is even because every dual and every cost is even.
                    self.dual[t] -= s;
                }
            }
            for v in 0..n {
                if self.mate[v] != NONE {
                    continue;
                }
                if let Some(Some(u)) = warm.mate.get(v) {
                    let u = *u as usize;
                    if u >= n || self.mate[u] != NONE || u == v {
                        continue;
                    }
                    if let Some(p) = self.tight_edge_between(v as u32, u as u32) {
                        self.mate[v] = p;
                        self.mate[u] = p ^ 1;
                    }
                }
            }
        }
        // Greedy matching on tight edges.
        for v in 0..n as u32 {
            if self.mate[v as usize] != NONE {
                continue;
            }
            for i in self.neighbours(v) {
                let p = self.adj[i];
                let w = self.ends[p as usize];
                if self.mate[w as usize] == NONE && w != v && self.slack(p / 2) == 0 {
                    self.mate[v as usize] = p;
                    self.mate[w as usize] = p ^ 1;
                    break;
                }
            }
        }
        // Lower each free vertex's dual as far as its edges allow; that may make an edge to
        // another free vertex tight, which we then take.
        for v in 0..n as u32 {
            if self.mate[v as usize] != NONE {
                continue;
            }
            let mut need = 0i64;
            for i in self.neighbours(v) {
                let p = self.adj[i];
                let w = self.ends[p as usize];
                need = need.max(self.cost[(p / 2) as usize] - self.dual[w as usize]);
            }
            self.dual[v as usize] = need.max(0);
            if need <= 0 {
                continue;
            }
            for i in self.neighbours(v) {
                let p = self.adj[i];
                let w = self.ends[p as usize];
                if w != v && self.mate[w as usize] == NONE && self.slack(p / 2) == 0 {
                    self.mate[v as usize] = p;
                    self.mate[w as usize] = p ^ 1;
                    break;
                }
            }
        }
    }

    fn tight_edge_between(&self, v: u32, u: u32) -> Option<u32> {
        self.neighbours(v)
            .map(|i| self.adj[i])
            .find(|&p| self.ends[p as usize] == u && self.slack(p / 2) == 0)
    }

    /// The vertices inside `b`, in `out` (cleared first).
    fn leaves(&self, b: u32, out: &mut Vec<u32>) {
        out.clear();
        self.append_leaves(b, out);
    }

    /// Appends the vertices inside `b` to `out`, expanding sub-blossoms in place (no
    /// allocation beyond `out`; the order is fixed by the blossom structure).
    fn append_leaves(&self, b: u32, out: &mut Vec<u32>) {
        let mut i = out.len();
        out.push(b);
        while i < out.len() {
            let x = out[i] as usize;
            if x < self.n {
                i += 1;
            } else {
                let children = &self.childs[x];
                out[i] = children[0];
                out.extend_from_slice(&children[1..]);
            }
        }
    }

    fn assign_label(&mut self, w: u32, t: u8, p: u32) {
        let mut w = w;
        let mut t = t;
        let mut p = p;
        loop {
            let b = self.in_blossom[w as usize];
            self.touch(w);
            self.touch(b);
            let root = if p == NONE {
                w
            } else {
                self.tree[self.in_blossom[self.ends[p as usize] as usize] as usize]
            };
            self.tree[b as usize] = root;
            self.members[root as usize].push(w);
            self.members[root as usize].push(b);
            // The blossom was free, so its stored duals are current; start their clocks.
            self.label[w as usize] = t;
            self.label[b as usize] = t;
            self.label_end[w as usize] = p;
            self.label_end[b as usize] = p;
            self.since[b as usize] = self.now;
            let mut buf = std::mem::take(&mut self.scratch);
            self.leaves(b, &mut buf);
            for &x in &buf {
                self.touch(x);
                self.since[x as usize] = self.now;
            }
            if b as usize >= self.n {
                self.members[root as usize].extend_from_slice(&buf);
            }
            if t == S {
                for &x in &buf {
                    let key = self.s_key(x);
                    self.zero_vertex.push(key, x);
                }
                self.queue.extend_from_slice(&buf);
                self.scratch = buf;
                return;
            }
            self.scratch = buf;
            if b as usize >= self.n {
                let key = self.dual[b as usize] + self.since[b as usize];
                self.zero_blossom.push(key, b);
            }
            // A T-blossom's base is matched (a free top blossom's base is an augmenting
            // target, handled before labelling), so label its mate S.
            let base = self.base[b as usize];
            let m = self.mate[base as usize];
            debug_assert!(m != NONE);
            w = self.ends[m as usize];
            t = S;
            p = m ^ 1;
        }
    }

    /// Traces back from `v` and `w` (both in S-blossoms); returns the base of the new blossom
    /// or `NONE` if the two paths reach different roots (an augmenting path).
    fn scan_blossom(&mut self, v: u32, w: u32) -> u32 {
        let mut path = Vec::new();
        let mut base = NONE;
        let mut v = v;
        let mut w = w;
        while v != NONE || w != NONE {
            if v != NONE {
                let b = self.in_blossom[v as usize];
                if self.label[b as usize] & 4 != 0 {
                    base = self.base[b as usize];
                    break;
                }
                path.push(b);
                self.label[b as usize] = BREADCRUMB;
                if self.label_end[b as usize] == NONE {
                    v = NONE;
                } else {
                    let t = self.ends[self.label_end[b as usize] as usize];
                    let bt = self.in_blossom[t as usize];
                    v = self.ends[self.label_end[bt as usize] as usize];
                }
            }
            if w != NONE {
                std::mem::swap(&mut v, &mut w);
            }
        }
        for b in path {
            self.label[b as usize] = S;
        }
        base
    }

    fn add_blossom(&mut self, base: u32, k: u32) {
        let mut v = self.ends[2 * k as usize];
        let mut w = self.ends[2 * k as usize + 1];
        let bb = self.in_blossom[base as usize];
        let mut bv = self.in_blossom[v as usize];
        let mut bw = self.in_blossom[w as usize];
        let b = self.unused.pop().unwrap_or(NONE);
        debug_assert!(b != NONE);
        let bu = b as usize;
        let mut path = Vec::new();
        let mut endps = Vec::new();
        while bv != bb {
            path.push(bv);
            endps.push(self.label_end[bv as usize]);
            v = self.ends[self.label_end[bv as usize] as usize];
            bv = self.in_blossom[v as usize];
        }
        path.push(bb);
        path.reverse();
        endps.reverse();
        endps.push(2 * k);
        while bw != bb {
            path.push(bw);
            endps.push(self.label_end[bw as usize] ^ 1);
            w = self.ends[self.label_end[bw as usize] as usize];
            bw = self.in_blossom[w as usize];
        }
        // Settle the children's duals under their old labels before they stop moving on
        // their own (T-children's vertices now move as S).
        let mut all = std::mem::take(&mut self.scratch);
        all.clear();
        let mut leaves = Vec::new();
        for &c in &path {
            let start = all.len();
            self.append_leaves(c, &mut all);
            let was_t = self.label[c as usize] == T;
            for &x in &all[start..] {
                self.settle_vertex(x);
                if was_t {
                    leaves.push(x);
                }
            }
            self.settle_blossom(c);
        }
        for &c in &path {
            self.parent[c as usize] = b;
        }
        self.base[bu] = base;
        self.parent[bu] = NONE;
        self.touch(b);
        self.tree[bu] = self.tree[bb as usize];
        self.members[self.tree[bu] as usize].push(b);
        self.label[bu] = S;
        self.label_end[bu] = self.label_end[bb as usize];
        self.dual[bu] = 0;
        self.since[bu] = self.now;
        for &x in &all {
            self.in_blossom[x as usize] = b;
        }
        self.scratch = all;
        // Former T-vertices become S: they must be scanned and can now reach zero.
        for x in leaves {
            let key = self.s_key(x);
            self.zero_vertex.push(key, x);
            self.queue.push(x);
        }
        self.childs[bu] = path;
        self.endps[bu] = endps;
    }

    /// Expands top blossom `b`: its children become top blossoms. During a stage (`end_stage`
    /// false) `b` is a T-blossom whose dual reached zero, and part of its cycle joins the tree.
    /// At the end of a stage, child blossoms whose dual is zero are expanded too, through an
    /// explicit stack rather than recursion: the nesting can be as deep as the graph is large.
    fn expand_blossom(&mut self, b: u32, end_stage: bool) {
        let bu = b as usize;
        // Settle every dual inside before the labels change. Nested blossoms expanded below
        // need no second pass: their vertices were settled here, and a blossom's own dual no
        // longer matters once it is expanded.
        if self.parent[bu] == NONE {
            let mut buf = std::mem::take(&mut self.scratch);
            self.leaves(b, &mut buf);
            for &x in &buf {
                self.settle_vertex(x);
            }
            self.scratch = buf;
            self.settle_blossom(b);
        }
        if end_stage {
            self.expand_nested_zero(b);
            return;
        }
        let childs = self.childs[bu].clone();
        for &s in &childs {
            self.parent[s as usize] = NONE;
            if (s as usize) < self.n {
                self.in_blossom[s as usize] = s;
            } else {
                let mut sub = std::mem::take(&mut self.scratch);
                self.leaves(s, &mut sub);
                for &x in &sub {
                    self.in_blossom[x as usize] = s;
                }
                self.scratch = sub;
            }
        }
        if self.label[bu] == T {
            // The blossom was reached through `entry`; relabel the even-length path from the
            // entry child to the base child as alternating T/S, and leave the rest unlabelled.
            let len = childs.len() as isize;
            let entry = self.in_blossom[self.ends[(self.label_end[bu] ^ 1) as usize] as usize];
            let i = childs.iter().position(|&c| c == entry).unwrap_or(0);
            let (mut j, jstep, endptrick) = walk_to_base(i, childs.len());
            let at = |j: isize| -> usize { j.rem_euclid(len) as usize };
            let endps = self.endps[bu].clone();
            let mut p = self.label_end[bu];
            while j != 0 {
                // Relabel the T-sub-blossom.
                self.label[self.ends[(p ^ 1) as usize] as usize] = FREE;
                let q = endps[at(j - endptrick as isize)] ^ endptrick ^ 1;
                self.label[self.ends[q as usize] as usize] = FREE;
                self.assign_label(self.ends[(p ^ 1) as usize], T, p);
                // Step to the next S-sub-blossom and note its forward endpoint.
                self.allow_edge(endps[at(j - endptrick as isize)] / 2);
                j += jstep;
                p = endps[at(j - endptrick as isize)] ^ endptrick;
                // Step to the next T-sub-blossom.
                self.allow_edge(p / 2);
                j += jstep;
            }
            // Relabel the base T-sub-blossom without stepping through to its mate.
            let bv = childs[at(j)];
            let x = self.ends[(p ^ 1) as usize];
            self.touch(x);
            self.touch(bv);
            self.tree[bv as usize] = self.tree[bu];
            let root = self.tree[bu] as usize;
            self.members[root].push(x);
            self.members[root].push(bv);
            self.label[x as usize] = T;
            self.label[bv as usize] = T;
            self.label_end[x as usize] = p;
            self.label_end[bv as usize] = p;
            self.since[bv as usize] = self.now;
            let mut sub = Vec::new();
            self.leaves(bv, &mut sub);
            for &y in &sub {
                self.touch(y);
                self.since[y as usize] = self.now;
            }
            self.members[root].extend_from_slice(&sub);
            if bv as usize >= self.n {
                let key = self.dual[bv as usize] + self.since[bv as usize];
                self.zero_blossom.push(key, bv);
            }
            j += jstep;
            while childs[at(j)] != entry {
                let bv = childs[at(j)];
                if self.label[bv as usize] != FREE {
                    j += jstep;
                    continue;
                }
                // A free sub-blossom joined to a growing tree by a tight edge becomes T
                // through it; otherwise its edges to S-vertices are watched again.
                let mut sub = Vec::new();
                self.leaves(bv, &mut sub);
                let mut entry_edge = None;
                'leaves: for &v in &sub {
                    for i in self.neighbours(v) {
                        let q = self.adj[i];
                        let y = self.ends[q as usize];
                        let by = self.in_blossom[y as usize];
                        if by != bv && self.label[by as usize] == S && self.slack(q / 2) <= 0 {
                            entry_edge = Some((v, q));
                            break 'leaves;
                        }
                    }
                }
                match entry_edge {
                    Some((v, q)) => {
                        self.allow_edge(q / 2);
                        self.assign_label(v, T, q);
                    }
                    None => {
                        for &v in &sub {
                            self.refresh_free(v);
                        }
                    }
                }
                j += jstep;
            }
        }
        self.retire_blossom(b);
    }

    /// End-of-stage expansion of `b` and, depth first, of every child blossom with a zero
    /// dual, in the order a recursive walk would take (so blossom ids are reused the same
    /// way). Each frame is a blossom and the index of its next child.
    fn expand_nested_zero(&mut self, b: u32) {
        let mut stack: Vec<(u32, usize)> = vec![(b, 0)];
        while let Some(&mut (x, ref mut i)) = stack.last_mut() {
            let xu = x as usize;
            let Some(&s) = self.childs[xu].get(*i) else {
                stack.pop();
                self.retire_blossom(x);
                continue;
            };
            *i += 1;
            let su = s as usize;
            self.parent[su] = NONE;
            if su < self.n {
                self.in_blossom[su] = s;
            } else if self.dual[su] == 0 {
                stack.push((s, 0));
            } else {
                let mut sub = std::mem::take(&mut self.scratch);
                self.leaves(s, &mut sub);
                for &y in &sub {
                    self.in_blossom[y as usize] = s;
                }
                self.scratch = sub;
            }
        }
    }

    /// Frees blossom `b`'s slot once its children stand on their own.
    fn retire_blossom(&mut self, b: u32) {
        let bu = b as usize;
        self.label[bu] = FREE;
        self.label_end[bu] = NONE;
        self.childs[bu] = Vec::new();
        self.endps[bu] = Vec::new();
        self.base[bu] = NONE;
        self.dual[bu] = 0;
        self.unused.push(b);
    }

    /// Swaps matched and unmatched edges inside blossom `b` so that vertex `v` becomes its base.
    /// Each sub-blossom on the way is re-based the same way; those sub-tasks touch disjoint
    /// parts of the blossom tree and never read the mates, so a work list replaces recursion
    /// (nesting can be as deep as the graph is large) without changing the result.
    fn augment_blossom(&mut self, b: u32, v: u32) {
        let mut work = std::mem::take(&mut self.rebase);
        work.clear();
        work.push((b, v));
        while let Some((b, v)) = work.pop() {
            let bu = b as usize;
            let mut t = v;
            while self.parent[t as usize] != b {
                t = self.parent[t as usize];
            }
            if t as usize >= self.n {
                work.push((t, v));
            }
            let len = self.childs[bu].len() as isize;
            let i = self.childs[bu].iter().position(|&c| c == t).unwrap_or(0);
            let (mut j, jstep, endptrick) = walk_to_base(i, self.childs[bu].len());
            let at = |j: isize| -> usize { j.rem_euclid(len) as usize };
            while j != 0 {
                j += jstep;
                let t1 = self.childs[bu][at(j)];
                let p = self.endps[bu][at(j - endptrick as isize)] ^ endptrick;
                if t1 as usize >= self.n {
                    work.push((t1, self.ends[p as usize]));
                }
                j += jstep;
                let t2 = self.childs[bu][at(j)];
                if t2 as usize >= self.n {
                    work.push((t2, self.ends[(p ^ 1) as usize]));
                }
                self.mate[self.ends[p as usize] as usize] = p ^ 1;
                self.mate[self.ends[(p ^ 1) as usize] as usize] = p;
            }
            self.childs[bu].rotate_left(i);
            self.endps[bu].rotate_left(i);
            // The new base child is re-based on `v` by its own task (or is `v` itself).
            self.base[bu] = v;
        }
        self.rebase = work;
    }

    /// Flips the alternating path from vertex `s` (in an S-blossom, or in an unlabelled
    /// blossom with a single base) to its root; `s` gets mate endpoint `p` (`NONE` to leave `s`
    /// single, the "unmatch" step).
    fn flip_to_root(&mut self, s: u32, p: u32) {
        let mut s = s;
        let mut p = p;
        loop {
            let bs = self.in_blossom[s as usize];
            if bs as usize >= self.n {
                self.augment_blossom(bs, s);
            }
            self.mate[s as usize] = p;
            if self.label_end[bs as usize] == NONE {
                return;
            }
            let t = self.ends[self.label_end[bs as usize] as usize];
            let bt = self.in_blossom[t as usize];
            let le = self.label_end[bt as usize];
            s = self.ends[le as usize];
            let j = self.ends[(le ^ 1) as usize];
            if bt as usize >= self.n {
                self.augment_blossom(bt, j);
            }
            self.mate[j as usize] = le;
            p = le ^ 1;
        }
    }

    fn augment_matching(&mut self, k: u32) {
        let v = self.ends[2 * k as usize];
        let w = self.ends[2 * k as usize + 1];
        self.flip_to_root(v, 2 * k + 1);
        self.flip_to_root(w, 2 * k);
    }

    fn run(&mut self) {
        // Every free vertex with a positive dual roots a tree. When trees augment (or a tree
        // unmatches), only those trees are dissolved; the others keep growing, so a stage
        // normally runs until every root is matched or has a zero dual. Vertices freed by
        // unmatch steps have zero duals and never become roots.
        loop {
            self.stage_id = self.stage_id.wrapping_add(1);
            if self.stage_id == 0 {
                self.stamp.fill(0);
                self.stage_id = 1;
            }
            self.now = 0;
            self.queue.clear();
            // Time never passes the largest root dual: by then every root has reached zero.
            // So every event lies in [0, horizon], and when that range is small next to the
            // graph (small integer weights) the queues are arrays of buckets.
            let bucket_limit = (2 * (self.n + self.cost.len())).min(BUCKET_LIMIT as usize) as i64;
            let horizon = (0..self.n)
                .filter(|&r| self.mate[r] == NONE)
                .map(|r| self.dual[r])
                .max()
                .unwrap_or(0);
            for events in [
                &mut self.zero_vertex,
                &mut self.to_free,
                &mut self.between_s,
                &mut self.zero_blossom,
            ] {
                events.reset(horizon, bucket_limit);
            }
            self.live = 0;
            for r in 0..self.n {
                let b = self.in_blossom[r] as usize;
                if self.mate[r] == NONE && self.dual[r] > 0 && self.label[b] == FREE {
                    self.assign_label(r as u32, S, NONE);
                    self.live += 1;
                }
            }
            if self.live == 0 {
                break;
            }
            self.stage();
            for y in std::mem::take(&mut self.pending) {
                self.pending_mark[y as usize] = false;
            }
            for list in &mut self.members {
                list.clear();
            }
            let touched = std::mem::take(&mut self.touched);
            self.end_stage(&touched);
            for k in std::mem::take(&mut self.touched_edges) {
                self.allow[k as usize] = false;
            }
            self.touched = touched;
            self.touched.clear();
        }
    }

    /// Settles the duals of `list`, expands its zero-dual S-blossoms and clears its stage
    /// state (the caller clears the tight-edge marks it no longer trusts).
    fn end_stage(&mut self, list: &[u32]) {
        for &x in list {
            if (x as usize) < self.n {
                self.settle_vertex(x);
            } else {
                self.settle_blossom(x);
            }
        }
        for &b in list {
            let bu = b as usize;
            if bu >= self.n
                && self.parent[bu] == NONE
                && self.base[bu] != NONE
                && self.label[bu] == S
                && self.dual[bu] == 0
            {
                self.expand_blossom(b, true);
            }
        }
        for &x in list {
            let x = x as usize;
            self.label[x] = FREE;
            self.label_end[x] = NONE;
            self.stamp[x] = 0;
        }
    }

    fn top_of(&self, x: u32) -> u32 {
        if (x as usize) < self.n {
            return self.in_blossom[x as usize];
        }
        let mut t = x;
        while self.parent[t as usize] != NONE {
            t = self.parent[t as usize];
        }
        t
    }

    /// Removes the trees rooted at `roots` after they augmented: their vertices become
    /// unlabelled (keeping their current duals), and their edges to the remaining trees are
    /// watched again as edges to free vertices, so the other trees keep growing.
    fn dissolve(&mut self, roots: &[u32]) {
        let mut dead = Vec::new();
        for &r in roots {
            for x in std::mem::take(&mut self.members[r as usize]) {
                let top = self.top_of(x) as usize;
                if self.label[top] != FREE
                    && roots.contains(&self.tree[top])
                    && !self.marked[x as usize]
                {
                    self.marked[x as usize] = true;
                    dead.push(x);
                }
            }
        }
        for &x in &dead {
            self.marked[x as usize] = false;
        }
        // Their tight edges may stop being tight now that one end no longer moves.
        for &x in &dead {
            if (x as usize) < self.n {
                for i in self.neighbours(x) {
                    self.allow[(self.adj[i] / 2) as usize] = false;
                }
            }
        }
        self.end_stage(&dead);
        // Recomputing best edges waits until time is about to move: several trees often
        // dissolve at the same moment and share neighbours.
        for y in dead.iter().copied().filter(|&x| (x as usize) < self.n) {
            if !self.pending_mark[y as usize] {
                self.pending_mark[y as usize] = true;
                self.pending.push(y);
            }
        }
        self.live = self.live.saturating_sub(roots.len());
    }

    /// Handles edge `p` (remote endpoint) from S-vertex `v`; true when it augmented.
    fn scan_edge(&mut self, v: u32, p: u32) -> bool {
        let k = p / 2;
        let w = self.ends[p as usize];
        let bv = self.in_blossom[v as usize];
        let bw = self.in_blossom[w as usize];
        if bv == bw {
            return false;
        }
        if !self.allow[k as usize] {
            if self.slack(k) > 0 {
                self.watch_edge(v, w, k);
                return false;
            }
            self.allow_edge(k);
        }
        match self.label[bw as usize] {
            FREE => {
                if self.mate[self.base[bw as usize] as usize] == NONE {
                    // A single free vertex (dual zero) ends an augmenting path.
                    let t = self.tree[bv as usize];
                    self.flip_to_root(v, p);
                    self.flip_to_root(w, p ^ 1);
                    self.dissolve(&[t]);
                    return true;
                }
                self.assign_label(w, T, p ^ 1);
            }
            S => {
                let base = self.scan_blossom(v, w);
                if base != NONE {
                    self.add_blossom(base, k);
                } else {
                    let trees = [self.tree[bv as usize], self.tree[bw as usize]];
                    self.augment_matching(k);
                    self.dissolve(&trees);
                    return true;
                }
            }
            // An edge into a T-blossom stays tight while both trees grow; if the blossom is
            // expanded, its parts are rescanned for such edges.
            _ => {}
        }
        false
    }

    /// The earliest valid event in `heap`, dropping stale entries.
    fn peek_valid(&mut self, which: u8) -> Option<(i64, u32)> {
        loop {
            let events = match which {
                1 => &mut self.zero_vertex,
                2 => &mut self.to_free,
                3 => &mut self.between_s,
                _ => &mut self.zero_blossom,
            };
            let (time, id) = events.peek()?;
            let key = if which == 3 { 2 * time } else { time };
            let valid = match which {
                1 => {
                    self.label[self.in_blossom[id as usize] as usize] == S && self.s_key(id) == key
                }
                2 => {
                    let (a, c) = (self.ends[2 * id as usize], self.ends[2 * id as usize + 1]);
                    let (la, lc) = (
                        self.label[self.in_blossom[a as usize] as usize],
                        self.label[self.in_blossom[c as usize] as usize],
                    );
                    let k = self.cost[id as usize];
                    match (la, lc) {
                        (S, FREE) => self.s_key(a) + self.dual[c as usize] - k == key,
                        (FREE, S) => self.s_key(c) + self.dual[a as usize] - k == key,
                        _ => false,
                    }
                }
                3 => {
                    let (a, c) = (self.ends[2 * id as usize], self.ends[2 * id as usize + 1]);
                    let (ta, tc) = (self.in_blossom[a as usize], self.in_blossom[c as usize]);
                    ta != tc
                        && self.label[ta as usize] == S
                        && self.label[tc as usize] == S
                        && self.s_key(a) + self.s_key(c) - self.cost[id as usize] == key
                }
                _ => {
                    let bu = id as usize;
                    self.base[bu] != NONE
                        && self.parent[bu] == NONE
                        && self.label[bu] == T
                        && self.dual[bu] + self.since[bu] == key
                }
            };
            if valid {
                return Some((time, id));
            }
            match which {
                1 => self.zero_vertex.pop(),
                2 => self.to_free.pop(),
                3 => self.between_s.pop(),
                _ => self.zero_blossom.pop(),
            };
        }
    }

    /// One stage: grow all trees, adjusting duals in O(log n) per step through the event
    /// queues, until no tree is left.
    fn stage(&mut self) {
        loop {
            while let Some(v) = self.queue.pop() {
                if self.label[self.in_blossom[v as usize] as usize] != S {
                    // Its tree was dissolved after an augmentation.
                    continue;
                }
                // While v stays S its zero time is constant, so most edges (not tight) are
                // settled here with a few loads; tight ones take the full path.
                let kv = self.s_key(v);
                for i in self.neighbours(v) {
                    let p = self.adj[i];
                    let k = p / 2;
                    if !self.allow[k as usize] {
                        let w = self.ends[p as usize];
                        let bw = self.in_blossom[w as usize];
                        if bw == self.in_blossom[v as usize] {
                            continue;
                        }
                        let wu = w as usize;
                        let cost = self.cost[k as usize];
                        match self.label[bw as usize] {
                            FREE => {
                                let key = kv + self.dual[wu] - cost;
                                if key > self.now {
                                    self.to_free.push(key, k);
                                    continue;
                                }
                            }
                            S => {
                                let key = kv + self.dual[wu] + self.since[wu] - cost;
                                if key > 2 * self.now {
                                    debug_assert!(key % 2 == 0, "S-S slacks are even");
                                    self.between_s.push(key / 2, k);
                                    continue;
                                }
                            }
                            _ => {
                                let dw = self.dual[wu] + (self.now - self.since[wu]);
                                if kv - self.now + dw - cost > 0 {
                                    continue;
                                }
                            }
                        }
                    }
                    if self.scan_edge(v, p) {
                        break;
                    }
                    if self.label[self.in_blossom[v as usize] as usize] != S {
                        break;
                    }
                }
            }
            if self.live == 0 {
                return;
            }
            for y in std::mem::take(&mut self.pending) {
                self.pending_mark[y as usize] = false;
                if self.label[self.in_blossom[y as usize] as usize] == FREE {
                    self.refresh_free(y);
                }
            }
            // The next event: the earliest stage time among the four queues (S-S keys are
            // twice a time); ties go to the lower kind, as in the textbook order.
            let mut best: Option<(i64, u8, u32)> = None;
            for which in 1..=4u8 {
                if let Some((time, id)) = self.peek_valid(which)
                    && best.is_none_or(|(t, _, _)| time < t)
                {
                    best = Some((time, which, id));
                }
            }
            let Some((time, kind, what)) = best else {
                debug_assert!(false, "a live tree always has an S-vertex");
                return;
            };
            debug_assert!(time >= self.now, "events never lie in the past");
            self.now = time.max(self.now);
            match kind {
                1 => {
                    self.zero_vertex.pop();
                    // Leave `what` single with a zero dual and match its root instead.
                    let t = self.tree[self.in_blossom[what as usize] as usize];
                    self.flip_to_root(what, NONE);
                    self.dissolve(&[t]);
                    if self.live == 0 {
                        return;
                    }
                }
                2 | 3 => {
                    if kind == 2 {
                        self.to_free.pop();
                    } else {
                        self.between_s.pop();
                    }
                    let a = self.ends[2 * what as usize];
                    let (v, p) = if self.label[self.in_blossom[a as usize] as usize] == S {
                        (a, 2 * what + 1)
                    } else {
                        (self.ends[2 * what as usize + 1], 2 * what)
                    };
                    self.scan_edge(v, p);
                }
                _ => {
                    self.zero_blossom.pop();
                    self.expand_blossom(what, false);
                }
            }
        }
    }

    fn into_solution(self) -> RawSolution {
        let n = self.n;
        let mate = self
            .mate
            .iter()
            .map(|&p| {
                if p == NONE {
                    None
                } else {
                    Some(self.ends[p as usize])
                }
            })
            .collect();
        let mut blossoms = Vec::new();
        let mut index = vec![usize::MAX; 2 * n];
        // Parents before children: walk from each top blossom downwards.
        let mut order = Vec::new();
        for b in n..2 * n {
            if self.base[b] != NONE && self.parent[b] == NONE {
                order.push(b as u32);
            }
        }
        let mut at = 0;
        while at < order.len() {
            let b = order[at];
            at += 1;
            for &c in &self.childs[b as usize] {
                if c as usize >= n {
                    order.push(c);
                }
            }
        }
        for &b in &order {
            // Only the vertices directly inside: the rest are in child blossoms, which list
            // their own, so the certificate stays linear in the graph however deep the nesting.
            let mut vertices: Vec<u32> = self.childs[b as usize]
                .iter()
                .copied()
                .filter(|&c| (c as usize) < n)
                .collect();
            vertices.sort_unstable();
            let p = self.parent[b as usize];
            index[b as usize] = blossoms.len();
            blossoms.push(RawBlossom {
                parent: if p == NONE {
                    None
                } else {
                    Some(index[p as usize])
                },
                dual: 2 * self.dual[b as usize],
                own_vertices: vertices,
            });
        }
        RawSolution {
            mate,
            vertex_dual: self.dual[..n].to_vec(),
            blossoms,
        }
    }
}

/// How to walk a blossom's cycle from child `i` to the base child (index 0) along the
/// even-length side: from an odd index forwards, from an even one backwards. Returns the
/// start index (negative when walking forwards, so the walk ends at 0), the step, and which
/// end of each connecting edge faces the walk.
fn walk_to_base(i: usize, len: usize) -> (isize, isize, u32) {
    let j = i as isize;
    if j & 1 == 1 {
        (j - len as isize, 1, 0)
    } else {
        (j, -1, 1)
    }
}

/// A queue of events keyed by the stage time at which they happen. Time only moves forward
/// and never passes a known horizon. Events in a window of times are kept in an array of
/// buckets; later ones wait in a heap and move into the window when it empties. For the usual
/// small integer weights the window covers the whole horizon. A bit set over the buckets,
/// with one summary bit per 64-bit word at each level above, finds the next non-empty bucket
/// in a few word reads: with widely spread weights each window holds few events, and
/// scanning its empty buckets one by one made every step cost the window's width (issue 16).
/// Within a bucket the latest entry comes first, which is deterministic.
#[derive(Debug, Default)]
struct Events {
    /// The time of bucket 0.
    base: i64,
    /// No bucket entry lies before this index.
    at: usize,
    slots: Vec<Vec<u32>>,
    /// Which buckets are non-empty.
    occupied: LevelBits,
    /// Events at or after `base + slots.len()`, or pushed before `base`.
    far: BinaryHeap<Reverse<(i64, u32)>>,
    /// Events after this time can never happen and are dropped.
    horizon: i64,
    /// Whether the last `peek` answered from `far`.
    peeked_far: bool,
}

/// Largest bucket window ever used; a graph also caps it at twice its size, beyond which the
/// array would cost more memory than it saves time.
const BUCKET_LIMIT: i64 = 1 << 22;

impl Events {
    fn reset(&mut self, horizon: i64, limit: i64) {
        let len = (horizon.saturating_add(1)).clamp(1, limit.max(1)) as usize;
        if self.slots.len() != len {
            self.slots = vec![Vec::new(); len];
        } else {
            for slot in self.slots.iter_mut() {
                slot.clear();
            }
        }
        self.occupied.reset(len);
        self.base = 0;
        self.at = 0;
        self.far.clear();
        self.horizon = horizon;
        self.peeked_far = false;
    }

    #[inline]
    fn push(&mut self, time: i64, id: u32) {
        if time > self.horizon {
            return;
        }
        let offset = time - self.base;
        if (0..self.slots.len() as i64).contains(&offset) {
            let t = offset as usize;
            if self.slots[t].is_empty() {
                self.occupied.insert(t);
            }
            self.slots[t].push(id);
            self.at = self.at.min(t);
        } else {
            self.far.push(Reverse((time, id)));
        }
    }

    fn peek(&mut self) -> Option<(i64, u32)> {
        loop {
            let near = self.occupied.next(self.at).and_then(|i| {
                self.at = i;
                self.slots[i].last().map(|&id| (self.base + i as i64, id))
            });
            if near.is_none() {
                self.at = self.slots.len();
            }
            let far = self.far.peek().map(|r| r.0);
            match (near, far) {
                (Some(a), Some(b)) if b.0 < a.0 => {
                    self.peeked_far = true;
                    return Some(b);
                }
                (Some(a), _) => {
                    self.peeked_far = false;
                    return Some(a);
                }
                (None, None) => return None,
                (None, Some((time, _))) => {
                    // The window is empty: move it to the earliest waiting event.
                    self.base = time;
                    self.at = 0;
                    let end = self.base.saturating_add(self.slots.len() as i64);
                    while let Some(&Reverse((t, id))) = self.far.peek() {
                        if t >= end {
                            break;
                        }
                        self.far.pop();
                        let i = (t - self.base) as usize;
                        if self.slots[i].is_empty() {
                            self.occupied.insert(i);
                        }
                        self.slots[i].push(id);
                    }
                }
            }
        }
    }

    /// Removes the entry `peek` returned.
    fn pop(&mut self) {
        if self.peeked_far {
            self.far.pop();
        } else if let Some(slot) = self.slots.get_mut(self.at) {
            slot.pop();
            if slot.is_empty() {
                self.occupied.remove(self.at);
            }
        }
    }
}

/// A set of bucket indices as a hierarchy of bit sets: level 0 has a bit per bucket, and
/// each level above has a bit per non-zero 64-bit word of the level below, so finding the
/// next member reads at most two words per level (four levels for the largest window).
#[derive(Debug, Default)]
struct LevelBits {
    levels: Vec<Vec<u64>>,
}

impl LevelBits {
    fn reset(&mut self, len: usize) {
        let mut sizes = Vec::new();
        let mut words = len.div_ceil(64).max(1);
        loop {
            sizes.push(words);
            if words == 1 {
                break;
            }
            words = words.div_ceil(64);
        }
        if self.levels.len() == sizes.len()
            && self.levels.iter().zip(&sizes).all(|(l, &s)| l.len() == s)
        {
            for level in &mut self.levels {
                level.fill(0);
            }
        } else {
            self.levels = sizes.into_iter().map(|s| vec![0; s]).collect();
        }
    }

    #[inline]
    fn insert(&mut self, i: usize) {
        let mut i = i;
        for level in &mut self.levels {
            let word = &mut level[i >> 6];
            let was_empty = *word == 0;
            *word |= 1 << (i & 63);
            if !was_empty {
                return;
            }
            i >>= 6;
        }
    }

    #[inline]
    fn remove(&mut self, i: usize) {
        let mut i = i;
        for level in &mut self.levels {
            let word = &mut level[i >> 6];
            *word &= !(1 << (i & 63));
            if *word != 0 {
                return;
            }
            i >>= 6;
        }
    }

    /// The smallest member at or after `from`.
    fn next(&self, from: usize) -> Option<usize> {
        // Climb until some word holds a member at or after the position, then descend along
        // the lowest set bits.
        let mut level = 0;
        let mut i = from;
        loop {
            let words = self.levels.get(level)?;
            let w = i >> 6;
            let word = *words.get(w)?;
            let masked = word & (!0u64 << (i & 63));
            if masked != 0 {
                i = (w << 6) | masked.trailing_zeros() as usize;
                break;
            }
            i = w + 1;
            level += 1;
        }
        while level > 0 {
            level -= 1;
            i = (i << 6) | self.levels[level][i].trailing_zeros() as usize;
        }
        Some(i)
    }
}
