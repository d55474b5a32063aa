//! The `email_verifications` table: one row per verification of an address (the `email` stage, or an
//! existing user confirming their address to accept an invitation). The current code is stored only as a
//! hash salted with the row's pk. Times (`sent_at`, `expires`, `created`, `verified_at`) are UTC Unix
//! seconds.

use super::{DbError, Exec};

/// The creation times (UTC seconds) of the verifications of addresses of `mailbox`
/// ([`crate::domain::email_rules::mailbox_key`]) created after `since`, oldest first.
///
/// # Errors
/// Database errors.
pub async fn created_since(
    ex: impl Exec<'_>,
    mailbox: &str,
    since: i64,
) -> Result<Vec<i64>, DbError> {
    sqlx::query_scalar(
        "SELECT created FROM email_verifications WHERE mailbox = $1 AND created > $2 ORDER BY created",
    )
    .bind(mailbox)
    .bind(since)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Deletes the verifications whose code expired before `before`; returns how many.
///
/// # Errors
/// Database errors.
pub async fn prune(ex: impl Exec<'_>, before: i64) -> Result<u64, DbError> {
    let done = sqlx::query("DELETE FROM email_verifications WHERE expires < $1")
        .bind(before)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}

/// A verification to insert (see [`insert`]): its first code, sent now.
#[derive(Debug, Clone)]
pub struct NewVerification<'a> {
    /// The verification's pk (UUID text).
    pub pk: &'a str,
    /// The invitation it is for, if any.
    pub invitation_pk: Option<&'a str>,
    /// The normalised address.
    pub email: &'a str,
    /// Its mailbox ([`crate::domain::email_rules::mailbox_key`]), what the daily limit counts.
    pub mailbox: &'a str,
    /// The code's hash (hex).
    pub code_hash: &'a str,
    /// Wrong guesses allowed.
    pub max_attempts: i64,
    /// Now: when it is created and its code sent.
    pub now: i64,
    /// When the code expires.
    pub expires: i64,
}

/// Inserts a verification: no guesses made, one code sent.
///
/// # Errors
/// Database errors.
pub async fn insert(ex: impl Exec<'_>, v: &NewVerification<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO email_verifications (pk, invitation_pk, email, code_hash, attempts, max_attempts, sends, sent_at, expires, created, mailbox)
         VALUES ($1, $2, $3, $4, 0, $5, 1, $6, $7, $6, $8)",
    )
    .bind(v.pk)
    .bind(v.invitation_pk)
    .bind(v.email)
    .bind(v.code_hash)
    .bind(v.max_attempts)
    .bind(v.now)
    .bind(v.expires)
    .bind(v.mailbox)
    .execute(ex)
    .await?;
    Ok(())
}

/// A verification's state (without its code hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VerificationRow {
    /// The normalised address.
    pub email: String,
    /// The invitation it is for, if any.
    pub invitation_pk: Option<String>,
    /// Guesses made on the current code.
    pub attempts: i64,
    /// Wrong guesses allowed on the current code.
    pub max_attempts: i64,
    /// Codes sent.
    pub sends: i64,
    /// When the current code was sent.
    pub sent_at: i64,
    /// When the current code expires.
    pub expires: i64,
    /// When it was used up (the address proven); `None` while pending.
    pub verified_at: Option<i64>,
}

/// Verification `pk`, if it exists.
///
/// # Errors
/// Database errors.
pub async fn find(ex: impl Exec<'_>, pk: &str) -> Result<Option<VerificationRow>, DbError> {
    sqlx::query_as(
        "SELECT email, invitation_pk, attempts, max_attempts, sends, sent_at, expires, verified_at FROM email_verifications WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// A replacement code (see [`replace_code`]).
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    /// The code's hash (hex).
    pub code_hash: &'a str,
    /// Wrong guesses allowed.
    pub max_attempts: i64,
    /// When it is sent (now).
    pub sent_at: i64,
    /// When it expires.
    pub expires: i64,
}

/// Replaces the code of pending verification `pk`, with no guesses made and one more send counted, only
/// while it has been sent `sends` codes (so two parallel resends send one code). Returns the number of
/// rows changed: 1, or 0 when another request got there first, it was used up, or it is unknown.
///
/// # Errors
/// Database errors.
pub async fn replace_code(
    ex: impl Exec<'_>,
    pk: &str,
    sends: i64,
    code: &NewCode<'_>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE email_verifications SET code_hash = $1, attempts = 0, max_attempts = $2, sends = sends + 1, sent_at = $3, expires = $4
         WHERE pk = $5 AND sends = $6 AND verified_at IS NULL",
    )
    .bind(code.code_hash)
    .bind(code.max_attempts)
    .bind(code.sent_at)
    .bind(code.expires)
    .bind(pk)
    .bind(sends)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Counts one guess on pending verification `pk`, only while guesses are left and the code has not
/// expired at `now`. Returns the number of rows changed: 1 when the guess may be compared, else 0.
///
/// # Errors
/// Database errors.
pub async fn reserve_attempt(ex: impl Exec<'_>, pk: &str, now: i64) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE email_verifications SET attempts = attempts + 1
         WHERE pk = $1 AND verified_at IS NULL AND attempts < max_attempts AND expires > $2",
    )
    .bind(pk)
    .bind(now)
    .execute(ex)
    .await?
    .rows_affected())
}

/// The hash of verification `pk`'s current code (hex).
///
/// # Errors
/// Database errors; [`crate::store::Error::NotFound`] when there is no such verification.
pub async fn code_hash(ex: impl Exec<'_>, pk: &str) -> Result<String, DbError> {
    sqlx::query_scalar("SELECT code_hash FROM email_verifications WHERE pk = $1")
        .bind(pk)
        .fetch_one(ex)
        .await
        .map_err(DbError::from)
}

/// Uses up pending verification `pk` at `at`. Returns the number of rows changed: 1, or 0 when it was
/// already used (or is unknown).
///
/// # Errors
/// Database errors.
pub async fn mark_verified(ex: impl Exec<'_>, pk: &str, at: i64) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE email_verifications SET verified_at = $1 WHERE pk = $2 AND verified_at IS NULL",
    )
    .bind(at)
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected())
}
