//! Users: creation and the profile pages read.

use super::{db::new_uuid, time, Db};
use crate::domain::email_rules::normalize_email;
use crate::domain::user::{validate_new_password, validate_username};
use crate::error::AppError;
use crate::model::CurrentUser;
use sqlx::{Any, Transaction};

/// A user to insert.
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
    pub user_type: String,
    /// Path, e.g. `users/external`.
    pub path: String,
    /// Attributes (JSON object text).
    pub attributes: String,
}

/// Inserts a user inside a transaction and returns its pk.
///
/// # Errors
/// [`AppError::Validation`] on `username` when it is taken; database errors.
pub async fn insert_user(tx: &mut Transaction<'static, Any>, u: &NewUser) -> Result<i64, AppError> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(&u.username)
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(AppError::field(
            "username",
            "This username is already taken.",
        ));
    }
    let pk: i64 = sqlx::query_scalar(
        "INSERT INTO users (uid, username, name, email, email_verified, password, is_active, is_superuser, type, path, attributes, date_joined)
         VALUES ($1, $2, $3, $4, $12, $5, $6, $7, $8, $9, $10, $11) RETURNING pk",
    )
    .bind(new_uuid())
    .bind(&u.username)
    .bind(&u.name)
    .bind(&u.email)
    .bind(&u.password_hash)
    .bind(i64::from(u.is_active))
    .bind(i64::from(u.is_superuser))
    .bind(&u.user_type)
    .bind(&u.path)
    .bind(&u.attributes)
    .bind(time::now())
    .bind(i64::from(u.email_verified))
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::field("username", "This username is already taken.")
        }
        e => AppError::from(e),
    })?;
    Ok(pk)
}

/// Validates admin input (username, email, password twice) into a superuser to insert.
///
/// # Errors
/// [`AppError::Validation`] naming each bad field.
pub async fn superuser_from_input(
    username: &str,
    email: &str,
    password: &str,
    password_repeat: &str,
) -> Result<NewUser, AppError> {
    let mut errors = Vec::new();
    let username = validate_username(username)
        .map_err(|e| errors.push(("username".into(), e)))
        .ok();
    let email = normalize_email(email)
        .ok_or(())
        .map_err(|_| errors.push(("email".into(), "Enter a valid email address.".into())))
        .ok();
    if let Err(e) = validate_new_password(password, password_repeat) {
        errors.push(("password".into(), e));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let username = username.unwrap_or_default();
    Ok(NewUser {
        name: username.clone(),
        username,
        email: email.unwrap_or_default(),
        email_verified: false,
        password_hash: super::auth::hash_password(password.to_owned()).await?,
        is_active: true,
        is_superuser: true,
        user_type: "internal".into(),
        path: "users".into(),
        attributes: "{}".into(),
    })
}

/// Creates a superuser (the `usher create-admin` command).
///
/// # Errors
/// [`AppError::Validation`] for bad input or a taken username; database errors.
pub async fn create_admin(
    db: &Db,
    username: &str,
    email: &str,
    password: &str,
) -> Result<i64, AppError> {
    let user = superuser_from_input(username, email, password, password).await?;
    let mut tx = db.begin().await?;
    let pk = insert_user(&mut tx, &user).await?;
    tx.commit().await?;
    Ok(pk)
}

/// Whether any active superuser exists.
///
/// # Errors
/// Database errors.
pub async fn superuser_exists(db: &Db) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE is_superuser = 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Loads an active user with group and role names; `None` when missing or inactive.
///
/// # Errors
/// Database errors.
pub async fn load_current_user(db: &Db, pk: i64) -> Result<Option<CurrentUser>, AppError> {
    let row: Option<(i64, String, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT pk, username, name, email, is_superuser, type, path FROM users WHERE pk = $1 AND is_active = 1",
    )
    .bind(pk)
    .fetch_optional(&db.pool)
    .await?;
    let Some((pk, username, name, email, is_superuser, user_type, path)) = row else {
        return Ok(None);
    };
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT g.name FROM directory_groups g JOIN user_group_memberships m ON m.group_pk = g.pk
         WHERE m.user_pk = $1 ORDER BY g.name",
    )
    .bind(pk)
    .fetch_all(&db.pool)
    .await?;
    let roles: Vec<String> = sqlx::query_scalar(
        "SELECT r.name FROM directory_roles r JOIN user_role_memberships m ON m.role_pk = r.pk
         WHERE m.user_pk = $1 ORDER BY r.name",
    )
    .bind(pk)
    .fetch_all(&db.pool)
    .await?;
    Ok(Some(CurrentUser {
        pk,
        username,
        name,
        email,
        is_superuser: is_superuser != 0,
        user_type,
        path,
        groups,
        roles,
    }))
}

