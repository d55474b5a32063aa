//! Storage of invitations: the `invitations` table, its grants (`invitation_roles`,
//! `invitation_groups`) and its ledger of uses (`invitation_uses`), and the SQL of the invitation list
//! (filters, per-backend search, byte-order sorting, LIMIT/OFFSET).
//!
//! Times are UTC Unix seconds. `fixed_data` and `emails` are JSON text, decoded by the service.

use super::Flag;

mod list;
mod read;
mod uses;
mod write;

pub use list::*;
pub use read::*;
pub use uses::*;
pub use write::*;

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
