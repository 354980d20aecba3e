//! `iln export applications|participants|partnerships --round ID [--out FILE]`: a round's
//! data as CSV (UTF-8, a header row of field names, cells a spreadsheet would run made
//! inert), through the same use-case as the site, as the operator.

use std::path::PathBuf;

use anyhow::{Context, bail};
use iln_app::export::{self, What};
use iln_app::{Actor, App};
use iln_store::RoundId;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// applications, participants or partnerships
    pub what: String,
    /// The round's id (see `iln rounds list`)
    #[arg(long)]
    pub round: i64,
    /// The file format; CSV is the one there is
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Write to this file instead of standard output
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(app: &App, args: &ExportArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let Some(what) = What::parse(&args.what) else {
        bail!(
            "{:?} cannot be exported: choose applications, participants or partnerships",
            args.what
        );
    };
    if args.format != "csv" {
        bail!("--format {:?}: only csv is written", args.format);
    }
    let table = export::table(app, &Actor::Cli, RoundId(args.round), what)
        .await
        .map_err(|e| match e {
            iln_app::AppError::NotFound => {
                anyhow::anyhow!("there is no round {} (see iln rounds list)", args.round)
            }
            other => other.into(),
        })?;
    let text = export::csv(&table);
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("could not write {}", path.display()))?,
        None => out
            .write_all(text.as_bytes())
            .context("could not write to standard output")?,
    }
    Ok(())
}
