//! The plain-text weighted edge list (`u v w` per line) read by `iln solve`, and the JSON
//! object it prints.
//!
//! Format: one edge per line, `u v w` separated by spaces or tabs; `u` and `v` are
//! non-negative integer node ids (any values, not necessarily contiguous), `w` an integer
//! weight (zero and negative allowed, at most 2^40 in absolute value). Blank lines and lines
//! whose first non-blank character is `#` are ignored. A duplicate edge (in either direction)
//! is allowed and the heaviest weight counts. A self-loop (`u` equal to `v`) is an error,
//! because nobody can be paired with themselves and such a line is a sign of unclean data.

use crate::{Graph, MAX_WEIGHT, Matching};

/// A parsed edge list: the graph on dense node indices and the original id of each index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeList {
    pub graph: Graph,
    /// `ids[i]` is the id the input used for node `i`; ids are sorted ascending.
    pub ids: Vec<u64>,
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("expected three fields `u v w` but found {0}")]
    FieldCount(usize),
    #[error("node id `{0}` is not a non-negative integer")]
    BadNode(String),
    #[error("weight `{0}` is not an integer")]
    BadWeight(String),
    #[error("weight {0} is outside the supported range of plus or minus 2^40")]
    WeightOutOfRange(i64),
    #[error("node {0} is joined to itself (self-loops are not allowed)")]
    SelfLoop(u64),
}

/// A parse failure with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {error}")]
pub struct ParseError {
    pub line: usize,
    pub error: LineError,
}

/// Parses an edge list; see the module documentation for the format.
pub fn parse(text: &str) -> Result<EdgeList, ParseError> {
    let mut raw: Vec<(u64, u64, i64)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let fail = |error| ParseError {
            line: index + 1,
            error,
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed.split_ascii_whitespace().collect();
        if fields.len() != 3 {
            return Err(fail(LineError::FieldCount(fields.len())));
        }
        let node = |s: &str| s.parse::<u64>().map_err(|_| LineError::BadNode(shorten(s)));
        let u = node(fields[0]).map_err(fail)?;
        let v = node(fields[1]).map_err(fail)?;
        let w: i64 = fields[2]
            .parse()
            .map_err(|_| fail(LineError::BadWeight(shorten(fields[2]))))?;
        if !(-MAX_WEIGHT..=MAX_WEIGHT).contains(&w) {
            return Err(fail(LineError::WeightOutOfRange(w)));
        }
        if u == v {
            return Err(fail(LineError::SelfLoop(u)));
        }
        raw.push((u, v, w));
    }
    let mut ids: Vec<u64> = raw.iter().flat_map(|&(u, v, _)| [u, v]).collect();
    ids.sort_unstable();
    ids.dedup();
    let index = |id: u64| ids.binary_search(&id).unwrap_or(0);
    // Map to dense indices in place (same element size, so the allocation is reused): the
    // text of a large round is as big as its graph, and this keeps only one copy alive.
    let edges: Vec<crate::Edge> = raw
        .into_iter()
        .map(|(u, v, w)| crate::Edge {
            u: index(u),
            v: index(v),
            weight: w,
        })
        .collect();
    // Every line was checked above: no self-loops, weights in range, ids in `ids`.
    let graph = Graph::from_checked_edges(ids.len(), edges);
    Ok(EdgeList { graph, ids })
}

/// Keeps error messages short when a line holds something huge.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        let head: String = s.chars().take(40).collect();
        format!("{head}...")
    }
}

/// Extra fields for [`to_json`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonExtras {
    /// `Some(result of verify)` when the caller checked the certificate.
    pub certified: Option<bool>,
    /// Named durations in seconds, printed under `"timings"` when not empty.
    pub timings: Vec<(&'static str, f64)>,
}

/// The JSON object `iln solve` prints: `weight`, `cardinality`, `pairs` (original ids, each
/// pair ascending, pairs sorted), then `mode`, `nodes`, `edges`, `unmatched`, the fairness
/// `floor` when there is one, and the extras.
pub fn to_json(list: &EdgeList, matching: &Matching, extras: &JsonExtras) -> String {
    let mut pairs: Vec<(u64, u64)> = matching
        .pairs()
        .into_iter()
        .map(|(u, v)| {
            let (a, b) = (list.ids[u], list.ids[v]);
            (a.min(b), a.max(b))
        })
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(32 + pairs.len() * 16);
    out.push_str(&format!(
        "{{\"weight\": {}, \"cardinality\": {}, \"pairs\": [",
        matching.weight(),
        matching.cardinality()
    ));
    for (i, (a, b)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!("[{a}, {b}]"));
    }
    let mode = match matching.mode() {
        crate::Mode::MaxWeight => "max_weight",
        crate::Mode::MaxCardinality => "max_cardinality",
        crate::Mode::Fairness => "fairness",
    };
    out.push_str(&format!(
        "], \"mode\": \"{mode}\", \"nodes\": {}, \"edges\": {}, \"unmatched\": {}",
        list.ids.len(),
        list.graph.edge_count(),
        list.ids.len() - 2 * matching.cardinality()
    ));
    if let Some(floor) = matching.floor() {
        out.push_str(&format!(", \"floor\": {floor}"));
    }
    if let Some(certified) = extras.certified {
        out.push_str(&format!(", \"certified\": {certified}"));
    }
    if !extras.timings.is_empty() {
        out.push_str(", \"timings\": {");
        for (i, (name, secs)) in extras.timings.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            // Names are our own static identifiers, never input, so they need no escaping.
            out.push_str(&format!("\"{name}\": {secs:.6}"));
        }
        out.push('}');
    }
    out.push('}');
    out
}
