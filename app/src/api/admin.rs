//! Admin dashboard server functions. Every one requires a signed-in superuser first (401 anonymous,
//! 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use super::ctx::{admin, respond};
#[cfg(feature = "ssr")]
use crate::domain::invitation::InvitationDraft;
use crate::error::AppError;
use crate::model::{
    ApplyReport, BrandSettings, FlowOption, FlowRow, InvitationForm, InvitationRow, InvitationSort,
    NamedItem, NewToken, OutboxMessage, PolicyForm, PolicyRow, TokenForm, TokenRow, UserRow,
};
#[cfg(feature = "ssr")]
use crate::service::invitations::WriteError;
#[cfg(feature = "ssr")]
use crate::service::{
    blueprints, brands, directory, flows, invitations, mail, policies, time, tokens, users,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The invitations table, filtered by name and sorted: page `page` (0-based, default the first) of
/// [`crate::model::DASHBOARD_PAGE_SIZE`] rows, without their ledger and messages ([`get_invitation`]
/// reads those).
#[server(input = Json, endpoint = "admin/invitations/list")]
pub async fn list_invitations(
    search: String,
    sort: InvitationSort,
    page: Option<u64>,
) -> Result<Vec<InvitationRow>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::list(&st.db, &st.config, &search, sort, page.unwrap_or(0)).await
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
                &invitations::dashboard_query(&search, InvitationSort::default(), 0),
            )
            .await
        }
        .await,
    )
}

/// One invitation.
#[server(input = Json, endpoint = "admin/invitations/get")]
pub async fn get_invitation(pk: String) -> Result<InvitationRow, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::get(&st.db, &st.config, &pk).await
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
            Ok(invitations::default_form(
                time::now(),
                &flows::list_enrollment_flows(&st.db).await?,
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
            let draft = InvitationDraft::try_from(&form).map_err(WriteError::Invalid)?;
            let pk = invitations::create(&st.db, &st.config, user.pk, &draft).await?;
            Ok(pk)
        }
        .await,
    )
}

/// Edits an invitation.
#[server(input = Json, endpoint = "admin/invitations/update")]
pub async fn update_invitation(pk: String, form: InvitationForm) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let draft = InvitationDraft::try_from(&form).map_err(WriteError::Invalid)?;
            Ok(invitations::update(&st.db, &pk, &draft).await?)
        }
        .await,
    )
}

/// Enables or disables an invitation.
#[server(input = Json, endpoint = "admin/invitations/set_enabled")]
pub async fn set_invitation_enabled(pk: String, enabled: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::set_enabled(&st.db, &pk, enabled).await
        }
        .await,
    )
}

/// Gives an invitation a new token; the old link stops working.
#[server(input = Json, endpoint = "admin/invitations/regenerate")]
pub async fn regenerate_invitation_token(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::regenerate_token(&st.db, &st.config.secret_key, &pk).await
        }
        .await,
    )
}

/// Deletes an invitation.
#[server(input = Json, endpoint = "admin/invitations/delete")]
pub async fn delete_invitation(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::delete(&st.db, &pk).await
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
            flows::list_enrollment_flows(&st.db).await
        }
        .await,
    )
}

/// Groups with member counts.
#[server(input = Json, endpoint = "admin/groups/list")]
pub async fn list_groups() -> Result<Vec<NamedItem>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::list(&st.db, directory::Kind::Group).await
        }
        .await,
    )
}

/// Creates a group.
#[server(input = Json, endpoint = "admin/groups/create")]
pub async fn create_group(name: String) -> Result<NamedItem, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::create(&st.db, directory::Kind::Group, &name).await
        }
        .await,
    )
}

/// Deletes a group.
#[server(input = Json, endpoint = "admin/groups/delete")]
pub async fn delete_group(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::delete(&st.db, directory::Kind::Group, &pk).await
        }
        .await,
    )
}

/// Roles with member counts.
#[server(input = Json, endpoint = "admin/roles/list")]
pub async fn list_roles() -> Result<Vec<NamedItem>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::list(&st.db, directory::Kind::Role).await
        }
        .await,
    )
}

/// Creates a role.
#[server(input = Json, endpoint = "admin/roles/create")]
pub async fn create_role(name: String) -> Result<NamedItem, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::create(&st.db, directory::Kind::Role, &name).await
        }
        .await,
    )
}

/// Deletes a role.
#[server(input = Json, endpoint = "admin/roles/delete")]
pub async fn delete_role(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::delete(&st.db, directory::Kind::Role, &pk).await
        }
        .await,
    )
}

