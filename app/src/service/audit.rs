//! Recording and reading the audit log ([`crate::domain::audit`]).

use super::error::Context;
use super::error::Error;
use super::time;
use super::Db;
use crate::domain::audit::{Action, Event, Model, NewEvent};
use crate::store::audit::{self as store, AuditRow};
pub use crate::store::audit::{EventFilter, EventOrder};
use crate::store::db::new_ordered_uuid;
use crate::store::Exec;

/// Records `event` now on `ex` (the transaction of the change it records, when there is one); a
/// suspicious request is logged at WARN too.
///
/// # Errors
/// Database errors.
pub async fn record<'e>(ex: impl Exec<'e>, event: NewEvent) -> Result<(), Error> {
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
    Ok(store::insert(ex, &row).await?)
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
