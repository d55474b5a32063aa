//! Invitations: the table, one row, the create/edit form, toggling, regenerating, sending, deleting, deprovisioning. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
use crate::error::AppError;
use crate::model::{FlowOption, InvitationForm, InvitationSort, InvitationView};
#[cfg(feature = "ssr")]
use crate::service::invitations::WriteError;
#[cfg(feature = "ssr")]
use crate::service::{flows, invitations, time};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
pub(crate) use view::draft_of;
#[cfg(feature = "ssr")]
use view::{dashboard_query, default_form, detail_view, invitation_view};

#[cfg(feature = "ssr")]
mod view;

/// The invitations table, filtered by name and sorted: page `page` (0-based, default the first) of
/// [`crate::model::DASHBOARD_PAGE_SIZE`] rows, without their ledger and messages ([`get_invitation`]
/// reads those).
#[server(input = Json, endpoint = "admin/invitations/list")]
pub async fn list_invitations(
    search: String,
    sort: InvitationSort,
    page: Option<u64>,
) -> Result<Vec<InvitationView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let q = dashboard_query(&search, sort, page.unwrap_or(0));
            let rows = invitations::list_page(&st.db, &q).await?;
            let now = time::now();
            Ok(rows
                .into_iter()
                .map(|r| invitation_view(&st.config, r, None, now))
                .collect())
        }
        .await,
    )
}

/// How many invitations the table's search matches (for its pages).
#[server(input = Json, endpoint = "admin/invitations/count")]
pub async fn count_invitations(search: String) -> Result<u64, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::count(
                &st.db,
                &dashboard_query(&search, InvitationSort::default(), 0),
            )
            .await
            .map_err(AppError::from)
        }
        .await,
    )
}

/// One invitation.
#[server(input = Json, endpoint = "admin/invitations/get")]
pub async fn get_invitation(pk: String) -> Result<InvitationView, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let d = invitations::detail(&st.db, &pk).await?;
            Ok(detail_view(&st.config, d, time::now()))
        }
        .await,
    )
}

/// Defaults of the create form (expiry now + 7 days).
#[server(input = Json, endpoint = "admin/invitations/defaults")]
pub async fn new_invitation_defaults() -> Result<InvitationForm, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(default_form(
                time::now(),
                &super::flows::flow_options(flows::list_enrollment_flows(&st.db).await?),
            ))
        }
        .await,
    )
}

/// Creates an invitation; returns its pk.
#[server(input = Json, endpoint = "admin/invitations/create")]
pub async fn create_invitation(form: InvitationForm) -> Result<String, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let draft = draft_of(&form).map_err(WriteError::Invalid)?;
            let pk =
                invitations::create(&st.db, &st.config, &who(&user).await, user.pk, &draft).await?;
            Ok(pk)
        }
        .await,
    )
}

/// Creates an invitation from the dashboard's plain form, for browsers without JavaScript (issue 16
/// item 4): a name, a flow, an expiry in UTC (`YYYY-MM-DDTHH:MM`; empty never), single use (a checkbox:
/// present or not), email rules and `fixed_data`; enabled, no roles or groups. The browser is sent back
/// to the page it posted from. As [`create_invitation`] otherwise: its rules, its refusals.
#[server(endpoint = "admin/invitations/create_plain")]
pub async fn create_plain_invitation(
    name: String,
    flow: String,
    expires: String,
    single_use: Option<String>,
    emails: String,
    fixed_data: String,
) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let form = InvitationForm {
                name,
                flow,
                never_expires: expires.trim().is_empty(),
                expires,
                single_use: single_use.is_some(),
                emails,
                fixed_data,
                enabled: true,
                ..InvitationForm::default()
            };
            let draft = draft_of(&form).map_err(WriteError::Invalid)?;
            invitations::create(&st.db, &st.config, &who(&user).await, user.pk, &draft).await?;
            Ok(())
        }
        .await,
    )
}

