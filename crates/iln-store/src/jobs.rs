//! The jobs queue: background work as rows, enqueued inside the transaction of the action that
//! causes it (so it exists exactly when that action commits), and claimed by workers one job
//! at a time under a lease.
//!
//! The life of a job: `pending` (due at `run_at`) → `running` (leased by one worker) →
//! `done`, or back to `pending` with a later `run_at` after a temporary failure, or `dead`
//! once its attempts are spent, or `failed` at once when the far side refused it for good.
//! An admin may `retry` a failed, dead or cancelled job and `cancel` one that has not run.
//!
//! Several workers share one database safely: a claim picks one due job and leases it in one
//! statement (PostgreSQL skips rows another claimer has locked; SQLite's `BEGIN IMMEDIATE`
//! lets one writer in at a time), and every later change to a running job names the lease
//! owner, so a worker whose lease was taken over cannot overwrite the new owner's outcome.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{Backend, JobId, Store, StoreError, Tx};

/// How many times a job is tried before it is dead, unless its [`NewJob`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;

const JOB_COLUMNS: &str = "id, kind, payload, payload_version, run_at, status, attempts, \
     max_attempts, lease_owner, lease_until, idempotency_key, last_error, created_at, \
     updated_at, finished_at";
const JOB_COLUMNS_QUALIFIED: &str = "jobs.id, jobs.kind, jobs.payload, jobs.payload_version, \
     jobs.run_at, jobs.status, jobs.attempts, jobs.max_attempts, jobs.lease_owner, \
     jobs.lease_until, jobs.idempotency_key, jobs.last_error, jobs.created_at, \
     jobs.updated_at, jobs.finished_at";

/// A job a worker may claim at `$2` (now): pending and due, or running under a lease that has
/// ended (its worker died).
const CLAIMABLE: &str = "((jobs.status = 'pending' AND jobs.run_at <= $2) \
     OR (jobs.status = 'running' AND jobs.lease_until <= $2))";

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobStatus {
    /// Waiting for its `run_at` (first time, or again after a temporary failure).
    Pending,
    /// Leased by a worker that is running it.
    Running,
    Done,
    /// Refused for good by the other side (an SMTP 5xx): no point trying again by itself.
    Failed,
    /// Every attempt failed.
    Dead,
    /// An admin, or the action that scheduled it, called it off.
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 6] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Dead,
        JobStatus::Cancelled,
    ];

    /// The id stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Dead => "dead",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        JobStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// A job to enqueue. Build it with [`NewJob::new`], then [`NewJob::key`] and
/// [`NewJob::max_attempts`] where the defaults do not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Which handler runs it (the worker's registry is keyed by it), e.g. `email`.
    pub kind: String,
    /// The handler's input as JSON text.
    pub payload: String,
    /// The shape of `payload`, so a handler can read jobs queued by an older release.
    pub payload_version: i64,
    pub run_at: Timestamp,
    pub max_attempts: i64,
    /// When set, enqueueing a second job with the same key does nothing (and gives back the
    /// first job's id): an action retried after a crash schedules its work once.
    pub idempotency_key: Option<String>,
}

impl NewJob {
    /// A job of `kind` whose input is `payload` (in the shape `payload_version` names), due
    /// at `run_at`, with [`DEFAULT_MAX_ATTEMPTS`] and no idempotency key.
    pub fn new(
        kind: impl Into<String>,
        payload_version: i64,
        payload: &impl Serialize,
        run_at: Timestamp,
    ) -> Result<Self, StoreError> {
        let payload = serde_json::to_string(payload)
            .map_err(|e| StoreError::Corrupt(format!("a job payload: {e}")))?;
        Ok(Self {
            kind: kind.into(),
            payload,
            payload_version,
            run_at,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            idempotency_key: None,
        })
    }

    /// Guards the job with an idempotency key (see [`NewJob::idempotency_key`]).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// How many attempts before the job is dead (at least one).
    pub fn max_attempts(mut self, attempts: i64) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    /// JSON text in the shape `payload_version` names.
    pub payload: String,
    pub payload_version: i64,
    pub run_at: Timestamp,
    pub status: JobStatus,
    /// How many times a worker has claimed it, this claim included.
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub idempotency_key: Option<String>,
    /// What went wrong last time, in the words of whatever refused it.
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When it became done, failed, dead or cancelled.
    pub finished_at: Option<Timestamp>,
}

