//! Email delivery: the `Mailer` transports (SMTP, `.eml` files, in-memory for tests) and the
//! handler of `email` jobs that hands each queued message to a transport.
//!
//! Nothing in the web layer sends mail directly: use-cases queue an email job (in the same
//! transaction as the action), and a job worker delivers it, retrying with backoff. So a slow
//! or broken mail server never slows a page down or loses a message.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use iln_app::jobs::{Handler, HandlerFuture, JobError};
use iln_store::{EmailPayload, Job, OutboxEmail};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A message ready to hand to a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// The Message-ID header, fixed when the email was queued so that every attempt carries
    /// the same one; None lets the transport make one up (only probes and tests send such).
    pub message_id: Option<String>,
}

impl From<&OutboxEmail> for OutgoingEmail {
    fn from(email: &OutboxEmail) -> Self {
        Self {
            to: email.to.to_string(),
            subject: email.subject.clone(),
            text_body: email.text_body.clone(),
            html_body: email.html_body.clone(),
            message_id: Some(email.message_id.clone()),
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
    /// Worth another try: a connection error, a timeout, an SMTP 4xx.
    #[error("delivery failed: {0}")]
    Delivery(String),
    /// The server refused the message for good (SMTP 5xx); its answer is kept.
    #[error("refused by the mail server: {0}")]
    Rejected(String),
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
    build_message_replying(from, None, email)
}

/// Whether `text` is an address a message can carry, such as `ILN <team@example.org>`.
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<Mailbox>().is_ok()
}

/// [`build_message`] with replies going to `reply_to` when given.
pub fn build_message_replying(
    from: &str,
    reply_to: Option<&str>,
    email: &OutgoingEmail,
) -> Result<Message, MailError> {
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
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(&email.subject)
        .message_id(email.message_id.clone());
    if let Some(reply_to) = reply_to {
        let reply_to: Mailbox = reply_to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Address {
                address: reply_to.to_owned(),
                reason: e.to_string(),
            })?;
        builder = builder.reply_to(reply_to);
    }
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
    reply_to: Option<String>,
    dir: PathBuf,
    transport: AsyncFileTransport<Tokio1Executor>,
}

impl FileMailer {
    pub fn new(from: impl Into<String>, dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            from: from.into(),
            reply_to: None,
            transport: AsyncFileTransport::new(&dir),
            dir,
        }
    }

    /// Replies to every message go to `reply_to` (None: to the sender).
    pub fn with_reply_to(mut self, reply_to: Option<String>) -> Self {
        self.reply_to = reply_to;
        self
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let message = build_message_replying(&self.from, self.reply_to.as_deref(), email)?;
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

/// The most SMTP connections one process keeps open, shared by its worker slots.
pub const SMTP_CONNECTIONS: u32 = 32;

/// Delivers through an SMTP server given by URL (`smtp://`, `smtps://`, with `?tls=required`
/// for STARTTLS), as lettre understands it.
pub struct SmtpMailer {
    from: String,
    reply_to: Option<String>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpMailer {
    pub fn new(from: impl Into<String>, url: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            // Each message waits on the server's replies (and, since lettre writes the final
            // dot apart from the data, on its delayed acknowledgement), so throughput comes
            // from sending on several connections at once: enough for every worker slot.
            .pool_config(PoolConfig::new().max_size(SMTP_CONNECTIONS))
            .build();
        Ok(Self {
            from: from.into(),
            reply_to: None,
            transport,
        })
    }

    /// Replies to every message go to `reply_to` (None: to the sender).
    pub fn with_reply_to(mut self, reply_to: Option<String>) -> Self {
        self.reply_to = reply_to;
        self
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let message = build_message_replying(&self.from, self.reply_to.as_deref(), email)?;
            self.transport.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    MailError::Rejected(e.to_string())
                } else {
                    MailError::Delivery(e.to_string())
                }
            })
        })
    }
}

/// Records messages instead of sending them, for tests. It can be told to fail the next few
/// deliveries, to exercise the worker's retries.
#[derive(Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<OutgoingEmail>>,
    failures_left: Mutex<u32>,
    rejections_left: Mutex<u32>,
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

    /// The next `count` deliveries are refused for good, as an SMTP 550 would be.
    pub fn reject_next(&self, count: u32) {
        *self
            .rejections_left
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
            {
                let mut left = self
                    .rejections_left
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if *left > 0 {
                    *left -= 1;
                    return Err(MailError::Rejected(
                        "550 5.1.1 simulated: mailbox unavailable".to_owned(),
                    ));
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

/// The handler of `email` jobs: reads the payload and hands the message to the transport.
/// A refusal for good (an SMTP 5xx, an address the transport cannot use) fails the job at
/// once with the server's answer; anything else (4xx, a connection error, a timeout) is
/// retried with backoff.
pub struct EmailJobs {
    mailer: Arc<dyn Mailer>,
    /// The earliest moment the next message may go, when sending is rate-limited: shared by
    /// every job this handler runs, so N concurrent jobs still keep to the rate.
    pace: Option<(Duration, Mutex<tokio::time::Instant>)>,
}

impl EmailJobs {
    pub fn new(mailer: Arc<dyn Mailer>) -> Self {
        Self { mailer, pace: None }
    }

    /// At most `per_second` messages a second (0: no limit).
    pub fn per_second(mut self, per_second: u32) -> Self {
        self.pace = (per_second > 0).then(|| {
            (
                Duration::from_secs(1) / per_second,
                Mutex::new(tokio::time::Instant::now()),
            )
        });
        self
    }

    /// Waits for this message's slot.
    async fn wait_turn(&self) {
        let Some((gap, next)) = &self.pace else {
            return;
        };
        let slot = {
            let mut next = next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = tokio::time::Instant::now();
            let slot = (*next).max(now);
            *next = slot + *gap;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

impl Handler for EmailJobs {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let payload =
                EmailPayload::from_job(job).map_err(|e| JobError::Permanent(e.to_string()))?;
            let email = OutgoingEmail {
                to: payload.to,
                subject: payload.subject,
                text_body: payload.text_body,
                html_body: payload.html_body,
                message_id: Some(payload.message_id),
            };
            self.wait_turn().await;
            self.mailer.send(&email).await.map_err(|error| match error {
                MailError::Rejected(_) | MailError::Address { .. } | MailError::Build(_) => {
                    JobError::Permanent(error.to_string())
                }
                MailError::Config(_) | MailError::Delivery(_) | MailError::Folder { .. } => {
                    JobError::Temporary(error.to_string())
                }
            })
        })
    }
}
