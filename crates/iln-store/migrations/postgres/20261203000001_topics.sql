-- Discussion topics on PostgreSQL: what coordinators publish to a round every few weeks. Keep it
-- in step with the SQLite folder.

CREATE TABLE topics (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    -- Set for a part of another topic ("A Pinterest Roundup" of "Libraries & Social Media").
    part_of BIGINT REFERENCES topics (id),
    title TEXT NOT NULL,
    -- Markdown as written; pages and emails render and sanitise it.
    body TEXT NOT NULL,
    -- A versioned JSON document: the resource links.
    resources TEXT NOT NULL,
    -- The release: this day (YYYY-MM-DD), at this time of day (HH:MM) in each reader's zone.
    release_on TEXT NOT NULL CHECK (length(release_on) = 10),
    release_time TEXT NOT NULL CHECK (length(release_time) = 5),
    -- When the release queued every reader's email; set once, never cleared, so an edit
    -- after it never sends the topic again.
    released_at BIGINT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX topics_round ON topics (round_id, release_on, id);
CREATE INDEX topics_part_of ON topics (part_of);
