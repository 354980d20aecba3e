//! `iln`, the one binary of the International Librarians' Network platform: the web server,
//! migrations, the demo network, account administration and the matching engine's CLI.
//!
//! Layout: `main.rs` parses the command line and reports errors; `config` builds the typed
//! configuration; `serve` and `admin` run those subcommands; `demo` loads the demo network and
//! `solve` is the matching engine on the command line.

/// `println!` that returns an error instead of panicking when standard output is closed
/// (`iln admin list-users | head -1`). Defined before the modules so they can use it.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        anyhow::Context::context(
            writeln!(std::io::stdout().lock(), $($arg)*),
            "could not write to standard output",
        )
    }};
}

mod admin;
mod config;
mod demo;
mod export_cmd;
mod import_cmd;
mod match_cmd;
mod rounds_cmd;
mod serve;
mod solve;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use iln_domain::clock::SystemClock;
use iln_store::Store;

use crate::config::{Config, Overrides};

/// The International Librarians' Network: peer mentoring for librarians across countries.
#[derive(Debug, Parser)]
#[command(name = "iln", version, propagate_version = true)]
struct Cli {
    /// The database: sqlite:PATH (created if missing) or postgres://USER@HOST/DB
    /// [default: sqlite:iln.db]
    #[arg(long, global = true, env = "ILN_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,

    /// A TOML configuration file [default: iln.toml, when it exists]
    #[arg(long, global = true, env = "ILN_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Database(DatabaseCommand),
    /// Match librarians from a CSV of applicants and print the partnerships
    Match(match_cmd::MatchArgs),
    /// Solve maximum-weight matching on a weighted edge list and print the pairs as JSON
    Solve(solve::SolveArgs),
}

/// The subcommands that use the configuration and the database.
#[derive(Debug, Subcommand)]
enum DatabaseCommand {
    /// Run the web platform (applies migrations first)
    Serve(serve::ServeArgs),
    /// Run the background jobs (email, rounds moving on by their dates) without the web
    /// server, beside `iln serve --no-worker` processes
    Worker(serve::WorkerArgs),
    /// Create or update the database schema, then exit
    Migrate,
    /// Load the demo network (700 people in about 60 countries) into an empty database
    Demo {
        /// The seed of the generator: the same seed always gives the same network
        #[arg(long, default_value_t = iln_demo::DEFAULT_SEED)]
        seed: u64,
    },
    /// Manage accounts from the command line
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// The rounds, for scripts: `iln rounds list [--json]`
    #[command(subcommand)]
    Rounds(rounds_cmd::RoundsCommand),
    /// Write a round's applications, participants or partnerships as CSV
    Export(export_cmd::ExportArgs),
    /// Import applications from a spreadsheet: `iln import applications FILE --round ID`
    #[command(subcommand)]
    Import(import_cmd::ImportCommand),
}

fn main() -> ExitCode {
    let Cli {
        database_url,
        config,
        command,
    } = Cli::parse();
    let command = match command {
        // `solve` and `match` read files and write results: they need no configuration,
        // database or runtime, and have their own exit codes (2 for input the user must fix).
        Command::Solve(args) => return solve_main(&args),
        Command::Match(args) => return match_main(&args),
        Command::Database(command) => command,
    };

    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            report(&format!("could not start the async runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(database_url, config, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A reader that went away (a closed pipe) needs no explanation.
            let broken_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if !broken_pipe {
                report(&one_line(&error));
            }
            // Input the user must fix (a file with problems) exits with 2, as `match` does.
            if error.downcast_ref::<import_cmd::InputError>().is_some() {
                return ExitCode::from(2);
            }
            ExitCode::FAILURE
        }
    }
}

fn solve_main(args: &solve::SolveArgs) -> ExitCode {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match solve::run(args, &mut stdin.lock(), &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error.to_string());
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
        }
    }
}

/// `iln match`, like `solve`, works on files alone; 2 means the input must be fixed.
fn match_main(args: &match_cmd::MatchArgs) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    match match_cmd::run(args, &mut stdout.lock(), &mut stderr.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error.to_string());
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
        }
    }
}

async fn run(
    database_url: Option<String>,
    config_file: Option<PathBuf>,
    command: DatabaseCommand,
) -> anyhow::Result<()> {
    let bind = match &command {
        DatabaseCommand::Serve(args) => args.bind.clone(),
        _ => None,
    };
    let config = Config::load(config_file.as_deref(), &Overrides { database_url, bind })?;
    match command {
        DatabaseCommand::Serve(args) => serve::run(&config, &args).await,
        DatabaseCommand::Worker(args) => serve::work(&config, &args).await,
        DatabaseCommand::Migrate => {
            let store = open(&config).await?;
            say!(
                "The database at {} ({}) is up to date.",
                store.location(),
                store.backend().as_str()
            )?;
            store.close().await;
            Ok(())
        }
        DatabaseCommand::Demo { seed } => {
            let store = open(&config).await?;
            let accounts = demo::load(&store, &SystemClock, seed).await?;
            say!(
                "Loaded the demo network (seed {seed}) into {}.",
                store.location()
            )?;
            say!("{}", accounts.to_string().trim_end())?;
            store.close().await;
            Ok(())
        }
        DatabaseCommand::Admin(command) => {
            let store = open(&config).await?;
            let app = admin::app(&config, store.clone());
            let result = admin::run(&app, command).await;
            store.close().await;
            result
        }
        DatabaseCommand::Export(args) => {
            let store = open(&config).await?;
            let app = admin::app(&config, store.clone());
            let stdout = std::io::stdout();
            let terminal = std::io::IsTerminal::is_terminal(&stdout);
            let result = export_cmd::run(&app, &args, &mut stdout.lock(), terminal).await;
            store.close().await;
            result
        }
        DatabaseCommand::Import(command) => {
            let store = open(&config).await?;
            let app = admin::app(&config, store.clone());
            let result = import_cmd::run(&app, command, &mut std::io::stdout().lock()).await;
            store.close().await;
            result
        }
        DatabaseCommand::Rounds(command) => {
            let store = open(&config).await?;
            let app = admin::app(&config, store.clone());
            let result = rounds_cmd::run(&app, command, &mut std::io::stdout().lock()).await;
            store.close().await;
            result
        }
    }
}

/// Opens the configured database and brings its schema up to date: every command that uses
/// the database goes through here, so none of them runs against an old schema.
pub(crate) async fn open(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database_url).await?;
    migrate(store).await
}

/// [`open`] for a command that will write all the time (`serve`): a database that refuses
/// writes stops it here, with one line, instead of failing every form later.
pub(crate) async fn open_for_writing(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database_url).await?;
    store
        .check_writable()
        .await
        .with_context(|| format!("cannot serve from the database at {}", store.location()))?;
    migrate(store).await
}

async fn migrate(store: Store) -> anyhow::Result<Store> {
    store
        .migrate()
        .await
        .with_context(|| format!("database at {}", store.location()))?;
    Ok(store)
}

/// Writes "error: …" to standard error; if even that fails there is no one left to tell.
fn report(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

/// The error and its causes on one line, "what we tried: why it failed". A cause whose text
/// the line already holds is left out: many error types repeat their source in their own
/// message, and printing it twice makes the line harder to read.
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Logs to stderr; `RUST_LOG` chooses what (default: our info messages, sqlx's warnings).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in files and CI logs.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}
