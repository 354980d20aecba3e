//! Sign-in sessions, kept as SHA-256 hashes of the cookie value.

use jiff::Timestamp;

use crate::codec;
use crate::users::USER_COLUMNS;
use crate::{Store, StoreError, Tx, User, UserId};

impl Store {
    /// Records a new session in its own transaction (see [`Tx::create_session`]).
    pub async fn create_session(
        &self,
        session_sha256_hex: &str,
        user: UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.create_session(session_sha256_hex, user, now, expires_at)
            .await?;
        tx.commit().await
    }

    /// The signed-in user of a session that exists and has not expired at `now`.
    pub async fn session_user(
        &self,
        session_sha256_hex: &str,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.session_sha256 = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(session_sha256_hex)
            .bind(codec::ts(now))
            .fetch_optional(&self.pool)
            .await?;
        self.with_countries(row).await
    }

    /// Ends one session in its own transaction (see [`Tx::delete_session`]).
    pub async fn delete_session(&self, session_sha256_hex: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.delete_session(session_sha256_hex).await?;
        tx.commit().await
    }

    /// Ends every session of a user in its own transaction.
    pub async fn delete_sessions_of(&self, user: UserId) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.delete_sessions_of(user).await?;
        tx.commit().await
    }

    /// Deletes expired sessions and tokens; returns how many rows went. Lookups already ignore
    /// expired rows, so this only keeps the tables small.
    pub async fn purge_expired(&self, now: Timestamp) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let purged = tx.purge_expired(now).await?;
        tx.commit().await?;
        Ok(purged)
    }
}

impl Tx {
    /// [`Store::purge_expired`] inside the transaction (the housekeeping job queues its next
    /// run in the same one).
    pub async fn purge_expired(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        let sessions = self
            .exec(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(codec::ts(now)))
            .await?;
        let tokens = self
            .exec(sqlx::query("DELETE FROM tokens WHERE expires_at <= $1").bind(codec::ts(now)))
            .await?;
        // Uploaded files waiting for an import are kept a day at most.
        let uploads = self.purge_expired_uploads(now).await?;
        Ok(sessions + tokens + uploads)
    }
}

impl Tx {
    /// Records a new session for the user. Only the hash of the cookie value is stored, so a
    /// copy of the database cannot be used to sign in.
    pub async fn create_session(
        &mut self,
        session_sha256_hex: &str,
        user: UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO sessions (session_sha256, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(session_sha256_hex)
            .bind(user.0)
            .bind(codec::ts(now))
            .bind(codec::ts(expires_at)),
        )
        .await?;
        Ok(())
    }

    /// Ends one session (sign-out). Deleting a session that does not exist is not an error.
    pub async fn delete_session(&mut self, session_sha256_hex: &str) -> Result<(), StoreError> {
        self.exec(
            sqlx::query("DELETE FROM sessions WHERE session_sha256 = $1").bind(session_sha256_hex),
        )
        .await?;
        Ok(())
    }

    /// Ends every session of a user, for example after a password reset.
    pub async fn delete_sessions_of(&mut self, user: UserId) -> Result<(), StoreError> {
        self.exec(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0))
            .await?;
        Ok(())
    }
}
