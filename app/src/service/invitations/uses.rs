//! Using an invitation: finding it by token (cached), consuming a use, granting, recording it in the ledger.

use super::token::Itoken;
use super::{decode_stored, not_found};
use crate::domain::email_rules::EmailRule;
use crate::domain::invitation::{InvitationStatus, UseAction};
use crate::error::AppError;
use crate::service::{time, Db};
use crate::store::db::new_uuid;
use crate::store::invitations::{self as store};
use crate::store::{is_unique_violation, Tx};

/// An invitation as the invitee journey needs it.
#[derive(Debug, Clone)]
pub struct InvitationRecord {
    /// UUID.
    pub pk: String,
    /// Bound flow's pk.
    pub flow_pk: String,
    /// The lookup digest of the token it was found by ([`token_digest`]).
    pub token: String,
    /// Expiry, UTC Unix seconds.
    pub expires: Option<i64>,
    /// `fixed_data` object.
    pub fixed_data: serde_json::Map<String, serde_json::Value>,
    /// Max uses.
    pub quota: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// Email rules JSON as stored (compared again at consumption).
    pub emails_json: String,
    /// Parsed email rules.
    pub emails: Vec<EmailRule>,
    /// Enabled.
    pub enabled: bool,
    /// Whether the creator's account is active.
    pub creator_active: bool,
    /// Creator's display name (or username).
    pub invited_by: String,
    /// Granted role pks and names.
    pub roles: Vec<(String, String)>,
    /// Granted group pks and names.
    pub groups: Vec<(String, String)>,
}

impl InvitationRecord {
    /// Status now.
    pub fn status(&self, now: i64) -> InvitationStatus {
        InvitationStatus::compute(
            self.enabled,
            self.creator_active,
            self.expires,
            self.uses,
            self.quota,
            now,
        )
    }
}

/// The invitations this instance has looked up by token (keyed by the token's lookup digest), as of one
/// generation of the invitations (kept by triggers in the transaction of every change, see
/// [`crate::service::cache`]): the landing page and each stage read one row instead of the invitation, its
/// creator and its grants (issue 13). At most 4,096; tokens that match nothing are not cached.
pub type InvitationCache = crate::service::cache::GenerationCache<InvitationRecord, 4096>;

/// Finds an invitation by its token, from this instance's [`InvitationCache`] while the invitations'
/// generation (`generation`, read by the caller with [`crate::store::generations`] before this) is
/// unchanged. Malformed tokens are not looked up.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when its stored `emails` or `fixed_data` does not decode.
pub async fn find_by_token(
    db: &Db,
    token: &Itoken,
    generation: crate::store::Generation,
) -> Result<Option<InvitationRecord>, AppError> {
    if !crate::domain::invitation::is_token_shaped(token.given()) {
        return Ok(None);
    }
    let digest = token.digest();
    if let Some(hit) = db.invitation_cache.get(generation, digest) {
        return Ok(Some(InvitationRecord::clone(&hit)));
    }
    let Some(row) = store::by_token(&db.pool, digest).await? else {
        return Ok(None);
    };
    let (roles, groups): (Vec<_>, Vec<_>) = store::all_grants(&db.pool, &row.pk)
        .await?
        .into_iter()
        .partition(|(kind, _, _)| kind == "role");
    let pair = |v: Vec<(String, String, String)>| -> Vec<(String, String)> {
        v.into_iter().map(|(_, pk, name)| (pk, name)).collect()
    };
    let (roles, groups) = (pair(roles), pair(groups));
    let found = InvitationRecord {
        fixed_data: decode_stored(&row.pk, "fixed_data", &row.fixed_data)?,
        emails: decode_stored(&row.pk, "emails", &row.emails)?,
        invited_by: if row.creator_name.is_empty() {
            row.creator_username
        } else {
            row.creator_name
        },
        token: digest.to_owned(),
        pk: row.pk,
        flow_pk: row.flow_pk,
        expires: row.expires,
        quota: row.quota,
        uses: row.uses,
        emails_json: row.emails,
        enabled: row.enabled,
        creator_active: row.creator_active,
        roles,
        groups,
    };
    db.invitation_cache
        .put(generation, &found.token, std::sync::Arc::new(found.clone()));
    Ok(Some(found))
}

