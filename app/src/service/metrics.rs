//! Prometheus metrics (issue 14 item 7): every metric Usher exports, named here once, and the helpers
//! that record them through the `metrics` facade. The server installs the Prometheus recorder and serves
//! `/metrics` only when an operator turns it on (`USHER_METRICS_TOKEN`, `USHER_METRICS_ADDR`); until then
//! every helper here is a no-op (the facade's default recorder drops what it is given).
//!
//! Counters are this process's since it started (Prometheus's `rate()` and `increase()` read them
//! across restarts); the job-queue gauges are read from the database at each scrape, so
//! every instance sharing the database reports the same queue (aggregate them with `max`, not `sum`);
//! the server sets them, from [`super::jobs::stats`] and [`super::hashing::queue_depths`].
//! No label ever holds a token, an address, a user or a raw path: the values are a route template, a
//! method, a status, or one of a short, fixed list of words.

use crate::domain::jobs::Channel;

/// Counter: HTTP requests answered, by `method`, `route` (the router's template, e.g.
/// `/api/v3/core/invitations/{invitation_uuid}/`; [`UNMATCHED_ROUTE`] for a path no route matched) and
/// `status` (the response's code). Recorded by the server's middleware.
pub const HTTP_REQUESTS: &str = "usher_http_requests_total";
/// Histogram: how long requests took to answer, seconds, with [`HTTP_REQUESTS`]'s labels (until the
/// response's head is ready; a streamed body's rest is not counted). Buckets: [`HTTP_DURATION_BUCKETS`].
pub const HTTP_REQUEST_DURATION: &str = "usher_http_request_duration_seconds";
/// Counter: invitations used, by `action` (`enrolled`: an account was created through it; `joined`: an
/// existing account accepted it). Counted when the transaction that records the use commits
/// ([`invitation_used`]), so a use that rolled back is never counted.
pub const INVITATIONS_USED: &str = "usher_invitations_used_total";
/// Counter: invitation uses refused, by `reason` (e.g. `expired`, `used_up`, `disabled`, `wrong_flow`,
/// `email_rule`, `policy`, `code_budget`; see [`invitation_refused`]).
pub const INVITATIONS_REFUSED: &str = "usher_invitations_refused_total";
/// Counter: requests refused by a rate limit or a full queue, by `limit`: a
/// [`crate::domain::limits::Limit`]'s name (e.g. `login_per_network`, `enroll_posts_per_network`,
/// `api_token_failures_per_network`), `code_failures_per_invitation` / `code_failures_per_network`
/// (verification codes paused or slowed), or a full password-hashing queue ([`HASH_QUEUE_WRITES`],
/// [`HASH_QUEUE_SIGN_IN`]).
pub const LIMITER_REFUSALS: &str = "usher_limiter_refusals_total";
/// Gauge: password hashes running or waiting for a turn in this process, by `queue`
/// ([`HASH_QUEUE_WRITES`]: enrollment and other password writes; [`HASH_QUEUE_SIGN_IN`]: sign-in's
/// checks). Read at each scrape.
pub const HASHING_QUEUE_DEPTH: &str = "usher_hashing_queue_depth";
/// Gauge: jobs not done yet (waiting for their turn or a retry, or being run), by `channel` (`email`,
/// `webhook`, …), from the database at each scrape.
pub const JOBS_QUEUED: &str = "usher_jobs_queued";
/// Gauge: how long the longest-waiting job not done yet has been trying, seconds, by `channel` (0
/// without one), from the database at each scrape.
pub const JOBS_OLDEST_QUEUED_AGE: &str = "usher_jobs_oldest_queued_age_seconds";
/// Gauge: jobs failed for good (given up on after `USHER_OUTBOX_GIVE_UP_HOURS`), by `channel`, from the
/// database at each scrape; an admin's retry or retention takes them off.
pub const JOBS_FAILED: &str = "usher_jobs_failed";
/// Counter: failed attempts at jobs in this process (each retried later, or given up on), by `channel`.
pub const JOB_ATTEMPTS_FAILED: &str = "usher_job_attempts_failed_total";

/// The `route` of a request no route matched (never its path: paths are unbounded and may hold tokens).
pub const UNMATCHED_ROUTE: &str = "unmatched";
/// The `queue` label of the password-writes hashing queue (enrollment, set-up, new users).
pub const HASH_QUEUE_WRITES: &str = "password_writes";
/// The `queue` label of sign-in's hashing queue.
pub const HASH_QUEUE_SIGN_IN: &str = "sign_in";

