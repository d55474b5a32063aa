//! Email verification (the `email` stage; authentik's `authentik_stages_email.emailstage`, issue 4).
//!
//! Before anything is granted, an invitee proves they own the address they enroll with, by a one-time
//! code sent to it. Proof is needed for invitations open to a domain or to the public, and for
//! exact-address invitations whose link Usher did not deliver to that address. An invitation addressed to
//! one address (an exact-address rule, or the email-mode `fixed_data.email` Usher mails it to) that Usher
//! delivered to that address (a sent message carrying the current token) counts as proof
//! ([`proof_by_delivery`]).
//!
//! Codes: [`CODE_DIGITS`] decimal digits, valid for the stage's `token_expiry` (minutes, authentik's
//! default 30), at most `max_attempts` guesses; a new code may be asked for after [`RESEND_AFTER_SECS`],
//! at most [`MAX_SENDS`] codes per verification.

use super::email_rules::{normalize_email, EmailRule};

/// Digits in a code: 8, so that the guess budgets of [`super::limits::CODE_FAILURES_PER_INVITATION`]
/// keep an attacker's odds below 2 × 10⁻⁵ (1 in 50,000) a day per invitation (the arithmetic is there).
/// Six digits, with the same budget, would give 1.8 × 10⁻³.
pub const CODE_DIGITS: usize = 8;
/// Default guesses per code.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;
/// Default code lifetime, minutes (authentik's `token_expiry` default).
pub const DEFAULT_TOKEN_EXPIRY_MINUTES: i64 = 30;
/// Seconds before another code may be sent.
pub const RESEND_AFTER_SECS: i64 = 30;
/// Codes sent per verification, the first included.
pub const MAX_SENDS: i64 = 5;
/// Verifications (each up to [`MAX_SENDS`] codes) one mailbox may have started in a day: bounds the
/// guesses anyone can make at one address's codes, whatever sessions, networks and `+tag`s they use
/// (counted by [`super::email_rules::mailbox_key`]).
pub const VERIFICATIONS_PER_EMAIL_PER_DAY: i64 = 10;
/// How long a verification is kept after its code expired, seconds (a day): the per-address daily
/// count ([`VERIFICATIONS_PER_EMAIL_PER_DAY`]) reads a day back, and nothing else reads an expired one.
pub const RETENTION_AFTER_EXPIRY_SECS: i64 = 86_400;
/// The longest code lifetime a stage may set, minutes (one week).
pub const MAX_TOKEN_EXPIRY_MINUTES: i64 = 7 * 24 * 60;

/// The code for a random number: its last [`CODE_DIGITS`] decimal digits, zero-padded (`42` →
/// `"00000042"`).
pub fn format_code(n: u32) -> String {
    format!(
        "{:0width$}",
        n % 10u32.pow(CODE_DIGITS as u32),
        width = CODE_DIGITS
    )
}

/// What the invitee typed, reduced to the code: digits only (spaces and dashes people paste are dropped).
pub fn normalize_code(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).collect()
}

/// Whether Usher's delivery of the link proves `email`: the invitation is addressed to it (one of its
/// exact-address rules, or `invited`, its `fixed_data.email`), and a sent message carrying the
/// invitation's current token had it among its recipients (`delivered_to`, any form; compared normalised).
/// A domain rule or a public link never proves an address by itself: it was not addressed to one person.
pub fn proof_by_delivery(
    rules: &[EmailRule],
    invited: Option<&str>,
    email: &str,
    delivered_to: &[String],
) -> bool {
    let Some(email) = normalize_email(email) else {
        return false;
    };
    let addressed = rules
        .iter()
        .any(|r| matches!(r, EmailRule::Address(a) if *a == email))
        || invited.and_then(normalize_email).as_deref() == Some(email.as_str());
    addressed
        && delivered_to
            .iter()
            .any(|d| normalize_email(d).as_deref() == Some(email.as_str()))
}

/// A stored code's state, for [`check_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeState {
    /// When it stops being valid, UTC Unix seconds.
    pub expires: i64,
    /// Guesses made.
    pub attempts: i64,
    /// Guesses allowed.
    pub max_attempts: i64,
    /// Whether it was already used.
    pub verified: bool,
}

/// Why a code cannot be checked, or was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Past its expiry.
    Expired,
    /// Every guess was used.
    TooManyAttempts,
    /// Already used to verify.
    Used,
    /// Not the code; this many guesses remain.
    Wrong {
        /// Guesses left.
        attempts_left: i64,
    },
}

impl CodeError {
    /// The message shown to the invitee.
    pub fn message(self) -> String {
        match self {
            Self::Expired => "This code has expired. Ask for a new code.".into(),
            Self::TooManyAttempts => "Too many wrong codes. Ask for a new code.".into(),
            Self::Used => "This code was already used.".into(),
            Self::Wrong { attempts_left: 0 } => {
                "That code is not right. Ask for a new code.".into()
            }
            Self::Wrong { attempts_left: 1 } => "That code is not right. 1 attempt left.".into(),
            Self::Wrong { attempts_left } => {
                format!("That code is not right. {attempts_left} attempts left.")
            }
        }
    }
}

/// Whether a guess may be made on a code at `now` (UTC Unix seconds): not used, not expired (valid while
/// `now < expires`), guesses left.
///
/// # Errors
/// [`CodeError::Used`], [`CodeError::Expired`], [`CodeError::TooManyAttempts`], in that order.
pub fn check_attempt(s: CodeState, now: i64) -> Result<(), CodeError> {
    if s.verified {
        Err(CodeError::Used)
    } else if now >= s.expires {
        Err(CodeError::Expired)
    } else if s.attempts >= s.max_attempts {
        Err(CodeError::TooManyAttempts)
    } else {
        Ok(())
    }
}

