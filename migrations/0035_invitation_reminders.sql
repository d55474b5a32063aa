-- Reminders of an invitation (issue 15 item 4): reminder_days, a JSON array of whole days before expiry at
-- which a reminder goes to every address the invitation was delivered to whose account has not used it
-- ('[]' = none, the default; a campaign's invitations leave it to their campaign); reminders_sent, how many
-- fell due and went out, claimed by a conditional update in the transaction that queues them (never twice,
-- by any instance).
ALTER TABLE invitations ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '[]';
ALTER TABLE invitations ADD COLUMN reminders_sent BIGINT NOT NULL DEFAULT 0;
