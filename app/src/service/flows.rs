//! The flow engine's storage: flows and their ordered stage bindings are rows; built-in flows are loaded
//! from their definition file at start.

use super::error::{touched, Context, Entity, Error};
use super::Db;
use crate::domain::flow::{builtin_flows, FlowDef, StageDef, StageKind};
use crate::store::db::new_uuid;
use crate::store::flows as store;

pub use crate::store::flows::{FlowFilter, FlowRow};

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

/// Inserts the built-in flows whose slugs are missing, and brings those still exactly as an earlier
/// release shipped them ([`crate::domain::flow::earlier_builtin_flows`]: with an email stage) to the
/// current definitions (issue 34: authentik's examples, no email stage). A flow an admin edited (its
/// stages, their settings, its title…, or a policy bound to a stage it would lose) is left as it is.
/// Returns the slugs of the flows it upgraded.
///
/// # Errors
/// Database errors.
pub async fn install_builtin_flows(db: &Db) -> Result<Vec<String>, Error> {
    let earlier = crate::domain::flow::earlier_builtin_flows();
    let mut upgraded = Vec::new();
    for def in builtin_flows() {
        if !install_flow(db, &def).await? && upgrade_if_as_shipped(db, &def, &earlier).await? {
            tracing::info!(flow = %def.slug, "brought a built-in flow still as shipped to the current definition (no email stage)");
            upgraded.push(def.slug.clone());
        }
    }
    Ok(upgraded)
}

/// Replaces the stages of the stored flow `def.slug` with `def`'s when it is still exactly one of
/// `earlier` ([`crate::domain::flow::is_as_shipped`]) and no policy is bound to a stage it would lose;
/// in one transaction, with the flow's row locked. Stages no flow binds any more are deleted. Returns
/// whether it did.
///
/// # Errors
/// Database errors; [`Error::Internal`] when a stored stage's settings do not parse.
async fn upgrade_if_as_shipped(db: &Db, def: &FlowDef, earlier: &[FlowDef]) -> Result<bool, Error> {
    let mut tx = db.begin().await?;
    let Some(flow) = store::flow_by_slug(&mut *tx, &def.slug).await? else {
        return Ok(false);
    };
    store::lock_flow(&mut *tx, &flow.pk).await?;
    let stages = parse_stages(store::stages_of_flow(&mut *tx, &flow.pk).await?)?;
    let StoredFlow {
        pk: flow_pk,
        def: stored,
    } = stored_flow(flow, stages);
    if stored.stages == def.stages || !crate::domain::flow::is_as_shipped(&stored, earlier) {
        return Ok(false);
    }
    let dropped: Vec<&StageDef> = stored
        .stages
        .iter()
        .filter(|s| !def.stages.iter().any(|d| d.name == s.name))
        .collect();
    for stage in &dropped {
        if let Some(stage_pk) = store::stage_pk_by_name(&mut *tx, &stage.name).await? {
            if store::stage_policy_count(&mut *tx, &flow_pk, &stage_pk).await? > 0 {
                return Ok(false);
            }
        }
    }
    store::delete_stage_bindings(&mut *tx, &flow_pk).await?;
    bind_stages(&mut tx, &flow_pk, &def.stages).await?;
    for stage in dropped {
        store::delete_stage_if_unbound(&mut *tx, &stage.name).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Inserts one flow and its stages in one transaction, unless a flow with its slug exists.
/// Returns whether it was inserted.
///
/// # Errors
/// Database errors.
pub async fn install_flow(db: &Db, def: &FlowDef) -> Result<bool, Error> {
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
            designation: def.designation.as_str(),
            authentication: def.authentication.as_str(),
        },
    )
    .await?;
    bind_stages(&mut tx, &flow_pk, &def.stages).await?;
    tx.commit().await?;
    Ok(true)
}

/// Binds `stages` to flow `flow_pk` in order (positions from 0), each the existing stage of its name or,
/// when there is none, a new one with its settings.
async fn bind_stages(
    tx: &mut crate::store::Tx,
    flow_pk: &str,
    stages: &[StageDef],
) -> Result<(), Error> {
    for (position, stage) in stages.iter().enumerate() {
        let stage_pk = match store::stage_pk_by_name(&mut **tx, &stage.name).await? {
            Some(pk) => pk,
            None => {
                let pk = new_uuid();
                let config =
                    serde_json::to_string(&stage.kind).context("encoding a stage's settings")?;
                store::insert_stage(&mut **tx, &pk, &stage.name, stage.kind.name(), &config)
                    .await?;
                pk
            }
        };
        store::insert_stage_binding(&mut **tx, &new_uuid(), flow_pk, &stage_pk, position as i64)
            .await?;
    }
    Ok(())
}