/// Directory → Users: page `page` (0-based, default the first) of [`crate::model::USERS_PAGE_SIZE`] users
/// at `path` or below it (default every user), by username, with type, path, groups and roles.
#[server(input = Json, endpoint = "admin/users/list")]
pub async fn list_users(path: Option<String>, page: Option<u64>) -> Result<Vec<UserRow>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            users::list_users(&st.db, path.as_deref().unwrap_or(""), page.unwrap_or(0)).await
        }
        .await,
    )
}

/// Directory → Users' path tree: every path users have, with its count of users.
#[server(input = Json, endpoint = "admin/users/paths")]
pub async fn user_paths() -> Result<Vec<crate::model::PathCount>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            users::user_paths(&st.db).await
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
            let (st, _) = admin().await?;
            let id = invitations::send(&st.db, &st.config, &pk, &to, &cc, &bcc).await?;
            Ok(id)
        }
        .await,
    )
}

/// Directory → Outbox: the latest 500 messages, newest first; only the failed ones when asked.
#[server(input = Json, endpoint = "admin/outbox/list")]
pub async fn list_outbox(only_failed: bool) -> Result<Vec<OutboxMessage>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            mail::list_messages(&st.db, only_failed, Some(500)).await
        }
        .await,
    )
}

/// Directory → Outbox, "Retry": queues a failed message again, due now, with a new retry time.
///
/// # Errors
/// 401/403; 400 when it is not a failed message or carried a verification code.
#[server(input = Json, endpoint = "admin/outbox/retry")]
pub async fn retry_message(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            mail::retry(&st.db, &pk).await
        }
        .await,
    )
}

/// Directory → Tokens: every API token (never a secret).
#[server(input = Json, endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            tokens::list(&st.db).await
        }
        .await,
    )
}

/// Creates an API token; the answer carries its secret, shown once.
#[server(input = Json, endpoint = "admin/tokens/create")]
pub async fn create_token(form: TokenForm) -> Result<NewToken, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            tokens::create(&st.db, &form).await
        }
        .await,
    )
}

/// Revokes an API token at once.
#[server(input = Json, endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            tokens::revoke(&st.db, &pk).await
        }
        .await,
    )
}

/// Flows & Stages → Flows: every flow with its stage bindings in order.
#[server(input = Json, endpoint = "admin/flows/overview")]
pub async fn list_flow_rows() -> Result<Vec<FlowRow>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            blueprints::list_flows(&st.db).await
        }
        .await,
    )
}

/// Flows & Stages → Flows: turns open enrollment on (visitors without an invitation may enroll) or off.
#[server(input = Json, endpoint = "admin/flows/open_enrollment")]
pub async fn set_open_enrollment(slug: String, open: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            flows::set_open_enrollment(&st.db, &slug, open).await
        }
        .await,
    )
}

/// Imports an authentik blueprint (YAML text): all of it in one transaction, or nothing with an error
/// naming the entry and path. One that would change a built-in flow or stage is refused on
/// `confirm_builtin` (naming them) unless `confirm_builtin` is true.
#[server(input = Json, endpoint = "admin/flows/import")]
pub async fn import_blueprint(
    yaml: String,
    confirm_builtin: Option<bool>,
) -> Result<ApplyReport, AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            blueprints::apply(
                &st.db,
                &st.config.secret_key,
                &yaml,
                &Default::default(),
                me.pk,
                if confirm_builtin == Some(true) {
                    blueprints::BuiltinChanges::Confirmed
                } else {
                    blueprints::BuiltinChanges::Refuse
                },
            )
            .await
        }
        .await,
    )
}

/// A flow as an authentik blueprint (YAML text).
#[server(input = Json, endpoint = "admin/flows/export")]
pub async fn export_flow(slug: String) -> Result<String, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            blueprints::export(&st.db, &slug).await
        }
        .await,
    )
}

/// Flows & Stages → Policies: every expression policy with its bindings.
#[server(input = Json, endpoint = "admin/policies/list")]
pub async fn list_policies() -> Result<Vec<PolicyRow>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::list(&st.db).await
        }
        .await,
    )
}

/// Creates an expression policy; a broken expression is refused.
#[server(input = Json, endpoint = "admin/policies/create")]
pub async fn create_policy(form: PolicyForm) -> Result<PolicyRow, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::create(&st.db, &form).await
        }
        .await,
    )
}

