//! Email verification codes (the `email` stage): issuing, resending, checking and using them. The rules
//! (code shape, expiry, attempts, resend spacing, proof by delivery) are pure functions in
//! [`crate::domain::verification`]; this module stores them.
//!
//! A verification is one row of `email_verifications`: the address, the current code as a BLAKE2b hash
//! salted with the row's pk, guesses made, codes sent. Each code goes out through the outbox, in the same
//! transaction that stores it. A guess is reserved by a conditional update before it is compared, so
//! parallel guesses cannot exceed `max_attempts`; a right code is used up inside the transaction that
//! grants (see [`consume`]), so it grants once.

use super::{db::new_uuid, mail, time, Config, Db};
use crate::domain::email_rules::normalize_email;
use crate::domain::verification::{
    check_attempt, check_resend, format_code, normalize_code, CodeError, CodeState,
};
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The per-client limit on codes: the client's address and the limiter that counts it (in memory, per
/// instance; see [`crate::domain::verification::CODES_PER_CLIENT`]).
pub struct CodeGate<'a> {
    /// The counter.
    pub limiter: &'a super::ratelimit::LoginLimiter,
    /// The client's address; empty (an in-process call with no peer) is not counted.
    pub client: &'a str,
}

impl CodeGate<'_> {
    /// Counts one more code for this client.
    ///
    /// # Errors
    /// [`AppError::TooManyCodes`] with the seconds to wait, past the limit.
    pub fn admit(&self) -> Result<(), AppError> {
        if self.client.is_empty() {
            return Ok(());
        }
        let key = crate::domain::verification::network_key(self.client);
        self.limiter
            .try_begin(&key, time::now())
            .map_err(AppError::TooManyCodes)
    }
}

/// An `email` stage's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Code lifetime, minutes (authentik's `token_expiry`).
    pub token_expiry_minutes: i64,
    /// Wrong guesses allowed per code.
    pub max_attempts: i64,
}

/// A code's lifetime, seconds, capped at [`crate::domain::verification::MAX_TOKEN_EXPIRY_MINUTES`].
fn lifetime_secs(s: Settings) -> i64 {
    s.token_expiry_minutes
        .clamp(1, crate::domain::verification::MAX_TOKEN_EXPIRY_MINUTES)
        * 60
}

fn hash_code(pk: &str, code: &str) -> String {
    super::auth::secret_digest("usher-email-code", &[pk, code])
}

fn new_code() -> String {
    use rand::Rng;
    format_code(rand::rngs::OsRng.gen_range(0..1_000_000))
}

fn message(
    config: &Config,
    email: &str,
    code: &str,
    s: Settings,
    expires: i64,
) -> Result<mail::Rendered, AppError> {
    mail::render_verification(&mail::VerificationMail {
        brand: config.brand_name.clone(),
        email: email.to_owned(),
        code: code.to_owned(),
        minutes: s.token_expiry_minutes,
        expires: time::format_absolute(expires),
    })
}

