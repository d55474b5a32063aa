//! Email verification codes (the `email` stage): issuing, resending, checking and using them. The rules
//! (code shape, expiry, attempts, resend spacing, proof by delivery) are pure functions in
//! [`crate::domain::verification`]; this module stores them.
//!
//! A verification is one row of `email_verifications`: the address, the current code as a BLAKE2b hash
//! salted with the row's pk, guesses made, codes sent. Each code goes out through the outbox, in the same
//! transaction that stores it. A guess is reserved by a conditional update before it is compared, so
//! parallel guesses cannot exceed `max_attempts`; a right code is used up inside the transaction that
//! grants (see [`consume`]), so it grants once.

use super::error::{Context, Error, Problem, Refusal};
use super::{mail, time, Config, Db};
use crate::domain::email_rules::normalize_email;
use crate::domain::event::EventKind;
use crate::domain::limits::{
    code_delay_secs, guess_verdict, network, new_code_verdict, passes_half, past_half, verdict,
    CodeBuckets, CodeRefusal, GuessGate, CODE_FAILURES_GLOBAL, CODE_FAILURES_GLOBAL_BUCKET,
    CODE_FAILURES_PER_INVITATION, SLOWED_GUESSES_PER_NETWORK,
};
use crate::domain::verification::{
    check_attempt, check_resend, format_code, normalize_code, CodeError, CodeState, CODE_DIGITS,
};
use crate::store::db::new_uuid;
use crate::store::verification::{self as store, NewCode, NewVerification, VerificationRow};
use crate::store::{outbox, Tx};

/// The client a code is sent to or guessed by: the per-network limit on codes
/// ([`crate::domain::limits::CODES_PER_NETWORK`]), counted in the database so every instance shares it,
/// and the network whose guesses are metered ([`CodeBuckets`]).
pub struct CodeGate<'a> {
    /// The client's address; empty (an in-process call with no peer) is not counted against
    /// `CODES_PER_NETWORK`, and its guesses count as one network's.
    pub client: &'a str,
    /// The language of the page asking: the code's email is written in it.
    pub locale: crate::i18n::Locale,
}

impl CodeGate<'_> {
    /// Counts one more code for this client's network, on `ex` (the transaction that stores the code,
    /// so a code that is not sent is not counted).
    ///
    /// # Errors
    /// [`Error::TooManyCodes`] with the seconds to wait, past the limit; database errors.
    pub async fn admit<'e>(&self, ex: impl crate::store::Exec<'e>) -> Result<(), Error> {
        use crate::domain::limits::{codes_bucket, network, verdict, CODES_PER_NETWORK};
        if self.client.is_empty() {
            return Ok(());
        }
        let now = time::now();
        let bucket = codes_bucket(&network(self.client));
        let w = crate::store::limits::hit(ex, &bucket, now, CODES_PER_NETWORK.window_secs).await?;
        super::limits::counted(
            verdict(w.hits, w.expires_at, CODES_PER_NETWORK, now),
            CODES_PER_NETWORK,
        )
        .map_err(Error::TooManyCodes)
    }
}

/// An `email` stage's settings ([`crate::domain::journey::CodeSettings`]).
pub use crate::domain::journey::CodeSettings as Settings;

/// A code's lifetime, seconds, capped at [`crate::domain::verification::MAX_TOKEN_EXPIRY_MINUTES`].
fn lifetime_secs(s: Settings) -> i64 {
    s.token_expiry_minutes
        .clamp(1, crate::domain::verification::MAX_TOKEN_EXPIRY_MINUTES)
        * 60
}

/// The stored digest of `code` for verification `pk`: keyed by the instance secret (issue 12 item 16).
fn hash_code(key: &super::SecretKey, pk: &str, code: &str) -> String {
    key.digest("usher-email-code", &[pk, code])
}

fn new_code() -> String {
    use rand::Rng;
    format_code(rand::rngs::OsRng.gen_range(0..10u32.pow(CODE_DIGITS as u32)))
}

async fn message(
    ex: impl crate::store::Exec<'_>,
    locale: crate::i18n::Locale,
    config: &Config,
    email: &str,
    code: &str,
    s: Settings,
    expires: i64,
) -> Result<mail::Rendered, Error> {
    mail::render_verification(&mail::VerificationMail {
        brand: super::brands::mail_brand(ex, config).await?,
        locale,
        email: email.to_owned(),
        code: code.to_owned(),
        minutes: s.token_expiry_minutes,
        expires,
    })
}

