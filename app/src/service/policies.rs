//! Expression policies: stored, bound to flows or their stages, and enforced by the flow engine. The
//! language and its context are [`crate::domain::policy`].
//!
//! Every policy bound to the flow, and every policy bound to a stage the flow is running, must pass (all
//! of them: authentik's `policy_engine_mode: all`). A policy that denies — or fails — stops the invitee
//! with its message. (authentik skips a stage whose binding policy fails; Usher denies, so a policy never
//! silently drops a stage such as the email verification.)

use super::error::{touched, Entity, Error, Problem};
use super::{time, Db};
use crate::domain::policy::{check, PolicyContext, PolicyDraft};
use crate::store::db::new_uuid;
use crate::store::{flows, policies as store};

/// An expression policy with where it is bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// The CEL expression.
    pub expression: String,
    /// Shown to the invitee when it denies; empty for the plain message.
    pub message: String,
    /// Where it is bound.
    pub bindings: Vec<PolicyBinding>,
}

/// Where a policy is bound: a flow, or one stage of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyBinding {
    /// UUID.
    pub pk: String,
    /// The flow's slug.
    pub flow_slug: String,
    /// The stage's name, for a stage binding.
    pub stage: Option<String>,
}

/// Saves a new policy; a broken expression is refused. Returns it, bound nowhere.
///
/// # Errors
/// [`Error::Invalid`] on `name` (empty or taken) or `expression` (does not parse); database errors.
pub async fn create(db: &Db, draft: &PolicyDraft) -> Result<Policy, Error> {
    let mut errors = Vec::new();
    if draft.name.is_empty() {
        errors.push(("name".to_owned(), Problem::Required("Name".into())));
    }
    if let Err(reason) = check(&draft.expression) {
        errors.push(("expression".to_owned(), Problem::Expression(reason)));
    }
    if !draft.name.is_empty()
        && store::policy_pk_by_name(&db.pool, &draft.name)
            .await?
            .is_some()
    {
        errors.insert(0, ("name".into(), Problem::Taken(Entity::Policy)));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let row = store::PolicyRow {
        pk: new_uuid(),
        name: draft.name.clone(),
        expression: draft.expression.clone(),
        message: draft.message.clone(),
    };
    store::insert_policy(&db.pool, &row, time::now()).await?;
    Ok(Policy {
        pk: row.pk,
        name: row.name,
        expression: row.expression,
        message: row.message,
        bindings: Vec::new(),
    })
}

/// Every policy with its bindings, by name.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db) -> Result<Vec<Policy>, Error> {
    let rows = store::policies(&db.pool).await?;
    let binds = store::bindings(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|p| Policy {
            bindings: binds
                .iter()
                .filter(|b| b.policy_pk == p.pk)
                .map(|b| PolicyBinding {
                    pk: b.pk.clone(),
                    flow_slug: b.flow_slug.clone(),
                    stage: b.stage.clone(),
                })
                .collect(),
            pk: p.pk,
            name: p.name,
            expression: p.expression,
            message: p.message,
        })
        .collect())
}

/// Deletes a policy and its bindings.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn delete(db: &Db, pk: &str) -> Result<(), Error> {
    touched(store::delete_policy(&db.pool, pk).await?, Entity::Policy)
}

/// Binds a policy to a flow, or to a stage bound to that flow.
///
/// # Errors
/// [`Error::Invalid`] on `flow` (unknown) or `stage` (not bound to the flow); [`Error::NotFound`]
/// for the policy; database errors.
pub async fn bind(
    db: &Db,
    policy_pk: &str,
    flow_slug: &str,
    stage: Option<&str>,
) -> Result<(), Error> {
    if !store::policy_exists(&db.pool, policy_pk).await? {
        return Err(Error::NotFound(Entity::Policy));
    }
    let flow = flows::flow_pk_by_slug(&db.pool, flow_slug)
        .await?
        .ok_or_else(|| Error::field("flow", Problem::UnknownFlow))?;
    let stage_pk = match stage.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => Some(
            flows::bound_stage_pk(&db.pool, &flow, name)
                .await?
                .ok_or_else(|| {
                    Error::field(
                        "stage",
                        Problem::StageNotBound(name.to_owned(), flow_slug.to_owned()),
                    )
                })?,
        ),
    };
    store::insert_binding(
        &db.pool,
        &store::NewPolicyBinding {
            pk: &new_uuid(),
            policy_pk,
            flow_pk: &flow,
            stage_pk: stage_pk.as_deref(),
            created: time::now(),
        },
    )
    .await?;
    Ok(())
}

/// Removes a binding.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn unbind(db: &Db, binding_pk: &str) -> Result<(), Error> {
    touched(
        store::delete_binding(&db.pool, binding_pk).await?,
        Entity::PolicyBinding,
    )
}

/// The policies bound to one flow and to its stages, in binding order, each expression compiled once
/// when they are loaded ([`load`]; the flow cache keeps them for the flow's generation, issue 37), then
/// enforced as often as requests need ([`FlowPolicies::enforce`]). Cloning shares them.
#[derive(Debug, Clone, Default)]
pub struct FlowPolicies(std::sync::Arc<[BoundPolicy]>);

/// A bound policy with its expression compiled (or why it does not compile, which denies).
#[derive(Debug)]
struct BoundPolicy {
    row: store::BoundPolicyRow,
    program: Result<cel::Program, String>,
}

/// The policies bound to flow `flow_pk` and its stages, compiled.
///
/// # Errors
/// Database errors.
pub async fn load(db: &Db, flow_pk: &str) -> Result<FlowPolicies, Error> {
    Ok(FlowPolicies(
        store::bound_to_flow(&db.pool, flow_pk)
            .await?
            .into_iter()
            .map(|row| BoundPolicy {
                program: crate::domain::policy::compile(&row.expression),
                row,
            })
            .collect(),
    ))
}

/// [`load`] and [`FlowPolicies::enforce`] at once.
///
/// # Errors
/// As both.
pub async fn enforce(
    db: &Db,
    flow_pk: &str,
    stages: &[&str],
    ctx: &PolicyContext,
) -> Result<(), Error> {
    load(db, flow_pk).await?.enforce(stages, ctx)
}

impl FlowPolicies {
    /// Enforces the flow's own policies and, when given, those of the stages named in `stages`.
    /// Changes nothing.
    ///
    /// # Errors
    /// [`Error::PolicyDenied`] with the first denying policy's message (empty when it has none; the
    /// edge then says a plain one), also when its expression fails.
    pub fn enforce(&self, stages: &[&str], ctx: &PolicyContext) -> Result<(), Error> {
        for BoundPolicy { row: p, program } in self.0.iter() {
            if p.stage.as_deref().is_some_and(|s| !stages.contains(&s)) {
                continue;
            }
            let result = match program {
                Ok(program) => crate::domain::policy::run(program, ctx),
                Err(e) => Err(e.clone()),
            };
            let passed = match result {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(policy = %p.name, error = %e, "policy failed; denying");
                    false
                }
            };
            if !passed {
                return Err(Error::PolicyDenied(p.message.clone()));
            }
        }
        Ok(())
    }
}
