//! Posts: a topic's discussion thread and a round's resources board (posts with a link), each
//! post hidden by a coordinator or deleted by its author without losing its place; and the
//! topics partners marked as discussed together.

use iln_domain::post::{PostBody, SharedLink};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{PartnershipId, PostId, RoundId, Store, StoreError, TopicId, Tx, UserId};

/// Which list a post is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    /// A topic's discussion.
    Topic(TopicId),
    /// The round's resources board.
    Board,
}

/// A post as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRecord {
    pub id: PostId,
    pub round: RoundId,
    pub thread: Thread,
    pub author: UserId,
    /// The author's name as their account gives it now.
    pub author_name: String,
    /// Empty once deleted.
    pub body: String,
    pub url: Option<String>,
    pub hidden_at: Option<Timestamp>,
    pub deleted_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const POST_COLUMNS: &str = "p.id, p.round_id, p.topic_id, p.author, u.display_name, p.body, \
     p.url, p.hidden_at, p.deleted_at, p.created_at, p.updated_at";

fn post_from_row(row: &AnyRow) -> Result<PostRecord, StoreError> {
    Ok(PostRecord {
        id: PostId(row.try_get("id")?),
        round: RoundId(row.try_get("round_id")?),
        thread: match row.try_get::<Option<i64>, _>("topic_id")? {
            Some(topic) => Thread::Topic(TopicId(topic)),
            None => Thread::Board,
        },
        author: UserId(row.try_get("author")?),
        author_name: row.try_get("display_name")?,
        body: row.try_get("body")?,
        url: row.try_get("url")?,
        hidden_at: codec::from_opt_ts(row.try_get("hidden_at")?)?,
        deleted_at: codec::from_opt_ts(row.try_get("deleted_at")?)?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
    })
}

fn topic_of(thread: Thread) -> Option<i64> {
    match thread {
        Thread::Topic(topic) => Some(topic.0),
        Thread::Board => None,
    }
}

impl Tx {
    /// Adds a post to a thread (a shared link on the board).
    pub async fn create_post(
        &mut self,
        round: RoundId,
        thread: Thread,
        author: UserId,
        body: &PostBody,
        url: Option<&SharedLink>,
        now: Timestamp,
    ) -> Result<PostId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO posts (round_id, topic_id, author, body, url, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(round.0)
                .bind(topic_of(thread))
                .bind(author.0)
                .bind(body.as_str())
                .bind(url.map(SharedLink::as_str))
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(PostId(id))
    }

    /// Replaces a post's words (not of a deleted one).
    pub async fn update_post(
        &mut self,
        id: PostId,
        body: &PostBody,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE posts SET body = $1, updated_at = $2 WHERE id = $3 AND deleted_at IS NULL",
            )
            .bind(body.as_str())
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("post {id}"),
        )
        .await
    }

    /// Deletes a post's words and link, keeping its place in the thread.
    pub async fn delete_post(&mut self, id: PostId, now: Timestamp) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE posts SET body = '', url = NULL, deleted_at = $1, updated_at = $1 \
                 WHERE id = $2 AND deleted_at IS NULL",
            )
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("post {id}"),
        )
        .await
    }

    /// Hides a post (by `by`), or shows it again.
    pub async fn set_post_hidden(
        &mut self,
        id: PostId,
        hidden: bool,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let statement = if hidden {
            sqlx::query("UPDATE posts SET hidden_at = $1, hidden_by = $2 WHERE id = $3")
                .bind(codec::ts(now))
                .bind(by.map(|u| u.0))
                .bind(id.0)
        } else {
            sqlx::query("UPDATE posts SET hidden_at = NULL, hidden_by = NULL WHERE id = $1")
                .bind(id.0)
        };
        self.exec_one(statement, || format!("post {id}")).await
    }

    /// The post with this id, read inside the transaction.
    pub async fn post(&mut self, id: PostId) -> Result<Option<PostRecord>, StoreError> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author WHERE p.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(post_from_row).transpose()
    }

    /// Marks a topic as discussed by a partnership; marking it again changes nothing.
    pub async fn mark_discussed(
        &mut self,
        topic: TopicId,
        partnership: PartnershipId,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "INSERT INTO topic_discussions (topic_id, partnership_id, marked_by, \
                     marked_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (topic_id, partnership_id) DO NOTHING",
                )
                .bind(topic.0)
                .bind(partnership.0)
                .bind(by.map(|u| u.0))
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(changed > 0)
    }

    /// Takes the mark away again.
    pub async fn unmark_discussed(
        &mut self,
        topic: TopicId,
        partnership: PartnershipId,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "DELETE FROM topic_discussions WHERE topic_id = $1 AND partnership_id = $2",
                )
                .bind(topic.0)
                .bind(partnership.0),
            )
            .await?;
        Ok(changed > 0)
    }
}

impl Store {
    /// The post with this id.
    pub async fn post(&self, id: PostId) -> Result<Option<PostRecord>, StoreError> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author WHERE p.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(post_from_row).transpose()
    }

    /// A thread's posts, oldest first (the board: newest first).
    pub async fn thread_posts(
        &self,
        round: RoundId,
        thread: Thread,
    ) -> Result<Vec<PostRecord>, StoreError> {
        let rows = match thread {
            Thread::Topic(topic) => {
                let sql = format!(
                    "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author \
                     WHERE p.round_id = $1 AND p.topic_id = $2 ORDER BY p.id"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(round.0)
                    .bind(topic.0)
                    .fetch_all(&self.pool)
                    .await?
            }
            Thread::Board => {
                let sql = format!(
                    "SELECT {POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author \
                     WHERE p.round_id = $1 AND p.topic_id IS NULL ORDER BY p.id DESC"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(round.0)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(post_from_row).collect()
    }

    /// The partnerships that marked a topic discussed, with when.
    pub async fn topic_discussions(
        &self,
        topic: TopicId,
    ) -> Result<Vec<(PartnershipId, Timestamp)>, StoreError> {
        let rows = sqlx::query(
            "SELECT partnership_id, marked_at FROM topic_discussions WHERE topic_id = $1 \
             ORDER BY marked_at",
        )
        .bind(topic.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    PartnershipId(row.try_get("partnership_id")?),
                    codec::from_ts(row.try_get("marked_at")?)?,
                ))
            })
            .collect()
    }
}
