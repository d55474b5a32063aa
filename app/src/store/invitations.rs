//! Storage of invitations: the `invitations` table, its grants (`invitation_roles`,
//! `invitation_groups`) and its ledger of uses (`invitation_uses`), and the SQL of the invitation list
//! (filters, per-backend search, byte-order sorting, LIMIT/OFFSET).
//!
//! Times are UTC Unix seconds. `fixed_data` and `emails` are JSON text, decoded by the service.

use super::db::placeholders;
use super::{Backend, Conn, DbError, Exec, Flag};
use crate::service::invitations::{ListQuery, OrderField};

/// Which grant table of an invitation: roles (`invitation_roles` → `directory_roles`) or groups
/// (`invitation_groups` → `directory_groups`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Directory roles.
    Role,
    /// Directory groups.
    Group,
}

/// The stored fields of an invitation a draft sets, ready to bind: the JSON columns as text.
#[derive(Debug, Clone, Copy)]
pub struct InvitationFields<'a> {
    /// Unique name.
    pub name: &'a str,
    /// Description.
    pub description: &'a str,
    /// The bound flow's pk.
    pub flow_pk: &'a str,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// `fixed_data` as a JSON object's text.
    pub fixed_data: &'a str,
    /// Whether the invitation is single-use.
    pub single_use: bool,
    /// Max uses; `None` is unlimited.
    pub quota: Option<i64>,
    /// The email rules as JSON text.
    pub emails: &'a str,
    /// Whether the invitation is enabled.
    pub enabled: bool,
}

/// An invitation as the table shows it, with its flow's slug and its creator's username.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationListRow {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The bound flow's slug.
    pub flow_slug: String,
    /// The bound flow's pk.
    pub flow_pk: String,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// `fixed_data` JSON text as stored.
    pub fixed_data: String,
    /// Whether it is single-use.
    #[sqlx(try_from = "Flag")]
    pub single_use: bool,
    /// Max uses; `None` is unlimited.
    pub quota: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// Email rules JSON text as stored.
    pub emails: String,
    /// Whether it is enabled.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// The creator's username.
    pub created_by: String,
    /// Whether the creator may still invite: their account is active and a superuser (a deactivated or
    /// demoted creator's invitations are disabled; issue 35 item 6).
    #[sqlx(try_from = "Flag")]
    pub creator_active: bool,
    /// The token its link carries, sealed with the instance secret (`SecretKey::seal`, purpose
    /// [`TOKEN_SEAL`], aad the pk); `None` only before the start-up backfill ([`legacy_tokens`]).
    pub token_sealed: Option<String>,
    /// Creation time, UTC Unix seconds.
    pub created: i64,
    /// How many accounts it enrolled (ledger rows `enrolled`).
    pub enrolled_count: i64,
    /// How many outbox messages belong to it.
    pub message_count: i64,
}

/// The columns of [`InvitationListRow`]; a `WHERE` is appended. The two counts use the indexes on
/// `invitation_uses(invitation_pk)` and `outbox(invitation_pk)`.
const SELECT_ROWS: &str = "SELECT i.pk, i.name, i.description, f.slug AS flow_slug, f.pk AS flow_pk, i.expires, i.fixed_data, i.single_use, i.quota,
    i.uses, i.emails, i.enabled, u.username AS created_by, u.is_active * u.is_superuser AS creator_active, i.token_sealed, i.created,
    (SELECT COUNT(*) FROM invitation_uses l WHERE l.invitation_pk = i.pk AND l.action = 'enrolled') AS enrolled_count,
    (SELECT COUNT(*) FROM outbox o WHERE o.invitation_pk = i.pk) AS message_count
    FROM invitations i JOIN flows f ON f.pk = i.flow_pk JOIN users u ON u.pk = i.created_by";

/// A stored invitation's own columns (without its pk), as the typed [`crate::domain::invitation::Invitation`]
/// is read from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredInvitationRow {
    /// Unique name as stored (parsed again by the service).
    pub name: String,
    /// Description.
    pub description: String,
    /// The bound flow's pk.
    pub flow_pk: String,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// `fixed_data` JSON text as stored.
    pub fixed_data: String,
    /// Max uses; `None` is unlimited.
    pub quota: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// Email rules JSON text as stored.
    pub emails: String,
    /// Whether it is enabled.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// The creator's user pk.
    pub created_by: i64,
    /// The lookup digest of the token its link carries (`service::invitations::token_digest`).
    pub token: String,
    /// Creation time, UTC Unix seconds.
    pub created: i64,
}

