//! The session's signed-in user: sign-in with a password, its budgets, sign-out, and who is signed in.
//!
//! Sessions are tower-sessions sessions; the signed-in user's pk is stored under [`USER_KEY`]. Signing in
//! cycles the session id (session-fixation defence). Hashing lives in [`super::hashing`].

use super::error::Error;
use super::hashing::{verify_nothing, verify_password};
use super::users::load_current_user;
use super::{time, Db};
use crate::domain::user::CurrentUser;
use crate::store::users;
use tower_sessions::Session;

/// Session key of the signed-in user's pk (i64).
pub const USER_KEY: &str = "user_pk";

/// Checks a username and password; returns the active user's pk.
///
/// # Errors
/// [`Error::InvalidCredentials`] for an unknown user, a wrong password or an inactive account (one
/// message for all, so accounts cannot be probed); database errors.
#[tracing::instrument(name = "auth.authenticate", skip_all)]
pub async fn authenticate(db: &Db, username: &str, password: &str) -> Result<i64, Error> {
    check_credentials(
        users::credentials_by_username(&db.pool, username.trim()).await?,
        password,
    )
    .await
}

/// Checks `password` against the stored credentials of a user (`None`: no such user, checked against
/// the dummy hash all the same); returns the active user's pk.
///
/// # Errors
/// As [`authenticate`].
async fn check_credentials(
    creds: Option<users::CredentialsRow>,
    password: &str,
) -> Result<i64, Error> {
    match creds {
        Some(u) => {
            let ok = verify_password(password.to_owned(), u.password).await?;
            if ok && u.is_active {
                Ok(u.pk)
            } else {
                Err(Error::InvalidCredentials)
            }
        }
        None => {
            verify_nothing(password.to_owned()).await?;
            Err(Error::InvalidCredentials)
        }
    }
}

