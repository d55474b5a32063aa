//! The members' own invitations (issue 17 item 2): a signed-in member whose roles carry an inviter
//! policy lists, creates, disables and deletes the invitations they created, within their policy, and
//! sees who used them; never anyone else's. Each function requires a signed-in user first (401
//! anonymous), then a policy (403 without one), and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{member, respond, who};
use crate::domain::inviter_policy::InviterPolicy;
use crate::error::AppError;
use crate::model::{FlowOption, InvitationForm};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One of the member's invitations as their page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyInvitation {
    /// UUID.
    pub pk: String,
    /// Its name.
    pub name: String,
    /// Its flow's slug.
    pub flow: String,
    /// Its link; empty when it cannot be opened here (sealed with another instance secret).
    pub link: String,
    /// `active`, `disabled`, `scheduled`, `expired` or `used_up`.
    pub status: crate::domain::invitation::InvitationStatus,
    /// Whether it is switched on.
    pub enabled: bool,
    /// Its email rules, as typed.
    pub emails: Vec<String>,
    /// The roles and groups it grants, by name.
    pub grants: Vec<String>,
    /// Uses so far, and its quota (`None`: unlimited).
    pub uses: i64,
    /// Its quota.
    pub quota: Option<i64>,
    /// Its expiry, UTC Unix seconds.
    pub expires_at: Option<i64>,
    /// The expiry in words, in the member's language, UTC.
    pub expires_display: String,
    /// The usernames of the accounts that used it, oldest first.
    pub used_by: Vec<String>,
}

/// The member's page: their policies (what the form offers), the flows those allow and their
/// invitations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyInvitationsPage {
    /// The inviter policies of the member's roles.
    pub policies: Vec<InviterPolicy>,
    /// The flows their policies name.
    pub flows: Vec<FlowOption>,
    /// Their invitations, newest first.
    pub invitations: Vec<MyInvitation>,
}

/// The member and their policies, or 403 without one.
#[cfg(feature = "ssr")]
async fn inviter() -> Result<
    (
        crate::service::AppState,
        crate::model::CurrentUser,
        Vec<InviterPolicy>,
    ),
    AppError,
> {
    let (st, user) = member().await?;
    let policies = crate::service::inviters::policies_of(&st.db, user.pk).await?;
    if policies.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok((st, user, policies))
}

/// The member's page.
///
/// # Errors
/// 401 anonymous; 403 without an inviter policy.
#[server(input = Json, endpoint = "user/invitations/list")]
pub async fn my_invitations() -> Result<MyInvitationsPage, AppError> {
    respond(
        async {
            let (st, user, policies) = inviter().await?;
            let l = crate::i18n::wording();
            let now = crate::service::time::now();
            let allowed: Vec<&String> = policies.iter().flat_map(|p| &p.flows).collect();
            let flows = super::admin::flows::flow_options(
                crate::service::flows::list_enrollment_flows(&st.db).await?,
            )
            .into_iter()
            .filter(|f| allowed.contains(&&f.slug))
            .collect();
            let invitations = crate::service::inviters::own_invitations(&st.db, &user)
                .await?
                .into_iter()
                .map(|(inv, uses)| MyInvitation {
                    link: crate::service::invitations::link(&st.config, &inv).unwrap_or_default(),
                    status: inv.status(now),
                    enabled: inv.enabled,
                    emails: inv.emails.iter().map(|r| r.to_text()).collect(),
                    grants: inv
                        .roles
                        .iter()
                        .chain(&inv.groups)
                        .map(|g| g.name.clone())
                        .collect(),
                    uses: inv.uses,
                    quota: inv.quota.max(),
                    expires_at: inv.expires,
                    expires_display: l.expiry_utc(inv.expires, now),
                    used_by: uses.into_iter().map(|u| u.username).collect(),
                    pk: inv.pk,
                    name: inv.name.as_str().to_owned(),
                    flow: inv.flow_slug,
                })
                .collect();
            Ok(MyInvitationsPage {
                policies,
                flows,
                invitations,
            })
        }
        .await,
    )
}

/// Creates an invitation as the member, within one of their policies. The form is the dashboard's;
/// custom attributes may hold only `email` (where the invitation is sent).
///
/// # Errors
/// 401 anonymous; 403 without an inviter policy; 400 [`AppError::Validation`] with each field's
/// problem, a refusal of the policy naming its rule among them.
#[server(input = Json, endpoint = "user/invitations/create")]
pub async fn create_my_invitation(form: InvitationForm) -> Result<String, AppError> {
    respond(
        async {
            let (st, user, _) = inviter().await?;
            let l = crate::i18n::wording();
            let draft = super::admin::invitations::draft_of(&form).map_err(|errors| {
                AppError::Validation(
                    errors
                        .iter()
                        .map(|e| (e.field().key().to_owned(), e.worded(l)))
                        .collect(),
                )
            })?;
            let (pk, _approval) = crate::service::inviters::create_as_member(
                &st.db,
                &st.config,
                &who(&user).await,
                &user,
                &draft,
            )
            .await?;
            Ok(pk)
        }
        .await,
    )
}

/// Switches one of the member's own invitations on or off.
///
/// # Errors
/// 401 anonymous; 403 without an inviter policy; 404 for an invitation that is not theirs.
#[server(input = Json, endpoint = "user/invitations/set_enabled")]
pub async fn set_my_invitation_enabled(pk: String, enabled: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, user, _) = inviter().await?;
            crate::service::inviters::set_enabled_own(
                &st.db,
                &who(&user).await,
                &user,
                &pk,
                enabled,
            )
            .await
            .map_err(AppError::from)
        }
        .await,
    )
}

/// Deletes one of the member's own invitations.
///
/// # Errors
/// 401 anonymous; 403 without an inviter policy; 404 for an invitation that is not theirs.
#[server(input = Json, endpoint = "user/invitations/delete")]
pub async fn delete_my_invitation(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user, _) = inviter().await?;
            crate::service::inviters::delete_own(&st.db, &who(&user).await, &user, &pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Emails one of the member's own invitations to `to` (addresses separated by commas, spaces or lines),
/// as the dashboard's Send does, but only to addresses its email rules allow. Returns the outbox
/// message's pk.
///
/// # Errors
/// 401 anonymous; 403 without an inviter policy; 404 for an invitation that is not theirs; 400 under `to`
/// for no address, a malformed one, or one its rules do not allow (nothing is queued).
#[server(input = Json, endpoint = "user/invitations/send")]
pub async fn send_my_invitation(pk: String, to: String) -> Result<String, AppError> {
    respond(
        async {
            let (st, user, _) = inviter().await?;
            let to: Vec<String> = to
                .split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect();
            crate::service::inviters::send_own(
                &st.db,
                &st.config,
                &who(&user).await,
                &user,
                &pk,
                (&to, &[], &[]),
            )
            .await
            .map_err(AppError::from)
        }
        .await,
    )
}

/// Whether the signed-in user may invite (a role of theirs carries an inviter policy): the profile then
/// links to their invitations. `false` when anonymous; tells nothing of anyone else.
///
/// # Errors
/// Database errors.
#[server(endpoint = "user/may_invite")]
pub async fn may_invite() -> Result<bool, AppError> {
    respond(
        async {
            let st = crate::api::ctx::state()?;
            let session = crate::api::ctx::session().await?;
            match crate::service::auth::current_user(&st.db, &session).await? {
                Some(user) => Ok(!crate::service::inviters::policies_of(&st.db, user.pk)
                    .await?
                    .is_empty()),
                None => Ok(false),
            }
        }
        .await,
    )
}
