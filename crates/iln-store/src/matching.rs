//! A round's matching: the admin's never-pair list and locked pairs, and every matching run
//! with the options it was given and the proposal it produced (both kept as JSON, read and
//! written whole).

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::application::LanguageCode;
use iln_domain::proposal::{Applicant, MatchMode, MatchRequest, Proposal};
use iln_domain::round::LeftoverPolicy;
use iln_domain::scoring::Weights;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::applications::{APPLICATION_COLUMNS, application_from_row};
use crate::codec;
use crate::{
    ApplicationId, ApplicationRecord, ApplicationStatus, Listing, MatchRunId, PastPartners,
    RoundId, Store, StoreError, Tx, UserId,
};

/// What an admin chose on the "Run matching" page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchOptions {
    pub weights: Weights,
    /// Empty means any shared language will do.
    pub languages: BTreeSet<LanguageCode>,
    pub mode: MatchMode,
    pub leftover: LeftoverPolicy,
}

impl MatchOptions {
    /// The options a request was run with.
    pub fn of(request: &MatchRequest) -> MatchOptions {
        MatchOptions {
            weights: request.weights,
            languages: request.program_languages.clone(),
            mode: request.mode,
            leftover: request.leftover,
        }
    }
}

/// One applicant for the engine from a stored application: keyed by the application's id,
/// with the person's history, and their previous partners as the ids of those partners'
/// applications in the same run (`by_user`). `ignore` holds partners not to count as previous:
/// in a re-match, the current partner someone is locked with.
pub fn matching_applicant(
    record: &ApplicationRecord,
    past: &BTreeMap<UserId, PastPartners>,
    by_user: &BTreeMap<UserId, ApplicationId>,
    ignore: &BTreeSet<UserId>,
) -> Applicant {
    let mine = past.get(&record.user);
    Applicant {
        id: record.id.to_string(),
        name: record.application.name.to_string(),
        profile: record
            .application
            .match_profile(mine.map(|p| p.history.clone()).unwrap_or_default()),
        previous_partners: mine
            .map(|p| {
                p.partners
                    .iter()
                    .filter(|user| !ignore.contains(user))
                    .filter_map(|user| by_user.get(user))
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Whether a run paired a whole round or only the people whose partner left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchRunKind {
    Round,
    Rematch,
}

impl MatchRunKind {
    /// The id stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchRunKind::Round => "round",
            MatchRunKind::Rematch => "rematch",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        [MatchRunKind::Round, MatchRunKind::Rematch]
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| StoreError::Corrupt(format!("match run kind {text:?}")))
    }
}

/// A run to record.
#[derive(Clone, Debug)]
pub struct NewMatchRun<'a> {
    pub round: RoundId,
    pub kind: MatchRunKind,
    pub run_by: Option<UserId>,
    pub options: &'a MatchOptions,
    pub proposal: &'a Proposal,
}

/// A recorded run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchRun {
    pub id: MatchRunId,
    pub round: RoundId,
    pub kind: MatchRunKind,
    pub run_by: Option<UserId>,
    pub created_at: Timestamp,
    pub options: MatchOptions,
    pub proposal: Proposal,
}

/// Two applications, smaller id first: the order the tables keep them in.
fn ordered(a: ApplicationId, b: ApplicationId) -> Result<(i64, i64), StoreError> {
    if a == b {
        return Err(StoreError::Conflict(
            "a pair of one person with themselves".to_owned(),
        ));
    }
    Ok((a.0.min(b.0), a.0.max(b.0)))
}

fn pair_from_row(row: &AnyRow) -> Result<(ApplicationId, ApplicationId), StoreError> {
    Ok((
        ApplicationId(row.try_get("a_id")?),
        ApplicationId(row.try_get("b_id")?),
    ))
}

fn run_from_row(row: &AnyRow) -> Result<MatchRun, StoreError> {
    let id = MatchRunId(row.try_get("id")?);
    Ok(MatchRun {
        id,
        round: RoundId(row.try_get("round_id")?),
        kind: MatchRunKind::parse(&row.try_get::<String, _>("kind")?)?,
        run_by: row.try_get::<Option<i64>, _>("run_by")?.map(UserId),
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        options: codec::from_document(
            &format!("matching run {id}'s options"),
            &row.try_get::<String, _>("options")?,
        )?,
        proposal: codec::from_document(
            &format!("matching run {id}'s proposal"),
            &row.try_get::<String, _>("proposal")?,
        )?,
    })
}

const RUN_COLUMNS: &str = "id, round_id, kind, run_by, created_at, options, proposal";