/// Checks a sign-in attempt from `client_ip` (the client address, as [`crate::api`] determined it; empty
/// for an in-process call) and returns the active user's pk. The username is length-checked before
/// anything is stored or hashed; the attempt is counted against the account's budget from the client's
/// network and the network's own ([`limits::LOGIN_PER_ACCOUNT_AND_NETWORK`], [`limits::LOGIN_PER_NETWORK`],
/// in the database, so every instance counts it); a success forgets the account's failures from that
/// network and takes its hit back from the network's budget. Nobody can lock an account out from
/// another network (issue 12 item 6).
///
/// # Errors
/// [`Error::InvalidCredentials`] (also for an over-long username);
/// [`Error::TooManyAttempts`] past either budget; [`Error::Busy`] when the hashing queue is
/// full; database errors.
#[tracing::instrument(name = "auth.password_sign_in", skip_all)]
pub async fn password_sign_in(
    db: &Db,
    username: &str,
    password: &str,
    client_ip: &str,
) -> Result<i64, Error> {
    use crate::domain::limits;
    use crate::service::limits as limit;
    if username.trim().chars().count() > crate::domain::user::USERNAME_MAX
        || password.len() > crate::domain::user::PASSWORD_MAX_BYTES
    {
        return Err(Error::InvalidCredentials);
    }
    let network = limits::network(client_ip);
    let key = crate::domain::user::username_key(username.trim());
    let account = limits::login_account_bucket(&key, &network);
    let shared = limits::login_network_bucket(&network);
    limit::take(db, &shared, limits::LOGIN_PER_NETWORK)
        .await?
        .map_err(Error::TooManyAttempts)?;
    let (verdict, first_refusal) =
        limit::take_noting_first_refusal(db, &account, limits::LOGIN_PER_ACCOUNT_AND_NETWORK)
            .await?;
    if let Err(wait) = verdict {
        if first_refusal {
            // The lockout of this account from this network, told once per window (issue 14 item 1).
            let pk = users::credentials_by_username(&db.pool, username.trim())
                .await?
                .map(|u| u.pk.to_string())
                .unwrap_or_default();
            super::audit::record(
                &db.pool,
                crate::domain::audit::Who {
                    actor: crate::domain::audit::Actor::User {
                        pk: pk.clone(),
                        name: username.trim().to_owned(),
                    },
                    client_ip: client_ip.to_owned(),
                }
                .event(
                    crate::domain::audit::Action::LoginLocked,
                    crate::domain::audit::Model::User,
                    &pk,
                    serde_json::json!({
                        "username": username.trim(),
                        "network": network,
                        "budget": limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max,
                        "window_secs": limits::LOGIN_PER_ACCOUNT_AND_NETWORK.window_secs,
                        "retry_after_secs": wait,
                    }),
                ),
            )
            .await?;
        }
        return Err(Error::TooManyAttempts(wait));
    }
    let creds = users::credentials_by_username(&db.pool, username.trim()).await?;
    // From a network this account never signed in from, the attempt also counts against the account's
    // budget for new networks (issue 35 item 5); an unknown name counts the same, so the budget says
    // nothing about which names exist.
    let known = match &creds {
        Some(u) => users::is_known_network(&db.pool, u.pk, &network).await?,
        None => false,
    };
    let new_networks = limits::login_new_networks_bucket(&key);
    if !known {
        let (verdict, first_refusal) = limit::take_noting_first_refusal(
            db,
            &new_networks,
            limits::LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS,
        )
        .await?;
        if let Err(wait) = verdict {
            if first_refusal {
                // A spike: told once per window, in the audit log (issue 35 item 5).
                super::audit::record(
                    &db.pool,
                    crate::domain::audit::NewEvent {
                        action: crate::domain::audit::Action::SuspiciousRequest,
                        actor: crate::domain::audit::Actor::User {
                            pk: creds.as_ref().map(|u| u.pk.to_string()).unwrap_or_default(),
                            name: username.trim().to_owned(),
                        },
                        client_ip: client_ip.to_owned(),
                        model: "user",
                        object_pk: creds.as_ref().map(|u| u.pk.to_string()).unwrap_or_default(),
                        context: serde_json::json!({
                            "reason": "sign-in failures from networks this account never signed in from went past their budget; new networks are refused until the window ends, known networks still sign in",
                            "budget": limits::LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS.max,
                            "window_secs": limits::LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS.window_secs,
                            "retry_after_secs": wait,
                        }),
                    },
                )
                .await?;
            }
            return Err(Error::TooManyAttempts(wait));
        }
    }
    let account_pk = creds.as_ref().map(|u| u.pk);
    let pk = match check_credentials(creds, password).await {
        Ok(pk) => pk,
        Err(Error::InvalidCredentials) => {
            // authentik's `login_failed`: the name as typed (never the password), and the account
            // it names when there is one.
            let (pk_text, name) = (
                account_pk.map(|p| p.to_string()).unwrap_or_default(),
                username.trim(),
            );
            super::audit::record(
                &db.pool,
                crate::domain::audit::Who {
                    actor: crate::domain::audit::Actor::User {
                        pk: pk_text.clone(),
                        name: name.to_owned(),
                    },
                    client_ip: client_ip.to_owned(),
                }
                .event(
                    crate::domain::audit::Action::LoginFailed,
                    crate::domain::audit::Model::User,
                    &pk_text,
                    serde_json::json!({"username": name}),
                ),
            )
            .await?;
            return Err(Error::InvalidCredentials);
        }
        Err(e) => return Err(e),
    };
    limit::clear(db, &account).await?;
    limit::give_back(db, &shared).await?;
    if !known {
        limit::give_back(db, &new_networks).await?;
        users::remember_network(&db.pool, pk, &network, time::now()).await?;
    }
    Ok(pk)
}

