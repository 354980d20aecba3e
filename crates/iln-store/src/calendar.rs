//! Each person's secret calendar address: one token a person, replaced on request.

use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{Store, StoreError, Tx, UserId};

impl Tx {
    /// Gives `user` the calendar token `token`, replacing any earlier one.
    pub async fn replace_calendar_feed(
        &mut self,
        user: UserId,
        token: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO calendar_feeds (user_id, token, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET token = $2, created_at = $3",
            )
            .bind(user.0)
            .bind(token)
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// The person's calendar token, if they made one.
    pub async fn calendar_feed_of(&self, user: UserId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT token FROM calendar_feeds WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("token"))
            .transpose()
            .map_err(Into::into)
    }

    /// Whose calendar token this is.
    pub async fn calendar_feed_user(&self, token: &str) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM calendar_feeds WHERE token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("user_id").map(UserId))
            .transpose()
            .map_err(Into::into)
    }
}
