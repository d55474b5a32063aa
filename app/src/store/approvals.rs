//! Approval requests (issue 17 item 3; `migrations/0038_approvals.sql`): one row per use of an invitation
//! that requires approval. Times are UTC Unix seconds; `role_pks`, `group_pks` and `form_data` JSON text.

use super::{DbError, Exec, Flag};

/// A request to write, in the transaction of the use it waits for.
#[derive(Debug, Clone, Copy)]
pub struct NewRequest<'a> {
    /// UUID.
    pub pk: &'a str,
    /// The invitation used.
    pub invitation_pk: &'a str,
    /// Its name (kept should it be deleted).
    pub invitation_name: &'a str,
    /// Its creator.
    pub invited_by: i64,
    /// The group (pk) whose members may decide besides the admins, if any.
    pub approver_group_pk: Option<&'a str>,
    /// The account that used it.
    pub user_pk: i64,
    /// `enrolled` or `joined`.
    pub kind: &'a str,
    /// What approval grants: role pks, a JSON array.
    pub role_pks: &'a str,
    /// What approval grants: group pks, a JSON array.
    pub group_pks: &'a str,
    /// Whether approval activates the account.
    pub activate: bool,
    /// What the invitee entered, a JSON object.
    pub form_data: &'a str,
    /// Now.
    pub created: i64,
    /// When it is denied if undecided.
    pub expires_at: i64,
}

/// Writes a pending request.
///
/// # Errors
/// Database errors.
pub async fn insert(ex: impl Exec<'_>, r: &NewRequest<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO approval_requests (pk, invitation_pk, invitation_name, invited_by, user_pk, kind, role_pks, group_pks, activate, form_data, status, created, expires_at, approver_group_pk)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $13)",
    )
    .bind(r.pk)
    .bind(r.invitation_pk)
    .bind(r.invitation_name)
    .bind(r.invited_by)
    .bind(r.user_pk)
    .bind(r.kind)
    .bind(r.role_pks)
    .bind(r.group_pks)
    .bind(Flag(r.activate))
    .bind(r.form_data)
    .bind(r.created)
    .bind(r.expires_at)
    .bind(r.approver_group_pk)
    .execute(ex)
    .await
    .map_err(DbError::from)?;
    Ok(())
}

/// A request as read, with the names of the accounts it concerns.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRow {
    /// UUID.
    pub pk: String,
    /// The invitation used.
    pub invitation_pk: String,
    /// Its name.
    pub invitation_name: String,
    /// Its creator's display name, else username; empty when the account is gone.
    pub invited_by_name: String,
    /// The name of the group whose members may decide besides the admins; empty for the admins alone.
    pub approver_group: String,
    /// The account that used it.
    pub user_pk: i64,
    /// Its username.
    pub username: String,
    /// Its display name.
    pub user_name: String,
    /// Its address.
    pub user_email: String,
    /// Its preferred language and other attributes, JSON.
    pub user_attributes: String,
    /// `enrolled` or `joined`.
    pub kind: String,
    /// Role pks, JSON array.
    pub role_pks: String,
    /// Group pks, JSON array.
    pub group_pks: String,
    /// Whether approval activates the account.
    #[sqlx(try_from = "Flag")]
    pub activate: bool,
    /// What the invitee entered, JSON object.
    pub form_data: String,
    /// `pending`, `approved`, `denied`, `expired`.
    pub status: String,
    /// The approver's reason.
    pub reason: String,
    /// Who decided: display name, else username; empty while pending or when expired.
    pub decided_by_name: String,
    /// Created.
    pub created: i64,
    /// Denied if undecided by then.
    pub expires_at: i64,
    /// When decided.
    pub decided_at: Option<i64>,
}

