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
