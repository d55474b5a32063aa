//! Directory → Outbox: the messages and their retry. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::OutboxMessage;
#[cfg(feature = "ssr")]
use crate::service::outbox;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Directory → Outbox: the latest 500 messages, newest first; only the failed ones when asked.
#[server(input = Json, endpoint = "admin/outbox/list")]
pub async fn list_outbox(only_failed: bool) -> Result<Vec<OutboxMessage>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let messages = outbox::list_messages(&st.db, only_failed, Some(500)).await?;
            Ok(messages.into_iter().map(message_view).collect())
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
            outbox::retry(&st.db, &pk).await.map_err(AppError::from)
        }
        .await,
    )
}

/// An outbox message as the admin sees it: recipients on one line (cc and bcc marked), times for people
/// (`2026-11-21 12:00 UTC`; sent empty until sent).
#[cfg(feature = "ssr")]
pub(crate) fn message_view(m: crate::domain::outbox::Message) -> OutboxMessage {
    use crate::domain::time::format_absolute;
    let mut rcpt = m.to.join(", ");
    for (label, l) in [("cc", &m.cc), ("bcc", &m.bcc)] {
        if !l.is_empty() {
            rcpt.push_str(&format!("; {label}: {}", l.join(", ")));
        }
    }
    OutboxMessage {
        pk: m.pk,
        invitation_pk: m.invitation_pk,
        invitation: m.invitation,
        to: rcpt,
        subject: m.subject,
        status: m.status,
        attempts: m.attempts,
        last_error: m.last_error,
        created: format_absolute(m.created),
        created_at: m.created,
        sent: m.sent_at.map(format_absolute).unwrap_or_default(),
        sent_at: m.sent_at,
    }
}
