//! Writes of invitations: insert, update, grants, toggling, tokens, delete, deprovisioning.

use super::{InvitationFields, StoredToken};
use crate::store::{Conn, DbError, Exec, Flag};

/// Inserts a new invitation with no uses yet.
///
/// # Errors
/// A unique violation when the name is taken (see [`crate::store::is_unique_violation`]); other database errors.
pub async fn insert(
    ex: impl Exec<'_>,
    pk: &str,
    fields: &InvitationFields<'_>,
    created_by: i64,
    token: StoredToken<'_>,
    created: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO invitations (pk, name, description, flow_pk, expires, fixed_data, single_use, quota, uses, emails, enabled, created_by, token, token_sealed, created, notify_creator, not_before, reminder_days, locale, requires_approval)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(pk)
    .bind(fields.name)
    .bind(fields.description)
    .bind(fields.flow_pk)
    .bind(fields.expires)
    .bind(fields.fixed_data)
    .bind(Flag(fields.single_use))
    .bind(fields.quota)
    .bind(fields.emails)
    .bind(Flag(fields.enabled))
    .bind(created_by)
    .bind(token.digest)
    .bind(token.sealed)
    .bind(created)
    .bind(Flag(fields.notify_creator.unwrap_or(false)))
    .bind(fields.not_before)
    .bind(fields.reminder_days.unwrap_or("[]"))
    .bind(fields.locale)
    .bind(Flag(fields.requires_approval.unwrap_or(false)))
    .execute(ex)
    .await?;
    Ok(())
}

/// Overwrites the draft fields of invitation `pk` (uses, token, creator and creation time are kept).
/// Returns how many rows changed (0 when there is no such invitation).
///
/// # Errors
/// A unique violation when the name is taken; other database errors.
pub async fn update(
    ex: impl Exec<'_>,
    pk: &str,
    fields: &InvitationFields<'_>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE invitations SET name = $1, description = $2, flow_pk = $3, expires = $4, fixed_data = $5,
         single_use = $6, quota = $7, emails = $8, enabled = $9,
         notify_creator = COALESCE($11, notify_creator), not_before = $12,
         reminder_days = COALESCE($13, reminder_days), locale = $14,
         requires_approval = COALESCE($15, requires_approval),
         reminders_sent = CASE WHEN COALESCE(expires, -1) = COALESCE(CAST($4 AS BIGINT), -1) THEN reminders_sent ELSE 0 END
         WHERE pk = $10",
    )
    .bind(fields.name)
    .bind(fields.description)
    .bind(fields.flow_pk)
    .bind(fields.expires)
    .bind(fields.fixed_data)
    .bind(Flag(fields.single_use))
    .bind(fields.quota)
    .bind(fields.emails)
    .bind(Flag(fields.enabled))
    .bind(pk)
    .bind(fields.notify_creator.map(Flag))
    .bind(fields.not_before)
    .bind(fields.reminder_days)
    .bind(fields.locale)
    .bind(fields.requires_approval.map(Flag))
    .execute(ex)
    .await?
    .rows_affected())
}

