//! Check-ins (each member's answer to "Have you heard from your partner?") and the ladders
//! of partnerships that went quiet.

use iln_domain::checkin::{CheckInAnswer, LadderReason, LadderStep};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{PartnershipId, RoundId, Store, StoreError, Tx, UserId};

/// One member's check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRecord {
    pub id: i64,
    pub partnership: PartnershipId,
    pub user: UserId,
    pub day: i64,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
    pub answer: Option<CheckInAnswer>,
    pub answered_at: Option<Timestamp>,
}

/// A quiet partnership's ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRecord {
    pub partnership: PartnershipId,
    pub reason: LadderReason,
    pub waiting: Option<UserId>,
    pub step: LadderStep,
    pub started_at: Timestamp,
    pub updated_at: Timestamp,
    pub stopped_at: Option<Timestamp>,
}

const CHECKIN_COLUMNS: &str = "c.id, c.partnership_id, c.user_id, c.day, c.sent_at, \
     c.expires_at, c.answer, c.answered_at";
const LADDER_COLUMNS: &str = "l.partnership_id, l.reason, l.waiting, l.step, l.started_at, \
     l.updated_at, l.stopped_at";

fn checkin_from_row(row: &AnyRow) -> Result<CheckInRecord, StoreError> {
    let answer: Option<String> = row.try_get("answer")?;
    Ok(CheckInRecord {
        id: row.try_get("id")?,
        partnership: PartnershipId(row.try_get("partnership_id")?),
        user: UserId(row.try_get("user_id")?),
        day: row.try_get("day")?,
        sent_at: codec::from_ts(row.try_get("sent_at")?)?,
        expires_at: codec::from_ts(row.try_get("expires_at")?)?,
        answer: answer
            .map(|a| {
                CheckInAnswer::parse(&a)
                    .ok_or_else(|| StoreError::Corrupt(format!("a check-in answer: {a:?}")))
            })
            .transpose()?,
        answered_at: codec::from_opt_ts(row.try_get("answered_at")?)?,
    })
}

