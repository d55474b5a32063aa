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
            outbox::list_messages(&st.db, only_failed, Some(500)).await
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
            outbox::retry(&st.db, &pk).await
        }
        .await,
    )
}
