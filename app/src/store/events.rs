//! The `invitation_events` table: what an invitation's admin should know of beside its uses (see
//! `migrations/0015_invitation_events.sql`). Times are UTC Unix seconds.

use super::{DbError, Exec};

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    /// The invitation's pk.
    pub invitation_pk: String,
    /// What happened, decoded in the row.
    #[sqlx(try_from = "String")]
    pub kind: crate::domain::event::EventKind,
    /// When, UTC Unix seconds.
    pub at: i64,
    /// For people.
    pub detail: String,
}

/// Records event `kind` of invitation `invitation_pk` at `at`, under the new row's `pk`.
///
/// # Errors
/// Database errors (an unknown invitation).
pub async fn record(
    ex: impl Exec<'_>,
    pk: &str,
    invitation_pk: &str,
    kind: &str,
    at: i64,
    detail: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO invitation_events (pk, invitation_pk, kind, at, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(pk)
    .bind(invitation_pk)
    .bind(kind)
    .bind(at)
    .bind(detail)
    .execute(ex)
    .await?;
    Ok(())
}

/// The events of the invitations `pks`, oldest first.
///
/// # Errors
/// Database errors.
pub async fn of_invitations(ex: impl Exec<'_>, pks: &[String]) -> Result<Vec<EventRow>, DbError> {
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT invitation_pk, kind, at, detail FROM invitation_events WHERE invitation_pk IN ({}) ORDER BY at, pk",
        super::db::placeholders(1, pks.len())
    );
    let mut q = sqlx::query_as::<_, EventRow>(&sql);
    for pk in pks {
        q = q.bind(pk);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}
