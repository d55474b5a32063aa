//! The `users` table and the users' memberships (`user_group_memberships`, `user_role_memberships`).
//!
//! Booleans (`is_active`, `is_superuser`, `email_verified`) are `BIGINT` 0/1 columns, read and bound as
//! [`Flag`]; times (`date_joined`, `last_login`) are UTC Unix seconds.

use super::{DbError, Exec, Flag};
use crate::domain::flow::UserType;
use crate::domain::user::{username_key, username_skeleton};

/// A user to insert (see [`insert`]).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name (validated).
    pub username: String,
    /// Display name.
    pub name: String,
    /// Normalised email.
    pub email: String,
    /// Whether the address was proven (an `email` stage code, or Usher's delivery of an exact-address
    /// invitation).
    pub email_verified: bool,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Active.
    pub is_active: bool,
    /// Superuser.
    pub is_superuser: bool,
    /// `internal` or `external`.
    pub user_type: UserType,
    /// Path, e.g. `users/external`.
    pub path: String,
    /// Attributes (JSON object text).
    pub attributes: String,
    /// When the account signs in as it is created (an enrollment that ends signed in), UTC Unix
    /// seconds: written as its `last_login` by the insert, which saves the sign-in its own write.
    pub last_login: Option<i64>,
}

/// The pk of the user named `username`: the exact name, else the one with its key
/// ([`username_key`]: `ADMIN` finds `admin`), if any.
///
/// # Errors
/// Database errors.
pub async fn pk_by_username(ex: impl Exec<'_>, username: &str) -> Result<Option<i64>, DbError> {
    sqlx::query_scalar(
        "SELECT pk FROM users WHERE username = $1 OR username_key = $2 ORDER BY CASE WHEN username = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(username)
    .bind(username_key(username))
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Whether a user holds `username`'s key or looks like it (its confusable skeleton,
/// [`username_skeleton`]), or holds that exact name.
///
/// # Errors
/// Database errors.
pub async fn username_taken(ex: impl Exec<'_>, username: &str) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE username = $1 OR username_key = $2 OR username_skeleton = $3",
    )
    .bind(username)
    .bind(username_key(username))
    .bind(username_skeleton(username))
    .fetch_one(ex)
    .await?;
    Ok(n > 0)
}

/// Users whose key and skeleton are not stored yet (created before migration 0016): pk and username.
///
/// # Errors
/// Database errors.
pub async fn without_username_keys(ex: impl Exec<'_>) -> Result<Vec<(i64, String)>, DbError> {
    sqlx::query_as("SELECT pk, username FROM users WHERE username_key IS NULL ORDER BY pk")
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Stores user `pk`'s key and skeleton, computed from `username`.
///
/// # Errors
/// Database errors; a unique violation when another account already holds either.
pub async fn set_username_keys(ex: impl Exec<'_>, pk: i64, username: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET username_key = $1, username_skeleton = $2 WHERE pk = $3")
        .bind(username_key(username))
        .bind(username_skeleton(username))
        .bind(pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// The pk of the first superuser (lowest pk), active or not, if any.
///
/// # Errors
/// Database errors.
pub async fn first_superuser_pk(ex: impl Exec<'_>) -> Result<Option<i64>, DbError> {
    sqlx::query_scalar("SELECT pk FROM users WHERE is_superuser = 1 ORDER BY pk LIMIT 1")
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// How many users are superusers (active or not).
///
/// # Errors
/// Database errors.
pub async fn superuser_count(ex: impl Exec<'_>) -> Result<i64, DbError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE is_superuser = 1")
        .fetch_one(ex)
        .await
        .map_err(DbError::from)
}

/// Inserts user `u` with the random `uid` (UUID text), joined at `date_joined` (UTC Unix seconds), and
/// returns its pk.
///
/// # Errors
/// Database errors; a unique violation (see [`super::is_unique_violation`]) when the username is taken.
pub async fn insert(
    ex: impl Exec<'_>,
    u: &NewUser,
    uid: &str,
    date_joined: i64,
) -> Result<i64, DbError> {
    sqlx::query_scalar(
        "INSERT INTO users (uid, username, name, email, email_verified, password, is_active, is_superuser, type, path, attributes, date_joined, username_key, username_skeleton, last_login)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING pk",
    )
    .bind(uid)
    .bind(&u.username)
    .bind(&u.name)
    .bind(&u.email)
    .bind(Flag(u.email_verified))
    .bind(&u.password_hash)
    .bind(Flag(u.is_active))
    .bind(Flag(u.is_superuser))
    .bind(u.user_type.as_str())
    .bind(&u.path)
    .bind(&u.attributes)
    .bind(date_joined)
    .bind(username_key(&u.username))
    .bind(username_skeleton(&u.username))
    .bind(u.last_login)
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// What signing in checks: a user's pk, password (PHC string) and whether the account is active.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CredentialsRow {
    /// The user's pk.
    pub pk: i64,
    /// argon2id PHC string (may be empty: no usable password).
    pub password: String,
    /// Whether the account is active.
    #[sqlx(try_from = "Flag")]
    pub is_active: bool,
}

/// The credentials of the user named `username` (the exact name, else the one with its key, as
/// [`pk_by_username`]), if any.
///
/// # Errors
/// Database errors.
pub async fn credentials_by_username(
    ex: impl Exec<'_>,
    username: &str,
) -> Result<Option<CredentialsRow>, DbError> {
    sqlx::query_as(
        "SELECT pk, password, is_active FROM users WHERE username = $1 OR username_key = $2 ORDER BY CASE WHEN username = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(username)
    .bind(username_key(username))
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Records a sign-in of user `pk` at `at` (UTC Unix seconds).
///
/// # Errors
/// Database errors.
pub async fn set_last_login(ex: impl Exec<'_>, pk: i64, at: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET last_login = $1 WHERE pk = $2")
        .bind(at)
        .bind(pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// An active user as a session sees it (without memberships).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActiveUserRow {
    /// The user's pk.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Superuser.
    #[sqlx(try_from = "Flag")]
    pub is_superuser: bool,
    /// `internal` or `external`.
    #[sqlx(rename = "type", try_from = "String")]
    pub user_type: UserType,
    /// Path, e.g. `users/external`.
    pub path: String,
    /// Free-form attributes, JSON text (the preferred language is `settings.locale`).
    pub attributes: String,
}

/// User `pk` when it exists and is active.
///
/// # Errors
/// Database errors.
pub async fn find_active(ex: impl Exec<'_>, pk: i64) -> Result<Option<ActiveUserRow>, DbError> {
    sqlx::query_as(
        "SELECT pk, username, name, email, is_superuser, type, path, attributes FROM users WHERE pk = $1 AND is_active = 1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// User `pk`'s attributes (JSON text), if the user exists.
///
/// # Errors
/// Database errors.
pub async fn attributes(ex: impl Exec<'_>, pk: i64) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT attributes FROM users WHERE pk = $1")
        .bind(pk)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// Replaces user `pk`'s attributes (JSON text); returns the rows changed (0: no such user).
///
/// # Errors
/// Database errors.
pub async fn set_attributes(ex: impl Exec<'_>, pk: i64, attributes: &str) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE users SET attributes = $1 WHERE pk = $2")
            .bind(attributes)
            .bind(pk)
            .execute(ex)
            .await
            .map_err(DbError::from)?
            .rows_affected(),
    )
}

/// The names of the groups user `user_pk` is a member of, by name.
///
/// # Errors
/// Database errors.
pub async fn group_names(ex: impl Exec<'_>, user_pk: i64) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar(
        "SELECT g.name FROM directory_groups g JOIN user_group_memberships m ON m.group_pk = g.pk
         WHERE m.user_pk = $1 ORDER BY g.name",
    )
    .bind(user_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// The names of the roles user `user_pk` holds, by name.
///
/// # Errors
/// Database errors.
pub async fn role_names(ex: impl Exec<'_>, user_pk: i64) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar(
        "SELECT r.name FROM directory_roles r JOIN user_role_memberships m ON m.role_pk = r.pk
         WHERE m.user_pk = $1 ORDER BY r.name",
    )
    .bind(user_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// One user of the Directory → Users list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserListRow {
    /// The user's pk.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// `internal` or `external`.
    #[sqlx(rename = "type", try_from = "String")]
    pub user_type: UserType,
    /// Path, e.g. `users/external`.
    pub path: String,
    /// Active.
    #[sqlx(try_from = "Flag")]
    pub is_active: bool,
    /// Superuser.
    #[sqlx(try_from = "Flag")]
    pub is_superuser: bool,
    /// Last sign-in, UTC Unix seconds; `None` when never.
    pub last_login: Option<i64>,
}

/// One page of Directory → Users: the users at `path` or below it (as [`crate::domain::user::under`]: the path
/// itself or one starting with `path/`; an empty `path` is every user), by username then pk, `offset` rows
/// skipped and at most `limit` returned (negative values are read as 0).
///
/// # Errors
/// Database errors.
pub async fn page(
    ex: impl Exec<'_>,
    path: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<UserListRow>, DbError> {
    sqlx::query_as(
        "SELECT pk, username, name, email, type, path, is_active, is_superuser, last_login FROM users
         WHERE ($1 = '' OR path = $1 OR substr(path, 1, length($1) + 1) = $1 || '/')
         ORDER BY username, pk LIMIT $2 OFFSET $3",
    )
    .bind(path)
    .bind(limit.max(0))
    .bind(offset.max(0))
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// How many users are at `path` or below it (an empty `path`: every user), as [`page`] selects them.
///
/// # Errors
/// Database errors.
pub async fn count_under(ex: impl Exec<'_>, path: &str) -> Result<i64, DbError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE ($1 = '' OR path = $1 OR substr(path, 1, length($1) + 1) = $1 || '/')",
    )
    .bind(path)
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// A path users have, and how many have exactly it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PathCountRow {
    /// The path, e.g. `users/external`.
    pub path: String,
    /// The users whose path it is.
    pub users: i64,
}

/// Every path users have, with its count of users, by path (one `GROUP BY`, whatever the users).
///
/// # Errors
/// Database errors.
pub async fn path_counts(ex: impl Exec<'_>) -> Result<Vec<PathCountRow>, DbError> {
    sqlx::query_as("SELECT path, COUNT(*) AS users FROM users GROUP BY path ORDER BY path")
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// A user's membership: the user's pk and the group's or role's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    /// The member's pk.
    pub user_pk: i64,
    /// The group's or role's name.
    pub name: String,
}

/// The group memberships of the users `user_pks`, by group name (one statement; none for no users).
///
/// # Errors
/// Database errors.
pub async fn group_memberships_of(
    ex: impl Exec<'_>,
    user_pks: &[i64],
) -> Result<Vec<MembershipRow>, DbError> {
    memberships_of(
        ex,
        "SELECT m.user_pk, g.name FROM user_group_memberships m JOIN directory_groups g ON g.pk = m.group_pk WHERE m.user_pk IN ({}) ORDER BY g.name",
        user_pks,
    )
    .await
}

/// The role memberships of the users `user_pks`, by role name (one statement; none for no users).
///
/// # Errors
/// Database errors.
pub async fn role_memberships_of(
    ex: impl Exec<'_>,
    user_pks: &[i64],
) -> Result<Vec<MembershipRow>, DbError> {
    memberships_of(
        ex,
        "SELECT m.user_pk, r.name FROM user_role_memberships m JOIN directory_roles r ON r.pk = m.role_pk WHERE m.user_pk IN ({}) ORDER BY r.name",
        user_pks,
    )
    .await
}

/// Runs a `user_pk, name` query whose `{}` is the list of `user_pks` placeholders.
async fn memberships_of(
    ex: impl Exec<'_>,
    template: &str,
    user_pks: &[i64],
) -> Result<Vec<MembershipRow>, DbError> {
    if user_pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = template.replace("{}", &super::db::placeholders(1, user_pks.len()));
    let mut q = sqlx::query_as::<_, MembershipRow>(&sql);
    for pk in user_pks {
        q = q.bind(*pk);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// The invitation a user enrolled through (ledger action `enrolled`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolledThroughRow {
    /// The enrolled user's pk.
    pub user_pk: i64,
    /// The invitation's name (as the ledger kept it, once deleted).
    pub invitation_name: String,
    /// Whether that invitation was deleted since (migration 0012 keeps the ledger).
    #[sqlx(try_from = "Flag")]
    pub invitation_deleted: bool,
}

/// For those of the users `user_pks` who enrolled with an invitation, that invitation (one statement;
/// none for no users).
///
/// # Errors
/// Database errors.
pub async fn enrolled_through_of(
    ex: impl Exec<'_>,
    user_pks: &[i64],
) -> Result<Vec<EnrolledThroughRow>, DbError> {
    if user_pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT x.user_pk, COALESCE(i.name, x.invitation_name) AS invitation_name,
                CASE WHEN i.pk IS NULL THEN 1 ELSE 0 END AS invitation_deleted
         FROM invitation_uses x LEFT JOIN invitations i ON i.pk = x.invitation_pk
         WHERE x.action = 'enrolled' AND x.user_pk IN ({})",
        super::db::placeholders(1, user_pks.len())
    );
    let mut q = sqlx::query_as::<_, EnrolledThroughRow>(&sql);
    for pk in user_pks {
        q = q.bind(*pk);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// Makes user `user_pk` a member of group `group_pk`; nothing when it already is.
///
/// # Errors
/// Database errors (a foreign key violation for an unknown user or group).
pub async fn add_group(ex: impl Exec<'_>, user_pk: i64, group_pk: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO user_group_memberships (user_pk, group_pk) VALUES ($1, $2) ON CONFLICT (user_pk, group_pk) DO NOTHING",
    )
    .bind(user_pk)
    .bind(group_pk)
    .execute(ex)
    .await?;
    Ok(())
}

/// Gives user `user_pk` role `role_pk`; nothing when it already holds it.
///
/// # Errors
/// Database errors (a foreign key violation for an unknown user or role).
pub async fn add_role(ex: impl Exec<'_>, user_pk: i64, role_pk: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO user_role_memberships (user_pk, role_pk) VALUES ($1, $2) ON CONFLICT (user_pk, role_pk) DO NOTHING",
    )
    .bind(user_pk)
    .bind(role_pk)
    .execute(ex)
    .await?;
    Ok(())
}

/// Whether user `pk`'s email address was proven.
///
/// # Errors
/// Database errors; [`crate::store::Error::NotFound`] when the user does not exist.
pub async fn email_verified(ex: impl Exec<'_>, pk: i64) -> Result<bool, DbError> {
    let v: Flag = sqlx::query_scalar("SELECT email_verified FROM users WHERE pk = $1")
        .bind(pk)
        .fetch_one(ex)
        .await?;
    Ok(v.0)
}

/// Marks user `pk`'s email address proven.
///
/// # Errors
/// Database errors.
pub async fn set_email_verified(ex: impl Exec<'_>, pk: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET email_verified = $1 WHERE pk = $2")
        .bind(Flag(true))
        .bind(pk)
        .execute(ex)
        .await?;
    Ok(())
}

/// User `pk`'s username and whether it is active, if there is such a user.
///
/// # Errors
/// Database errors.
pub async fn name_and_active(
    ex: impl Exec<'_>,
    pk: i64,
) -> Result<Option<(String, bool)>, DbError> {
    let row: Option<(String, Flag)> =
        sqlx::query_as("SELECT username, is_active FROM users WHERE pk = $1")
            .bind(pk)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|(name, active)| (name, active.0)))
}

/// Activates or deactivates user `pk`; returns the number of rows changed (0 when there is no such user).
///
/// # Errors
/// Database errors.
pub async fn set_active(ex: impl Exec<'_>, pk: i64, active: bool) -> Result<u64, DbError> {
    Ok(sqlx::query("UPDATE users SET is_active = $1 WHERE pk = $2")
        .bind(Flag(active))
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// Deletes user `pk` (memberships, ledger rows and created invitations go by the schema's cascades);
/// returns the number of rows deleted (0 when there is no such user).
///
/// # Errors
/// Database errors.
pub async fn delete(ex: impl Exec<'_>, pk: i64) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM users WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// Whether user `user_pk` has signed in from client network `network` before.
///
/// # Errors
/// Database errors.
pub async fn is_known_network(
    ex: impl Exec<'_>,
    user_pk: i64,
    network: &str,
) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sign_in_networks WHERE user_pk = $1 AND network = $2",
    )
    .bind(user_pk)
    .bind(network)
    .fetch_one(ex)
    .await?
        > 0)
}

/// Records that user `user_pk` signed in from `network` at `at` (UTC Unix seconds).
///
/// # Errors
/// Database errors.
pub async fn remember_network(
    ex: impl Exec<'_>,
    user_pk: i64,
    network: &str,
    at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sign_in_networks (user_pk, network, last_success) VALUES ($1, $2, $3)
         ON CONFLICT (user_pk, network) DO UPDATE SET last_success = excluded.last_success",
    )
    .bind(user_pk)
    .bind(network)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}