/// Why a running job did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFailure {
    /// Worth another try from this time on; the job is dead instead once its attempts are
    /// spent.
    RetryAt(Timestamp),
    /// Refused for good: the job is `failed` at once, for an admin to look at.
    Permanent,
}

fn job_from_row(row: &AnyRow) -> Result<Job, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Job {
        id: JobId(row.try_get("id")?),
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        payload_version: row.try_get("payload_version")?,
        run_at: codec::from_ts(row.try_get("run_at")?)?,
        status: JobStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("job status {status:?}")))?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        lease_owner: row.try_get("lease_owner")?,
        lease_until: codec::from_opt_ts(row.try_get("lease_until")?)?,
        idempotency_key: row.try_get("idempotency_key")?,
        last_error: row.try_get("last_error")?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
        finished_at: codec::from_opt_ts(row.try_get("finished_at")?)?,
    })
}

impl Tx {
    /// The job holding idempotency key `key`, inside the transaction.
    pub async fn job_by_key(&mut self, key: &str) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE idempotency_key = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    /// Queues `job` as part of the action this transaction writes: it exists exactly when the
    /// action commits. With an idempotency key that a job already has, nothing is written and
    /// that job's id comes back (whatever its status), never an error.
    pub async fn enqueue_job(&mut self, job: &NewJob, now: Timestamp) -> Result<JobId, StoreError> {
        let inserted = self
            .exec_returning(
                sqlx::query(
                    "INSERT INTO jobs (kind, payload, payload_version, run_at, status, attempts, \
                     max_attempts, idempotency_key, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, $7) \
                     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                )
                .bind(job.kind.as_str())
                .bind(job.payload.as_str())
                .bind(job.payload_version)
                .bind(codec::ts(job.run_at))
                .bind(job.max_attempts.max(1))
                .bind(job.idempotency_key.as_deref())
                .bind(codec::ts(now)),
            )
            .await?;
        if let Some(row) = inserted {
            return Ok(JobId(row.try_get("id")?));
        }
        // Only a key can conflict, so there is one: the job that holds it already.
        let key = job.idempotency_key.as_deref().unwrap_or_default();
        let row = sqlx::query("SELECT id FROM jobs WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(self.conn())
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("job key {key:?} conflicted but is gone"))
            })?;
        Ok(JobId(row.try_get("id")?))
    }

    /// Moves the job with idempotency key `key` to run at `run_at` (a round's dates changed).
    /// A job that has already finished (done, failed, dead, cancelled) is armed again, with
    /// its attempts reset. Returns false when no job has this key, or it is running right
    /// now; then the caller's job sees the new dates when it runs, or the caller enqueues one.
    pub async fn reschedule_job(
        &mut self,
        key: &str,
        run_at: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE jobs SET run_at = $1, updated_at = $2, status = 'pending', \
                     attempts = CASE WHEN status = 'pending' THEN attempts ELSE 0 END, \
                     finished_at = NULL, lease_owner = NULL, lease_until = NULL \
                     WHERE idempotency_key = $3 AND status <> 'running'",
                )
                .bind(codec::ts(run_at))
                .bind(codec::ts(now))
                .bind(key),
            )
            .await?;
        Ok(changed > 0)
    }

    /// Calls off the job with idempotency key `key` unless it is running or done. Returns
    /// whether a job was cancelled.
    pub async fn cancel_job_by_key(
        &mut self,
        key: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE jobs SET status = 'cancelled', updated_at = $1, finished_at = $1 \
                     WHERE idempotency_key = $2 AND status IN ('pending', 'failed', 'dead')",
                )
                .bind(codec::ts(now))
                .bind(key),
            )
            .await?;
        Ok(changed > 0)
    }

    /// An admin's cancel: calls off job `id` unless it is running, done or already cancelled.
    /// Returns whether it was cancelled.
    pub async fn cancel_job(&mut self, id: JobId, now: Timestamp) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE jobs SET status = 'cancelled', updated_at = $1, finished_at = $1 \
                     WHERE id = $2 AND status IN ('pending', 'failed', 'dead')",
                )
                .bind(codec::ts(now))
                .bind(id.0),
            )
            .await?;
        Ok(changed > 0)
    }

    /// An admin's retry: a failed, dead or cancelled job (or a pending one waiting for its
    /// backoff) becomes due now, with a fresh set of attempts. Returns whether it changed.
    pub async fn retry_job(&mut self, id: JobId, now: Timestamp) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE jobs SET status = 'pending', run_at = $1, updated_at = $1, \
                     attempts = 0, finished_at = NULL, lease_owner = NULL, lease_until = NULL \
                     WHERE id = $2 AND status IN ('pending', 'failed', 'dead', 'cancelled')",
                )
                .bind(codec::ts(now))
                .bind(id.0),
            )
            .await?;
        Ok(changed > 0)
    }

    /// Job `id`, read inside this transaction.
    pub async fn job(&mut self, id: JobId) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }
}

