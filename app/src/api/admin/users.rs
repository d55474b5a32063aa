//! Directory → Users: the list, activating, deleting. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::UserView;
#[cfg(feature = "ssr")]
use crate::service::users;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Directory → Users: page `page` (0-based, default the first) of [`crate::model::USERS_PAGE_SIZE`] users
/// at `path` or below it (default every user), by username, with type, path, groups and roles.
#[server(input = Json, endpoint = "admin/users/list")]
pub async fn list_users(
    path: Option<String>,
    page: Option<u64>,
) -> Result<Vec<UserView>, AppError> {
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