/// Deletes a policy and its bindings.
#[server(input = Json, endpoint = "admin/policies/delete")]
pub async fn delete_policy(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::delete(&st.db, &pk).await
        }
        .await,
    )
}

/// Binds a policy to a flow, or to one of the flow's stages (`stage` empty for the flow).
#[server(input = Json, endpoint = "admin/policies/bind")]
pub async fn bind_policy(pk: String, flow: String, stage: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::bind(&st.db, &pk, &flow, Some(&stage)).await
        }
        .await,
    )
}

/// Removes a policy binding.
#[server(input = Json, endpoint = "admin/policies/unbind")]
pub async fn unbind_policy(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::unbind(&st.db, &pk).await
        }
        .await,
    )
}

/// Activates or deactivates a user (not oneself).
#[server(input = Json, endpoint = "admin/users/set_active")]
pub async fn set_user_active(pk: i64, active: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            users::set_active(&st.db, me.pk, pk, active).await
        }
        .await,
    )
}

/// Deletes a user (not oneself).
#[server(input = Json, endpoint = "admin/users/delete")]
pub async fn delete_user(pk: i64) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            users::delete(&st.db, me.pk, pk).await
        }
        .await,
    )
}

/// Deactivates every account created through an invitation; returns how many.
#[server(input = Json, endpoint = "admin/invitations/deprovision")]
pub async fn deprovision_invitation(pk: String) -> Result<u64, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            invitations::deprovision(&st.db, &pk).await
        }
        .await,
    )
}

/// A group's members.
#[server(input = Json, endpoint = "admin/groups/members")]
pub async fn group_members(pk: String) -> Result<Vec<String>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::members(&st.db, &pk).await
        }
        .await,
    )
}

/// Adds a user to a group.
#[server(input = Json, endpoint = "admin/groups/add_member")]
pub async fn add_group_member(pk: String, username: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::add_member(&st.db, &pk, &username).await
        }
        .await,
    )
}

/// Removes a user from a group.
#[server(input = Json, endpoint = "admin/groups/remove_member")]
pub async fn remove_group_member(pk: String, username: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            directory::remove_member(&st.db, &pk, &username).await
        }
        .await,
    )
}

/// System → Brands: the default application for external users.
#[server(input = Json, endpoint = "admin/brands/get")]
pub async fn get_brand() -> Result<BrandSettings, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            brands::settings(&st.db, &st.config).await
        }
        .await,
    )
}

/// Saves the default application (empty clears it).
#[server(input = Json, endpoint = "admin/brands/save")]
pub async fn save_brand(default_application_url: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            brands::save(&st.db, &default_application_url).await?;
            st.form_targets.forget().await;
            Ok(())
        }
        .await,
    )
}

/// The mail status of the dashboard's banner: whether an SMTP server is configured, the messages waiting
/// and the last delivery's error when it failed.
#[server(input = Json, endpoint = "admin/mail/status")]
pub async fn get_mail_status() -> Result<crate::model::MailStatus, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::email::status(&st.db, &st.config).await
        }
        .await,
    )
}

/// The notice every admin page shows while verification codes are being guessed at (issue 35 item 4;
/// [`crate::service::verification::guessing_notice`]); `None` while nothing is past half.
#[server(input = Json, endpoint = "admin/codes/notice")]
pub async fn get_code_guessing_notice() -> Result<Option<crate::model::CodeGuessingNotice>, AppError>
{
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::verification::guessing_notice(&st.db, crate::service::time::now()).await
        }
        .await,
    )
}

/// System → Email: the SMTP settings in effect with their sources (password masked), what is saved here,
/// the connection status and the last delivery.
#[server(input = Json, endpoint = "admin/email/get")]
pub async fn get_email_settings() -> Result<crate::model::EmailSettingsView, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::email::view(&st.db, &st.config).await
        }
        .await,
    )
}

/// Saves System → Email's SMTP settings (the password sealed under the instance secret).
#[server(input = Json, endpoint = "admin/email/save")]
pub async fn save_email_settings(
    settings: crate::model::EmailSettingsInput,
) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::email::save(&st.db, &st.config, &settings).await
        }
        .await,
    )
}

/// Sends a test email to `to` through the settings in effect; returns the SMTP server's answer.
#[server(input = Json, endpoint = "admin/email/test")]
pub async fn send_test_email(to: String) -> Result<String, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::email::send_test(&st.db, &st.config, &to).await
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
        }
        .await,
    )
}
