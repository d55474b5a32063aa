-- The invitation list's orders, read from an index instead of sorting every row: by expiry (never, a
-- NULL, as the largest) descending (the REST default, -expires) and ascending, and by newest creation
-- (the dashboard default, ties by name); each ties by pk, in byte order on both backends.
CREATE INDEX invitations_expires_desc ON invitations ((CASE WHEN expires IS NULL THEN 1 ELSE 0 END) DESC, expires DESC, pk);
CREATE INDEX invitations_expires_asc ON invitations ((CASE WHEN expires IS NULL THEN 1 ELSE 0 END), expires, pk);
CREATE INDEX invitations_created_desc ON invitations (created DESC, name, pk);
