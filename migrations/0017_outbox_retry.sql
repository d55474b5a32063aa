-- Retrying (issue 12 item 15): a message is retried, with capped backoff, until it has been trying for
-- the configured time (72 hours by default) since retrying_since (NULL: since created); an admin's
-- retry of a failed message starts that time again. carried_secret: the message carried a one-time
-- secret (a verification code, blanked once it was sent or given up on), so it is never resent.
ALTER TABLE outbox ADD COLUMN retrying_since BIGINT;
ALTER TABLE outbox ADD COLUMN carried_secret BIGINT NOT NULL DEFAULT 0;