/// The buckets of [`HTTP_REQUEST_DURATION`], seconds: from half a millisecond (a cached landing page) to
/// 5 s (a slow database or a crowd of password hashes).
pub const HTTP_DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Records one answered request ([`HTTP_REQUESTS`], [`HTTP_REQUEST_DURATION`]). `route` must be a
/// route template or [`UNMATCHED_ROUTE`], never a request's path.
pub fn http_request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    ::metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    ::metrics::histogram!(HTTP_REQUEST_DURATION, &labels).record(seconds);
}

/// Counts one use of an invitation ([`INVITATIONS_USED`]) with its `action` (`enrolled`, `joined`).
pub fn invitation_used(action: &'static str) {
    ::metrics::counter!(INVITATIONS_USED, "action" => action).increment(1);
}

/// Counts one refused use of an invitation ([`INVITATIONS_REFUSED`]) for `reason`: one of a fixed list
/// of lowercase words joined by `_` (the refusal's kind, never the invitee's message or any input), e.g.
/// `expired`, `used_up`, `disabled`, `wrong_flow`, `email_rule`, `policy`, `code_budget`.
pub fn invitation_refused(reason: &'static str) {
    ::metrics::counter!(INVITATIONS_REFUSED, "reason" => reason).increment(1);
}

/// Counts one request refused by `limit` ([`LIMITER_REFUSALS`]): a
/// [`crate::domain::limits::Limit::name`], or a fixed word for the other limits.
pub fn limiter_refused(limit: &'static str) {
    ::metrics::counter!(LIMITER_REFUSALS, "limit" => limit).increment(1);
}

/// Counts one failed attempt at a job of `channel` ([`JOB_ATTEMPTS_FAILED`]).
pub fn job_attempt_failed(channel: Channel) {
    ::metrics::counter!(JOB_ATTEMPTS_FAILED, "channel" => channel.as_str()).increment(1);
}

/// The bearer token `/metrics` asks of scrapers on the main listener (`USHER_METRICS_TOKEN`), kept as
/// its BLAKE2b-512 digest. Its `Debug` never shows it.
#[derive(Clone)]
pub struct MetricsToken([u8; 64]);

impl MetricsToken {
    /// The token of a configured secret; `None` for an empty or blank one (metrics stay off).
    pub fn new(secret: &str) -> Option<Self> {
        (!secret.trim().is_empty()).then(|| Self(Self::digest(secret)))
    }

    fn digest(text: &str) -> [u8; 64] {
        use blake2::{Blake2b512, Digest};
        let mut d = [0u8; 64];
        d.copy_from_slice(&Blake2b512::new_with_prefix(text.as_bytes()).finalize());
        d
    }

    /// Whether `given` is the token, compared in constant time (digests of equal length, every byte
    /// compared).
    pub fn matches(&self, given: &str) -> bool {
        Self::digest(given)
            .iter()
            .zip(self.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

/// Gives every metric its `# HELP` text; called once, by the server, after installing the recorder.
pub fn describe() {
    use ::metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route template and status."
    );
    describe_histogram!(
        HTTP_REQUEST_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by method, route template and status."
    );
    describe_counter!(
        INVITATIONS_USED,
        "Invitations used, by action (enrolled, joined)."
    );
    describe_counter!(INVITATIONS_REFUSED, "Invitation uses refused, by reason.");
    describe_counter!(
        LIMITER_REFUSALS,
        "Requests refused by a rate limit or a full queue, by limit."
    );
    describe_gauge!(
        HASHING_QUEUE_DEPTH,
        "Password hashes running or waiting in this process, by queue."
    );
    describe_gauge!(
        JOBS_QUEUED,
        "Jobs not done yet (queued or running), by channel, from the database."
    );
    describe_gauge!(
        JOBS_OLDEST_QUEUED_AGE,
        Unit::Seconds,
        "How long the oldest job not done yet has been trying, by channel, from the database."
    );
    describe_gauge!(
        JOBS_FAILED,
        "Jobs failed for good, by channel, from the database."
    );
    describe_counter!(
        JOB_ATTEMPTS_FAILED,
        "Failed attempts at jobs in this process, by channel."
    );
}

#[cfg(test)]
mod tests {
    use super::MetricsToken;

    #[test]
    fn a_metrics_token_matches_itself_only_and_never_shows() {
        let t = MetricsToken::new("s3cret-scrape-token").expect("a token");
        assert!(t.matches("s3cret-scrape-token"));
        assert!(!t.matches("s3cret-scrape-toke"));
        assert!(!t.matches(""));
        assert!(!format!("{t:?}").contains("s3cret"));
        assert!(MetricsToken::new("").is_none() && MetricsToken::new("  ").is_none());
    }
}