/// Consumes one use inside the caller's transaction with a conditional update that re-checks, atomically,
/// that the invitation is still enabled, unexpired at `now`, under quota, still has the token and flow the
/// caller resolved (a regenerated link or a moved invitation stops at once), and has the same email rules
/// the caller checked (`emails_json`).
///
/// # Errors
/// [`AppError::InvalidInvitation`] when the update matched nothing (the reason is computed afresh);
/// database errors.
pub async fn consume_use(tx: &mut Tx, inv: &InvitationRecord, now: i64) -> Result<(), AppError> {
    let n = store::consume(
        &mut **tx,
        &inv.pk,
        now,
        &inv.emails_json,
        &inv.token,
        &inv.flow_pk,
    )
    .await?;
    if n == 1 {
        return Ok(());
    }
    Err(match store::status(&mut **tx, &inv.pk).await? {
        Some(s) => invalid(InvitationStatus::compute(
            s.enabled,
            s.creator_active,
            s.expires,
            s.uses,
            s.quota,
            now,
        )),
        None => invalid(InvitationStatus::Active),
    })
}

/// The invitee-facing error for a status: a reason for disabled/expired/used up (410), and a plain
/// not-found (404) otherwise.
pub fn invalid(status: InvitationStatus) -> AppError {
    match status.refusal_reason() {
        Some(r) => AppError::InvalidInvitation {
            reason: Some(r.into()),
            gone: true,
        },
        None => AppError::InvalidInvitation {
            reason: None,
            gone: false,
        },
    }
}

/// Deprovisions every account created through an invitation (its ledger's `enrolled` rows): deactivates
/// them, in one statement. Accounts that only joined keep their state. Works for a deleted invitation
/// too, whose ledger stays. Returns how many were deactivated.
///
/// # Errors
/// [`AppError::NotFound`] when `pk` is neither an invitation nor in the ledger; database errors.
#[tracing::instrument(name = "invitations.deprovision", skip_all, fields(invitation = pk))]
pub async fn deprovision(db: &Db, pk: &str) -> Result<u64, AppError> {
    if !store::known(&db.pool, pk).await? {
        return Err(not_found());
    }
    Ok(store::deactivate_enrolled(&db.pool, pk).await?)
}

/// Who is enrolling or joining, for the ledger.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// Client IP.
    pub ip: String,
    /// `User-Agent`.
    pub user_agent: String,
}

/// Uses invitation `inv` for account `user_pk`, inside the caller's transaction: consumes one use
/// ([`consume_use`], which re-checks the invitation atomically), grants its roles and groups plus
/// `extra_groups` ([`grant_in`]) and records the use in the ledger ([`record_use_in`]). Enrollment
/// (`action` [`UseAction::Enrolled`], after inserting the account) and accepting (`Joined`) both call
/// this, so a use is always all three or, when the transaction rolls back, none.
///
/// # Errors
/// [`AppError::InvalidInvitation`] when the invitation can no longer be used; [`AppError::BadRequest`]
/// when this account already used it; database errors.
pub async fn use_in(
    tx: &mut Tx,
    inv: &InvitationRecord,
    user_pk: i64,
    action: UseAction,
    req: &RequestInfo,
    extra_groups: Vec<String>,
) -> Result<(), AppError> {
    consume_use(tx, inv, time::now()).await?;
    grant_in(tx, user_pk, Some(inv), extra_groups).await?;
    record_use_in(tx, inv, user_pk, action, req).await
}

/// Grants the invitation's groups and roles (plus `extra_groups`) to a user, skipping what they hold. The
/// grants are read inside the transaction, so an edit that removed one a moment ago is respected.
pub(crate) async fn grant_in(
    tx: &mut Tx,
    user_pk: i64,
    invitation: Option<&InvitationRecord>,
    mut groups: Vec<String>,
) -> Result<(), AppError> {
    let inv_pk = invitation.map(|i| i.pk.clone()).unwrap_or_default();
    groups.extend(store::granted_group_pks(&mut **tx, &inv_pk).await?);
    groups.sort();
    groups.dedup();
    let roles = store::granted_role_pks(&mut **tx, &inv_pk).await?;
    for g in groups {
        crate::store::users::add_group(&mut **tx, user_pk, &g).await?;
    }
    for r in roles {
        crate::store::users::add_role(&mut **tx, user_pk, &r).await?;
    }
    Ok(())
}

/// Writes the ledger row of a use (`action`) of `inv` by `user_pk`, inside the caller's granting
/// transaction, with the client's address and `User-Agent` (truncated to 512 characters).
///
/// # Errors
/// [`AppError::BadRequest`] when this user already used this invitation (one use per account); database
/// errors.
async fn record_use_in(
    tx: &mut Tx,
    inv: &InvitationRecord,
    user_pk: i64,
    action: UseAction,
    req: &RequestInfo,
) -> Result<(), AppError> {
    let user_agent: String = req.user_agent.chars().take(512).collect();
    store::insert_use(
        &mut **tx,
        &store::NewUse {
            pk: &new_uuid(),
            invitation_pk: &inv.pk,
            user_pk,
            action: action.as_str(),
            at: time::now(),
            ip: &req.ip,
            user_agent: &user_agent,
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::BadRequest("You have already accepted this invitation.".into())
        } else {
            AppError::from(e)
        }
    })
}
