-- Check-ins and the escalation ladder on SQLite. Keep it in step with the PostgreSQL folder.

-- "Have you heard from your partner?", asked of each member on a check-in day. The emailed
-- link carries a secret; only its SHA-256 is kept.
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    partnership_id BIGINT NOT NULL REFERENCES partnerships (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- The check-in's day after the introductions (7, 14, …).
    day INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    answer TEXT CHECK (answer IN ('in_touch', 'not_yet', 'no_reply')),
    answered_at BIGINT,
    UNIQUE (partnership_id, user_id, day)
);
CREATE INDEX checkins_partnership ON checkins (partnership_id);

-- A partnership that went quiet and how far the ladder went: 1 both partners reminded,
-- 2 flagged on the coordinators' desks, 3 the waiting person offered a new partner. It stops
-- (stopped_at) as soon as someone reports contact.
CREATE TABLE ladders (
    partnership_id BIGINT PRIMARY KEY REFERENCES partnerships (id),
    reason TEXT NOT NULL CHECK (reason IN ('not_yet', 'no_reply', 'no_answer')),
    -- Who is waiting: the member who answered, or NULL when nobody answered.
    waiting BIGINT REFERENCES users (id),
    step INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    stopped_at BIGINT
);
