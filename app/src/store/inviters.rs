//! Inviter policies (issue 17 item 1): `directory_roles.inviter_policy`, JSON text, NULL when the role's
//! members may not invite.

use super::{DbError, Exec};

/// A role and its inviter policy (JSON text), if any.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RolePolicyRow {
    /// The role's pk.
    pub pk: String,
    /// The role's name.
    pub name: String,
    /// Its policy, JSON; `None` when it has none.
    pub inviter_policy: Option<String>,
}

/// Every role with its policy, by name.
///
/// # Errors
/// Database errors.
pub async fn roles(ex: impl Exec<'_>) -> Result<Vec<RolePolicyRow>, DbError> {
    sqlx::query_as("SELECT pk, name, inviter_policy FROM directory_roles ORDER BY name")
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Sets (or, with `None`, removes) role `pk`'s policy; returns the rows changed (0: no such role).
///
/// # Errors
/// Database errors.
pub async fn set_policy(ex: impl Exec<'_>, pk: &str, policy: Option<&str>) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE directory_roles SET inviter_policy = $1 WHERE pk = $2")
            .bind(policy)
            .bind(pk)
            .execute(ex)
            .await
            .map_err(DbError::from)?
            .rows_affected(),
    )
}

/// The policies of the roles user `user_pk` holds, by role name (roles without one left out).
///
/// # Errors
/// Database errors.
pub async fn policies_of_user(ex: impl Exec<'_>, user_pk: i64) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar(
        "SELECT r.inviter_policy FROM directory_roles r JOIN user_role_memberships m ON m.role_pk = r.pk
         WHERE m.user_pk = $1 AND r.inviter_policy IS NOT NULL ORDER BY r.name",
    )
    .bind(user_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Locks member `user_pk`'s row until the transaction ends (a no-op write: a row lock on PostgreSQL,
/// the write lock on SQLite), so their invitation count is read and written by one request at a time.
///
/// # Errors
/// Database errors.
pub async fn lock_inviter(ex: impl Exec<'_>, user_pk: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET pk = pk WHERE pk = $1")
        .bind(user_pk)
        .execute(ex)
        .await
        .map_err(DbError::from)?;
    Ok(())
}

/// How many invitations user `user_pk` created at or after `since` (UTC Unix seconds): the larger of
/// the audit log's count (deleting an invitation does not take its creation back) and the count of
/// those still stored (should events be kept for less than the window).
///
/// # Errors
/// Database errors.
pub async fn created_since(ex: &mut super::Conn, user_pk: i64, since: i64) -> Result<i64, DbError> {
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'model_created' AND model = 'invitation'
         AND actor_pk = $1 AND created >= $2",
    )
    .bind(user_pk.to_string())
    .bind(since)
    .fetch_one(&mut *ex)
    .await
    .map_err(DbError::from)?;
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE created_by = $1 AND created >= $2",
    )
    .bind(user_pk)
    .bind(since)
    .fetch_one(&mut *ex)
    .await
    .map_err(DbError::from)?;
    Ok(logged.max(stored))
}
