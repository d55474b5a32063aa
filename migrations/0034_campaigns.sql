-- Campaigns (issue 15 items 1-4): one invitation definition fanned out to many recipients, each with an
-- invitation of their own (single use, limited to the recipient's exact address) made from the campaign's
-- definition. Times are UTC Unix seconds; booleans BIGINT 0/1.
-- expires: the recipients' invitations' expiry (NULL never); not_before: their start (NULL at once);
-- fixed_data: the defaults each recipient's own fields are merged over (JSON object); email_subject and
-- email_message: the campaign's words in its invitation email ('' = the default subject, no message);
-- reminder_days: JSON array of whole days before expiry at which a reminder goes to every recipient who
-- has not joined (descending, [] = no reminders); digest: whether the creator gets a digest of the pending
-- recipients whenever reminders go out.
CREATE TABLE campaigns (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    flow_pk TEXT NOT NULL REFERENCES flows(pk),
    expires BIGINT,
    not_before BIGINT,
    fixed_data TEXT NOT NULL DEFAULT '{}',
    email_subject TEXT NOT NULL DEFAULT '',
    email_message TEXT NOT NULL DEFAULT '',
    reminder_days TEXT NOT NULL DEFAULT '[]',
    digest BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    created BIGINT NOT NULL
);
CREATE TABLE campaign_roles (
    campaign_pk TEXT NOT NULL REFERENCES campaigns(pk) ON DELETE CASCADE,
    role_pk TEXT NOT NULL REFERENCES directory_roles(pk) ON DELETE CASCADE,
    PRIMARY KEY (campaign_pk, role_pk)
);
CREATE TABLE campaign_groups (
    campaign_pk TEXT NOT NULL REFERENCES campaigns(pk) ON DELETE CASCADE,
    group_pk TEXT NOT NULL REFERENCES directory_groups(pk) ON DELETE CASCADE,
    PRIMARY KEY (campaign_pk, group_pk)
);
-- One row per recipient: the normalised address (unique in its campaign), the name and the fixed_data the
-- import gave (merged over the campaign's when the invitation was made), the invitation made for them
-- (NULL once it is deleted), the account that already had the address when they were added (they are
-- invited to join, not to enroll), revoked (0/1), and how many of the campaign's reminders went out to them
-- (claimed by a conditional update in the transaction that queues the reminder, so none is sent twice).
CREATE TABLE campaign_recipients (
    pk TEXT PRIMARY KEY NOT NULL,
    campaign_pk TEXT NOT NULL REFERENCES campaigns(pk) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    fixed_data TEXT NOT NULL DEFAULT '{}',
    invitation_pk TEXT REFERENCES invitations(pk) ON DELETE SET NULL,
    existing_user_pk BIGINT REFERENCES users(pk) ON DELETE SET NULL,
    revoked BIGINT NOT NULL DEFAULT 0,
    reminders_sent BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL,
    UNIQUE (campaign_pk, email)
);
CREATE INDEX campaign_recipients_invitation ON campaign_recipients (invitation_pk);
