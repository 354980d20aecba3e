//! Surveys: a round's surveys as built, who was invited to each (with their link's hash and
//! whether they answered), and the answers. For an anonymous survey a response row has no
//! person: only the invitation says that someone answered.

use iln_domain::country::CountryCode;
use iln_domain::survey::{Response, Survey};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{RoundId, Store, StoreError, SurveyId, Tx, UserId};

/// A survey as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyRecord {
    pub id: SurveyId,
    pub round: RoundId,
    pub survey: Survey,
    /// When its invitations were queued; None until it opens.
    pub opened_at: Option<Timestamp>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One person asked to answer a survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: i64,
    pub survey: SurveyId,
    pub user: UserId,
    pub country: CountryCode,
    pub sent_at: Timestamp,
    pub responded_at: Option<Timestamp>,
    pub reminded: i64,
}

/// One set of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    pub id: i64,
    pub survey: SurveyId,
    /// The person, unless the survey is anonymous.
    pub user: Option<UserId>,
    pub country: CountryCode,
    pub response: Response,
    pub submitted_at: Timestamp,
    pub updated_at: Timestamp,
}

const SURVEY_COLUMNS: &str =
    "id, round_id, document, opened_at, created_by, created_at, updated_at";
const INVITATION_COLUMNS: &str = "id, survey_id, user_id, country, sent_at, responded_at, reminded";
const RESPONSE_COLUMNS: &str = "id, survey_id, user_id, country, answers, submitted_at, updated_at";

/// The stored forms: versioned documents.
const SURVEY_DOCUMENT: &str = "survey";
const ANSWERS_DOCUMENT: &str = "answers";

fn survey_from_row(row: &AnyRow) -> Result<SurveyRecord, StoreError> {
    let id = SurveyId(row.try_get("id")?);
    Ok(SurveyRecord {
        id,
        round: RoundId(row.try_get("round_id")?),
        survey: codec::from_document(
            &format!("survey {id}"),
            &row.try_get::<String, _>("document")?,
        )?,
        opened_at: codec::from_opt_ts(row.try_get("opened_at")?)?,
        created_by: row.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
    })
}

fn country(row: &AnyRow, what: &str) -> Result<CountryCode, StoreError> {
    let text: String = row.try_get("country")?;
    CountryCode::parse(&text)
        .map_err(|_| StoreError::Corrupt(format!("{what}'s country: {text:?}")))
}

fn invitation_from_row(row: &AnyRow) -> Result<InvitationRecord, StoreError> {
    let id: i64 = row.try_get("id")?;
    Ok(InvitationRecord {
        id,
        survey: SurveyId(row.try_get("survey_id")?),
        user: UserId(row.try_get("user_id")?),
        country: country(row, &format!("survey invitation {id}"))?,
        sent_at: codec::from_ts(row.try_get("sent_at")?)?,
        responded_at: codec::from_opt_ts(row.try_get("responded_at")?)?,
        reminded: row.try_get("reminded")?,
    })
}

