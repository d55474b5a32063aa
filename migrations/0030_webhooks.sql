-- Webhooks (issue 14 item 5): System → Webhooks posts events to a URL, signed by the Standard Webhooks
-- convention. secret_sealed: the signing secret (whsec_…), sealed with the instance key (its pk is the
-- associated data), shown to the admin once at creation. enabled: 0/1. Times are UTC Unix seconds.
CREATE TABLE webhooks (
    pk TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    created BIGINT NOT NULL
);
-- The event types a webhook receives: an audit action name (model_created, invitation_used, …), or '*'
-- for every event.
CREATE TABLE webhook_actions (
    webhook_pk TEXT NOT NULL REFERENCES webhooks(pk) ON DELETE CASCADE,
    action TEXT NOT NULL,
    PRIMARY KEY (webhook_pk, action)
);
CREATE INDEX webhook_actions_action ON webhook_actions (action);
-- Deliveries are jobs of the 'webhook' channel of the job queue (0027), written in the event's own
-- transaction. ordering_key: the webhook's pk, so one webhook's deliveries run one at a time in event
-- order (a job is claimed only once no earlier job of its key is queued or sending); NULL for jobs
-- without an order (email). response_code: the HTTP status of the last attempt, NULL before one answered.
ALTER TABLE outbox ADD COLUMN ordering_key TEXT;
ALTER TABLE outbox ADD COLUMN response_code BIGINT;
CREATE INDEX outbox_ordering ON outbox (channel, ordering_key, status);