/// Starts a verification of `email` (normalised by the caller) inside the caller's transaction: stores a
/// new code and queues the message that carries it. Returns the verification's pk.
///
/// # Errors
/// [`Error::TooManyCodes`] past the client's limit or the mailbox's daily limit
/// ([`crate::domain::verification::VERIFICATIONS_PER_EMAIL_PER_DAY`], counted by
/// [`crate::domain::email_rules::mailbox_key`]); [`Error::CodesPaused`] while the invitation's
/// failed-guess budget is used up, [`Error::CodesSlowed`] while the client's network used its share
/// of it; database errors; [`Error::Internal`] when the template fails.
pub async fn start(
    tx: &mut Tx,
    config: &Config,
    gate: &CodeGate<'_>,
    invitation_pk: Option<&str>,
    email: &str,
    s: Settings,
) -> Result<String, Error> {
    let (pk, code, now) = (new_uuid(), new_code(), time::now());
    refuse_new_code(&mut **tx, invitation_pk, gate, now).await?;
    gate.admit(&mut **tx).await?;
    // At most so many verifications per mailbox and day, across sessions, networks and `+tag`s.
    let day = now - 86_400;
    let mailbox = crate::domain::email_rules::mailbox_key(email);
    let recent = store::created_since(&mut **tx, &mailbox, day).await?;
    if recent.len() as i64 >= crate::domain::verification::VERIFICATIONS_PER_EMAIL_PER_DAY {
        return Err(Error::TooManyCodes((recent[0] - day).max(1)));
    }
    let expires = now.saturating_add(lifetime_secs(s));
    store::insert(
        &mut **tx,
        &NewVerification {
            pk: &pk,
            invitation_pk,
            email,
            mailbox: &mailbox,
            code_hash: &hash_code(&config.secret_key, &pk, &code),
            max_attempts: s.max_attempts,
            now,
            expires,
        },
    )
    .await?;
    let msg = message(&mut **tx, gate.locale, config, email, &code, s, expires).await?;
    super::outbox::enqueue(
        tx,
        &config.secret_key,
        invitation_pk,
        None,
        &[email.to_owned()],
        &[],
        &[],
        &msg,
    )
    .await?;
    Ok(pk)
}

fn not_started() -> Error {
    Error::Refused(Refusal::VerificationNotStarted)
}

async fn load(db: &Db, pk: &str) -> Result<VerificationRow, Error> {
    store::find(&db.pool, pk).await?.ok_or_else(not_started)
}

/// The address a verification is for and whether it is still unused (not yet verified), for pages.
///
/// # Errors
/// [`Refusal::VerificationNotStarted`] for an unknown verification; database errors.
pub async fn pending_email(db: &Db, pk: &str) -> Result<Option<String>, Error> {
    let v = load(db, pk).await?;
    Ok(v.verified_at.is_none().then_some(v.email))
}

/// The address verification `pk` is for while it is pending; `None` when it is used up or unknown (a
/// verification this browser remembers but the database no longer has).
///
/// # Errors
/// Database errors.
pub async fn pending_email_if_known(db: &Db, pk: &str) -> Result<Option<String>, Error> {
    Ok(store::find(&db.pool, pk)
        .await?
        .filter(|v| v.verified_at.is_none())
        .map(|v| v.email))
}

