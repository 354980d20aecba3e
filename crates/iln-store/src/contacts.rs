//! The contact log: when and how partners were in touch.

use std::collections::BTreeMap;

use iln_domain::contact::ContactWay;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{PartnershipId, RoundId, Store, StoreError, TopicId, Tx, UserId};

/// A logged contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub partnership: PartnershipId,
    pub logged_by: UserId,
    pub on: Date,
    pub way: ContactWay,
    pub topic: Option<TopicId>,
    pub created_at: Timestamp,
}

fn contact_from_row(row: &AnyRow) -> Result<ContactRecord, StoreError> {
    let on: String = row.try_get("on_date")?;
    let way: String = row.try_get("way")?;
    Ok(ContactRecord {
        partnership: PartnershipId(row.try_get("partnership_id")?),
        logged_by: UserId(row.try_get("logged_by")?),
        on: on
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("a contact's day: {on:?}")))?,
        way: ContactWay::from_stored(&way)
            .ok_or_else(|| StoreError::Corrupt(format!("a contact's way: {way:?}")))?,
        topic: row.try_get::<Option<i64>, _>("topic_id")?.map(TopicId),
        created_at: codec::from_ts(row.try_get("created_at")?)?,
    })
}

const CONTACT_COLUMNS: &str = "c.partnership_id, c.logged_by, c.on_date, c.way, c.topic_id, \
     c.created_at";

impl Tx {
    /// Logs a contact of a partnership.
    pub async fn log_contact(
        &mut self,
        partnership: PartnershipId,
        by: UserId,
        on: Date,
        way: ContactWay,
        topic: Option<TopicId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO contacts (partnership_id, logged_by, on_date, way, topic_id, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(partnership.0)
            .bind(by.0)
            .bind(on.to_string())
            .bind(way.as_str())
            .bind(topic.map(|t| t.0))
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// A partnership's contacts, the latest first.
    pub async fn contacts_of(
        &self,
        partnership: PartnershipId,
    ) -> Result<Vec<ContactRecord>, StoreError> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.partnership_id = $1 \
             ORDER BY c.on_date DESC, c.created_at DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(partnership.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(contact_from_row).collect()
    }

    /// The latest contact of each partnership of a round that has one.
    pub async fn last_contacts(
        &self,
        round: RoundId,
    ) -> Result<BTreeMap<PartnershipId, ContactRecord>, StoreError> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c \
             JOIN partnerships p ON p.id = c.partnership_id WHERE p.round_id = $1 \
             ORDER BY c.on_date, c.created_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        let mut last = BTreeMap::new();
        for row in &rows {
            let contact = contact_from_row(row)?;
            // Oldest first, so the latest of each partnership stays.
            last.insert(contact.partnership, contact);
        }
        Ok(last)
    }
}
