//! Delegated invitations (issue 17 item 1): the inviter policies admins give roles in Directory →
//! Roles, and the policies a member holds. The rules themselves are [`crate::domain::inviter_policy`].

use super::error::{Entity, Error, Problem};
use super::invitations::{self, Delivery, WriteError};
use super::{time, Db};
use crate::domain::audit::Who;
use crate::domain::invitation::{Invitation, InvitationDraft};
use crate::domain::inviter_policy::{
    allowed_by_any, InviteRequest, Inviter, InviterPolicy, PolicyError, Violation, WINDOW_SECS,
};
use crate::domain::user::CurrentUser;
use crate::store::{directory, flows, inviters as store};

/// A role and its inviter policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePolicy {
    /// The role's pk.
    pub pk: String,
    /// The role's name.
    pub name: String,
    /// Its policy; `None` when its members may not invite.
    pub policy: Option<InviterPolicy>,
}

/// A stored policy; one that no longer reads (a corrupt row) counts as none, and is logged.
fn read(json: &str) -> Option<InviterPolicy> {
    serde_json::from_str(json)
        .map_err(|e| tracing::warn!(error = %e, "an inviter policy does not read"))
        .ok()
}

/// Every role with its policy, by name.
///
/// # Errors
/// Database errors.
pub async fn roles(db: &Db) -> Result<Vec<RolePolicy>, Error> {
    Ok(store::roles(&db.pool)
        .await?
        .into_iter()
        .map(|r| RolePolicy {
            pk: r.pk,
            name: r.name,
            policy: r.inviter_policy.as_deref().and_then(read),
        })
        .collect())
}

/// Gives role `role_pk` the policy `policy` (or, with `None`, takes its members' right to invite
/// away). The policy is tidied and checked first ([`InviterPolicy::normalized`]); every flow, role and
/// group it names must exist. Nothing is saved when it is refused.
///
/// # Errors
/// [`Error::Invalid`] with [`Problem::InviterPolicy`] under the field at fault;
/// [`Error::NotFound`] for an unknown role; database errors.
pub async fn set_policy(
    db: &Db,
    role_pk: &str,
    policy: Option<InviterPolicy>,
) -> Result<(), Error> {
    let refuse = |e: PolicyError| Error::field(e.field(), Problem::InviterPolicy(e));
    let json = match policy {
        None => None,
        Some(p) => {
            let p = p.normalized().map_err(refuse)?;
            for slug in &p.flows {
                if flows::flow_pk_by_slug(&db.pool, slug).await?.is_none() {
                    return Err(refuse(PolicyError::UnknownFlow(slug.clone())));
                }
            }
            let names = |rows: Vec<directory::NamedRow>| -> Vec<String> {
                rows.into_iter().map(|r| r.name).collect()
            };
            let roles = names(directory::list(&db.pool, directory::Kind::Role).await?);
            if let Some(r) = p.roles.iter().find(|r| !roles.contains(r)) {
                return Err(refuse(PolicyError::UnknownRole(r.clone())));
            }
            let groups = names(directory::list(&db.pool, directory::Kind::Group).await?);
            if let Some(g) = p.groups.iter().find(|g| !groups.contains(g)) {
                return Err(refuse(PolicyError::UnknownGroup(g.clone())));
            }
            if let Some(g) = p.approvers.as_ref().filter(|g| !groups.contains(g)) {
                return Err(refuse(PolicyError::UnknownApprovers(g.clone())));
            }
            Some(serde_json::to_string(&p).map_err(|_| Error::Internal)?)
        }
    };
    super::error::touched(
        store::set_policy(&db.pool, role_pk, json.as_deref()).await?,
        Entity::Role,
    )
}

/// The policies of the roles user `user_pk` holds, by role name; none when they may not invite.
///
/// # Errors
/// Database errors.
pub async fn policies_of(db: &Db, user_pk: i64) -> Result<Vec<InviterPolicy>, Error> {
    Ok(store::policies_of_user(&db.pool, user_pk)
        .await?
        .iter()
        .filter_map(|j| read(j))
        .collect())
}

/// A refusal of an inviter's policy, under its field.
fn refused(v: Violation) -> WriteError {
    WriteError::Other(Error::field(v.field(), Problem::NotAllowedToInvite(v)))
}

