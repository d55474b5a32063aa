//! Reads of one invitation: existence, its mail, grants, ledger, stored fields, by token, status; the conditional consumption of a use.

use super::{
    Grant, GrantRow, InvitationMailRow, LedgerRow, StatusRow, StoredInvitationRow, TokenRow,
};
use crate::store::db::placeholders;
use crate::store::{DbError, Exec};

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

/// What the invitation email of `pk` says: its flow's slug, token, expiry and creator.
///
/// # Errors
/// [`crate::store::Error::NotFound`] when there is no such invitation; other database errors.
pub async fn mail_row(ex: impl Exec<'_>, pk: &str) -> Result<InvitationMailRow, DbError> {
    sqlx::query_as(
        "SELECT f.slug AS flow_slug, i.token, i.token_sealed, i.expires, u.name AS creator_name, u.username AS creator_username
         FROM invitations i JOIN flows f ON f.pk = i.flow_pk
         JOIN users u ON u.pk = i.created_by WHERE i.pk = $1",
    )
    .bind(pk)
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// The names of the roles or groups invitation `pk` grants, by name.
///
/// # Errors
/// Database errors.
pub async fn grant_names(
    ex: impl Exec<'_>,
    grant: Grant,
    pk: &str,
) -> Result<Vec<String>, DbError> {
    let sql = match grant {
        Grant::Role => "SELECT r.name FROM invitation_roles x JOIN directory_roles r ON r.pk = x.role_pk WHERE x.invitation_pk = $1 ORDER BY r.name",
        Grant::Group => "SELECT g.name FROM invitation_groups x JOIN directory_groups g ON g.pk = x.group_pk WHERE x.invitation_pk = $1 ORDER BY g.name",
    };
    sqlx::query_scalar(sql)
        .bind(pk)
        .fetch_all(ex)
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

/// The pks of the roles or groups invitation `pk` grants, in pk order.
///
/// # Errors
/// Database errors.
pub async fn grant_pks(ex: impl Exec<'_>, grant: Grant, pk: &str) -> Result<Vec<String>, DbError> {
    let sql = match grant {
        Grant::Role => {
            "SELECT role_pk FROM invitation_roles WHERE invitation_pk = $1 ORDER BY role_pk"
        }
        Grant::Group => {
            "SELECT group_pk FROM invitation_groups WHERE invitation_pk = $1 ORDER BY group_pk"
        }
    };
    sqlx::query_scalar(sql)
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

/// The stored invitation `pk` (its own columns), if any.
///
/// # Errors
/// Database errors.
pub async fn stored(ex: impl Exec<'_>, pk: &str) -> Result<Option<StoredInvitationRow>, DbError> {
    sqlx::query_as(
        "SELECT name, description, flow_pk, expires, fixed_data, quota, uses, emails, enabled, created_by, token, created
         FROM invitations WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// The invitation whose token has the lookup digest `token`, with its creator's names, if any.
///
/// # Errors
/// Database errors.
pub async fn by_token(ex: impl Exec<'_>, token: &str) -> Result<Option<TokenRow>, DbError> {
    sqlx::query_as(
        "SELECT i.pk, i.flow_pk, i.expires, i.fixed_data, i.quota, i.uses, i.emails, i.enabled, u.name AS creator_name, u.username AS creator_username,
                u.is_active * u.is_superuser AS creator_active
         FROM invitations i JOIN users u ON u.pk = i.created_by WHERE i.token = $1",
    )
    .bind(token)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Consumes one use of invitation `pk` with one conditional update: it matches only while the
/// invitation is enabled, its creator active, unexpired at `now` (UTC Unix seconds), under quota, and
/// still has these `emails` (JSON text), `token` (lookup digest) and `flow_pk`. Returns how many rows changed (1 consumed, 0 refused).
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
           AND (quota IS NULL OR uses < quota) AND emails = $3 AND token = $4 AND flow_pk = $5
           AND EXISTS (SELECT 1 FROM users c WHERE c.pk = invitations.created_by AND c.is_active = 1 AND c.is_superuser = 1)",
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
        "SELECT i.enabled, i.expires, i.uses, i.quota, u.is_active * u.is_superuser AS creator_active
         FROM invitations i JOIN users u ON u.pk = i.created_by WHERE i.pk = $1",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}