/// Sends a new code for verification `pk`: it replaces the old one, with fresh guesses and expiry. Allowed
/// [`crate::domain::verification::RESEND_AFTER_SECS`] after the last code, at most
/// [`crate::domain::verification::MAX_SENDS`] codes. One transaction.
///
/// # Errors
/// [`Refusal::Resend`] with the reason when no code may be sent now; [`Error::TooManyCodes`]
/// past the client's limit; [`Error::CodesPaused`] or [`Error::CodesSlowed`] as for [`start`];
/// database errors.
pub async fn resend(
    db: &Db,
    config: &Config,
    gate: &CodeGate<'_>,
    pk: &str,
    s: Settings,
) -> Result<(), Error> {
    let VerificationRow {
        email,
        invitation_pk,
        sends,
        sent_at,
        verified_at,
        ..
    } = load(db, pk).await?;
    let now = time::now();
    check_resend(sent_at, sends, verified_at.is_some(), now)
        .map_err(|e| Error::Refused(Refusal::Resend(e)))?;
    let code = new_code();
    let expires = now.saturating_add(lifetime_secs(s));
    refuse_new_code(&db.pool, invitation_pk.as_deref(), gate, now).await?;
    let mut tx = db.begin().await?;
    gate.admit(&mut *tx).await?;
    // Conditional on what was checked, so two parallel requests send one code.
    let n = store::replace_code(
        &mut *tx,
        pk,
        sends,
        &NewCode {
            code_hash: &hash_code(&config.secret_key, pk, &code),
            max_attempts: s.max_attempts,
            sent_at: now,
            expires,
        },
    )
    .await?;
    if n != 1 {
        return Err(Error::Refused(Refusal::Resend(
            crate::domain::verification::ResendError::Wait(1),
        )));
    }
    let msg = message(&mut *tx, gate.locale, config, &email, &code, s, expires).await?;
    super::outbox::enqueue(
        &mut tx,
        &config.secret_key,
        invitation_pk.as_deref(),
        None,
        std::slice::from_ref(&email),
        &[],
        &[],
        &msg,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The error for a [`CodeRefusal`].
fn refused(r: CodeRefusal) -> Error {
    let (limit, e) = match r {
        CodeRefusal::Paused(secs) => ("code_failures_per_invitation", Error::CodesPaused(secs)),
        CodeRefusal::Slowed(secs) => ("code_failures_per_network", Error::CodesSlowed(secs)),
    };
    super::metrics::limiter_refused(limit);
    e
}

/// The current windows of `buckets`' budgets at `now` (bucket, hits, window end).
async fn windows<'e>(
    ex: impl crate::store::Exec<'e>,
    buckets: &CodeBuckets,
    now: i64,
) -> Result<Vec<(String, i64, i64)>, Error> {
    Ok(
        crate::store::limits::current_in(ex, &buckets.to_read(), now)
            .await?
            .into_iter()
            .map(|w| (w.bucket, w.hits, w.expires_at))
            .collect(),
    )
}

/// Refuses a new code for `invitation_pk` to `gate`'s client ([`new_code_verdict`]): while the
/// invitation's failed-guess budget, or the network's share of it, is used up.
async fn refuse_new_code<'e>(
    ex: impl crate::store::Exec<'e>,
    invitation_pk: Option<&str>,
    gate: &CodeGate<'_>,
    now: i64,
) -> Result<(), Error> {
    let buckets = CodeBuckets::new(invitation_pk, &network(gate.client));
    let w = windows(ex, &buckets, now).await?;
    new_code_verdict(&buckets, &w, now).map_err(refused)
}

/// Whether a guess from `buckets`' network may be compared now ([`guess_verdict`]); past the
/// instance's figure, counts it in the network's guesses of the minute first.
async fn admit_guess(db: &Db, buckets: &CodeBuckets, now: i64) -> Result<(), Error> {
    let w = windows(&db.pool, buckets, now).await?;
    match guess_verdict(buckets, &w, now).map_err(refused)? {
        GuessGate::Open => Ok(()),
        GuessGate::SlowedDown => {
            let l = SLOWED_GUESSES_PER_NETWORK;
            let hit =
                crate::store::limits::hit(&db.pool, &buckets.slow, now, l.window_secs).await?;
            super::limits::counted(verdict(hit.hits, hit.expires_at, l, now), l)
                .map_err(Error::CodesSlowed)
        }
    }
}

/// `settings` key of when the instance's failed guesses last passed half of
/// [`CODE_FAILURES_GLOBAL`] (UTC seconds, decimal text).
const KEY_GUESSING_SINCE: &str = "code_guessing_since";