impl Store {
    /// [`Tx::enqueue_job`] in its own transaction.
    pub async fn enqueue_job(&self, job: &NewJob, now: Timestamp) -> Result<JobId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.enqueue_job(job, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes the next due job of one of `kinds` (due pending jobs oldest first, and jobs
    /// whose worker died once their lease has ended) and leases it to `owner` until
    /// `lease_until`. The claim counts as an attempt. One job per call: a worker holds a lease
    /// only on what it is running, so no lease ends while its job waits in a batch.
    pub async fn claim_job(
        &self,
        owner: &str,
        kinds: &[&str],
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>, StoreError> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let kind_list = (0..kinds.len())
            .map(|n| format!("${}", n + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let set = "status = 'running', lease_owner = $1, lease_until = $3, \
                   attempts = attempts + 1, updated_at = $2";
        // The claimable condition is repeated on the row being updated on purpose: a
        // PostgreSQL claimer re-checks it against the row as a concurrent claimer left it.
        let sql = match self.backend {
            // The write lock taken by BEGIN IMMEDIATE keeps every other claimer out until
            // this transaction commits.
            Backend::Sqlite => format!(
                "UPDATE jobs SET {set} WHERE {CLAIMABLE} AND jobs.id = \
                 (SELECT jobs.id FROM jobs WHERE {CLAIMABLE} AND jobs.kind IN ({kind_list}) \
                  ORDER BY jobs.run_at, jobs.id LIMIT 1) \
                 RETURNING {JOB_COLUMNS}"
            ),
            // SKIP LOCKED lets concurrent claimers take different jobs instead of queueing
            // behind one another's row locks (or taking the same one).
            Backend::Postgres => format!(
                "WITH picked AS (SELECT jobs.id FROM jobs \
                                 WHERE {CLAIMABLE} AND jobs.kind IN ({kind_list}) \
                                 ORDER BY jobs.run_at, jobs.id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 UPDATE jobs SET {set} FROM picked WHERE jobs.id = picked.id AND {CLAIMABLE} \
                 RETURNING {JOB_COLUMNS_QUALIFIED}"
            ),
        };
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .bind(codec::ts(now))
            .bind(codec::ts(lease_until));
        for kind in kinds {
            statement = statement.bind(*kind);
        }
        let mut tx = self.begin().await?;
        let row = tx.exec_returning(statement).await?;
        tx.commit().await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// Extends `owner`'s lease on running job `id` to `lease_until`. False when the lease is
    /// no longer `owner`'s (it ended and another worker took the job).
    pub async fn renew_job_lease(
        &self,
        id: JobId,
        owner: &str,
        lease_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.change_running_job(
            sqlx::query(
                "UPDATE jobs SET lease_until = $1, updated_at = $2 \
                 WHERE id = $3 AND status = 'running' AND lease_owner = $4",
            )
            .bind(codec::ts(lease_until))
            .bind(codec::ts(now))
            .bind(id.0)
            .bind(owner),
        )
        .await
    }

    /// Records that `owner` finished running job `id`. False when the lease was no longer
    /// `owner`'s, and nothing changed.
    pub async fn complete_job(
        &self,
        id: JobId,
        owner: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.change_running_job(
            sqlx::query(
                "UPDATE jobs SET status = 'done', finished_at = $1, updated_at = $1, \
                 lease_owner = NULL, lease_until = NULL, last_error = NULL \
                 WHERE id = $2 AND status = 'running' AND lease_owner = $3",
            )
            .bind(codec::ts(now))
            .bind(id.0)
            .bind(owner),
        )
        .await
    }

    /// Records that job `id` failed under `owner` with `error`: pending again from the retry
    /// time (dead instead when its attempts are spent), or failed for good. Gives back the
    /// status it now has, or None when the lease was no longer `owner`'s.
    pub async fn fail_job(
        &self,
        id: JobId,
        owner: &str,
        error: &str,
        failure: JobFailure,
        now: Timestamp,
    ) -> Result<Option<JobStatus>, StoreError> {
        let (status_sql, run_at) = match failure {
            JobFailure::RetryAt(at) => (
                "CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'pending' END",
                Some(at),
            ),
            JobFailure::Permanent => ("'failed'", None),
        };
        let sql = format!(
            "UPDATE jobs SET status = {status_sql}, last_error = $1, updated_at = $2, \
             run_at = COALESCE($3, run_at), lease_owner = NULL, lease_until = NULL, \
             finished_at = CASE WHEN {status_sql} = 'pending' THEN NULL ELSE $2 END \
             WHERE id = $4 AND status = 'running' AND lease_owner = $5 RETURNING status"
        );
        let mut tx = self.begin().await?;
        let row = tx
            .exec_returning(
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(error)
                    .bind(codec::ts(now))
                    .bind(run_at.map(codec::ts))
                    .bind(id.0)
                    .bind(owner),
            )
            .await?;
        tx.commit().await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let status: String = row.try_get("status")?;
        JobStatus::parse(&status)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("job status {status:?}")))
    }

    /// Gives job `id` back unfinished (its worker is stopping): pending and due at once, so
    /// another worker takes it without waiting for the lease to end. The attempt still
    /// counts, so a job that never finishes in time still ends up dead.
    pub async fn release_job(
        &self,
        id: JobId,
        owner: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.change_running_job(
            sqlx::query(
                "UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_until = NULL, \
                 updated_at = $1, run_at = $1 \
                 WHERE id = $2 AND status = 'running' AND lease_owner = $3",
            )
            .bind(codec::ts(now))
            .bind(id.0)
            .bind(owner),
        )
        .await
    }

    async fn change_running_job(
        &self,
        statement: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let changed = tx.exec(statement).await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// [`Tx::reschedule_job`] in its own transaction.
    pub async fn reschedule_job(
        &self,
        key: &str,
        run_at: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let moved = tx.reschedule_job(key, run_at, now).await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Job `id`.
    pub async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    /// The job holding idempotency key `key`.
    pub async fn job_by_key(&self, key: &str) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE idempotency_key = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    /// A page of the jobs in `status`, newest change first; every status when None.
    pub async fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Job>, StoreError> {
        // Two statements rather than `$1 IS NULL OR …`: PostgreSQL cannot type a parameter
        // that is only ever compared with NULL.
        let order = "ORDER BY updated_at DESC, id DESC LIMIT $1 OFFSET $2";
        let sql = match status {
            Some(_) => format!("SELECT {JOB_COLUMNS} FROM jobs WHERE status = $3 {order}"),
            None => format!("SELECT {JOB_COLUMNS} FROM jobs {order}"),
        };
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit.max(0))
            .bind(offset.max(0));
        if let Some(status) = status {
            statement = statement.bind(status.as_str());
        }
        let rows = statement.fetch_all(&self.pool).await?;
        rows.iter().map(job_from_row).collect()
    }

    /// A page of the jobs of `kind`, newest first (by id: the order they were queued).
    pub async fn list_jobs_of_kind(
        &self,
        kind: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE kind = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job_from_row).collect()
    }

    /// How many jobs of `kind` there are, in any status.
    pub async fn count_jobs_of_kind(&self, kind: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE kind = $1")
            .bind(kind)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// How many jobs each status holds, every status listed (zero included), in
    /// [`JobStatus::ALL`] order.
    pub async fn count_jobs(&self) -> Result<Vec<(JobStatus, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut counts: Vec<(JobStatus, i64)> = JobStatus::ALL
            .into_iter()
            .map(|status| (status, 0))
            .collect();
        for row in rows {
            let status: String = row.try_get("status")?;
            let status = JobStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("job status {status:?}")))?;
            let n: i64 = row.try_get("n")?;
            if let Some(entry) = counts.iter_mut().find(|(s, _)| *s == status) {
                entry.1 = n;
            }
        }
        Ok(counts)
    }
}
