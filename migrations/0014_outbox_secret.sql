-- outbox.secret: the one-time secret (a verification code) a message carries in its bodies, so that
-- delivery, or giving up, can blank it out of the stored copy: an outbox row, a database copy or a
-- backup then holds no working code (issue 12 item 11). NULL for messages that carry none.
ALTER TABLE outbox ADD COLUMN secret TEXT;
