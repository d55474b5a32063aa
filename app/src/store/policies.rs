//! The `policies` and `policy_bindings` tables: expression policies (unique `name`) and where they are
//! bound — to a flow (`stage_pk` NULL) or to one stage of a flow. Deleting a policy deletes its
//! bindings (foreign key cascade). Times are UTC Unix seconds.

use super::{DbError, Exec};

/// The pk of the policy with this name, if any.
///
/// # Errors
/// Database errors.
pub async fn policy_pk_by_name(ex: impl Exec<'_>, name: &str) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT pk FROM policies WHERE name = $1")
        .bind(name)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// Whether a policy with this pk exists.
///
/// # Errors
/// Database errors.
pub async fn policy_exists(ex: impl Exec<'_>, pk: &str) -> Result<bool, DbError> {
    let found: Option<String> = sqlx::query_scalar("SELECT pk FROM policies WHERE pk = $1")
        .bind(pk)
        .fetch_optional(ex)
        .await?;
    Ok(found.is_some())
}

/// A policy's own columns.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyRow {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// The CEL expression.
    pub expression: String,
    /// Shown to the invitee when it denies (may be empty).
    pub message: String,
}

/// Inserts a policy created at `created`.
///
/// # Errors
/// Database errors (a taken name is a unique violation).
pub async fn insert_policy(ex: impl Exec<'_>, p: &PolicyRow, created: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO policies (pk, name, expression, message, created) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&p.pk)
    .bind(&p.name)
    .bind(&p.expression)
    .bind(&p.message)
    .bind(created)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every policy, by name.
///
/// # Errors
/// Database errors.
pub async fn policies(ex: impl Exec<'_>) -> Result<Vec<PolicyRow>, DbError> {
    sqlx::query_as("SELECT pk, name, expression, message FROM policies ORDER BY name")
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Deletes a policy (and, by cascade, its bindings); returns how many rows went (0 or 1).
///
/// # Errors
/// Database errors.
pub async fn delete_policy(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM policies WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// A binding as the policies list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyBindingRow {
    /// UUID of the binding.
    pub pk: String,
    /// The bound policy.
    pub policy_pk: String,
    /// The flow's slug.
    pub flow_slug: String,
    /// The stage's name, for a stage binding.
    pub stage: Option<String>,
}

/// Every binding, by flow slug then stage name.
///
/// # Errors
/// Database errors.
pub async fn bindings(ex: impl Exec<'_>) -> Result<Vec<PolicyBindingRow>, DbError> {
    sqlx::query_as(
        "SELECT b.pk, b.policy_pk, f.slug AS flow_slug, s.name AS stage FROM policy_bindings b JOIN flows f ON f.pk = b.flow_pk
         LEFT JOIN stages s ON s.pk = b.stage_pk ORDER BY f.slug, s.name",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// A new binding (see [`insert_binding`]).
#[derive(Debug, Clone, Copy)]
pub struct NewPolicyBinding<'a> {
    /// UUID of the binding.
    pub pk: &'a str,
    /// The policy.
    pub policy_pk: &'a str,
    /// The flow.
    pub flow_pk: &'a str,
    /// The stage, for a stage binding (bound to that flow).
    pub stage_pk: Option<&'a str>,
    /// When it was made, UTC Unix seconds.
    pub created: i64,
}

/// Binds a policy to a flow or to one of its stages.
///
/// # Errors
/// Database errors (an unknown policy, flow or stage).
pub async fn insert_binding(ex: impl Exec<'_>, b: &NewPolicyBinding<'_>) -> Result<(), DbError> {
    sqlx::query("INSERT INTO policy_bindings (pk, policy_pk, flow_pk, stage_pk, created) VALUES ($1, $2, $3, $4, $5)")
        .bind(b.pk)
        .bind(b.policy_pk)
        .bind(b.flow_pk)
        .bind(b.stage_pk)
        .bind(b.created)
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes a binding; returns how many rows went (0 or 1).
///
/// # Errors
/// Database errors.
pub async fn delete_binding(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM policy_bindings WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// A policy bound to a flow, as the flow engine enforces it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BoundPolicyRow {
    /// The policy's name.
    pub name: String,
    /// Its CEL expression.
    pub expression: String,
    /// Its denial message (may be empty).
    pub message: String,
    /// The stage's name, for a stage binding; `None` for the flow itself.
    pub stage: Option<String>,
}

/// The policies bound to flow `flow_pk` or its stages, in binding order (then by policy name).
///
/// # Errors
/// Database errors.
pub async fn bound_to_flow(
    ex: impl Exec<'_>,
    flow_pk: &str,
) -> Result<Vec<BoundPolicyRow>, DbError> {
    sqlx::query_as(
        "SELECT p.name, p.expression, p.message, s.name AS stage FROM policy_bindings b JOIN policies p ON p.pk = b.policy_pk
         LEFT JOIN stages s ON s.pk = b.stage_pk WHERE b.flow_pk = $1 ORDER BY b.created, p.name",
    )
    .bind(flow_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}
