//! One-time tokens (email verification, password reset), kept as SHA-256 hashes.

use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{Store, StoreError, TokenPurpose, Tx, UserId};

impl Store {
    /// Stores the hash of a token in its own transaction (see [`Tx::create_token`]).
    pub async fn create_token(
        &self,
        user: UserId,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.create_token(user, purpose, token_sha256_hex, expires_at)
            .await?;
        tx.commit().await
    }

    /// Uses up a token in its own transaction (see [`Tx::consume_token`]).
    pub async fn consume_token(
        &self,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError> {
        let mut tx = self.begin().await?;
        let user = tx.consume_token(purpose, token_sha256_hex, now).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The user a token of this purpose belongs to, if it exists and has not expired at
    /// `now`, without using it up: an action reads it first so that the slow part (hashing
    /// a new password) happens before its transaction, which then consumes the token.
    pub async fn token_user(
        &self,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id FROM tokens \
             WHERE token_sha256 = $1 AND purpose = $2 AND expires_at > $3",
        )
        .bind(token_sha256_hex)
        .bind(purpose.as_str())
        .bind(codec::ts(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok(UserId(row.try_get("user_id")?)))
            .transpose()
    }

    /// How many tokens of this purpose exist, used or not, expired or not: what tests count
    /// to see that an action left none behind.
    pub async fn count_tokens(&self, purpose: TokenPurpose) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM tokens WHERE purpose = $1")
            .bind(purpose.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Deletes every token of this purpose for the user in its own transaction.
    pub async fn revoke_tokens(
        &self,
        user: UserId,
        purpose: TokenPurpose,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.revoke_tokens(user, purpose).await?;
        tx.commit().await
    }
}

impl Tx {
    /// Stores the hash of a token the caller generated and emails to the user.
    pub async fn create_token(
        &mut self,
        user: UserId,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO tokens (token_sha256, user_id, purpose, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(token_sha256_hex)
            .bind(user.0)
            .bind(purpose.as_str())
            .bind(codec::ts(expires_at)),
        )
        .await?;
        Ok(())
    }

    /// Uses up a token: the user it belongs to, or None when it is unknown, of another purpose,
    /// already used or expired. The token is deleted by the same statement that reads it, so
    /// two requests racing with one link cannot both succeed.
    pub async fn consume_token(
        &mut self,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError> {
        let row = self
            .exec_returning(
                sqlx::query(
                    "DELETE FROM tokens WHERE token_sha256 = $1 AND purpose = $2 \
                     RETURNING user_id, expires_at",
                )
                .bind(token_sha256_hex)
                .bind(purpose.as_str()),
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // An expired token is deleted too (it can never work again) but grants nothing.
        if row.try_get::<i64, _>("expires_at")? <= codec::ts(now) {
            return Ok(None);
        }
        Ok(Some(UserId(row.try_get("user_id")?)))
    }

    /// Deletes every token of this purpose for the user, for example the older reset links
    /// when a new one is sent or when the password changes.
    pub async fn revoke_tokens(
        &mut self,
        user: UserId,
        purpose: TokenPurpose,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query("DELETE FROM tokens WHERE user_id = $1 AND purpose = $2")
                .bind(user.0)
                .bind(purpose.as_str()),
        )
        .await?;
        Ok(())
    }
}
