//! The email outbox: emails are written here in the same request that causes them, and a
//! worker delivers them, retrying with leases so several servers can share the work.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Backend, EmailId, EmailStatus, NewEmail, OutboxEmail, Store, StoreError, Tx};
use crate::{bulk, codec};

const OUTBOX_COLUMNS: &str = "id, to_address, subject, text_body, html_body, status, attempts, \
     last_error, created_at, sent_at";

/// An email a worker may take at `$2` (now): pending, due, and not leased by anyone.
const CLAIMABLE: &str =
    "status = 'pending' AND due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)";
const CLAIMABLE_QUALIFIED: &str = "outbox.status = 'pending' AND outbox.due_at <= $2 \
     AND (outbox.lease_until IS NULL OR outbox.lease_until <= $2)";
const OUTBOX_COLUMNS_QUALIFIED: &str = "outbox.id, outbox.to_address, outbox.subject, \
     outbox.text_body, outbox.html_body, outbox.status, outbox.attempts, outbox.last_error, \
     outbox.created_at, outbox.sent_at";

fn email_from_row(row: &AnyRow) -> Result<OutboxEmail, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(OutboxEmail {
        id: EmailId(row.try_get("id")?),
        to: codec::email(&row.try_get::<String, _>("to_address")?)?,
        subject: row.try_get("subject")?,
        text_body: row.try_get("text_body")?,
        html_body: row.try_get("html_body")?,
        status: EmailStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("email status {status:?}")))?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        sent_at: codec::from_opt_ts(row.try_get("sent_at")?)?,
    })
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
    /// Queues an email, due at once, as part of the action this transaction writes: it is
    /// sent exactly when the action commits.
    pub async fn enqueue_email(
        &mut self,
        email: &NewEmail,
        now: Timestamp,
    ) -> Result<EmailId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO outbox (to_address, subject, text_body, html_body, status, \
                     attempts, created_at, due_at) \
                     VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) RETURNING id",
                )
                .bind(email.to.as_str())
                .bind(email.subject.as_str())
                .bind(email.text_body.as_str())
                .bind(email.html_body.as_deref())
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(EmailId(id))
    }
}

/// The columns an email to queue fills.
const NEW_EMAIL_COLUMNS: &str =
    "to_address, subject, text_body, html_body, status, attempts, created_at, due_at";
const NEW_EMAIL_WIDTH: usize = 8;

impl Tx {
    /// Queues many emails, due at once, a few statements for thousands of them: publishing
    /// a round introduces every member in the transaction that creates the partnerships.
    pub async fn enqueue_emails(
        &mut self,
        emails: &[NewEmail],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        for chunk in emails.chunks(bulk::rows_per_statement(NEW_EMAIL_WIDTH)) {
            let sql = format!(
                "INSERT INTO outbox ({NEW_EMAIL_COLUMNS}) VALUES {}",
                bulk::values(chunk.len(), NEW_EMAIL_WIDTH)
            );
            let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
            for email in chunk {
                statement = statement
                    .bind(email.to.as_str())
                    .bind(email.subject.as_str())
                    .bind(email.text_body.as_str())
                    .bind(email.html_body.as_deref())
                    .bind("pending")
                    .bind(0_i64)
                    .bind(codec::ts(now))
                    .bind(codec::ts(now));
            }
            self.exec(statement).await?;
        }
        Ok(())
    }
}

impl Store {
    /// Takes up to `limit` pending emails that are due at `now` and not leased by another
    /// worker, and leases them until `lease_until`, oldest first. Each claim counts as an
    /// attempt. A worker that dies mid-send loses its lease, and the email is claimed again
    /// after `lease_until`.
    pub async fn claim_due_emails(
        &self,
        limit: i64,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Vec<OutboxEmail>, StoreError> {
        // The due-and-unleased conditions are repeated on the row being updated on purpose:
        // a PostgreSQL claimer that waited for a row lock re-checks them against the row as
        // the other claimer left it, and so skips an email that was just leased.
        let sql = match self.backend {
            // SQLite runs an uncorrelated IN subquery once, and the write lock taken by
            // BEGIN IMMEDIATE keeps other claimers out until we commit.
            Backend::Sqlite => format!(
                "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
                 WHERE {CLAIMABLE} \
                   AND id IN (SELECT id FROM outbox WHERE {CLAIMABLE} ORDER BY id LIMIT $3) \
                 RETURNING {OUTBOX_COLUMNS}"
            ),
            // On PostgreSQL the pick must be a CTE: as an IN subquery the planner may rescan
            // it for every row (a nested-loop semi-join), and each rescan skips the rows this
            // statement already updated, claiming more than `limit`. SKIP LOCKED lets
            // concurrent claimers take different emails instead of waiting on each other.
            Backend::Postgres => format!(
                "WITH picked AS (SELECT id FROM outbox WHERE {CLAIMABLE} \
                                 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
                 FROM picked WHERE outbox.id = picked.id AND {CLAIMABLE_QUALIFIED} \
                 RETURNING {OUTBOX_COLUMNS_QUALIFIED}"
            ),
        };
        let mut tx = self.begin().await?;
        let rows = tx
            .exec_returning_all(
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(codec::ts(lease_until))
                    .bind(codec::ts(now))
                    .bind(limit.max(0)),
            )
            .await?;
        tx.commit().await?;
        let mut emails = rows
            .iter()
            .map(email_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        emails.sort_by_key(|email| email.id);
        Ok(emails)
    }

    /// Records a successful delivery.
    pub async fn mark_email_sent(&self, id: EmailId, now: Timestamp) -> Result<(), StoreError> {
        self.write_one(
            sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL, \
                 last_error = NULL WHERE id = $2",
            )
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("email {id}"),
        )
        .await
    }

    /// Records a failed delivery: pending again from `retry_at`, or given up on when None.
    pub async fn mark_email_failed(
        &self,
        id: EmailId,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let statement = match retry_at {
            Some(retry_at) => sqlx::query(
                "UPDATE outbox SET status = 'pending', last_error = $1, due_at = $2, \
                 lease_until = NULL WHERE id = $3",
            )
            .bind(error)
            .bind(codec::ts(retry_at))
            .bind(id.0),
            None => sqlx::query(
                "UPDATE outbox SET status = 'failed', last_error = $1, lease_until = NULL \
                 WHERE id = $2",
            )
            .bind(error)
            .bind(id.0),
        };
        self.write_one(statement, || format!("email {id}")).await
    }

    /// A page of the outbox, newest first.
    pub async fn list_outbox(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OutboxEmail>, StoreError> {
        let sql =
            format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1 OFFSET $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(email_from_row).collect()
    }

    /// How many emails the outbox holds, in any status.
    pub async fn count_outbox(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
