-- Each person's secret calendar address on PostgreSQL. Keep it in step with the SQLite folder.
-- The token only reads the dates of the person's rounds (milestones, topic releases, survey
-- openings), and the account page shows the address again, so it is kept as it is, like the
-- unsubscribe token. Replacing it makes the old address stop working at once.
CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
