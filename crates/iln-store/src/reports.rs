//! What the report pages count, read without the rest of each row: a round's applications
//! as numbers by country (the database counts them), and its partnerships as score, dates,
//! ending and members' countries. A round of 10,000 is read in tens of milliseconds this
//! way, where the full records (every answer checked, every partner profile decoded) take
//! many times longer.

use std::collections::BTreeMap;

use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::status::ApplicationStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::Row;

use crate::codec;
use crate::people::scope_filter;
use crate::{
    ApplicationId, Backend, MatchRunId, PartnershipId, PeopleScope, RoundId, Store, StoreError,
    UserId,
};

/// A round's applications as the reports count them: numbers by country, never a row per
/// person, except for the few left without a partner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationCounts {
    /// How many of each country have each status, apart by whether they are in one of the
    /// round's partnerships.
    pub by_status: Vec<(CountryCode, ApplicationStatus, bool, usize)>,
    pub by_sector: Vec<(CountryCode, Sector, usize)>,
    pub by_career_stage: Vec<(CountryCode, CareerStage, usize)>,
    /// The approved applications in none of the round's partnerships, with their country.
    pub left_over: Vec<(ApplicationId, CountryCode)>,
}

/// A partnership as the reports count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipSummary {
    pub id: PartnershipId,
    pub run: Option<MatchRunId>,
    pub score: i64,
    pub created_at: Timestamp,
    /// When and why it ended, and by whom, if it has.
    pub ended: Option<(Timestamp, Option<UserId>, String)>,
    /// Each member's country.
    pub members: Vec<CountryCode>,
}

/// A round's contacts as the reports count them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactCounts {
    /// The day of each partnership's first contact, for those with one.
    pub first: BTreeMap<PartnershipId, Date>,
    /// Contacts logged each day, in no particular order.
    pub per_day: Vec<(Date, usize)>,
}

/// The round's applications in one of its partnerships, to join with (`$1` the round).
const IN_PARTNERSHIP: &str = "LEFT JOIN (SELECT DISTINCT m.application_id FROM \
     partnership_members m JOIN partnerships p ON p.id = m.partnership_id \
     WHERE p.round_id = $1 AND m.application_id IS NOT NULL) mm ON mm.application_id = a.id";

/// The career stage of each application as the database takes it out of the answers
/// document (`{"v":1,"data":{…}}`, or a bare version-0 one), so the documents stay where
/// they are.
fn career_stage_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "COALESCE(json_extract(answers, '$.data.career_stage'), \
             json_extract(answers, '$.career_stage'))"
        }
        Backend::Postgres => {
            "COALESCE((answers::jsonb) -> 'data' ->> 'career_stage', \
             (answers::jsonb) ->> 'career_stage')"
        }
    }
}

fn count(row: &sqlx::any::AnyRow) -> Result<usize, StoreError> {
    let n: i64 = row.try_get("n")?;
    usize::try_from(n).map_err(|_| StoreError::Corrupt(format!("a count of {n}")))
}

fn status_of(text: &str) -> Result<ApplicationStatus, StoreError> {
    ApplicationStatus::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("application status {text:?}")))
}

