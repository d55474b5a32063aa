//! Reads of one invitation: existence, by pk, by token, grants, ledger, status; the conditional consumption of a use.

use super::{
    invitation_of, Grant, GrantRow, InvitationRow, LedgerRow, StatusRow, SELECT_INVITATION,
};
use crate::domain::invitation::{Granted, Invitation};
use crate::store::db::placeholders;
use crate::store::{Conn, DbError, Exec};

/// Whether invitation `pk` exists.
///
/// # Errors
/// Database errors.
pub async fn exists(ex: impl Exec<'_>, pk: &str) -> Result<bool, DbError> {
    let found: Option<String> = sqlx::query_scalar("SELECT pk FROM invitations WHERE pk = $1")
        .bind(pk)
        .fetch_optional(ex)
        .await?;
    Ok(found.is_some())
}

/// Whether invitation `pk` exists, or existed and left ledger rows (migration 0012 keeps them).
///
/// # Errors
/// Database errors.
pub async fn known(ex: impl Exec<'_>, pk: &str) -> Result<bool, DbError> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT pk FROM invitations WHERE pk = $1
         UNION ALL SELECT invitation_pk FROM invitation_uses WHERE invitation_pk = $1 LIMIT 1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await?;
    Ok(found.is_some())
}

/// The pk of the invitation named `name`, if any.
///
/// # Errors
/// Database errors.
pub async fn pk_by_name(ex: impl Exec<'_>, name: &str) -> Result<Option<String>, DbError> {
    sqlx::query_scalar("SELECT pk FROM invitations WHERE name = $1")
        .bind(name)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// The `(kind, pk, name)` of every role (`kind` = `"role"`) and group (`"group"`) invitation `pk`
/// grants, roles first, each by name: in one query (the landing page's lookup).
///
/// # Errors
/// Database errors.
pub async fn all_grants(
    ex: impl Exec<'_>,
    pk: &str,
) -> Result<Vec<(String, String, String)>, DbError> {
    sqlx::query_as(
        "SELECT 'role' AS kind, r.pk, r.name FROM invitation_roles x JOIN directory_roles r ON r.pk = x.role_pk WHERE x.invitation_pk = $1
         UNION ALL
         SELECT 'group' AS kind, g.pk, g.name FROM invitation_groups x JOIN directory_groups g ON g.pk = x.group_pk WHERE x.invitation_pk = $1
         ORDER BY 1 DESC, 3",
    )
    .bind(pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// The roles or groups granted by any of the invitations `pks`, each invitation's by name.
///
/// # Errors
/// Database errors.
pub async fn grants_in(
    ex: impl Exec<'_>,
    grant: Grant,
    pks: &[String],
) -> Result<Vec<GrantRow>, DbError> {
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let within = placeholders(1, pks.len());
    let sql = match grant {
        Grant::Role => format!(
            "SELECT x.invitation_pk, r.pk, r.name FROM invitation_roles x JOIN directory_roles r ON r.pk = x.role_pk WHERE x.invitation_pk IN ({within}) ORDER BY r.name"
        ),
        Grant::Group => format!(
            "SELECT x.invitation_pk, g.pk, g.name FROM invitation_groups x JOIN directory_groups g ON g.pk = x.group_pk WHERE x.invitation_pk IN ({within}) ORDER BY g.name"
        ),
    };
    let mut q = sqlx::query_as::<_, GrantRow>(&sql);
    for pk in pks {
        q = q.bind(pk);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// The ledgers (`invitation_uses`) of the invitations `pks`, each in time order, then by username.
///
/// # Errors
/// Database errors.
pub async fn ledger_in(ex: impl Exec<'_>, pks: &[String]) -> Result<Vec<LedgerRow>, DbError> {
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT x.invitation_pk, u.pk AS user_pk, u.username, x.action, x.at FROM invitation_uses x JOIN users u ON u.pk = x.user_pk WHERE x.invitation_pk IN ({}) ORDER BY x.at, u.username",
        placeholders(1, pks.len())
    );
    let mut q = sqlx::query_as::<_, LedgerRow>(&sql);
    for pk in pks {
        q = q.bind(pk);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// Invitation `pk`, read from its row ([`InvitationRow`]) and its grants (a second statement), if
/// it exists.
///
/// # Errors
/// Database errors, and a stored name, `fixed_data` or `emails` that does not decode.
pub async fn by_pk(conn: &mut Conn, pk: &str) -> Result<Option<Invitation>, DbError> {
    let row: Option<InvitationRow> =
        sqlx::query_as(&format!("{SELECT_INVITATION} WHERE i.pk = $1"))
            .bind(pk)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some(row) => with_grants(conn, row).await.map(Some),
        None => Ok(None),
    }
}

/// The invitation whose token has the lookup digest `token`, read as [`by_pk`] reads one, if any.
///
/// # Errors
/// As [`by_pk`].
pub async fn by_token(conn: &mut Conn, token: &str) -> Result<Option<Invitation>, DbError> {
    let row: Option<InvitationRow> =
        sqlx::query_as(&format!("{SELECT_INVITATION} WHERE i.token = $1"))
            .bind(token)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some(row) => with_grants(conn, row).await.map(Some),
        None => Ok(None),
    }
}

/// The invitation of `row` with its roles and groups ([`all_grants`]).
async fn with_grants(conn: &mut Conn, row: InvitationRow) -> Result<Invitation, DbError> {
    let (mut roles, mut groups) = (Vec::new(), Vec::new());
    for (kind, pk, name) in all_grants(&mut *conn, &row.pk).await? {
        let g = Granted { pk, name };
        if kind == "role" {
            roles.push(g);
        } else {
            groups.push(g);
        }
    }
    Ok(invitation_of(row, roles, groups))
}

/// Consumes one use of invitation `pk` with one conditional update: it matches only while the
/// invitation is enabled, its creator active, open and unexpired at `now` (UTC Unix seconds), under quota,
/// and still has these `emails` (JSON text), `token` (lookup digest: its own, or one of its named links',
/// whose share [`super::consume_link`] checks) and `flow_pk`. Returns how many rows changed (1 consumed, 0 refused).
///
/// # Errors
/// Database errors.
pub async fn consume(
    ex: impl Exec<'_>,
    pk: &str,
    now: i64,
    emails: &str,
    token: &str,
    flow_pk: &str,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE invitations SET uses = uses + 1
         WHERE pk = $1 AND enabled = 1 AND (expires IS NULL OR expires > $2)
           AND (not_before IS NULL OR not_before <= $2)
           AND (quota IS NULL OR uses < quota) AND emails = $3 AND flow_pk = $5
           AND (token = $4 OR EXISTS (SELECT 1 FROM invitation_links l WHERE l.invitation_pk = invitations.pk AND l.token = $4))
           AND EXISTS (SELECT 1 FROM users c WHERE c.pk = invitations.created_by AND c.is_active * (CASE WHEN c.is_superuser = 1 OR EXISTS (SELECT 1 FROM user_role_memberships m JOIN directory_roles r ON r.pk = m.role_pk WHERE m.user_pk = c.pk AND r.inviter_policy IS NOT NULL) THEN 1 ELSE 0 END) = 1)",
    )
    .bind(pk)
    .bind(now)
    .bind(emails)
    .bind(token)
    .bind(flow_pk)
    .execute(ex)
    .await?
    .rows_affected())
}

/// What decides the status of invitation `pk` now, if it exists.
///
/// # Errors
/// Database errors.
pub async fn status(ex: impl Exec<'_>, pk: &str) -> Result<Option<StatusRow>, DbError> {
    sqlx::query_as(
        "SELECT i.enabled, i.not_before, i.expires, i.uses, i.quota, u.is_active * (CASE WHEN u.is_superuser = 1 OR EXISTS (SELECT 1 FROM user_role_memberships m JOIN directory_roles r ON r.pk = m.role_pk WHERE m.user_pk = u.pk AND r.inviter_policy IS NOT NULL) THEN 1 ELSE 0 END) AS creator_active
         FROM invitations i JOIN users u ON u.pk = i.created_by WHERE i.pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}
