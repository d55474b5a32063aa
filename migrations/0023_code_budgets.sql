-- Code budgets that slow rather than stop (issue 35 item 4): the per-address daily limit of verifications
-- counts per mailbox (domain::email_rules::mailbox_key: `victim+tag@` is `victim@`). Rows from before
-- keep their address lower-cased as their mailbox; they leave within a day of their code's expiry.
ALTER TABLE email_verifications ADD COLUMN mailbox TEXT;
UPDATE email_verifications SET mailbox = LOWER(email);
CREATE INDEX email_verifications_mailbox ON email_verifications (mailbox, created);
