//! Directory → Users: the list, activating, deleting. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::UserRow;
#[cfg(feature = "ssr")]
use crate::service::users;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Directory → Users: every user with type, path, groups and roles.
#[server(input = Json, endpoint = "admin/users/list")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            users::list_users(&st.db).await
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
