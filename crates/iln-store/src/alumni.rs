//! The alumni directory: who joined it, with the entry they chose, and the newest
//! application of each (what the entry shows comes from there).

use iln_domain::alumni::Listing;
use jiff::Timestamp;
use sqlx::Row;

use crate::codec;
use crate::{ApplicationRecord, Store, StoreError, Tx, UserId};

/// One directory entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlumniRecord {
    pub user: UserId,
    pub listing: Listing,
    pub joined_at: Timestamp,
    pub updated_at: Timestamp,
}

const LISTING_DOCUMENT: &str = "alumni listing";

fn record(row: &sqlx::any::AnyRow) -> Result<AlumniRecord, StoreError> {
    let user = UserId(row.try_get("user_id")?);
    Ok(AlumniRecord {
        user,
        listing: codec::from_document(
            &format!("user {user}'s alumni entry"),
            &row.try_get::<String, _>("listing")?,
        )?,
        joined_at: codec::from_ts(row.try_get("joined_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
    })
}

impl Tx {
    /// Adds or changes a person's entry; their first joining time stays.
    pub async fn save_alumni(
        &mut self,
        user: UserId,
        listing: &Listing,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let document = codec::document(LISTING_DOCUMENT, listing)?;
        self.exec(
            sqlx::query(
                "INSERT INTO alumni (user_id, listing, joined_at, updated_at) \
                 VALUES ($1, $2, $3, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET listing = $2, updated_at = $3",
            )
            .bind(user.0)
            .bind(document)
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }

    /// Takes a person out of the directory; false when they were not in it.
    pub async fn leave_alumni(&mut self, user: UserId) -> Result<bool, StoreError> {
        Ok(self
            .exec(sqlx::query("DELETE FROM alumni WHERE user_id = $1").bind(user.0))
            .await?
            > 0)
    }
}

impl Store {
    pub async fn alumni_entry(&self, user: UserId) -> Result<Option<AlumniRecord>, StoreError> {
        sqlx::query("SELECT user_id, listing, joined_at, updated_at FROM alumni WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(record)
            .transpose()
    }

    /// Every entry, oldest first.
    pub async fn alumni(&self) -> Result<Vec<AlumniRecord>, StoreError> {
        sqlx::query("SELECT user_id, listing, joined_at, updated_at FROM alumni ORDER BY joined_at, user_id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(record)
            .collect()
    }

    /// The newest application of each person in the directory.
    pub async fn alumni_applications(&self) -> Result<Vec<ApplicationRecord>, StoreError> {
        self.select_applications(
            "id IN (SELECT MAX(a.id) FROM applications a JOIN alumni al ON al.user_id = a.user_id \
             GROUP BY a.user_id) ORDER BY id",
            &[],
        )
        .await
    }
}
