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
            crate::service::email::status(&st.db, &st.config)
                .await
                .map(view::status)
                .map_err(AppError::from)
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
            crate::service::email::view(&st.db, &st.config)
                .await
                .map(view::settings)
                .map_err(AppError::from)
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
            let input = crate::service::email::SettingsInput {
                smtp_url: &settings.smtp_url,
                smtp_password: &settings.smtp_password,
                from: &settings.from,
            };
            crate::service::email::save(&st.db, &st.config, input)
                .await
                .map_err(AppError::from)
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
            crate::service::email::send_test(&st.db, &st.config, &to, crate::i18n::wording())
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// The projections of System → Email's values into the screens' views (times for people here).
#[cfg(feature = "ssr")]
mod view {
    use crate::domain::time::format_absolute;
    use crate::model::{EmailSettingsView, LastDelivery, MailStatus, SmtpConnection};
    use crate::service::email::{Connection, EmailSettings};

    /// The banner's status as the pages read it.
    pub fn status(s: crate::service::email::MailStatus) -> MailStatus {
        MailStatus {
            configured: s.configured,
            queued: s.queued,
            last_failure: s.last_failure,
        }
    }

    /// System → Email's page.
    pub fn settings(s: EmailSettings) -> EmailSettingsView {
        EmailSettingsView {
            smtp_url: s
                .smtp_url
                .as_ref()
                .map(|(u, _)| u.clone())
                .unwrap_or_default(),
            smtp_url_source: s.smtp_url.as_ref().map(|(_, src)| *src),
            from: s.from.0,
            from_source: s.from.1,
            brand_name: s.brand.0,
            brand_source: s.brand.1,
            saved_url: s.saved_url.unwrap_or_default(),
            saved_password: s.saved_password,
            saved_from: s.saved_from.unwrap_or_default(),
            connection: match s.connection {
                Connection::NotConfigured => SmtpConnection::NotConfigured,
                Connection::Connected => SmtpConnection::Connected,
                Connection::Failed(e) => SmtpConnection::Failed(e),
            },
            last_delivery: s.last_delivery.map(|d| LastDelivery {
                at_display: format_absolute(d.at),
                at: d.at,
                ok: d.ok,
                detail: d.detail,
            }),
            queued: s.queued,
        }
    }
}
