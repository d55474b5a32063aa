//! Users: creation and the profile pages read.

use super::audit::{model_context, record};
use super::error::{AccountAction, Entity, Error, Problem, Refusal};
use super::{time, Db};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::email_rules::normalize_email;
use crate::domain::user::CurrentUser;
use crate::domain::user::{validate_new_password, validate_username, PasswordRules};
use crate::store::db::new_uuid;
use crate::store::{is_unique_violation, users, Tx};

pub use crate::domain::user::USERS_PAGE_SIZE;
pub use crate::store::users::NewUser;

/// A user as Directory → Users lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    /// Integer pk.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Internal or external.
    pub user_type: crate::domain::flow::UserType,
    /// Path.
    pub path: String,
    /// Active.
    pub is_active: bool,
    /// Superuser.
    pub is_superuser: bool,
    /// Group names.
    pub groups: Vec<String>,
    /// Role names.
    pub roles: Vec<String>,
    /// Last sign-in, UTC Unix seconds; `None` = never.
    pub last_login: Option<i64>,
    /// The invitation the account enrolled through, if any.
    pub enrolled_through: Option<EnrolledThrough>,
}

/// The invitation an account enrolled through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolledThrough {
    /// The invitation's name.
    pub name: String,
    /// Whether the invitation was deleted since.
    pub deleted: bool,
}

/// A path users have, and how many users have exactly it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathUsers {
    /// The path, e.g. `users/external`.
    pub path: String,
    /// The users whose path it is.
    pub users: u64,
}

fn username_taken() -> Error {
    Error::field("username", Problem::UsernameTaken)
}

/// Refuses `username` when an account holds it (or a name that reads like it), before any costly step:
/// enrollment checks it again right before hashing the password, so a plan whose account can no longer
/// be written (the name was taken since its prompt) never buys a hash (each post of it would cost one,
/// outside the enrollment budgets, which are taken when the password is typed).
///
/// # Errors
/// [`Error::Invalid`] on `username` ([`Problem::UsernameTaken`]); database errors.
pub async fn ensure_username_free(db: &Db, username: &str) -> Result<(), Error> {
    if users::username_taken(&db.pool, username).await? {
        return Err(username_taken());
    }
    Ok(())
}

/// Inserts a user inside a transaction and returns its pk.
///
/// # Errors
/// [`Error::Invalid`] on `username` ([`Problem::UsernameTaken`]) when it is taken; database errors.
pub async fn insert_user(tx: &mut Tx, u: &NewUser) -> Result<i64, Error> {
    if users::username_taken(&mut **tx, &u.username).await? {
        return Err(username_taken());
    }
    insert_checked_user(tx, u).await
}

/// Inserts a user whose name [`ensure_username_free`] found free a moment ago, inside a transaction, and
/// returns its pk: a name taken since (or one that reads like it) is refused by the unique keys on
/// `username`, `username_key` and `username_skeleton` (migration 0016), without a query of its own.
///
/// # Errors
/// [`Error::Invalid`] on `username` ([`Problem::UsernameTaken`]) when it is taken; database errors.
pub async fn insert_checked_user(tx: &mut Tx, u: &NewUser) -> Result<i64, Error> {
    let pk = users::insert(&mut **tx, u, &new_uuid(), time::now())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                username_taken()
            } else {
                Error::from(e)
            }
        })?;
    Ok(pk)
}

