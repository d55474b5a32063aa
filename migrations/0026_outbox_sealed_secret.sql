-- Outbox secrets sealed at rest (issue 35 item 6): a queued message's code or invitation token is stored
-- only sealed under the instance secret (XChaCha20-Poly1305, USHER_SECRET_KEY, bound to the row's pk) in
-- outbox.secret, and its bodies hold domain::outbox::SEALED_SECRET_MARK where the secret goes; the worker
-- opens it when it sends. A copy of the database holds no working code or link, even for messages not yet
-- sent. secret_sealed: 1 for such rows; 0 for rows of earlier releases (secret in clear), which the
-- start-up backfill (service::mail::seal_legacy_secrets) seals.
ALTER TABLE outbox ADD COLUMN secret_sealed BIGINT NOT NULL DEFAULT 0;
