//! The services' error (issue 36 item 4): what went wrong, typed and without words. The edges (server
//! functions, the REST API, the CLI) turn it into [`crate::error::AppError`]; that `From`, in
//! `crate::error`, is the one place a service error is worded, so the language issue can swap a
//! catalogue in there.
//!
//! Services move to it one room at a time; a service not moved yet still returns `AppError`, and calls
//! into a moved one convert with `?`.

use crate::domain::invitation::InvitationStatus;
use crate::domain::journey::Closed;
use crate::domain::smtp::SmtpUrlError;
use crate::domain::user::{PasswordError, UsernameError};
use crate::domain::verification::{CodeError, ResendError};

/// A service's refusal or failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Nothing of this kind has that identity (HTTP 404).
    #[error("not found: {0:?}")]
    NotFound(Entity),
    /// The invitation cannot be used: `None` when no invitation has the token (HTTP 404), else its
    /// status; disabled, expired and used up are told (HTTP 410), never more.
    #[error("invalid invitation: {0:?}")]
    InvalidInvitation(Option<InvitationStatus>),
    /// No signed-in user (HTTP 401).
    #[error("unauthenticated")]
    Unauthenticated,
    /// Signed in without the needed rights (HTTP 403).
    #[error("forbidden")]
    Forbidden,
    /// Wrong username or password, or an inactive account: one answer for all (HTTP 401).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many sign-in attempts; retry after this many seconds (HTTP 429).
    #[error("too many sign-in attempts; retry after {0} s")]
    TooManyAttempts(i64),
    /// Too many enrollment posts from one client network, or for one invitation; retry after this many
    /// seconds (HTTP 429; issue 35 item 2).
    #[error("too many enrollments; retry after {0} s")]
    TooManyEnrollments(i64),
    /// A policy bound to the flow or a stage denied, with its message as the admin wrote it (HTTP 403).
    #[error("denied by a policy")]
    PolicyDenied(String),
    /// Input errors, each under its field (a form field's key); nothing was saved (HTTP 400).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<(String, Problem)>),
    /// A request that cannot be served as asked (HTTP 400).
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Too many verification codes from one client network, or for one mailbox; retry after this many
    /// seconds (HTTP 429).
    #[error("too many codes; retry after {0} s")]
    TooManyCodes(i64),
    /// Codes for this invitation are paused after too many wrong guesses; retry after this many seconds
    /// (HTTP 429; issue 12 item 7).
    #[error("codes paused; retry after {0} s")]
    CodesPaused(i64),
    /// This client's network must wait before its next guess; retry after this many seconds (HTTP 429;
    /// issue 35 item 4).
    #[error("codes slowed; retry after {0} s")]
    CodesSlowed(i64),
    /// The database was too busy; retry after this many seconds (HTTP 503; issue 35 item 3).
    #[error("busy; retry after {0} s")]
    Busy(i64),
    /// An unexpected failure, logged where it happened (HTTP 500).
    #[error("internal error")]
    Internal,
}

/// What a [`Error::NotFound`] looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// An invitation, by pk.
    Invitation,
}