/// An invitation found by its token, as the invitee journey needs it, with its creator's names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    /// UUID.
    pub pk: String,
    /// The bound flow's pk.
    pub flow_pk: String,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// `fixed_data` JSON text as stored.
    pub fixed_data: String,
    /// Max uses; `None` is unlimited.
    pub quota: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// Email rules JSON text as stored.
    pub emails: String,
    /// Whether it is enabled.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// The creator's display name (may be empty).
    pub creator_name: String,
    /// The creator's username.
    pub creator_username: String,
    /// Whether the creator may still invite: their account is active and a superuser (a deactivated or
    /// demoted creator's invitations are disabled; issue 35 item 6).
    #[sqlx(try_from = "Flag")]
    pub creator_active: bool,
}

/// What decides an invitation's status: enabled, expiry, uses and quota.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct StatusRow {
    /// Whether it is enabled.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// Max uses; `None` is unlimited.
    pub quota: Option<i64>,
    /// Whether the creator's account is active.
    #[sqlx(try_from = "Flag")]
    pub creator_active: bool,
}

/// What the invitation email says about an invitation: its flow's slug, token, expiry and creator.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationMailRow {
    /// The bound flow's slug.
    pub flow_slug: String,
    /// The lookup digest of the token its link carries.
    pub token: String,
    /// The token, sealed (see [`InvitationListRow::token_sealed`]).
    pub token_sealed: Option<String>,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// The creator's display name (may be empty).
    pub creator_name: String,
    /// The creator's username.
    pub creator_username: String,
}

/// One granted role or group of one invitation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    /// The invitation's pk.
    pub invitation_pk: String,
    /// The role's or group's pk.
    pub pk: String,
    /// The role's or group's name.
    pub name: String,
}

/// One ledger entry (`invitation_uses`) of one invitation, with the user's username.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LedgerRow {
    /// The invitation's pk.
    pub invitation_pk: String,
    /// The user's pk.
    pub user_pk: i64,
    /// The user's username.
    pub username: String,
    /// `enrolled` or `joined`.
    pub action: String,
    /// When, UTC Unix seconds.
    pub at: i64,
}

/// The purpose an invitation token is sealed for (`SecretKey::seal`, aad the invitation's pk).
pub const TOKEN_SEAL: &str = "usher-itoken";

/// How an invitation's token is stored (migration 0018): never as given.
#[derive(Debug, Clone, Copy)]
pub struct StoredToken<'a> {
    /// The lookup digest (`service::invitations::token_digest`), 128 hex characters, unique.
    pub digest: &'a str,
    /// The token sealed with the instance secret, for showing the link to admins.
    pub sealed: &'a str,
}

/// Inserts a new invitation with no uses yet.
///
/// # Errors
/// A unique violation when the name is taken (see [`super::is_unique_violation`]); other database errors.
pub async fn insert(
    ex: impl Exec<'_>,
    pk: &str,
    fields: &InvitationFields<'_>,
    created_by: i64,
    token: StoredToken<'_>,
    created: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO invitations (pk, name, description, flow_pk, expires, fixed_data, single_use, quota, uses, emails, enabled, created_by, token, token_sealed, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14)",
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
         single_use = $6, quota = $7, emails = $8, enabled = $9 WHERE pk = $10",
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
}

/// What the invitation email of `pk` says: its flow's slug, token, expiry and creator.
///
/// # Errors
/// [`sqlx::Error::RowNotFound`] when there is no such invitation; other database errors.
pub async fn mail_row(ex: impl Exec<'_>, pk: &str) -> Result<InvitationMailRow, DbError> {
    sqlx::query_as(
        "SELECT f.slug AS flow_slug, i.token, i.token_sealed, i.expires, u.name AS creator_name, u.username AS creator_username
         FROM invitations i JOIN flows f ON f.pk = i.flow_pk
         JOIN users u ON u.pk = i.created_by WHERE i.pk = $1",
    )
    .bind(pk)
    .fetch_one(ex)
    .await
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
    sqlx::query_scalar(sql).bind(pk).fetch_all(ex).await
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
    sqlx::query_scalar(sql).bind(pk).fetch_all(ex).await
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
    q.fetch_all(ex).await
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
    q.fetch_all(ex).await
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
}

