-- Surveys on PostgreSQL: what the network asks a round's participants, who was invited, and
-- the answers. Keep it in step with the SQLite folder.

CREATE TABLE surveys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    -- A versioned JSON document: the survey as built (title, kind, questions with their
    -- keys, days, anonymity, reminders).
    document TEXT NOT NULL,
    -- The opening day (YYYY-MM-DD), for ordering without reading the document.
    opens_on TEXT NOT NULL CHECK (length(opens_on) = 10),
    -- When the invitations were queued; set once. The questions stay as they are after it.
    opened_at BIGINT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX surveys_round ON surveys (round_id, opens_on, id);

-- One row per person asked: their link (its SHA-256 only) and whether they answered. For an
-- anonymous survey this is all that is kept about the person.
CREATE TABLE survey_invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- The person's country in the round, for response rates by country.
    country TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent_at BIGINT NOT NULL,
    responded_at BIGINT,
    -- How many reminders went out to them.
    reminded INTEGER NOT NULL DEFAULT 0,
    UNIQUE (survey_id, user_id)
);

-- The answers. `respondent` is the SHA-256 of a second value derived from the person's link,
-- so the holder of the link finds (and changes) their answers while the database alone
-- cannot tell whose an anonymous response is: `user_id` stays empty for those.
CREATE TABLE survey_responses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    respondent TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id),
    country TEXT NOT NULL,
    -- A versioned JSON document: the answers by question key.
    answers TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, id);
