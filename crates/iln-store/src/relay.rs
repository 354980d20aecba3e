//! Messages between alumni through the platform, who blocks whom, and reports of abuse.

use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{Store, StoreError, Tx, UserId};

/// One message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayMessage {
    pub id: i64,
    pub from: UserId,
    pub to: UserId,
    pub reply_to: Option<i64>,
    pub body: String,
    pub sent_at: Timestamp,
}

const COLUMNS: &str = "id, from_user, to_user, reply_to, body, sent_at";

fn message(row: &sqlx::any::AnyRow) -> Result<RelayMessage, StoreError> {
    Ok(RelayMessage {
        id: row.try_get("id")?,
        from: UserId(row.try_get("from_user")?),
        to: UserId(row.try_get("to_user")?),
        reply_to: row.try_get("reply_to")?,
        body: row.try_get("body")?,
        sent_at: codec::from_ts(row.try_get("sent_at")?)?,
    })
}

impl Tx {
    pub async fn send_relay(
        &mut self,
        from: UserId,
        to: UserId,
        reply_to: Option<i64>,
        body: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.insert_returning_id(
            sqlx::query(
                "INSERT INTO relay_messages (from_user, to_user, reply_to, body, sent_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(from.0)
            .bind(to.0)
            .bind(reply_to)
            .bind(body)
            .bind(codec::ts(now)),
        )
        .await
    }

    /// How many messages `from` sent since `since`.
    pub async fn relay_sent_since(
        &mut self,
        from: UserId,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM relay_messages WHERE from_user = $1 AND sent_at >= $2",
        )
        .bind(from.0)
        .bind(codec::ts(since))
        .fetch_one(self.conn())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Whether `user` blocked `sender`.
    pub async fn is_blocked(&mut self, user: UserId, sender: UserId) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("SELECT 1 AS x FROM relay_blocks WHERE user_id = $1 AND blocked_user = $2")
                .bind(user.0)
                .bind(sender.0)
                .fetch_optional(self.conn())
                .await?
                .is_some(),
        )
    }

    pub async fn block_sender(
        &mut self,
        user: UserId,
        sender: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO relay_blocks (user_id, blocked_user, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, blocked_user) DO NOTHING",
            )
            .bind(user.0)
            .bind(sender.0)
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }

    pub async fn report_abuse(
        &mut self,
        reporter: UserId,
        message: i64,
        note: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.insert_returning_id(
            sqlx::query(
                "INSERT INTO abuse_reports (reporter, message_id, note, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(reporter.0)
            .bind(message)
            .bind(note)
            .bind(codec::ts(now)),
        )
        .await
    }

    pub async fn relay_message(&mut self, id: i64) -> Result<Option<RelayMessage>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM relay_messages WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(message)
            .transpose()
    }
}

impl Store {
    pub async fn relay_message(&self, id: i64) -> Result<Option<RelayMessage>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM relay_messages WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(message)
            .transpose()
    }

    /// Every message to or from `user`, newest first.
    pub async fn relay_messages_of(&self, user: UserId) -> Result<Vec<RelayMessage>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM relay_messages WHERE from_user = $1 OR to_user = $1 \
             ORDER BY sent_at DESC, id DESC"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(message)
            .collect()
    }

    /// Whether `a` and `b` have both written to each other (a reply exists between them):
    /// then each may see the other's address.
    pub async fn relay_replied(&self, a: UserId, b: UserId) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM relay_messages WHERE reply_to IS NOT NULL AND \
             ((from_user = $1 AND to_user = $2) OR (from_user = $2 AND to_user = $1))",
        )
        .bind(a.0)
        .bind(b.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    pub async fn abuse_report_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM abuse_reports")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
