//! The `directory_groups` and `directory_roles` tables (unique `name`) and group membership
//! (`user_group_memberships`). Deleting a group or role deletes its memberships and invitation grants
//! (foreign key cascade). Times are UTC Unix seconds.

use super::{DbError, Exec};

/// Which directory table: groups or roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `directory_groups` (members in `user_group_memberships`).
    Group,
    /// `directory_roles` (members in `user_role_memberships`).
    Role,
}

/// A group or role with its member count.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedRow {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// How many users hold it.
    pub members: i64,
}

/// Every group or role, by name, with its member count.
///
/// # Errors
/// Database errors.
pub async fn list(ex: impl Exec<'_>, kind: Kind) -> Result<Vec<NamedRow>, DbError> {
    let sql = match kind {
        Kind::Group => "SELECT t.pk, t.name, (SELECT COUNT(*) FROM user_group_memberships m WHERE m.group_pk = t.pk) AS members FROM directory_groups t ORDER BY t.name",
        Kind::Role => "SELECT t.pk, t.name, (SELECT COUNT(*) FROM user_role_memberships m WHERE m.role_pk = t.pk) AS members FROM directory_roles t ORDER BY t.name",
    };
    sqlx::query_as(sql)
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Inserts a group or role created at `created`.
///
/// # Errors
/// Database errors (a taken name is a unique violation, see [`super::is_unique_violation`]).
pub async fn insert(
    ex: impl Exec<'_>,
    kind: Kind,
    pk: &str,
    name: &str,
    created: i64,
) -> Result<(), DbError> {
    let sql = match kind {
        Kind::Group => "INSERT INTO directory_groups (pk, name, created) VALUES ($1, $2, $3)",
        Kind::Role => "INSERT INTO directory_roles (pk, name, created) VALUES ($1, $2, $3)",
    };
    sqlx::query(sql)
        .bind(pk)
        .bind(name)
        .bind(created)
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes a group or role; returns how many rows went (0 or 1).
///
/// # Errors
/// Database errors.
pub async fn delete(ex: impl Exec<'_>, kind: Kind, pk: &str) -> Result<u64, DbError> {
    let sql = match kind {
        Kind::Group => "DELETE FROM directory_groups WHERE pk = $1",
        Kind::Role => "DELETE FROM directory_roles WHERE pk = $1",
    };
    Ok(sqlx::query(sql).bind(pk).execute(ex).await?.rows_affected())
}

/// Whether a group with this pk exists.
///
/// # Errors
/// Database errors.
pub async fn group_exists(ex: impl Exec<'_>, pk: &str) -> Result<bool, DbError> {
    let found: Option<String> = sqlx::query_scalar("SELECT pk FROM directory_groups WHERE pk = $1")
        .bind(pk)
        .fetch_optional(ex)
        .await?;
    Ok(found.is_some())
}

/// The pk of the group with this name, if any.
///
/// # Errors
/// Database errors.
pub async fn group_pk_by_name(ex: impl Exec<'_>, name: &str) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT pk FROM directory_groups WHERE name = $1")
        .bind(name)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// The usernames of a group's members, sorted.
///
/// # Errors
/// Database errors.
pub async fn group_member_usernames(
    ex: impl Exec<'_>,
    group_pk: &str,
) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar(
        "SELECT u.username FROM user_group_memberships m JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = $1 ORDER BY u.username",
    )
    .bind(group_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Makes user `user_pk` a member of group `group_pk`; nothing happens if they are one.
///
/// # Errors
/// Database errors (an unknown user or group).
pub async fn add_group_member(
    ex: impl Exec<'_>,
    user_pk: i64,
    group_pk: &str,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO user_group_memberships (user_pk, group_pk) VALUES ($1, $2) ON CONFLICT (user_pk, group_pk) DO NOTHING")
        .bind(user_pk)
        .bind(group_pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// Ends user `user_pk`'s membership of group `group_pk` (nothing happens if there is none).
///
/// # Errors
/// Database errors.
pub async fn remove_group_member(
    ex: impl Exec<'_>,
    user_pk: i64,
    group_pk: &str,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM user_group_memberships WHERE user_pk = $1 AND group_pk = $2")
        .bind(user_pk)
        .bind(group_pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// The pk of the directory role given by pk or by name (a pk match wins over a name match), if any.
///
/// # Errors
/// Database errors.
pub async fn role_pk_by_pk_or_name(
    ex: impl super::Exec<'_>,
    pk_or_name: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar(
        "SELECT pk FROM directory_roles WHERE pk = $1 OR name = $1 ORDER BY CASE WHEN pk = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(pk_or_name)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// The pk of the directory group given by pk or by name (a pk match wins over a name match), if any.
///
/// # Errors
/// Database errors.
pub async fn group_pk_by_pk_or_name(
    ex: impl super::Exec<'_>,
    pk_or_name: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar(
        "SELECT pk FROM directory_groups WHERE pk = $1 OR name = $1 ORDER BY CASE WHEN pk = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(pk_or_name)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}