/// Edits an invitation.
#[server(input = Json, endpoint = "admin/invitations/update")]
pub async fn update_invitation(pk: String, form: InvitationForm) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let draft = draft_of(&form).map_err(WriteError::Invalid)?;
            Ok(invitations::update(&st.db, &who(&user).await, &pk, &draft).await?)
        }
        .await,
    )
}

/// Enables or disables an invitation.
#[server(input = Json, endpoint = "admin/invitations/set_enabled")]
pub async fn set_invitation_enabled(pk: String, enabled: bool) -> Result<(), AppError> {
    set_enabled_as_admin(pk, enabled).await
}

/// The one body of [`set_invitation_enabled`] and [`toggle_invitation`]: authorize, then set.
#[cfg(feature = "ssr")]
async fn set_enabled_as_admin(pk: String, enabled: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            invitations::set_enabled(&st.db, &who(&user).await, &pk, enabled)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Enables or disables an invitation from a plain form (`pk`, `enabled` as `true`/`false`): the table's
/// quick action, which works without JavaScript too (issue 16 item 4; the browser is sent back to the
/// page it posted from). As [`set_invitation_enabled`].
#[server(endpoint = "admin/invitations/toggle")]
pub async fn toggle_invitation(pk: String, enabled: bool) -> Result<(), AppError> {
    set_enabled_as_admin(pk, enabled).await
}

/// Gives an invitation a new token; the old link stops working.
#[server(input = Json, endpoint = "admin/invitations/regenerate")]
pub async fn regenerate_invitation_token(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            invitations::regenerate_token(&st.db, &st.config.secret_key, &who(&user).await, &pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Deletes an invitation.
#[server(input = Json, endpoint = "admin/invitations/delete")]
pub async fn delete_invitation(pk: String) -> Result<(), AppError> {
    delete_as_admin(pk).await
}

/// Deletes an invitation from a plain form (`pk`): the table's confirmation that works without
/// JavaScript (issue 16 item 4; the browser is sent back to the page it posted from). As
/// [`delete_invitation`].
#[server(endpoint = "admin/invitations/remove")]
pub async fn remove_invitation(pk: String) -> Result<(), AppError> {
    delete_as_admin(pk).await
}

/// The one body of [`delete_invitation`] and [`remove_invitation`]: authorize, then delete.
#[cfg(feature = "ssr")]
async fn delete_as_admin(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            invitations::delete(&st.db, &who(&user).await, &pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Enrollment flows for the flow selector.
#[server(input = Json, endpoint = "admin/flows/list")]
pub async fn list_flows() -> Result<Vec<FlowOption>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(super::flows::flow_options(
                flows::list_enrollment_flows(&st.db).await?,
            ))
        }
        .await,
    )
}

/// Sends (or resends) an invitation's email to the given addresses, with cc and bcc, through the outbox.
#[server(input = Json, endpoint = "admin/invitations/send")]
pub async fn send_invitation(
    pk: String,
    to: Vec<String>,
    cc: Vec<String>,
    bcc: Vec<String>,
) -> Result<String, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let id = invitations::send(&st.db, &st.config, &who(&user).await, &pk, &to, &cc, &bcc)
                .await?;
            Ok(id)
        }
        .await,
    )
}

/// Deactivates every account created through an invitation; returns how many.
#[server(input = Json, endpoint = "admin/invitations/deprovision")]
pub async fn deprovision_invitation(pk: String) -> Result<u64, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            invitations::deprovision(&st.db, &who(&user).await, &pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// What the invitation form warns of before saving while no SMTP server is configured: an invitation
/// email that would wait in the outbox, an emailed code its invitees would need. Changes nothing.
#[server(input = Json, endpoint = "admin/invitations/mail_warning")]
pub async fn invitation_mail_warning(
    flow: String,
    emails: String,
    fixed_data: String,
) -> Result<crate::domain::smtp::MailWarning, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::email::form_warning(&st.db, &st.config, &flow, &emails, &fixed_data)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}
