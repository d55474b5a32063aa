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

/// Inserts `row` and, on the same connection (the event's transaction, when it is one), queues its
/// webhook deliveries ([`super::webhooks::fan_out`] with `payload_json`, the event as webhooks receive
/// it). Returns how many deliveries were queued.
///
/// # Errors
/// Database errors.
pub async fn insert_and_fan_out(
    on: super::OnConn<'_>,
    row: &AuditRow,
    payload_json: &str,
) -> Result<u64, DbError> {
    let mut pooled;
    let conn: &mut super::Conn = match on {
        super::OnConn::Pool(p) => {
            pooled = p.acquire().await?;
            &mut pooled
        }
        super::OnConn::Conn(c) => c,
    };
    insert(&mut *conn, row).await?;
    super::webhooks::fan_out(&mut *conn, &row.pk, &row.action, payload_json, row.created).await
}

/// Which events a list holds (authentik's `EventViewSet` filters): each given field must match exactly;
/// `since`/`until` bound `created` (UTC Unix seconds, inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// `action` as stored (`model_created`, …).
    pub action: Option<String>,
    /// `action` is one of these (as stored); `None` for any.
    pub action_in: Option<Vec<String>>,
    /// The actor's name (authentik's `username`).
    pub username: Option<String>,
    /// The kind of object (`invitation`, `user`, `token`).
    pub model: Option<String>,
    /// The object's pk (authentik's `context_model_pk`).
    pub object_pk: Option<String>,
    /// The actor's kind (`user`, `token`, `invitee`, `system`).
    pub actor_kind: Option<String>,
    /// Created at or after, UTC Unix seconds.
    pub since: Option<i64>,
    /// Created at or before, UTC Unix seconds.
    pub until: Option<i64>,
}

/// The order of a list of events: by `created`, newest first unless `oldest_first`, then by pk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventOrder {
    /// Oldest first (authentik's `ordering=created`); else newest first (`-created`, the default).
    pub oldest_first: bool,
}

enum Bind {
    Text(String),
    Int(i64),
}

fn filter_sql(filter: &EventFilter) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let mut wh: Vec<String> = Vec::new();
    for (column, value) in [
        ("action", &filter.action),
        ("actor_name", &filter.username),
        ("model", &filter.model),
        ("object_pk", &filter.object_pk),
        ("actor_kind", &filter.actor_kind),
    ] {
        if let Some(v) = value {
            binds.push(Bind::Text(v.clone()));
            wh.push(format!("{column} = ${}", binds.len()));
        }
    }
    if let Some(actions) = &filter.action_in {
        let mut params = Vec::new();
        for a in actions {
            binds.push(Bind::Text(a.clone()));
            params.push(format!("${}", binds.len()));
        }
        // An empty list selects nothing.
        wh.push(if params.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("action IN ({})", params.join(", "))
        });
    }
    for (op, value) in [(">=", filter.since), ("<=", filter.until)] {
        if let Some(v) = value {
            binds.push(Bind::Int(v));
            wh.push(format!("created {op} ${}", binds.len()));
        }
    }
    let mut sql = "FROM audit_events".to_owned();
    if !wh.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&wh.join(" AND "));
    }
    (sql, binds)
}

/// How many events `filter` selects.
///
/// # Errors
/// Database errors.
pub async fn count_filtered(ex: impl Exec<'_>, filter: &EventFilter) -> Result<i64, DbError> {
    let (from, binds) = filter_sql(filter);
    let sql = format!("SELECT COUNT(*) {from}");
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        q = match b {
            Bind::Text(t) => q.bind(t),
            Bind::Int(i) => q.bind(i),
        };
    }
    q.fetch_one(ex).await.map_err(DbError::from)
}

/// One page of the events `filter` selects, in `order`: `offset` rows skipped, at most `limit` returned
/// (values past `i64::MAX` are cut to it).
///
/// # Errors
/// Database errors.
pub async fn page_filtered(
    ex: impl Exec<'_>,
    filter: &EventFilter,
    order: EventOrder,
    offset: u64,
    limit: u64,
) -> Result<Vec<AuditRow>, DbError> {
    let (from, binds) = filter_sql(filter);
    let dir = if order.oldest_first { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT pk, created, action, actor_kind, actor_pk, actor_name, client_ip, model, object_pk, context {from} \
         ORDER BY created {dir}, pk {dir} LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut q = sqlx::query_as::<_, AuditRow>(&sql);
    for b in binds {
        q = match b {
            Bind::Text(t) => q.bind(t),
            Bind::Int(i) => q.bind(i),
        };
    }
    q.bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Deletes the events created before `before` (UTC Unix seconds); returns how many.
///
/// # Errors
/// Database errors.
pub async fn prune(ex: impl Exec<'_>, before: i64) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM audit_events WHERE created < $1")
        .bind(before)
        .execute(ex)
        .await?
        .rows_affected())
}
