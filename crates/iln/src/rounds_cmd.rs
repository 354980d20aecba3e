//! `iln rounds list`: the rounds with their ids, names, states and dates, so a script can find
//! the round to import into or export from. Read as they stand now: a round whose dates have
//! passed shows the state those dates give it.

use iln_app::App;
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub enum RoundsCommand {
    /// List every round: id, name, state and dates
    List {
        /// One JSON array instead of a table
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Line {
    id: i64,
    name: String,
    state: &'static str,
    applications_open: String,
    applications_close: String,
    partnerships_start: String,
    partnerships_end: String,
}

pub async fn run(
    app: &App,
    command: RoundsCommand,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let RoundsCommand::List { json } = command;
    let lines: Vec<Line> = iln_app::rounds::rounds_now(app)
        .await?
        .into_iter()
        .map(|r| {
            let s = &r.round.settings;
            Line {
                id: r.id.0,
                name: s.name.to_string(),
                state: r.round.state.as_str(),
                applications_open: s.opens.to_string(),
                applications_close: s.closes.to_string(),
                partnerships_start: s.starts.to_string(),
                partnerships_end: s.ends.to_string(),
            }
        })
        .collect();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&lines)?)?;
        return Ok(());
    }
    if lines.is_empty() {
        writeln!(out, "No rounds yet.")?;
        return Ok(());
    }
    let width = lines
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:>4}  {:width$}  {:10}  partnerships",
        "id", "name", "state"
    )?;
    for l in &lines {
        writeln!(
            out,
            "{:>4}  {:width$}  {:10}  {} to {}",
            l.id, l.name, l.state, l.partnerships_start, l.partnerships_end
        )?;
    }
    Ok(())
}