/// Directory → Users: every user with groups and roles, by username.
///
/// # Errors
/// Database errors.
pub async fn list_users(db: &Db) -> Result<Vec<crate::model::UserRow>, AppError> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT pk, username, name, email, type, path, is_active, is_superuser, last_login FROM users ORDER BY username",
    )
    .fetch_all(&db.pool)
    .await?;
    let memberships = |sql: &'static str| async move {
        let pairs: Vec<(i64, String)> = sqlx::query_as(sql).fetch_all(&db.pool).await?;
        let mut map: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
        for (user, name) in pairs {
            map.entry(user).or_default().push(name);
        }
        Ok::<_, AppError>(map)
    };
    let mut groups = memberships(
        "SELECT m.user_pk, g.name FROM user_group_memberships m JOIN directory_groups g ON g.pk = m.group_pk ORDER BY g.name",
    )
    .await?;
    let mut roles = memberships(
        "SELECT m.user_pk, r.name FROM user_role_memberships m JOIN directory_roles r ON r.pk = m.role_pk ORDER BY r.name",
    )
    .await?;
    let origins: Vec<(i64, String)> = sqlx::query_as(
        "SELECT x.user_pk, i.name FROM invitation_uses x JOIN invitations i ON i.pk = x.invitation_pk WHERE x.action = 'enrolled'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut origins: std::collections::HashMap<i64, String> = origins.into_iter().collect();
    let now = time::now();
    Ok(rows
        .into_iter()
        .map(
            |(pk, username, name, email, user_type, path, active, superuser, last_login)| {
                crate::model::UserRow {
                    created_by_invitation: origins.remove(&pk),
                    groups: groups.remove(&pk).unwrap_or_default(),
                    roles: roles.remove(&pk).unwrap_or_default(),
                    last_login: last_login
                        .map(|t| time::format_expiry(Some(t), now))
                        .unwrap_or_else(|| "never".into()),
                    pk,
                    username,
                    name,
                    email,
                    user_type,
                    path,
                    is_active: active != 0,
                    is_superuser: superuser != 0,
                }
            },
        )
        .collect())
}

fn not_yourself(me: i64, pk: i64, what: &str) -> Result<(), AppError> {
    if me == pk {
        Err(AppError::BadRequest(format!(
            "You cannot {what} your own account."
        )))
    } else {
        Ok(())
    }
}

/// Activates or deactivates an account. A deactivated user is signed out everywhere at once (sessions
/// load active users only) and their API tokens stop working.
///
/// # Errors
/// [`AppError::BadRequest`] for the caller's own account; [`AppError::NotFound`]; database errors.
pub async fn set_active(db: &Db, me: i64, pk: i64, active: bool) -> Result<(), AppError> {
    not_yourself(me, pk, "deactivate")?;
    let n = sqlx::query("UPDATE users SET is_active = $1 WHERE pk = $2")
        .bind(i64::from(active))
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    super::db::touched(n, "user")
}

/// Deletes an account, with its memberships, ledger rows and the invitations it created (as authentik
/// deletes a deleted user's invitations).
///
/// # Errors
/// [`AppError::BadRequest`] for the caller's own account; [`AppError::NotFound`]; database errors.
pub async fn delete(db: &Db, me: i64, pk: i64) -> Result<(), AppError> {
    not_yourself(me, pk, "delete")?;
    let n = sqlx::query("DELETE FROM users WHERE pk = $1")
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    super::db::touched(n, "user")
}
