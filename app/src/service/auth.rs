//! Passwords (argon2id, PHC strings) and the session's signed-in user.
//!
//! Sessions are tower-sessions sessions; the signed-in user's pk is stored under [`USER_KEY`]. Signing in
//! cycles the session id (session-fixation defence).

use super::users::load_current_user;
use super::{time, Db};
use crate::error::{AppError, Context};
use crate::model::CurrentUser;
use crate::store::users;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tower_sessions::Session;

/// A BLAKE2b-512 digest, hex, of `purpose` and `parts`, each followed by a NUL: for secrets with enough
/// entropy of their own (API tokens) or guarded by attempt limits (verification codes), where a slow
/// password hash would buy nothing. The purpose keeps digests of one kind from matching another.
pub fn secret_digest(purpose: &str, parts: &[&str]) -> String {
    use blake2::{Blake2b512, Digest};
    let mut d = Blake2b512::new().chain_update(purpose).chain_update(b"\0");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            d.update(b"\0");
        }
        d.update(p);
    }
    d.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Session key of the signed-in user's pk (i64).
pub const USER_KEY: &str = "user_pk";

/// A PHC string that never verifies, used to spend the same time when the user does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4f3TMv0D1OQm0CCSmSSiSRXaO/0kGRcBvS8BRmXLjKk";

/// At most this many argon2 computations run at once per CPU: each takes 19 MiB and a core, so a burst of
/// sign-ups or guesses waits its turn instead of starting hundreds of threads (memory and CPU exhaustion).
const HASHES_PER_CPU: usize = 2;

/// A permit to run one argon2 computation (see [`HASHES_PER_CPU`]).
async fn hashing_permit() -> tokio::sync::SemaphorePermit<'static> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let sem = PERMITS.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cpus * HASHES_PER_CPU)
    });
    sem.acquire()
        .await
        .expect("the hashing semaphore is never closed")
}

/// Hashes a password with argon2id (default parameters: m=19456 KiB, t=2, p=1) on a blocking thread,
/// a bounded number at a time.
///
/// # Errors
/// [`AppError::Internal`] if hashing fails.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _permit = hashing_permit().await;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .context("joining the password hashing task")?
    .context("hashing a password")
}

/// Verifies a password against a PHC string on a blocking thread, a bounded number at a time. Malformed
/// hashes do not verify.
pub async fn verify_password(password: String, phc: String) -> bool {
    let _permit = hashing_permit().await;
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Checks a username and password; returns the active user's pk.
///
/// # Errors
/// [`AppError::InvalidCredentials`] for an unknown user, a wrong password or an inactive account (one
/// message for all, so accounts cannot be probed); database errors.
#[tracing::instrument(name = "auth.authenticate", skip_all)]
pub async fn authenticate(db: &Db, username: &str, password: &str) -> Result<i64, AppError> {
    match users::credentials_by_username(&db.pool, username.trim()).await? {
        Some(u) => {
            let ok = verify_password(password.to_owned(), u.password).await;
            if ok && u.is_active {
                Ok(u.pk)
            } else {
                Err(AppError::InvalidCredentials)
            }
        }
        None => {
            let _ = verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Signs a user in: new session id, user pk stored, `last_login` updated.
///
/// # Errors
/// Session store or database errors.
pub async fn sign_in(db: &Db, session: &Session, user_pk: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_err)?;
    session
        .insert(USER_KEY, user_pk)
        .await
        .map_err(session_err)?;
    users::set_last_login(&db.pool, user_pk, time::now()).await?;
    Ok(())
}

/// Signs out: the session is deleted.
///
/// # Errors
/// Session store errors.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_err)
}

/// The signed-in, active user, if any.
///
/// # Errors
/// Session store or database errors.
pub async fn current_user(db: &Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let pk: Option<i64> = session.get(USER_KEY).await.map_err(session_err)?;
    match pk {
        Some(pk) => load_current_user(db, pk).await,
        None => Ok(None),
    }
}

/// The signed-in user, or [`AppError::Unauthenticated`].
///
/// # Errors
/// As described; session store or database errors.
pub async fn require_user(db: &Db, session: &Session) -> Result<CurrentUser, AppError> {
    current_user(db, session)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The signed-in superuser: [`AppError::Unauthenticated`] when anonymous, [`AppError::Forbidden`] when not
/// a superuser.
///
/// # Errors
/// As described; session store or database errors.
pub async fn require_admin(db: &Db, session: &Session) -> Result<CurrentUser, AppError> {
    let user = require_user(db, session).await?;
    if user.is_superuser {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Where signed-in user `user_pk` lands after `arrival` ([`crate::domain::landing::landing`]); the
/// default application is read only for external users.
///
/// # Errors
/// Database errors; [`AppError::Unauthenticated`] when the user no longer exists.
pub async fn landing(
    db: &Db,
    config: &super::Config,
    user_pk: i64,
    arrival: crate::domain::landing::Arrival<'_>,
) -> Result<String, AppError> {
    use crate::domain::flow::UserType;
    use crate::domain::landing::{landing, Arriving};
    let user = super::users::load_current_user(db, user_pk)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let app = match user.user_type {
        UserType::External => super::brands::default_application(db, config).await?,
        UserType::Internal => None,
    };
    Ok(landing(
        arrival,
        Arriving {
            is_superuser: user.is_superuser,
            user_type: user.user_type,
            default_app: app.as_deref(),
        },
    ))
}

fn session_err(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

#[cfg(test)]
mod digest_tests {
    use super::secret_digest;

    #[test]
    fn secret_digests_separate_purposes_and_parts() {
        assert_eq!(secret_digest("a", &["x"]).len(), 128);
        assert_ne!(secret_digest("a", &["x"]), secret_digest("b", &["x"]));
        assert_ne!(secret_digest("a", &["x", "y"]), secret_digest("a", &["xy"]));
        assert_eq!(
            secret_digest("a", &["x", "y"]),
            secret_digest("a", &["x", "y"])
        );
    }
}
