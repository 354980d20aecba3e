-- The foundation schema on SQLite: accounts, one-time tokens, sessions, the email outbox, the
-- append-only audit log and participant profiles. Keep it in step with the PostgreSQL folder:
-- the two differ only in identity columns and trigger syntax.
-- Timestamps are BIGINT microseconds since the Unix epoch (UTC); booleans are derived from
-- nullable timestamps so the Any driver only ever sees integers and text.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'country_coordinator', 'participant')),
    email_verified_at BIGINT,
    time_zone TEXT,
    created_at BIGINT NOT NULL
);

-- The countries a country coordinator is scoped to (empty for other roles).
CREATE TABLE user_countries (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    country TEXT NOT NULL CHECK (length(country) = 2),
    PRIMARY KEY (user_id, country)
);

-- Only the SHA-256 of a token is kept, so a leaked database does not leak usable links.
CREATE TABLE tokens (
    token_sha256 TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_user_purpose ON tokens (user_id, purpose);

CREATE TABLE sessions (
    session_sha256 TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    -- When a pending email may next be tried.
    due_at BIGINT NOT NULL,
    -- While in the future, one worker owns the email and no other claims it.
    lease_until BIGINT
);
CREATE INDEX outbox_due ON outbox (status, due_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at, id);

-- The audit log is append-only: the database itself refuses changes, not only our code.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    country TEXT NOT NULL CHECK (length(country) = 2),
    city TEXT NOT NULL,
    institution TEXT NOT NULL,
    sector TEXT NOT NULL,
    career_stage TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    -- JSON arrays of strings.
    languages TEXT NOT NULL,
    interests TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX people_country ON people (country, id);
