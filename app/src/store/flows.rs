//! The `flows`, `stages` and `flow_stage_bindings` tables: a flow (unique `slug`) runs the stages bound
//! to it in `position` order; a stage (unique `name`) keeps its kind and its settings as JSON (`config`)
//! and may be bound to several flows.

use super::db::new_uuid;
use super::{Conn, DbError, Exec, Flag};

/// A flow's own columns.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlowRow {
    /// UUID.
    pub pk: String,
    /// Unique slug (its URL).
    pub slug: String,
    /// Name.
    pub name: String,
    /// Title shown to the user.
    pub title: String,
    /// What the flow is for, decoded in the row.
    #[sqlx(try_from = "String")]
    pub designation: crate::domain::flow::Designation,
    /// Who may run it, decoded in the row.
    #[sqlx(try_from = "String")]
    pub authentication: crate::domain::flow::Authentication,
    /// Whether a visitor without an invitation may run it (an admin's explicit choice; off by default).
    #[sqlx(try_from = "Flag")]
    pub open_enrollment: bool,
}

/// The columns a flow is written with (its pk aside).
#[derive(Debug, Clone, Copy)]
pub struct FlowFields<'a> {
    /// Unique slug.
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
    /// Title.
    pub title: &'a str,
    /// Designation.
    pub designation: &'a str,
    /// Authentication requirement.
    pub authentication: &'a str,
}

/// What an upsert did: the row's pk, and whether it was created (else updated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upserted {
    /// UUID of the row.
    pub pk: String,
    /// Whether the row was inserted.
    pub created: bool,
}

