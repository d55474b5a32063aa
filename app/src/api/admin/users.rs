//! Directory → Users: the list, activating, deleting. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
use crate::error::AppError;
use crate::model::UserView;
#[cfg(feature = "ssr")]
use crate::service::{time, users};
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
            let rows =
                users::list_users(&st.db, path.as_deref().unwrap_or(""), page.unwrap_or(0)).await?;
            let now = time::now();
            Ok(rows.into_iter().map(|u| user_view(u, now)).collect())
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
            Ok(users::user_paths(&st.db)
                .await?
                .into_iter()
                .map(|p| crate::model::PathCount {
                    path: p.path,
                    users: p.users,
                })
                .collect())
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
            users::set_active(&st.db, &who(&me).await, me.pk, pk, active)
                .await
                .map_err(AppError::from)
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
            users::delete(&st.db, &who(&me).await, me.pk, pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// A user's row in Directory → Users at `now` (UTC Unix seconds): the last sign-in for people
/// ("never" without one), the invitation they enrolled through with "(deleted)" once it is gone; in the
/// dashboard's language.
#[cfg(feature = "ssr")]
fn user_view(u: users::UserEntry, now: i64) -> UserView {
    let l = crate::i18n::wording();
    UserView {
        pk: u.pk,
        username: u.username,
        name: u.name,
        email: u.email,
        user_type: u.user_type,
        path: u.path,
        is_active: u.is_active,
        is_superuser: u.is_superuser,
        groups: u.groups,
        roles: u.roles,
        last_login: u
            .last_login
            .map_or_else(|| l.tr("time-never"), |t| l.expiry_utc(Some(t), now)),
        last_login_at: u.last_login,
        created_by_invitation: u.enrolled_through.map(|o| {
            if o.deleted {
                crate::t!(l, "users-invitation-deleted", name = o.name)
            } else {
                o.name
            }
        }),
    }
}
