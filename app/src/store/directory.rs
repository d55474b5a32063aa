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

// --- added by store-h1 ---

/// The pk of the directory role given by pk or by name (a pk match wins over a name match), if any.
///
/// # Errors
/// Database errors.
pub async fn role_pk_by_pk_or_name(
    ex: impl super::Exec<'_>,
    pk_or_name: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar(
        "SELECT pk FROM directory_roles WHERE pk = $1 OR name = $1 ORDER BY CASE WHEN pk = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(pk_or_name)
    .fetch_optional(ex)
    .await
}

/// The pk of the directory group given by pk or by name (a pk match wins over a name match), if any.
///
/// # Errors
/// Database errors.
pub async fn group_pk_by_pk_or_name(
    ex: impl super::Exec<'_>,
    pk_or_name: &str,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar(
        "SELECT pk FROM directory_groups WHERE pk = $1 OR name = $1 ORDER BY CASE WHEN pk = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(pk_or_name)
    .fetch_optional(ex)
    .await
}
