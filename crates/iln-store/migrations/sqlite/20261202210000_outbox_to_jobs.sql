-- Email becomes a kind of job: every row of the old outbox moves into jobs as an 'email' job
-- with a version 1 payload, and the outbox table goes. Keep it in step with the PostgreSQL
-- folder. Pending mail stays pending (and is sent by the next worker); sent mail is kept as a
-- done job, and mail the outbox had given up on is dead, for an admin to retry or cancel.
-- Old rows had no Message-ID, so each gets one derived from its outbox id: stable, unique.

INSERT INTO jobs (kind, payload, payload_version, run_at, status, attempts, max_attempts,
                  last_error, created_at, updated_at, finished_at)
SELECT 'email',
       json_object('v', 1,
                   'message_id', '<outbox-' || id || '@iln.mail>',
                   'to', to_address,
                   'subject', subject,
                   'text_body', text_body,
                   'html_body', html_body),
       1,
       due_at,
       CASE status WHEN 'sent' THEN 'done' WHEN 'failed' THEN 'dead' ELSE 'pending' END,
       attempts,
       MAX(attempts, 8),
       last_error,
       created_at,
       COALESCE(sent_at, created_at),
       CASE status WHEN 'sent' THEN sent_at WHEN 'failed' THEN created_at ELSE NULL END
FROM outbox
ORDER BY id;

DROP INDEX outbox_due;
DROP TABLE outbox;