/// Counts a wrong guess against the instance's figure, the invitation's budget and the network's share,
/// and starts the network's wait ([`code_delay_secs`]). The guess that takes an invitation's budget past
/// half records a [`EventKind::CodeBudgetHalf`] event, the one that uses it up a
/// [`EventKind::CodesPaused`] event (once per window each); the one that takes the instance's figure
/// past half records when, for the admins' notice ([`guessing_notice`]).
async fn count_failure(
    db: &Db,
    buckets: &CodeBuckets,
    invitation_pk: Option<&str>,
    now: i64,
) -> Result<(), Error> {
    use crate::domain::limits::CODE_FAILURES_PER_NETWORK_SHARE as SHARE;
    use crate::store::limits::hit;
    let all = hit(
        &db.pool,
        CODE_FAILURES_GLOBAL_BUCKET,
        now,
        CODE_FAILURES_GLOBAL.window_secs,
    )
    .await?;
    let inv = hit(
        &db.pool,
        &buckets.invitation,
        now,
        CODE_FAILURES_PER_INVITATION.window_secs,
    )
    .await?;
    let share = hit(&db.pool, &buckets.share, now, SHARE.window_secs).await?;
    let wait = code_delay_secs(share.hits);
    if wait > 0 {
        crate::store::limits::hold_until(&db.pool, &buckets.wait, now + wait).await?;
    }
    if passes_half(all.hits, CODE_FAILURES_GLOBAL) {
        tracing::warn!(failures = all.hits, figure = CODE_FAILURES_GLOBAL.max, "verification codes are being guessed at: the instance's wrong codes of the day passed half its figure");
        crate::store::settings::put_setting(db, KEY_GUESSING_SINCE, &now.to_string()).await?;
    }
    if all.hits == CODE_FAILURES_GLOBAL.max {
        tracing::warn!(figure = CODE_FAILURES_GLOBAL.max, "the instance's wrong codes of the day reached its figure; every network may try one code a minute until the window ends");
    }
    let limit = CODE_FAILURES_PER_INVITATION;
    let event = if passes_half(inv.hits, limit) {
        Some(EventKind::CodeBudgetHalf)
    } else if inv.hits == limit.max {
        Some(EventKind::CodesPaused)
    } else {
        None
    };
    if let Some(kind) = event {
        // The facts; the dashboard words them.
        let detail = serde_json::to_string(&crate::domain::event::Guessing {
            failures: inv.hits,
            limit: limit.max,
            until: inv.expires_at,
            per_network: SHARE.max,
        })
        .context("encoding a code-guessing event")?;
        tracing::warn!(bucket = %buckets.invitation, failures = inv.hits, max = limit.max, kind = kind.as_str(), "a failed-guess budget of verification codes is past half or used up");
        if let Some(pk) = invitation_pk {
            crate::store::events::record(&db.pool, &new_uuid(), pk, kind.as_str(), now, &detail)
                .await?;
        }
    }
    Ok(())
}

/// What the admins' notice says while verification codes are being guessed at (issue 35 item 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuessingNotice {
    /// Wrong codes tried in the instance's current day-long window (0 when only invitations are past
    /// half).
    pub failures: i64,
    /// The instance's figure ([`CODE_FAILURES_GLOBAL`]): past it, every network may try one code a
    /// minute.
    pub figure: i64,
    /// Whether the figure is passed (every network is slowed down).
    pub slowed: bool,
    /// When the instance's wrong codes passed half the figure, UTC Unix seconds, if known.
    pub since: Option<i64>,
    /// When the instance's window ends, UTC Unix seconds; `None` when it is not past half.
    pub until: Option<i64>,
    /// Names of invitations whose wrong codes of the day are past half their budget (at most 10),
    /// busiest first.
    pub invitations: Vec<String>,
}

/// The admins' notice while verification codes are being guessed at (issue 35 item 4): shown while the
/// instance's wrong codes of the current day are past half its figure ([`CODE_FAILURES_GLOBAL`]), or
/// any invitation's are past half its budget ([`CODE_FAILURES_PER_INVITATION`]; at most 10 named).
/// `None` otherwise.
///
/// # Errors
/// Database errors.
pub async fn guessing_notice(db: &Db, now: i64) -> Result<Option<GuessingNotice>, Error> {
    let global =
        crate::store::limits::current_in(&db.pool, &[CODE_FAILURES_GLOBAL_BUCKET.to_owned()], now)
            .await?
            .into_iter()
            .next()
            .filter(|w| past_half(w.hits, w.expires_at, CODE_FAILURES_GLOBAL, now));
    let invitations = crate::store::limits::invitations_past(
        &db.pool,
        &crate::domain::limits::code_failures_bucket(""),
        CODE_FAILURES_PER_INVITATION.max / 2,
        now,
        10,
    )
    .await?;
    if global.is_none() && invitations.is_empty() {
        return Ok(None);
    }
    let since = match &global {
        Some(w) => crate::store::settings::get_setting(db, KEY_GUESSING_SINCE)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|at| *at >= w.expires_at - CODE_FAILURES_GLOBAL.window_secs),
        None => None,
    };
    Ok(Some(GuessingNotice {
        failures: global.as_ref().map_or(0, |w| w.hits),
        figure: CODE_FAILURES_GLOBAL.max,
        slowed: global
            .as_ref()
            .is_some_and(|w| w.hits >= CODE_FAILURES_GLOBAL.max),
        since,
        until: global.as_ref().map(|w| w.expires_at),
        invitations,
    }))
}