/// Stores the key and skeleton of every account created before they existed (migration 0016), so
/// those names are held too. An account whose key or skeleton another already holds keeps none (it still
/// signs in by its exact name) and is logged for the operator.
///
/// # Errors
/// Database errors other than such a clash.
pub async fn backfill_username_keys(db: &Db) -> Result<(), Error> {
    for (pk, username) in users::without_username_keys(&db.pool).await? {
        match users::set_username_keys(&db.pool, pk, &username).await {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => tracing::warn!(
                user_pk = pk,
                %username,
                "an existing username reads like another account's (case, width or look-alike letters); it keeps working but is not reserved"
            ),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Validates admin input (username, email, password twice) into a superuser to insert.
///
/// # Errors
/// [`Error::Invalid`] naming each bad field.
pub async fn superuser_from_input(
    username: &str,
    email: &str,
    password: &str,
    password_repeat: &str,
    rules: &PasswordRules,
) -> Result<NewUser, Error> {
    let mut errors = Vec::new();
    let username = validate_username(username)
        .map_err(|e| errors.push(("username".into(), Problem::Username(e))))
        .ok();
    let email = normalize_email(email)
        .ok_or(())
        .map_err(|_| errors.push(("email".into(), Problem::NotAValidAddress)))
        .ok();
    if let Err(e) = validate_new_password(
        password,
        password_repeat,
        rules.min_chars,
        &[
            username.as_deref().unwrap_or(""),
            email.as_deref().unwrap_or(""),
            &rules.brand,
        ],
    ) {
        errors.push(("password".into(), Problem::Password(e)));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let username = username.unwrap_or_default();
    Ok(NewUser {
        name: username.clone(),
        username,
        email: email.unwrap_or_default(),
        email_verified: false,
        password_hash: super::hashing::hash_password(password.to_owned()).await?,
        is_active: true,
        is_superuser: true,
        user_type: crate::domain::flow::UserType::Internal,
        path: "users".into(),
        attributes: "{}".into(),
        last_login: None,
    })
}

/// Creates a superuser (the `usher create-admin` command).
///
/// # Errors
/// [`Error::Invalid`] for bad input or a taken username; database errors.
pub async fn create_admin(
    db: &Db,
    username: &str,
    email: &str,
    password: &str,
    rules: &PasswordRules,
) -> Result<i64, Error> {
    let user = superuser_from_input(username, email, password, password, rules).await?;
    let mut tx = db.begin().await?;
    let pk = insert_user(&mut tx, &user).await?;
    record_created(&mut tx, &Who::system(), pk, &user).await?;
    tx.commit().await?;
    Ok(pk)
}

/// Records the creation of account `pk` (`model_created`, with its username, email, type and path; never
/// its password) by `who`, inside the transaction that inserted it.
///
/// # Errors
/// Database errors.
pub async fn record_created(tx: &mut Tx, who: &Who, pk: i64, u: &NewUser) -> Result<(), Error> {
    let pk_text = pk.to_string();
    record(
        &mut **tx,
        who.event(
            Action::ModelCreated,
            Model::User,
            &pk_text,
            serde_json::json!({
                "model": model_context(Model::User, &pk_text, &u.username),
                "fields": {
                    "username": u.username,
                    "email": u.email,
                    "type": u.user_type,
                    "path": u.path,
                    "is_superuser": u.is_superuser,
                },
            }),
        ),
    )
    .await
}

/// [`record_created`] for an account an invitee just enrolled: the new account is the actor, from
/// `client_ip`.
///
/// # Errors
/// Database errors.
pub async fn record_enrolled(
    tx: &mut Tx,
    pk: i64,
    u: &NewUser,
    client_ip: &str,
) -> Result<(), Error> {
    record_created(tx, &Who::user(pk, &u.username, client_ip), pk, u).await
}

/// Whether any active superuser exists.
///
/// # Errors
/// Database errors.
pub async fn superuser_exists(db: &Db) -> Result<bool, Error> {
    Ok(users::superuser_count(&db.pool).await? > 0)
}

/// Records `locale` as user `pk`'s preferred language (`attributes.settings.locale`; the dashboard and
/// the notices to them speak it), reading and writing the attributes in one transaction. Attributes that
/// are not a JSON object are left alone.
///
/// # Errors
/// Database errors.
pub async fn set_preferred_locale(
    db: &Db,
    pk: i64,
    locale: crate::i18n::Locale,
) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let Some(text) = users::attributes(&mut *tx, pk).await? else {
        return Ok(());
    };
    let Ok(mut attributes) =
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
    else {
        return Ok(());
    };
    if crate::i18n::preferred(&attributes) == Some(locale) {
        return Ok(());
    }
    crate::i18n::set_preferred(&mut attributes, locale);
    let text = serde_json::Value::Object(attributes).to_string();
    users::set_attributes(&mut *tx, pk, &text).await?;
    tx.commit().await?;
    Ok(())
}

/// Loads an active user with group and role names; `None` when missing or inactive.
///
/// # Errors
/// Database errors.
pub async fn load_current_user(db: &Db, pk: i64) -> Result<Option<CurrentUser>, Error> {
    let Some(u) = users::find_active(&db.pool, pk).await? else {
        return Ok(None);
    };
    let groups = users::group_names(&db.pool, u.pk).await?;
    let roles = users::role_names(&db.pool, u.pk).await?;
    let locale = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&u.attributes)
        .ok()
        .and_then(|a| crate::i18n::preferred(&a));
    Ok(Some(CurrentUser {
        locale,
        pk: u.pk,
        username: u.username,
        name: u.name,
        email: u.email,
        is_superuser: u.is_superuser,
        user_type: u.user_type,
        path: u.path,
        groups,
        roles,
    }))
}

/// Directory → Users, page `page` (0-based) of [`USERS_PAGE_SIZE`] users at `path` or below it (an
/// empty `path`: every user), by username, with their groups, roles and the invitation they enrolled
/// through. Four statements whatever the number of users: the page itself (`LIMIT`/`OFFSET`), then the
/// group and role memberships and the enrollments of that page's users only. A page past the end is
/// empty.
///
/// # Errors
/// Database errors.
pub async fn list_users(db: &Db, path: &str, page: u64) -> Result<Vec<UserEntry>, Error> {
    use std::collections::HashMap;
    let offset = i64::try_from(page.saturating_mul(USERS_PAGE_SIZE)).unwrap_or(i64::MAX);
    let rows = users::page(&db.pool, path.trim(), offset, USERS_PAGE_SIZE as i64).await?;
    let pks: Vec<i64> = rows.iter().map(|u| u.pk).collect();
    let by_user = |rows: Vec<users::MembershipRow>| {
        let mut map: HashMap<i64, Vec<String>> = HashMap::new();
        for m in rows {
            map.entry(m.user_pk).or_default().push(m.name);
        }
        map
    };
    let mut groups = by_user(users::group_memberships_of(&db.pool, &pks).await?);
    let mut roles = by_user(users::role_memberships_of(&db.pool, &pks).await?);
    let mut origins: HashMap<i64, EnrolledThrough> = users::enrolled_through_of(&db.pool, &pks)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.user_pk,
                EnrolledThrough {
                    name: o.invitation_name,
                    deleted: o.invitation_deleted,
                },
            )
        })
        .collect();
    Ok(rows
        .into_iter()
        .map(|u| UserEntry {
            enrolled_through: origins.remove(&u.pk),
            groups: groups.remove(&u.pk).unwrap_or_default(),
            roles: roles.remove(&u.pk).unwrap_or_default(),
            last_login: u.last_login,
            pk: u.pk,
            username: u.username,
            name: u.name,
            email: u.email,
            user_type: u.user_type,
            path: u.path,
            is_active: u.is_active,
            is_superuser: u.is_superuser,
        })
        .collect())
}

