-- What participants write during a round on PostgreSQL: posts in a topic's discussion thread and
-- on the round's resources board, and the topics partners discussed together. Keep it in
-- step with the SQLite folder.

CREATE TABLE posts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    -- The topic whose thread it is in; NULL for the round's resources board.
    topic_id BIGINT REFERENCES topics (id),
    author BIGINT NOT NULL REFERENCES users (id),
    -- Plain text as written; pages escape it and make its links clickable.
    body TEXT NOT NULL,
    -- The shared link of a resources board post.
    url TEXT,
    -- A coordinator hid it: the thread says so instead of showing it.
    hidden_at BIGINT,
    hidden_by BIGINT REFERENCES users (id),
    -- Its author deleted it: the words are gone, the place in the thread stays.
    deleted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX posts_thread ON posts (round_id, topic_id, id);

-- "We discussed this together": one mark per partnership and topic.
CREATE TABLE topic_discussions (
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    partnership_id BIGINT NOT NULL REFERENCES partnerships (id),
    marked_by BIGINT REFERENCES users (id),
    marked_at BIGINT NOT NULL,
    PRIMARY KEY (topic_id, partnership_id)
);
