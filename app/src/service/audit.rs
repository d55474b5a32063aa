//! Recording and reading the audit log ([`crate::domain::audit`]).

use super::error::Error;
use super::time;
use crate::domain::audit::{Action, NewEvent};
use crate::store::audit::{self as store, AuditRow};
use crate::store::db::new_uuid;
use crate::store::Exec;

/// Records `event` now on `ex` (the transaction of the change it records, when there is one), and
/// logs it at WARN for operators who read logs rather than the table.
///
/// # Errors
/// Database errors.
pub async fn record<'e>(ex: impl Exec<'e>, event: NewEvent) -> Result<(), Error> {
    let (actor_kind, actor_pk, actor_name) = event.actor.parts();
    tracing::warn!(
        action = event.action.as_str(),
        actor = actor_name,
        client = %event.client_ip,
        context = %event.context,
        "audit event"
    );
    let row = AuditRow {
        pk: new_uuid(),
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

/// The newest `limit` events (at most 500), of `action` only when given, newest first.
///
/// # Errors
/// Database errors.
pub async fn newest<'e>(
    ex: impl Exec<'e>,
    action: Option<Action>,
    limit: i64,
) -> Result<Vec<AuditRow>, Error> {
    Ok(store::newest(ex, action.map(Action::as_str), limit.clamp(1, 500)).await?)
}
