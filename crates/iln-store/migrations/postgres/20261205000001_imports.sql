-- Spreadsheet imports on PostgreSQL. Keep it in step with the SQLite folder.

-- A file an admin uploaded into a round, read into rows, waiting for its mapping to be
-- confirmed and committed. Kept a day at most: the hourly purge deletes it after.
CREATE TABLE import_uploads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    -- The rows as read (a versioned JSON document): header, then each row with its line.
    sheet TEXT NOT NULL,
    -- The mapping being confirmed (a versioned JSON document).
    mapping TEXT NOT NULL,
    -- The lines the admin left out, as a JSON list.
    excluded TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX import_uploads_expiry ON import_uploads (expires_at);

-- Mappings saved for the next round's file, by name.
CREATE TABLE import_mappings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    mapping TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Partners a person had before this platform knew them (an imported file's "previous
-- partners" column), by email: matching never pairs them again.
CREATE TABLE declared_partners (
    user_id BIGINT NOT NULL REFERENCES users (id),
    partner_email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, partner_email)
);
CREATE INDEX declared_partners_email ON declared_partners (partner_email);
