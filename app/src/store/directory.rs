//! Storage of directory.

// --- added by store-h2 ---

/// The pk of the directory group named `name` (exact match), if any.
///
/// # Errors
/// Database errors.
pub async fn group_pk_by_name(
    ex: impl super::Exec<'_>,
    name: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar("SELECT pk FROM directory_groups WHERE name = $1")
        .bind(name)
        .fetch_optional(ex)
        .await
}