/// Stores legacy invitation `pk`'s token `given` as `token` instead, and re-points the outbox messages
/// that carried it (their `itoken`) at the digest, in the caller's transaction. Matches only while the
/// row still holds `given` unsealed, so instances starting together backfill each row once. Returns how
/// many invitations changed (0 or 1).
///
/// # Errors
/// Database errors.
pub async fn seal_legacy_token(
    tx: &mut super::Tx,
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

/// `%term%` for `LIKE … ESCAPE '\'`, lower-cased, with `%`, `_` and `\` escaped.
fn contains_pattern(term: &str) -> String {
    format!(
        "%{}%",
        term.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Invitation `pk` as the table shows it, if it exists.
///
/// # Errors
/// Database errors.
pub async fn list_row(ex: impl Exec<'_>, pk: &str) -> Result<Option<InvitationListRow>, DbError> {
    sqlx::query_as(&format!("{SELECT_ROWS} WHERE i.pk = $1"))
        .bind(pk)
        .fetch_optional(ex)
        .await
}

/// The invitations `pks` as the table shows them, in no particular order.
///
/// # Errors
/// Database errors.
pub async fn list_rows_in(
    ex: impl Exec<'_>,
    pks: &[String],
) -> Result<Vec<InvitationListRow>, DbError> {
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT_ROWS} WHERE i.pk IN ({})",
        placeholders(1, pks.len())
    );
    let mut q = sqlx::query_as::<_, InvitationListRow>(&sql);
    for pk in pks {
        q = q.bind(pk);
    }
    q.fetch_all(ex).await
}

/// A value bound to a list query's placeholder.
enum Bind {
    Text(String),
    Int(i64),
}

/// Whether `term` (lower-cased) can occur in an expiry written as RFC 3339 in UTC
/// (`2026-12-01T17:00:00Z`): only digits, `-`, `:`, `t` and `z` can. A term with any other character
/// cannot match that field, so the list skips formatting every row's expiry for it.
fn may_match_rfc3339(term: &str) -> bool {
    term.to_lowercase()
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 't' | 'z'))
}

/// For one search term, the creators (user pks) and flows (flow pks) it is found in, case-insensitively:
/// read first from the small `users` and `flows` tables, so the invitation query compares
/// `created_by` and `flow_pk` with constants, which both backends answer from an index (an
/// `IN (SELECT …)` beside another condition in an `OR` makes PostgreSQL scan every invitation).
#[derive(Debug, Default)]
struct TermOwners {
    users: Vec<i64>,
    flows: Vec<String>,
}

/// A user or flow pk that a search term was found in.
#[derive(Debug, sqlx::FromRow)]
struct OwnerMatch {
    /// `u` (a user) or `f` (a flow).
    kind: String,
    /// The pk as text.
    pk: String,
}

/// The creators and flows each of `q`'s search terms is found in (one entry per term, in order; none
/// for an empty term).
async fn term_owners<'c>(
    ex: impl Exec<'c> + Copy,
    backend: Backend,
    q: &ListQuery,
) -> Result<Vec<TermOwners>, DbError> {
    let lower = |column: &str| match backend {
        Backend::Sqlite => column.to_owned(),
        Backend::Postgres => format!("LOWER({column})"),
    };
    let sql = format!(
        "SELECT 'u' AS kind, CAST(pk AS TEXT) AS pk FROM users WHERE {} LIKE $1 ESCAPE '\\' \
         UNION ALL SELECT 'f' AS kind, pk FROM flows WHERE {} LIKE $1 ESCAPE '\\'",
        lower("username"),
        lower("slug"),
    );
    let mut out = Vec::new();
    for term in q.search.iter().filter(|t| !t.is_empty()) {
        let rows: Vec<OwnerMatch> = sqlx::query_as(&sql)
            .bind(contains_pattern(term))
            .fetch_all(ex)
            .await?;
        let mut owners = TermOwners::default();
        for r in rows {
            if r.kind == "u" {
                owners.users.extend(r.pk.parse::<i64>().ok());
            } else {
                owners.flows.push(r.pk);
            }
        }
        out.push(owners);
    }
    Ok(out)
}

/// `"term"`: an FTS5 phrase matching `term` literally (a `"` inside is doubled).
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The condition "the invitation's name contains `term`, case-insensitively", its value bound as the
/// next placeholder. On SQLite a term of three characters or more is looked up in the trigram index of
/// migration 0009 (`invitation_search`, FTS5) instead of reading every name; a shorter one, which a
/// trigram index cannot find, compares each name with `LIKE` (which ignores ASCII case). On
/// PostgreSQL, `LOWER(name) LIKE` is answered by migration 0009's `pg_trgm` index.
fn name_contains(backend: Backend, term: &str, binds: &mut Vec<Bind>) -> String {
    match backend {
        Backend::Sqlite if term.chars().count() >= 3 => {
            binds.push(Bind::Text(fts_phrase(term)));
            format!(
                "i.pk IN (SELECT k.pk FROM invitation_search_keys k WHERE k.id IN \
                 (SELECT rowid FROM invitation_search WHERE invitation_search MATCH ${}))",
                binds.len()
            )
        }
        Backend::Sqlite => {
            binds.push(Bind::Text(contains_pattern(term)));
            format!("i.name LIKE ${} ESCAPE '\\'", binds.len())
        }
        Backend::Postgres => {
            binds.push(Bind::Text(contains_pattern(term)));
            format!("LOWER(i.name) LIKE ${} ESCAPE '\\'", binds.len())
        }
    }
}

