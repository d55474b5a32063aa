-- API tokens (authentik's `authentik_core.token` with intent `api`): a secret for one user, sent as
-- `Authorization: Bearer <secret>`. Only a BLAKE2b hash of the secret is stored; `key_prefix` (its first
-- characters) lets admins tell tokens apart. Times are UTC Unix seconds.
CREATE TABLE api_tokens (
    pk TEXT PRIMARY KEY NOT NULL,
    identifier TEXT NOT NULL UNIQUE,
    user_pk BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL,
    expires BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_pk);
