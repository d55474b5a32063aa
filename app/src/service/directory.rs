//! Directory → Groups and Roles: named collections granted to users (Layer5 calls groups "teams").

use super::error::{Entity, Error, Problem};
use super::{time, Db};
use crate::store::db::new_uuid;
use crate::store::{directory as store, is_unique_violation, users};

/// Which directory table: groups or roles.
pub use crate::store::directory::Kind;

/// A group or role with how many users hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// How many users hold it.
    pub members: i64,
}

fn entity(kind: Kind) -> Entity {
    match kind {
        Kind::Group => Entity::Group,
        Kind::Role => Entity::Role,
    }
}

/// Lists groups or roles by name, with member counts.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, kind: Kind) -> Result<Vec<Entry>, Error> {
    Ok(store::list(&db.pool, kind)
        .await?
        .into_iter()
        .map(|r| Entry {
            pk: r.pk,
            name: r.name,
            members: r.members,
        })
        .collect())
}

/// Validates a group or role name: 1–150 characters after trimming.
///
/// # Errors
/// [`Problem::Required`] or [`Problem::TooLong`], for the form's `name`.
pub fn validate_name(raw: &str) -> Result<String, Problem> {
    const MAX_CHARS: usize = 150;
    let s = raw.trim();
    if s.is_empty() {
        Err(Problem::Required("Name".into()))
    } else if s.chars().count() > MAX_CHARS {
        Err(Problem::TooLong("Name".into(), MAX_CHARS))
    } else {
        Ok(s.to_owned())
    }
}

/// Creates a group or role.
///
/// # Errors
/// [`Error::Invalid`] on `name` when empty, too long or taken; database errors.
pub async fn create(db: &Db, kind: Kind, name: &str) -> Result<Entry, Error> {
    let name = validate_name(name).map_err(|e| Error::field("name", e))?;
    let pk = new_uuid();
    store::insert(&db.pool, kind, &pk, &name, time::now())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::field("name", Problem::Taken(entity(kind)))
            } else {
                Error::from(e)
            }
        })?;
    Ok(Entry {
        pk,
        name,
        members: 0,
    })
}

/// Deletes a group or role; memberships and invitation grants of it go with it.
///
/// # Errors
/// [`Error::NotFound`] when it does not exist; database errors.
pub async fn delete(db: &Db, kind: Kind, pk: &str) -> Result<(), Error> {
    let n = store::delete(&db.pool, kind, pk).await?;
    if n == 0 {
        return Err(Error::NotFound(entity(kind)));
    }
    Ok(())
}

/// The pk of the user named `username`, once group `group_pk` is known to exist.
async fn group_member_pk(db: &Db, group_pk: &str, username: &str) -> Result<i64, Error> {
    if !store::group_exists(&db.pool, group_pk).await? {
        return Err(Error::NotFound(Entity::Group));
    }
    users::pk_by_username(&db.pool, username.trim())
        .await?
        .ok_or_else(|| Error::field("username", Problem::NoSuchUser(username.trim().to_owned())))
}

/// A group's members' usernames, sorted.
///
/// # Errors
/// Database errors.
pub async fn members(db: &Db, group_pk: &str) -> Result<Vec<String>, Error> {
    Ok(store::group_member_usernames(&db.pool, group_pk).await?)
}

/// Adds a user to a group (nothing happens if they are in it).
///
/// # Errors
/// [`Error::NotFound`] for the group; [`Error::Invalid`] on `username`; database errors.
pub async fn add_member(db: &Db, group_pk: &str, username: &str) -> Result<(), Error> {
    let user_pk = group_member_pk(db, group_pk, username).await?;
    store::add_group_member(&db.pool, user_pk, group_pk).await?;
    Ok(())
}

/// Removes a user from a group.
///
/// # Errors
/// [`Error::NotFound`] for the group; [`Error::Invalid`] on `username`; database errors.
pub async fn remove_member(db: &Db, group_pk: &str, username: &str) -> Result<(), Error> {
    let user_pk = group_member_pk(db, group_pk, username).await?;
    store::remove_group_member(&db.pool, user_pk, group_pk).await?;
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
