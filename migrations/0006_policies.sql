-- Expression policies (CEL) bound to a flow (stage_pk NULL) or to one of its stages. Times are UTC Unix
-- seconds. Brands' default application lives in `settings` (key default_application_url).
CREATE TABLE policies (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    expression TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL
);
CREATE TABLE policy_bindings (
    pk TEXT PRIMARY KEY NOT NULL,
    policy_pk TEXT NOT NULL REFERENCES policies(pk) ON DELETE CASCADE,
    flow_pk TEXT NOT NULL REFERENCES flows(pk) ON DELETE CASCADE,
    stage_pk TEXT REFERENCES stages(pk) ON DELETE CASCADE,
    created BIGINT NOT NULL
);
CREATE INDEX policy_bindings_flow ON policy_bindings (flow_pk);