/// Turns open enrollment on or off for the flow `slug`: when on, visitors without an invitation may run
/// it (and create accounts); off is the default, and no blueprint turns it on.
///
/// # Errors
/// [`Error::NotFound`] for an unknown flow; database errors.
#[tracing::instrument(name = "flows.set_open_enrollment", skip(db))]
pub async fn set_open_enrollment(db: &Db, slug: &str, open: bool) -> Result<(), Error> {
    touched(
        store::set_open_enrollment(&db.pool, slug, open).await?,
        Entity::Flow,
    )
}

/// The flows this instance has loaded, with their stages and policies, as of one generation of the flow
/// definitions (kept by triggers in the transaction of every change, see [`super::cache`]): the landing
/// page and every stage submission read one row instead of the flow, its stages and its policies
/// (issue 13). At most 256 flows; unknown slugs are not cached.
pub type FlowCache = super::cache::GenerationCache<LoadedFlow, 256>;

/// A flow with its stages and the policies bound to it and to its stages.
#[derive(Debug, Clone)]
pub struct LoadedFlow {
    /// The flow and its stages.
    pub flow: StoredFlow,
    /// Its policies.
    pub policies: super::policies::FlowPolicies,
}

/// Loads a flow by slug with its stages and policies, from this instance's [`FlowCache`] while the flow
/// definitions' generation (`generation`, read by the caller with [`crate::store::generations`] before
/// this) is unchanged; `None` when unknown.
///
/// # Errors
/// As [`load_flow`] and [`super::policies::load`].
pub async fn load_with_policies(
    db: &Db,
    slug: &str,
    generation: crate::store::Generation,
) -> Result<Option<std::sync::Arc<LoadedFlow>>, Error> {
    // The generation was read before the rows: a change committed in between is cached under the older
    // number, which the next request no longer matches.
    if let Some(hit) = db.flow_cache.get(generation, slug) {
        return Ok(Some(hit));
    }
    let Some(flow) = load_flow(db, slug).await? else {
        return Ok(None);
    };
    let policies = super::policies::load(db, &flow.pk).await?;
    let loaded = std::sync::Arc::new(LoadedFlow { flow, policies });
    db.flow_cache.put(generation, slug, loaded.clone());
    Ok(Some(loaded))
}

/// Loads a flow by slug with its stages in order; `None` when unknown.
///
/// # Errors
/// Database errors; [`Error::Internal`] when a stored stage's settings do not parse.
pub async fn load_flow(db: &Db, slug: &str) -> Result<Option<StoredFlow>, Error> {
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
pub async fn load_flow_by_pk(db: &Db, pk: &str) -> Result<Option<StoredFlow>, Error> {
    match store::flow_by_pk(&db.pool, pk).await? {
        Some(flow) => Ok(Some(with_stages(db, flow).await?)),
        None => Ok(None),
    }
}

async fn with_stages(db: &Db, flow: store::FlowRow) -> Result<StoredFlow, Error> {
    let stages = parse_stages(store::stages_of_flow(&db.pool, &flow.pk).await?)?;
    Ok(stored_flow(flow, stages))
}

/// The flow of a stored row with its stages.
fn stored_flow(flow: store::FlowRow, stages: Vec<StageDef>) -> StoredFlow {
    StoredFlow {
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
    }
}

/// The stored stages' definitions, in their order.
fn parse_stages(rows: Vec<store::BoundStageRow>) -> Result<Vec<StageDef>, Error> {
    rows.into_iter()
        .map(|s| {
            serde_json::from_str::<StageKind>(&s.config)
                .map(|kind| StageDef { name: s.name, kind })
                .context("reading a stored stage's settings")
        })
        .collect()
}

/// Every flow with its stages in binding order, by slug then name: two statements whatever the number
/// of flows (the flows, then every binding with its stage), where loading each flow by slug took two per
/// flow (Flows & Stages → Flows was N+1).
///
/// # Errors
/// Database errors; [`Error::Internal`] when a stored stage's settings do not parse.
pub async fn load_all_flows(db: &Db) -> Result<Vec<StoredFlow>, Error> {
    use std::collections::HashMap;
    let flows = store::flows(&db.pool, store::FlowKey::All).await?;
    let mut stages: HashMap<String, Vec<store::BoundStageRow>> = HashMap::new();
    for s in store::all_bound_stages(&db.pool).await? {
        stages
            .entry(s.flow_pk)
            .or_default()
            .push(store::BoundStageRow {
                name: s.name,
                config: s.config,
            });
    }
    flows
        .into_iter()
        .map(|f| {
            let bound = parse_stages(stages.remove(&f.pk).unwrap_or_default())?;
            Ok(stored_flow(f, bound))
        })
        .collect()
}

/// A flow's own columns with the pks of the stages bound to it, in position order (what the REST API
/// shows of a flow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSummary {
    /// The flow.
    pub flow: FlowRow,
    /// Its stages' pks, in binding order.
    pub stage_pks: Vec<String>,
}