/// The `FROM … WHERE …` of a list query on `backend`, with its bound values (`$1…` in order); `owners`
/// holds, per search term, the creators and flows it was found in ([`term_owners`]). The creator and
/// flow are joined only when `order` sorts by them; exact filters on them are `IN (SELECT …)` over the
/// small `users` and `flows` tables, so counting and searching read the invitations alone.
fn list_where(
    backend: Backend,
    q: &ListQuery,
    owners: &[TermOwners],
    order: &[(OrderField, bool)],
) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let mut wh: Vec<String> = Vec::new();
    if let Some(v) = &q.name {
        binds.push(Bind::Text(v.clone()));
        wh.push(format!("i.name = ${}", binds.len()));
    }
    if let Some(v) = &q.flow_slug {
        binds.push(Bind::Text(v.clone()));
        wh.push(format!(
            "i.flow_pk IN (SELECT pk FROM flows WHERE slug = ${})",
            binds.len()
        ));
    }
    if let Some(v) = &q.created_by {
        binds.push(Bind::Text(v.clone()));
        wh.push(format!(
            "i.created_by IN (SELECT pk FROM users WHERE username = ${})",
            binds.len()
        ));
    }
    if let Some(v) = q.expires {
        binds.push(Bind::Int(v));
        wh.push(format!("i.expires = ${}", binds.len()));
    }
    if let Some(v) = q.name_contains.as_deref().filter(|v| !v.is_empty()) {
        wh.push(name_contains(backend, v, &mut binds));
    }
    // The expiry as RFC 3339 text in UTC, '' for never.
    let expires_text = match backend {
        Backend::Sqlite => "COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', i.expires, 'unixepoch'), '')",
        Backend::Postgres => {
            "COALESCE(to_char(to_timestamp(i.expires) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
        }
    };
    let terms = q.search.iter().filter(|t| !t.is_empty());
    for (term, owners) in terms.zip(owners) {
        let mut any = vec![name_contains(backend, term, &mut binds)];
        if !owners.users.is_empty() {
            let first = binds.len() + 1;
            binds.extend(owners.users.iter().map(|pk| Bind::Int(*pk)));
            any.push(format!(
                "i.created_by IN ({})",
                placeholders(first, owners.users.len())
            ));
        }
        if !owners.flows.is_empty() {
            let first = binds.len() + 1;
            binds.extend(owners.flows.iter().cloned().map(Bind::Text));
            any.push(format!(
                "i.flow_pk IN ({})",
                placeholders(first, owners.flows.len())
            ));
        }
        if may_match_rfc3339(term) {
            binds.push(Bind::Text(contains_pattern(term)));
            any.push(match backend {
                Backend::Sqlite => format!("{expires_text} LIKE ${} ESCAPE '\\'", binds.len()),
                Backend::Postgres => {
                    format!("LOWER({expires_text}) LIKE ${} ESCAPE '\\'", binds.len())
                }
            });
        }
        wh.push(format!("({})", any.join(" OR ")));
    }
    let mut sql = "FROM invitations i".to_owned();
    if order.iter().any(|(f, _)| *f == OrderField::Flow) {
        sql.push_str(" JOIN flows f ON f.pk = i.flow_pk");
    }
    if order.iter().any(|(f, _)| *f == OrderField::CreatedBy) {
        sql.push_str(" JOIN users u ON u.pk = i.created_by");
    }
    if !wh.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&wh.join(" AND "));
    }
    (sql, binds)
}

