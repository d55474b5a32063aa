//! The one error type of Usher's server functions. It crosses the wire as JSON, so the browser gets typed
//! errors (field errors next to their field), and each variant has an HTTP status.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Field name → message, in form order.
pub type FieldErrors = Vec<(String, String)>;

/// Errors of server functions and services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No signed-in user (HTTP 401).
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Signed in without the needed rights (HTTP 403).
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// Wrong username or password (HTTP 401).
    #[error("Invalid username or password.")]
    InvalidCredentials,
    /// Nothing with that identity (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The invitation cannot be used (HTTP 404 or 410). `reason` is set only where it is safe to tell
    /// (expired, used up, disabled); `gone` selects 410.
    #[error("Invalid invite/invite not found")]
    InvalidInvitation {
        /// Why, when it is safe to say.
        reason: Option<String>,
        /// true → 410 Gone, false → 404.
        gone: bool,
    },
    /// The invitation is scheduled and opens later; nothing is granted before (HTTP 403; issue 15
    /// item 5). The page shows `iso` as a `<time>` element's `datetime`, with `utc` as its text.
    #[error("This invitation opens on {utc}.")]
    NotYetOpen {
        /// When it opens, UTC Unix seconds.
        at: i64,
        /// That instant for people, in UTC (`2026-11-28 12:00 UTC`).
        utc: String,
        /// That instant in RFC 3339 (`2026-11-28T12:00:00Z`).
        iso: String,
    },
    /// Input errors, each next to its field; nothing was saved (HTTP 400).
    #[error("Please correct the errors below.")]
    Validation(FieldErrors),
    /// A request that cannot be served as asked (HTTP 400).
    #[error("{0}")]
    BadRequest(String),
    /// Too many attempts; retry after this many seconds (HTTP 429 with `Retry-After`).
    #[error("Too many sign-in attempts. Try again in {0} seconds.")]
    TooManyAttempts(i64),
    /// Too many verification codes from one client address; retry after this many seconds (HTTP 429).
    #[error(
        "Too many verification codes were asked for from your network. Try again in {0} seconds."
    )]
    TooManyCodes(i64),
    /// Code checks and new codes for this invitation (or for the codes of no invitation) are paused after
    /// too many wrong guesses ([`crate::domain::limits::CODE_FAILURES_PER_INVITATION`]); retry after this
    /// many seconds (HTTP 429 with `Retry-After`; issue 12 item 7).
    #[error(
        "Too many wrong codes were tried for this invitation, so codes are paused. Try again in {0} seconds, or ask the person who invited you."
    )]
    CodesPaused(i64),
    /// Guesses at codes from this client's network wait: it used its share of the invitation's budget,
    /// failed several times in a row, or had its guess of the minute while the instance is being
    /// guessed at; retry after this many seconds (HTTP 429 with `Retry-After`; issue 35 item 4). No
    /// guess was made.
    #[error(
        "Too many wrong codes were tried from your network. Wait {0} seconds, then enter the code again."
    )]
    CodesSlowed(i64),
    /// Too many enrollment posts from one client network, or for one invitation; retry after this many
    /// seconds (HTTP 429 with `Retry-After`; issue 35 item 2).
    #[error("Too many sign-up attempts right now. Try again in {0} seconds.")]
    TooManyEnrollments(i64),
    /// The server is too busy to take this request now (the password hashing queue is full); retry
    /// after this many seconds (HTTP 503 with `Retry-After`).
    #[error("The server is busy. Try again in {0} seconds.")]
    Busy(i64),
    /// A policy bound to the flow or one of its stages denied the request (HTTP 403), with its message.
    #[error("{0}")]
    PolicyDenied(String),
    /// An unexpected failure; details are in the server log only (HTTP 500).
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// Transport and encoding errors of the server-function machinery.
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// A single field error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![(field.to_owned(), message.into())])
    }

    /// The message for `field`, if this is a validation error that names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation(errs) => errs
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, m)| m.clone()),
            _ => None,
        }
    }

    /// The HTTP status code of this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::PolicyDenied(_) | Self::NotYetOpen { .. } => 403,
            Self::NotFound(_) => 404,
            Self::InvalidInvitation { gone: true, .. } => 410,
            Self::InvalidInvitation { gone: false, .. } => 404,
            Self::Validation(_) | Self::BadRequest(_) => 400,
            Self::TooManyAttempts(_)
            | Self::TooManyCodes(_)
            | Self::CodesPaused(_)
            | Self::CodesSlowed(_)
            | Self::TooManyEnrollments(_) => 429,
            Self::Internal | Self::ServerFn(_) => 500,
            Self::Busy(_) => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }
}