/// Why a new code cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResendError {
    /// Too soon; wait this many seconds.
    Wait(i64),
    /// [`MAX_SENDS`] codes were sent already.
    TooMany,
    /// The address is already verified.
    Verified,
}

impl ResendError {
    /// The message shown to the invitee.
    pub fn message(self) -> String {
        match self {
            Self::Wait(s) => {
                format!("A code was just sent. You can ask for a new one in {s} seconds.")
            }
            Self::TooMany => {
                "Too many codes were sent. Open your invitation link again later.".into()
            }
            Self::Verified => "This address is already verified.".into(),
        }
    }
}

/// Whether another code may be sent at `now`, after `sends` codes, the last at `sent_at` (UTC Unix seconds).
///
/// # Errors
/// [`ResendError`].
pub fn check_resend(sent_at: i64, sends: i64, verified: bool, now: i64) -> Result<(), ResendError> {
    if verified {
        Err(ResendError::Verified)
    } else if sends >= MAX_SENDS {
        Err(ResendError::TooMany)
    } else if now < sent_at + RESEND_AFTER_SECS {
        Err(ResendError::Wait(sent_at + RESEND_AFTER_SECS - now))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(r: &[&str]) -> Vec<EmailRule> {
        r.iter().map(|s| EmailRule::parse(s).unwrap()).collect()
    }

    #[test]
    fn codes_are_eight_zero_padded_digits() {
        // Eight digits since issue 12 item 7 (six before).
        assert_eq!(format_code(42), "00000042");
        assert_eq!(format_code(1_234_567_890), "34567890");
        assert_eq!(format_code(u32::MAX).len(), CODE_DIGITS);
        assert_eq!(normalize_code(" 123-456 "), "123456");
        assert_eq!(normalize_code("abc"), "");
    }

    #[test]
    fn delivery_proves_only_an_exact_address_it_was_sent_to() {
        let exact = rules(&["jane@company.com"]);
        assert!(proof_by_delivery(
            &exact,
            None,
            "Jane@Company.com",
            &["jane@company.com".into()]
        ));
        assert!(proof_by_delivery(
            &exact,
            None,
            "jane@company.com",
            &["other@x.io".into(), " JANE@company.com".into()]
        ));
        assert!(
            !proof_by_delivery(&exact, None, "jane@company.com", &[]),
            "link mode: not delivered"
        );
        assert!(
            !proof_by_delivery(
                &exact,
                None,
                "jane@company.com",
                &["boss@company.com".into()]
            ),
            "sent elsewhere"
        );
        let domain = rules(&["*@company.com"]);
        assert!(
            !proof_by_delivery(&domain, None, "a@company.com", &["a@company.com".into()]),
            "domain rule"
        );
        assert!(
            !proof_by_delivery(&[], None, "a@company.com", &["a@company.com".into()]),
            "public"
        );
        let two = rules(&["a@x.io", "b@y.io"]);
        assert!(proof_by_delivery(&two, None, "a@x.io", &["a@x.io".into()]));
        assert!(
            !proof_by_delivery(&two, None, "b@y.io", &["a@x.io".into()]),
            "delivered to the other address"
        );
        assert!(!proof_by_delivery(
            &exact,
            None,
            "not an address",
            &["not an address".into()]
        ));
        // Email mode: the invitation is addressed to fixed_data.email.
        let dana = Some("dana@company.com");
        assert!(proof_by_delivery(
            &[],
            dana,
            "Dana@company.com",
            &["dana@company.com".into()]
        ));
        let both = ["dana@company.com".to_owned(), "eve@company.com".to_owned()];
        assert!(
            !proof_by_delivery(&[], dana, "eve@company.com", &both),
            "a copy to someone else"
        );
        assert!(
            !proof_by_delivery(&[], dana, "dana@company.com", &[]),
            "not delivered yet"
        );
    }

    #[test]
    fn attempts_expiry_and_use() {
        let s = CodeState {
            expires: 100,
            attempts: 0,
            max_attempts: 5,
            verified: false,
        };
        assert_eq!(check_attempt(s, 99), Ok(()));
        assert_eq!(
            check_attempt(s, 100),
            Err(CodeError::Expired),
            "expires is exclusive"
        );
        assert_eq!(check_attempt(CodeState { attempts: 4, ..s }, 0), Ok(()));
        assert_eq!(
            check_attempt(CodeState { attempts: 5, ..s }, 0),
            Err(CodeError::TooManyAttempts)
        );
        assert_eq!(
            check_attempt(
                CodeState {
                    verified: true,
                    ..s
                },
                0
            ),
            Err(CodeError::Used)
        );
        assert_eq!(
            CodeError::Wrong { attempts_left: 2 }.message(),
            "That code is not right. 2 attempts left."
        );
        assert_eq!(
            CodeError::Wrong { attempts_left: 1 }.message(),
            "That code is not right. 1 attempt left."
        );
    }

    #[test]
    fn resends_are_spaced_and_limited() {
        assert_eq!(check_resend(100, 1, false, 100 + RESEND_AFTER_SECS), Ok(()));
        assert_eq!(
            check_resend(100, 1, false, 110),
            Err(ResendError::Wait(RESEND_AFTER_SECS - 10))
        );
        assert_eq!(
            check_resend(0, MAX_SENDS, false, 1000),
            Err(ResendError::TooMany)
        );
        assert_eq!(check_resend(0, 1, true, 1000), Err(ResendError::Verified));
    }
}
