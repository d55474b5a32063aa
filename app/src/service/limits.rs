//! Rate limits shared by every instance on the database (rules and budgets:
//! [`crate::domain::limits`]; storage: [`crate::store::limits`]).

use super::error::Error;
use super::{time, Db};
use crate::domain::limits::{verdict, Limit};
use crate::store::limits as store;

/// Counts one hit for `bucket` against `limit`, now; a refusal is counted in the metrics
/// ([`super::metrics::LIMITER_REFUSALS`]).
///
/// # Errors
/// `Ok(Err(secs))` when the hit is past the limit: the seconds until its window ends; `Err` for
/// database errors.
pub async fn take(db: &Db, bucket: &str, limit: Limit) -> Result<Result<(), i64>, Error> {
    let now = time::now();
    let w = store::hit(&db.pool, bucket, now, limit.window_secs).await?;
    Ok(counted(verdict(w.hits, w.expires_at, limit, now), limit))
}

/// `verdict`, its refusal counted in the metrics under `limit`'s name.
pub fn counted<T>(verdict: Result<T, i64>, limit: Limit) -> Result<T, i64> {
    if verdict.is_err() {
        super::metrics::limiter_refused(limit.name);
    }
    verdict
}

/// Counts one hit for `bucket` against `limit`, now, like [`take`], and says whether this hit is the
/// window's first past the limit (`hits == max + 1`): the moment to tell an admin, once per window.
///
/// # Errors
/// As [`take`].
pub async fn take_noting_first_refusal(
    db: &Db,
    bucket: &str,
    limit: Limit,
) -> Result<(Result<(), i64>, bool), Error> {
    let now = time::now();
    let w = store::hit(&db.pool, bucket, now, limit.window_secs).await?;
    Ok((
        counted(verdict(w.hits, w.expires_at, limit, now), limit),
        w.hits == limit.max + 1,
    ))
}

/// Takes back one hit of `bucket` (an attempt that turned out not to count).
///
/// # Errors
/// Database errors.
pub async fn give_back(db: &Db, bucket: &str) -> Result<(), Error> {
    Ok(store::give_back(&db.pool, bucket).await?)
}

/// Forgets `bucket`.
///
/// # Errors
/// Database errors.
pub async fn clear(db: &Db, bucket: &str) -> Result<(), Error> {
    Ok(store::clear(&db.pool, bucket).await?)
}
