//! API tokens: create (the secret is returned once, only its BLAKE2b hash is stored), list, revoke, and
//! authenticate a `Bearer` secret. Rules in [`crate::domain::token`].

use super::{db::new_uuid, time, Db};
use crate::domain::token::{
    token_status, validate_identifier, TokenStatus, PREFIX_LEN, SECRET_LEN,
};
use crate::error::AppError;
use crate::model::{NewToken, TokenForm, TokenRow};

fn hash_secret(secret: &str) -> String {
    super::auth::secret_digest("usher-api-token", &[secret])
}

fn new_secret() -> String {
    use rand::{distributions::Alphanumeric, Rng};
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
}

type Row = (
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

const SELECT: &str = "SELECT t.pk, t.identifier, u.username, u.is_superuser, t.key_prefix, t.description, t.created, t.expires, t.revoked_at
    FROM api_tokens t JOIN users u ON u.pk = t.user_pk";

fn to_row(r: Row, now: i64) -> TokenRow {
    let (pk, identifier, username, superuser, key_prefix, description, created, expires, revoked) =
        r;
    TokenRow {
        pk,
        identifier,
        username,
        superuser: superuser != 0,
        key_prefix,
        description,
        created_display: time::format_absolute(created),
        expires_display: time::format_expiry(expires, now),
        status: token_status(expires, revoked.is_some(), now)
            .as_str()
            .to_owned(),
    }
}

/// Creates a token for `form.username`. Returns it with its secret, which is not stored.
///
/// # Errors
/// [`AppError::Validation`] on `username` (no such user), `identifier` (invalid or taken), `expires`
/// (unreadable or not in the future); database errors. Nothing is written on error.
pub async fn create(db: &Db, form: &TokenForm) -> Result<NewToken, AppError> {
    let now = time::now();
    let mut errors = Vec::new();
    let identifier = validate_identifier(&form.identifier)
        .map_err(|e| errors.push(("identifier".to_owned(), e)))
        .ok();
    let user: Option<i64> = sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(form.username.trim())
        .fetch_optional(&db.pool)
        .await?;
    if user.is_none() {
        errors.push((
            "username".into(),
            format!("No user is named '{}'.", form.username.trim()),
        ));
    }
    let expires = match form.expires.trim() {
        "" => None,
        raw => match time::parse_input(raw) {
            Ok(t) if t > now => Some(t),
            Ok(_) => {
                errors.push(("expires".into(), "Expiry must be in the future.".into()));
                None
            }
            Err(e) => {
                errors.push(("expires".into(), e));
                None
            }
        },
    };
    if let Some(id) = &identifier {
        let taken: Option<String> =
            sqlx::query_scalar("SELECT pk FROM api_tokens WHERE identifier = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?;
        if taken.is_some() {
            errors.push((
                "identifier".into(),
                "A token with this identifier exists.".into(),
            ));
        }
    }
    let (Some(identifier), Some(user_pk), true) = (identifier, user, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let (pk, secret) = (new_uuid(), new_secret());
    sqlx::query(
        "INSERT INTO api_tokens (pk, identifier, user_pk, key_hash, key_prefix, description, created, expires)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&pk)
    .bind(&identifier)
    .bind(user_pk)
    .bind(hash_secret(&secret))
    .bind(&secret[..PREFIX_LEN])
    .bind(form.description.trim())
    .bind(now)
    .bind(expires)
    .execute(&db.pool)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => AppError::field("identifier", "A token with this identifier exists."),
        e => AppError::from(e),
    })?;
    let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE t.pk = $1"))
        .bind(&pk)
        .fetch_one(&db.pool)
        .await?;
    Ok(NewToken {
        token: to_row(row, now),
        secret,
    })
}

/// Every token, newest first.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db) -> Result<Vec<TokenRow>, AppError> {
    let now = time::now();
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} ORDER BY t.created DESC, t.identifier"))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|r| to_row(r, now)).collect())
}

/// Revokes a token at once (kept, marked revoked).
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
pub async fn revoke(db: &Db, pk: &str) -> Result<(), AppError> {
    let n =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE pk = $2 AND revoked_at IS NULL")
            .bind(time::now())
            .bind(pk)
            .execute(&db.pool)
            .await?
            .rows_affected();
    if n == 1 {
        return Ok(());
    }
    let exists: Option<String> = sqlx::query_scalar("SELECT pk FROM api_tokens WHERE pk = $1")
        .bind(pk)
        .fetch_optional(&db.pool)
        .await?;
    exists
        .map(|_| ())
        .ok_or_else(|| AppError::NotFound("This token does not exist.".into()))
}

/// Who a valid token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPrincipal {
    /// The token's pk.
    pub token_pk: String,
    /// The owner's pk.
    pub user_pk: i64,
    /// The owner's username.
    pub username: String,
    /// Whether the owner is a superuser.
    pub is_superuser: bool,
}

/// Why a secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// No token has this secret.
    Invalid,
    /// The token expired.
    Expired,
    /// The token was revoked.
    Revoked,
    /// The owner is deactivated.
    InactiveUser,
}

/// Finds the token whose secret this is and checks it at `now` (UTC Unix seconds). Changes nothing.
///
/// # Errors
/// `Ok(Err(TokenError))` when refused; `Err` for database errors.
pub async fn authenticate(
    db: &Db,
    secret: &str,
    now: i64,
) -> Result<Result<ApiPrincipal, TokenError>, AppError> {
    let row: Option<(String, i64, String, i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT t.pk, u.pk, u.username, u.is_superuser, u.is_active, t.expires, t.revoked_at
         FROM api_tokens t JOIN users u ON u.pk = t.user_pk WHERE t.key_hash = $1",
    )
    .bind(hash_secret(secret))
    .fetch_optional(&db.pool)
    .await?;
    let Some((token_pk, user_pk, username, superuser, active, expires, revoked)) = row else {
        return Ok(Err(TokenError::Invalid));
    };
    Ok(match token_status(expires, revoked.is_some(), now) {
        TokenStatus::Revoked => Err(TokenError::Revoked),
        TokenStatus::Expired => Err(TokenError::Expired),
        TokenStatus::Active if active == 0 => Err(TokenError::InactiveUser),
        TokenStatus::Active => Ok(ApiPrincipal {
            token_pk,
            user_pk,
            username,
            is_superuser: superuser != 0,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_alphanumeric_and_hashed_distinctly() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), SECRET_LEN);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        assert_ne!(hash_secret(&a), hash_secret(&b));
        assert_eq!(hash_secret(&a), hash_secret(&a));
    }
}
