//! The invitee's side of a flow: landing and enrollment. Anonymous by design; the invitation token is
//! the authorization.

use crate::error::AppError;
use crate::model::FlowView;
use leptos::prelude::*;
use std::collections::HashMap;
#[cfg(feature = "ssr")]
use super::ctx::{request_info, respond, session};
#[cfg(feature = "ssr")]
use crate::server::{auth, enrollment, state};

/// The landing view of a flow for an invitation token. Changes nothing.
///
/// # Errors
/// 404/410 [`AppError::InvalidInvitation`].
#[server(endpoint = "flow/landing")]
pub async fn get_flow_landing(slug: String, itoken: Option<String>) -> Result<FlowView, AppError> {
    respond(async { enrollment::landing(&state()?.db, &slug, itoken.as_deref()).await }.await)
}

/// Submits the flow's prompt (`fields[field_key]=value`): creates the account, consumes a use, signs the
/// new user in (new session id) and redirects to `/` (or `USHER_DEFAULT_APP_URL` for external users).
///
/// # Errors
/// 404/410 [`AppError::InvalidInvitation`]; 400 [`AppError::Validation`] with field errors.
#[server(endpoint = "flow/enroll")]
pub async fn enroll(slug: String, itoken: Option<String>, fields: HashMap<String, String>) -> Result<(), AppError> {
    respond(async {
        let st = state()?;
        let info = request_info().await;
        let (user_pk, login) = enrollment::enroll(&st.db, &slug, itoken.as_deref(), &fields, &info).await?;
        if login {
            auth::sign_in(&st.db, &session().await?, user_pk).await?;
        }
        let external = crate::server::users::load_current_user(&st.db, user_pk)
            .await?
            .is_some_and(|u| u.user_type == "external");
        match (&st.config.default_app_url, external && login) {
            (Some(url), true) => leptos_axum::redirect(url),
            _ => leptos_axum::redirect("/"),
        }
        Ok(())
    }.await)
}
