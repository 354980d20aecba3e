-- The contact log on PostgreSQL: partners noting when and how they were in touch. Keep it in step
-- with the SQLite folder.

CREATE TABLE contacts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partnership_id BIGINT NOT NULL REFERENCES partnerships (id),
    logged_by BIGINT NOT NULL REFERENCES users (id),
    -- The day of the contact (YYYY-MM-DD), in the logger's own reckoning.
    on_date TEXT NOT NULL CHECK (length(on_date) = 10),
    -- 'checkin': "yes, we are in touch" answered to a check-in.
    way TEXT NOT NULL CHECK (way IN ('email', 'video', 'chat', 'social', 'in_person', 'checkin')),
    topic_id BIGINT REFERENCES topics (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX contacts_partnership ON contacts (partnership_id, on_date);