/// Signs a user in: new session id, user pk stored, `last_login` updated.
///
/// # Errors
/// Session store or database errors.
pub async fn sign_in(db: &Db, session: &Session, user_pk: i64) -> Result<(), Error> {
    open_session(session, user_pk).await?;
    users::set_last_login(&db.pool, user_pk, time::now()).await?;
    Ok(())
}

/// Signs in an account whose `last_login` was written as it was created (an enrollment's
/// `user_write`): new session id, user pk stored, nothing else written.
///
/// # Errors
/// Session store errors.
pub async fn open_session(session: &Session, user_pk: i64) -> Result<(), Error> {
    session.cycle_id().await.map_err(session_err)?;
    expire_idle_after(session, SESSION_IDLE_SECS);
    session.insert(USER_KEY, user_pk).await.map_err(session_err)
}

/// How long a signed-in session lives after its last change, seconds (14 days).
pub const SESSION_IDLE_SECS: i64 = 14 * 86_400;

/// Makes `session` expire `secs` seconds after its last change (stored and in the cookie).
pub fn expire_idle_after(session: &Session, secs: i64) {
    session.set_expiry(Some(tower_sessions::Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::seconds(secs),
    )));
}

/// Signs out: the session is deleted.
///
/// # Errors
/// Session store errors.
pub async fn sign_out(session: &Session) -> Result<(), Error> {
    session.flush().await.map_err(session_err)
}

/// The signed-in, active user, if any.
///
/// # Errors
/// Session store or database errors.
pub async fn current_user(db: &Db, session: &Session) -> Result<Option<CurrentUser>, Error> {
    let pk: Option<i64> = session.get(USER_KEY).await.map_err(session_err)?;
    match pk {
        Some(pk) => Ok(load_current_user(db, pk).await?),
        None => Ok(None),
    }
}

/// The signed-in user, or [`Error::Unauthenticated`].
///
/// # Errors
/// As described; session store or database errors.
pub async fn require_user(db: &Db, session: &Session) -> Result<CurrentUser, Error> {
    current_user(db, session)
        .await?
        .ok_or(Error::Unauthenticated)
}

/// The signed-in superuser: [`Error::Unauthenticated`] when anonymous, [`Error::Forbidden`] when not
/// a superuser.
///
/// # Errors
/// As described; session store or database errors.
pub async fn require_admin(db: &Db, session: &Session) -> Result<CurrentUser, Error> {
    let user = require_user(db, session).await?;
    if user.is_superuser {
        Ok(user)
    } else {
        Err(Error::Forbidden)
    }
}

/// Where signed-in user `user_pk` lands after `arrival` ([`crate::domain::landing::landing`]); the
/// default application is read only for external users.
///
/// # Errors
/// Database errors; [`Error::Unauthenticated`] when the user no longer exists.
pub async fn landing(
    db: &Db,
    config: &super::Config,
    user_pk: i64,
    arrival: crate::domain::landing::Arrival<'_>,
) -> Result<String, Error> {
    let user = super::users::load_current_user(db, user_pk)
        .await?
        .ok_or(Error::Unauthenticated)?;
    landing_of(db, config, user.is_superuser, user.user_type, arrival).await
}

/// [`landing`] for a user whose superuser flag and type are known (an account just enrolled), without
/// reading the account.
///
/// # Errors
/// Database errors.
pub async fn landing_of(
    db: &Db,
    config: &super::Config,
    is_superuser: bool,
    user_type: crate::domain::flow::UserType,
    arrival: crate::domain::landing::Arrival<'_>,
) -> Result<String, Error> {
    use crate::domain::flow::UserType;
    use crate::domain::landing::{landing, Arriving};
    let app = match user_type {
        UserType::External => super::brands::default_application(db, config).await?,
        UserType::Internal => None,
    };
    Ok(landing(
        arrival,
        Arriving {
            is_superuser,
            user_type,
            default_app: app.as_deref(),
        },
    ))
}

fn session_err(e: tower_sessions::session::Error) -> Error {
    tracing::error!(error = %e, "session store error");
    Error::Internal
}
