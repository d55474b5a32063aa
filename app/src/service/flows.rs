//! The flow engine's storage: flows and their ordered stage bindings are rows; built-in flows are loaded
//! from their definition file at start.

use super::Db;
use crate::domain::flow::{builtin_flows, FlowDef, StageDef, StageKind};
use crate::error::{AppError, Context};
use crate::model::FlowOption;
use crate::store::db::new_uuid;
use crate::store::flows as store;

/// A flow with its stages in binding order, as stored.
#[derive(Debug, Clone)]
pub struct StoredFlow {
    /// UUID.
    pub pk: String,
    /// The definition.
    pub def: FlowDef,
}

impl StoredFlow {
    /// The first stage of a kind, if bound.
    pub fn stage<'a, T>(&'a self, pick: impl Fn(&'a StageKind) -> Option<T>) -> Option<T> {
        self.def.stages.iter().find_map(|s| pick(&s.kind))
    }
}

/// Inserts the built-in flows whose slugs are missing. Existing flows are left as they are.
///
/// # Errors
/// Database errors.
pub async fn install_builtin_flows(db: &Db) -> Result<(), AppError> {
    for def in builtin_flows() {
        install_flow(db, &def).await?;
    }
    Ok(())
}

/// Inserts one flow and its stages in one transaction, unless a flow with its slug exists.
/// Returns whether it was inserted.
///
/// # Errors
/// Database errors.
pub async fn install_flow(db: &Db, def: &FlowDef) -> Result<bool, AppError> {
    let mut tx = db.begin().await?;
    if store::flow_pk_by_slug(&mut *tx, &def.slug).await?.is_some() {
        return Ok(false);
    }
    let flow_pk = new_uuid();
    store::insert_flow(
        &mut *tx,
        &flow_pk,
        &store::FlowFields {
            slug: &def.slug,
            name: &def.name,
            title: &def.title,
            designation: &def.designation,
            authentication: &def.authentication,
        },
    )
    .await?;
    for (position, stage) in def.stages.iter().enumerate() {
        let stage_pk = match store::stage_pk_by_name(&mut *tx, &stage.name).await? {
            Some(pk) => pk,
            None => {
                let pk = new_uuid();
                let config =
                    serde_json::to_string(&stage.kind).context("encoding a stage's settings")?;
                store::insert_stage(&mut *tx, &pk, &stage.name, stage.kind.name(), &config).await?;
                pk
            }
        };
        store::insert_stage_binding(&mut *tx, &new_uuid(), &flow_pk, &stage_pk, position as i64)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Turns open enrollment on or off for the flow `slug`: when on, visitors without an invitation may run
/// it (and create accounts); off is the default, and no blueprint turns it on.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown flow; database errors.
#[tracing::instrument(name = "flows.set_open_enrollment", skip(db))]
pub async fn set_open_enrollment(db: &Db, slug: &str, open: bool) -> Result<(), AppError> {
    crate::store::db::touched(
        store::set_open_enrollment(&db.pool, slug, open).await?,
        "flow",
    )
}

/// Loads a flow by slug with its stages in order; `None` when unknown.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored stage's settings do not parse.
pub async fn load_flow(db: &Db, slug: &str) -> Result<Option<StoredFlow>, AppError> {
    match store::flow_by_slug(&db.pool, slug).await? {
        Some(flow) => Ok(Some(with_stages(db, flow).await?)),
        None => Ok(None),
    }
}

/// Loads a flow by pk with its stages in order (an invitation's own flow, without going through its
/// slug); `None` when unknown.
///
/// # Errors
/// As [`load_flow`].
pub async fn load_flow_by_pk(db: &Db, pk: &str) -> Result<Option<StoredFlow>, AppError> {
    match store::flow_by_pk(&db.pool, pk).await? {
        Some(flow) => Ok(Some(with_stages(db, flow).await?)),
        None => Ok(None),
    }
}

async fn with_stages(db: &Db, flow: store::FlowRow) -> Result<StoredFlow, AppError> {
    let stages = store::stages_of_flow(&db.pool, &flow.pk)
        .await?
        .into_iter()
        .map(|s| {
            serde_json::from_str::<StageKind>(&s.config)
                .map(|kind| StageDef { name: s.name, kind })
                .map_err(|e| {
                    tracing::error!(error = %e, "stored stage settings do not parse");
                    AppError::Internal
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StoredFlow {
        pk: flow.pk,
        def: FlowDef {
            slug: flow.slug,
            name: flow.name,
            title: flow.title,
            designation: flow.designation,
            authentication: flow.authentication,
            open_enrollment: flow.open_enrollment,
            stages,
        },
    })
}

/// Flows for the invitation form's selector: enrollment flows, by slug.
///
/// # Errors
/// Database errors.
pub async fn list_enrollment_flows(db: &Db) -> Result<Vec<FlowOption>, AppError> {
    Ok(store::enrollment_flows(&db.pool)
        .await?
        .into_iter()
        .map(|f| FlowOption {
            pk: f.pk,
            slug: f.slug,
            name: f.name,
            has_invitation_stage: f.invitation_stages > 0,
        })
        .collect())
}