/// What is wrong with one field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A verification code that does not pass ([`CodeError`]).
    Code(CodeError),
    /// Nothing was entered where a value is needed (the field says what).
    Missing,
    /// Not an email address.
    NotAnAddress,
    /// Not a mailbox (`Acme <id@acme.example>` or `id@acme.example`).
    NotAMailbox,
    /// An SMTP URL that does not parse ([`SmtpUrlError`]).
    SmtpUrl(SmtpUrlError),
    /// An SMTP URL with a password but no user name.
    PasswordWithoutUser,
    /// An SMTP URL lettre cannot build a transport for, with lettre's reason.
    SmtpTransport(String),
    /// One address of a list that is not an email address, as typed.
    NotAnAddressIn(String),
    /// A list of recipients with none in it.
    NoRecipient,
    /// A required prompt field left empty; its label as the flow names it.
    Required(String),
    /// A prompt value longer than allowed: the field's label and the most characters.
    TooLong(String, usize),
    /// A username the rules refuse.
    Username(UsernameError),
    /// A username another account has.
    UsernameTaken,
    /// A password the rules refuse (shape, repeat, strength).
    Password(PasswordError),
    /// An address other than the one the invitation is for.
    NotTheInvitedAddress,
    /// An address the invitation's email rules do not allow.
    AddressNotAllowed,
    /// No address the invitation's email rules allow was given.
    AllowedAddressRequired,
    /// Not a valid email address (a prompt's email field).
    NotAValidAddress,
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The verification (or the step that needs it) was not started in this browser.
    VerificationNotStarted,
    /// No new code may be sent now ([`ResendError`]).
    Resend(ResendError),
    /// The code was sent to another address than the one being confirmed.
    CodeForAnotherAddress,
    /// No SMTP server is configured.
    NoSmtpServer,
    /// The SMTP server did not take the test message: its answer or the connection error.
    TestMessageRefused(String),
    /// Only a failed message can be retried, and never one that carried a verification code.
    NotRetriable,
    /// The account already used this invitation.
    AlreadyUsed,
    /// The invitation's link was sealed under another `USHER_SECRET_KEY` and cannot be sent.
    LinkSealedElsewhere,
    /// The flow's settings close it to this visitor; the signed-in visitor's username (empty when
    /// anonymous).
    FlowClosed(Closed, String),
    /// A stage submitted out of order: this enrollment was not started in this browser.
    StepNotStarted,
    /// The sealed password of the form in progress no longer opens (another flow's, or the instance
    /// secret changed): the invitee types their details again.
    FormExpired,
    /// The flow verifies an address, but none was entered.
    NoAddressEntered,
    /// No code was sent in this browser for this flow.
    CodeNotSentHere,
    /// The account's address is already proven: nothing to confirm.
    AddressAlreadyConfirmed,
    /// The account's address is not one the invitation's rules allow.
    AccountAddressNotAllowed(String),
    /// The account's address must be confirmed with a code first.
    ConfirmAddressFirst(String),
}

impl Error {
    /// One field's problem.
    pub fn field(field: &str, problem: Problem) -> Self {
        Self::Invalid(vec![(field.to_owned(), problem)])
    }
}

/// A database error is logged here (with the `?` that converted it) and reaches the caller as
/// [`Error::Internal`], or as [`Error::Busy`] when the database was only too busy (issue 35 item 3).
impl From<crate::store::Error> for Error {
    #[track_caller]
    fn from(e: crate::store::Error) -> Self {
        let at = std::panic::Location::caller();
        if let crate::store::Error::Busy(e) = &e {
            tracing::warn!(error = %e, %at, "database busy; answering 503");
            return Self::Busy(crate::store::BUSY_RETRY_AFTER_SECS);
        }
        tracing::error!(error = %e, %at, "database error");
        Self::Internal
    }
}

/// Turns an unexpected failure into [`Error::Internal`] with context: the server log names the
/// operation that failed, the cause, and where it was called (`file:line`). Values that hold tokens,
/// codes or passwords are never passed as the operation or the cause.
pub trait Context<T> {
    /// `Err(cause)` or `None` → [`Error::Internal`], logged with `operation` (e.g. "hashing a
    /// password") and where it was called.
    ///
    /// # Errors
    /// [`Error::Internal`] in place of the failure.
    fn context(self, operation: &'static str) -> Result<T, Error>;
}

impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    #[track_caller]
    fn context(self, operation: &'static str) -> Result<T, Error> {
        let at = std::panic::Location::caller();
        self.map_err(|e| {
            tracing::error!(operation, error = %e, %at, "internal error");
            Error::Internal
        })
    }
}

impl<T> Context<T> for Option<T> {
    #[track_caller]
    fn context(self, operation: &'static str) -> Result<T, Error> {
        let at = std::panic::Location::caller();
        self.ok_or_else(|| {
            tracing::error!(operation, %at, "internal error: a value that must exist is missing");
            Error::Internal
        })
    }
}