/// How many users are at `path` or below it (an empty `path`: every user): what [`list_users`] pages
/// through, counted in SQL.
///
/// # Errors
/// Database errors.
pub async fn count_users(db: &Db, path: &str) -> Result<u64, Error> {
    Ok(users::count_under(&db.pool, path.trim()).await?.max(0) as u64)
}

/// Directory → Users' path tree: every path users have with its count of users, by path (one
/// `GROUP BY`; the page adds up the counts at and below each path, [`crate::domain::user::path_tree_counted`]).
///
/// # Errors
/// Database errors.
pub async fn user_paths(db: &Db) -> Result<Vec<PathUsers>, Error> {
    Ok(users::path_counts(&db.pool)
        .await?
        .into_iter()
        .map(|p| PathUsers {
            path: p.path,
            users: p.users.max(0) as u64,
        })
        .collect())
}

/// The pk of the user named `username` (the exact name, else the one with its key: `ADMIN` finds
/// `admin`), if any: whom `usher apply-blueprint --as` acts as.
///
/// # Errors
/// Database errors.
pub async fn pk_by_username(db: &Db, username: &str) -> Result<Option<i64>, Error> {
    Ok(users::pk_by_username(&db.pool, username).await?)
}

/// The pk of the first superuser (the lowest pk), active or not, if any: whom a command acts as when
/// no user is named.
///
/// # Errors
/// Database errors.
pub async fn first_superuser_pk(db: &Db) -> Result<Option<i64>, Error> {
    Ok(users::first_superuser_pk(&db.pool).await?)
}

fn not_yourself(me: i64, pk: i64, what: AccountAction) -> Result<(), Error> {
    if me == pk {
        Err(Error::Refused(Refusal::OwnAccount(what)))
    } else {
        Ok(())
    }
}

/// Activates or deactivates an account, with its event, in one transaction. A deactivated user is
/// signed out everywhere at once (sessions load active users only) and their API tokens stop working.
///
/// # Errors
/// [`Refusal::OwnAccount`] for the caller's own account; [`Error::NotFound`]; database errors.
pub async fn set_active(db: &Db, who: &Who, me: i64, pk: i64, active: bool) -> Result<(), Error> {
    not_yourself(me, pk, AccountAction::Deactivate)?;
    let mut tx = db.begin().await?;
    let (name, was) = users::name_and_active(&mut *tx, pk)
        .await?
        .ok_or(Error::NotFound(Entity::User))?;
    users::set_active(&mut *tx, pk, active).await?;
    let pk_text = pk.to_string();
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::User,
            &pk_text,
            serde_json::json!({
                "model": model_context(Model::User, &pk_text, &name),
                "diff": {"is_active": {"old": was, "new": active}},
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an account, with its memberships, ledger rows and the invitations it created (as authentik
/// deletes a deleted user's invitations), and its event, in one transaction.
///
/// # Errors
/// [`Refusal::OwnAccount`] for the caller's own account; [`Error::NotFound`]; database errors.
pub async fn delete(db: &Db, who: &Who, me: i64, pk: i64) -> Result<(), Error> {
    not_yourself(me, pk, AccountAction::Delete)?;
    let mut tx = db.begin().await?;
    let (name, _) = users::name_and_active(&mut *tx, pk)
        .await?
        .ok_or(Error::NotFound(Entity::User))?;
    users::delete(&mut *tx, pk).await?;
    let pk_text = pk.to_string();
    record(
        &mut *tx,
        who.event(
            Action::ModelDeleted,
            Model::User,
            &pk_text,
            serde_json::json!({"model": model_context(Model::User, &pk_text, &name)}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
