//! The ledger of uses (`invitation_uses`): who an invitation enrolled, what it grants, recording a use.

use crate::store::DbError;

/// The pks of the groups invitation `invitation_pk` grants (unordered; empty for an unknown invitation).
///
/// # Errors
/// Database errors.
pub async fn granted_group_pks(
    ex: impl crate::store::Exec<'_>,
    invitation_pk: &str,
) -> Result<Vec<String>, crate::store::DbError> {
    sqlx::query_scalar("SELECT group_pk FROM invitation_groups WHERE invitation_pk = $1")
        .bind(invitation_pk)
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// The pks of the roles invitation `invitation_pk` grants (unordered; empty for an unknown invitation).
///
/// # Errors
/// Database errors.
pub async fn granted_role_pks(
    ex: impl crate::store::Exec<'_>,
    invitation_pk: &str,
) -> Result<Vec<String>, crate::store::DbError> {
    sqlx::query_scalar("SELECT role_pk FROM invitation_roles WHERE invitation_pk = $1")
        .bind(invitation_pk)
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// A use of an invitation to record in the ledger (`invitation_uses`).
#[derive(Debug, Clone)]
pub struct NewUse<'a> {
    /// The row's pk (UUID text).
    pub pk: &'a str,
    /// The invitation used.
    pub invitation_pk: &'a str,
    /// The user who enrolled or joined.
    pub user_pk: i64,
    /// `enrolled` (a new account) or `joined` (an existing user accepted).
    pub action: &'a str,
    /// When, UTC Unix seconds.
    pub at: i64,
    /// Client IP.
    pub ip: &'a str,
    /// `User-Agent` (the caller truncates it).
    pub user_agent: &'a str,
    /// The named link the use came through (`None`: the invitation's own link).
    pub link_pk: Option<&'a str>,
}

/// Writes a ledger row.
///
/// # Errors
/// Database errors; a unique violation (see [`super::is_unique_violation`]) when this user already used
/// this invitation.
pub async fn insert_use(
    ex: impl crate::store::Exec<'_>,
    u: &NewUse<'_>,
) -> Result<(), crate::store::DbError> {
    sqlx::query(
        "INSERT INTO invitation_uses (pk, invitation_pk, invitation_name, user_pk, action, at, ip, user_agent, link_pk)
         SELECT $1, i.pk, i.name, $3, $4, $5, $6, $7, $8 FROM invitations i WHERE i.pk = $2",
    )
    .bind(u.pk)
    .bind(u.invitation_pk)
    .bind(u.user_pk)
    .bind(u.action)
    .bind(u.at)
    .bind(u.ip)
    .bind(u.user_agent)
    .bind(u.link_pk)
    .execute(ex)
    .await?;
    Ok(())
}

/// The pk of user `user_pk`'s ledger row for invitation `invitation_pk`, if they used it.
///
/// # Errors
/// Database errors.
pub async fn use_pk_of_user(
    ex: impl crate::store::Exec<'_>,
    invitation_pk: &str,
    user_pk: i64,
) -> Result<Option<String>, crate::store::DbError> {
    sqlx::query_scalar("SELECT pk FROM invitation_uses WHERE invitation_pk = $1 AND user_pk = $2")
        .bind(invitation_pk)
        .bind(user_pk)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}
