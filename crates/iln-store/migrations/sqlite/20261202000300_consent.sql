-- The consent stored with each application: which version of the commitments the person
-- agreed to (the domain's `commitments` module keeps every version's text) and when. The
-- form showed version 1 to everyone who applied before this column existed, so they agreed
-- to it when they sent their answers.
ALTER TABLE applications ADD COLUMN consent_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE applications ADD COLUMN consented_at BIGINT NOT NULL DEFAULT 0;
UPDATE applications SET consented_at = submitted_at;
