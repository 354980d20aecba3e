-- Which optional emails a person wants, on PostgreSQL. Keep it in step with the SQLite folder.
-- Discussion topics are optional by email (they are on the site too); an emailed link with
-- this token turns them off or on again without signing in. The token only does that, so it
-- is kept as it is and not hashed: every topic email carries it.
CREATE TABLE email_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    token TEXT NOT NULL UNIQUE,
    topics_off_at BIGINT
);
