//! Spreadsheet imports: the uploaded file's rows while its mapping is confirmed, mappings
//! saved for the next round's file, and the partners people declared before this platform
//! knew them. Committing an import writes applications through `applications.rs`
//! ([`Tx::import_application`]) with one duplicate check for the whole file.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::account::Email;
use iln_domain::import::{Mapping, RawRow};
use jiff::Timestamp;
use sqlx::Row;

use crate::{RoundId, Store, StoreError, Tx, UploadId, UserId, bulk, codec};

const SHEET_DOCUMENT: &str = "uploaded file";
const MAPPING_DOCUMENT: &str = "import mapping";

/// The rows of an uploaded file, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StoredSheet {
    header: Vec<String>,
    rows: Vec<RawRow>,
}

/// The same, borrowed, for writing.
#[derive(serde::Serialize)]
struct SheetRef<'a> {
    header: &'a [String],
    rows: &'a [RawRow],
}

/// An uploaded file waiting to be committed.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: UploadId,
    pub round: RoundId,
    pub user: UserId,
    pub file_name: String,
    pub file_size: u64,
    pub header: Vec<String>,
    pub rows: Vec<RawRow>,
    pub mapping: Mapping,
    pub excluded: BTreeSet<u64>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A mapping saved by name.
#[derive(Debug, Clone)]
pub struct SavedMapping {
    pub name: String,
    pub mapping: Mapping,
    pub updated_at: Timestamp,
}

fn upload_from_row(row: &sqlx::any::AnyRow) -> Result<Upload, StoreError> {
    let id = UploadId(row.try_get("id")?);
    let sheet: StoredSheet =
        codec::from_document(SHEET_DOCUMENT, &row.try_get::<String, _>("sheet")?)?;
    let excluded: Vec<u64> =
        serde_json::from_str(&row.try_get::<String, _>("excluded")?).map_err(|e| {
            StoreError::Unreadable {
                what: format!("upload {id}'s left-out lines"),
                reason: e.to_string(),
            }
        })?;
    Ok(Upload {
        id,
        round: RoundId(row.try_get("round_id")?),
        user: UserId(row.try_get("user_id")?),
        file_name: row.try_get("file_name")?,
        file_size: u64::try_from(row.try_get::<i64, _>("file_size")?).unwrap_or(0),
        header: sheet.header,
        rows: sheet.rows,
        mapping: codec::from_document(MAPPING_DOCUMENT, &row.try_get::<String, _>("mapping")?)?,
        excluded: excluded.into_iter().collect(),
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        expires_at: codec::from_ts(row.try_get("expires_at")?)?,
    })
}

fn json_lines(lines: &BTreeSet<u64>) -> String {
    serde_json::to_string(&lines.iter().collect::<Vec<_>>()).unwrap_or_else(|_| "[]".to_owned())
}

/// A file to keep while its mapping is confirmed.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub round: RoundId,
    pub user: UserId,
    pub file_name: &'a str,
    pub file_size: u64,
    pub header: &'a [String],
    pub rows: &'a [RawRow],
    pub mapping: &'a Mapping,
    pub expires_at: Timestamp,
}

