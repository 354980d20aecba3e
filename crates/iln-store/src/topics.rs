//! Discussion topics: a round's topics and their parts, each with its release (a day and a
//! time of day in each reader's zone) and, once released, when that happened.

use iln_domain::timezone::TimeZoneName;
use iln_domain::topic::{Release, Resource, Topic};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{RoundId, Store, StoreError, TopicId, Tx, UserId};

/// A topic as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRecord {
    pub id: TopicId,
    pub round: RoundId,
    /// The topic this one is a part of.
    pub part_of: Option<TopicId>,
    pub topic: Topic,
    /// When the release queued its emails; None until then.
    pub released_at: Option<Timestamp>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl TopicRecord {
    /// The moment a reader in `zone` gets the topic: its release time in their zone, or the
    /// moment an admin released it by hand when that came first (a release before the first
    /// scheduled moment anywhere can only be one by hand).
    pub fn reaches(&self, zone: &TimeZoneName) -> Timestamp {
        let scheduled = self.topic.release.for_zone(zone);
        match self.released_at {
            Some(at) if at < self.topic.release.earliest() => at.min(scheduled),
            _ => scheduled,
        }
    }

    /// Whether it is out anywhere: released, or its first moment (09:00 at UTC+14) has come
    /// even if the release job has not run yet. Threads and discussed marks open then.
    pub fn is_out(&self, now: Timestamp) -> bool {
        self.released_at.is_some() || now >= self.topic.release.earliest()
    }

    /// Whether a reader in `zone` can see it now: the same moment their email is due, so
    /// the page never shows a topic before it reaches them (and never waits for the job).
    pub fn is_out_for(&self, zone: &TimeZoneName, now: Timestamp) -> bool {
        now >= self.reaches(zone)
    }
}

const TOPIC_COLUMNS: &str = "id, round_id, part_of, title, body, resources, release_on, \
     release_time, released_at, created_by, created_at, updated_at";

/// The stored form of a topic's resource links: a versioned document.
const RESOURCES_DOCUMENT: &str = "resources";

fn topic_from_row(row: &AnyRow) -> Result<TopicRecord, StoreError> {
    let id = TopicId(row.try_get("id")?);
    let resources: Vec<Resource> = codec::from_document(
        &format!("topic {id}'s resource links"),
        &row.try_get::<String, _>("resources")?,
    )?;
    let corrupt =
        |what: &str, text: &str| StoreError::Corrupt(format!("topic {id}'s {what}: {text:?}"));
    let on: String = row.try_get("release_on")?;
    let at: String = row.try_get("release_time")?;
    let release = Release {
        on: on
            .parse::<Date>()
            .map_err(|_| corrupt("release day", &on))?,
        at: Time::strptime("%H:%M", &at).map_err(|_| corrupt("release time", &at))?,
    };
    Ok(TopicRecord {
        id,
        round: RoundId(row.try_get("round_id")?),
        part_of: row.try_get::<Option<i64>, _>("part_of")?.map(TopicId),
        topic: Topic {
            title: row.try_get("title")?,
            body: row.try_get("body")?,
            resources,
            release,
        },
        released_at: codec::from_opt_ts(row.try_get("released_at")?)?,
        created_by: row.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
    })
}

fn resources_text(topic: &Topic) -> Result<String, StoreError> {
    codec::document(RESOURCES_DOCUMENT, &topic.resources)
}

fn time_text(at: Time) -> String {
    at.strftime("%H:%M").to_string()
}

impl Tx {
    /// Adds a topic (or a part of `part_of`) to a round.
    pub async fn create_topic(
        &mut self,
        round: RoundId,
        part_of: Option<TopicId>,
        topic: &Topic,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<TopicId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO topics (round_id, part_of, title, body, resources, release_on, \
                     release_time, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                )
                .bind(round.0)
                .bind(part_of.map(|p| p.0))
                .bind(topic.title.as_str())
                .bind(topic.body.as_str())
                .bind(resources_text(topic)?)
                .bind(topic.release.on.to_string())
                .bind(time_text(topic.release.at))
                .bind(by.map(|u| u.0))
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(TopicId(id))
    }

    /// Replaces a topic's words, links and release.
    pub async fn update_topic(
        &mut self,
        id: TopicId,
        topic: &Topic,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE topics SET title = $1, body = $2, resources = $3, release_on = $4, \
                 release_time = $5, updated_at = $6 WHERE id = $7",
            )
            .bind(topic.title.as_str())
            .bind(topic.body.as_str())
            .bind(resources_text(topic)?)
            .bind(topic.release.on.to_string())
            .bind(time_text(topic.release.at))
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("topic {id}"),
        )
        .await
    }

    /// Records that the topic's release queued its emails, if nothing did before. Returns
    /// false, writing nothing, when it was released already: the caller then queues nothing.
    pub async fn mark_topic_released(
        &mut self,
        id: TopicId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE topics SET released_at = $1 WHERE id = $2 AND released_at IS NULL",
                )
                .bind(codec::ts(now))
                .bind(id.0),
            )
            .await?;
        Ok(changed > 0)
    }

    /// The topic with this id, read inside the transaction.
    pub async fn topic(&mut self, id: TopicId) -> Result<Option<TopicRecord>, StoreError> {
        let sql = format!("SELECT {TOPIC_COLUMNS} FROM topics WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(topic_from_row).transpose()
    }
}

impl Store {
    /// The topic with this id.
    pub async fn topic(&self, id: TopicId) -> Result<Option<TopicRecord>, StoreError> {
        let sql = format!("SELECT {TOPIC_COLUMNS} FROM topics WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(topic_from_row).transpose()
    }

    /// A round's topics and parts, in order of release (then of writing).
    pub async fn round_topics(&self, round: RoundId) -> Result<Vec<TopicRecord>, StoreError> {
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM topics WHERE round_id = $1 \
             ORDER BY release_on, release_time, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(topic_from_row).collect()
    }
}
