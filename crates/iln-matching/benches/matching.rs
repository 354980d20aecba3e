//! The matching benchmark program behind `scripts/bench-matching`: generates synthetic rounds
//! as edge lists, and times our engine, rustworkx-core and mwmatching on them (LEMON runs
//! from its own C++ driver in `scripts/bench/`). Never a timed test: it prints numbers.
//!
//! Usage (through `cargo bench -p iln-matching --bench matching -- ...`):
//! - `gen N K SEED FILE [SCORES]`: a round of N people, each keeping their top-K candidates;
//!   SCORES is `features` (default: shared interests, sector, stage, time zone), `equal` (the
//!   same graph with every weight set to 600), `noise` (features plus a random 0-330 per
//!   pair) or `random` (a uniform random integer 1-600 per pair, ties broken at random)
//! - `onion D FILE`: a free vertex inside D nested odd cycles, every weight 600
//! - `gnm N M RANGE SEED FILE`: a random simple graph with N nodes and M edges, uniform
//!   integer weights 1..=RANGE
//! - `complete N RANGE SEED FILE`: the complete graph on N nodes, weights 1..=RANGE
//! - `solve ENGINE FILE [REPEAT]`: ENGINE is `ours`, `rustworkx` or `mwmatching`; prints
//!   `seconds weight cardinality cpu_seconds` for each repeat on one line each (CPU time of
//!   the solving thread, which stays meaningful when the machine is shared)
//! - `pricing N K SEED [MODE]`: times top-k, the solve on it, the whole pricing pass and the
//!   certificate checks over all pairs; MODE is `max_weight` (default), `max_cardinality` or
//!   `fairness`

use std::io::Write;
use std::time::Instant;

use iln_matching::candidates::{CandidateOptions, check_all_pairs, solve_all_pairs, top_k_graph};
use iln_matching::edgelist;
use iln_matching::{Mode, Options, solve, verify};

/// A synthetic round: about 60 countries of Zipf-like sizes, same-country pairs forbidden,
/// and integer scores from shared interests, sector, career stage and time zones.
struct Round {
    country: Vec<u8>,
    interests: Vec<u32>,
    sector: Vec<u8>,
    stage: Vec<u8>,
    tz: Vec<i8>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64: fast and good enough for synthetic data.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

impl Round {
    fn new(n: usize, seed: u64) -> Self {
        const COUNTRIES: usize = 60;
        let mut rng = Rng(seed);
        // Zipf weights 1/(rank+1) over 60 countries; a fixed time zone per country.
        let weights: Vec<f64> = (0..COUNTRIES).map(|r| 1.0 / (r as f64 + 1.0)).collect();
        let total: f64 = weights.iter().sum();
        let tz_of: Vec<i8> = (0..COUNTRIES).map(|_| rng.below(24) as i8 - 11).collect();
        let mut round = Round {
            country: Vec::with_capacity(n),
            interests: Vec::with_capacity(n),
            sector: Vec::with_capacity(n),
            stage: Vec::with_capacity(n),
            tz: Vec::with_capacity(n),
        };
        for _ in 0..n {
            let mut x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
            let mut c = 0;
            while c + 1 < COUNTRIES && x >= weights[c] {
                x -= weights[c];
                c += 1;
            }
            round.country.push(c as u8);
            // Three to six of 24 interest areas.
            let mut mask = 0u32;
            for _ in 0..3 + rng.below(4) {
                mask |= 1 << rng.below(24);
            }
            round.interests.push(mask);
            round.sector.push(rng.below(11) as u8);
            round.stage.push(rng.below(4) as u8);
            round.tz.push(tz_of[c]);
        }
        round
    }

    fn len(&self) -> usize {
        self.country.len()
    }

