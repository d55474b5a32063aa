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

/// What a visitor is told when a flow's settings close it to them
/// ([`crate::domain::journey::Closed`]); `username` is the signed-in visitor's (empty when anonymous).
pub fn closed_message(closed: &crate::domain::journey::Closed, username: &str) -> String {
    use crate::domain::journey::Closed;
    match closed {
        Closed::NotEnrollment | Closed::NeverCreate => {
            "This flow does not create new accounts. If you already have an account, sign in to accept the invitation.".into()
        }
        Closed::SignedIn => format!(
            "You are signed in as {username}. Accept the invitation as {username}, or sign out to create a new account."
        ),
        Closed::SignInRequired => "Sign in first to continue with this flow.".into(),
        Closed::SuperuserRequired => "Only administrators can use this flow.".into(),
        Closed::Unsupported(what) => {
            format!("This flow requires `{what}`, which Usher does not support.")
        }
    }
}

/// The one place a service's error is worded (issue 36 item 4): each typed refusal gets its message and
/// its HTTP status here.
#[cfg(feature = "ssr")]
impl From<crate::service::error::Error> for AppError {
    fn from(e: crate::service::error::Error) -> Self {
        use crate::service::error::Error as E;
        match e {
            E::Invalid(problems) => Self::Validation(
                problems
                    .into_iter()
                    .map(|(field, p)| {
                        let message = problem_message(&field, p);
                        (field, message)
                    })
                    .collect(),
            ),
            E::Refused(r) => Self::BadRequest(refusal_message(r)),
            E::NotFound(what) => Self::NotFound(not_found_message(what)),
            E::InvalidInvitation(status) => {
                let reason = status.and_then(|s| s.refusal_reason());
                Self::InvalidInvitation {
                    gone: reason.is_some(),
                    reason: reason.map(str::to_owned),
                }
            }
            E::NotYetOpen(at) => Self::NotYetOpen {
                at,
                utc: crate::domain::time::format_absolute(at),
                iso: crate::domain::time::format_rfc3339(at),
            },
            E::Unauthenticated => Self::Unauthenticated,
            E::Forbidden => Self::Forbidden,
            E::InvalidCredentials => Self::InvalidCredentials,
            E::TooManyAttempts(s) => Self::TooManyAttempts(s),
            E::TooManyEnrollments(s) => Self::TooManyEnrollments(s),
            E::PolicyDenied(m) if m.is_empty() => {
                Self::PolicyDenied("You cannot continue: access was denied by a policy.".into())
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

/// What is said when nothing has the identity asked for ([`crate::service::error::Entity`]).
#[cfg(feature = "ssr")]
fn not_found_message(what: crate::service::error::Entity) -> String {
    use crate::service::error::Entity as N;
    let noun = match what {
        N::Invitation => return "No such invitation.".into(),
        N::SetupLink => return "This set-up link is invalid or has already been used.".into(),
        N::InvitationLink => "link",
        N::User => "user",
        N::Token => "token",
        N::Webhook => "webhook",
        N::Policy => "policy",
        N::PolicyBinding => "binding",
        N::Flow => "flow",
        N::Group => "group",
        N::Role => "role",
        N::Campaign => "campaign",
        N::Recipient => "recipient",
    };
    format!("This {noun} does not exist.")
}

/// The words of an invitation's write errors ([`crate::service::invitations::WriteError`]) on the
/// dashboard: each error under its form field (the REST API words them as Django REST framework does).
#[cfg(feature = "ssr")]
impl From<crate::service::invitations::WriteError> for AppError {
    fn from(e: crate::service::invitations::WriteError) -> Self {
        use crate::service::invitations::WriteError as W;
        match e {
            W::Invalid(errors) => Self::Validation(
                errors
                    .iter()
                    .map(|e| (e.field().key().to_owned(), e.to_string()))
                    .collect(),
            ),
            W::NotFound => Self::from(crate::service::error::Error::NotFound(
                crate::service::error::Entity::Invitation,
            )),
            W::Other(e) => Self::from(e),
        }
    }
}

/// What is said of a field's value ([`crate::service::error::Problem`]).
#[cfg(feature = "ssr")]
fn problem_message(field: &str, p: crate::service::error::Problem) -> String {
    use crate::service::error::Problem as P;
    match p {
        P::Code(e) => e.message(),
        P::Missing if field == "code" => "Enter the code from the email.".into(),
        P::Missing if field == "username" => "Username is required.".into(),
        P::Missing => "This field is required.".into(),
        P::NotAnAddress => "Enter an email address.".into(),
        P::NotAMailbox => {
            "Enter a mailbox such as Acme <id@acme.example> or id@acme.example.".into()
        }
        P::SmtpUrl(e) => e.to_string(),
        P::PasswordWithoutUser => {
            "A password needs a user name in the URL: smtp://user@host:587?tls=required.".into()
        }
        P::SmtpTransport(e) => format!("This URL does not work for SMTP: {e}"),
        P::NotAnAddressIn(a) => format!("'{a}' is not a valid email address."),
        P::NoRecipient => "Give at least one recipient.".into(),
        P::Required(label) => format!("{label} is required."),
        P::TooLong(label, max) => format!("{label} must be at most {max} characters."),
        P::Username(e) => e.to_string(),
        P::UsernameTaken => "This username is already taken.".into(),
        P::Password(e) => e.to_string(),
        P::NotTheInvitedAddress => "This invitation is for another email address.".into(),
        P::AddressNotAllowed => "This invitation is not valid for this email address.".into(),
        P::AllowedAddressRequired => {
            "An email address allowed by this invitation is required.".into()
        }
        P::NotAValidAddress => "Enter a valid email address.".into(),
        P::Taken(what) => taken_message(what),
        P::NoSuchUser(name) => format!("No user is named '{name}'."),
        P::NotInFuture => "Expiry must be in the future.".into(),
        P::Identifier(e) => e.to_string(),
        P::Expression(reason) => reason,
        P::UnknownFlow => "Choose a flow.".into(),
        P::StageNotBound(stage, flow) => format!("No stage {stage} is bound to {flow}."),
        P::NotAnAppUrl => {
            "Enter an http(s) URL such as https://apps.example.com/, or a path on this site.".into()
        }
        P::NotAWebhookUrl => {
            "Enter an http(s) URL such as https://hooks.example.com/usher, without a user name or password.".into()
        }
        P::PrivateAddress => {
            "This address is private or loopback; allow private addresses in the webhook settings to use it.".into()
        }
        P::UnknownEventType(t) => format!("'{t}' is not an event type."),
        P::BuiltinChanges(changes) => format!(
            "This blueprint changes Usher's built-in {}. Confirm to apply it anyway (CLI: --force).",
            changes.join(", ")
        ),
        P::Campaign(e) => e.to_string(),
        P::Csv(e) => e.to_string(),
        P::TooManyRows => "At most 50,000 recipients per import.".into(),
        P::InvitationLink(e) => e.to_string(),
    }
}

/// What is said of a name another thing of its kind has ([`crate::service::error::Problem::Taken`]).
#[cfg(feature = "ssr")]
fn taken_message(what: crate::service::error::Entity) -> String {
    use crate::service::error::Entity as N;
    match what {
        N::User => "This username is already taken.".into(),
        N::Token => "A token with this identifier exists.".into(),
        N::Webhook => "A webhook with this name exists.".into(),
        N::Policy => "A policy with this name exists.".into(),
        N::Group => "A group with this name already exists.".into(),
        N::Role => "A role with this name already exists.".into(),
        N::Flow => "A flow with this slug already exists.".into(),
        N::Invitation => "An invitation with this name already exists.".into(),
        N::Campaign => "A campaign with this name already exists.".into(),
        N::Recipient => "This address is already a recipient.".into(),
        N::InvitationLink => "This invitation already has a link with this name.".into(),
        N::PolicyBinding | N::SetupLink => "This is already taken.".into(),
    }
}

/// What is said of a refused request ([`crate::service::error::Refusal`]).
#[cfg(feature = "ssr")]
fn refusal_message(r: crate::service::error::Refusal) -> String {
    use crate::service::error::Refusal as R;
    match r {
        R::VerificationNotStarted => {
            "This verification was not started here. Open your invitation link again.".into()
        }
        R::Resend(e) => e.message(),
        R::CodeForAnotherAddress => {
            "This code was sent to another address. Ask for a new code.".into()
        }
        R::NoSmtpServer => {
            "No SMTP server is configured: save one here or set USHER_SMTP_URL.".into()
        }
        R::TestMessageRefused(e) => format!("The SMTP server did not take the test message: {e}"),
        R::AlreadyUsed => "You have already accepted this invitation.".into(),
        R::FlowClosed(closed, username) => closed_message(&closed, &username),
        R::StepNotStarted => {
            "This step of the enrollment was not started here. Open your invitation link again."
                .into()
        }
        R::FormExpired => "This form has expired. Enter your details again.".into(),
        R::NoAddressEntered => {
            "This flow verifies an email address, but none was entered.".into()
        }
        R::CodeNotSentHere => {
            "No code was sent in this browser. Open your invitation link again.".into()
        }
        R::AddressAlreadyConfirmed => {
            "Your email address is already confirmed; accept the invitation.".into()
        }
        R::AccountAddressNotAllowed(email) => format!(
            "This invitation is not valid for your account's email address ({email})."
        ),
        R::ConfirmAddressFirst(email) => {
            format!("Confirm your email address ({email}) first: send yourself a code.")
        }
        R::LinkSealedElsewhere => "This invitation's link was sealed with another USHER_SECRET_KEY: regenerate the link, then send it.".into(),
        R::OwnAccount(action) => format!(
            "You cannot {} your own account.",
            match action {
                crate::service::error::AccountAction::Deactivate => "deactivate",
                crate::service::error::AccountAction::Delete => "delete",
            }
        ),
        R::Blueprint(e) => format!("Blueprint refused: {e}"),
        R::BlueprintInvitation(name, problem) => {
            format!("Blueprint refused: invitation {name}: {problem}")
        }
        R::NotRetriable => "Only a failed message can be retried, and never one that carried a verification code (the invitee asks for a new code).".into(),
        R::NotRedeliverable => "This delivery is still on its way; only a delivered or failed one can be redelivered.".into(),
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
        assert_eq!(
            scheduled.to_string(),
            "This invitation opens on 2026-11-28 12:00 UTC."
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
