//! System → Email: the SMTP settings, a test message, the mail status. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

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
