//! Sign-in, sign-out, the current user, and first-start set-up.

#[cfg(feature = "ssr")]
use super::ctx::{respond, session, state};
#[cfg(feature = "ssr")]
use crate::domain::landing::Arrival;
use crate::error::AppError;
use crate::model::CurrentUser;
#[cfg(feature = "ssr")]
use crate::service::{auth, setup};
use leptos::prelude::*;

/// The signed-in user, or `None`. Anyone may ask; it only tells about the caller.
#[server(endpoint = "auth/current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    respond(
        async {
            let st = state()?;
            Ok(auth::current_user(&st.db, &session().await?).await?)
        }
        .await,
    )
}

/// Signs in with username and password; on success redirects to `next` when it is a safe relative path,
/// else to `/admin` for superusers, the default application (System → Brands) for external users, and
/// `/` for others. The session id changes.
///
/// # Errors
/// 401 [`AppError::InvalidCredentials`]; 429 [`AppError::TooManyAttempts`] (see
/// [`auth::password_sign_in`]); 503 [`AppError::Busy`].
#[server(endpoint = "auth/login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let st = state()?;
            let session = session().await?;
            let client = super::ctx::request_info().await.ip;
            let pk = auth::password_sign_in(&st.db, &username, &password, &client).await?;
            auth::sign_in(&st.db, &session, pk).await?;
            let dest = auth::landing(
                &st.db,
                &st.config,
                pk,
                Arrival::SignedIn {
                    next: next.as_deref(),
                },
            )
            .await?;
            leptos_axum::redirect(&dest);
            Ok(())
        }
        .await,
    )
}

/// Signs out, forgets the invitation this browser was accepting (its cookie is deleted, so the next
/// person at this browser cannot accept it as themselves) and any draft of a refused enrollment stage
/// (its cookie too), and redirects to `/login`, or to `next` when
/// it is an invitation link of this site (`/if/flow/…`: the flow page's "Sign out" returns to the
/// invitation; nothing else, so the parameter is no open redirect).
#[server(endpoint = "auth/logout")]
pub async fn logout(next: Option<String>) -> Result<(), AppError> {
    respond(
        async {
            auth::sign_out(&session().await?).await?;
            let config = state()?.config;
            super::ctx::set_cookie(config.invitation_cookie(), "", 0, config.secure_cookies());
            // And what was typed into a refused enrollment stage (issue 35 item 6).
            super::ctx::set_cookie(config.draft_cookie(), "", 0, config.secure_cookies());
            let dest = next
                .as_deref()
                .filter(|n| crate::domain::landing::is_invitation_link(n))
                .unwrap_or("/login");
            leptos_axum::redirect(dest);
            Ok(())
        }
        .await,
    )
}

/// Whether a set-up token is valid (no admin exists yet and it is the current one).
#[server(endpoint = "setup/status")]
pub async fn setup_status(token: String) -> Result<bool, AppError> {
    respond(
        async {
            setup::setup_token_valid(&state()?.db, &token)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Creates the first admin with the one-time set-up token, signs them in and redirects to the dashboard.
///
/// # Errors
/// 404 when the token is invalid or used; 400 with field errors.
#[server(endpoint = "setup/complete")]
pub async fn complete_setup(
    token: String,
    username: String,
    email: String,
    password: String,
    password_repeat: String,
) -> Result<(), AppError> {
    respond(
        async {
            let st = state()?;
            let pk = setup::complete_setup(
                &st.db,
                &token,
                &setup::FirstAdmin {
                    username: &username,
                    email: &email,
                    password: &password,
                    password_repeat: &password_repeat,
                },
                &st.config.password_rules(),
                &super::ctx::request_info().await.ip,
            )
            .await?;
            auth::sign_in(&st.db, &session().await?, pk).await?;
            leptos_axum::redirect(&auth::landing(&st.db, &st.config, pk, Arrival::SetUp).await?);
            Ok(())
        }
        .await,
    )
}

/// For a signed-in external user: the default application (System → Brands), or `None` when none is
/// set up (the profile page then says so). `None` for everyone else.
#[server(endpoint = "auth/default_application")]
pub async fn get_default_application() -> Result<Option<String>, AppError> {
    respond(
        async {
            let st = state()?;
            match auth::current_user(&st.db, &session().await?).await? {
                Some(u) if u.user_type == crate::domain::flow::UserType::External => {
                    crate::service::brands::default_application(&st.db, &st.config).await
                }
                _ => Ok(None),
            }
            .map_err(AppError::from)
        }
        .await,
    )
}
