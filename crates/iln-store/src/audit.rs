//! The append-only audit log of admin and coordinator actions. There is deliberately no
//! method to change or delete an entry, and database triggers refuse it too.

use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{AuditEntry, AuditId, NewAuditEntry, Store, StoreError, Tx, UserId};

impl Store {
    /// Appends an entry in its own transaction.
    pub async fn append_audit(
        &self,
        entry: &NewAuditEntry,
        now: Timestamp,
    ) -> Result<AuditId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.append_audit(entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl Tx {
    /// Appends an entry as part of the action this transaction writes.
    pub async fn append_audit(
        &mut self,
        entry: &NewAuditEntry,
        now: Timestamp,
    ) -> Result<AuditId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO audit_log (at, actor_id, action, target, detail) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(codec::ts(now))
                .bind(entry.actor.map(|actor| actor.0))
                .bind(entry.action.code())
                .bind(entry.target.as_deref())
                .bind(entry.detail.as_deref()),
            )
            .await?;
        Ok(AuditId(id))
    }
}

impl Store {
    /// A page of the log, newest first, with each actor's email.
    pub async fn list_audit(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.action, a.target, a.detail \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
             ORDER BY a.at DESC, a.id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let actor_email: Option<String> = row.try_get("actor_email")?;
                Ok(AuditEntry {
                    id: AuditId(row.try_get("id")?),
                    at: codec::from_ts(row.try_get("at")?)?,
                    actor: row.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
                    actor_email: actor_email.as_deref().map(codec::email).transpose()?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }

    /// How many entries the log holds.
    pub async fn count_audit(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
