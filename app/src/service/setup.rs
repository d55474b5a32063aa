//! First-start set-up: a one-time `/setup?token=…` link that creates the first admin in the browser, and
//! the instance secret key.

use super::error::{Entity, Error};
use super::users::{insert_user, superuser_exists, superuser_from_input};
use super::Db;
use crate::domain::user::PasswordRules;
use crate::store::db::new_uuid;
use crate::store::settings::{delete_setting, delete_setting_if, get_setting, put_setting};

const SETUP_TOKEN: &str = "setup_token";
const SECRET_KEY: &str = "secret_key";

/// What the settings keep of a set-up token: its BLAKE2b-512 digest, hex (a random UUID, so the
/// digest of a copied database is no working link).
fn setup_digest(token: &str) -> String {
    super::hashing::secret_digest("usher-setup-token", &[token])
}

/// With no superuser, makes a fresh set-up token (replacing any earlier one), stores its digest and
/// returns it; with one, removes any token and returns `None`.
///
/// # Errors
/// Database errors.
pub async fn prepare_setup_token(db: &Db) -> Result<Option<String>, Error> {
    if superuser_exists(db).await? {
        delete_setting(db, SETUP_TOKEN).await?;
        return Ok(None);
    }
    let token = new_uuid();
    put_setting(db, SETUP_TOKEN, &setup_digest(&token)).await?;
    Ok(Some(token))
}

/// Whether `token` is the current set-up token and no superuser exists yet.
///
/// # Errors
/// Database errors.
pub async fn setup_token_valid(db: &Db, token: &str) -> Result<bool, Error> {
    if superuser_exists(db).await? {
        return Ok(false);
    }
    Ok(get_setting(db, SETUP_TOKEN)
        .await?
        .is_some_and(|t| !token.is_empty() && t == setup_digest(token)))
}

/// What the set-up page's form gives: the first admin's username, email and password, twice.
#[derive(Debug, Clone, Copy)]
pub struct FirstAdmin<'a> {
    /// Username.
    pub username: &'a str,
    /// Email address.
    pub email: &'a str,
    /// Password.
    pub password: &'a str,
    /// The password again.
    pub password_repeat: &'a str,
}

/// Creates the first admin with the set-up token, which is then gone; the new admin, from `client_ip`,
/// is the actor of its `model_created` event. One transaction: the token is
/// deleted by a conditional delete, so two racing submissions cannot both succeed.
///
/// # Errors
/// [`Error::NotFound`] when the token is wrong, used, or an admin exists; [`Error::Invalid`] for
/// bad input; database errors.
pub async fn complete_setup(
    db: &Db,
    token: &str,
    admin: &FirstAdmin<'_>,
    rules: &PasswordRules,
    client_ip: &str,
) -> Result<i64, Error> {
    let gone = || Error::NotFound(Entity::SetupLink);
    if !setup_token_valid(db, token).await? {
        return Err(gone());
    }
    let user = superuser_from_input(
        admin.username,
        admin.email,
        admin.password,
        admin.password_repeat,
        rules,
    )
    .await?;
    let mut tx = db.begin().await?;
    let deleted = delete_setting_if(&mut *tx, SETUP_TOKEN, &setup_digest(token)).await?;
    if deleted != 1 {
        return Err(gone());
    }
    let pk = insert_user(&mut tx, &user).await?;
    super::users::record_enrolled(&mut tx, pk, &user, client_ip).await?;
    tx.commit().await?;
    Ok(pk)
}

/// The instance secret key: `configured` (from `USHER_SECRET_KEY`) when given, else the stored one, else a
/// new random 256-bit key (hex) that is stored for the next start.
///
/// # Errors
/// Database errors.
pub async fn ensure_secret_key(db: &Db, configured: Option<String>) -> Result<String, Error> {
    if let Some(k) = configured.filter(|k| !k.is_empty()) {
        return Ok(k);
    }
    if let Some(k) = get_setting(db, SECRET_KEY).await? {
        return Ok(k);
    }
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    put_setting(db, SECRET_KEY, &key).await?;
    Ok(key)
}
