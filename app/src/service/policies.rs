//! Expression policies: stored, bound to flows or their stages, and enforced by the flow engine. The
//! language and its context are [`crate::domain::policy`].
//!
//! Every policy bound to the flow, and every policy bound to a stage the flow is running, must pass (all
//! of them: authentik's `policy_engine_mode: all`). A policy that denies — or fails — stops the invitee
//! with its message. (authentik skips a stage whose binding policy fails; Usher denies, so a policy never
//! silently drops a stage such as the email verification.)

use super::{db::new_uuid, time, Db};
use crate::domain::policy::{check, evaluate, PolicyContext};
use crate::error::AppError;
use crate::model::{PolicyBindingRow, PolicyForm, PolicyRow};

/// Saves a new policy; a broken expression is refused.
///
/// # Errors
/// [`AppError::Validation`] on `name` (empty or taken) or `expression` (does not parse); database errors.
pub async fn create(db: &Db, form: &PolicyForm) -> Result<PolicyRow, AppError> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(("name".to_owned(), "Name is required.".to_owned()));
    } else {
        let taken: Option<String> = sqlx::query_scalar("SELECT pk FROM policies WHERE name = $1")
            .bind(name)
            .fetch_optional(&db.pool)
            .await?;
        if taken.is_some() {
            errors.push(("name".into(), "A policy with this name exists.".into()));
        }
    }
    if let Err(e) = check(&form.expression) {
        errors.push(("expression".into(), e));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let pk = new_uuid();
    sqlx::query(
        "INSERT INTO policies (pk, name, expression, message, created) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&pk)
    .bind(name)
    .bind(form.expression.trim())
    .bind(form.message.trim())
    .bind(time::now())
    .execute(&db.pool)
    .await?;
    Ok(PolicyRow {
        pk,
        name: name.to_owned(),
        expression: form.expression.trim().to_owned(),
        message: form.message.trim().to_owned(),
        bindings: Vec::new(),
    })
}

/// Every policy with its bindings, by name.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db) -> Result<Vec<PolicyRow>, AppError> {
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT pk, name, expression, message FROM policies ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    let binds: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT b.pk, b.policy_pk, f.slug, s.name FROM policy_bindings b JOIN flows f ON f.pk = b.flow_pk
         LEFT JOIN stages s ON s.pk = b.stage_pk ORDER BY f.slug, s.name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(pk, name, expression, message)| PolicyRow {
            bindings: binds
                .iter()
                .filter(|b| b.1 == pk)
                .map(|(bpk, _, flow_slug, stage)| PolicyBindingRow {
                    pk: bpk.clone(),
                    flow_slug: flow_slug.clone(),
                    stage: stage.clone(),
                })
                .collect(),
            pk,
            name,
            expression,
            message,
        })
        .collect())
}

/// Deletes a policy and its bindings.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
pub async fn delete(db: &Db, pk: &str) -> Result<(), AppError> {
    let n = sqlx::query("DELETE FROM policies WHERE pk = $1")
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    super::db::touched(n, "policy")
}

/// Binds a policy to a flow, or to a stage bound to that flow.
///
/// # Errors
/// [`AppError::Validation`] on `flow` (unknown) or `stage` (not bound to the flow); [`AppError::NotFound`]
/// for the policy; database errors.
pub async fn bind(
    db: &Db,
    policy_pk: &str,
    flow_slug: &str,
    stage: Option<&str>,
) -> Result<(), AppError> {
    let policy: Option<String> = sqlx::query_scalar("SELECT pk FROM policies WHERE pk = $1")
        .bind(policy_pk)
        .fetch_optional(&db.pool)
        .await?;
    policy.ok_or_else(|| AppError::NotFound("This policy does not exist.".into()))?;
    let flow: Option<String> = sqlx::query_scalar("SELECT pk FROM flows WHERE slug = $1")
        .bind(flow_slug)
        .fetch_optional(&db.pool)
        .await?;
    let flow = flow.ok_or_else(|| AppError::field("flow", "Choose a flow."))?;
    let stage_pk = match stage.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => {
            let pk: Option<String> = sqlx::query_scalar(
                "SELECT s.pk FROM stages s JOIN flow_stage_bindings b ON b.stage_pk = s.pk WHERE s.name = $1 AND b.flow_pk = $2",
            )
            .bind(name)
            .bind(&flow)
            .fetch_optional(&db.pool)
            .await?;
            Some(pk.ok_or_else(|| {
                AppError::field("stage", format!("No stage {name} is bound to {flow_slug}."))
            })?)
        }
    };
    sqlx::query("INSERT INTO policy_bindings (pk, policy_pk, flow_pk, stage_pk, created) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_uuid())
        .bind(policy_pk)
        .bind(&flow)
        .bind(stage_pk)
        .bind(time::now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Removes a binding.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
pub async fn unbind(db: &Db, binding_pk: &str) -> Result<(), AppError> {
    let n = sqlx::query("DELETE FROM policy_bindings WHERE pk = $1")
        .bind(binding_pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    super::db::touched(n, "binding")
}

/// Enforces the policies bound to flow `flow_pk` and, when given, to the stages named in `stages`.
/// Changes nothing.
///
/// # Errors
/// [`AppError::PolicyDenied`] with the first denying policy's message (or a plain one when it has none,
/// or when its expression fails); database errors.
pub async fn enforce(
    db: &Db,
    flow_pk: &str,
    stages: &[&str],
    ctx: &PolicyContext,
) -> Result<(), AppError> {
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.name, p.expression, p.message, s.name FROM policy_bindings b JOIN policies p ON p.pk = b.policy_pk
         LEFT JOIN stages s ON s.pk = b.stage_pk WHERE b.flow_pk = $1 ORDER BY b.created, p.name",
    )
    .bind(flow_pk)
    .fetch_all(&db.pool)
    .await?;
    for (name, expression, message, stage) in rows {
        if stage.as_deref().is_some_and(|s| !stages.contains(&s)) {
            continue;
        }
        let passed = match evaluate(&expression, ctx) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(policy = %name, error = %e, "policy failed; denying");
                false
            }
        };
        if !passed {
            return Err(AppError::PolicyDenied(if message.is_empty() {
                "You cannot continue: access was denied by a policy.".into()
            } else {
                message
            }));
        }
    }
    Ok(())
}