impl Tx {
    /// Adds a pair to the round's never-pair list; adding it again changes nothing.
    pub async fn forbid_pair(
        &mut self,
        round: RoundId,
        a: ApplicationId,
        b: ApplicationId,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (a, b) = ordered(a, b)?;
        self.exec(
            sqlx::query(
                "INSERT INTO match_forbidden (round_id, a_id, b_id, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(round.0)
            .bind(a)
            .bind(b)
            .bind(by.map(|user| user.0))
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }

    /// Takes a pair off the never-pair list; true when it was on it.
    pub async fn allow_pair(
        &mut self,
        round: RoundId,
        a: ApplicationId,
        b: ApplicationId,
    ) -> Result<bool, StoreError> {
        let (a, b) = ordered(a, b)?;
        let removed = self
            .exec(
                sqlx::query(
                    "DELETE FROM match_forbidden WHERE round_id = $1 AND a_id = $2 AND b_id = $3",
                )
                .bind(round.0)
                .bind(a)
                .bind(b),
            )
            .await?;
        Ok(removed > 0)
    }

    /// Locks each of `pairs` together for the round's next runs. A person is in at most one
    /// lock, so any lock these people were in before is replaced: locking A with B after A
    /// was locked with C releases C. Swapping two people is two locks.
    pub async fn lock_pairs(
        &mut self,
        round: RoundId,
        pairs: &[(ApplicationId, ApplicationId)],
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut ordered_pairs = Vec::with_capacity(pairs.len());
        let mut seen = BTreeSet::new();
        for &(a, b) in pairs {
            let pair = ordered(a, b)?;
            for id in [pair.0, pair.1] {
                if !seen.insert(id) {
                    return Err(StoreError::Conflict(format!(
                        "a second lock for application {id}"
                    )));
                }
            }
            ordered_pairs.push(pair);
        }
        for &(a, b) in &ordered_pairs {
            self.exec(
                sqlx::query(
                    "DELETE FROM match_locks WHERE round_id = $1 \
                     AND (a_id IN ($2, $3) OR b_id IN ($2, $3))",
                )
                .bind(round.0)
                .bind(a)
                .bind(b),
            )
            .await?;
        }
        for &(a, b) in &ordered_pairs {
            self.exec(
                sqlx::query(
                    "INSERT INTO match_locks (round_id, a_id, b_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(round.0)
                .bind(a)
                .bind(b)
                .bind(by.map(|user| user.0))
                .bind(codec::ts(now)),
            )
            .await?;
        }
        Ok(())
    }

    /// Releases a lock; true when the pair was locked.
    pub async fn unlock_pair(
        &mut self,
        round: RoundId,
        a: ApplicationId,
        b: ApplicationId,
    ) -> Result<bool, StoreError> {
        let (a, b) = ordered(a, b)?;
        let removed = self
            .exec(
                sqlx::query(
                    "DELETE FROM match_locks WHERE round_id = $1 AND a_id = $2 AND b_id = $3",
                )
                .bind(round.0)
                .bind(a)
                .bind(b),
            )
            .await?;
        Ok(removed > 0)
    }

    /// Records a run.
    pub async fn save_match_run(
        &mut self,
        run: &NewMatchRun<'_>,
        now: Timestamp,
    ) -> Result<MatchRunId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO match_runs (round_id, kind, run_by, created_at, options, proposal) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(run.round.0)
                .bind(run.kind.as_str())
                .bind(run.run_by.map(|user| user.0))
                .bind(codec::ts(now))
                .bind(codec::document("matching options", run.options)?)
                .bind(codec::document("matching proposal", run.proposal)?),
            )
            .await?;
        Ok(MatchRunId(id))
    }

    /// [`Store::forbidden_pairs`] inside the transaction.
    pub async fn forbidden_pairs(
        &mut self,
        round: RoundId,
    ) -> Result<Vec<(ApplicationId, ApplicationId)>, StoreError> {
        pairs_of(self.conn(), "match_forbidden", round).await
    }

    /// [`Store::locked_pairs`] inside the transaction.
    pub async fn locked_pairs(
        &mut self,
        round: RoundId,
    ) -> Result<Vec<(ApplicationId, ApplicationId)>, StoreError> {
        pairs_of(self.conn(), "match_locks", round).await
    }

    /// The round's approved applications, read inside the transaction: who a run may pair
    /// and publishing may introduce, as they stand when it commits.
    pub async fn approved_applications(
        &mut self,
        round: RoundId,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications \
             WHERE round_id = $1 AND status = $2 ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .bind(ApplicationStatus::Approved.as_str())
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(application_from_row).collect()
    }

    /// [`Store::latest_match_runs`] inside the transaction: what publishing reads, so the run
    /// it publishes is the latest one when it commits.
    pub async fn latest_match_runs(
        &mut self,
        round: RoundId,
        kind: MatchRunKind,
        limit: i64,
    ) -> Result<Vec<MatchRun>, StoreError> {
        latest_runs(self.conn(), round, kind, limit).await
    }
}

/// The pairs of `table` (the never-pair list or the locks) for a round, sorted.
async fn pairs_of<'e>(
    executor: impl Executor<'e, Database = Any>,
    table: &'static str,
    round: RoundId,
) -> Result<Vec<(ApplicationId, ApplicationId)>, StoreError> {
    let sql = format!("SELECT a_id, b_id FROM {table} WHERE round_id = $1 ORDER BY a_id, b_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(round.0)
        .fetch_all(executor)
        .await?;
    rows.iter().map(pair_from_row).collect()
}

async fn latest_runs<'e>(
    executor: impl Executor<'e, Database = Any>,
    round: RoundId,
    kind: MatchRunKind,
    limit: i64,
) -> Result<Vec<MatchRun>, StoreError> {
    let rows = latest_run_rows(executor, round, kind, limit).await?;
    rows.iter().map(run_from_row).collect()
}

