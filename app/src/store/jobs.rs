//! The job queue (issue 36 item 3): the `outbox` table's rows are jobs of a `channel` (migration 0027).
//! Email is one channel, whose message lives in the email columns ([`super::outbox`]); a job of any other
//! channel carries its input as JSON text in `payload` (its email columns hold `'[]'` and `''`).
//!
//! Every channel's jobs go the same way: written `queued` in the caller's transaction ([`enqueue`]),
//! claimed by a worker for a lease ([`claim`]: `sending` until `claimed_until`), then `sent` (done,
//! [`mark_done`]), back to `queued` for a later attempt ([`mark_retry`]) or `failed` for good
//! ([`mark_failed`]); an admin may queue a failed job again ([`retry`]). A claim whose lease ran out is
//! claimed again, so a worker that dies between claiming and recording a job never loses it. Times are
//! UTC Unix seconds.

use super::{Backend, DbError, Exec};
use crate::domain::jobs::Channel;

/// A job to queue (see [`enqueue`]).
#[derive(Debug, Clone, Copy)]
pub struct NewJob<'a> {
    /// UUID of the new row.
    pub pk: &'a str,
    /// Its channel (not [`Channel::EMAIL`], whose messages [`super::outbox::enqueue`] writes).
    pub channel: Channel,
    /// Its input, JSON text.
    pub payload: &'a str,
    /// When it is queued (also its first due time).
    pub created: i64,
}

/// Inserts a job as `queued`, due at once, with no attempt yet. Committing `tx` then wakes this
/// instance's worker of its channel.
///
/// # Errors
/// Database errors (a duplicate pk).
pub async fn enqueue(tx: &mut super::Tx, j: &NewJob<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO outbox (pk, channel, payload, to_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created)
         VALUES ($1, $2, $3, '[]', '', '', '', 'queued', 0, $4, $4)",
    )
    .bind(j.pk)
    .bind(j.channel.as_str())
    .bind(j.payload)
    .bind(j.created)
    .execute(&mut **tx)
    .await?;
    tx.queue_job(j.channel);
    Ok(())
}

/// A job claimed for running (see [`claim`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedJob {
    /// UUID.
    pub pk: String,
    /// Its input, JSON text (`None` for an email message).
    pub payload: Option<String>,
    /// Attempts, this one included.
    pub attempts: i64,
    /// Since when it is being tried (its creation, or an admin's retry).
    pub since: i64,
}

/// Claims up to `limit` due jobs of `channel` — `queued` ones due by `now`, and `sending` ones whose
/// claim ran out before `now` — earliest due first: they become `sending` until `claimed_until`, with
/// one more attempt counted. A job with an `ordering_key` (a webhook's deliveries, migration 0030) is claimed only
/// once no earlier job of its channel and key — by `(created, pk)` — is `queued` or `sending`: one at a
/// time per key, in order, and a failed attempt holds back the later ones until it is sent or given up. One statement: on SQLite it holds the write lock, and on PostgreSQL the rows
/// are locked `FOR UPDATE SKIP LOCKED`, so concurrent claims (of any instance) never take the same job.
///
/// # Errors
/// Database errors.
pub async fn claim(
    ex: impl Exec<'_>,
    backend: Backend,
    channel: Channel,
    now: i64,
    claimed_until: i64,
    limit: i64,
) -> Result<Vec<ClaimedJob>, DbError> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_until = $1
         WHERE pk IN (SELECT o.pk FROM outbox o
                      WHERE o.channel = $4 AND ((o.status = 'queued' AND o.next_attempt_at <= $2) OR (o.status = 'sending' AND o.claimed_until < $2))
                        AND (o.ordering_key IS NULL OR NOT EXISTS (
                          SELECT 1 FROM outbox e
                          WHERE e.channel = o.channel AND e.ordering_key = o.ordering_key
                            AND e.status IN ('queued', 'sending')
                            AND (e.created < o.created OR (e.created = o.created AND e.pk < o.pk))))
                      ORDER BY o.next_attempt_at LIMIT $3 {lock})
         RETURNING pk, payload, attempts, COALESCE(retrying_since, created) AS since"
    );
    sqlx::query_as::<_, ClaimedJob>(&sql)
        .bind(claimed_until)
        .bind(now)
        .bind(limit)
        .bind(channel.as_str())
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Marks a job done (`sent`) at `at`, releasing its claim and clearing its last error. An email message
/// is marked with [`super::outbox::mark_sent`], which also blanks its secret.
///
/// # Errors
/// Database errors.
pub async fn mark_done(ex: impl Exec<'_>, pk: &str, at: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL, last_error = '' WHERE pk = $2",
    )
    .bind(at)
    .bind(pk)
    .execute(ex)
    .await?;
    Ok(())
}

