//! The `audit_events` table (see [`crate::domain::audit`] and `migrations/0024_audit_events.sql`).
//! Times are UTC Unix seconds.

use super::{DbError, Exec};

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    /// Its pk (UUID text).
    pub pk: String,
    /// When, UTC Unix seconds.
    pub created: i64,
    /// `domain::audit::Action` as text.
    pub action: String,
    /// `system`, `user`, …
    pub actor_kind: String,
    /// The actor's pk, or "".
    pub actor_pk: String,
    /// The actor's name, or "".
    pub actor_name: String,
    /// The client's address, or "".
    pub client_ip: String,
    /// The kind of object, or "".
    pub model: String,
    /// The object's pk, or "".
    pub object_pk: String,
    /// A JSON object.
    pub context: String,
}

/// Inserts `row`.
///
/// # Errors
/// Database errors.
pub async fn insert(ex: impl Exec<'_>, row: &AuditRow) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_events (pk, created, action, actor_kind, actor_pk, actor_name, client_ip, model, object_pk, context) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.pk)
    .bind(row.created)
    .bind(&row.action)
    .bind(&row.actor_kind)
    .bind(&row.actor_pk)
    .bind(&row.actor_name)
    .bind(&row.client_ip)
    .bind(&row.model)
    .bind(&row.object_pk)
    .bind(&row.context)
    .execute(ex)
    .await?;
    Ok(())
}

/// The newest `limit` events with action `action` (all actions when `None`), newest first.
///
/// # Errors
/// Database errors.
pub async fn newest(
    ex: impl Exec<'_>,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    let cols = "pk, created, action, actor_kind, actor_pk, actor_name, client_ip, model, object_pk, context";
    match action {
        Some(a) => sqlx::query_as::<_, AuditRow>(&format!(
            "SELECT {cols} FROM audit_events WHERE action = $1 ORDER BY created DESC, pk LIMIT $2"
        ))
        .bind(a)
        .bind(limit)
        .fetch_all(ex)
        .await
        .map_err(DbError::from),
        None => sqlx::query_as::<_, AuditRow>(&format!(
            "SELECT {cols} FROM audit_events ORDER BY created DESC, pk LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(ex)
        .await
        .map_err(DbError::from),
    }
}
