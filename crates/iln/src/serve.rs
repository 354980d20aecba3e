//! `iln serve`: migrate, optionally load the demo network, then run the web platform.

use std::sync::Arc;

use anyhow::Context;
use iln_demo::DEFAULT_SEED;
use iln_domain::account::Email;
use iln_domain::clock::{Clock, SystemClock};

use crate::config::Config;
use crate::demo::{self, DemoAccounts};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "ILN_BIND", value_name = "ADDR")]
    pub bind: Option<String>,

    /// Load the demo network first if the database has no accounts, and print the demo
    /// accounts and their passwords
    #[arg(long)]
    pub demo: bool,

    /// Serve the web pages only; run the background jobs (email, rounds moving on by their
    /// dates) with `iln worker` processes instead
    #[arg(long)]
    pub no_worker: bool,

    #[command(flatten)]
    pub worker: WorkerArgs,
}

/// How the job worker runs, for `iln serve` and `iln worker`.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerArgs {
    /// On Ctrl-C or SIGTERM, how many seconds running jobs may take to finish before they are
    /// given back to the queue for another worker
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub grace: u64,

    /// How many jobs the worker runs at once. Sending an email mostly waits on the mail
    /// server, so many slots send many at once (one SMTP connection each, up to 32)
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub slots: u16,
}

impl WorkerArgs {
    pub fn options(&self) -> iln_app::jobs::WorkerOptions {
        let mut options = iln_app::jobs::WorkerOptions::new();
        options.grace = std::time::Duration::from_secs(self.grace);
        options.concurrency = usize::from(self.slots);
        options
    }
}

pub async fn run(config: &Config, args: &ServeArgs) -> anyhow::Result<()> {
    let store = crate::open_for_writing(config).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);

    if args.demo {
        if store.is_empty().await? {
            let accounts = demo::load(&store, clock.as_ref(), DEFAULT_SEED).await?;
            say!("Loaded the demo network into {}.", store.location())?;
            say!("{}", accounts.to_string().trim_end())?;
        } else {
            let accounts = DemoAccounts::standard();
            if demo_already_loaded(&store, &accounts).await? {
                say!(
                    "The demo network is already in {} (passwords as first printed, unless \
                     changed since):",
                    store.location()
                )?;
                say!("{}", accounts.to_string().trim_end())?;
            } else {
                say!(
                    "The database at {} already has accounts, so the demo network was not loaded.",
                    store.location()
                )?;
            }
        }
    }

    if !args.demo && store.is_empty().await? {
        say!(
            "There are no accounts yet: create the first program coordinator with\n  \
             iln admin create-user --email YOU@EXAMPLE.ORG --role admin"
        )?;
    }

    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("could not listen on {}", config.bind))?;
    let address = listener
        .local_addr()
        .context("could not read the listening address")?;
    let web = config.web(address);
    check_mail(&web)?;
    // Listen for the stop signals before saying we are up: a SIGTERM sent right after the
    // banner must stop the server gracefully, not kill it the default way.
    let shutdown = shutdown_signal()?;
    if args.no_worker {
        say!("Background jobs are left to `iln worker` processes (--no-worker).")?;
    }
    if web.base_url == format!("http://{address}") {
        say!("ILN is listening on http://{address}")?;
    } else {
        say!(
            "ILN is listening on http://{address} (public address {})",
            web.base_url
        )?;
    }
    tracing::info!(%address, database = store.location(), backend = store.backend().as_str(), "serving");

    let options = iln_web::ServeOptions {
        run_worker: !args.no_worker,
        worker: args.worker.options(),
    };
    iln_web::serve_with(listener, web, store.clone(), clock, shutdown, options)
        .await
        .context("the web server failed")?;
    store.close().await;
    Ok(())
}

/// Refuses a mail configuration the web layer would refuse, before the banner says the server
/// is up: a bad sender address or SMTP URL is a start-up error, not a surprise at first mail.
fn check_mail(web: &iln_web::WebConfig) -> anyhow::Result<()> {
    iln_web::mailer_from_config(web).context("mail.smtp_url")?;
    let probe = iln_web::mail::OutgoingEmail {
        to: "check@example.org".to_owned(),
        subject: String::new(),
        text_body: String::new(),
        html_body: None,
        message_id: None,
    };
    iln_web::mail::build_message(&web.mail_from, &probe).context("mail.from")?;
    Ok(())
}

/// Whether the demo's admin account exists, meaning the demo was loaded into this database
/// earlier (by `iln demo` or a previous `serve --demo`).
async fn demo_already_loaded(
    store: &iln_store::Store,
    accounts: &DemoAccounts,
) -> anyhow::Result<bool> {
    for account in &accounts.accounts {
        let Ok(email) = Email::parse(&account.email) else {
            return Ok(false);
        };
        if store.user_by_email(&email).await?.is_none() {
            return Ok(false);
        }
    }
    Ok(!accounts.accounts.is_empty())
}

/// `iln worker`: runs the background jobs without the web server until Ctrl-C or SIGTERM.
pub async fn work(config: &Config, args: &WorkerArgs) -> anyhow::Result<()> {
    let store = crate::open_for_writing(config).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    // Links in the emails jobs write must name the site people use, as `serve` would: the
    // configured public address, else the address `serve` listens on.
    let bind: std::net::SocketAddr = config
        .bind
        .parse()
        .unwrap_or_else(|_| std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    let web = config.web(bind);
    check_mail(&web)?;
    let shutdown = shutdown_signal()?;
    say!(
        "ILN worker running the background jobs of {} (Ctrl-C to stop; running jobs get {} s)",
        store.location(),
        args.grace
    )?;
    tracing::info!(
        database = store.location(),
        backend = store.backend().as_str(),
        "worker"
    );
    iln_web::work_until(web, store.clone(), clock, shutdown, args.options())
        .await
        .context("the worker failed")?;
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM (what service managers and containers send). The
/// handlers are installed when this is called, not when the future is first polled.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("could not listen for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("could not listen for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down");
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
