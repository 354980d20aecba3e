-- Messages between alumni through the platform on SQLite: neither address is shown until
-- the other replies. Keep it in step with the PostgreSQL folder.

CREATE TABLE relay_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    from_user BIGINT NOT NULL REFERENCES users (id),
    to_user BIGINT NOT NULL REFERENCES users (id),
    -- The message this one answers; its reply shows both addresses.
    reply_to BIGINT REFERENCES relay_messages (id),
    body TEXT NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE INDEX relay_messages_from ON relay_messages (from_user, sent_at);
CREATE INDEX relay_messages_to ON relay_messages (to_user, sent_at);

-- Who does not accept messages from whom.
CREATE TABLE relay_blocks (
    user_id BIGINT NOT NULL REFERENCES users (id),
    blocked_user BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_user)
);

-- Reports of abuse, for the admins.
CREATE TABLE abuse_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reporter BIGINT NOT NULL REFERENCES users (id),
    message_id BIGINT NOT NULL REFERENCES relay_messages (id),
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