impl Tx {
    /// Keeps an uploaded file's rows, with the first mapping to confirm.
    pub async fn create_upload(
        &mut self,
        new: &NewUpload<'_>,
        now: Timestamp,
    ) -> Result<UploadId, StoreError> {
        let sheet = SheetRef {
            header: new.header,
            rows: new.rows,
        };
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO import_uploads (round_id, user_id, file_name, file_size, \
                     row_count, sheet, mapping, excluded, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, '[]', $8, $9) RETURNING id",
                )
                .bind(new.round.0)
                .bind(new.user.0)
                .bind(new.file_name)
                .bind(i64::try_from(new.file_size).unwrap_or(i64::MAX))
                .bind(i64::try_from(new.rows.len()).unwrap_or(i64::MAX))
                .bind(codec::document(SHEET_DOCUMENT, &sheet)?)
                .bind(codec::document(MAPPING_DOCUMENT, new.mapping)?)
                .bind(codec::ts(now))
                .bind(codec::ts(new.expires_at)),
            )
            .await?;
        Ok(UploadId(id))
    }

    /// Replaces an upload's mapping and the lines left out.
    pub async fn set_upload_mapping(
        &mut self,
        id: UploadId,
        mapping: &Mapping,
        excluded: &BTreeSet<u64>,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE import_uploads SET mapping = $1, excluded = $2 WHERE id = $3")
                .bind(codec::document(MAPPING_DOCUMENT, mapping)?)
                .bind(json_lines(excluded))
                .bind(id.0),
            || format!("upload {id}"),
        )
        .await
    }

    /// Forgets an upload (committed, or thrown away).
    pub async fn delete_upload(&mut self, id: UploadId) -> Result<(), StoreError> {
        self.exec(sqlx::query("DELETE FROM import_uploads WHERE id = $1").bind(id.0))
            .await?;
        Ok(())
    }

    /// Deletes the uploads whose day is over; returns how many.
    pub async fn purge_expired_uploads(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        self.exec(
            sqlx::query("DELETE FROM import_uploads WHERE expires_at <= $1").bind(codec::ts(now)),
        )
        .await
    }

    /// Saves `mapping` under `name`, replacing one of that name.
    pub async fn save_mapping(
        &mut self,
        name: &str,
        mapping: &Mapping,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO import_mappings (name, mapping, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET mapping = $2, updated_at = $3",
            )
            .bind(name)
            .bind(codec::document(MAPPING_DOCUMENT, mapping)?)
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }

    /// The accounts among `emails` that exist, by email.
    pub async fn users_by_emails(
        &mut self,
        emails: &[Email],
    ) -> Result<BTreeMap<String, UserId>, StoreError> {
        users_by_emails(self.conn(), emails).await
    }

    /// Records that `user` was partnered with each of `emails` before, so matching keeps
    /// them apart. Emails already recorded stay as they are.
    pub async fn declare_partners(
        &mut self,
        user: UserId,
        emails: &[Email],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        for email in emails {
            self.exec(
                sqlx::query(
                    "INSERT INTO declared_partners (user_id, partner_email, created_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (user_id, partner_email) DO NOTHING",
                )
                .bind(user.0)
                .bind(email.as_str())
                .bind(codec::ts(now)),
            )
            .await?;
        }
        Ok(())
    }
}

/// The accounts among `emails` that exist, by email, in chunks of bound parameters.
async fn users_by_emails(
    conn: &mut sqlx::AnyConnection,
    emails: &[Email],
) -> Result<BTreeMap<String, UserId>, StoreError> {
    let mut found = BTreeMap::new();
    for chunk in emails.chunks(bulk::rows_per_statement(1)) {
        let sql = format!(
            "SELECT id, email FROM users WHERE email IN ({})",
            (1..=chunk.len())
                .map(|k| format!("${k}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for email in chunk {
            query = query.bind(email.as_str());
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.insert(row.try_get("email")?, UserId(row.try_get("id")?));
        }
    }
    Ok(found)
}

const UPLOAD_COLUMNS: &str = "id, round_id, user_id, file_name, file_size, sheet, mapping, \
     excluded, created_at, expires_at";

impl Store {
    /// [`Tx::users_by_emails`] outside a transaction, for pages that only read.
    pub async fn users_by_emails(
        &self,
        emails: &[Email],
    ) -> Result<BTreeMap<String, UserId>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users_by_emails(&mut conn, emails).await
    }

    /// The upload, while it is kept.
    pub async fn upload(&self, id: UploadId) -> Result<Option<Upload>, StoreError> {
        let sql = format!("SELECT {UPLOAD_COLUMNS} FROM import_uploads WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(upload_from_row)
            .transpose()
    }

    /// The saved mappings, by name.
    pub async fn saved_mappings(&self) -> Result<Vec<SavedMapping>, StoreError> {
        let rows =
            sqlx::query("SELECT name, mapping, updated_at FROM import_mappings ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(SavedMapping {
                    name: row.try_get("name")?,
                    mapping: codec::from_document(
                        MAPPING_DOCUMENT,
                        &row.try_get::<String, _>("mapping")?,
                    )?,
                    updated_at: codec::from_ts(row.try_get("updated_at")?)?,
                })
            })
            .collect()
    }

    /// The emails of everyone with an application in the round (any status), lower-case.
    pub async fn applied_emails(&self, round: RoundId) -> Result<BTreeSet<String>, StoreError> {
        let rows = sqlx::query("SELECT email FROM applications WHERE round_id = $1")
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok(row.try_get::<String, _>("email")?.to_lowercase()))
            .collect()
    }

    /// Each person's declared earlier partners who have accounts here, both ways round.
    pub async fn declared_partner_pairs(&self) -> Result<Vec<(UserId, UserId)>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.user_id AS person, u.id AS partner FROM declared_partners d \
             JOIN users u ON u.email = d.partner_email WHERE u.id <> d.user_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    UserId(row.try_get("person")?),
                    UserId(row.try_get("partner")?),
                ))
            })
            .collect()
    }
}