/// Starts a verification of `email` (normalised by the caller) inside the caller's transaction: stores a
/// new code and queues the message that carries it. Returns the verification's pk.
///
/// # Errors
/// [`AppError::TooManyCodes`] past the client's limit or the address's daily limit; database errors; [`AppError::Internal`] when the template fails.
pub async fn start(
    tx: &mut Transaction<'static, Any>,
    config: &Config,
    gate: &CodeGate<'_>,
    invitation_pk: Option<&str>,
    email: &str,
    s: Settings,
) -> Result<String, AppError> {
    gate.admit()?;
    let (pk, code, now) = (new_uuid(), new_code(), time::now());
    // At most so many verifications per address and day, across sessions and networks.
    let day = now - 86_400;
    let recent: Vec<i64> = sqlx::query_scalar(
        "SELECT created FROM email_verifications WHERE email = $1 AND created > $2 ORDER BY created",
    )
    .bind(email)
    .bind(day)
    .fetch_all(&mut **tx)
    .await?;
    if recent.len() as i64 >= crate::domain::verification::VERIFICATIONS_PER_EMAIL_PER_DAY {
        return Err(AppError::TooManyCodes((recent[0] - day).max(1)));
    }
    let expires = now.saturating_add(lifetime_secs(s));
    sqlx::query(
        "INSERT INTO email_verifications (pk, invitation_pk, email, code_hash, attempts, max_attempts, sends, sent_at, expires, created)
         VALUES ($1, $2, $3, $4, 0, $5, 1, $6, $7, $6)",
    )
    .bind(&pk)
    .bind(invitation_pk)
    .bind(email)
    .bind(hash_code(&pk, &code))
    .bind(s.max_attempts)
    .bind(now)
    .bind(expires)
    .execute(&mut **tx)
    .await?;
    let msg = message(config, email, &code, s, expires)?;
    mail::enqueue(tx, invitation_pk, None, &[email.to_owned()], &[], &[], &msg).await?;
    Ok(pk)
}

type Row = (String, Option<String>, i64, i64, i64, i64, i64, Option<i64>);

