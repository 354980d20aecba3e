//! `iln solve`: the matching engine on the command line, reading a weighted edge list and
//! printing the optimal pairs as one JSON object (format in `iln_matching::edgelist`).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use iln_matching::edgelist::{self, JsonExtras, ParseError};
use iln_matching::{Mode, Options};

/// Solve maximum-weight matching on a weighted edge list (`u v w` per line).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SolveArgs {
    /// Pair as many people as possible first, then maximise the total weight
    #[arg(long, conflicts_with = "fairness")]
    pub max_cardinality: bool,
    /// Pair as many people as possible, then raise the lowest pair weight, then the total
    #[arg(long)]
    pub fairness: bool,
    /// Check the optimality certificate and report `"certified": true`
    #[arg(long)]
    pub certify: bool,
    /// Add parse, solve and verify times in seconds under `"timings"`
    #[arg(long)]
    pub timings: bool,
    /// The edge list; standard input when absent
    pub file: Option<PathBuf>,
}

/// Why `iln solve` failed.
#[derive(Debug)]
pub enum SolveError {
    /// A malformed line; the message names the line number.
    Parse(ParseError),
    Read {
        what: String,
        source: std::io::Error,
    },
    Write(std::io::Error),
    Solve(iln_matching::SolveError),
    Certificate(iln_matching::VerifyError),
}

impl std::fmt::Display for SolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SolveError::Parse(e) => write!(f, "{e}"),
            SolveError::Read { what, source } => write!(f, "could not read {what}: {source}"),
            SolveError::Write(e) => write!(f, "could not write the result: {e}"),
            SolveError::Solve(e) => write!(f, "{e}"),
            SolveError::Certificate(e) => {
                write!(f, "the result failed its optimality check: {e}")
            }
        }
    }
}

impl std::error::Error for SolveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SolveError::Parse(e) => Some(e),
            SolveError::Read { source, .. } => Some(source),
            SolveError::Write(e) => Some(e),
            SolveError::Solve(e) => Some(e),
            SolveError::Certificate(e) => Some(e),
        }
    }
}

impl From<ParseError> for SolveError {
    fn from(e: ParseError) -> Self {
        SolveError::Parse(e)
    }
}

impl From<iln_matching::SolveError> for SolveError {
    fn from(e: iln_matching::SolveError) -> Self {
        SolveError::Solve(e)
    }
}

impl From<iln_matching::VerifyError> for SolveError {
    fn from(e: iln_matching::VerifyError) -> Self {
        SolveError::Certificate(e)
    }
}

impl SolveError {
    /// The process exit code: 2 for input the user must fix, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            SolveError::Parse(_) | SolveError::Read { .. } | SolveError::Solve(_) => 2,
            SolveError::Write(_) | SolveError::Certificate(_) => 1,
        }
    }
}

/// Runs `iln solve`: reads `args.file` (or `input`), solves, and writes one JSON line to `out`.
pub fn run(args: &SolveArgs, input: &mut dyn Read, out: &mut dyn Write) -> Result<(), SolveError> {
    let started = Instant::now();
    let mut bytes = Vec::new();
    match &args.file {
        Some(path) => {
            bytes = std::fs::read(path).map_err(|source| SolveError::Read {
                what: path.display().to_string(),
                source,
            })?
        }
        None => {
            input
                .read_to_end(&mut bytes)
                .map_err(|source| SolveError::Read {
                    what: "standard input".to_string(),
                    source,
                })?;
        }
    }
    let text = String::from_utf8(bytes).map_err(|e| SolveError::Read {
        what: "the input".to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })?;
    let list = edgelist::parse(&text)?;
    // The text can be as large as the graph; free it before solving.
    drop(text);
    let parsed = Instant::now();
    let mode = if args.fairness {
        Mode::Fairness
    } else if args.max_cardinality {
        Mode::MaxCardinality
    } else {
        Mode::MaxWeight
    };
    let matching = iln_matching::solve(&list.graph, Options::new(mode))?;
    let solved = Instant::now();
    let mut extras = JsonExtras::default();
    if args.certify {
        iln_matching::verify(&list.graph, &matching)?;
        extras.certified = Some(true);
    }
    let verified = Instant::now();
    if args.timings {
        extras.timings = vec![
            ("parse", (parsed - started).as_secs_f64()),
            ("solve", (solved - parsed).as_secs_f64()),
            ("verify", (verified - solved).as_secs_f64()),
        ];
    }
    let json = edgelist::to_json(&list, &matching, &extras);
    writeln!(out, "{json}").map_err(SolveError::Write)
}
