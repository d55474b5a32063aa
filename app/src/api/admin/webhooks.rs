//! System → Webhooks: the webhooks, their deliveries, and whether they may reach private addresses.
//! Every function requires a signed-in superuser first (401 anonymous, 403 non-admin) and takes JSON
//! input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
use crate::error::AppError;
use crate::model::{NewWebhook, WebhookForm, WebhooksPage};
#[cfg(feature = "ssr")]
use crate::model::{WebhookDeliveryView, WebhookView};
#[cfg(feature = "ssr")]
use crate::service::webhooks;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Deliveries listed per page.
pub const DELIVERIES_PER_PAGE: u64 = 20;

/// System → Webhooks: the setting, every webhook (never a secret) and the event types.
#[server(input = Json, endpoint = "admin/webhooks/list")]
pub async fn list_webhooks() -> Result<WebhooksPage, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(WebhooksPage {
                allow_private: webhooks::allow_private(&st.db).await?,
                webhooks: webhooks::list(&st.db)
                    .await?
                    .into_iter()
                    .map(webhook_view)
                    .collect(),
                event_types: crate::domain::audit::Action::ALL
                    .iter()
                    .map(|a| a.as_str().to_owned())
                    .collect(),
            })
        }
        .await,
    )
}

/// Creates a webhook; the answer carries its secret, shown once.
#[server(input = Json, endpoint = "admin/webhooks/create")]
pub async fn create_webhook(form: WebhookForm) -> Result<NewWebhook, AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            let draft = webhooks::Draft {
                name: form.name,
                url: form.url,
                actions: form.actions,
                enabled: form.enabled,
            };
            let created =
                webhooks::create(&st.db, &st.config.secret_key, &who(&me).await, &draft).await?;
            Ok(NewWebhook {
                webhook: webhook_view(created.webhook),
                secret: created.secret,
            })
        }
        .await,
    )
}

/// Turns a webhook on or off.
#[server(input = Json, endpoint = "admin/webhooks/set_enabled")]
pub async fn set_webhook_enabled(pk: String, enabled: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            webhooks::set_enabled(&st.db, &who(&me).await, &pk, enabled)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Deletes a webhook.
#[server(input = Json, endpoint = "admin/webhooks/delete")]
pub async fn delete_webhook(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            webhooks::delete(&st.db, &who(&me).await, &pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Allows or forbids webhooks to reach loopback and private addresses.
#[server(input = Json, endpoint = "admin/webhooks/set_allow_private")]
pub async fn set_webhooks_allow_private(allow: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            webhooks::set_allow_private(&st.db, &who(&me).await, allow)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// One page (0-based) of a webhook's deliveries, newest first.
#[server(input = Json, endpoint = "admin/webhooks/deliveries")]
pub async fn webhook_deliveries(
    pk: String,
    page: u64,
) -> Result<crate::model::WebhookDeliveries, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let (count, list) = webhooks::deliveries(
                &st.db,
                &pk,
                page.saturating_mul(DELIVERIES_PER_PAGE),
                DELIVERIES_PER_PAGE,
            )
            .await?;
            Ok(crate::model::WebhookDeliveries {
                count,
                deliveries: list.into_iter().map(delivery_view).collect(),
            })
        }
        .await,
    )
}

/// Sends a delivered or failed delivery again (with the same `webhook-id`).
#[server(input = Json, endpoint = "admin/webhooks/redeliver")]
pub async fn redeliver_webhook(webhook: String, pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            webhooks::redeliver(&st.db, &who(&me).await, &webhook, &pk).await?;
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn webhook_view(w: webhooks::Webhook) -> WebhookView {
    WebhookView {
        pk: w.pk,
        name: w.name,
        url: w.url,
        actions: w.actions,
        enabled: w.enabled,
        created: crate::domain::time::format_absolute(w.created),
        created_at: w.created,
    }
}

#[cfg(feature = "ssr")]
fn delivery_view(d: webhooks::Delivery) -> WebhookDeliveryView {
    use crate::domain::time::format_absolute;
    WebhookDeliveryView {
        redeliverable: matches!(d.status.as_str(), "sent" | "failed"),
        pk: d.pk,
        message_id: d.message_id,
        event_type: d.event_type,
        status: d.status,
        attempts: d.attempts,
        response_code: d.response_code,
        last_error: d.last_error,
        created: format_absolute(d.created),
        created_at: d.created,
        sent: d.sent_at.map(format_absolute).unwrap_or_default(),
        sent_at: d.sent_at,
    }
}