/// Creates an invitation as member `user` within one of their inviter policies (issue 17 item 2), all
/// or nothing in one transaction: the member's row is locked first (so several requests of theirs, on
/// any instance, count their 30 days one after another), the invitation is written as an admin's is
/// (its email queued when `fixed_data` holds one), then judged as stored (its flow's slug, its roles' and
/// groups' names, its rules, expiry and quota), so what a name or pk resolves to is what is judged.
/// A refusal rolls everything back. Returns the new pk and whether its uses wait for approval.
///
/// # Errors
/// [`WriteError::Invalid`] as for an admin; [`WriteError::Other`] with [`Problem::NotAllowedToInvite`]
/// naming the rule broken ([`Violation::NoPolicy`] without a policy); storage errors.
pub async fn create_as_member(
    db: &Db,
    config: &crate::service::Config,
    who: &Who,
    user: &CurrentUser,
    draft: &InvitationDraft,
) -> Result<(String, bool), WriteError> {
    let now = time::now();
    let mut tx = db.begin().await?;
    store::lock_inviter(&mut *tx, user.pk).await?;
    let policies: Vec<InviterPolicy> = store::policies_of_user(&mut *tx, user.pk)
        .await?
        .iter()
        .filter_map(|j| read(j))
        .collect();
    if policies.is_empty() {
        return Err(refused(Violation::NoPolicy));
    }
    let recent = store::created_since(&mut tx, user.pk, now - WINDOW_SECS).await?;
    let pk = invitations::create_in(
        &mut tx,
        &config.secret_key,
        who,
        user.pk,
        draft,
        now,
        Delivery::Automatic(config),
    )
    .await?;
    let inv = invitations::load_in(&mut tx, &pk)
        .await?
        .ok_or(Error::Internal)?;
    let names = |g: &[crate::domain::invitation::Granted]| -> Vec<String> {
        g.iter().map(|g| g.name.clone()).collect()
    };
    let (roles, groups) = (names(&inv.roles), names(&inv.groups));
    let fixed_keys: Vec<String> = inv.fixed_data.keys().cloned().collect();
    let req = InviteRequest {
        flow: &inv.flow_slug,
        roles: &roles,
        groups: &groups,
        rules: &inv.emails,
        expires: inv.expires,
        quota: inv.quota.max().and_then(|q| u32::try_from(q).ok()),
        fixed_keys: &fixed_keys,
    };
    let inviter = Inviter {
        roles: &user.roles,
        recent: u32::try_from(recent).unwrap_or(u32::MAX),
        now,
    };
    let policy = allowed_by_any(&policies, &req, &inviter).map_err(refused)?;
    // Where it is sent on creation (`fixed_data.email`) must be an address its rules allow, as for Send.
    if let Some(to) = inv.fixed_data.get("email").and_then(|e| e.as_str()) {
        crate::domain::inviter_policy::may_send_to(&inv.emails, &[to.to_owned()]).map_err(|v| {
            WriteError::Other(Error::field("fixed_data", Problem::NotAllowedToInvite(v)))
        })?;
    }
    let approval = policy.requires_approval;
    // Whatever the form said, the policy decides whether its uses wait for an approver, and who
    // approves them besides the admins (its approvers' group, read in this transaction).
    let approvers = match policy.approvers.as_deref() {
        Some(name) if approval => directory::group_pk_by_name(&mut *tx, name).await?,
        _ => None,
    };
    crate::store::invitations::set_requires_approval(&mut *tx, &pk, approval, approvers.as_deref())
        .await?;
    tx.commit().await?;
    Ok((pk, approval))
}

/// Invitation `pk` when member `user` created it; [`Error::NotFound`] otherwise (another member's
/// invitation is never told apart from one that does not exist).
///
/// # Errors
/// As described; storage errors.
pub async fn own(db: &Db, user: &CurrentUser, pk: &str) -> Result<Invitation, Error> {
    let inv = invitations::find(db, pk).await?;
    if inv.created_by.pk == user.pk {
        Ok(inv)
    } else {
        Err(Error::NotFound(Entity::Invitation))
    }
}

/// Switches member `user`'s own invitation `pk` on or off ([`own`] first).
///
/// # Errors
/// [`Error::NotFound`] for one that is not theirs; storage errors.
pub async fn set_enabled_own(
    db: &Db,
    who: &Who,
    user: &CurrentUser,
    pk: &str,
    enabled: bool,
) -> Result<(), Error> {
    own(db, user, pk).await?;
    invitations::set_enabled(db, who, pk, enabled).await
}

/// Deletes member `user`'s own invitation `pk` ([`own`] first).
///
/// # Errors
/// [`Error::NotFound`] for one that is not theirs; storage errors.
pub async fn delete_own(db: &Db, who: &Who, user: &CurrentUser, pk: &str) -> Result<(), Error> {
    own(db, user, pk).await?;
    invitations::delete(db, who, pk).await
}

/// Emails member `user`'s own invitation `pk` to `to`, with `cc` and `bcc` ([`own`] first), as the
/// dashboard's Send does, but only to addresses its email rules allow
/// ([`crate::domain::inviter_policy::may_send_to`]). Returns the outbox message's pk.
///
/// # Errors
/// [`Error::NotFound`] for one that is not theirs; [`Error::Invalid`] under `to` naming a recipient
/// the rules do not allow (nothing is queued); as [`invitations::send`].
pub async fn send_own(
    db: &Db,
    config: &crate::service::Config,
    who: &Who,
    user: &CurrentUser,
    pk: &str,
    (to, cc, bcc): (&[String], &[String], &[String]),
) -> Result<String, Error> {
    let inv = own(db, user, pk).await?;
    let all: Vec<String> = to.iter().chain(cc).chain(bcc).cloned().collect();
    crate::domain::inviter_policy::may_send_to(&inv.emails, &all)
        .map_err(|v| Error::field(v.field(), Problem::NotAllowedToInvite(v)))?;
    invitations::send(db, config, who, pk, to, cc, bcc).await
}

/// At most this many of a member's own invitations are listed (newest first).
pub const OWN_LIST_LIMIT: u64 = 200;

/// Member `user`'s own invitations, newest first (at most [`OWN_LIST_LIMIT`]), each with the accounts
/// that used it.
///
/// # Errors
/// Storage errors.
pub async fn own_invitations(
    db: &Db,
    user: &CurrentUser,
) -> Result<Vec<(Invitation, Vec<crate::domain::invitation::Use>)>, Error> {
    let q = invitations::ListQuery {
        created_by: Some(user.username.clone()),
        order: vec![(invitations::OrderField::Created, true)],
        limit: OWN_LIST_LIMIT,
        ..invitations::ListQuery::default()
    };
    let listed = invitations::list_page(db, &q).await?;
    let pks: Vec<String> = listed.iter().map(|l| l.invitation.pk.clone()).collect();
    let mut ledgers = invitations::ledgers_of(db, &pks).await?;
    Ok(listed
        .into_iter()
        .map(|l| {
            let uses = ledgers.remove(&l.invitation.pk).unwrap_or_default();
            (l.invitation, uses)
        })
        .collect())
}