    fn score(&self, i: usize, j: usize) -> Option<i64> {
        if self.country[i] == self.country[j] {
            return None;
        }
        let shared = i64::from((self.interests[i] & self.interests[j]).count_ones());
        let sector = if self.sector[i] == self.sector[j] {
            8
        } else {
            0
        };
        let stage = match self.stage[i].abs_diff(self.stage[j]) {
            0 => 6,
            1 => 3,
            _ => 0,
        };
        let gap = i64::from(
            self.tz[i]
                .abs_diff(self.tz[j])
                .min(24 - self.tz[i].abs_diff(self.tz[j])),
        );
        let overlap = (8 - gap).max(0);
        Some(10 * shared + sector + stage + overlap)
    }
}

/// CPU time of this thread in seconds, from the kernel's scheduler statistics (so numbers
/// stay meaningful when the machine is shared); `None` where that file does not exist.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// CPU time of the whole process (all threads) in seconds, at clock-tick resolution.
fn process_cpu() -> f64 {
    let Ok(text) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = text.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> T {
    args.get(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fail(&format!("missing or bad {what}")))
}

fn main() {
    // `cargo bench` appends `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.first().map(String::as_str) {
        Some("gen") => generate(&args),
        Some("onion") => onion(&args),
        Some("gnm") => gnm(&args),
        Some("complete") => complete(&args),
        Some("solve") => run_solver(&args),
        Some("pricing") => pricing(&args),
        // `cargo bench` with no arguments: a quick smoke run so the bench target is useful.
        None => {
            let round = Round::new(2000, 1);
            let score = |i: usize, j: usize| round.score(i, j);
            let options = CandidateOptions {
                k: 16,
                ..CandidateOptions::default()
            };
            let g = top_k_graph(round.len(), &score, &options)
                .unwrap_or_else(|e| fail(&e.to_string()))
                .graph;
            let t = Instant::now();
            let m = solve(&g, Options::default()).unwrap_or_else(|e| fail(&e.to_string()));
            println!(
                "2000 people, k=16, {} edges: weight {} in {:.3} s",
                g.edge_count(),
                m.weight(),
                t.elapsed().as_secs_f64()
            );
        }
        Some(other) => fail(&format!("unknown command {other}")),
    }
}

/// A deterministic pseudo-random value for the unordered pair `(i, j)`: the same both ways,
/// independent across pairs.
fn pair_hash(seed: u64, i: usize, j: usize) -> u64 {
    let (a, b) = (i.min(j) as u64, i.max(j) as u64);
    let mut rng = Rng(seed ^ a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b.rotate_left(32));
    rng.next()
}

fn generate(args: &[String]) {
    let n: usize = arg(args, 1, "N");
    let k: usize = arg(args, 2, "K");
    let seed: u64 = arg(args, 3, "SEED");
    let path: String = arg(args, 4, "FILE");
    let scores = args.get(5).map_or("features", String::as_str);
    let round = Round::new(n, seed);
    let features = |i: usize, j: usize| round.score(i, j);
    // Random scores keep the countries (no pair within one) but nothing else; the low bits
    // of the hash break ties at random when ranking.
    let random = |i: usize, j: usize| {
        round
            .score(i, j)
            .map(|_| (pair_hash(seed, i, j) % 600) as i64 + 1)
    };
    let noise = |i: usize, j: usize| {
        round
            .score(i, j)
            .map(|s| s + (pair_hash(seed, i, j) % 331) as i64)
    };
    let options = CandidateOptions {
        k,
        max_k: k,
        ..CandidateOptions::default()
    };
    let g = match scores {
        "features" | "equal" => top_k_graph(n, &features, &options),
        "random" => top_k_graph(n, &random, &options),
        "noise" => top_k_graph(n, &noise, &options),
        other => fail(&format!("unknown scores {other}")),
    }
    .unwrap_or_else(|e| fail(&e.to_string()))
    .graph;
    let edges = g.edges().iter().map(|e| {
        let w = if scores == "equal" { 600 } else { e.weight };
        (e.u, e.v, w)
    });
    write_edges(
        &path,
        &format!("synthetic round: {n} people, top-{k} candidates, {scores} scores, seed {seed}"),
        edges,
    );
    eprintln!("{path}: {n} people, {} edges", g.edge_count());
}

/// Writes an edge list in the `iln solve` format with a comment line first.
fn write_edges(path: &str, comment: &str, edges: impl Iterator<Item = (usize, usize, i64)>) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| fail(&e.to_string()));
    let mut out = std::io::BufWriter::new(file);
    let mut write = |s: String| {
        out.write_all(s.as_bytes())
            .unwrap_or_else(|e| fail(&e.to_string()))
    };
    write(format!("# {comment}\n"));
    for (u, v, w) in edges {
        write(format!("{u} {v} {w}\n"));
    }
    out.flush().unwrap_or_else(|e| fail(&e.to_string()));
}

