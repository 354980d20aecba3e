//! Email as jobs: every email is one job of kind [`EMAIL_JOB`] whose payload is the whole
//! message ([`EmailPayload`], versioned), written in the transaction of the action that causes
//! it. The old `outbox` table is gone; its rows were moved into `jobs` by a migration.
//!
//! Each message gets its Message-ID here, at enqueue, and keeps it through every retry: a
//! receiver that sees one message twice (a worker that died after the server accepted it)
//! can tell it is a repeat.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    DEFAULT_MAX_ATTEMPTS, EmailId, EmailStatus, Job, JobStatus, NewEmail, NewJob, OutboxEmail,
    Store, StoreError, Tx,
};
use crate::{bulk, codec};

/// The kind of the jobs that deliver one email each.
pub const EMAIL_JOB: &str = "email";
/// The shape of [`EmailPayload`] written today. Version 1 is what the outbox migration writes
/// too; a change to the payload gets a new number and the worker keeps reading the old ones.
pub const EMAIL_PAYLOAD_VERSION: i64 = 1;

/// An email job's payload: the message as it will be sent. Stored JSON is a contract: `v`
/// names its shape, and the fixtures in the store tests pin it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPayload {
    pub v: i64,
    /// The Message-ID header, angle brackets included, fixed at enqueue.
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
}

impl EmailPayload {
    /// Reads the payload of an email job, whatever version it was written in.
    pub fn from_job(job: &Job) -> Result<Self, StoreError> {
        match job.payload_version {
            1 => serde_json::from_str(&job.payload)
                .map_err(|e| StoreError::Corrupt(format!("email job {}: payload: {e}", job.id.0))),
            other => Err(StoreError::Corrupt(format!(
                "email job {}: payload version {other} is unknown",
                job.id.0
            ))),
        }
    }
}

/// A Message-ID nobody else has: 128 random bits. The domain part is fixed rather than the
/// host's name so that the same message keeps one id whichever worker sends it.
pub fn new_message_id() -> String {
    format!("<{:032x}@iln.mail>", rand::random::<u128>())
}

fn payload_of(email: &NewEmail) -> EmailPayload {
    EmailPayload {
        v: EMAIL_PAYLOAD_VERSION,
        message_id: new_message_id(),
        to: email.to.to_string(),
        subject: email.subject.clone(),
        text_body: email.text_body.clone(),
        html_body: email.html_body.clone(),
    }
}

impl Store {
    /// Queues an email, due at once, in its own transaction.
    pub async fn enqueue_email(
        &self,
        email: &NewEmail,
        now: Timestamp,
    ) -> Result<EmailId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.enqueue_email(email, now).await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl Tx {
    /// Queues an email job, due at once, as part of the action this transaction writes: it is
    /// sent exactly when the action commits. The id is the job's.
    pub async fn enqueue_email(
        &mut self,
        email: &NewEmail,
        now: Timestamp,
    ) -> Result<EmailId, StoreError> {
        let job = NewJob::new(EMAIL_JOB, EMAIL_PAYLOAD_VERSION, &payload_of(email), now)?;
        let id = self.enqueue_job(&job, now).await?;
        Ok(EmailId(id.0))
    }
}

impl Tx {
    /// Queues an email job due at `run_at` under an idempotency key: queueing it again (a
    /// release that runs twice, two workers racing) does nothing, so each recipient gets a
    /// mass mailing once. The id is the job's, the first one's when it was queued before.
    pub async fn enqueue_email_once(
        &mut self,
        email: &NewEmail,
        run_at: Timestamp,
        key: &str,
        now: Timestamp,
    ) -> Result<EmailId, StoreError> {
        let job =
            NewJob::new(EMAIL_JOB, EMAIL_PAYLOAD_VERSION, &payload_of(email), run_at)?.key(key);
        let id = self.enqueue_job(&job, now).await?;
        Ok(EmailId(id.0))
    }
}

/// The columns an email job fills (no idempotency key: every email is its own message).
const NEW_EMAIL_JOB_COLUMNS: &str = "kind, payload, payload_version, run_at, status, attempts, \
     max_attempts, created_at, updated_at";
const NEW_EMAIL_JOB_WIDTH: usize = 9;

impl Tx {
    /// Queues many email jobs, due at once, a few statements for thousands of them:
    /// publishing a round introduces every member in the transaction that creates the
    /// partnerships.
    pub async fn enqueue_emails(
        &mut self,
        emails: &[NewEmail],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let payloads = emails
            .iter()
            .map(|email| {
                serde_json::to_string(&payload_of(email))
                    .map_err(|e| StoreError::Corrupt(format!("an email payload: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for chunk in payloads.chunks(bulk::rows_per_statement(NEW_EMAIL_JOB_WIDTH)) {
            let sql = format!(
                "INSERT INTO jobs ({NEW_EMAIL_JOB_COLUMNS}) VALUES {}",
                bulk::values(chunk.len(), NEW_EMAIL_JOB_WIDTH)
            );
            let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
            for payload in chunk {
                statement = statement
                    .bind(EMAIL_JOB)
                    .bind(payload.as_str())
                    .bind(EMAIL_PAYLOAD_VERSION)
                    .bind(codec::ts(now))
                    .bind("pending")
                    .bind(0_i64)
                    .bind(DEFAULT_MAX_ATTEMPTS)
                    .bind(codec::ts(now))
                    .bind(codec::ts(now));
            }
            self.exec(statement).await?;
        }
        Ok(())
    }
}

fn email_from_job(job: &Job) -> Result<OutboxEmail, StoreError> {
    let payload = EmailPayload::from_job(job)?;
    let status = match job.status {
        JobStatus::Pending | JobStatus::Running => EmailStatus::Pending,
        JobStatus::Done => EmailStatus::Sent,
        JobStatus::Failed | JobStatus::Dead | JobStatus::Cancelled => EmailStatus::Failed,
    };
    Ok(OutboxEmail {
        id: EmailId(job.id.0),
        to: codec::email(&payload.to)?,
        message_id: payload.message_id,
        subject: payload.subject,
        text_body: payload.text_body,
        html_body: payload.html_body,
        status,
        attempts: job.attempts,
        last_error: job.last_error.clone(),
        created_at: job.created_at,
        sent_at: (job.status == JobStatus::Done)
            .then_some(job.finished_at)
            .flatten(),
    })
}

impl Store {
    /// A page of the email jobs read as messages, newest first: what tests and the command
    /// line look at to see what was sent to whom.
    pub async fn list_outbox(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OutboxEmail>, StoreError> {
        let jobs = self.list_jobs_of_kind(EMAIL_JOB, limit, offset).await?;
        jobs.iter().map(email_from_job).collect()
    }

    /// How many email jobs there are, in any status.
    pub async fn count_outbox(&self) -> Result<i64, StoreError> {
        self.count_jobs_of_kind(EMAIL_JOB).await
    }
}