/// Replaces the roles and groups invitation `pk` grants with `roles` and `groups` (pks), in four kinds
/// of statements on `conn` (run it inside a transaction).
///
/// # Errors
/// Database errors (e.g. a role or group pk that does not exist).
pub async fn replace_grants(
    conn: &mut Conn,
    pk: &str,
    roles: &[String],
    groups: &[String],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM invitation_roles WHERE invitation_pk = $1")
        .bind(pk)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM invitation_groups WHERE invitation_pk = $1")
        .bind(pk)
        .execute(&mut *conn)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO invitation_roles (invitation_pk, role_pk) VALUES ($1, $2)")
            .bind(pk)
            .bind(role)
            .execute(&mut *conn)
            .await?;
    }
    for group in groups {
        sqlx::query("INSERT INTO invitation_groups (invitation_pk, group_pk) VALUES ($1, $2)")
            .bind(pk)
            .bind(group)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Switches invitation `pk` on or off. Returns how many rows changed (0 when there is none).
///
/// # Errors
/// Database errors.
pub async fn set_enabled(ex: impl Exec<'_>, pk: &str, enabled: bool) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE invitations SET enabled = $1 WHERE pk = $2")
            .bind(Flag(enabled))
            .bind(pk)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Gives invitation `pk` the token `token`. Returns how many rows changed (0 when there is none).
///
/// # Errors
/// Database errors (a token already in use violates its unique index).
pub async fn set_token(
    ex: impl Exec<'_>,
    pk: &str,
    token: StoredToken<'_>,
) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE invitations SET token = $1, token_sealed = $2 WHERE pk = $3")
            .bind(token.digest)
            .bind(token.sealed)
            .bind(pk)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Invitations stored before migration 0018, whose `token` column still holds the token as given
/// (`token_sealed IS NULL`): `(pk, token)` pairs, at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn legacy_tokens(
    ex: impl Exec<'_>,
    limit: i64,
) -> Result<Vec<(String, String)>, DbError> {
    sqlx::query_as(
        "SELECT pk, token FROM invitations WHERE token_sealed IS NULL ORDER BY pk LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Stores legacy invitation `pk`'s token `given` as `token` instead, and re-points the outbox messages
/// that carried it (their `itoken`) at the digest, in the caller's transaction. Matches only while the
/// row still holds `given` unsealed, so instances starting together backfill each row once. Returns how
/// many invitations changed (0 or 1).
///
/// # Errors
/// Database errors.
pub async fn seal_legacy_token(
    tx: &mut crate::store::Tx,
    pk: &str,
    given: &str,
    token: StoredToken<'_>,
) -> Result<u64, DbError> {
    let n = sqlx::query(
        "UPDATE invitations SET token = $1, token_sealed = $2 WHERE pk = $3 AND token = $4 AND token_sealed IS NULL",
    )
    .bind(token.digest)
    .bind(token.sealed)
    .bind(pk)
    .bind(given)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 {
        sqlx::query("UPDATE outbox SET itoken = $1 WHERE invitation_pk = $2 AND itoken = $3")
            .bind(token.digest)
            .bind(pk)
            .bind(given)
            .execute(&mut **tx)
            .await?;
    }
    Ok(n)
}

/// Deletes invitation `pk` (its grants cascade; its ledger rows stay, migration 0012). Returns how many rows went (0 when
/// there is none).
///
/// # Errors
/// Database errors.
pub async fn delete(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM invitations WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// Deactivates, in one statement, every active non-superuser account invitation `pk` enrolled (its
/// ledger's `enrolled` rows). Returns how many were deactivated.
///
/// # Errors
/// Database errors.
pub async fn deactivate_enrolled(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE users SET is_active = 0 WHERE is_active = 1 AND is_superuser = 0
         AND pk IN (SELECT user_pk FROM invitation_uses WHERE invitation_pk = $1 AND action = 'enrolled')",
    )
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Sets whether invitation `pk`'s uses wait for an approver, and the group (pk) whose members approve
/// them besides the admins (a member's invitation takes both from the inviter policy it was made
/// under). Returns the rows changed.
///
/// # Errors
/// Database errors.
pub async fn set_requires_approval(
    ex: impl Exec<'_>,
    pk: &str,
    on: bool,
    approvers: Option<&str>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE invitations SET requires_approval = $1, approver_group_pk = $2 WHERE pk = $3",
    )
    .bind(Flag(on))
    .bind(approvers)
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected())
}

/// The group (pk) whose members approve the uses of invitation `pk` besides the admins, if any.
///
/// # Errors
/// Database errors.
pub async fn approver_group(ex: impl Exec<'_>, pk: &str) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT approver_group_pk FROM invitations WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await?
    .flatten())
}
