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
