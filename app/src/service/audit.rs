//! Recording and reading the audit log ([`crate::domain::audit`]).

use super::error::Context;
use super::error::Error;
use super::time;
use super::Db;
use crate::domain::audit::{Action, Event, Model, NewEvent};
use crate::store::audit::{self as store, AuditRow};
pub use crate::store::audit::{EventFilter, EventOrder};
use crate::store::db::new_ordered_uuid;
use crate::store::OnConn;

/// Records `event` now on `ex` (the transaction of the change it records, when there is one), and in
/// the same transaction queues its delivery to each enabled webhook that receives its action
/// ([`crate::service::webhooks`]); a suspicious request is logged at WARN too.
///
/// # Errors
/// Database errors.
pub async fn record<'e>(ex: impl Into<OnConn<'e>>, event: NewEvent) -> Result<(), Error> {
    let on = ex.into();
    let (actor_kind, actor_pk, actor_name) = event.actor.parts();
    // What may be an attack is logged for operators who read logs rather than the table; the rest
    // only when asked for (RUST_LOG=usher_app=debug).
    if matches!(event.action, Action::SuspiciousRequest) {
        tracing::warn!(
            action = event.action.as_str(),
            actor = actor_name,
            client = %event.client_ip,
            context = %event.context,
            "audit event"
        );
    } else {
        tracing::debug!(
            action = event.action.as_str(),
            actor = actor_name,
            client = %event.client_ip,
            model = event.model,
            object = %event.object_pk,
            "audit event"
        );
    }
    let row = AuditRow {
        pk: new_ordered_uuid(),
        created: time::now(),
        action: event.action.as_str().to_owned(),
        actor_kind: actor_kind.to_owned(),
        actor_pk: actor_pk.to_owned(),
        actor_name: actor_name.to_owned(),
        client_ip: event.client_ip.clone(),
        model: event.model.to_owned(),
        object_pk: event.object_pk.clone(),
        context: event.context.to_string(),
    };
    let payload = webhook_payload(&row, &event.context);
    store::insert_and_fan_out(on, &row, &payload).await?;
    Ok(())
}

/// An event as webhooks receive it (the Standard Webhooks shape): `{"type", "timestamp", "data"}`,
/// `data` holding the event (`pk`, `action`, `created`, `actor`, `client_ip`, `model`, `object_pk`,
/// `context`); times in RFC 3339, UTC. An event never holds a secret, so neither does this.
fn webhook_payload(row: &AuditRow, context: &serde_json::Value) -> String {
    let at = rfc3339(row.created);
    serde_json::json!({
        "type": row.action,
        "timestamp": at,
        "data": {
            "pk": row.pk,
            "action": row.action,
            "created": at,
            "actor": {"kind": row.actor_kind, "pk": row.actor_pk, "name": row.actor_name},
            "client_ip": row.client_ip,
            "model": row.model,
            "object_pk": row.object_pk,
            "context": context,
        },
    })
    .to_string()
}

/// UTC Unix seconds as RFC 3339 (`2026-01-02T03:04:05Z`): a wire format, not words for people.
fn rfc3339(ts: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// authentik's `context.model` of an event about an object: `{"app", "model_name", "pk", "name"}`.
pub fn model_context(model: Model, pk: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "app": model.app(),
        "model_name": model.as_str(),
        "pk": pk,
        "name": name,
    })
}

/// How many events `filter` selects.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, filter: &EventFilter) -> Result<u64, Error> {
    Ok(store::count_filtered(&db.pool, filter).await?.max(0) as u64)
}

/// One page of the events `filter` selects, in `order`: `offset` skipped, at most `limit` (at most
/// 1,000). Read back typed: a stored action or context that does not decode fails the read.
///
/// # Errors
/// Database errors; [`Error::Internal`] for a row that does not decode.
pub async fn list(
    db: &Db,
    filter: &EventFilter,
    order: EventOrder,
    offset: u64,
    limit: u64,
) -> Result<Vec<Event>, Error> {
    store::page_filtered(&db.pool, filter, order, offset, limit.min(1_000))
        .await?
        .into_iter()
        .map(event_of)
        .collect()
}

fn event_of(r: AuditRow) -> Result<Event, Error> {
    Ok(Event {
        action: Action::parse(&r.action).context("reading a stored event's action")?,
        context: serde_json::from_str(&r.context).context("reading a stored event's context")?,
        pk: r.pk,
        created: r.created,
        actor_kind: r.actor_kind,
        actor_pk: r.actor_pk,
        actor_name: r.actor_name,
        client_ip: r.client_ip,
        model: r.model,
        object_pk: r.object_pk,
    })
}