/// What a visitor is told, in `l`, when a flow's settings close it to them
/// ([`crate::domain::journey::Closed`]); `username` is the signed-in visitor's (empty when anonymous).
pub fn closed_message(
    l: crate::i18n::Locale,
    closed: &crate::domain::journey::Closed,
    username: &str,
) -> String {
    use crate::domain::journey::Closed;
    use crate::t;
    let username = username.to_owned();
    match closed {
        Closed::NotEnrollment | Closed::NeverCreate => t!(l, "closed-no-new-accounts"),
        Closed::SignedIn => t!(l, "closed-signed-in", username = username),
        Closed::SignInRequired => t!(l, "closed-sign-in-required"),
        Closed::SuperuserRequired => t!(l, "closed-superuser-required"),
        Closed::Unsupported(what) => t!(l, "closed-unsupported", what = what.clone()),
    }
}

impl AppError {
    /// The message of this error in `l`, for the invitee's pages: the fixed messages from the catalogue;
    /// the ones that carry their words (field errors, refusals, policies) were worded in the request's
    /// language when they were made ([`crate::i18n::worded_in`]).
    pub fn message(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Unauthenticated => t!(l, "error-unauthenticated"),
            Self::Forbidden => t!(l, "error-forbidden"),
            Self::InvalidCredentials => t!(l, "error-invalid-credentials"),
            Self::InvalidInvitation { .. } => t!(l, "flow-invalid-title"),
            Self::NotYetOpen { utc, .. } => t!(l, "error-not-yet-open", when = utc.clone()),
            Self::Validation(_) => t!(l, "error-correct-below"),
            Self::TooManyAttempts(s) => t!(l, "error-too-many-attempts", seconds = *s),
            Self::TooManyCodes(s) => t!(l, "error-too-many-codes", seconds = *s),
            Self::CodesPaused(s) => t!(l, "error-codes-paused", seconds = *s),
            Self::CodesSlowed(s) => t!(l, "error-codes-slowed", seconds = *s),
            Self::TooManyEnrollments(s) => t!(l, "error-too-many-enrollments", seconds = *s),
            Self::Busy(s) => t!(l, "error-busy", seconds = *s),
            Self::Internal => t!(l, "error-internal"),
            Self::NotFound(m) | Self::BadRequest(m) | Self::PolicyDenied(m) => m.clone(),
            Self::ServerFn(e) => t!(l, "error-unreachable", detail = e.to_string()),
        }
    }

    /// This error as a notice of the dashboard in `l`: [`AppError::message`], except that input
    /// errors give their fields' messages (already worded in the request's language), since a
    /// notice stands where no field shows its own.
    pub fn notice(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Validation(fields) if !fields.is_empty() => fields
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            _ => self.message(l),
        }
    }
}

/// The one place a service's error is worded (issue 36 item 4): each typed refusal gets its message and
/// its HTTP status here.
#[cfg(feature = "ssr")]
impl From<crate::service::error::Error> for AppError {
    fn from(e: crate::service::error::Error) -> Self {
        use crate::service::error::Error as E;
        // The invitee's server functions word their errors in the page's language.
        let l = crate::i18n::wording();
        match e {
            E::Invalid(problems) => Self::Validation(
                problems
                    .into_iter()
                    .map(|(field, p)| {
                        let message = problem_message(l, &field, p);
                        (field, message)
                    })
                    .collect(),
            ),
            E::Refused(r) => Self::BadRequest(refusal_message(l, r)),
            E::NotFound(what) => Self::NotFound(not_found_message(l, what)),
            E::InvalidInvitation(status) => {
                let reason = status.and_then(|s| invitation_reason(l, s));
                Self::InvalidInvitation {
                    gone: reason.is_some(),
                    reason,
                }
            }
            E::NotYetOpen(at) => Self::NotYetOpen {
                at,
                utc: l.datetime(at),
                iso: crate::domain::time::format_rfc3339(at),
            },
            E::Unauthenticated => Self::Unauthenticated,
            E::Forbidden => Self::Forbidden,
            E::InvalidCredentials => Self::InvalidCredentials,
            E::TooManyAttempts(s) => Self::TooManyAttempts(s),
            E::TooManyEnrollments(s) => Self::TooManyEnrollments(s),
            E::PolicyDenied(m) if m.is_empty() => {
                Self::PolicyDenied(crate::t!(l, "error-policy-denied"))
            }
            E::PolicyDenied(m) => Self::PolicyDenied(m),
            E::TooManyCodes(s) => Self::TooManyCodes(s),
            E::CodesPaused(s) => Self::CodesPaused(s),
            E::CodesSlowed(s) => Self::CodesSlowed(s),
            E::Busy(s) => Self::Busy(s),
            E::Internal => Self::Internal,
        }
    }
}

