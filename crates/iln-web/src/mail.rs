//! Email delivery: the `Mailer` transports (SMTP, `.eml` files, in-memory for tests) and the
//! outbox worker that moves mail from the database's outbox table to a transport.
//!
//! Nothing in the web layer sends mail directly: handlers enqueue into the outbox (in the same
//! request that decided to send), and the worker delivers it, retrying with backoff. So a slow or
//! broken mail server never slows a page down or loses a message.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use iln_domain::clock::Clock;
use iln_store::{OutboxEmail, Store};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

/// A message ready to hand to a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
}

impl From<&OutboxEmail> for OutgoingEmail {
    fn from(email: &OutboxEmail) -> Self {
        Self {
            to: email.to.to_string(),
            subject: email.subject.clone(),
            text_body: email.text_body.clone(),
            html_body: email.html_body.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("bad address {address:?}: {reason}")]
    Address { address: String, reason: String },
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not configure the SMTP transport: {0}")]
    Config(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
    #[error("could not write the mail folder {dir}: {source}")]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// A boxed future, so `Mailer` can be used as a trait object (`Arc<dyn Mailer>`).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Something that delivers one message.
pub trait Mailer: Send + Sync + 'static {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a>;
}

/// Builds the MIME message: plain text always, with an HTML alternative when there is one.
///
/// Bodies are always quoted-printable: every reader (and our browser test) can decode it, long
/// link lines are wrapped safely, and a `=` in a link is always written `=3D`, so a decoder never
/// mistakes a token's characters for an escape.
pub fn build_message(from: &str, email: &OutgoingEmail) -> Result<Message, MailError> {
    let from: Mailbox =
        from.parse()
            .map_err(|e: lettre::address::AddressError| MailError::Address {
                address: from.to_owned(),
                reason: e.to_string(),
            })?;
    let to: Mailbox = email
        .to
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address {
            address: email.to.clone(),
            reason: e.to_string(),
        })?;
    let builder = Message::builder().from(from).to(to).subject(&email.subject);
    let message = match &email.html_body {
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .header(ContentTransferEncoding::QuotedPrintable)
                        .body(email.text_body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .header(ContentTransferEncoding::QuotedPrintable)
                        .body(html.clone()),
                ),
        ),
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(email.text_body.clone()),
    };
    message.map_err(|e| MailError::Build(e.to_string()))
}

/// Writes each message as an `.eml` file into a folder: the default transport, so a fresh
/// install works without a mail server and the operator can open the files.
pub struct FileMailer {
    from: String,
    dir: PathBuf,
    transport: AsyncFileTransport<Tokio1Executor>,
}

impl FileMailer {
    pub fn new(from: impl Into<String>, dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            from: from.into(),
            transport: AsyncFileTransport::new(&dir),
            dir,
        }
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let message = build_message(&self.from, email)?;
            // Created on each send, so deleting the folder while the server runs heals itself.
            tokio::fs::create_dir_all(&self.dir)
                .await
                .map_err(|source| MailError::Folder {
                    dir: self.dir.clone(),
                    source,
                })?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Delivery(e.to_string()))
        })
    }
}

/// Delivers through an SMTP server given by URL (`smtp://`, `smtps://`, with `?tls=required`
/// for STARTTLS), as lettre understands it.
pub struct SmtpMailer {
    from: String,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpMailer {
    pub fn new(from: impl Into<String>, url: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self {
            from: from.into(),
            transport,
        })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let message = build_message(&self.from, email)?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Delivery(e.to_string()))
        })
    }
}

/// Records messages instead of sending them, for tests. It can be told to fail the next few
/// deliveries, to exercise the worker's retries.
#[derive(Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<OutgoingEmail>>,
    failures_left: Mutex<u32>,
}

impl MemoryMailer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every message delivered so far, oldest first.
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The next `count` deliveries fail with a delivery error.
    pub fn fail_next(&self, count: u32) {
        *self
            .failures_left
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = count;
    }
}

impl Mailer for MemoryMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            {
                let mut left = self
                    .failures_left
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if *left > 0 {
                    *left -= 1;
                    return Err(MailError::Delivery("simulated failure".to_owned()));
                }
            }
            // Build the real message too, so a test catches what a real transport would refuse.
            build_message("ILN <noreply@example.org>", email)?;
            self.sent
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(email.clone());
            Ok(())
        })
    }
}

/// After this many failed attempts an email is given up and stays `failed` in the outbox.
pub const MAX_ATTEMPTS: i64 = 8;
/// How many emails one pass claims.
const BATCH: i64 = 20;
/// How long a claim protects an email from other workers: longer than one SMTP timeout.
const LEASE: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);
/// How often the worker looks at the outbox when nobody wakes it.
const POLL: Duration = Duration::from_secs(5);

/// The wait before the next attempt after `attempts` failures: 1, 2, 4, … minutes, at most 4 hours.
pub fn backoff(attempts: i64) -> jiff::SignedDuration {
    let exponent = u32::try_from(attempts.clamp(1, 9) - 1).unwrap_or(0);
    let minutes = 2_i64.pow(exponent).min(240);
    jiff::SignedDuration::from_mins(minutes)
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerPass {
    pub sent: usize,
    pub failed: usize,
}

/// Delivers due outbox emails. Several app servers may run one each: the store's claim with a
/// lease keeps them from sending the same email twice.
#[derive(Clone)]
pub struct OutboxWorker {
    store: Store,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

impl OutboxWorker {
    pub fn new(
        store: Store,
        mailer: Arc<dyn Mailer>,
        clock: Arc<dyn Clock>,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            mailer,
            clock,
            wake,
        }
    }

    /// Claims the due emails once and tries each; tests call this to drain the outbox.
    pub async fn run_once(&self) -> Result<WorkerPass, iln_store::StoreError> {
        let now = self.clock.now();
        let lease_until = now.saturating_add(LEASE).unwrap_or(now);
        let due = self.store.claim_due_emails(BATCH, now, lease_until).await?;
        let mut pass = WorkerPass::default();
        for email in due {
            match self.mailer.send(&OutgoingEmail::from(&email)).await {
                Ok(()) => {
                    self.store
                        .mark_email_sent(email.id, self.clock.now())
                        .await?;
                    pass.sent += 1;
                }
                Err(error) => {
                    // `attempts` counts this try too, whether or not the claim counted it.
                    let attempts = email.attempts.max(1);
                    let retry_at = (attempts < MAX_ATTEMPTS).then(|| {
                        let now = self.clock.now();
                        now.saturating_add(backoff(attempts)).unwrap_or(now)
                    });
                    tracing::warn!(email = %email.id, %error, attempts, "email delivery failed");
                    self.store
                        .mark_email_failed(email.id, &error.to_string(), retry_at)
                        .await?;
                    pass.failed += 1;
                }
            }
        }
        Ok(pass)
    }

    /// Runs until `shutdown` resolves: a pass whenever woken (a new email was enqueued) or every
    /// few seconds. A database error is logged and retried on the next pass.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            loop {
                match self.run_once().await {
                    // A full batch suggests more are waiting: go again at once.
                    Ok(pass) if pass.sent + pass.failed >= usize::try_from(BATCH).unwrap_or(1) => {}
                    Ok(_) => break,
                    Err(error) => {
                        tracing::error!(%error, "outbox worker could not read the outbox");
                        break;
                    }
                }
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
