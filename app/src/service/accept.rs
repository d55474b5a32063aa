//! The existing-user path (authentik's "accept as"): a signed-in user accepts an invitation without
//! running its flow. The same atomic rule as enrollment consumes a use; the flow's policies and those
//! of its stages hold, with the account's name and email as prompt data; an email-limited invitation
//! needs the account's address proven (verified before, delivered this exact-address invitation by
//! Usher, or confirmed now with a code); the ledger row is `joined`.

use super::enrollment::{by_delivery, check_active, delivered, enforce_all, not_found};
use super::flows::load_flow_by_pk;
use super::invitations::{find_by_token, use_in, Invitation, Itoken, RequestInfo};
use super::policies;
use super::sightings::note_refusal;
use super::verification::{self, Settings};
use super::{time, Config, Db};
use crate::domain::email_rules::allowed;
use crate::domain::invitation::UseAction;
use crate::domain::journey::Journey;
use crate::domain::user::CurrentUser;
use crate::service::error::{Error, Refusal as Refuse};
use crate::store::{invitations, users};
use serde_json::{Map, Value};

/// An active invitation found by token alone (the existing-user path, where the flow does not run). A
/// found invitation that is not active is counted as refused to `client_ip` ("" when unknown;
/// [`crate::service::sightings`]).
///
/// # Errors
/// [`Error::InvalidInvitation`] as [`super::enrollment::resolve`]; database errors.
pub async fn resolve_token(db: &Db, token: &Itoken, client_ip: &str) -> Result<Invitation, Error> {
    let generation = super::cache::generations(db).await?.invitations;
    let inv = find_by_token(db, token, generation)
        .await?
        .ok_or_else(not_found)?;
    check_active(&inv, time::now()).map_err(|e| note_refusal(db, &inv.pk, client_ip, e))?;
    Ok(inv)
}

/// Session key of a signed-in user's email verification for accepting (pk in `email_verifications`).
pub const ACCEPT_VERIFICATION_KEY: &str = "accept_verification";

/// Whether `user` must prove their address before accepting `inv`: the invitation is limited by email
/// rules (public ones rely on no address), and the account's address was neither verified before nor
/// delivered this exact-address invitation by Usher.
async fn accept_needs_code(db: &Db, inv: &Invitation, user: &CurrentUser) -> Result<bool, Error> {
    if inv.emails.is_empty() {
        return Ok(false);
    }
    if users::email_verified(&db.pool, user.pk).await? {
        return Ok(false);
    }
    let to = delivered(db, Some(inv)).await?;
    Ok(!by_delivery(Some(inv), &user.email, &to))
}

/// Whether accepting invitation `token` as `user` needs a code first (the landing page's "Accept as"
/// then goes to the accept page, where the code is asked for).
///
/// # Errors
/// As [`resolve_token`].
pub async fn accept_requires_code(
    db: &Db,
    token: &Itoken,
    user: &CurrentUser,
) -> Result<bool, Error> {
    let inv = resolve_token(db, token, "").await?;
    Ok(allowed(&inv.emails, &user.email) && accept_needs_code(db, &inv, user).await?)
}

/// The `email` stage settings of the invitation's flow, or the defaults when it has none.
async fn accept_settings(db: &Db, inv: &Invitation) -> Result<Settings, Error> {
    let flow = load_flow_by_pk(db, &inv.flow_pk).await?;
    Ok(flow
        .as_ref()
        .and_then(|f| Journey::new(&f.def).email())
        .map(|(_, s)| s)
        .unwrap_or(Settings {
            token_expiry_minutes: crate::domain::verification::DEFAULT_TOKEN_EXPIRY_MINUTES,
            max_attempts: crate::domain::verification::DEFAULT_MAX_ATTEMPTS,
        }))
}

