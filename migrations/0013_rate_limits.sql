-- Limits shared by every instance on this database (issue 12 items 6 and 9): one row per bucket (a
-- sign-in account and network, a network, a code requester…), a fixed window that ends at expires_at
-- (UTC Unix seconds) and the hits counted in it. An upsert counts a hit atomically on both backends;
-- rows whose window has ended are pruned on a schedule, so the table stays as small as the set of
-- buckets active in the last window.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL,
    expires_at BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX rate_limits_expires ON rate_limits (expires_at);
