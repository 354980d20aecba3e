//! `iln match`: the network's matching script without the web app. Reads applicants from a
//! CSV file, scores and matches them with the same domain code as the app, and writes one row
//! per partnership (or the whole proposal as JSON), with a summary on standard error.
//!
//! Input is checked completely before anything is written: a file with bad rows gives every
//! problem with its line number and no output at all.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use iln_domain::application::{Identity, find_duplicates, parse_languages};
use iln_domain::proposal::{
    self, Applicant, ColumnError, HeaderError, MatchMode, MatchRequest, PARTNERSHIP_COLUMNS,
    ProposalError,
};
use iln_domain::round::LeftoverPolicy;
use iln_domain::scoring::Weights;
use iln_web::words::Describe;

/// Match librarians from a CSV of applicants and print the partnerships.
#[derive(clap::Args, Debug, Clone)]
pub struct MatchArgs {
    /// The applicants: CSV with the header
    /// id,name,email,country,time_zone,sector,career_stage,interests,languages,match_preference,previous_partners
    #[arg(value_name = "APPLICANTS.CSV")]
    pub applicants: PathBuf,
    /// Write the partnerships to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the whole proposal as JSON instead of CSV rows
    #[arg(long)]
    pub json: bool,
    /// Pair as many people as possible first, then maximise the total score
    #[arg(long, conflicts_with = "fairness")]
    pub max_cardinality: bool,
    /// Pair as many people as possible, then raise the lowest pair score, then the total
    #[arg(long)]
    pub fairness: bool,
    /// Program languages (ISO 639-1 codes separated by ;): every pair must share one of
    /// them. By default any shared language will do
    #[arg(long, value_name = "CODES")]
    pub languages: Option<String>,
    /// The day partnerships start (YYYY-MM-DD, UTC); time zone offsets, with daylight saving,
    /// are taken on that day. A fixed default keeps the output the same from day to day
    #[arg(long, value_name = "DATE", default_value = proposal::DEFAULT_START_DATE)]
    pub start: String,
    /// Leave people without a partner unmatched instead of adding them to a pair as a trio
    #[arg(long)]
    pub no_trios: bool,
}

/// A problem with one line of the applicants file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub problems: Vec<String>,
}

/// Why `iln match` failed.
#[derive(Debug)]
pub enum MatchError {
    Read {
        what: String,
        source: std::io::Error,
    },
    /// The CSV itself could not be read (for example, invalid UTF-8 or a broken quote).
    Csv(csv::Error),
    /// An Excel workbook that could not be read, or was refused.
    Sheet(iln_sheet::SheetError),
    Header(HeaderError),
    /// Every bad row with its problems; nothing was written.
    Rows(Vec<BadRow>),
    /// A command-line option has a value we cannot use.
    Option(String),
    Proposal(ProposalError),
    Write {
        what: String,
        source: std::io::Error,
    },
}

impl std::fmt::Display for MatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatchError::Read { what, source } => write!(f, "could not read {what}: {source}"),
            MatchError::Csv(e) => write!(f, "could not read the applicants file: {e}"),
            MatchError::Sheet(e) => write!(f, "could not read the applicants file: {e}"),
            MatchError::Header(e) => write!(f, "line 1: {e}"),
            MatchError::Rows(rows) => {
                let count = rows.len();
                write!(
                    f,
                    "{count} bad {} in the applicants file; nothing was written",
                    if count == 1 { "row" } else { "rows" }
                )?;
                for row in rows {
                    for problem in &row.problems {
                        write!(f, "\nline {}: {problem}", row.line)?;
                    }
                }
                Ok(())
            }
            MatchError::Option(message) => write!(f, "{message}"),
            MatchError::Proposal(e) => write!(f, "{e}"),
            MatchError::Write { what, source } => write!(f, "could not write {what}: {source}"),
        }
    }
}

impl std::error::Error for MatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MatchError::Read { source, .. } | MatchError::Write { source, .. } => Some(source),
            MatchError::Csv(e) => Some(e),
            MatchError::Sheet(e) => Some(e),
            MatchError::Header(e) => Some(e),
            MatchError::Proposal(e) => Some(e),
            MatchError::Rows(_) | MatchError::Option(_) => None,
        }
    }
}

impl MatchError {
    /// The process exit code: 2 for input the user must fix, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            MatchError::Write { .. } => 1,
            _ => 2,
        }
    }
}