async fn load(db: &Db, pk: &str) -> Result<Row, AppError> {
    sqlx::query_as::<_, Row>(
        "SELECT email, invitation_pk, attempts, max_attempts, sends, sent_at, expires, verified_at FROM email_verifications WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::BadRequest("This verification was not started here. Open your invitation link again.".into()))
}

/// The address a verification is for and whether it is still unused (not yet verified), for pages.
///
/// # Errors
/// [`AppError::BadRequest`] for an unknown verification; database errors.
pub async fn pending_email(db: &Db, pk: &str) -> Result<Option<String>, AppError> {
    let (email, .., verified_at) = load(db, pk).await?;
    Ok(verified_at.is_none().then_some(email))
}

/// Sends a new code for verification `pk`: it replaces the old one, with fresh guesses and expiry. Allowed
/// [`crate::domain::verification::RESEND_AFTER_SECS`] after the last code, at most
/// [`crate::domain::verification::MAX_SENDS`] codes. One transaction.
///
/// # Errors
/// [`AppError::BadRequest`] with the reason when no code may be sent now; [`AppError::TooManyCodes`]
/// past the client's limit; database errors.
pub async fn resend(
    db: &Db,
    config: &Config,
    gate: &CodeGate<'_>,
    pk: &str,
    s: Settings,
) -> Result<(), AppError> {
    let (email, invitation_pk, _, _, sends, sent_at, _, verified_at) = load(db, pk).await?;
    let now = time::now();
    check_resend(sent_at, sends, verified_at.is_some(), now)
        .map_err(|e| AppError::BadRequest(e.message()))?;
    gate.admit()?;
    let code = new_code();
    let expires = now.saturating_add(lifetime_secs(s));
    let mut tx = db.begin().await?;
    // Conditional on what was checked, so two parallel requests send one code.
    let n = sqlx::query(
        "UPDATE email_verifications SET code_hash = $1, attempts = 0, max_attempts = $2, sends = sends + 1, sent_at = $3, expires = $4
         WHERE pk = $5 AND sends = $6 AND verified_at IS NULL",
    )
    .bind(hash_code(pk, &code))
    .bind(s.max_attempts)
    .bind(now)
    .bind(expires)
    .bind(pk)
    .bind(sends)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(AppError::BadRequest(
            crate::domain::verification::ResendError::Wait(1).message(),
        ));
    }
    mail::enqueue(
        &mut tx,
        invitation_pk.as_deref(),
        None,
        &[email.clone()],
        &[],
        &[],
        &message(config, &email, &code, s, expires)?,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn code_error(e: CodeError) -> AppError {
    AppError::field("code", e.message())
}

/// Checks a guess for verification `pk` of `email`: the guess is counted first (a conditional update, so
/// parallel guesses cannot pass `max_attempts`), then compared. Does not use the code up: the caller does
/// that with [`consume`] in the transaction that grants.
///
/// # Errors
/// [`AppError::Validation`] on `code`: wrong (with the guesses left), expired, too many attempts, already
/// used; [`AppError::BadRequest`] when the verification is unknown or for another address; database errors.
pub async fn check(db: &Db, pk: &str, email: &str, guess: &str) -> Result<(), AppError> {
    let (stored_email, _, attempts, max_attempts, _, _, expires, verified_at) =
        load(db, pk).await?;
    if normalize_email(email).as_deref() != Some(stored_email.as_str()) {
        return Err(AppError::BadRequest(
            "This code was sent to another address. Ask for a new code.".into(),
        ));
    }
    let now = time::now();
    let state = CodeState {
        expires,
        attempts,
        max_attempts,
        verified: verified_at.is_some(),
    };
    check_attempt(state, now).map_err(code_error)?;
    let guess = normalize_code(guess);
    if guess.is_empty() {
        return Err(AppError::field("code", "Enter the code from the email."));
    }
    let n = sqlx::query(
        "UPDATE email_verifications SET attempts = attempts + 1
         WHERE pk = $1 AND verified_at IS NULL AND attempts < max_attempts AND expires > $2",
    )
    .bind(pk)
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if n != 1 {
        // Another request took the last guess (or the code expired) since it was read.
        let (_, _, attempts, max_attempts, _, _, expires, verified_at) = load(db, pk).await?;
        let state = CodeState {
            expires,
            attempts,
            max_attempts,
            verified: verified_at.is_some(),
        };
        return Err(code_error(
            check_attempt(state, now)
                .err()
                .unwrap_or(CodeError::TooManyAttempts),
        ));
    }
    let stored: String =
        sqlx::query_scalar("SELECT code_hash FROM email_verifications WHERE pk = $1")
            .bind(pk)
            .fetch_one(&db.pool)
            .await?;
    if stored != hash_code(pk, &guess) {
        return Err(code_error(CodeError::Wrong {
            attempts_left: (max_attempts - attempts - 1).max(0),
        }));
    }
    Ok(())
}

/// Uses up verification `pk` inside the caller's granting transaction: marks it verified, once.
///
/// # Errors
/// [`AppError::Validation`] on `code` when it was already used (a parallel request won); database errors.
pub async fn consume(tx: &mut Transaction<'static, Any>, pk: &str) -> Result<(), AppError> {
    let n = sqlx::query(
        "UPDATE email_verifications SET verified_at = $1 WHERE pk = $2 AND verified_at IS NULL",
    )
    .bind(time::now())
    .bind(pk)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 {
        Ok(())
    } else {
        Err(code_error(CodeError::Used))
    }
}

/// The recipients (to, cc and bcc) of the sent messages of invitation `invitation_pk` that carried its
/// current `token`: who Usher delivered this link to.
///
/// # Errors
/// Database errors.
pub async fn delivered_to(
    db: &Db,
    invitation_pk: &str,
    token: &str,
) -> Result<Vec<String>, AppError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT to_addrs, cc_addrs, bcc_addrs FROM outbox WHERE invitation_pk = $1 AND itoken = $2 AND status = 'sent'",
    )
    .bind(invitation_pk)
    .bind(token)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .flat_map(|(to, cc, bcc)| [to, cc, bcc])
        .flat_map(|l| serde_json::from_str::<Vec<String>>(&l).unwrap_or_default())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_hashes_are_salted_by_verification() {
        assert_eq!(hash_code("a", "123456"), hash_code("a", "123456"));
        assert_ne!(hash_code("a", "123456"), hash_code("b", "123456"));
        assert_ne!(hash_code("a", "123456"), hash_code("a", "123457"));
        assert_eq!(hash_code("a", "1").len(), 128);
    }

    #[test]
    fn new_codes_are_six_digits() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        }
    }
}