/// Why an invitation cannot be used, in `l`, where it is safe to tell
/// ([`crate::domain::invitation::InvitationStatus::refusal_reason`] in English).
#[cfg(feature = "ssr")]
fn invitation_reason(
    l: crate::i18n::Locale,
    status: crate::domain::invitation::InvitationStatus,
) -> Option<String> {
    use crate::domain::invitation::InvitationStatus as S;
    use crate::t;
    Some(match status {
        S::Disabled => t!(l, "invitation-disabled"),
        S::NotYetOpen => t!(l, "invitation-not-open"),
        S::Expired => t!(l, "invitation-expired"),
        S::UsedUp => t!(l, "invitation-used-up"),
        S::Active => return None,
    })
}

/// What is said, in `l`, when nothing has the identity asked for
/// ([`crate::service::error::Entity`]).
#[cfg(feature = "ssr")]
fn not_found_message(l: crate::i18n::Locale, what: crate::service::error::Entity) -> String {
    use crate::service::error::Entity as N;
    use crate::t;
    match what {
        N::Invitation => t!(l, "err-notfound-invitation"),
        N::SetupLink => t!(l, "err-notfound-setup-link"),
        N::InvitationLink => t!(l, "err-notfound-link"),
        N::ApprovalRequest => t!(l, "err-notfound-approval"),
        N::User => t!(l, "err-notfound-user"),
        N::Token => t!(l, "err-notfound-token"),
        N::Webhook => t!(l, "err-notfound-webhook"),
        N::Policy => t!(l, "err-notfound-policy"),
        N::PolicyBinding => t!(l, "err-notfound-binding"),
        N::Flow => t!(l, "err-notfound-flow"),
        N::Group => t!(l, "err-notfound-group"),
        N::Role => t!(l, "err-notfound-role"),
        N::Campaign => t!(l, "err-notfound-campaign"),
        N::Recipient => t!(l, "err-notfound-recipient"),
    }
}

/// The words of an invitation's write errors ([`crate::service::invitations::WriteError`]) on the
/// dashboard: each error under its form field (the REST API words them as Django REST framework does).
#[cfg(feature = "ssr")]
impl From<crate::service::invitations::WriteError> for AppError {
    fn from(e: crate::service::invitations::WriteError) -> Self {
        use crate::service::invitations::WriteError as W;
        match e {
            W::Invalid(errors) => {
                let l = crate::i18n::wording();
                Self::Validation(
                    errors
                        .iter()
                        .map(|e| (e.field().key().to_owned(), e.worded(l)))
                        .collect(),
                )
            }
            W::NotFound => Self::from(crate::service::error::Error::NotFound(
                crate::service::error::Entity::Invitation,
            )),
            W::Other(e) => Self::from(e),
        }
    }
}

