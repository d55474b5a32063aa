//! The `webhooks` and `webhook_actions` tables, and the webhook channel's jobs in the outbox
//! (`migrations/0030_webhooks.sql`): an event is fanned out to the enabled webhooks that want it in the
//! event's own transaction ([`fan_out`]), one job per webhook, keyed by the webhook for order.
//! Times are UTC Unix seconds.

use super::{DbError, Exec, Flag};

/// A webhook as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookRow {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// Where deliveries are posted.
    pub url: String,
    /// The signing secret, sealed with the instance key.
    pub secret_sealed: String,
    /// Whether deliveries are made.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// Creation time.
    pub created: i64,
}

/// Inserts a webhook (its event types with [`add_action`]).
///
/// # Errors
/// Database errors ([`DbError::Conflict`] for a name another webhook has).
pub async fn insert(ex: impl Exec<'_>, w: &WebhookRow) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO webhooks (pk, name, url, secret_sealed, enabled, created) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&w.pk)
    .bind(&w.name)
    .bind(&w.url)
    .bind(&w.secret_sealed)
    .bind(Flag(w.enabled))
    .bind(w.created)
    .execute(ex)
    .await?;
    Ok(())
}

/// Adds event type `action` (an audit action name, or `*`) to webhook `pk`.
///
/// # Errors
/// Database errors.
pub async fn add_action(ex: impl Exec<'_>, pk: &str, action: &str) -> Result<(), DbError> {
    sqlx::query("INSERT INTO webhook_actions (webhook_pk, action) VALUES ($1, $2)")
        .bind(pk)
        .bind(action)
        .execute(ex)
        .await?;
    Ok(())
}

/// Webhook `pk`, if it exists.
///
/// # Errors
/// Database errors.
pub async fn get(ex: impl Exec<'_>, pk: &str) -> Result<Option<WebhookRow>, DbError> {
    sqlx::query_as::<_, WebhookRow>(
        "SELECT pk, name, url, secret_sealed, enabled, created FROM webhooks WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Every webhook, by name.
///
/// # Errors
/// Database errors.
pub async fn list(ex: impl Exec<'_>) -> Result<Vec<WebhookRow>, DbError> {
    sqlx::query_as::<_, WebhookRow>(
        "SELECT pk, name, url, secret_sealed, enabled, created FROM webhooks ORDER BY name, pk",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// One event type of one webhook.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActionRow {
    /// The webhook's pk.
    pub webhook_pk: String,
    /// An audit action name, or `*`.
    pub action: String,
}

/// The event types of every webhook.
///
/// # Errors
/// Database errors.
pub async fn actions(ex: impl Exec<'_>) -> Result<Vec<ActionRow>, DbError> {
    sqlx::query_as::<_, ActionRow>(
        "SELECT webhook_pk, action FROM webhook_actions ORDER BY webhook_pk, action",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Turns webhook `pk` on or off; returns how many rows changed (0: no such webhook, or already so).
///
/// # Errors
/// Database errors.
pub async fn set_enabled(ex: impl Exec<'_>, pk: &str, enabled: bool) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE webhooks SET enabled = $1 WHERE pk = $2 AND enabled <> $1")
            .bind(Flag(enabled))
            .bind(pk)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Deletes webhook `pk` (its event types go with it; its queued deliveries are then done without a
/// request, "webhook deleted"); returns how many rows were deleted.
///
/// # Errors
/// Database errors.
pub async fn delete(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM webhooks WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// Queues a delivery of event `event_pk` to every enabled webhook that receives `action` (or every
/// event): a job of the `webhook` channel with pk `{event_pk}:{webhook pk}`, ordering key the webhook's
/// pk, and payload `{"webhook": pk, "event": payload_json}`, due at `now`. Run on the event's own
/// executor (its transaction), so a delivery exists if and only if the event does. `payload_json` must
/// be a JSON value's text. Returns how many deliveries were queued.
///
/// # Errors
/// Database errors.
pub async fn fan_out(
    ex: impl Exec<'_>,
    event_pk: &str,
    action: &str,
    payload_json: &str,
    now: i64,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "INSERT INTO outbox (pk, channel, payload, ordering_key, to_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created)
         SELECT $1 || ':' || w.pk, 'webhook', '{\"webhook\":\"' || w.pk || '\",\"event\":' || $2 || '}', w.pk, '[]', '', '', '', 'queued', 0, $3, $3
         FROM webhooks w
         WHERE w.enabled = 1
           AND EXISTS (SELECT 1 FROM webhook_actions a WHERE a.webhook_pk = w.pk AND (a.action = $4 OR a.action = '*'))",
    )
    .bind(event_pk)
    .bind(payload_json)
    .bind(now)
    .bind(action)
    .execute(ex)
    .await?
    .rows_affected())
}

/// One delivery of a webhook, for the admin.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    /// The job's pk.
    pub pk: String,
    /// Its payload (`{"webhook", "event", "id"?}`).
    pub payload: Option<String>,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The HTTP status of the last answer, if any.
    pub response_code: Option<i64>,
    /// Why the last attempt failed, or "".
    pub last_error: String,
    /// When it was queued.
    pub created: i64,
    /// When it was delivered.
    pub sent_at: Option<i64>,
    /// When it is next tried (queued), or was given up (failed).
    pub next_attempt_at: i64,
}

/// How many deliveries webhook `pk` has.
///
/// # Errors
/// Database errors.
pub async fn count_deliveries(ex: impl Exec<'_>, pk: &str) -> Result<i64, DbError> {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND ordering_key = $1",
    )
    .bind(pk)
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// A page of webhook `pk`'s deliveries, newest first: `offset` skipped, at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn deliveries(
    ex: impl Exec<'_>,
    pk: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<DeliveryRow>, DbError> {
    sqlx::query_as::<_, DeliveryRow>(
        "SELECT pk, payload, status, attempts, response_code, last_error, created, sent_at, next_attempt_at
         FROM outbox WHERE channel = 'webhook' AND ordering_key = $1
         ORDER BY created DESC, pk DESC LIMIT $2 OFFSET $3",
    )
    .bind(pk)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Delivery `pk` of webhook `webhook_pk`, if it exists.
///
/// # Errors
/// Database errors.
pub async fn delivery(
    ex: impl Exec<'_>,
    webhook_pk: &str,
    pk: &str,
) -> Result<Option<DeliveryRow>, DbError> {
    sqlx::query_as::<_, DeliveryRow>(
        "SELECT pk, payload, status, attempts, response_code, last_error, created, sent_at, next_attempt_at
         FROM outbox WHERE channel = 'webhook' AND ordering_key = $1 AND pk = $2",
    )
    .bind(webhook_pk)
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Queues a copy of a delivered delivery again: a new job `pk` of webhook `webhook_pk` with
/// `payload`, due at `now` (after the webhook's earlier deliveries).
///
/// # Errors
/// Database errors.
pub async fn requeue_copy(
    ex: impl Exec<'_>,
    pk: &str,
    webhook_pk: &str,
    payload: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO outbox (pk, channel, payload, ordering_key, to_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created)
         VALUES ($1, 'webhook', $2, $3, '[]', '', '', '', 'queued', 0, $4, $4)",
    )
    .bind(pk)
    .bind(payload)
    .bind(webhook_pk)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}
