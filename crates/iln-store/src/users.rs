//! Accounts: creating them, finding them, changing their role, password and verification.

use std::collections::HashMap;

use iln_domain::account::{Email, PasswordHash, Role};
use iln_domain::country::CountryCode;
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{NewUser, Store, StoreError, Tx, User, UserId};

/// The user columns every query selects, in the order [`user_from_row`] reads them.
pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.role, \
     u.email_verified_at, u.time_zone, u.created_at";

/// Reads a user row; the countries are filled in by the caller.
pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let password_hash: Option<String> = row.try_get("password_hash")?;
    let time_zone: Option<String> = row.try_get("time_zone")?;
    Ok(User {
        id: UserId(row.try_get("id")?),
        email: codec::email(&row.try_get::<String, _>("email")?)?,
        display_name: codec::display_name(&row.try_get::<String, _>("display_name")?)?,
        role: codec::role(&row.try_get::<String, _>("role")?)?,
        countries: Vec::new(),
        email_verified: row
            .try_get::<Option<i64>, _>("email_verified_at")?
            .is_some(),
        password_hash: password_hash
            .as_deref()
            .map(codec::password_hash)
            .transpose()?,
        time_zone: time_zone.as_deref().map(codec::time_zone).transpose()?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
    })
}

impl Store {
    /// Creates an account in its own transaction (see [`Tx::create_user`]).
    pub async fn create_user(&self, new: &NewUser, now: Timestamp) -> Result<UserId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.create_user(new, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The account with this id, if any.
    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        self.with_countries(row).await
    }

    /// The account with this email, if any. Emails are stored lowercased, as [`Email`] is.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        self.with_countries(row).await
    }

    /// Every account, oldest first.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        let mut users = rows
            .iter()
            .map(user_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let country_rows =
            sqlx::query("SELECT user_id, country FROM user_countries ORDER BY user_id, country")
                .fetch_all(&self.pool)
                .await?;
        let mut by_user: HashMap<i64, Vec<CountryCode>> = HashMap::new();
        for row in &country_rows {
            by_user
                .entry(row.try_get("user_id")?)
                .or_default()
                .push(codec::country(&row.try_get::<String, _>("country")?)?);
        }
        for user in &mut users {
            if let Some(countries) = by_user.remove(&user.id.0) {
                user.countries = countries;
            }
        }
        Ok(users)
    }

    /// Changes an account's role and replaces its country scope in its own transaction.
    pub async fn set_role(
        &self,
        id: UserId,
        role: Role,
        countries: &[CountryCode],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_role(id, role, countries).await?;
        tx.commit().await
    }

    /// Replaces an account's password hash in its own transaction.
    pub async fn set_password_hash(
        &self,
        id: UserId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_password_hash(id, hash).await?;
        tx.commit().await
    }

    /// Records in its own transaction that the account's owner proved they read its email
    /// (see [`Tx::mark_email_verified`]).
    pub async fn mark_email_verified(&self, id: UserId, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.mark_email_verified(id, now).await?;
        tx.commit().await
    }

    /// Reads the user of an optional row and loads its countries.
    pub(crate) async fn with_countries(
        &self,
        row: Option<AnyRow>,
    ) -> Result<Option<User>, StoreError> {
        let Some(row) = row else {
            return Ok(None);
        };
        let mut user = user_from_row(&row)?;
        user.countries = self.countries_of(user.id).await?;
        Ok(Some(user))
    }

    async fn countries_of(&self, id: UserId) -> Result<Vec<CountryCode>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        countries_of(&mut conn, id).await
    }
}

impl Tx {
    /// Creates an account as part of the action this transaction writes. An email that is
    /// already taken gives [`StoreError::Conflict`]; on PostgreSQL that also spoils the rest
    /// of the transaction, so a caller that wants to carry on starts a new one.
    pub async fn create_user(
        &mut self,
        new: &NewUser,
        now: Timestamp,
    ) -> Result<UserId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO users \
                     (email, display_name, password_hash, role, email_verified_at, time_zone, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(new.email.as_str())
                .bind(new.display_name.as_str())
                .bind(new.password_hash.as_ref().map(PasswordHash::as_str))
                .bind(new.role.as_str())
                .bind(new.email_verified.then(|| codec::ts(now)))
                .bind(new.time_zone.as_ref().map(|tz| tz.as_str().to_owned()))
                .bind(codec::ts(now)),
            )
            .await?;
        let id = UserId(id);
        insert_countries(self, id, &new.countries).await?;
        Ok(id)
    }

    /// The account with this id, as this transaction sees it.
    pub async fn user(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        self.with_countries(row).await
    }

    /// The account with this email, as this transaction sees it.
    pub async fn user_by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email.as_str())
            .fetch_optional(self.conn())
            .await?;
        self.with_countries(row).await
    }

    async fn with_countries(&mut self, row: Option<AnyRow>) -> Result<Option<User>, StoreError> {
        let Some(row) = row else {
            return Ok(None);
        };
        let mut user = user_from_row(&row)?;
        user.countries = countries_of(self.conn(), user.id).await?;
        Ok(Some(user))
    }

    /// Changes an account's role and replaces its country scope.
    pub async fn set_role(
        &mut self,
        id: UserId,
        role: Role,
        countries: &[CountryCode],
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                .bind(role.as_str())
                .bind(id.0),
            || format!("user {id}"),
        )
        .await?;
        self.exec(sqlx::query("DELETE FROM user_countries WHERE user_id = $1").bind(id.0))
            .await?;
        insert_countries(self, id, countries).await
    }

    /// Replaces an account's password hash.
    pub async fn set_password_hash(
        &mut self,
        id: UserId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash.as_str())
                .bind(id.0),
            || format!("user {id}"),
        )
        .await
    }

    /// Records that the account's owner proved they read its email. Verifying twice keeps
    /// the first time.
    pub async fn mark_email_verified(
        &mut self,
        id: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) \
                 WHERE id = $2",
            )
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("user {id}"),
        )
        .await
    }
}

async fn countries_of(
    conn: &mut sqlx::AnyConnection,
    id: UserId,
) -> Result<Vec<CountryCode>, StoreError> {
    let rows =
        sqlx::query("SELECT country FROM user_countries WHERE user_id = $1 ORDER BY country")
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|row| codec::country(&row.try_get::<String, _>("country")?))
        .collect()
}

async fn insert_countries(
    tx: &mut Tx,
    id: UserId,
    countries: &[CountryCode],
) -> Result<(), StoreError> {
    let mut unique: Vec<CountryCode> = countries.to_vec();
    unique.sort();
    unique.dedup();
    for country in unique {
        tx.exec(
            sqlx::query("INSERT INTO user_countries (user_id, country) VALUES ($1, $2)")
                .bind(id.0)
                .bind(country.as_str()),
        )
        .await?;
    }
    Ok(())
}
