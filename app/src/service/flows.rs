//! The flow engine's storage: flows and their ordered stage bindings are rows; built-in flows are loaded
//! from their definition file at start.

use super::{db::new_uuid, Db};
use crate::domain::flow::{builtin_flows, FlowDef, StageDef, StageKind};
use crate::error::AppError;
use crate::model::FlowOption;

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
    let exists: Option<String> = sqlx::query_scalar("SELECT pk FROM flows WHERE slug = $1")
        .bind(&def.slug)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let flow_pk = new_uuid();
    sqlx::query("INSERT INTO flows (pk, slug, name, title, designation, authentication) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&flow_pk)
        .bind(&def.slug)
        .bind(&def.name)
        .bind(&def.title)
        .bind(&def.designation)
        .bind(&def.authentication)
        .execute(&mut *tx)
        .await?;
    for (position, stage) in def.stages.iter().enumerate() {
        let stage_pk: Option<String> = sqlx::query_scalar("SELECT pk FROM stages WHERE name = $1")
            .bind(&stage.name)
            .fetch_optional(&mut *tx)
            .await?;
        let stage_pk = match stage_pk {
            Some(pk) => pk,
            None => {
                let pk = new_uuid();
                let config = serde_json::to_string(&stage.kind).map_err(|_| AppError::Internal)?;
                sqlx::query("INSERT INTO stages (pk, name, kind, config) VALUES ($1, $2, $3, $4)")
                    .bind(&pk)
                    .bind(&stage.name)
                    .bind(stage.kind.name())
                    .bind(config)
                    .execute(&mut *tx)
                    .await?;
                pk
            }
        };
        sqlx::query("INSERT INTO flow_stage_bindings (pk, flow_pk, stage_pk, position) VALUES ($1, $2, $3, $4)")
            .bind(new_uuid())
            .bind(&flow_pk)
            .bind(stage_pk)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Loads a flow by slug with its stages in order; `None` when unknown.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored stage's settings do not parse.
pub async fn load_flow(db: &Db, slug: &str) -> Result<Option<StoredFlow>, AppError> {
    let row: Option<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT pk, slug, name, title, designation, authentication FROM flows WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?;
    let Some((pk, slug, name, title, designation, authentication)) = row else {
        return Ok(None);
    };
    let stages: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.name, s.config FROM flow_stage_bindings b JOIN stages s ON s.pk = b.stage_pk
         WHERE b.flow_pk = $1 ORDER BY b.position",
    )
    .bind(&pk)
    .fetch_all(&db.pool)
    .await?;
    let stages = stages
        .into_iter()
        .map(|(name, config)| {
            serde_json::from_str::<StageKind>(&config)
                .map(|kind| StageDef { name, kind })
                .map_err(|e| {
                    tracing::error!(error = %e, "stored stage settings do not parse");
                    AppError::Internal
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(StoredFlow {
        pk,
        def: FlowDef {
            slug,
            name,
            title,
            designation,
            authentication,
            stages,
        },
    }))
}

/// Flows for the invitation form's selector: enrollment flows, by slug.
///
/// # Errors
/// Database errors.
pub async fn list_enrollment_flows(db: &Db) -> Result<Vec<FlowOption>, AppError> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT f.pk, f.slug, f.name, (SELECT COUNT(*) FROM flow_stage_bindings b JOIN stages s ON s.pk = b.stage_pk
             WHERE b.flow_pk = f.pk AND s.kind = 'invitation')
         FROM flows f WHERE f.designation = 'enrollment' ORDER BY f.slug",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(pk, slug, name, n)| FlowOption {
            pk,
            slug,
            name,
            has_invitation_stage: n > 0,
        })
        .collect())
}