impl Store {
    /// A round's applications as the reports count them, in four small queries whatever
    /// the round's size.
    pub async fn application_counts(
        &self,
        round: RoundId,
    ) -> Result<ApplicationCounts, StoreError> {
        let matched = "CASE WHEN mm.application_id IS NULL THEN 0 ELSE 1 END";
        let sql = format!(
            "SELECT a.country, a.status, {matched} AS matched, COUNT(*) AS n \
             FROM applications a {IN_PARTNERSHIP} WHERE a.round_id = $1 \
             GROUP BY a.country, a.status, {matched}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        let by_status = rows
            .iter()
            .map(|row| {
                Ok((
                    codec::country(&row.try_get::<String, _>("country")?)?,
                    status_of(&row.try_get::<String, _>("status")?)?,
                    row.try_get::<i64, _>("matched")? == 1,
                    count(row)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let rows = sqlx::query(
            "SELECT country, sector, COUNT(*) AS n FROM applications WHERE round_id = $1 \
             GROUP BY country, sector",
        )
        .bind(round.0)
        .fetch_all(&self.pool)
        .await?;
        let by_sector = rows
            .iter()
            .map(|row| {
                Ok((
                    codec::country(&row.try_get::<String, _>("country")?)?,
                    codec::sector(&row.try_get::<String, _>("sector")?)?,
                    count(row)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let stage = career_stage_sql(self.backend);
        let sql = format!(
            "SELECT country, {stage} AS career_stage, COUNT(*) AS n FROM applications \
             WHERE round_id = $1 GROUP BY country, {stage}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        let mut by_career_stage: Vec<(CountryCode, CareerStage, usize)> = Vec::new();
        for row in &rows {
            let country = codec::country(&row.try_get::<String, _>("country")?)?;
            let text: Option<String> = row.try_get("career_stage")?;
            // The form keeps what was typed: codes, or the form's own words, which one stage
            // may be spelt in more than one way.
            let stage = CareerStage::parse(text.as_deref().unwrap_or_default()).map_err(|e| {
                StoreError::Unreadable {
                    what: format!("the career stage of an application from {country}"),
                    reason: e.to_string(),
                }
            })?;
            let n = count(row)?;
            match by_career_stage
                .iter_mut()
                .find(|(c, s, _)| *c == country && *s == stage)
            {
                Some((_, _, total)) => *total += n,
                None => by_career_stage.push((country, stage, n)),
            }
        }

        let sql = format!(
            "SELECT a.id, a.country FROM applications a {IN_PARTNERSHIP} \
             WHERE a.round_id = $1 AND a.status = 'approved' AND mm.application_id IS NULL"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        let left_over = rows
            .iter()
            .map(|row| {
                Ok((
                    ApplicationId(row.try_get("id")?),
                    codec::country(&row.try_get::<String, _>("country")?)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ApplicationCounts {
            by_status,
            by_sector,
            by_career_stage,
            left_over,
        })
    }

    /// Every partnership of a round, as the reports count it, in the order they were made.
    pub async fn partnership_summaries(
        &self,
        round: RoundId,
    ) -> Result<Vec<PartnershipSummary>, StoreError> {
        let concat = match self.backend {
            Backend::Sqlite => "group_concat(m.country, ',')",
            Backend::Postgres => "string_agg(m.country, ',')",
        };
        // Members' countries come folded into their partnership's row: one row a
        // partnership, however many members.
        let sql = format!(
            "SELECT p.id, p.run_id, p.score, p.created_at, p.ended_at, p.ended_by, \
             p.end_reason, (SELECT {concat} FROM partnership_members m \
             WHERE m.partnership_id = p.id) AS countries \
             FROM partnerships p WHERE p.round_id = $1 ORDER BY p.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        let partnerships = rows
            .iter()
            .map(|row| {
                let ended = match row.try_get::<Option<i64>, _>("ended_at")? {
                    Some(at) => Some((
                        codec::from_ts(at)?,
                        row.try_get::<Option<i64>, _>("ended_by")?.map(UserId),
                        row.try_get::<Option<String>, _>("end_reason")?
                            .unwrap_or_default(),
                    )),
                    None => None,
                };
                let countries: Option<String> = row.try_get("countries")?;
                Ok(PartnershipSummary {
                    id: PartnershipId(row.try_get("id")?),
                    run: row.try_get::<Option<i64>, _>("run_id")?.map(MatchRunId),
                    score: row.try_get("score")?,
                    created_at: codec::from_ts(row.try_get("created_at")?)?,
                    ended,
                    members: countries
                        .as_deref()
                        .unwrap_or_default()
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(codec::country)
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(partnerships)
    }

    /// A round's contacts as the reports count them: the first contact's day of each
    /// partnership that has one, and how many contacts were logged each day by partnerships
    /// with a member in `scope`.
    pub async fn contact_counts(
        &self,
        round: RoundId,
        scope: &PeopleScope,
    ) -> Result<ContactCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT c.partnership_id, MIN(c.on_date) AS first FROM contacts c \
             JOIN partnerships p ON p.id = c.partnership_id WHERE p.round_id = $1 \
             GROUP BY c.partnership_id",
        )
        .bind(round.0)
        .fetch_all(&self.pool)
        .await?;
        let first = rows
            .iter()
            .map(|row| {
                Ok((
                    PartnershipId(row.try_get("partnership_id")?),
                    day(&row.try_get::<String, _>("first")?)?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        let Some((filter, codes)) = scope_filter(scope, 2) else {
            return Ok(ContactCounts {
                first,
                per_day: Vec::new(),
            });
        };
        // `country` is the member's: contacts and partnerships have none.
        let members = if matches!(scope, PeopleScope::All) {
            String::new()
        } else {
            format!(
                "AND EXISTS (SELECT 1 FROM partnership_members m \
                 WHERE m.partnership_id = c.partnership_id AND {filter})"
            )
        };
        let sql = format!(
            "SELECT c.on_date, COUNT(*) AS n FROM contacts c \
             JOIN partnerships p ON p.id = c.partnership_id WHERE p.round_id = $1 \
             {members} GROUP BY c.on_date"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round.0);
        for code in codes {
            query = query.bind(code);
        }
        let per_day = query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| Ok((day(&row.try_get::<String, _>("on_date")?)?, count(row)?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(ContactCounts { first, per_day })
    }
}

fn day(text: &str) -> Result<Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("a contact's day: {text:?}")))
}
