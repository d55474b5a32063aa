//! API tokens: create (the secret is returned once, only its BLAKE2b hash is stored), list, revoke, and
//! authenticate a `Bearer` secret. Rules in [`crate::domain::token`].

use super::audit::{model_context, record};
use super::error::{Entity, Error, Problem};
use super::{time, Db};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::token::{
    token_status, validate_identifier, TokenDraft, TokenStatus, PREFIX_LEN, SECRET_LEN,
};
use crate::store::db::new_uuid;
use crate::store::{is_unique_violation, tokens, users};

fn hash_secret(secret: &str) -> String {
    super::hashing::secret_digest("usher-api-token", &[secret])
}

fn new_secret() -> String {
    use rand::{distributions::Alphanumeric, Rng};
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
}

/// An API token as stored (never its secret), with its status at the moment it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// UUID.
    pub pk: String,
    /// Unique identifier (a slug).
    pub identifier: String,
    /// Owner's username.
    pub username: String,
    /// Whether the owner is a superuser (only their tokens manage invitations).
    pub superuser: bool,
    /// The secret's first characters, to tell tokens apart.
    pub key_prefix: String,
    /// Free text.
    pub description: String,
    /// Creation time, UTC Unix seconds.
    pub created: i64,
    /// Expiry, UTC Unix seconds; `None` = never.
    pub expires: Option<i64>,
    /// Active, expired or revoked, at the time of reading.
    pub status: TokenStatus,
}

/// A token just created, with its secret: the only time the secret is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedToken {
    /// The stored token.
    pub token: Token,
    /// The secret for `Authorization: Bearer …`; only its hash is kept.
    pub secret: String,
}

fn token_of(r: tokens::ApiTokenRow, now: i64) -> Token {
    Token {
        status: token_status(r.expires, r.revoked_at.is_some(), now),
        pk: r.pk,
        identifier: r.identifier,
        username: r.username,
        superuser: r.is_superuser,
        key_prefix: r.key_prefix,
        description: r.description,
        created: r.created,
        expires: r.expires,
    }
}

/// Creates a token for `draft.username`. Returns it with its secret, which is not stored.
///
/// # Errors
/// [`Error::Invalid`] on `username` (no such user), `identifier` (invalid or taken), `expires`
/// (not in the future); database errors. Nothing is written on error.
pub async fn create(db: &Db, who: &Who, draft: &TokenDraft) -> Result<CreatedToken, Error> {
    let now = time::now();
    let mut errors = Vec::new();
    let identifier = validate_identifier(&draft.identifier)
        .map_err(|e| errors.push(("identifier".to_owned(), Problem::Identifier(e))))
        .ok();
    let user = users::pk_by_username(&db.pool, draft.username.trim()).await?;
    if user.is_none() {
        errors.push((
            "username".into(),
            Problem::NoSuchUser(draft.username.trim().to_owned()),
        ));
    }
    let expires = match draft.expires {
        Some(t) if t <= now => {
            errors.push(("expires".into(), Problem::NotInFuture));
            None
        }
        expires => expires,
    };
    if let Some(id) = &identifier {
        if tokens::pk_by_identifier(&db.pool, id).await?.is_some() {
            errors.push(("identifier".into(), Problem::Taken(Entity::Token)));
        }
    }
    let (Some(identifier), Some(user_pk), true) = (identifier, user, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let (pk, secret) = (new_uuid(), new_secret());
    let taken = || Error::field("identifier", Problem::Taken(Entity::Token));
    let mut tx = db.begin().await?;
    tokens::insert(
        &mut *tx,
        &tokens::NewApiToken {
            pk: &pk,
            identifier: &identifier,
            user_pk,
            key_hash: &hash_secret(&secret),
            key_prefix: &secret[..PREFIX_LEN],
            description: draft.description.trim(),
            created: now,
            expires,
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            Error::from(e)
        }
    })?;
    record(
        &mut *tx,
        who.event(
            Action::ModelCreated,
            Model::Token,
            &pk,
            serde_json::json!({
                "model": model_context(Model::Token, &pk, &identifier),
                "fields": {
                    "identifier": identifier,
                    "user": draft.username.trim(),
                    "expires": expires,
                    "description": draft.description.trim(),
                },
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    let row = tokens::get(&db.pool, &pk).await?;
    Ok(CreatedToken {
        token: token_of(row, now),
        secret,
    })
}

/// Every token, newest first, with its status now.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db) -> Result<Vec<Token>, Error> {
    let now = time::now();
    let rows = tokens::list(&db.pool).await?;
    Ok(rows.into_iter().map(|r| token_of(r, now)).collect())
}

/// Revokes a token at once (kept, marked revoked), with its event, in one transaction. Revoking a
/// revoked token changes nothing and records nothing.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn revoke(db: &Db, who: &Who, pk: &str) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    if tokens::revoke(&mut *tx, pk, time::now()).await? == 1 {
        let row = tokens::get(&mut *tx, pk).await?;
        record(
            &mut *tx,
            who.event(
                Action::ModelUpdated,
                Model::Token,
                pk,
                serde_json::json!({
                    "model": model_context(Model::Token, pk, &row.identifier),
                    "diff": {"revoked": {"old": false, "new": true}},
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    if tokens::exists(&mut *tx, pk).await? {
        Ok(())
    } else {
        Err(Error::NotFound(Entity::Token))
    }
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
) -> Result<Result<ApiPrincipal, TokenError>, Error> {
    let Some(row) = tokens::principal_by_key_hash(&db.pool, &hash_secret(secret)).await? else {
        return Ok(Err(TokenError::Invalid));
    };
    Ok(
        match token_status(row.expires, row.revoked_at.is_some(), now) {
            TokenStatus::Revoked => Err(TokenError::Revoked),
            TokenStatus::Expired => Err(TokenError::Expired),
            TokenStatus::Active if !row.is_active => Err(TokenError::InactiveUser),
            TokenStatus::Active => Ok(ApiPrincipal {
                token_pk: row.token_pk,
                user_pk: row.user_pk,
                username: row.username,
                is_superuser: row.is_superuser,
            }),
        },
    )
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
