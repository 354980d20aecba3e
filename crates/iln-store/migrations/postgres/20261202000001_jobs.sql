-- The jobs queue on PostgreSQL: every piece of background work (an email to deliver, a round's
-- date transition) is one row, written in the same transaction as the action that causes it.
-- Keep it in step with the SQLite folder: the two differ only in the identity column.
-- Timestamps are BIGINT microseconds since the Unix epoch (UTC), as everywhere else.

CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Which handler runs it, e.g. 'email'.
    kind TEXT NOT NULL,
    -- The handler's input as JSON text, in the shape that payload_version names, so a
    -- handler can still read a job queued by an older release.
    payload TEXT NOT NULL,
    payload_version BIGINT NOT NULL CHECK (payload_version >= 1),
    -- When it may run (first, or next after a failure).
    run_at BIGINT NOT NULL,
    -- failed: refused for good by the far side (an SMTP 5xx); dead: out of attempts.
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'done', 'failed', 'dead', 'cancelled')),
    -- Times a worker has claimed it.
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
    -- While running: which worker holds it, and until when. A lease past its time belongs to
    -- a worker that died, and the job may be claimed again.
    lease_owner TEXT,
    lease_until BIGINT,
    -- Enqueueing the same key twice is a no-op, so an action retried after a crash does not
    -- schedule its work twice; NULL for jobs that need no such guard.
    idempotency_key TEXT UNIQUE,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
-- What a claim looks for: due pending jobs, and running jobs whose lease has ended.
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_lease ON jobs (status, lease_until);