/// The onion of issue 16: vertex 0 inside D nested odd cycles; level i has vertices
/// a_i = 2i - 1 and b_i = 2i joined by an edge, a_1 and b_1 are joined to 0 and a_i, b_i to
/// a_(i-1), b_(i-1). Every weight is 600, so every blossom is tight and they nest D deep.
fn onion(args: &[String]) {
    let depth: usize = arg(args, 1, "D");
    let path: String = arg(args, 2, "FILE");
    let edges = (1..=depth).flat_map(|i| {
        let (a, b) = (2 * i - 1, 2 * i);
        let (pa, pb) = if i == 1 { (0, 0) } else { (a - 2, b - 2) };
        [(a, b, 600), (a, pa, 600), (b, pb, 600)]
    });
    write_edges(&path, &format!("onion of depth {depth}"), edges);
}

/// A uniform random weight in 1..=range.
fn weight_in(rng: &mut Rng, range: u64) -> i64 {
    (rng.below(range) + 1) as i64
}

fn gnm(args: &[String]) {
    let n: usize = arg(args, 1, "N");
    let m: usize = arg(args, 2, "M");
    let range: u64 = arg(args, 3, "RANGE");
    let seed: u64 = arg(args, 4, "SEED");
    let path: String = arg(args, 5, "FILE");
    let mut rng = Rng(seed);
    let mut seen = std::collections::HashSet::with_capacity(m);
    let mut edges = Vec::with_capacity(m);
    if n < 2 || m > n * (n - 1) / 2 {
        fail("too many edges for the nodes");
    }
    while edges.len() < m {
        let (u, v) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
        if u != v && seen.insert((u.min(v), u.max(v))) {
            edges.push((u, v, weight_in(&mut rng, range)));
        }
    }
    write_edges(
        &path,
        &format!("G(n, m): {n} nodes, {m} edges, weights 1..={range}, seed {seed}"),
        edges.into_iter(),
    );
}

fn complete(args: &[String]) {
    let n: usize = arg(args, 1, "N");
    let range: u64 = arg(args, 2, "RANGE");
    let seed: u64 = arg(args, 3, "SEED");
    let path: String = arg(args, 4, "FILE");
    let mut rng = Rng(seed);
    let mut edges = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for u in 0..n {
        for v in u + 1..n {
            edges.push((u, v, weight_in(&mut rng, range)));
        }
    }
    write_edges(
        &path,
        &format!("complete graph on {n} nodes, weights 1..={range}, seed {seed}"),
        edges.into_iter(),
    );
}

fn run_solver(args: &[String]) {
    let engine: String = arg(args, 1, "ENGINE");
    let path: String = arg(args, 2, "FILE");
    let repeat: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&e.to_string()));
    let list = edgelist::parse(&text).unwrap_or_else(|e| fail(&e.to_string()));
    drop(text);
    let g = list.graph;
    for _ in 0..repeat {
        let cpu_start = thread_cpu();
        let cpu_end;
        let (seconds, weight, cardinality) = match engine.as_str() {
            "ours" => {
                let t = Instant::now();
                let m = solve(&g, Options::default()).unwrap_or_else(|e| fail(&e.to_string()));
                let s = t.elapsed().as_secs_f64();
                cpu_end = thread_cpu();
                if verify(&g, &m).is_err() {
                    fail("our result failed its certificate check");
                }
                (s, m.weight(), m.cardinality())
            }
            "rustworkx" => {
                use rustworkx_core::petgraph::graph::UnGraph;
                let mut pg: UnGraph<(), i64> = UnGraph::new_undirected();
                let nodes: Vec<_> = (0..g.node_count()).map(|_| pg.add_node(())).collect();
                for e in g.edges() {
                    pg.add_edge(nodes[e.u], nodes[e.v], e.weight);
                }
                let t = Instant::now();
                let pairs = rustworkx_core::max_weight_matching::max_weight_matching(
                    &pg,
                    false,
                    |e: rustworkx_core::petgraph::graph::EdgeReference<'_, i64>| {
                        Ok::<i128, ()>(i128::from(*e.weight()))
                    },
                    false,
                )
                .unwrap_or_else(|_| fail("rustworkx failed"));
                let s = t.elapsed().as_secs_f64();
                cpu_end = thread_cpu();
                let w = pairs
                    .iter()
                    .map(|&(u, v)| g.weight(u, v).unwrap_or(0))
                    .sum::<i64>();
                (s, w, pairs.len())
            }
            "mwmatching" => {
                let edges: Vec<(usize, usize, i32)> = g
                    .edges()
                    .iter()
                    .map(|e| (e.u, e.v, i32::try_from(e.weight).unwrap_or(0)))
                    .collect();
                let t = Instant::now();
                let mate = mwmatching::Matching::new(edges).solve();
                let s = t.elapsed().as_secs_f64();
                cpu_end = thread_cpu();
                let mut w = 0i64;
                let mut c = 0usize;
                for (u, &v) in mate.iter().enumerate() {
                    if v != mwmatching::SENTINEL && u < v {
                        w += g.weight(u, v).unwrap_or(0);
                        c += 1;
                    }
                }
                (s, w, c)
            }
            other => fail(&format!("unknown engine {other}")),
        };
        let cpu = match (cpu_start, cpu_end) {
            (Some(a), Some(b)) => format!("{:.6}", b - a),
            _ => "-".to_string(),
        };
        println!("{seconds:.6} {weight} {cardinality} {cpu}");
    }
}

