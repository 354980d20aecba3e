//! Which optional emails a person wants: discussion topics can be turned off (and on again)
//! from a link in every topic email, without signing in.

use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{Store, StoreError, Tx, UserId};

impl Tx {
    /// The person's unsubscribe token and whether topic emails are off, made with `fresh` as
    /// the token the first time.
    pub async fn email_preference(
        &mut self,
        user: UserId,
        fresh: &str,
    ) -> Result<(String, bool), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO email_preferences (user_id, token) VALUES ($1, $2) \
                 ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user.0)
            .bind(fresh),
        )
        .await?;
        let row =
            sqlx::query("SELECT token, topics_off_at FROM email_preferences WHERE user_id = $1")
                .bind(user.0)
                .fetch_one(self.conn())
                .await?;
        Ok((
            row.try_get("token")?,
            row.try_get::<Option<i64>, _>("topics_off_at")?.is_some(),
        ))
    }

    /// Turns topic emails off or on for the holder of `token`; None when no one has it.
    pub async fn set_topics_off(
        &mut self,
        token: &str,
        off: bool,
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM email_preferences WHERE token = $1")
            .bind(token)
            .fetch_optional(self.conn())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let user = UserId(row.try_get("user_id")?);
        self.exec(
            sqlx::query("UPDATE email_preferences SET topics_off_at = $1 WHERE user_id = $2")
                .bind(off.then(|| codec::ts(now)))
                .bind(user.0),
        )
        .await?;
        Ok(Some(user))
    }
}

impl Store {
    /// Whether topic emails are off for the holder of `token`; None when no one has it.
    pub async fn topics_off_for(&self, token: &str) -> Result<Option<bool>, StoreError> {
        let row = sqlx::query("SELECT topics_off_at FROM email_preferences WHERE token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok(row.try_get::<Option<i64>, _>("topics_off_at")?.is_some()))
            .transpose()
    }
}
