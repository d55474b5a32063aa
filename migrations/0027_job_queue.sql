-- A general job queue (issue 36 item 3): the outbox's rows become jobs of a channel ('email' today;
-- webhook deliveries and reminders next), claimed, retried and given up on the same way whatever their
-- channel (app/src/store/jobs.rs). channel: which worker runs the job; every existing row is email.
-- payload: the job's input as JSON text, NULL for email, whose message stays in the email columns
-- (to_addrs ... secret_sealed; a job of another channel stores '[]' and '' there), so the Outbox page
-- and its retry keep reading what they read. A worker claims the due jobs of its own channel:
-- outbox_due becomes (channel, status, next_attempt_at).
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE outbox ADD COLUMN payload TEXT;
DROP INDEX outbox_due;
CREATE INDEX outbox_channel_due ON outbox (channel, status, next_attempt_at);