/// Puts a job whose attempt failed back to `queued`, due at `next_attempt_at`, releasing its claim and
/// recording `error`.
///
/// # Errors
/// Database errors.
pub async fn mark_retry(
    ex: impl Exec<'_>,
    pk: &str,
    next_attempt_at: i64,
    error: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE outbox SET status = 'queued', next_attempt_at = $1, claimed_until = NULL, last_error = $2 WHERE pk = $3")
        .bind(next_attempt_at)
        .bind(error)
        .bind(pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// Marks a job `failed` for good at `at` (kept as its `next_attempt_at`), releasing its claim and
/// recording `error`. An email message is marked with [`super::outbox::mark_failed`], which also blanks
/// a one-time secret.
///
/// # Errors
/// Database errors.
pub async fn mark_failed(ex: impl Exec<'_>, pk: &str, at: i64, error: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE outbox SET status = 'failed', next_attempt_at = $1, claimed_until = NULL, last_error = $2 WHERE pk = $3",
    )
    .bind(at)
    .bind(error)
    .bind(pk)
    .execute(ex)
    .await?;
    Ok(())
}

/// Queues failed job `pk` of `channel` again, due at `now`, with its attempts and its retry time
/// starting over (`retrying_since`); never an email message that carried a one-time secret. Returns how
/// many rows changed (0: no such failed job of the channel, or a message that carried a code).
///
/// # Errors
/// Database errors.
pub async fn retry(
    ex: impl Exec<'_>,
    channel: Channel,
    pk: &str,
    now: i64,
) -> Result<u64, DbError> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $1, retrying_since = $1, claimed_until = NULL
         WHERE pk = $2 AND channel = $3 AND status = 'failed' AND carried_secret = 0",
    )
    .bind(now)
    .bind(pk)
    .bind(channel.as_str())
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}

/// The state of one channel's jobs (see [`stats`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChannelStats {
    /// The channel, as stored.
    pub channel: String,
    /// Jobs not done yet: `queued` (due now or later) and `sending` (claimed).
    pub pending: i64,
    /// Jobs `failed` for good (until an admin retries or retention prunes them).
    pub failed: i64,
    /// Since when the longest-waiting pending job is being tried (its creation, or an admin's retry),
    /// UTC Unix seconds; `None` without pending jobs.
    pub oldest_since: Option<i64>,
}

/// The pending and failed jobs of every channel that has any, one row per channel (ordered by name).
/// Sent jobs are not read (they are counted by nothing and pruned on a schedule).
///
/// # Errors
/// Database errors.
pub async fn stats(ex: impl Exec<'_>) -> Result<Vec<ChannelStats>, DbError> {
    sqlx::query_as::<_, ChannelStats>(
        "SELECT channel,
                SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END) AS pending,
                SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
                MIN(CASE WHEN status IN ('queued', 'sending') THEN COALESCE(retrying_since, created) END) AS oldest_since
         FROM outbox WHERE status IN ('queued', 'sending', 'failed')
         GROUP BY channel ORDER BY channel",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Records the HTTP status `code` a job's last attempt was answered with (`None`: no answer).
///
/// # Errors
/// Database errors.
pub async fn set_response_code(
    ex: impl Exec<'_>,
    pk: &str,
    code: Option<i64>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE outbox SET response_code = $1 WHERE pk = $2")
        .bind(code)
        .bind(pk)
        .execute(ex)
        .await?;
    Ok(())
}