/// What is said of a field's value ([`crate::service::error::Problem`]), in `l`: the invitee's
/// forms' words (`usher.ftl`) and the admin's (`errors-admin.ftl`).
#[cfg(feature = "ssr")]
fn problem_message(
    l: crate::i18n::Locale,
    field: &str,
    p: crate::service::error::Problem,
) -> String {
    use crate::domain::user::{PasswordError as Pw, UsernameError as Un};
    use crate::domain::verification::CodeError as C;
    use crate::service::error::Problem as P;
    use crate::t;
    match p {
        P::Code(C::Expired) => t!(l, "code-expired"),
        P::Code(C::TooManyAttempts) => t!(l, "code-too-many-attempts"),
        P::Code(C::Used) => t!(l, "code-used"),
        P::Code(C::Wrong { attempts_left: 0 }) => t!(l, "code-wrong-none-left"),
        P::Code(C::Wrong { attempts_left }) => t!(l, "code-wrong", count = attempts_left),
        P::Missing if field == "code" => t!(l, "problem-code-missing"),
        P::Missing if field == "username" => t!(l, "problem-username-missing"),
        P::Missing => t!(l, "problem-missing"),
        P::NotAnAddress => t!(l, "problem-not-an-address"),
        P::NotAMailbox => t!(l, "err-problem-not-a-mailbox"),
        P::SmtpUrl(e) => e.worded(l),
        P::PasswordWithoutUser => t!(l, "err-problem-password-without-user"),
        P::SmtpTransport(e) => t!(l, "err-problem-smtp-transport", reason = e),
        P::NotAnAddressIn(a) => t!(l, "err-problem-not-an-address-in", address = a),
        P::NoRecipient => t!(l, "err-problem-no-recipient"),
        P::Required(label) => t!(l, "problem-required", label = l.label(&label)),
        P::TooLong(label, max) => t!(
            l,
            "problem-too-long",
            label = l.label(&label),
            max = max.to_string()
        ),
        P::Username(Un::Required) => t!(l, "problem-username-missing"),
        P::Username(Un::TooLong) => t!(
            l,
            "problem-username-too-long",
            max = crate::domain::user::USERNAME_MAX.to_string()
        ),
        P::Username(Un::Characters) => t!(l, "problem-username-characters"),
        P::Username(Un::MixedScripts) => t!(l, "problem-username-scripts"),
        P::UsernameTaken | P::Taken(crate::service::error::Entity::User) => {
            t!(l, "problem-username-taken")
        }
        P::Password(Pw::Mismatch) => t!(l, "problem-passwords-differ"),
        P::Password(Pw::TooShort(n)) => t!(l, "problem-password-too-short", count = n as i64),
        P::Password(Pw::TooLong) => t!(
            l,
            "problem-password-too-long",
            max = crate::domain::user::PASSWORD_MAX_BYTES.to_string()
        ),
        P::Password(Pw::TooWeak(advice)) => {
            t!(l, "problem-password-weak", hint = advice.worded(l))
        }
        P::NotTheInvitedAddress => t!(l, "problem-not-the-invited-address"),
        P::AddressNotAllowed => t!(l, "problem-address-not-allowed"),
        P::AllowedAddressRequired => t!(l, "problem-allowed-address-required"),
        P::NotAValidAddress => t!(l, "problem-not-a-valid-address"),
        P::Taken(what) => taken_message(l, what),
        P::NoSuchUser(name) => t!(l, "err-problem-no-such-user", name = name),
        P::NotInFuture => t!(l, "err-problem-not-in-future"),
        P::Identifier(e) => e.worded(l),
        P::Expression(reason) => reason,
        P::UnknownFlow => t!(l, "err-problem-unknown-flow"),
        P::StageNotBound(stage, flow) => {
            t!(l, "err-problem-stage-not-bound", stage = stage, flow = flow)
        }
        P::NotAnAppUrl => t!(l, "err-problem-not-an-app-url"),
        P::Brand(e) => e.worded(l),
        P::Locale(e) => e.worded(l),
        P::NotAWebhookUrl => t!(l, "err-problem-not-a-webhook-url"),
        P::PrivateAddress => t!(l, "err-problem-private-address"),
        P::UnknownEventType(event_type) => {
            t!(l, "err-problem-unknown-event-type", event_type = event_type)
        }
        P::BuiltinChanges(changes) => t!(
            l,
            "err-problem-builtin-changes",
            changes = changes.join(", ")
        ),
        P::Campaign(e) => e.worded(l),
        P::Csv(e) => e.worded(l),
        P::TooManyRows => t!(l, "err-problem-too-many-rows"),
        P::InvitationLink(e) => e.worded(l),
        P::InviterPolicy(e) => e.worded(l),
        P::NotAllowedToInvite(v) => v.worded(l),
        P::Approval(e) => e.worded(l),
    }
}

