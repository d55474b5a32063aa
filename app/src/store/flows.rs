//! Storage of flows.

// --- added by store-h2 ---

/// The slug of flow `pk`.
///
/// # Errors
/// Database errors; [`sqlx::Error::RowNotFound`] when there is no such flow.
pub async fn slug_by_pk(ex: impl super::Exec<'_>, pk: &str) -> Result<String, super::DbError> {
    sqlx::query_scalar("SELECT slug FROM flows WHERE pk = $1")
        .bind(pk)
        .fetch_one(ex)
        .await
}

// --- added by store-h1 ---

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
}

/// The pk of the flow with slug `slug`, if any.
///
/// # Errors
/// Database errors.
pub async fn flow_pk_by_slug(
    ex: impl super::Exec<'_>,
    slug: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar("SELECT pk FROM flows WHERE slug = $1")
        .bind(slug)
        .fetch_optional(ex)
        .await
}