/// Sends a code to the signed-in user's address so they can accept invitation `token`: a new
/// verification, or a new code for `current` (this browser's) when it is pending for the same address.
/// Returns the verification's pk, to keep in the session under [`ACCEPT_VERIFICATION_KEY`].
///
/// # Errors
/// As [`resolve_token`]; [`Error::Refused`] when the account does not qualify, needs no code, or no
/// code may be sent yet; database errors.
#[tracing::instrument(name = "accept.send_code", skip_all, fields(user = user.pk))]
pub async fn send_accept_code(
    db: &Db,
    config: &Config,
    gate: &verification::CodeGate<'_>,
    token: &Itoken,
    user: &CurrentUser,
    current: Option<String>,
) -> Result<String, Error> {
    let inv = resolve_token(db, token, gate.client).await?;
    send_code_for(db, config, gate, &inv, user, current)
        .await
        .map_err(|e| note_refusal(db, &inv.pk, gate.client, e))
}

async fn send_code_for(
    db: &Db,
    config: &Config,
    gate: &verification::CodeGate<'_>,
    inv: &Invitation,
    user: &CurrentUser,
    current: Option<String>,
) -> Result<String, Error> {
    check_account(inv, user)?;
    if !accept_needs_code(db, inv, user).await? {
        return Err(Error::Refused(Refuse::AddressAlreadyConfirmed));
    }
    let settings = accept_settings(db, inv).await?;
    if let Some(pk) = current {
        if verification::pending_email_if_known(db, &pk)
            .await?
            .as_deref()
            == Some(user.email.as_str())
        {
            verification::resend(db, config, gate, &pk, settings).await?;
            return Ok(pk);
        }
    }
    let mut tx = db.begin().await?;
    let pk =
        verification::start(&mut tx, config, gate, Some(&inv.pk), &user.email, settings).await?;
    tx.commit().await?;
    Ok(pk)
}

fn check_account(inv: &Invitation, user: &CurrentUser) -> Result<(), Error> {
    if allowed(&inv.emails, &user.email) {
        Ok(())
    } else {
        Err(Error::Refused(Refuse::AccountAddressNotAllowed(
            user.email.clone(),
        )))
    }
}

/// What the accept page shows a signed-in user (`/if/accept/`). Times are UTC Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptSummary {
    /// Who created the invitation: their display name, else username.
    pub invited_by: String,
    /// Role names granted.
    pub roles: Vec<String>,
    /// Group names granted.
    pub groups: Vec<String>,
    /// The invitation's expiry, UTC Unix seconds; `None` never.
    pub expires: Option<i64>,
    /// The signed-in user's username.
    pub username: String,
    /// The account's address when it must be confirmed with a code before accepting.
    pub verify_email: Option<String>,
    /// Whether a code for it was sent in this browser.
    pub code_sent: bool,
    /// The invitation's language, if it names one.
    pub locale: Option<crate::i18n::Locale>,
}

/// The accept page's view for a signed-in user and an invitation token; `pending` is this browser's
/// verification for accepting, if any.
///
/// # Errors
/// As [`resolve_token`].
pub async fn accept_view(
    db: &Db,
    token: &Itoken,
    user: &CurrentUser,
    pending: Option<&str>,
) -> Result<AcceptSummary, Error> {
    let inv = resolve_token(db, token, "").await?;
    let needs_code = allowed(&inv.emails, &user.email) && accept_needs_code(db, &inv, user).await?;
    let code_sent = match pending.filter(|_| needs_code) {
        Some(pk) => {
            verification::pending_email_if_known(db, pk)
                .await?
                .as_deref()
                == Some(user.email.as_str())
        }
        None => false,
    };
    Ok(AcceptSummary {
        locale: inv.locale,
        verify_email: needs_code.then(|| user.email.clone()),
        code_sent,
        invited_by: inv.invited_by().to_owned(),
        roles: inv.roles.iter().map(|r| r.name.clone()).collect(),
        groups: inv.groups.iter().map(|g| g.name.clone()).collect(),
        expires: inv.expires,
        username: user.username.clone(),
    })
}