fn pricing(args: &[String]) {
    let n: usize = arg(args, 1, "N");
    let k: usize = arg(args, 2, "K");
    let seed: u64 = arg(args, 3, "SEED");
    let mode = match args.get(4).map(String::as_str) {
        None | Some("max_weight") => Mode::MaxWeight,
        Some("max_cardinality") => Mode::MaxCardinality,
        Some("fairness") => Mode::Fairness,
        Some(other) => fail(&format!("unknown mode {other}")),
    };
    let round = Round::new(n, seed);
    let score = |i: usize, j: usize| round.score(i, j);
    let options = CandidateOptions {
        k,
        max_k: 4 * k,
        add_per_person: 8,
        mode,
    };
    // Each phase: wall seconds and process CPU seconds (all threads).
    let phase = |f: &mut dyn FnMut()| {
        let (t, c) = (Instant::now(), process_cpu());
        f();
        (t.elapsed().as_secs_f64(), process_cpu() - c)
    };
    let mut g = None;
    let top_k = phase(&mut || {
        g = Some(
            top_k_graph(n, &score, &options)
                .unwrap_or_else(|e| fail(&e.to_string()))
                .graph,
        )
    });
    let g = g.unwrap_or_else(|| fail("no graph"));
    let mut plain = None;
    let plain_solve = phase(&mut || {
        plain = Some(solve(&g, Options::new(mode)).unwrap_or_else(|e| fail(&e.to_string())))
    });
    let mut priced = None;
    let whole = phase(&mut || {
        priced = Some(solve_all_pairs(n, &score, &options).unwrap_or_else(|e| fail(&e.to_string())))
    });
    let (plain, priced) = match (plain, priced) {
        (Some(a), Some(b)) => (a, b),
        _ => fail("no result"),
    };
    let certify = phase(&mut || {
        verify(&priced.graph, &priced.matching).unwrap_or_else(|e| fail(&e.to_string()));
        check_all_pairs(n, &score, &priced.matching).unwrap_or_else(|e| fail(&e.to_string()));
    });
    println!(
        "people {n} k {k} mode {mode:?} edges {} pricing_overhead_s {:.3} top_k_s {:.3} solve_s {:.3} \
         priced_total_s {:.3} certify_all_pairs_s {:.3} | cpu: pricing_overhead {:.2} top_k {:.2} \
         solve {:.2} priced_total {:.2} certify {:.2} | weight_topk {} weight_all_pairs {} \
         added_edges {} solves {} scans {}",
        g.edge_count(),
        whole.0 - top_k.0 - plain_solve.0,
        top_k.0,
        plain_solve.0,
        whole.0,
        certify.0,
        whole.1 - top_k.1 - plain_solve.1,
        top_k.1,
        plain_solve.1,
        whole.1,
        certify.1,
        plain.weight(),
        priced.matching.weight(),
        priced.stats.added_edges,
        priced.stats.solves,
        priced.stats.scans,
    );
}
