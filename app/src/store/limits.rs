//! The `rate_limits` table: one fixed-window counter per bucket, shared by every instance on the
//! database (see [`crate::domain::limits`] for the rules and `migrations/0013_rate_limits.sql`).

use super::{DbError, Exec};

/// A bucket's counter after a hit: hits in the current window (this one included) and when the window
/// ends (UTC Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Window {
    /// Hits counted in the window, this one included.
    pub hits: i64,
    /// The window's end, UTC Unix seconds.
    pub expires_at: i64,
}

/// Counts one hit for `bucket` at `now`: a bucket whose window ended (or a new one) starts a window of
/// `window_secs` seconds with this hit. One statement, so concurrent hits from any number of instances
/// are each counted (the row is locked by the upsert on PostgreSQL; SQLite serialises writers).
///
/// # Errors
/// Database errors.
pub async fn hit<'e>(
    ex: impl Exec<'e>,
    bucket: &str,
    now: i64,
    window_secs: i64,
) -> Result<Window, DbError> {
    sqlx::query_as::<_, Window>(
        "INSERT INTO rate_limits (bucket, expires_at, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
           hits = CASE WHEN rate_limits.expires_at <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
           expires_at = CASE WHEN rate_limits.expires_at <= $3 THEN $2 ELSE rate_limits.expires_at END \
         RETURNING hits, expires_at",
    )
    .bind(bucket)
    .bind(now + window_secs)
    .bind(now)
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// A bucket's current window, as [`current_in`] reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BucketWindow {
    /// The bucket.
    pub bucket: String,
    /// Hits counted in the window.
    pub hits: i64,
    /// The window's end, UTC Unix seconds.
    pub expires_at: i64,
}

/// The windows of `buckets` that are current at `now` (a bucket with no hits now is left out).
///
/// # Errors
/// Database errors.
pub async fn current_in<'e>(
    ex: impl Exec<'e>,
    buckets: &[String],
    now: i64,
) -> Result<Vec<BucketWindow>, DbError> {
    if buckets.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT bucket, hits, expires_at FROM rate_limits WHERE expires_at > $1 AND bucket IN ({})",
        super::db::placeholders(2, buckets.len())
    );
    let mut q = sqlx::query_as::<_, BucketWindow>(&sql).bind(now);
    for b in buckets {
        q = q.bind(b);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// Sets `bucket`'s window to end at `until` (UTC seconds) with one hit, whatever it held: a wait that
/// runs until then (e.g. [`crate::domain::limits::CodeBuckets::wait`]).
///
/// # Errors
/// Database errors.
pub async fn hold_until<'e>(ex: impl Exec<'e>, bucket: &str, until: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO rate_limits (bucket, expires_at, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET expires_at = $2, hits = 1",
    )
    .bind(bucket)
    .bind(until)
    .execute(ex)
    .await?;
    Ok(())
}

/// The names of the invitations whose bucket `prefix` + pk (e.g. `code-fail:` + pk) holds more than
/// `above` hits in a window current at `now` (UTC seconds), busiest first, at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn invitations_past<'e>(
    ex: impl Exec<'e>,
    prefix: &str,
    above: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar::<_, String>(
        "SELECT i.name FROM rate_limits r JOIN invitations i ON r.bucket = $1 || i.pk \
         WHERE r.hits > $2 AND r.expires_at > $3 ORDER BY r.hits DESC, i.name LIMIT $4",
    )
    .bind(prefix)
    .bind(above)
    .bind(now)
    .bind(limit)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Takes back one hit of `bucket` (an attempt that turned out not to count, e.g. a successful
/// sign-in against a per-network budget of failures); never below zero.
///
/// # Errors
/// Database errors.
pub async fn give_back<'e>(ex: impl Exec<'e>, bucket: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND hits > 0")
        .bind(bucket)
        .execute(ex)
        .await?;
    Ok(())
}

/// Forgets `bucket` (e.g. an account's failures once it signed in from that network).
///
/// # Errors
/// Database errors.
pub async fn clear<'e>(ex: impl Exec<'e>, bucket: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
        .bind(bucket)
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes the buckets whose window ended at or before `now`; returns how many.
///
/// # Errors
/// Database errors.
pub async fn prune<'e>(ex: impl Exec<'e>, now: i64) -> Result<u64, DbError> {
    Ok(
        sqlx::query("DELETE FROM rate_limits WHERE expires_at <= $1")
            .bind(now)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// How many buckets are stored (tests and the admin's view of limiter state).
///
/// # Errors
/// Database errors.
pub async fn count<'e>(ex: impl Exec<'e>) -> Result<i64, DbError> {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rate_limits")
        .fetch_one(ex)
        .await
        .map_err(DbError::from)
}
