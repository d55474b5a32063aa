-- Indexes for the queries that filter or order by these columns.
-- At most 10 verifications per address a day: counted by (email, created).
CREATE INDEX email_verifications_email ON email_verifications (email, created);
-- The invitations table orders by creation or expiry.
CREATE INDEX invitations_created ON invitations (created);
CREATE INDEX invitations_expires ON invitations (expires);
