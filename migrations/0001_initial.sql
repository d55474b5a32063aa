--@sqlite -- Usher initial schema (SQLite). Timestamps are UTC Unix seconds (BIGINT); UUIDs and JSON are TEXT;
--@postgres -- Usher initial schema (PostgreSQL). Timestamps are UTC Unix seconds (BIGINT); UUIDs and JSON are TEXT;
-- booleans are BIGINT 0/1 (sqlx's Any driver maps no SQLite boolean type).
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE users (
--@sqlite     pk INTEGER PRIMARY KEY AUTOINCREMENT,
--@postgres     pk BIGSERIAL PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    email_verified BIGINT NOT NULL DEFAULT 0,
    password TEXT NOT NULL DEFAULT '',
    is_active BIGINT NOT NULL DEFAULT 1,
    is_superuser BIGINT NOT NULL DEFAULT 0,
    type TEXT NOT NULL DEFAULT 'internal',
    path TEXT NOT NULL DEFAULT 'users',
    attributes TEXT NOT NULL DEFAULT '{}',
    last_login BIGINT,
    date_joined BIGINT NOT NULL
);

CREATE TABLE directory_groups (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL
);

CREATE TABLE directory_roles (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL
);

CREATE TABLE user_group_memberships (
    user_pk BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    group_pk TEXT NOT NULL REFERENCES directory_groups(pk) ON DELETE CASCADE,
    PRIMARY KEY (user_pk, group_pk)
);

CREATE TABLE user_role_memberships (
    user_pk BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    role_pk TEXT NOT NULL REFERENCES directory_roles(pk) ON DELETE CASCADE,
    PRIMARY KEY (user_pk, role_pk)
);

CREATE TABLE flows (
    pk TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    designation TEXT NOT NULL,
    authentication TEXT NOT NULL
);

CREATE TABLE stages (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    config TEXT NOT NULL
);

CREATE TABLE flow_stage_bindings (
    pk TEXT PRIMARY KEY NOT NULL,
    flow_pk TEXT NOT NULL REFERENCES flows(pk) ON DELETE CASCADE,
    stage_pk TEXT NOT NULL REFERENCES stages(pk) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    UNIQUE (flow_pk, position)
);

CREATE TABLE invitations (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    flow_pk TEXT NOT NULL REFERENCES flows(pk),
    expires BIGINT,
    fixed_data TEXT NOT NULL DEFAULT '{}',
    single_use BIGINT NOT NULL DEFAULT 0,
    quota BIGINT,
    uses BIGINT NOT NULL DEFAULT 0,
    emails TEXT NOT NULL DEFAULT '[]',
    enabled BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL
);

CREATE TABLE invitation_groups (
    invitation_pk TEXT NOT NULL REFERENCES invitations(pk) ON DELETE CASCADE,
    group_pk TEXT NOT NULL REFERENCES directory_groups(pk) ON DELETE CASCADE,
    PRIMARY KEY (invitation_pk, group_pk)
);

CREATE TABLE invitation_roles (
    invitation_pk TEXT NOT NULL REFERENCES invitations(pk) ON DELETE CASCADE,
    role_pk TEXT NOT NULL REFERENCES directory_roles(pk) ON DELETE CASCADE,
    PRIMARY KEY (invitation_pk, role_pk)
);

-- The ledger of uses: kept when an invitation is used up; "was it used, and by whom" is answered here.
CREATE TABLE invitation_uses (
    pk TEXT PRIMARY KEY NOT NULL,
    invitation_pk TEXT NOT NULL REFERENCES invitations(pk) ON DELETE CASCADE,
    user_pk BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    action TEXT NOT NULL,
    at BIGINT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invitation_uses_invitation ON invitation_uses (invitation_pk);
