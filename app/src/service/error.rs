//! The services' error (issue 36 item 4): what went wrong, typed and without words. The edges (server
//! functions, the REST API, the CLI) turn it into [`crate::error::AppError`]; that `From`, in
//! `crate::error`, is the one place a service error is worded, so the language issue can swap a
//! catalogue in there.
//!
//! Every service answers with it; the store's errors become [`Error::Internal`] (logged) or
//! [`Error::Busy`] at the `?` that meets them.

use crate::domain::blueprint::BlueprintError;
use crate::domain::invitation::InvitationStatus;
use crate::domain::journey::Closed;
use crate::domain::smtp::SmtpUrlError;
use crate::domain::token::IdentifierError;
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
    /// The invitation is scheduled: it opens at this instant, UTC Unix seconds, and grants nothing
    /// before (issue 15 item 5). The invitee is told when (HTTP 403).
    #[error("invitation not open before {0}")]
    NotYetOpen(i64),
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
    /// A policy bound to the flow or a stage denied, with its message as the admin wrote it, empty when
    /// it has none (HTTP 403).
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

/// What a [`Error::NotFound`] looked for, or what a [`Problem::Taken`] name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// An invitation, by pk.
    Invitation,
    /// A user account, by pk.
    User,
    /// An API token, by pk.
    Token,
    /// A webhook, by pk (or a webhook's delivery).
    Webhook,
    /// An expression policy, by pk.
    Policy,
    /// A policy's binding to a flow or stage, by pk.
    PolicyBinding,
    /// A flow, by slug or pk.
    Flow,
    /// A group, by pk.
    Group,
    /// A role, by pk.
    Role,
    /// The first-start set-up link: wrong, used, or an admin exists.
    SetupLink,
    /// A campaign, by pk or name.
    Campaign,
    /// A recipient of a campaign, by pk.
    Recipient,
    /// A named link of an invitation, by pk (issue 15 item 6).
    InvitationLink,
    /// An approval request, by pk (issue 17 item 3).
    ApprovalRequest,
}

/// What an account action refused on the caller's own account is ([`Refusal::OwnAccount`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// Deactivating it.
    Deactivate,
    /// Deleting it.
    Delete,
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
    /// A name (or a token's identifier) another thing of this kind has.
    Taken(Entity),
    /// No user has this username, as typed (trimmed).
    NoSuchUser(String),
    /// A time that must be in the future and is not.
    NotInFuture,
    /// A token identifier the rules refuse ([`IdentifierError`]).
    Identifier(IdentifierError),
    /// A policy expression that does not pass the checks, with the checker's reason
    /// ([`crate::domain::policy::check`]).
    Expression(String),
    /// No flow, or an unknown one, where a flow must be chosen.
    UnknownFlow,
    /// A stage name that is not bound to the flow: the stage and the flow's slug.
    StageNotBound(String, String),
    /// Not an absolute http(s) URL nor a path on this site (the default application).
    NotAnAppUrl,
    /// A brand value refused ([`crate::domain::brand::BrandError`]).
    Brand(crate::domain::brand::BrandError),
    /// A language Usher does not speak ([`crate::i18n::UnknownLocale`]).
    Locale(crate::i18n::UnknownLocale),
    /// Not an absolute http(s) URL with a host and without a user name or password (a webhook's URL).
    NotAWebhookUrl,
    /// An IP address that is loopback, private or otherwise not public, while the webhook setting
    /// that allows those is off (the SSRF guard).
    PrivateAddress,
    /// An event type that is no audit action's name, as given.
    UnknownEventType(String),
    /// A blueprint that would change these built-in flows and stages, unconfirmed.
    BuiltinChanges(Vec<String>),
    /// A campaign's definition refused ([`crate::domain::campaign::CampaignError`]).
    Campaign(crate::domain::campaign::CampaignError),
    /// A recipients' CSV file refused as a whole ([`crate::domain::campaign::CsvError`]).
    Csv(crate::domain::campaign::CsvError),
    /// An import with more rows than allowed ([`crate::domain::campaign::MAX_IMPORT_ROWS`]).
    TooManyRows,
    /// A named link the rules refuse ([`crate::domain::invitation_link::LinkError`]).
    InvitationLink(crate::domain::invitation_link::LinkError),
    /// An inviter policy the rules refuse ([`crate::domain::inviter_policy::PolicyError`]).
    InviterPolicy(crate::domain::inviter_policy::PolicyError),
    /// An invitation an inviter's policy does not allow ([`crate::domain::inviter_policy::Violation`]).
    NotAllowedToInvite(crate::domain::inviter_policy::Violation),
    /// An approver's decision that cannot be taken as given ([`crate::domain::approval::ApprovalError`]).
    Approval(crate::domain::approval::ApprovalError),
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
    /// Only a webhook delivery that was delivered or given up can be redelivered (one queued or being
    /// sent is on its way).
    NotRedeliverable,
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
    /// An admin may not do this to their own account.
    OwnAccount(AccountAction),
    /// A blueprint that does not read ([`crate::domain::blueprint::parse`]): where and what.
    Blueprint(BlueprintError),
    /// A blueprint's invitation that cannot be saved: its name, and what is wrong in the words of the
    /// rule that refused it (the name's, the expiry's, the fixed data's).
    BlueprintInvitation(String, String),
    /// The approval request was decided already (by another approver, or it expired): its outcome.
    ApprovalDecided(crate::domain::approval::ApprovalStatus),
}

impl Error {
    /// One field's problem.
    pub fn field(field: &str, problem: Problem) -> Self {
        Self::Invalid(vec![(field.to_owned(), problem)])
    }
}

/// `Ok` when a statement touched a row (`rows_affected` > 0), else [`Error::NotFound`] of `what`.
///
/// # Errors
/// [`Error::NotFound`].
pub fn touched(rows_affected: u64, what: Entity) -> Result<(), Error> {
    if rows_affected == 0 {
        Err(Error::NotFound(what))
    } else {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_turns_a_failure_into_internal_and_keeps_a_success() {
        let failed: Result<(), &str> = Err("disk full");
        assert_eq!(failed.context("writing"), Err(Error::Internal));
        assert_eq!(None::<u8>.context("finding"), Err(Error::Internal));
        assert_eq!(Ok::<u8, &str>(3).context("reading"), Ok(3));
    }

    #[test]
    fn a_field_problem_names_its_field() {
        assert_eq!(
            Error::field("code", Problem::Missing),
            Error::Invalid(vec![("code".into(), Problem::Missing)])
        );
    }
}