async fn latest_run_rows<'e>(
    executor: impl Executor<'e, Database = Any>,
    round: RoundId,
    kind: MatchRunKind,
    limit: i64,
) -> Result<Vec<AnyRow>, StoreError> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM match_runs WHERE round_id = $1 AND kind = $2 \
         ORDER BY id DESC LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(round.0)
        .bind(kind.as_str())
        .bind(limit.max(0))
        .fetch_all(executor)
        .await?;
    Ok(rows)
}

impl Store {
    /// [`Tx::forbid_pair`] in its own transaction.
    pub async fn forbid_pair(
        &self,
        round: RoundId,
        a: ApplicationId,
        b: ApplicationId,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.forbid_pair(round, a, b, by, now).await?;
        tx.commit().await
    }

    /// [`Tx::allow_pair`] in its own transaction.
    pub async fn allow_pair(
        &self,
        round: RoundId,
        a: ApplicationId,
        b: ApplicationId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let removed = tx.allow_pair(round, a, b).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// [`Tx::lock_pairs`] in its own transaction.
    pub async fn lock_pairs(
        &self,
        round: RoundId,
        pairs: &[(ApplicationId, ApplicationId)],
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.lock_pairs(round, pairs, by, now).await?;
        tx.commit().await
    }

    /// [`Tx::unlock_pair`] in its own transaction.
    pub async fn unlock_pair(
        &self,
        round: RoundId,
        a: ApplicationId,
        b: ApplicationId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let removed = tx.unlock_pair(round, a, b).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// [`Tx::save_match_run`] in its own transaction.
    pub async fn save_match_run(
        &self,
        run: &NewMatchRun<'_>,
        now: Timestamp,
    ) -> Result<MatchRunId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.save_match_run(run, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The round's never-pair list, smaller id first in each pair, sorted.
    pub async fn forbidden_pairs(
        &self,
        round: RoundId,
    ) -> Result<Vec<(ApplicationId, ApplicationId)>, StoreError> {
        pairs_of(&self.pool, "match_forbidden", round).await
    }

    /// The round's locked pairs, smaller id first in each pair, sorted.
    pub async fn locked_pairs(
        &self,
        round: RoundId,
    ) -> Result<Vec<(ApplicationId, ApplicationId)>, StoreError> {
        pairs_of(&self.pool, "match_locks", round).await
    }

    /// The run with this id.
    pub async fn match_run(&self, id: MatchRunId) -> Result<Option<MatchRun>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM match_runs WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(run_from_row).transpose()
    }

    /// The last `limit` runs of this kind for the round, newest first: the page shows the
    /// latest and compares it with the one before.
    pub async fn latest_match_runs(
        &self,
        round: RoundId,
        kind: MatchRunKind,
        limit: i64,
    ) -> Result<Vec<MatchRun>, StoreError> {
        latest_runs(&self.pool, round, kind, limit).await
    }

    /// [`Store::latest_match_runs`] with the runs this release cannot read set apart, for the
    /// matching page: an unreadable old run does not stop an admin from running again.
    pub async fn match_run_listing(
        &self,
        round: RoundId,
        kind: MatchRunKind,
        limit: i64,
    ) -> Result<Listing<MatchRun>, StoreError> {
        let rows = latest_run_rows(&self.pool, round, kind, limit).await?;
        codec::listing(&rows, run_from_row)
    }

    /// How many runs of this kind the round has had.
    pub async fn count_match_runs(
        &self,
        round: RoundId,
        kind: MatchRunKind,
    ) -> Result<i64, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM match_runs WHERE round_id = $1 AND kind = $2")
                .bind(round.0)
                .bind(kind.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get("n")?)
    }
}