/// While services move to [`Error`] one room at a time, a moved one may call one that still returns
/// `AppError` (the outbox's `enqueue`): the errors such a call can give (the database's, the limits')
/// keep their kind; anything else is unexpected there, logged, and [`Error::Internal`].
impl From<crate::error::AppError> for Error {
    #[track_caller]
    fn from(e: crate::error::AppError) -> Self {
        use crate::error::AppError as A;
        match e {
            A::Unauthenticated => Self::Unauthenticated,
            A::Forbidden => Self::Forbidden,
            A::InvalidCredentials => Self::InvalidCredentials,
            A::TooManyAttempts(s) => Self::TooManyAttempts(s),
            A::TooManyEnrollments(s) => Self::TooManyEnrollments(s),
            A::PolicyDenied(m) => Self::PolicyDenied(m),
            A::TooManyCodes(s) => Self::TooManyCodes(s),
            A::CodesPaused(s) => Self::CodesPaused(s),
            A::CodesSlowed(s) => Self::CodesSlowed(s),
            A::Busy(s) => Self::Busy(s),
            A::Internal => Self::Internal,
            other => {
                let at = std::panic::Location::caller();
                tracing::error!(error = ?other, %at, "unexpected error from a service");
                Self::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_words_each_refusal_and_keeps_the_waits() {
        use crate::error::AppError;
        assert_eq!(
            AppError::from(Error::field("code", Problem::Missing)),
            AppError::field("code", "Enter the code from the email.")
        );
        assert_eq!(
            AppError::from(Error::field(
                "code",
                Problem::Code(CodeError::Wrong { attempts_left: 2 })
            )),
            AppError::field("code", "That code is not right. 2 attempts left.")
        );
        assert_eq!(
            AppError::from(Error::Refused(Refusal::Resend(ResendError::Wait(30)))),
            AppError::BadRequest(
                "A code was just sent. You can ask for a new one in 30 seconds.".into()
            )
        );
        assert_eq!(
            AppError::from(Error::CodesPaused(60)),
            AppError::CodesPaused(60)
        );
        assert_eq!(AppError::from(Error::Busy(2)), AppError::Busy(2));
        assert_eq!(AppError::from(Error::Internal), AppError::Internal);
        assert_eq!(AppError::from(Error::Internal).status(), 500);
    }

    #[test]
    fn context_turns_a_failure_into_internal_and_keeps_a_success() {
        let failed: Result<(), &str> = Err("disk full");
        assert_eq!(failed.context("writing"), Err(Error::Internal));
        assert_eq!(None::<u8>.context("finding"), Err(Error::Internal));
        assert_eq!(Ok::<u8, &str>(3).context("reading"), Ok(3));
    }

    #[test]
    fn the_invitee_journey_is_worded_as_before() {
        use crate::error::AppError;
        assert_eq!(
            AppError::from(Error::field("name", Problem::Required("Full name".into()))),
            AppError::field("name", "Full name is required.")
        );
        assert_eq!(
            AppError::from(Error::field("username", Problem::Missing)),
            AppError::field("username", "Username is required.")
        );
        assert_eq!(
            AppError::from(Error::Refused(Refusal::FlowClosed(
                Closed::SignedIn,
                "jane".into()
            ))),
            AppError::BadRequest(
                "You are signed in as jane. Accept the invitation as jane, or sign out to create a new account."
                    .into()
            )
        );
        assert_eq!(
            AppError::from(Error::InvalidInvitation(Some(InvitationStatus::Expired))),
            AppError::InvalidInvitation {
                reason: Some("This invitation has expired.".into()),
                gone: true
            }
        );
        assert_eq!(AppError::from(Error::InvalidInvitation(None)).status(), 404);
        assert_eq!(
            AppError::from(Error::PolicyDenied("Ask HR.".into())),
            AppError::PolicyDenied("Ask HR.".into())
        );
    }

    #[test]
    fn a_field_problem_names_its_field() {
        assert_eq!(
            Error::field("code", Problem::Missing),
            Error::Invalid(vec![("code".into(), Problem::Missing)])
        );
    }
}
