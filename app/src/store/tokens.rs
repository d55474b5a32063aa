//! The `api_tokens` table: API tokens, stored by the BLAKE2b hash of their secret (the secret itself is
//! never stored). Times (`created`, `expires`, `revoked_at`) are UTC Unix seconds.

use super::{DbError, Exec, Flag};

/// A token as the admin pages list it, with its owner's username.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRow {
    /// The token's pk (UUID text).
    pub pk: String,
    /// The token's unique identifier.
    pub identifier: String,
    /// The owner's username.
    pub username: String,
    /// Whether the owner is a superuser.
    #[sqlx(try_from = "Flag")]
    pub is_superuser: bool,
    /// The first characters of the secret, to recognise it.
    pub key_prefix: String,
    /// Free text.
    pub description: String,
    /// When it was created.
    pub created: i64,
    /// When it expires; `None` for never.
    pub expires: Option<i64>,
    /// When it was revoked; `None` while not revoked.
    pub revoked_at: Option<i64>,
}

/// Token `pk` with its owner's username.
///
/// # Errors
/// Database errors; [`crate::store::Error::NotFound`] when there is no such token.
pub async fn get(ex: impl Exec<'_>, pk: &str) -> Result<ApiTokenRow, DbError> {
    sqlx::query_as(
        "SELECT t.pk, t.identifier, u.username, u.is_superuser, t.key_prefix, t.description, t.created, t.expires, t.revoked_at
         FROM api_tokens t JOIN users u ON u.pk = t.user_pk WHERE t.pk = $1",
    )
    .bind(pk)
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// Every token with its owner's username, newest first (then by identifier).
///
/// # Errors
/// Database errors.
pub async fn list(ex: impl Exec<'_>) -> Result<Vec<ApiTokenRow>, DbError> {
    sqlx::query_as(
        "SELECT t.pk, t.identifier, u.username, u.is_superuser, t.key_prefix, t.description, t.created, t.expires, t.revoked_at
         FROM api_tokens t JOIN users u ON u.pk = t.user_pk ORDER BY t.created DESC, t.identifier",
    )
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// The pk of the token with this identifier, if any.
///
/// # Errors
/// Database errors.
pub async fn pk_by_identifier(
    ex: impl Exec<'_>,
    identifier: &str,
) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT pk FROM api_tokens WHERE identifier = $1")
        .bind(identifier)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// A token to insert (see [`insert`]).
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    /// The token's pk (UUID text).
    pub pk: &'a str,
    /// The token's unique identifier.
    pub identifier: &'a str,
    /// The owner's pk.
    pub user_pk: i64,
    /// The hash of the secret (hex).
    pub key_hash: &'a str,
    /// The first characters of the secret.
    pub key_prefix: &'a str,
    /// Free text.
    pub description: &'a str,
    /// When it is created.
    pub created: i64,
    /// When it expires; `None` for never.
    pub expires: Option<i64>,
}

/// Inserts a token.
///
/// # Errors
/// Database errors; a unique violation (see [`super::is_unique_violation`]) when the identifier is taken.
pub async fn insert(ex: impl Exec<'_>, t: &NewApiToken<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO api_tokens (pk, identifier, user_pk, key_hash, key_prefix, description, created, expires)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(t.pk)
    .bind(t.identifier)
    .bind(t.user_pk)
    .bind(t.key_hash)
    .bind(t.key_prefix)
    .bind(t.description)
    .bind(t.created)
    .bind(t.expires)
    .execute(ex)
    .await?;
    Ok(())
}

/// Revokes token `pk` at `at` unless it is revoked already; returns the number of rows changed (0 when
/// it is unknown or already revoked).
///
/// # Errors
/// Database errors.
pub async fn revoke(ex: impl Exec<'_>, pk: &str, at: i64) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE pk = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(pk)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Whether token `pk` exists (revoked or not).
///
/// # Errors
/// Database errors.
pub async fn exists(ex: impl Exec<'_>, pk: &str) -> Result<bool, DbError> {
    let found: Option<String> = sqlx::query_scalar("SELECT pk FROM api_tokens WHERE pk = $1")
        .bind(pk)
        .fetch_optional(ex)
        .await?;
    Ok(found.is_some())
}

/// What authenticating a secret needs: the token and its owner.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PrincipalRow {
    /// The token's pk.
    pub token_pk: String,
    /// The owner's pk.
    pub user_pk: i64,
    /// The owner's username.
    pub username: String,
    /// Whether the owner is a superuser.
    #[sqlx(try_from = "Flag")]
    pub is_superuser: bool,
    /// Whether the owner is active.
    #[sqlx(try_from = "Flag")]
    pub is_active: bool,
    /// When the token expires; `None` for never.
    pub expires: Option<i64>,
    /// When the token was revoked; `None` while not revoked.
    pub revoked_at: Option<i64>,
}

/// The token whose secret hashes to `key_hash`, with its owner, if any.
///
/// # Errors
/// Database errors.
pub async fn principal_by_key_hash(
    ex: impl Exec<'_>,
    key_hash: &str,
) -> Result<Option<PrincipalRow>, DbError> {
    sqlx::query_as(
        "SELECT t.pk AS token_pk, u.pk AS user_pk, u.username, u.is_superuser, u.is_active, t.expires, t.revoked_at
         FROM api_tokens t JOIN users u ON u.pk = t.user_pk WHERE t.key_hash = $1",
    )
    .bind(key_hash)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}
