-- Usernames are unique after NFKC normalisation and case folding (username_key), and no two look alike
-- (username_skeleton: the UTS #39 confusable skeleton of the key), issue 12 item 14. Filled by the
-- application for new users and, at start-up, for existing ones (NULL until then, or when an existing
-- account's key is already another's).
ALTER TABLE users ADD COLUMN username_key TEXT;
ALTER TABLE users ADD COLUMN username_skeleton TEXT;
CREATE UNIQUE INDEX users_by_username_key ON users (username_key);
CREATE UNIQUE INDEX users_by_username_skeleton ON users (username_skeleton);
