//! `iln import applications FILE --round ID [--mapping MAPPING.toml] [--dry-run] [--no-invite]`:
//! a CSV or XLSX file of applications into a round, through the same use-case as the site's
//! import page, as the operator.
//!
//! The mapping file names the file's header for each of our fields and translates texts the
//! recogniser does not know; fields it leaves out are suggested from the headers:
//!
//! ```toml
//! keep_others_as_notes = true
//!
//! [columns]
//! name = "Your name"
//! career_stage = "How long have you worked in libraries?"
//!
//! [values.career_stage]
//! "Over 15 yrs" = "senior"
//!
//! [values.country]
//! "Brasil" = "BR"
//! ```
//!
//! `--dry-run` prints every problem with its line and writes nothing; it exits with 2 when
//! there are problems, as an import that is refused for them does.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use iln_app::import::{self, File, ImportError};
use iln_app::{Actor, App, AppError};
use iln_domain::import::{Field, Mapping, Preview};
use iln_store::RoundId;
use serde::Deserialize;

/// An error whose exit code is not 1: 2 means the input must be fixed.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub message: String,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Import applications from a CSV or XLSX file (a Google Forms export, say) into a round
    /// that is open or in review
    Applications(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV or XLSX file
    pub file: PathBuf,
    /// The round's id (see `iln rounds list`)
    #[arg(long)]
    pub round: i64,
    /// A TOML file of column names and value translations (see the README)
    #[arg(long, value_name = "MAPPING.toml")]
    pub mapping: Option<PathBuf>,
    /// Check the file and print its problems; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not email new people an invitation to choose a password
    #[arg(long)]
    pub no_invite: bool,
}

/// The mapping file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    keep_others_as_notes: Option<bool>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

fn field(name: &str) -> anyhow::Result<Field> {
    Field::parse(name).ok_or_else(|| {
        let known: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        anyhow!(
            "{name:?} is not one of our fields; the fields are {}",
            known.join(", ")
        )
    })
}

/// Reads a mapping file.
pub fn parse_mapping(text: &str) -> anyhow::Result<Mapping> {
    let file: MappingFile = toml::from_str(text).map_err(|e| anyhow!("{}", e.message()))?;
    let mut mapping = Mapping {
        keep_others_as_notes: file.keep_others_as_notes.unwrap_or(true),
        ..Mapping::default()
    };
    for (name, header) in file.columns {
        mapping.columns.insert(field(&name)?, header);
    }
    for (name, values) in file.values {
        let field = field(&name)?;
        if !field.is_choice() {
            bail!("[values.{name}]: {name} is free text, so it has no values to translate");
        }
        let entry = mapping.values.entry(field).or_default();
        for (text, value) in values {
            entry.insert(Mapping::value_key(&text), value.trim().to_owned());
        }
    }
    Ok(mapping)
}

fn report(preview: &Preview) -> String {
    let mut out = String::new();
    for (field, header) in &preview.missing_headers {
        let _ = writeln!(
            out,
            "the mapping names the column {header:?} for {}, and the file has no such column",
            field.as_str()
        );
    }
    for unknown in &preview.unknown {
        let lines: Vec<String> = unknown.lines.iter().take(10).map(u64::to_string).collect();
        let word = if unknown.lines.len() == 1 {
            "line"
        } else {
            "lines"
        };
        let more = if unknown.lines.len() > 10 {
            ", …"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{}: {:?} is not a value we know ({word} {}{more}); translate it under [values.{}]",
            unknown.field.as_str(),
            unknown.text,
            lines.join(", "),
            unknown.field.as_str()
        );
    }
    for row in preview.rows_with_problems() {
        for problem in &row.problems {
            // Unknown values were listed once above.
            if matches!(
                problem.kind,
                iln_domain::import::ProblemKind::Unknown { .. }
            ) {
                continue;
            }
            let field = problem.field.map_or("row", |f| f.as_str());
            let _ = writeln!(out, "line {}: {field}: {}", problem.line, problem.kind);
        }
    }
    out
}

fn input(message: String) -> anyhow::Error {
    InputError { message }.into()
}

pub async fn run(
    app: &App,
    command: ImportCommand,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let ImportCommand::Applications(args) = command;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("could not read {}", path.display()))?;
            Some(parse_mapping(&text).map_err(|e| input(format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let name = args
        .file
        .file_name()
        .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
    let file = File {
        name: &name,
        bytes: &bytes,
    };
    let round = RoundId(args.round);
    let explain = |error: ImportError| -> anyhow::Error {
        match error {
            ImportError::App(AppError::NotFound) => input(format!(
                "there is no round {} (see iln rounds list)",
                args.round
            )),
            ImportError::App(other) => other.into(),
            other => input(format!("{name}: {other}")),
        }
    };
    let preview = import::check_file(app, &Actor::Cli, round, file.clone(), mapping.as_ref())
        .await
        .map_err(explain)?;
    let problems = report(&preview);
    let wrong = preview.rows_with_problems().count();
    if args.dry_run {
        if wrong == 0 && preview.missing_headers.is_empty() {
            writeln!(
                out,
                "{name}: {} rows, no problems; nothing was written (--dry-run)",
                preview.rows.len()
            )?;
            return Ok(());
        }
        out.write_all(problems.as_bytes())?;
        return Err(input(format!(
            "{name}: {wrong} of {} rows have problems; nothing was written",
            preview.rows.len()
        )));
    }
    if wrong > 0 {
        out.write_all(problems.as_bytes())?;
        return Err(input(format!(
            "{name}: {wrong} of {} rows have problems; nothing was imported",
            preview.rows.len()
        )));
    }
    let imported =
        import::import_checked(app, &Actor::Cli, round, &file, &preview, !args.no_invite)
            .await
            .map_err(explain)?;
    writeln!(
        out,
        "Imported {} applications into round {} ({} new people, {} invited).",
        imported.applications, args.round, imported.new_people, imported.invited
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_file_reads_columns_and_translations() {
        let mapping = parse_mapping(
            "keep_others_as_notes = false\n[columns]\nname = \"Your name\"\n\
             [values.career_stage]\n\"Over 15 YRS\" = \"senior\"\n",
        )
        .expect("reads");
        assert_eq!(
            mapping.columns.get(&Field::Name).map(String::as_str),
            Some("Your name")
        );
        assert!(!mapping.keep_others_as_notes);
        assert_eq!(
            mapping.values[&Field::CareerStage]
                .get("over 15 yrs")
                .map(String::as_str),
            Some("senior")
        );
    }

    #[test]
    fn mistakes_in_a_mapping_file_are_named() {
        let error = parse_mapping("[columns]\nnmae = \"Name\"\n").expect_err("unknown field");
        assert!(
            error
                .to_string()
                .contains("\"nmae\" is not one of our fields"),
            "{error}"
        );
        let error = parse_mapping("[values.city]\nx = \"y\"\n").expect_err("free text");
        assert!(error.to_string().contains("city is free text"), "{error}");
        let error = parse_mapping("[colums]\n").expect_err("unknown table");
        assert!(error.to_string().contains("colums"), "{error}");
    }
}
