-- Invitation tokens at rest (issue 12 item 16): token holds the token's lookup digest (BLAKE2b-512,
-- hex) instead of the token, and token_sealed the token sealed with the instance secret
-- (XChaCha20-Poly1305, USHER_SECRET_KEY), so a copy of the database yields no working link. Rows
-- written before this migration keep the token as given, with token_sealed NULL, until the server's
-- start-up backfill (service::invitations::seal_legacy_tokens) rewrites them.
ALTER TABLE invitations ADD COLUMN token_sealed TEXT;
