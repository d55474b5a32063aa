//! Using an invitation: finding it by token (cached), consuming a use, granting, recording it in the ledger.

use super::not_found;
use super::token::Itoken;
use crate::domain::invitation::{Invitation, InvitationStatus, UseAction};
use crate::service::error::Error;
use crate::service::{time, Db};
use crate::store::db::new_uuid;
use crate::store::invitations::{self as store};
use crate::store::{is_unique_violation, Tx};

/// The invitations this instance has looked up by token (keyed by the token's lookup digest), as of one
/// generation of the invitations (kept by triggers in the transaction of every change, see
/// [`crate::service::cache`]): the landing page and each stage read one row instead of the invitation, its
/// creator and its grants (issue 13). At most 4,096; tokens that match nothing are not cached. The
/// generation follows what the journey reads of the entity (its own fields, grants and their names, the
/// creator's names and standing); the rest of a cached creator's profile (email, last sign-in,
/// attributes) and its flow's slug may be older: read [`super::find`] for those.
pub type InvitationCache = crate::service::cache::GenerationCache<Invitation, 4096>;

/// Finds an invitation by its token, or by the token of one of its named links (then
/// [`Invitation::link`] says which), from this instance's [`InvitationCache`] while the invitations'
/// generation (`generation`, read by the caller with [`crate::store::generations`] before this; it
/// follows the links too) is unchanged. Malformed tokens are not looked up.
///
/// # Errors
/// Database errors, [`Error::Internal`] among them when its stored name, `emails` or `fixed_data`
/// does not decode (fails closed: never read as "no rules").
pub async fn find_by_token(
    db: &Db,
    token: &Itoken,
    generation: crate::store::Generation,
) -> Result<Option<Invitation>, Error> {
    if !crate::domain::invitation::is_token_shaped(token.given()) {
        return Ok(None);
    }
    let digest = token.digest();
    if let Some(hit) = db.invitation_cache.get(generation, digest) {
        return Ok(Some(Invitation::clone(&hit)));
    }
    let mut conn = db.conn().await?;
    let found = match store::by_token(&mut conn, digest).await? {
        Some(found) => found,
        // A named link's token (issue 15 item 6): the invitation, saying which link.
        None => match super::links::by_link_token(&mut conn, digest).await? {
            Some(found) => found,
            None => return Ok(None),
        },
    };
    db.invitation_cache
        .put(generation, digest, std::sync::Arc::new(found.clone()));
    Ok(Some(found))
}

/// Consumes one use inside the caller's transaction with a conditional update that re-checks, atomically,
/// that the invitation is still enabled, unexpired at `now`, under quota, still has the token and flow the
/// caller resolved (a regenerated link or a moved invitation stops at once), and has the same email rules
/// the caller checked (`emails_stored`). Found through a named link ([`Invitation::link`]), the token is
/// the link's, and a second conditional update consumes one use of the link's share in the same
/// transaction ([`store::consume_link`]): the link's share and the invitation's quota each refuse once
/// used up, whichever comes first.
///
/// # Errors
/// [`Error::InvalidInvitation`] when an update matched nothing (the reason is computed afresh; the
/// caller's transaction must then roll back); database errors.
pub async fn consume_use(tx: &mut Tx, inv: &Invitation, now: i64) -> Result<(), Error> {
    let token = inv.link.as_ref().map_or(&inv.token, |l| &l.token);
    let n = store::consume(
        &mut **tx,
        &inv.pk,
        now,
        &inv.emails_stored,
        token,
        &inv.flow_pk,
    )
    .await?;
    if n == 1 {
        let Some(link) = &inv.link else {
            return Ok(());
        };
        if store::consume_link(&mut **tx, &link.pk, &link.token).await? == 1 {
            return Ok(());
        }
        return Err(match store::link_share(&mut **tx, &link.pk).await? {
            Some((quota, uses)) if !crate::domain::invitation_link::share_left(uses, quota) => {
                invalid(InvitationStatus::UsedUp)
            }
            _ => invalid(InvitationStatus::Active),
        });
    }
    Err(match store::status(&mut **tx, &inv.pk).await? {
        Some(s) => unusable(
            InvitationStatus::compute(
                s.enabled,
                s.creator_active,
                (s.not_before, s.expires),
                s.uses,
                s.quota,
                now,
            ),
            s.not_before,
        ),
        None => invalid(InvitationStatus::Active),
    })
}

/// The invitee-facing error for a status: a reason for disabled/expired/used up (410), and a plain
/// not-found (404) otherwise. A scheduled invitation's error says when it opens: see [`unusable`].
pub fn invalid(status: InvitationStatus) -> Error {
    Error::InvalidInvitation(Some(status))
}

/// The invitee-facing error for an invitation with `status` and start time `not_before` (UTC Unix
/// seconds): [`Error::NotYetOpen`] with the instant it opens when it is scheduled, else [`invalid`].
pub fn unusable(status: InvitationStatus, not_before: Option<i64>) -> Error {
    match (status, not_before) {
        (InvitationStatus::NotYetOpen, Some(at)) => Error::NotYetOpen(at),
        (status, _) => invalid(status),
    }
}

