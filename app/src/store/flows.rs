//! Storage of flows.

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
