//! Directory → Groups and Roles: named collections granted to users (Layer5 calls groups "teams").

use super::{db::new_uuid, time, Db};
use crate::error::AppError;
use crate::model::NamedItem;

/// Which directory table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `directory_groups`.
    Group,
    /// `directory_roles`.
    Role,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Self::Group => "directory_groups",
            Self::Role => "directory_roles",
        }
    }
    fn membership(self) -> (&'static str, &'static str) {
        match self {
            Self::Group => ("user_group_memberships", "group_pk"),
            Self::Role => ("user_role_memberships", "role_pk"),
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::Role => "role",
        }
    }
}

/// Lists groups or roles by name, with member counts.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, kind: Kind) -> Result<Vec<NamedItem>, AppError> {
    let (mt, col) = kind.membership();
    let sql = format!(
        "SELECT t.pk, t.name, (SELECT COUNT(*) FROM {mt} m WHERE m.{col} = t.pk) FROM {} t ORDER BY t.name",
        kind.table()
    );
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&sql).fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(pk, name, members)| NamedItem { pk, name, members })
        .collect())
}

/// Validates a group or role name: 1–150 characters after trimming.
///
/// # Errors
/// A message for the form.
pub fn validate_name(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        Err("Name is required.".into())
    } else if s.chars().count() > 150 {
        Err("Name must be at most 150 characters.".into())
    } else {
        Ok(s.to_owned())
    }
}

/// Creates a group or role.
///
/// # Errors
/// [`AppError::Validation`] on `name` when empty, too long or taken; database errors.
pub async fn create(db: &Db, kind: Kind, name: &str) -> Result<NamedItem, AppError> {
    let name = validate_name(name).map_err(|e| AppError::field("name", e))?;
    let pk = new_uuid();
    let sql = format!(
        "INSERT INTO {} (pk, name, created) VALUES ($1, $2, $3)",
        kind.table()
    );
    sqlx::query(&sql)
        .bind(&pk)
        .bind(&name)
        .bind(time::now())
        .execute(&db.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => AppError::field(
                "name",
                format!("A {} with this name already exists.", kind.noun()),
            ),
            e => AppError::from(e),
        })?;
    Ok(NamedItem {
        pk,
        name,
        members: 0,
    })
}

/// Deletes a group or role; memberships and invitation grants of it go with it.
///
/// # Errors
/// [`AppError::NotFound`] when it does not exist; database errors.
pub async fn delete(db: &Db, kind: Kind, pk: &str) -> Result<(), AppError> {
    let sql = format!("DELETE FROM {} WHERE pk = $1", kind.table());
    let n = sqlx::query(&sql)
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(AppError::NotFound(format!("No such {}.", kind.noun())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(
            super::validate_name("  engineering-team "),
            Ok("engineering-team".into())
        );
        assert!(super::validate_name("  ").is_err());
    }
}

async fn group_and_user(
    db: &Db,
    group_pk: &str,
    username: &str,
) -> Result<(String, i64), AppError> {
    let g: Option<String> = sqlx::query_scalar("SELECT pk FROM directory_groups WHERE pk = $1")
        .bind(group_pk)
        .fetch_optional(&db.pool)
        .await?;
    let g = g.ok_or_else(|| AppError::NotFound("This group does not exist.".into()))?;
    let u: Option<i64> = sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(username.trim())
        .fetch_optional(&db.pool)
        .await?;
    let u = u.ok_or_else(|| {
        AppError::field(
            "username",
            format!("No user is named '{}'.", username.trim()),
        )
    })?;
    Ok((g, u))
}

/// A group's members' usernames, sorted.
///
/// # Errors
/// Database errors.
pub async fn members(db: &Db, group_pk: &str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT u.username FROM user_group_memberships m JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = $1 ORDER BY u.username",
    )
    .bind(group_pk)
    .fetch_all(&db.pool)
    .await?)
}

/// Adds a user to a group (nothing happens if they are in it).
///
/// # Errors
/// [`AppError::NotFound`] for the group; [`AppError::Validation`] on `username`; database errors.
pub async fn add_member(db: &Db, group_pk: &str, username: &str) -> Result<(), AppError> {
    let (g, u) = group_and_user(db, group_pk, username).await?;
    sqlx::query("INSERT INTO user_group_memberships (user_pk, group_pk) VALUES ($1, $2) ON CONFLICT (user_pk, group_pk) DO NOTHING")
        .bind(u)
        .bind(g)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Removes a user from a group.
///
/// # Errors
/// [`AppError::NotFound`] for the group; [`AppError::Validation`] on `username`; database errors.
pub async fn remove_member(db: &Db, group_pk: &str, username: &str) -> Result<(), AppError> {
    let (g, u) = group_and_user(db, group_pk, username).await?;
    sqlx::query("DELETE FROM user_group_memberships WHERE user_pk = $1 AND group_pk = $2")
        .bind(u)
        .bind(g)
        .execute(&db.pool)
        .await?;
    Ok(())
}
