//! Storage of users.

// --- added by store-h3 ---

/// The pk of the user with this username, if any (exact match).
///
/// # Errors
/// Database errors.
pub async fn user_pk_by_username(
    ex: impl super::Exec<'_>,
    username: &str,
) -> Result<Option<i64>, super::DbError> {
    sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(ex)
        .await
}
