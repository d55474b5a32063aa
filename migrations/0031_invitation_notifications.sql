-- Notifications to an invitation's creator (issue 14 item 6): with notify_creator on (off by default),
-- the creator is emailed when the invitation is used, when a delivery of it fails for good, and once when
-- it expires unused. expiry_notified: set when that last message was queued (in the same transaction,
-- claimed by a conditional update, so several instances never send it twice).
ALTER TABLE invitations ADD COLUMN notify_creator BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN expiry_notified BIGINT NOT NULL DEFAULT 0;
