-- The outbox: every message is written here in the same transaction as the change that causes it, and a
-- worker delivers it with retries. status: queued | sending | sent | failed. Times are UTC Unix seconds.
CREATE TABLE outbox (
    pk TEXT PRIMARY KEY NOT NULL,
    invitation_pk TEXT REFERENCES invitations(pk) ON DELETE SET NULL,
    to_addrs TEXT NOT NULL,
    cc_addrs TEXT NOT NULL DEFAULT '[]',
    bcc_addrs TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    created BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_invitation ON outbox (invitation_pk);
