-- The alumni directory on PostgreSQL: one row per person who joined it, with what they chose
-- to show. Leaving deletes the row, so they vanish from the directory at once. Keep it in
-- step with the SQLite folder.

CREATE TABLE alumni (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    -- A versioned JSON document: the bio and what the entry shows.
    listing TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