/// The `ORDER BY` of a list query on `backend`: byte order for text on both backends (`COLLATE "C"`
/// on PostgreSQL), never (NULL) expiry as the largest, ties by pk; `reversed` flips every term (for
/// reading a page near the end from the end). The expiry terms match the expression indexes of
/// migration 0008, so the default `-expires` order reads an index instead of sorting. With `search`,
/// SQLite is told not to walk an order index (`+` before each term): a search keeps few rows, which
/// are cheaper to sort than to find by visiting every row in index order.
fn list_order(
    backend: Backend,
    order: &[(OrderField, bool)],
    reversed: bool,
    search: bool,
) -> String {
    let c = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " COLLATE \"C\"",
    };
    let plus = if search && backend == Backend::Sqlite {
        "+"
    } else {
        ""
    };
    let dir = |desc: bool| if desc != reversed { "DESC" } else { "ASC" };
    let mut terms: Vec<String> = order
        .iter()
        .map(|(field, desc)| {
            let d = dir(*desc);
            match field {
                OrderField::Pk => format!("{plus}i.pk{c} {d}"),
                OrderField::Name => format!("{plus}i.name{c} {d}"),
                OrderField::Created => format!("{plus}i.created {d}"),
                OrderField::Expires => format!(
                    "{plus}CASE WHEN i.expires IS NULL THEN 1 ELSE 0 END {d}, {plus}i.expires {d}"
                ),
                OrderField::CreatedBy => format!("u.username{c} {d}"),
                OrderField::SingleUse => format!("i.single_use {d}"),
                OrderField::Flow => format!("f.slug{c} {d}"),
                OrderField::FixedData => format!(
                    "CASE WHEN i.fixed_data = '{{}}' THEN 0 ELSE 1 END {d}, i.fixed_data{c} {d}"
                ),
            }
        })
        .collect();
    terms.push(format!("{plus}i.pk{c} {}", dir(false)));
    terms.join(", ")
}

/// How many invitations list query `q` matches on `backend` (its filters and search; not its window).
/// Without filters or search this reads the counter of migration 0011 instead of counting the rows.
///
/// # Errors
/// Database errors.
pub async fn count<'c>(
    ex: impl Exec<'c> + Copy,
    backend: Backend,
    q: &ListQuery,
) -> Result<i64, DbError> {
    if q.filters_nothing() {
        // Kept by migration 0011's triggers in the transaction of every insert and delete.
        return sqlx::query_scalar("SELECT n FROM invitation_count WHERE id = 1")
            .fetch_one(ex)
            .await;
    }
    let owners = term_owners(ex, backend, q).await?;
    let (from, binds) = list_where(backend, q, &owners, &[]);
    let sql = format!("SELECT COUNT(*) {from}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    query.fetch_one(ex).await
}

/// The pks of one page of list query `q` on `backend`: filtered, searched, ordered, then `q.offset`
/// rows skipped and at most `q.limit` returned, in order. When `total` (the query's count) is known and
/// the page lies in the second half, it is read from the end in reverse order with the smaller offset,
/// then put back in order: the last page costs what the first does.
///
/// # Errors
/// Database errors.
pub async fn page_pks<'c>(
    ex: impl Exec<'c> + Copy,
    backend: Backend,
    q: &ListQuery,
    total: Option<u64>,
) -> Result<Vec<String>, DbError> {
    let (offset, limit, reversed) = match total {
        Some(total) if q.offset >= total => return Ok(Vec::new()),
        Some(total) if q.offset > total / 2 => {
            let limit = q.limit.min(total - q.offset);
            (total - q.offset - limit, limit, true)
        }
        _ => (q.offset, q.limit, false),
    };
    let owners = term_owners(ex, backend, q).await?;
    let (from, mut binds) = list_where(backend, q, &owners, &q.order);
    binds.push(Bind::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    binds.push(Bind::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT i.pk {from} ORDER BY {} LIMIT ${} OFFSET ${}",
        list_order(
            backend,
            &q.order,
            reversed,
            !q.search.is_empty() || q.name_contains.as_deref().is_some_and(|n| !n.is_empty()),
        ),
        binds.len() - 1,
        binds.len()
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let mut pks = query.fetch_all(ex).await?;
    if reversed {
        pks.reverse();
    }
    Ok(pks)
}

/// Who an invitation enrolled: the user's pk and the invitation's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolledByRow {
    /// The enrolled user's pk.
    pub user_pk: i64,
    /// The name of the invitation the user enrolled with (as the ledger kept it, once deleted).
    pub invitation_name: String,
    /// Whether that invitation was deleted since (migration 0012 keeps the ledger).
    #[sqlx(try_from = "Flag")]
    pub invitation_deleted: bool,
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
        "SELECT x.user_pk, COALESCE(i.name, x.invitation_name) AS invitation_name,
                CASE WHEN i.pk IS NULL THEN 1 ELSE 0 END AS invitation_deleted
         FROM invitation_uses x LEFT JOIN invitations i ON i.pk = x.invitation_pk WHERE x.action = 'enrolled'",
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
        "INSERT INTO invitation_uses (pk, invitation_pk, invitation_name, user_pk, action, at, ip, user_agent)
         SELECT $1, i.pk, i.name, $3, $4, $5, $6, $7 FROM invitations i WHERE i.pk = $2",
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