fn ladder_from_row(row: &AnyRow) -> Result<LadderRecord, StoreError> {
    let reason: String = row.try_get("reason")?;
    let step: i64 = row.try_get("step")?;
    Ok(LadderRecord {
        partnership: PartnershipId(row.try_get("partnership_id")?),
        reason: LadderReason::parse(&reason)
            .ok_or_else(|| StoreError::Corrupt(format!("a ladder's reason: {reason:?}")))?,
        waiting: row.try_get::<Option<i64>, _>("waiting")?.map(UserId),
        step: LadderStep::from_number(step)
            .ok_or_else(|| StoreError::Corrupt(format!("a ladder's step: {step}")))?,
        started_at: codec::from_ts(row.try_get("started_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
        stopped_at: codec::from_opt_ts(row.try_get("stopped_at")?)?,
    })
}

impl Tx {
    /// Records a check-in sent to `user`, its link's secret stored as `token_hash`. False,
    /// writing nothing, when this member already has this day's check-in.
    pub async fn create_checkin(
        &mut self,
        partnership: PartnershipId,
        user: UserId,
        day: i64,
        token_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "INSERT INTO checkins (partnership_id, user_id, day, token_hash, sent_at, \
                     expires_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (partnership_id, user_id, day) DO NOTHING",
                )
                .bind(partnership.0)
                .bind(user.0)
                .bind(day)
                .bind(token_hash)
                .bind(codec::ts(now))
                .bind(codec::ts(expires_at)),
            )
            .await?;
        Ok(changed > 0)
    }

    /// The check-in whose link's secret hashes to `token_hash`.
    pub async fn checkin_by_hash(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<CheckInRecord>, StoreError> {
        let sql = format!("SELECT {CHECKIN_COLUMNS} FROM checkins c WHERE c.token_hash = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(checkin_from_row).transpose()
    }

    /// Stores an answer, if the check-in has none yet.
    pub async fn answer_checkin(
        &mut self,
        id: i64,
        answer: CheckInAnswer,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE checkins SET answer = $1, answered_at = $2 \
                     WHERE id = $3 AND answer IS NULL",
                )
                .bind(answer.as_str())
                .bind(codec::ts(now))
                .bind(id),
            )
            .await?;
        Ok(changed > 0)
    }

    /// A partnership's check-ins, read inside the transaction.
    pub async fn checkins_of(
        &mut self,
        partnership: PartnershipId,
    ) -> Result<Vec<CheckInRecord>, StoreError> {
        let sql = format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins c WHERE c.partnership_id = $1 ORDER BY c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(partnership.0)
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(checkin_from_row).collect()
    }

    /// Whether any contact is logged for a partnership (a check-in's "in touch" included).
    pub async fn has_contact(&mut self, partnership: PartnershipId) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM contacts WHERE partnership_id = $1")
            .bind(partnership.0)
            .fetch_one(self.conn())
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Starts a partnership's ladder at its first step, unless it has one already.
    pub async fn start_ladder(
        &mut self,
        partnership: PartnershipId,
        reason: LadderReason,
        waiting: Option<UserId>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "INSERT INTO ladders (partnership_id, reason, waiting, step, started_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
                     ON CONFLICT (partnership_id) DO NOTHING",
                )
                .bind(partnership.0)
                .bind(reason.as_str())
                .bind(waiting.map(|u| u.0))
                .bind(LadderStep::Reminded.number())
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(changed > 0)
    }

    /// A partnership's ladder.
    pub async fn ladder(
        &mut self,
        partnership: PartnershipId,
    ) -> Result<Option<LadderRecord>, StoreError> {
        let sql = format!("SELECT {LADDER_COLUMNS} FROM ladders l WHERE l.partnership_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(partnership.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(ladder_from_row).transpose()
    }

    /// Moves a running ladder to `step`.
    pub async fn set_ladder_step(
        &mut self,
        partnership: PartnershipId,
        step: LadderStep,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "UPDATE ladders SET step = $1, updated_at = $2 \
                 WHERE partnership_id = $3 AND stopped_at IS NULL",
            )
            .bind(step.number())
            .bind(codec::ts(now))
            .bind(partnership.0),
        )
        .await?;
        Ok(())
    }

    /// Stops a partnership's ladder: someone reported contact. False when none was running.
    pub async fn stop_ladder(
        &mut self,
        partnership: PartnershipId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE ladders SET stopped_at = $1, updated_at = $1 \
                     WHERE partnership_id = $2 AND stopped_at IS NULL",
                )
                .bind(codec::ts(now))
                .bind(partnership.0),
            )
            .await?;
        Ok(changed > 0)
    }
}

impl Store {
    /// Every check-in of a round's partnerships.
    pub async fn round_checkins(&self, round: RoundId) -> Result<Vec<CheckInRecord>, StoreError> {
        let sql = format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins c \
             JOIN partnerships p ON p.id = c.partnership_id WHERE p.round_id = $1 ORDER BY c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(checkin_from_row).collect()
    }

    /// Every ladder of a round's partnerships.
    pub async fn round_ladders(&self, round: RoundId) -> Result<Vec<LadderRecord>, StoreError> {
        let sql = format!(
            "SELECT {LADDER_COLUMNS} FROM ladders l \
             JOIN partnerships p ON p.id = l.partnership_id WHERE p.round_id = $1 \
             ORDER BY l.started_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(ladder_from_row).collect()
    }

    /// A partnership's ladder.
    pub async fn ladder(
        &self,
        partnership: PartnershipId,
    ) -> Result<Option<LadderRecord>, StoreError> {
        let sql = format!("SELECT {LADDER_COLUMNS} FROM ladders l WHERE l.partnership_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(partnership.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(ladder_from_row).transpose()
    }
}