/// Runs `iln match`: reads the applicants, matches them, writes the partnerships to
/// `args.out` or `stdout`, and the summary (and any likely duplicates) to `stderr`.
pub fn run(
    args: &MatchArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), MatchError> {
    let bytes = std::fs::read(&args.applicants).map_err(|source| MatchError::Read {
        what: args.applicants.display().to_string(),
        source,
    })?;
    let (header, records) = records(&bytes, &args.applicants.display().to_string())?;
    let (mut applicants, duplicates) = read_applicants(&header, records)?;
    proposal::fill_history(&mut applicants);

    let program_languages = parse_languages(args.languages.as_deref().unwrap_or_default())
        .map_err(|e| MatchError::Option(format!("--languages: {e}")))?;
    let round_start = proposal::parse_start_date(&args.start).ok_or_else(|| {
        MatchError::Option(format!(
            "--start: {:?} is not a date such as 2027-03-01",
            args.start
        ))
    })?;
    let mode = if args.fairness {
        MatchMode::Fairness
    } else if args.max_cardinality {
        MatchMode::MaxParticipation
    } else {
        MatchMode::BestTotal
    };
    let request = MatchRequest {
        applicants,
        weights: Weights::default(),
        program_languages,
        round_start,
        leftover: if args.no_trios {
            LeftoverPolicy::NextRound
        } else {
            LeftoverPolicy::Trio
        },
        mode,
        locks: Vec::new(),
        forbidden: Vec::new(),
        priority: std::collections::BTreeSet::new(),
    };
    let result = proposal::run(&request).map_err(MatchError::Proposal)?;

    // The whole output is built in memory first, so a failure never leaves half a file.
    let output = if args.json {
        let mut text = serde_json::to_string_pretty(&result).map_err(|e| MatchError::Write {
            what: "the JSON output".to_owned(),
            source: std::io::Error::other(e),
        })?;
        text.push('\n');
        text.into_bytes()
    } else {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| MatchError::Write {
            what: "the CSV output".to_owned(),
            source: std::io::Error::other(e),
        };
        writer
            .write_record(PARTNERSHIP_COLUMNS)
            .map_err(csv_error)?;
        for row in result.rows() {
            writer.write_record(&row).map_err(csv_error)?;
        }
        writer.into_inner().map_err(|e| MatchError::Write {
            what: "the CSV output".to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?
    };
    match &args.out {
        Some(path) => std::fs::write(path, &output).map_err(|source| MatchError::Write {
            what: path.display().to_string(),
            source,
        })?,
        None => stdout
            .write_all(&output)
            .map_err(|source| MatchError::Write {
                what: "standard output".to_owned(),
                source,
            })?,
    }

    let mut summary = String::new();
    for warning in duplicates {
        summary.push_str(&format!("warning: {warning}\n"));
    }
    summary.push_str(&result.summary());
    stderr
        .write_all(summary.as_bytes())
        .map_err(|source| MatchError::Write {
            what: "standard error".to_owned(),
            source,
        })
}

/// One row of the applicants file: its line and its cells.
type Record = (u64, Vec<String>);

/// The header and the rows of the applicants file, each with its line: an Excel workbook
/// (told by its content) through iln-sheet, its lines the sheet's row numbers; anything else
/// as CSV, exactly as written, so a row of the wrong length can be reported.
fn records(bytes: &[u8], name: &str) -> Result<(Vec<String>, Vec<Record>), MatchError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let sheet = iln_sheet::read(bytes, name).map_err(MatchError::Sheet)?;
        let rows = sheet.rows.into_iter().map(|r| (r.line, r.cells)).collect();
        return Ok((sheet.header, rows));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(MatchError::Csv)?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(MatchError::Csv)?;
        let line = record.position().map_or(0, |p| p.line());
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok((header, rows))
}

/// Parses the whole file, collecting every bad row (with its line number) before failing.
/// Also returns a warning for every group of rows that look like the same person.
fn read_applicants(
    header: &[String],
    records: Vec<Record>,
) -> Result<(Vec<Applicant>, Vec<String>), MatchError> {
    let header_fields: Vec<&str> = header.iter().map(String::as_str).collect();
    let positions = proposal::column_positions(&header_fields).map_err(MatchError::Header)?;

    let mut applicants = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut identities = Vec::new();
    let mut lines = Vec::new();
    for (line, record) in records {
        // A blank line at the end of a file is not an applicant.
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            bad.push(BadRow {
                line,
                problems: vec![format!(
                    "has {} fields, but the header has {}",
                    record.len(),
                    header.len()
                )],
            });
            continue;
        }
        let values: [&str; 11] =
            std::array::from_fn(|n| record.get(positions[n]).map_or("", String::as_str));
        // A repeated id is reported even when either row has other problems.
        let id = values[0].trim();
        let repeated = match seen.get(id) {
            Some(first) if !id.is_empty() => {
                Some(format!("id: {id:?} is already used on line {first}"))
            }
            _ => {
                seen.insert(id.to_owned(), line);
                None
            }
        };
        match (proposal::parse_applicant(values), repeated) {
            (Ok(applicant), None) => {
                identities.push(Identity {
                    email: values[2].trim().to_lowercase(),
                    name: applicant.name.clone(),
                    // The file has no institution column, so only a shared email flags
                    // a likely duplicate here.
                    institution: String::new(),
                    country: applicant.profile.country,
                });
                lines.push(line);
                applicants.push(applicant);
            }
            (parsed, repeated) => {
                let mut problems: Vec<String> = repeated.into_iter().collect();
                if let Err(errors) = parsed {
                    problems.extend(errors.iter().map(ColumnError::to_string));
                }
                bad.push(BadRow { line, problems });
            }
        }
    }
    if bad.is_empty() {
        let warnings = find_duplicates(&identities)
            .into_iter()
            .map(|group| {
                let at: Vec<String> = group
                    .members
                    .iter()
                    .map(|&m| lines[m].to_string())
                    .collect();
                format!(
                    "lines {} look like the same person ({}); they are matched as different \
                     people, check them",
                    at.join(", "),
                    group.reason.describe()
                )
            })
            .collect();
        Ok((applicants, warnings))
    } else {
        Err(MatchError::Rows(bad))
    }
}
