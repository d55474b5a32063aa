-- Username keys by full Unicode case folding (issue 35 item 7): the keys of migration 0016 lower-cased
-- letter by letter, so Greek ΝΊΚΟΣ and Νίκος had different keys. They are cleared here and computed again
-- at start by service::users::backfill_username_keys with the new domain::user::username_key; an account
-- whose new key or skeleton another account already holds keeps working under its exact name, is not
-- reserved, and is reported in the log at each start (a collision an admin resolves by renaming).
UPDATE users SET username_key = NULL, username_skeleton = NULL;