/// The requests, pending first (oldest first), then the decided ones (newest first), at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn list(ex: impl Exec<'_>, limit: i64) -> Result<Vec<RequestRow>, DbError> {
    sqlx::query_as(
        "SELECT a.pk, a.invitation_pk, a.invitation_name, COALESCE(NULLIF(c.name, ''), c.username, '') AS invited_by_name, COALESCE(g.name, '') AS approver_group,
                a.user_pk, u.username, u.name AS user_name, u.email AS user_email, u.attributes AS user_attributes,
                a.kind, a.role_pks, a.group_pks, a.activate, a.form_data, a.status, a.reason, a.decided_by_name,
                a.created, a.expires_at, a.decided_at
         FROM approval_requests a JOIN users u ON u.pk = a.user_pk LEFT JOIN users c ON c.pk = a.invited_by
         LEFT JOIN directory_groups g ON g.pk = a.approver_group_pk
         ORDER BY CASE WHEN a.status = 'pending' THEN 0 ELSE 1 END, CASE WHEN a.status = 'pending' THEN a.created ELSE -COALESCE(a.decided_at, a.created) END, a.pk
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Request `pk`, if any.
///
/// # Errors
/// Database errors.
pub async fn get(ex: impl Exec<'_>, pk: &str) -> Result<Option<RequestRow>, DbError> {
    sqlx::query_as(
        "SELECT a.pk, a.invitation_pk, a.invitation_name, COALESCE(NULLIF(c.name, ''), c.username, '') AS invited_by_name, COALESCE(g.name, '') AS approver_group,
                a.user_pk, u.username, u.name AS user_name, u.email AS user_email, u.attributes AS user_attributes,
                a.kind, a.role_pks, a.group_pks, a.activate, a.form_data, a.status, a.reason, a.decided_by_name,
                a.created, a.expires_at, a.decided_at
         FROM approval_requests a JOIN users u ON u.pk = a.user_pk LEFT JOIN users c ON c.pk = a.invited_by
         LEFT JOIN directory_groups g ON g.pk = a.approver_group_pk
         WHERE a.pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Decides request `pk` if it is still pending and unexpired at `now`: sets `status`, the reason and who
/// decided. Returns the rows changed: 1 for the one decision, 0 when another approver (or expiry) was
/// first.
///
/// # Errors
/// Database errors.
pub async fn decide(
    ex: impl Exec<'_>,
    pk: &str,
    status: &str,
    reason: &str,
    (by, by_name): (Option<i64>, &str),
    now: i64,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE approval_requests SET status = $1, reason = $2, decided_by = $3, decided_by_name = $4, decided_at = $5
         WHERE pk = $6 AND status = 'pending' AND expires_at > $5",
    )
    .bind(status)
    .bind(reason)
    .bind(by)
    .bind(by_name)
    .bind(now)
    .bind(pk)
    .execute(ex)
    .await
    .map_err(DbError::from)?
    .rows_affected())
}

/// The pending requests past their expiry at `now`, oldest first, at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn due_to_expire(
    ex: impl Exec<'_>,
    now: i64,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar(
        "SELECT pk FROM approval_requests WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at, pk LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Marks pending request `pk` expired when it is past its expiry at `now`. Returns the rows changed.
///
/// # Errors
/// Database errors.
pub async fn expire(ex: impl Exec<'_>, pk: &str, now: i64) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE approval_requests SET status = 'expired', decided_at = $1 WHERE pk = $2 AND status = 'pending' AND expires_at <= $1",
    )
    .bind(now)
    .bind(pk)
    .execute(ex)
    .await
    .map_err(DbError::from)?
    .rows_affected())
}

/// The approvers with an address: the active superusers and the active members of group `group` (pk),
/// each once: `(pk, display name, email)`.
///
/// # Errors
/// Database errors.
pub async fn approvers(
    ex: impl Exec<'_>,
    group: Option<&str>,
) -> Result<Vec<(i64, String, String)>, DbError> {
    sqlx::query_as(
        "SELECT pk, COALESCE(NULLIF(name, ''), username), email FROM users
         WHERE is_active = 1 AND email <> '' AND (is_superuser = 1
            OR pk IN (SELECT user_pk FROM user_group_memberships WHERE group_pk = $1))
         ORDER BY pk",
    )
    .bind(group)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Denies, with `reason`, every pending request of invitation `invitation_pk` at `now` (its accounts were
/// deprovisioned: approval must not bring them back). Returns how many.
///
/// # Errors
/// Database errors.
pub async fn deny_pending_of_invitation(
    ex: impl Exec<'_>,
    invitation_pk: &str,
    reason: &str,
    now: i64,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE approval_requests SET status = 'denied', reason = $1, decided_at = $2
         WHERE invitation_pk = $3 AND status = 'pending'",
    )
    .bind(reason)
    .bind(now)
    .bind(invitation_pk)
    .execute(ex)
    .await
    .map_err(DbError::from)?
    .rows_affected())
}