/// What is said, in `l`, of a name another thing of its kind has
/// ([`crate::service::error::Problem::Taken`]).
#[cfg(feature = "ssr")]
fn taken_message(l: crate::i18n::Locale, what: crate::service::error::Entity) -> String {
    use crate::service::error::Entity as N;
    use crate::t;
    match what {
        N::User => t!(l, "err-taken-user"),
        N::Token => t!(l, "err-taken-token"),
        N::Webhook => t!(l, "err-taken-webhook"),
        N::Policy => t!(l, "err-taken-policy"),
        N::Group => t!(l, "err-taken-group"),
        N::Role => t!(l, "err-taken-role"),
        N::Flow => t!(l, "err-taken-flow"),
        N::Invitation => t!(l, "err-taken-invitation"),
        N::Campaign => t!(l, "err-taken-campaign"),
        N::Recipient => t!(l, "err-taken-recipient"),
        N::InvitationLink => t!(l, "err-taken-link"),
        N::PolicyBinding | N::SetupLink | N::ApprovalRequest => t!(l, "err-taken-other"),
    }
}

/// What is said of a refused request ([`crate::service::error::Refusal`]), in `l`: the invitee's
/// pages' words (`usher.ftl`) and the admin's (`errors-admin.ftl`).
#[cfg(feature = "ssr")]
fn refusal_message(l: crate::i18n::Locale, r: crate::service::error::Refusal) -> String {
    use crate::domain::verification::ResendError;
    use crate::service::error::Refusal as R;
    use crate::t;
    match r {
        R::VerificationNotStarted => t!(l, "refusal-verification-not-started"),
        R::Resend(ResendError::Wait(s)) => t!(l, "resend-wait", seconds = s),
        R::Resend(ResendError::TooMany) => t!(l, "resend-too-many"),
        R::Resend(ResendError::Verified) => t!(l, "resend-verified"),
        R::CodeForAnotherAddress => t!(l, "refusal-code-for-another-address"),
        R::NoSmtpServer => t!(l, "err-refusal-no-smtp-server"),
        R::TestMessageRefused(e) => t!(l, "err-refusal-test-message-refused", reason = e),
        R::AlreadyUsed => t!(l, "refusal-already-used"),
        R::FlowClosed(closed, username) => closed_message(l, &closed, &username),
        R::StepNotStarted => t!(l, "refusal-step-not-started"),
        R::FormExpired => t!(l, "refusal-form-expired"),
        R::NoAddressEntered => t!(l, "refusal-no-address-entered"),
        R::CodeNotSentHere => t!(l, "refusal-code-not-sent-here"),
        R::AddressAlreadyConfirmed => t!(l, "refusal-address-already-confirmed"),
        R::AccountAddressNotAllowed(email) => {
            t!(l, "refusal-account-address-not-allowed", email = email)
        }
        R::ConfirmAddressFirst(email) => t!(l, "refusal-confirm-address-first", email = email),
        R::LinkSealedElsewhere => t!(l, "err-refusal-link-sealed-elsewhere"),
        R::OwnAccount(crate::service::error::AccountAction::Deactivate) => {
            t!(l, "err-refusal-own-account-deactivate")
        }
        R::OwnAccount(crate::service::error::AccountAction::Delete) => {
            t!(l, "err-refusal-own-account-delete")
        }
        R::Blueprint(e) => t!(l, "err-refusal-blueprint", reason = e.to_string()),
        R::BlueprintInvitation(name, problem) => t!(
            l,
            "err-refusal-blueprint-invitation",
            name = name,
            problem = problem
        ),
        R::NotRetriable => t!(l, "err-refusal-not-retriable"),
        R::NotRedeliverable => t!(l, "err-refusal-not-redeliverable"),
        R::ApprovalDecided(s) => {
            crate::domain::approval::ApprovalError::AlreadyDecided(s).worded(l)
        }
    }
}

