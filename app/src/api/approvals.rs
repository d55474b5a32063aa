//! Approvals (issue 17 item 3): Directory → Approvals lists the requests, and the confirmation page an
//! approver's email links to (`/if/approval/{pk}`) shows one and decides it with a posted form (never
//! on GET). Each requires a signed-in user first (401 anonymous); the list is the admins' (403 for
//! others); a request is seen and decided by a superuser or a member of its approvers' group (the
//! inviter policy's `approvers`), 403 for anyone else, whether or not it exists.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, member, respond, who};
use crate::domain::approval::ApprovalStatus;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// An approval request as the list and the confirmation page show it, in the admin's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalItem {
    /// UUID.
    pub pk: String,
    /// The invitation's name.
    pub invitation: String,
    /// Who created it (display name, else username).
    pub invited_by: String,
    /// The account that used it.
    pub username: String,
    /// Its address.
    pub email: String,
    /// Whether it enrolled a new account (else an existing one joined).
    pub new_account: bool,
    /// What they entered, as `(field, value)` pairs (never a password).
    pub form: Vec<(String, String)>,
    /// The roles and groups approval grants, by name.
    pub grants: Vec<String>,
    /// Where it stands now.
    pub status: ApprovalStatus,
    /// The status in words.
    pub status_label: String,
    /// The approver's reason (empty when none).
    pub reason: String,
    /// Who decided (empty while pending or when it expired).
    pub decided_by: String,
    /// When it was made, UTC Unix seconds, and in words.
    pub created: i64,
    /// `created` in words.
    pub created_display: String,
    /// When it is denied if undecided, in words.
    pub expires_display: String,
    /// When it was made, as the confirmation page shows it.
    pub requested: crate::model::PageTime,
    /// When it is denied if undecided, as the confirmation page shows it.
    pub expires: crate::model::PageTime,
}

#[cfg(feature = "ssr")]
fn item(r: crate::service::approvals::Request, l: crate::i18n::Locale) -> ApprovalItem {
    let now = crate::service::time::now();
    ApprovalItem {
        form: r
            .form
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect(),
        grants: r.roles.iter().chain(&r.groups).cloned().collect(),
        status_label: r.status.label(l),
        status: r.status,
        created_display: l.datetime(r.row.created),
        expires_display: l.expiry_utc(Some(r.row.expires_at), now),
        requested: crate::model::PageTime::new(l, r.row.created, now),
        expires: crate::model::PageTime::new(l, r.row.expires_at, now),
        created: r.row.created,
        new_account: r.row.kind == "enrolled",
        pk: r.row.pk,
        invitation: r.row.invitation_name,
        invited_by: r.row.invited_by_name,
        username: r.row.username,
        email: r.row.user_email,
        reason: if r.row.reason == crate::domain::approval::DEPROVISIONED_REASON {
            crate::t!(l, "approval-reason-deprovisioned")
        } else {
            r.row.reason
        },
        decided_by: r.row.decided_by_name,
    }
}

/// The requests: pending first (oldest first), then the decided ones.
///
/// # Errors
/// 401 anonymous; 403 non-admin.
#[server(input = Json, endpoint = "admin/approvals/list")]
pub async fn list_approvals() -> Result<Vec<ApprovalItem>, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let l = crate::i18n::wording();
            Ok(crate::service::approvals::list(&st.db, &user)
                .await?
                .into_iter()
                .map(|r| item(r, l))
                .collect())
        }
        .await,
    )
}

/// One request, for its confirmation page.
///
/// # Errors
/// 401 anonymous; 403 unknown or not theirs to decide.
#[server(input = Json, endpoint = "approvals/get")]
pub async fn get_approval(pk: String) -> Result<ApprovalItem, AppError> {
    respond(
        async {
            let (st, user) = member().await?;
            let l = crate::i18n::wording();
            Ok(item(
                crate::service::approvals::find(&st.db, &user, pk.trim()).await?,
                l,
            ))
        }
        .await,
    )
}

/// Approves (`decision` `approve`) or denies (`deny`, with a `reason` the invitee is told) request `pk`,
/// from the confirmation page's form (URL-encoded, so it works without JavaScript), then goes back to it.
///
/// # Errors
/// 401 anonymous; 403 unknown or not theirs to decide; 400 under `reason` for a denial without one; 400
/// when it was decided already (by another approver, or it expired).
#[server(endpoint = "approvals/decide")]
pub async fn decide_approval(pk: String, decision: String, reason: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = member().await?;
            let pk = pk.trim().to_owned();
            let decision =
                crate::domain::approval::Decision::parse(decision.trim()).ok_or_else(|| {
                    AppError::from(crate::service::error::Error::field(
                        "decision",
                        crate::service::error::Problem::Approval(
                            crate::domain::approval::ApprovalError::UnknownDecision,
                        ),
                    ))
                })?;
            crate::service::approvals::decide(
                &st.db,
                &st.config,
                &who(&user).await,
                &user,
                &pk,
                decision,
                &reason,
            )
            .await?;
            leptos_axum::redirect(&format!("/if/approval/{pk}"));
            Ok(())
        }
        .await,
    )
}