fn response_from_row(row: &AnyRow) -> Result<ResponseRecord, StoreError> {
    let id: i64 = row.try_get("id")?;
    Ok(ResponseRecord {
        id,
        survey: SurveyId(row.try_get("survey_id")?),
        user: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        country: country(row, &format!("survey response {id}"))?,
        response: codec::from_document(
            &format!("survey response {id}"),
            &row.try_get::<String, _>("answers")?,
        )?,
        submitted_at: codec::from_ts(row.try_get("submitted_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
    })
}

impl Tx {
    /// Adds a survey to a round.
    pub async fn create_survey(
        &mut self,
        round: RoundId,
        survey: &Survey,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<SurveyId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO surveys (round_id, document, opens_on, created_by, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(round.0)
                .bind(codec::document(SURVEY_DOCUMENT, survey)?)
                .bind(survey.opens_on.to_string())
                .bind(by.map(|u| u.0))
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(SurveyId(id))
    }

    /// Replaces a survey as built.
    pub async fn update_survey(
        &mut self,
        id: SurveyId,
        survey: &Survey,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE surveys SET document = $1, opens_on = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(codec::document(SURVEY_DOCUMENT, survey)?)
            .bind(survey.opens_on.to_string())
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("survey {id}"),
        )
        .await
    }

    /// Records that the invitations went out; false when that happened before.
    pub async fn mark_survey_opened(
        &mut self,
        id: SurveyId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(self
            .exec(
                sqlx::query(
                    "UPDATE surveys SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL",
                )
                .bind(codec::ts(now))
                .bind(id.0),
            )
            .await?
            == 1)
    }

    pub async fn survey(&mut self, id: SurveyId) -> Result<Option<SurveyRecord>, StoreError> {
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(survey_from_row)
            .transpose()
    }

    pub async fn round_surveys(&mut self, round: RoundId) -> Result<Vec<SurveyRecord>, StoreError> {
        let sql = format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys WHERE round_id = $1 ORDER BY opens_on, id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(survey_from_row)
            .collect()
    }

    /// Invites a person, with the hash of their link; false when they were invited before
    /// (their first link stands).
    pub async fn invite_to_survey(
        &mut self,
        survey: SurveyId,
        user: UserId,
        country: CountryCode,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(self
            .exec(
                sqlx::query(
                    "INSERT INTO survey_invitations (survey_id, user_id, country, token_hash, \
                     sent_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (survey_id, user_id) DO NOTHING",
                )
                .bind(survey.0)
                .bind(user.0)
                .bind(country.as_str())
                .bind(token_hash)
                .bind(codec::ts(now)),
            )
            .await?
            == 1)
    }

    /// The invitation whose link has this hash.
    pub async fn invitation_by_hash(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<InvitationRecord>, StoreError> {
        let sql =
            format!("SELECT {INVITATION_COLUMNS} FROM survey_invitations WHERE token_hash = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(invitation_from_row)
            .transpose()
    }

    pub async fn survey_invitations(
        &mut self,
        survey: SurveyId,
    ) -> Result<Vec<InvitationRecord>, StoreError> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM survey_invitations WHERE survey_id = $1 ORDER BY id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(survey.0)
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(invitation_from_row)
            .collect()
    }

    /// Gives an invitation a new link (a reminder's); the old one stops working.
    pub async fn replace_survey_link(
        &mut self,
        invitation: i64,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE survey_invitations SET token_hash = $1 WHERE id = $2")
                .bind(token_hash)
                .bind(invitation),
            || format!("survey invitation {invitation}"),
        )
        .await
    }

    /// Counts a reminder sent to an invitation.
    pub async fn count_survey_reminder(&mut self, invitation: i64) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE survey_invitations SET reminded = reminded + 1 WHERE id = $1")
                .bind(invitation),
            || format!("survey invitation {invitation}"),
        )
        .await
    }

    /// The answers kept under `respondent` (derived from the link), if any.
    pub async fn response_by_respondent(
        &mut self,
        respondent: &str,
    ) -> Result<Option<ResponseRecord>, StoreError> {
        let sql = format!("SELECT {RESPONSE_COLUMNS} FROM survey_responses WHERE respondent = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(respondent)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(response_from_row)
            .transpose()
    }

    /// Stores the answers of the holder of an invitation: new ones, or in place of their
    /// earlier ones. `user` is None for an anonymous survey. The invitation is marked
    /// answered (its first answer's time stays).
    #[expect(clippy::too_many_arguments, reason = "one row's columns")]
    pub async fn save_response(
        &mut self,
        survey: SurveyId,
        invitation: i64,
        respondent: &str,
        user: Option<UserId>,
        country: CountryCode,
        response: &Response,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let answers = codec::document(ANSWERS_DOCUMENT, response)?;
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE survey_responses SET answers = $1, updated_at = $2 \
                     WHERE respondent = $3 AND survey_id = $4",
                )
                .bind(answers.as_str())
                .bind(codec::ts(now))
                .bind(respondent)
                .bind(survey.0),
            )
            .await?;
        if changed == 0 {
            self.exec(
                sqlx::query(
                    "INSERT INTO survey_responses (survey_id, respondent, user_id, country, \
                     answers, submitted_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(survey.0)
                .bind(respondent)
                .bind(user.map(|u| u.0))
                .bind(country.as_str())
                .bind(answers.as_str())
                .bind(codec::ts(now)),
            )
            .await?;
        }
        self.exec(
            sqlx::query(
                "UPDATE survey_invitations SET responded_at = $1 \
                 WHERE id = $2 AND responded_at IS NULL",
            )
            .bind(codec::ts(now))
            .bind(invitation),
        )
        .await?;
        Ok(())
    }
}

impl Store {
    pub async fn survey(&self, id: SurveyId) -> Result<Option<SurveyRecord>, StoreError> {
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(survey_from_row)
            .transpose()
    }

    /// A round's surveys, in the order they open.
    pub async fn round_surveys(&self, round: RoundId) -> Result<Vec<SurveyRecord>, StoreError> {
        let sql = format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys WHERE round_id = $1 ORDER BY opens_on, id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(survey_from_row)
            .collect()
    }

    pub async fn survey_invitations(
        &self,
        survey: SurveyId,
    ) -> Result<Vec<InvitationRecord>, StoreError> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM survey_invitations WHERE survey_id = $1 ORDER BY id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(survey.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(invitation_from_row)
            .collect()
    }

    /// Every response to a survey, oldest first.
    pub async fn survey_responses(
        &self,
        survey: SurveyId,
    ) -> Result<Vec<ResponseRecord>, StoreError> {
        let sql = format!(
            "SELECT {RESPONSE_COLUMNS} FROM survey_responses WHERE survey_id = $1 ORDER BY id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(survey.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(response_from_row)
            .collect()
    }
}
