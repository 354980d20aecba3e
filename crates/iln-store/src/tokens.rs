//! One-time tokens (email verification, password reset), kept as SHA-256 hashes.

use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{Store, StoreError, TokenPurpose, UserId};

impl Store {
    /// Stores the hash of a token the caller generated and emails to the user.
    pub async fn create_token(
        &self,
        user: UserId,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(
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
        &self,
        purpose: TokenPurpose,
        token_sha256_hex: &str,
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError> {
        let row = self
            .write_returning(
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
        &self,
        user: UserId,
        purpose: TokenPurpose,
    ) -> Result<(), StoreError> {
        self.write(
            sqlx::query("DELETE FROM tokens WHERE user_id = $1 AND purpose = $2")
                .bind(user.0)
                .bind(purpose.as_str()),
        )
        .await?;
        Ok(())
    }
}
