-- Not-before (issue 15 item 5): an invitation may have a start time, UTC Unix seconds (NULL: open at
-- once). Before it, its link shows when it opens and grants nothing; consuming a use re-checks it.
ALTER TABLE invitations ADD COLUMN not_before BIGINT;
