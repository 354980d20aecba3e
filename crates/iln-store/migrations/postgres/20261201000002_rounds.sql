-- Rounds and applications on PostgreSQL. Keep it in step with the SQLite folder: the two
-- differ only in identity columns.
-- A round's settings are one JSON document (the domain's RoundSettings): they are read and
-- written whole, and only the state is ever queried.

CREATE TABLE rounds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    settings TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'review', 'matching', 'active', 'closed')),
    -- JSON array of the areas of interest the form offers.
    interests TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rounds_state ON rounds (state, id);

-- One application per account and round. The answers are the form as JSON (what the person
-- typed, parsed and normalised); the columns beside them repeat what the review queue filters
-- and duplicate detection compare, so those are plain SQL.
CREATE TABLE applications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    answers TEXT NOT NULL,
    email TEXT NOT NULL,
    full_name TEXT NOT NULL,
    institution TEXT NOT NULL,
    country TEXT NOT NULL CHECK (length(country) = 2),
    sector TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('submitted', 'approved', 'declined', 'waitlisted', 'deferred', 'withdrawn')),
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    decided_at BIGINT,
    decision_message TEXT,
    -- Set while duplicate detection flags this application: the first of its group.
    duplicate_of BIGINT REFERENCES applications (id),
    duplicate_reason TEXT,
    -- A coordinator looked at the flag and kept both: never flagged again.
    duplicate_kept_at BIGINT,
    -- The deferred application of an earlier round this one was carried over from.
    carried_from BIGINT UNIQUE REFERENCES applications (id),
    UNIQUE (round_id, user_id)
);
CREATE INDEX applications_round ON applications (round_id, country, id);
CREATE INDEX applications_user ON applications (user_id, submitted_at);

-- Coordinators' notes on an application; an endorsement is a note that endorses.
CREATE TABLE application_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    author_id BIGINT REFERENCES users (id),
    endorsement BIGINT NOT NULL DEFAULT 0 CHECK (endorsement IN (0, 1)),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX application_notes_application ON application_notes (application_id, id);
