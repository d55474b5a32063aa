-- The audit log (authentik's events, issue 35 item 5; issue 14 widens it): one row per thing an admin may
-- need to know of later, written in the transaction of the change it records where there is one.
--   created: UTC Unix seconds; action: domain::audit::Action as text (authentik's names, e.g.
--   suspicious_request); actor_kind: system | user | token | invitee; actor_pk/actor_name: who, when known;
--   client_ip: the client's address as read behind trusted proxies ('' for none); model/object_pk: what it
--   concerns (e.g. user / 12); context: a JSON object (never a secret: no token, password or code).
CREATE TABLE audit_events (
    pk TEXT PRIMARY KEY NOT NULL,
    created BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_pk TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    client_ip TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    object_pk TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_created ON audit_events (created);
CREATE INDEX audit_events_action ON audit_events (action, created);
