-- Email verification (the `email` stage). Times are UTC Unix seconds.
-- outbox.itoken: the invitation token an invitation message carried, so "Usher delivered this link to
-- that address" can be told for the current token only (a regenerated token was not delivered).
ALTER TABLE outbox ADD COLUMN itoken TEXT;
CREATE INDEX outbox_itoken ON outbox (invitation_pk, itoken);

-- One verification of one address: the current code (hashed), guesses made, codes sent.
CREATE TABLE email_verifications (
    pk TEXT PRIMARY KEY NOT NULL,
    invitation_pk TEXT REFERENCES invitations(pk) ON DELETE CASCADE,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    sends BIGINT NOT NULL DEFAULT 1,
    sent_at BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    verified_at BIGINT,
    created BIGINT NOT NULL
);
CREATE INDEX email_verifications_invitation ON email_verifications (invitation_pk);