/// Turns an unexpected failure into [`AppError::Internal`] with context (feature `ssr`): the error
/// line in the server log names the operation that failed, the cause, and the source location of the
/// call (`file:line`); the wire carries only "Something went wrong on our side". Values that hold
/// tokens or codes are never passed as the operation or the cause.
#[cfg(feature = "ssr")]
pub trait Context<T> {
    /// `Err(cause)` or `None` → [`AppError::Internal`], logged with `operation` (e.g. "hashing a
    /// password") and where it was called.
    ///
    /// # Errors
    /// [`AppError::Internal`] in place of the failure.
    fn context(self, operation: &'static str) -> Result<T, AppError>;
}

#[cfg(feature = "ssr")]
impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    #[track_caller]
    fn context(self, operation: &'static str) -> Result<T, AppError> {
        let at = std::panic::Location::caller();
        self.map_err(|e| {
            tracing::error!(operation, error = %e, %at, "internal error");
            AppError::Internal
        })
    }
}

#[cfg(feature = "ssr")]
impl<T> Context<T> for Option<T> {
    #[track_caller]
    fn context(self, operation: &'static str) -> Result<T, AppError> {
        let at = std::panic::Location::caller();
        self.ok_or_else(|| {
            tracing::error!(operation, %at, "internal error: a value that must exist is missing");
            AppError::Internal
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{AppError, Context};
    use crate::domain::invitation::InvitationStatus;
    use crate::domain::journey::Closed;
    use crate::domain::verification::{CodeError, ResendError};
    use crate::service::error::{AccountAction, Entity, Error, Problem, Refusal};

    #[test]
    fn the_edge_words_each_refusal_and_keeps_the_waits() {
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
    fn the_invitee_journey_is_worded_as_before() {
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
        let scheduled = AppError::from(Error::NotYetOpen(1_795_867_200));
        // Worded as the invitee's pages word times (issue 16 item 2).
        assert_eq!(
            scheduled.to_string(),
            "This invitation opens on Saturday, 28 November 2026, 12:00 UTC."
        );
        assert_eq!(scheduled.status(), 403);
        assert_eq!(
            AppError::from(Error::PolicyDenied("Ask HR.".into())),
            AppError::PolicyDenied("Ask HR.".into())
        );
    }

    #[test]
    fn the_directory_and_settings_are_worded_as_before() {
        assert_eq!(
            AppError::from(Error::NotFound(Entity::Token)),
            AppError::NotFound("This token does not exist.".into())
        );
        assert_eq!(
            AppError::from(Error::NotFound(Entity::SetupLink)),
            AppError::NotFound("This set-up link is invalid or has already been used.".into())
        );
        assert_eq!(
            AppError::from(Error::field("name", Problem::Taken(Entity::Group))),
            AppError::field("name", "A group with this name already exists.")
        );
        assert_eq!(
            AppError::from(Error::field("identifier", Problem::Taken(Entity::Token))),
            AppError::field("identifier", "A token with this identifier exists.")
        );
        assert_eq!(
            AppError::from(Error::field("username", Problem::NoSuchUser("bob".into()))),
            AppError::field("username", "No user is named 'bob'.")
        );
        assert_eq!(
            AppError::from(Error::field(
                "stage",
                Problem::StageNotBound("s1".into(), "f1".into())
            )),
            AppError::field("stage", "No stage s1 is bound to f1.")
        );
        assert_eq!(
            AppError::from(Error::Refused(Refusal::OwnAccount(AccountAction::Delete))),
            AppError::BadRequest("You cannot delete your own account.".into())
        );
        assert_eq!(
            AppError::from(Error::PolicyDenied(String::new())),
            AppError::PolicyDenied("You cannot continue: access was denied by a policy.".into())
        );
        assert_eq!(
            AppError::from(Error::Refused(Refusal::BlueprintInvitation(
                "eng".into(),
                "Expiry must be in the future.".into()
            ))),
            AppError::BadRequest(
                "Blueprint refused: invitation eng: Expiry must be in the future.".into()
            )
        );
    }

    #[test]
    fn context_turns_a_failure_into_internal_and_keeps_a_success() {
        let failed: Result<(), &str> = Err("disk full");
        assert_eq!(failed.context("writing"), Err(AppError::Internal));
        assert_eq!(None::<u8>.context("finding"), Err(AppError::Internal));
        assert_eq!(Ok::<u8, &str>(3).context("reading"), Ok(3));
        assert_eq!(Some(4).context("finding"), Ok(4));
    }
}