/// The pk of the flow with this slug, if any.
///
/// # Errors
/// Database errors.
pub async fn flow_pk_by_slug(ex: impl Exec<'_>, slug: &str) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT pk FROM flows WHERE slug = $1")
        .bind(slug)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// The flow with this slug, if any.
///
/// # Errors
/// Database errors.
pub async fn flow_by_slug(ex: impl Exec<'_>, slug: &str) -> Result<Option<FlowRow>, DbError> {
    sqlx::query_as(
        "SELECT pk, slug, name, title, designation, authentication, open_enrollment FROM flows WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// The flow with this pk, if any.
///
/// # Errors
/// Database errors.
pub async fn flow_by_pk(ex: impl Exec<'_>, pk: &str) -> Result<Option<FlowRow>, DbError> {
    sqlx::query_as(
        "SELECT pk, slug, name, title, designation, authentication, open_enrollment FROM flows WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Inserts a flow with this pk.
///
/// # Errors
/// Database errors (a taken slug is a unique violation).
pub async fn insert_flow(ex: impl Exec<'_>, pk: &str, f: &FlowFields<'_>) -> Result<(), DbError> {
    sqlx::query("INSERT INTO flows (pk, slug, name, title, designation, authentication) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(pk)
        .bind(f.slug)
        .bind(f.name)
        .bind(f.title)
        .bind(f.designation)
        .bind(f.authentication)
        .execute(ex)
        .await?;
    Ok(())
}

/// Inserts the flow with `f.slug` under a new pk, or updates its name, title, designation and
/// authentication (two statements).
///
/// # Errors
/// Database errors.
pub async fn upsert_flow_by_slug(conn: &mut Conn, f: &FlowFields<'_>) -> Result<Upserted, DbError> {
    match flow_pk_by_slug(&mut *conn, f.slug).await? {
        Some(pk) => {
            sqlx::query("UPDATE flows SET name = $1, title = $2, designation = $3, authentication = $4 WHERE pk = $5")
                .bind(f.name)
                .bind(f.title)
                .bind(f.designation)
                .bind(f.authentication)
                .bind(&pk)
                .execute(&mut *conn)
                .await?;
            Ok(Upserted { pk, created: false })
        }
        None => {
            let pk = new_uuid();
            insert_flow(&mut *conn, &pk, f).await?;
            Ok(Upserted { pk, created: true })
        }
    }
}

/// Enrollment flows by slug, with how many invitation stages each has bound.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrollmentFlowRow {
    /// UUID.
    pub pk: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Bound stages of kind `invitation`.
    pub invitation_stages: i64,
    /// How many email stages are bound.
    pub email_stages: i64,
}

/// The flows designated `enrollment`, by slug, with their count of bound invitation stages.
///
/// # Errors
/// Database errors.
pub async fn enrollment_flows(ex: impl Exec<'_>) -> Result<Vec<EnrollmentFlowRow>, DbError> {
    sqlx::query_as(
        "SELECT f.pk, f.slug, f.name, (SELECT COUNT(*) FROM flow_stage_bindings b JOIN stages s ON s.pk = b.stage_pk
             WHERE b.flow_pk = f.pk AND s.kind = 'invitation') AS invitation_stages,
                (SELECT COUNT(*) FROM flow_stage_bindings b JOIN stages s ON s.pk = b.stage_pk
             WHERE b.flow_pk = f.pk AND s.kind = 'email') AS email_stages
         FROM flows f WHERE f.designation = 'enrollment' ORDER BY f.slug",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// The pk of the stage with this name, if any.
///
/// # Errors
/// Database errors.
pub async fn stage_pk_by_name(ex: impl Exec<'_>, name: &str) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT pk FROM stages WHERE name = $1")
        .bind(name)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// The pk of the stage with this name if it is bound to flow `flow_pk`.
///
/// # Errors
/// Database errors.
pub async fn bound_stage_pk(
    ex: impl Exec<'_>,
    flow_pk: &str,
    name: &str,
) -> Result<Option<String>, DbError> {
    sqlx::query_scalar(
        "SELECT s.pk FROM stages s JOIN flow_stage_bindings b ON b.stage_pk = s.pk WHERE s.name = $1 AND b.flow_pk = $2",
    )
    .bind(name)
    .bind(flow_pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Inserts a stage: its unique name, its kind's name and its settings as JSON.
///
/// # Errors
/// Database errors (a taken name is a unique violation).
pub async fn insert_stage(
    ex: impl Exec<'_>,
    pk: &str,
    name: &str,
    kind: &str,
    config: &str,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO stages (pk, name, kind, config) VALUES ($1, $2, $3, $4)")
        .bind(pk)
        .bind(name)
        .bind(kind)
        .bind(config)
        .execute(ex)
        .await?;
    Ok(())
}

/// Inserts the stage `name` under a new pk, or updates its kind and settings (two statements).
///
/// # Errors
/// Database errors.
pub async fn upsert_stage_by_name(
    conn: &mut Conn,
    name: &str,
    kind: &str,
    config: &str,
) -> Result<Upserted, DbError> {
    match stage_pk_by_name(&mut *conn, name).await? {
        Some(pk) => {
            sqlx::query("UPDATE stages SET kind = $1, config = $2 WHERE pk = $3")
                .bind(kind)
                .bind(config)
                .bind(&pk)
                .execute(&mut *conn)
                .await?;
            Ok(Upserted { pk, created: false })
        }
        None => {
            let pk = new_uuid();
            insert_stage(&mut *conn, &pk, name, kind, config).await?;
            Ok(Upserted { pk, created: true })
        }
    }
}

/// A bound stage's name and settings (JSON).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BoundStageRow {
    /// The stage's unique name.
    pub name: String,
    /// Its settings, JSON of [`crate::domain::flow::StageKind`].
    pub config: String,
}

/// The stages bound to flow `flow_pk`, in position order.
///
/// # Errors
/// Database errors.
pub async fn stages_of_flow(
    ex: impl Exec<'_>,
    flow_pk: &str,
) -> Result<Vec<BoundStageRow>, DbError> {
    sqlx::query_as(
        "SELECT s.name, s.config FROM flow_stage_bindings b JOIN stages s ON s.pk = b.stage_pk
         WHERE b.flow_pk = $1 ORDER BY b.position",
    )
    .bind(flow_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Binds stage `stage_pk` to flow `flow_pk` at `position` (a new binding with this pk).
///
/// # Errors
/// Database errors.
pub async fn insert_stage_binding(
    ex: impl Exec<'_>,
    pk: &str,
    flow_pk: &str,
    stage_pk: &str,
    position: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO flow_stage_bindings (pk, flow_pk, stage_pk, position) VALUES ($1, $2, $3, $4)",
    )
    .bind(pk)
    .bind(flow_pk)
    .bind(stage_pk)
    .bind(position)
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes every stage binding of flow `flow_pk`.
///
/// # Errors
/// Database errors.
pub async fn delete_stage_bindings(ex: impl Exec<'_>, flow_pk: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM flow_stage_bindings WHERE flow_pk = $1")
        .bind(flow_pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// Which flows [`flows`] reads: every flow, or the one with this pk or slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKey<'a> {
    /// Every flow.
    All,
    /// The flow with this pk.
    Pk(&'a str),
    /// The flow with this slug.
    Slug(&'a str),
}

impl<'a> FlowKey<'a> {
    fn value(self) -> Option<&'a str> {
        match self {
            Self::All => None,
            Self::Pk(v) | Self::Slug(v) => Some(v),
        }
    }
}

/// The flows `key` selects, by slug then name.
///
/// # Errors
/// Database errors.
pub async fn flows(ex: impl Exec<'_>, key: FlowKey<'_>) -> Result<Vec<FlowRow>, DbError> {
    let sql = match key {
        FlowKey::All => "SELECT f.pk, f.slug, f.name, f.title, f.designation, f.authentication, f.open_enrollment FROM flows f ORDER BY f.slug, f.name",
        FlowKey::Pk(_) => "SELECT f.pk, f.slug, f.name, f.title, f.designation, f.authentication, f.open_enrollment FROM flows f WHERE f.pk = $1 ORDER BY f.slug, f.name",
        FlowKey::Slug(_) => "SELECT f.pk, f.slug, f.name, f.title, f.designation, f.authentication, f.open_enrollment FROM flows f WHERE f.slug = $1 ORDER BY f.slug, f.name",
    };
    let mut q = sqlx::query_as::<_, FlowRow>(sql);
    if let Some(v) = key.value() {
        q = q.bind(v);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// Sets whether the flow `slug` runs for visitors without an invitation. Returns the rows changed (0: no
/// such flow).
///
/// # Errors
/// Database errors.
pub async fn set_open_enrollment(
    ex: impl Exec<'_>,
    slug: &str,
    open: bool,
) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE flows SET open_enrollment = $1 WHERE slug = $2")
            .bind(Flag(open))
            .bind(slug)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// One stage binding: which stage a flow runs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StageBindingRow {
    /// The flow's pk.
    pub flow_pk: String,
    /// The stage's pk.
    pub stage_pk: String,
}

/// A stage bound to some flow: the flow's pk, the stage's name and its settings (JSON).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlowStageRow {
    /// The flow's pk.
    pub flow_pk: String,
    /// The stage's unique name.
    pub name: String,
    /// Its settings, JSON of [`crate::domain::flow::StageKind`].
    pub config: String,
}

/// The stages bound to every flow, by flow pk then position: with [`flows`] (`FlowKey::All`), every flow
/// and its stages in two statements, whatever the number of flows.
///
/// # Errors
/// Database errors.
pub async fn all_bound_stages(ex: impl Exec<'_>) -> Result<Vec<FlowStageRow>, DbError> {
    sqlx::query_as(
        "SELECT b.flow_pk, s.name, s.config FROM flow_stage_bindings b JOIN stages s ON s.pk = b.stage_pk
         ORDER BY b.flow_pk, b.position",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Which flows the REST API's flow list holds (authentik's `FlowViewSet` filters): exact `slug`, `name`,
/// `designation` and `pk` (`flow_uuid`) when given, and every `search` term found, case-insensitively, in
/// the name, slug, designation or title (on SQLite `LIKE` ignores ASCII case only, as the invitation
/// list's search).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowFilter {
    /// Exact slug.
    pub slug: Option<String>,
    /// Exact name.
    pub name: Option<String>,
    /// Exact designation (`enrollment`, `authentication`, …).
    pub designation: Option<String>,
    /// Exact pk.
    pub pk: Option<String>,
    /// Terms that must each be found in one of the searched fields; empty terms are ignored.
    pub search: Vec<String>,
}

/// The `FROM flows f WHERE …` of `filter` on `backend`, with its bound values (`$1…` in order).
fn filter_sql(backend: super::Backend, filter: &FlowFilter) -> (String, Vec<String>) {
    let mut binds: Vec<String> = Vec::new();
    let mut wh: Vec<String> = Vec::new();
    for (column, value) in [
        ("f.slug", &filter.slug),
        ("f.name", &filter.name),
        ("f.designation", &filter.designation),
        ("f.pk", &filter.pk),
    ] {
        if let Some(v) = value {
            binds.push(v.clone());
            wh.push(format!("{column} = ${}", binds.len()));
        }
    }
    for term in filter.search.iter().filter(|t| !t.is_empty()) {
        binds.push(super::contains_pattern(term));
        let n = binds.len();
        let any: Vec<String> = ["f.name", "f.slug", "f.designation", "f.title"]
            .iter()
            .map(|c| match backend {
                super::Backend::Sqlite => format!("{c} LIKE ${n} ESCAPE '\\'"),
                super::Backend::Postgres => format!("LOWER({c}) LIKE ${n} ESCAPE '\\'"),
            })
            .collect();
        wh.push(format!("({})", any.join(" OR ")));
    }
    let mut sql = "FROM flows f".to_owned();
    if !wh.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&wh.join(" AND "));
    }
    (sql, binds)
}

/// How many flows `filter` selects on `backend` (`COUNT(*)`).
///
/// # Errors
/// Database errors.
pub async fn count_filtered(
    ex: impl Exec<'_>,
    backend: super::Backend,
    filter: &FlowFilter,
) -> Result<i64, DbError> {
    let (from, binds) = filter_sql(backend, filter);
    let sql = format!("SELECT COUNT(*) {from}");
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_one(ex).await.map_err(DbError::from)
}

/// One page of the flows `filter` selects on `backend`, by slug then name (then pk): `offset` rows
/// skipped, at most `limit` returned (`LIMIT`/`OFFSET` in SQL; values past `i64::MAX` are cut to it).
///
/// # Errors
/// Database errors.
pub async fn page_filtered(
    ex: impl Exec<'_>,
    backend: super::Backend,
    filter: &FlowFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<FlowRow>, DbError> {
    let (from, binds) = filter_sql(backend, filter);
    let sql = format!(
        "SELECT f.pk, f.slug, f.name, f.title, f.designation, f.authentication, f.open_enrollment {from} \
         ORDER BY f.slug, f.name, f.pk LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut q = sqlx::query_as::<_, FlowRow>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    q.bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// The stage bindings of the flows `flow_pks`, by flow pk then position (one statement; none for no
/// flows).
///
/// # Errors
/// Database errors.
pub async fn stage_bindings_of(
    ex: impl Exec<'_>,
    flow_pks: &[String],
) -> Result<Vec<StageBindingRow>, DbError> {
    if flow_pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT b.flow_pk, b.stage_pk FROM flow_stage_bindings b WHERE b.flow_pk IN ({}) ORDER BY b.flow_pk, b.position",
        super::db::placeholders(1, flow_pks.len())
    );
    let mut q = sqlx::query_as::<_, StageBindingRow>(&sql);
    for pk in flow_pks {
        q = q.bind(pk);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// The slug of flow `pk`.
///
/// # Errors
/// Database errors; [`crate::store::Error::NotFound`] when there is no such flow.
pub async fn slug_by_pk(ex: impl super::Exec<'_>, pk: &str) -> Result<String, super::DbError> {
    sqlx::query_scalar("SELECT slug FROM flows WHERE pk = $1")
        .bind(pk)
        .fetch_one(ex)
        .await
        .map_err(DbError::from)
}

/// `pk` when a flow with that pk exists (an invitation draft's flow, checked).
///
/// # Errors
/// Database errors.
pub async fn existing_flow_pk(
    ex: impl super::Exec<'_>,
    pk: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar("SELECT pk FROM flows WHERE pk = $1")
        .bind(pk)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// Locks flow `pk`'s row for the rest of the transaction (a no-op update: PostgreSQL takes the row lock,
/// SQLite's `BEGIN IMMEDIATE` already holds the write lock), so two instances starting together cannot
/// both rewrite its bindings. Returns the rows locked (0: no such flow).
///
/// # Errors
/// Database errors.
pub async fn lock_flow(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query("UPDATE flows SET slug = slug WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// How many policies are bound to stage `stage_pk` within flow `flow_pk`.
///
/// # Errors
/// Database errors.
pub async fn stage_policy_count(
    ex: impl Exec<'_>,
    flow_pk: &str,
    stage_pk: &str,
) -> Result<i64, DbError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM policy_bindings WHERE flow_pk = $1 AND stage_pk = $2")
        .bind(flow_pk)
        .bind(stage_pk)
        .fetch_one(ex)
        .await
        .map_err(DbError::from)
}

/// Deletes the stage named `name` when no flow binds it and no policy is bound to it; returns the rows
/// deleted (0 or 1).
///
/// # Errors
/// Database errors.
pub async fn delete_stage_if_unbound(ex: impl Exec<'_>, name: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "DELETE FROM stages WHERE name = $1
           AND NOT EXISTS (SELECT 1 FROM flow_stage_bindings b WHERE b.stage_pk = stages.pk)
           AND NOT EXISTS (SELECT 1 FROM policy_bindings p WHERE p.stage_pk = stages.pk)",
    )
    .bind(name)
    .execute(ex)
    .await?
    .rows_affected())
}
