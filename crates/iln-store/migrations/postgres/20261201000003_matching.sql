-- Matching and partnerships on PostgreSQL: the admin's never-pair list and locked pairs for a
-- round, every matching run with its options and proposal, and the published partnerships
-- with their members. Keep it in step with the SQLite folder.

-- Pairs of applications an admin said never to put together; stored with a < b.
CREATE TABLE match_forbidden (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    a_id BIGINT NOT NULL REFERENCES applications (id),
    b_id BIGINT NOT NULL REFERENCES applications (id) CHECK (a_id < b_id),
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, a_id, b_id)
);

-- Pairs of applications an admin fixed in advance; stored with a < b. Each application is in
-- at most one lock, which the engine needs.
CREATE TABLE match_locks (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    a_id BIGINT NOT NULL REFERENCES applications (id),
    b_id BIGINT NOT NULL REFERENCES applications (id) CHECK (a_id < b_id),
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, a_id, b_id)
);
CREATE UNIQUE INDEX match_locks_a ON match_locks (round_id, a_id);
CREATE UNIQUE INDEX match_locks_b ON match_locks (round_id, b_id);

-- Every "Run matching": what was asked (JSON options) and what came out (JSON proposal).
CREATE TABLE match_runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    -- 'round' for a round's matching, 'rematch' for pairing people whose partner left.
    kind TEXT NOT NULL CHECK (kind IN ('round', 'rematch')),
    run_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    options TEXT NOT NULL,
    proposal TEXT NOT NULL
);
CREATE INDEX match_runs_round ON match_runs (round_id, id);

CREATE TABLE partnerships (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    -- The run it came from; None for partnerships imported or made by hand.
    run_id BIGINT REFERENCES match_runs (id),
    score BIGINT NOT NULL,
    explanation TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- Set when the partnership ended early; it is running while these are NULL.
    ended_at BIGINT,
    ended_by BIGINT REFERENCES users (id),
    end_reason TEXT
);
CREATE INDEX partnerships_round ON partnerships (round_id, id);

-- The members, with a copy of what their partners see (profile JSON) and of what the
-- wider-network bonus needs (country, sector), as they were when the partnership was made.
CREATE TABLE partnership_members (
    partnership_id BIGINT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    application_id BIGINT REFERENCES applications (id),
    position BIGINT NOT NULL,
    country TEXT NOT NULL CHECK (length(country) = 2),
    sector TEXT NOT NULL,
    profile TEXT NOT NULL,
    PRIMARY KEY (partnership_id, user_id)
);
CREATE INDEX partnership_members_user ON partnership_members (user_id);