fn code_error(e: CodeError) -> Error {
    Error::field("code", Problem::Code(e))
}

/// Checks a guess for verification `pk` of `email`: the guess is counted first (a conditional update, so
/// parallel guesses cannot pass `max_attempts`), then compared. Does not use the code up: the caller does
/// that with [`consume`] in the transaction that grants.
///
/// Guesses are metered per invitation and network ([`guess_verdict`]): a refused guess is not compared
/// and uses none of the code's attempts.
///
/// # Errors
/// [`Error::Invalid`] on `code`: wrong (with the guesses left), expired, too many attempts, already
/// used; [`Error::Refused`] when the verification is unknown or for another address;
/// [`Error::CodesPaused`] while the invitation's failed-guess budget is used up;
/// [`Error::CodesSlowed`] while `gate`'s network must wait; database errors.
pub async fn check(
    db: &Db,
    config: &Config,
    gate: &CodeGate<'_>,
    pk: &str,
    email: &str,
    guess: &str,
) -> Result<(), Error> {
    let VerificationRow {
        email: stored_email,
        invitation_pk,
        attempts,
        max_attempts,
        expires,
        verified_at,
        ..
    } = load(db, pk).await?;
    if normalize_email(email).as_deref() != Some(stored_email.as_str()) {
        return Err(Error::Refused(Refusal::CodeForAnotherAddress));
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
        return Err(Error::field("code", Problem::Missing));
    }
    let buckets = CodeBuckets::new(invitation_pk.as_deref(), &network(gate.client));
    admit_guess(db, &buckets, now).await?;
    let n = store::reserve_attempt(&db.pool, pk, now).await?;
    if n != 1 {
        // Another request took the last guess (or the code expired) since it was read.
        let v = load(db, pk).await?;
        let state = CodeState {
            expires: v.expires,
            attempts: v.attempts,
            max_attempts: v.max_attempts,
            verified: v.verified_at.is_some(),
        };
        return Err(code_error(
            check_attempt(state, now)
                .err()
                .unwrap_or(CodeError::TooManyAttempts),
        ));
    }
    let stored = store::code_hash(&db.pool, pk).await?;
    if stored != hash_code(&config.secret_key, pk, &guess) {
        count_failure(db, &buckets, invitation_pk.as_deref(), now).await?;
        return Err(code_error(CodeError::Wrong {
            attempts_left: (max_attempts - attempts - 1).max(0),
        }));
    }
    Ok(())
}

/// Uses up verification `pk` inside the caller's granting transaction: marks it verified, once.
///
/// # Errors
/// [`Error::Invalid`] on `code` when it was already used (a parallel request won); database errors.
pub async fn consume(tx: &mut Tx, pk: &str) -> Result<(), Error> {
    let n = store::mark_verified(&mut **tx, pk, time::now()).await?;
    if n == 1 {
        Ok(())
    } else {
        Err(code_error(CodeError::Used))
    }
}

/// The recipients (to, cc and bcc) of the sent messages of invitation `invitation_pk` that carried its
/// current token (`token`, its lookup digest): who Usher delivered this link to.
///
/// # Errors
/// Database errors.
pub async fn delivered_to(db: &Db, invitation_pk: &str, token: &str) -> Result<Vec<String>, Error> {
    let rows = outbox::sent_recipients(&db.pool, invitation_pk, token).await?;
    Ok(rows
        .into_iter()
        .flat_map(|r| [r.to_addrs, r.cc_addrs, r.bcc_addrs])
        .flat_map(|l| serde_json::from_str::<Vec<String>>(&l).unwrap_or_default())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_hashes_are_salted_by_verification() {
        let k = crate::service::SecretKey::from_text("k");
        assert_eq!(hash_code(&k, "a", "123456"), hash_code(&k, "a", "123456"));
        assert_ne!(hash_code(&k, "a", "123456"), hash_code(&k, "b", "123456"));
        assert_ne!(hash_code(&k, "a", "123456"), hash_code(&k, "a", "123457"));
        assert_eq!(hash_code(&k, "a", "1").len(), 128);
        // Another key, another digest: a database copy without the key matches no code.
        let other = crate::service::SecretKey::from_text("other");
        assert_ne!(
            hash_code(&k, "a", "123456"),
            hash_code(&other, "a", "123456")
        );
        assert_eq!(format!("{k:?}"), "SecretKey(…)");
    }

    #[test]
    fn new_codes_have_code_digits() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), CODE_DIGITS);
            assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        }
    }
}
