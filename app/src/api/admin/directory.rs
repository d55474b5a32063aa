//! Directory → Groups and Roles: lists, create, delete, group members. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::NamedItem;
#[cfg(feature = "ssr")]
use crate::service::directory;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Groups with member counts.
#[server(input = Json, endpoint = "admin/groups/list")]
pub async fn list_groups() -> Result<Vec<NamedItem>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(directory::list(&st.db, directory::Kind::Group)
                .await?
                .into_iter()
                .map(NamedItem::from)
                .collect())
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
            directory::create(&st.db, directory::Kind::Group, &name)
                .await
                .map(NamedItem::from)
                .map_err(AppError::from)
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
            directory::delete(&st.db, directory::Kind::Group, &pk)
                .await
                .map_err(AppError::from)
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
            Ok(directory::list(&st.db, directory::Kind::Role)
                .await?
                .into_iter()
                .map(NamedItem::from)
                .collect())
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
            directory::create(&st.db, directory::Kind::Role, &name)
                .await
                .map(NamedItem::from)
                .map_err(AppError::from)
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
            directory::delete(&st.db, directory::Kind::Role, &pk)
                .await
                .map_err(AppError::from)
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
            directory::members(&st.db, &pk)
                .await
                .map_err(AppError::from)
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
            directory::add_member(&st.db, &pk, &username)
                .await
                .map_err(AppError::from)
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
            directory::remove_member(&st.db, &pk, &username)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// The screen's row of a group or role.
#[cfg(feature = "ssr")]
impl From<directory::Entry> for NamedItem {
    fn from(e: directory::Entry) -> Self {
        Self {
            pk: e.pk,
            name: e.name,
            members: e.members,
        }
    }
}

/// A role with its inviter policy, as Directory → Roles edits it (issue 17 item 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoleInviterPolicy {
    /// The role's pk.
    pub pk: String,
    /// The role's name.
    pub name: String,
    /// Its policy; `None` when its members may not invite.
    pub policy: Option<crate::domain::inviter_policy::InviterPolicy>,
}

/// Every role with its inviter policy, by name.
#[server(input = Json, endpoint = "admin/roles/inviter_policies")]
pub async fn list_inviter_policies() -> Result<Vec<RoleInviterPolicy>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(crate::service::inviters::roles(&st.db)
                .await?
                .into_iter()
                .map(|r| RoleInviterPolicy {
                    pk: r.pk,
                    name: r.name,
                    policy: r.policy,
                })
                .collect())
        }
        .await,
    )
}

/// Gives role `pk` an inviter policy, or with `policy` `null` takes its members' right to invite away.
///
/// # Errors
/// 400 [`AppError::Validation`] naming the field at fault (a limit out of range, a domain that is not
/// one, a flow, role or group that does not exist); 404 for an unknown role.
#[server(input = Json, endpoint = "admin/roles/set_inviter_policy")]
pub async fn set_inviter_policy(
    pk: String,
    policy: Option<crate::domain::inviter_policy::InviterPolicy>,
) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::inviters::set_policy(&st.db, &pk, policy)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}
