//! `iln export applications|participants|partnerships|surveys --round ID [--format csv|xlsx]
//! [--out FILE]`: a round's data as CSV (UTF-8, a header row of field names, cells a
//! spreadsheet would run made inert) or XLSX (typed cells, a frozen header row), through the
//! same use-case as the site, as the operator.

use std::path::PathBuf;

use anyhow::{Context, bail};
use iln_app::export::{self, Format, What};
use iln_app::{Actor, App};
use iln_store::RoundId;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// applications, participants, partnerships or surveys
    pub what: String,
    /// The round's id (see `iln rounds list`)
    #[arg(long)]
    pub round: i64,
    /// csv or xlsx
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Write to this file instead of standard output (needed for xlsx on a terminal)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs the export; `out` is standard output, and `out_is_terminal` says whether a person
/// is reading it, who would get a screenful of zip bytes from XLSX.
pub async fn run(
    app: &App,
    args: &ExportArgs,
    out: &mut dyn std::io::Write,
    out_is_terminal: bool,
) -> anyhow::Result<()> {
    let Some(what) = What::parse(&args.what) else {
        bail!(
            "{:?} cannot be exported: choose applications, participants, partnerships or surveys",
            args.what
        );
    };
    let Some(format) = Format::parse(&args.format) else {
        bail!("--format {:?}: choose csv or xlsx", args.format);
    };
    if format == Format::Xlsx && args.out.is_none() && out_is_terminal {
        bail!("an XLSX file is not for a terminal: add --out FILE, or redirect the output");
    }
    let table = export::table(app, &Actor::Cli, RoundId(args.round), what)
        .await
        .map_err(|e| match e {
            iln_app::AppError::NotFound => {
                anyhow::anyhow!("there is no round {} (see iln rounds list)", args.round)
            }
            other => other.into(),
        })?;
    let bytes =
        export::write(&table, format, what.as_str()).context("could not write the spreadsheet")?;
    match &args.out {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("could not write {}", path.display()))?,
        None => out
            .write_all(&bytes)
            .context("could not write to standard output")?,
    }
    Ok(())
}