/// Deprovisions every account created through an invitation (its ledger's `enrolled` rows): deactivates
/// them, in one statement, and denies its uses still waiting for an approver. Accounts that only joined keep their state. Works for a deleted invitation
/// too, whose ledger stays. Returns how many were deactivated.
///
/// # Errors
/// [`Error::NotFound`] when `pk` is neither an invitation nor in the ledger; database errors.
#[tracing::instrument(name = "invitations.deprovision", skip_all, fields(invitation = pk))]
pub async fn deprovision(db: &Db, who: &crate::domain::audit::Who, pk: &str) -> Result<u64, Error> {
    use crate::domain::audit::{Action, Model};
    let mut tx = db.begin().await?;
    if !store::known(&mut *tx, pk).await? {
        return Err(not_found());
    }
    let n = store::deactivate_enrolled(&mut *tx, pk).await?;
    // Its uses still waiting for an approver are denied too: approval must not bring them back.
    crate::store::approvals::deny_pending_of_invitation(
        &mut *tx,
        pk,
        crate::domain::approval::DEPROVISIONED_REASON,
        time::now(),
    )
    .await?;
    crate::service::audit::record(
        &mut *tx,
        who.event(
            Action::InvitationDeprovisioned,
            Model::Invitation,
            pk,
            serde_json::json!({"deactivated": n}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Who is enrolling or joining, for the ledger.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// Client IP.
    pub ip: String,
    /// `User-Agent`.
    pub user_agent: String,
    /// The language of the page the request came from (issue 16): the emails it causes are written in
    /// it, and an account it enrolls keeps it as its preferred language.
    pub locale: crate::i18n::Locale,
}

/// Uses invitation `inv` for account `applicant`, inside the caller's transaction: consumes one use
/// ([`consume_use`], which re-checks the invitation atomically), records the use in the ledger
/// ([`record_use_in`]) and grants its roles and groups plus `extra_groups` ([`grant_in`]), or, when it
/// requires approval, writes a pending request instead ([`crate::service::approvals::request_in`]),
/// whose pk it returns: nothing is granted until an approver says yes. Enrollment
/// (`action` [`UseAction::Enrolled`], after inserting the account) and accepting (`Joined`) both call
/// this, so a use is always all three (and its `invitation_used` event) or, when the transaction rolls
/// back, none. The use is counted in the metrics ([`crate::service::metrics::INVITATIONS_USED`]) once
/// the transaction commits.
///
/// # Errors
/// [`Error::InvalidInvitation`] when the invitation can no longer be used; [`Error::Refused`]
/// when this account already used it; database errors.
pub async fn use_in(
    tx: &mut Tx,
    config: &crate::service::Config,
    inv: &Invitation,
    applicant: &crate::service::approvals::Applicant<'_>,
    action: UseAction,
    req: &RequestInfo,
    extra_groups: Vec<String>,
) -> Result<Option<String>, Error> {
    use crate::domain::audit::{Action, Model, Who};
    let (user_pk, username) = (applicant.pk, applicant.username);
    consume_use(tx, inv, time::now()).await?;
    record_use_in(tx, inv, user_pk, action, req).await?;
    // authentik's `invitation_used`: the account that used it, the invitation and how (and through
    // which named link, when one).
    let mut context = serde_json::json!({
        "invitation_uuid": inv.pk,
        "invitation_name": inv.name.as_str(),
        "use": action.as_str(),
    });
    if let Some(link) = &inv.link {
        context["link"] = serde_json::json!({"pk": link.pk, "name": link.name});
    }
    crate::service::audit::record(
        &mut **tx,
        Who::user(user_pk, username, &req.ip).event(
            Action::InvitationUsed,
            Model::Invitation,
            &inv.pk,
            context,
        ),
    )
    .await?;
    // What it grants is given now, or, when it requires approval, once an approver says yes.
    let pending = if inv.requires_approval {
        Some(
            crate::service::approvals::request_in(
                tx,
                config,
                inv,
                applicant,
                action,
                extra_groups,
                &req.ip,
            )
            .await?,
        )
    } else {
        grant_in(tx, user_pk, Some(inv), extra_groups).await?;
        None
    };
    let action = action.as_str();
    tx.after_commit(move || crate::service::metrics::invitation_used(action));
    Ok(pending)
}

/// Grants the invitation's groups and roles (plus `extra_groups`) to a user, skipping what they hold. The
/// grants are read inside the transaction, so an edit that removed one a moment ago is respected.
pub(crate) async fn grant_in(
    tx: &mut Tx,
    user_pk: i64,
    invitation: Option<&Invitation>,
    mut groups: Vec<String>,
) -> Result<(), Error> {
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
/// [`Error::Refused`] when this user already used this invitation (one use per account); database
/// errors.
async fn record_use_in(
    tx: &mut Tx,
    inv: &Invitation,
    user_pk: i64,
    action: UseAction,
    req: &RequestInfo,
) -> Result<(), Error> {
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
            link_pk: inv.link.as_ref().map(|l| l.pk.as_str()),
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::Refused(crate::service::error::Refusal::AlreadyUsed)
        } else {
            Error::from(e)
        }
    })
}