/// The flows `rows` with their stage pks, read in one statement.
async fn summaries(db: &Db, rows: Vec<FlowRow>) -> Result<Vec<FlowSummary>, Error> {
    use std::collections::HashMap;
    let pks: Vec<String> = rows.iter().map(|f| f.pk.clone()).collect();
    let mut stages: HashMap<String, Vec<String>> = HashMap::new();
    for b in store::stage_bindings_of(&db.pool, &pks).await? {
        stages.entry(b.flow_pk).or_default().push(b.stage_pk);
    }
    Ok(rows
        .into_iter()
        .map(|flow| FlowSummary {
            stage_pks: stages.remove(&flow.pk).unwrap_or_default(),
            flow,
        })
        .collect())
}

/// The flow with this slug and its stage pks (two statements); `None` when unknown.
///
/// # Errors
/// Database errors.
pub async fn summary_by_slug(db: &Db, slug: &str) -> Result<Option<FlowSummary>, Error> {
    let rows = store::flows(&db.pool, store::FlowKey::Slug(slug)).await?;
    Ok(summaries(db, rows).await?.pop())
}

/// The flow with this pk and its stage pks (two statements); `None` when unknown.
///
/// # Errors
/// Database errors.
pub async fn summary_by_pk(db: &Db, pk: &str) -> Result<Option<FlowSummary>, Error> {
    let rows = store::flows(&db.pool, store::FlowKey::Pk(pk)).await?;
    Ok(summaries(db, rows).await?.pop())
}

/// How many flows `filter` selects (`COUNT(*)` in SQL).
///
/// # Errors
/// Database errors.
pub async fn count_flows(db: &Db, filter: &FlowFilter) -> Result<u64, Error> {
    Ok(store::count_filtered(&db.pool, db.backend, filter)
        .await?
        .max(0) as u64)
}

/// One page of the flows `filter` selects, by slug then name, with their stage pks: `offset` flows
/// skipped and at most `limit` read (`LIMIT`/`OFFSET` in SQL), then the page's bindings; two statements
/// whatever the number of flows. `limit` 0 reads nothing.
///
/// # Errors
/// Database errors.
pub async fn flows_page(
    db: &Db,
    filter: &FlowFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<FlowSummary>, Error> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let rows = store::page_filtered(&db.pool, db.backend, filter, offset, limit).await?;
    summaries(db, rows).await
}

/// An enrollment flow, with which of the stages an invitation cares about it binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentFlow {
    /// UUID.
    pub pk: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Whether an invitation stage is bound (without one, the flow ignores invitations).
    pub has_invitation_stage: bool,
    /// Whether an email stage is bound (every invitee then confirms their address with an emailed code).
    pub has_email_stage: bool,
}

/// The enrollment flows (what the invitation form offers), by slug.
///
/// # Errors
/// Database errors.
pub async fn list_enrollment_flows(db: &Db) -> Result<Vec<EnrollmentFlow>, Error> {
    Ok(store::enrollment_flows(&db.pool)
        .await?
        .into_iter()
        .map(|f| EnrollmentFlow {
            pk: f.pk,
            slug: f.slug,
            name: f.name,
            has_invitation_stage: f.invitation_stages > 0,
            has_email_stage: f.email_stages > 0,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn loaded(slug: &str) -> Arc<LoadedFlow> {
        let mut def = builtin_flows().remove(0);
        def.slug = slug.into();
        Arc::new(LoadedFlow {
            flow: StoredFlow {
                pk: format!("pk-{slug}"),
                def,
            },
            policies: Default::default(),
        })
    }

    #[test]
    fn a_cached_flow_is_served_only_for_its_generation() {
        let cache = FlowCache::default();
        cache.put(3, "a", loaded("a"));
        assert!(cache.get(3, "a").is_some());
        assert!(cache.get(3, "b").is_none(), "unknown slugs are not cached");
        assert!(cache.get(4, "a").is_none(), "a newer generation misses");
        // Loading under the newer generation drops everything cached under the older one.
        cache.put(4, "b", loaded("b"));
        assert!(cache.get(4, "a").is_none());
        assert!(cache.get(4, "b").is_some());
    }

    #[test]
    fn rows_loaded_from_an_older_generation_never_replace_newer_ones() {
        let cache = FlowCache::default();
        cache.put(5, "a", loaded("a"));
        cache.put(4, "b", loaded("b"));
        assert!(cache.get(5, "a").is_some());
        assert!(cache.get(5, "b").is_none());
        assert!(cache.get(4, "b").is_none());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = FlowCache::default();
        for i in 0..256 * 2 + 1 {
            cache.put(1, &format!("f{i}"), loaded("x"));
        }
        let held = cache.len();
        assert!(held <= 256, "{held}");
    }
}
