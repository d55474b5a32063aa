//! Storage of invitations.

// --- added by store-h2 ---

/// Who an invitation enrolled: the user's pk and the invitation's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolledByRow {
    /// The enrolled user's pk.
    pub user_pk: i64,
    /// The name of the invitation the user enrolled with.
    pub invitation_name: String,
}

/// For every user created by enrolling with an invitation (ledger action `enrolled`), that invitation's
/// name.
///
/// # Errors
/// Database errors.
pub async fn enrolled_by_invitation(
    ex: impl super::Exec<'_>,
) -> Result<Vec<EnrolledByRow>, super::DbError> {
    sqlx::query_as(
        "SELECT x.user_pk, i.name AS invitation_name FROM invitation_uses x JOIN invitations i ON i.pk = x.invitation_pk WHERE x.action = 'enrolled'",
    )
    .fetch_all(ex)
    .await
}

/// The pks of the groups invitation `invitation_pk` grants (unordered; empty for an unknown invitation).
///
/// # Errors
/// Database errors.
pub async fn granted_group_pks(
    ex: impl super::Exec<'_>,
    invitation_pk: &str,
) -> Result<Vec<String>, super::DbError> {
    sqlx::query_scalar("SELECT group_pk FROM invitation_groups WHERE invitation_pk = $1")
        .bind(invitation_pk)
        .fetch_all(ex)
        .await
}

/// The pks of the roles invitation `invitation_pk` grants (unordered; empty for an unknown invitation).
///
/// # Errors
/// Database errors.
pub async fn granted_role_pks(
    ex: impl super::Exec<'_>,
    invitation_pk: &str,
) -> Result<Vec<String>, super::DbError> {
    sqlx::query_scalar("SELECT role_pk FROM invitation_roles WHERE invitation_pk = $1")
        .bind(invitation_pk)
        .fetch_all(ex)
        .await
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
}

/// Writes a ledger row.
///
/// # Errors
/// Database errors; a unique violation (see [`super::is_unique_violation`]) when this user already used
/// this invitation.
pub async fn insert_use(ex: impl super::Exec<'_>, u: &NewUse<'_>) -> Result<(), super::DbError> {
    sqlx::query(
        "INSERT INTO invitation_uses (pk, invitation_pk, user_pk, action, at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(u.pk)
    .bind(u.invitation_pk)
    .bind(u.user_pk)
    .bind(u.action)
    .bind(u.at)
    .bind(u.ip)
    .bind(u.user_agent)
    .execute(ex)
    .await?;
    Ok(())
}

/// The pk of user `user_pk`'s ledger row for invitation `invitation_pk`, if they used it.
///
/// # Errors
/// Database errors.
pub async fn use_pk_of_user(
    ex: impl super::Exec<'_>,
    invitation_pk: &str,
    user_pk: i64,
) -> Result<Option<String>, super::DbError> {
    sqlx::query_scalar("SELECT pk FROM invitation_uses WHERE invitation_pk = $1 AND user_pk = $2")
        .bind(invitation_pk)
        .bind(user_pk)
        .fetch_optional(ex)
        .await
}