/// An existing user accepts an invitation: in one transaction a use is consumed (same atomic rule as
/// enrollment), the invitation's groups and roles are granted, and the ledger row `joined` is written.
/// The user's email must satisfy the invitation's email rules and, when it has any, be proven: verified
/// before, delivered this exact-address invitation by Usher, or confirmed now by `code` for this
/// browser's `verification` (which then marks the account's address verified, in the same transaction).
/// A user who already used the invitation cannot use it again. Returns whether the grant waits for an
/// approver (the invitation requires approval: nothing is granted until one says yes).
///
/// # Errors
/// [`Error::InvalidInvitation`]; [`Error::Refused`] when the email does not match, must be
/// confirmed first, or the user already used this invitation; [`Error::Invalid`] on `code` for a
/// wrong, expired or exhausted code; database errors. Nothing is written on error.
#[tracing::instrument(name = "accept.accept", skip_all, fields(user = user.pk))]
pub async fn accept(
    db: &Db,
    config: &Config,
    token: &Itoken,
    user: &CurrentUser,
    req: &RequestInfo,
    code: Option<&str>,
    verification: Option<&str>,
) -> Result<bool, Error> {
    let inv = resolve_token(db, token, &req.ip).await?;
    accept_checked(db, config, &inv, user, req, (code, verification))
        .await
        .map_err(|e| note_refusal(db, &inv.pk, &req.ip, e))
}

/// [`accept`] once the invitation is found active.
async fn accept_checked(
    db: &Db,
    config: &Config,
    inv: &Invitation,
    user: &CurrentUser,
    req: &RequestInfo,
    (code, verification): (Option<&str>, Option<&str>),
) -> Result<bool, Error> {
    check_account(inv, user)?;
    // The flow's policies, and its stages', hold for existing users too (their account's name and email
    // as prompt data), as if they had enrolled.
    let mut known = Map::new();
    known.insert("username".into(), Value::String(user.username.clone()));
    known.insert("email".into(), Value::String(user.email.clone()));
    let flow = load_flow_by_pk(db, &inv.flow_pk)
        .await?
        .ok_or_else(not_found)?;
    // Its `authentication` holds too: a `require_superuser` flow's invitation is for superusers only.
    Journey::new(&flow.def)
        .may_accept(user.is_superuser)
        .map_err(|c| super::enrollment::closed_error(&c, Some(user)))?;
    let policies = policies::load(db, &flow.pk).await?;
    enforce_all(&policies, &flow, Some(inv), &known)?;
    let proof = if accept_needs_code(db, inv, user).await? {
        let pk = verification
            .ok_or_else(|| Error::Refused(Refuse::ConfirmAddressFirst(user.email.clone())))?;
        let gate = verification::CodeGate {
            client: &req.ip,
            locale: req.locale,
        };
        verification::check(db, config, &gate, pk, &user.email, code.unwrap_or_default()).await?;
        Some(pk)
    } else {
        None
    };
    if invitations::use_pk_of_user(&db.pool, &inv.pk, user.pk)
        .await?
        .is_some()
    {
        return Err(Error::Refused(Refuse::AlreadyUsed));
    }
    let mut tx = db.begin().await?;
    if let Some(pk) = proof {
        verification::consume(&mut tx, pk).await?;
        users::set_email_verified(&mut *tx, user.pk).await?;
    }
    let mut form = Map::new();
    form.insert("username".into(), Value::String(user.username.clone()));
    form.insert("email".into(), Value::String(user.email.clone()));
    let applicant = super::approvals::Applicant {
        pk: user.pk,
        username: &user.username,
        form,
        activate: false,
    };
    let pending = use_in(
        &mut tx,
        config,
        inv,
        &applicant,
        UseAction::Joined,
        req,
        Vec::new(),
    )
    .await?
    .is_some();
    super::notifications::used_in(
        &mut tx,
        config.into(),
        inv,
        &user.username,
        UseAction::Joined,
    )
    .await?;
    tx.commit().await?;
    Ok(pending)
}
