//! Storage of invitations: the `invitations` table, its grants (`invitation_roles`,
//! `invitation_groups`) and its ledger of uses (`invitation_uses`), and the SQL of the invitation list
//! (filters, per-backend search, byte-order sorting, LIMIT/OFFSET).
//!
//! Times are UTC Unix seconds. `fixed_data` and `emails` are JSON text, decoded in the row
//! ([`InvitationRow`]); every read of an invitation returns the domain's
//! [`crate::domain::invitation::Invitation`].

use super::Flag;
use crate::domain::email_rules::EmailRule;
use crate::domain::invitation::{Creator, Granted, Invitation, InvitationName, Quota, UseAction};
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};

mod links;
mod list;
mod read;
mod reminders;
mod uses;
mod views;
mod write;

pub use links::*;
pub use list::*;
pub use read::*;
pub use reminders::*;
pub use uses::*;
pub use views::*;
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
    /// Start time, UTC Unix seconds; `None` opens at once.
    pub not_before: Option<i64>,
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
    /// Whether its creator is emailed of its uses, failed deliveries and unused expiry; `None` keeps
    /// what is stored (off for a new invitation).
    pub notify_creator: Option<bool>,
    /// The reminder schedule as a JSON array's text; `None` keeps what is stored (none for a new
    /// invitation).
    pub reminder_days: Option<&'a str>,
    /// The invitee's language code (`en`, `de`); `None`: the invitee's browser decides.
    pub locale: Option<&'a str>,
    /// Whether its uses wait for an approver; `None` keeps what is stored (off for a new invitation).
    pub requires_approval: Option<bool>,
}

/// An invitation's row as every read of one returns it ([`SELECT_INVITATION`]): its own columns, its
/// flow's slug, and its creator's standing, the JSON columns and the name decoded here (a stored value
/// that does not decode fails the read: never a default, as an empty list of email rules would admit
/// everyone). Read into [`Invitation`] with its grants ([`invitation_of`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    /// UUID.
    pub pk: String,
    /// Unique name, parsed again.
    #[sqlx(try_from = "String")]
    pub name: InvitationName,
    /// Description.
    pub description: String,
    /// The bound flow's pk.
    pub flow_pk: String,
    /// The bound flow's slug.
    pub flow_slug: String,
    /// Expiry, UTC Unix seconds; `None` never expires.
    pub expires: Option<i64>,
    /// Start time, UTC Unix seconds; `None` opens at once (migration 0032).
    pub not_before: Option<i64>,
    /// `fixed_data`, a JSON object.
    pub fixed_data: FixedDataColumn,
    /// Max uses; `None` is unlimited.
    pub quota: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// The email rules, decoded, with their stored text.
    pub emails: EmailsColumn,
    /// Whether it is enabled.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// Whether its creator is notified (migration 0031).
    #[sqlx(try_from = "Flag")]
    pub notify_creator: bool,
    /// The reminder schedule, a JSON array of days (migration 0035).
    pub reminder_days: String,
    /// The invitee's language code (migration 0036); `None`: the browser's.
    pub locale: Option<String>,
    /// Whether its uses wait for an approver (migration 0038).
    #[sqlx(try_from = "Flag")]
    pub requires_approval: bool,
    /// The lookup digest of the token its link carries (`service::invitations::token_digest`).
    pub token: String,
    /// The token its link carries, sealed with the instance secret (`SecretKey::seal`, purpose
    /// [`TOKEN_SEAL`], aad the pk); `None` only before the start-up backfill ([`legacy_tokens`]).
    pub token_sealed: Option<String>,
    /// Creation time, UTC Unix seconds.
    pub created: i64,
    /// The creator's pk.
    pub creator_pk: i64,
    /// The creator's username.
    pub creator_username: String,
    /// The creator's display name (may be empty).
    pub creator_name: String,
    /// The creator's email.
    pub creator_email: String,
    /// The creator's UUID.
    pub creator_uid: String,
    /// Whether the creator's account is active.
    #[sqlx(try_from = "Flag")]
    pub creator_is_active: bool,
    /// Whether the creator may still invite: active, and a superuser or holding a role with an inviter
    /// policy (issue 35 item 6, issue 17 item 1). The same expression stands in every statement that
    /// reads or uses an invitation (here twice, `read.rs` twice); taking the role or its policy away
    /// disables the member's invitations, as demoting an admin disables theirs.
    #[sqlx(try_from = "Flag")]
    pub creator_may_invite: bool,
    /// The creator's last sign-in, UTC Unix seconds.
    pub creator_last_login: Option<i64>,
    /// The creator's attributes (an unreadable value reads as `{}`).
    pub creator_attributes: AttributesColumn,
}

/// An invitation's row in a list: [`InvitationRow`] and its two counts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedRow {
    /// The invitation's row.
    #[sqlx(flatten)]
    pub invitation: InvitationRow,
    /// How many accounts it enrolled (ledger rows `enrolled`).
    pub enrolled_count: i64,
    /// How many outbox messages belong to it.
    pub message_count: i64,
}

/// The columns of [`InvitationRow`] and their joins; a `WHERE` is appended.
const SELECT_INVITATION: &str = "SELECT i.pk, i.name, i.description, i.flow_pk, f.slug AS flow_slug, i.expires, i.not_before, i.fixed_data, i.quota, i.uses,
    i.emails, i.enabled, i.notify_creator, i.reminder_days, i.locale, i.requires_approval, i.token, i.token_sealed, i.created, u.pk AS creator_pk, u.username AS creator_username, u.name AS creator_name,
    u.email AS creator_email, u.uid AS creator_uid, u.is_active AS creator_is_active, u.is_active * (CASE WHEN u.is_superuser = 1 OR EXISTS (SELECT 1 FROM user_role_memberships m JOIN directory_roles r ON r.pk = m.role_pk WHERE m.user_pk = u.pk AND r.inviter_policy IS NOT NULL) THEN 1 ELSE 0 END) AS creator_may_invite,
    u.last_login AS creator_last_login, u.attributes AS creator_attributes
    FROM invitations i JOIN flows f ON f.pk = i.flow_pk JOIN users u ON u.pk = i.created_by";

/// The columns of [`ListedRow`]: [`SELECT_INVITATION`]'s and the two counts, which use the indexes on
/// `invitation_uses(invitation_pk)` and `outbox(invitation_pk)`; a `WHERE` is appended.
const SELECT_LISTED: &str = "SELECT i.pk, i.name, i.description, i.flow_pk, f.slug AS flow_slug, i.expires, i.not_before, i.fixed_data, i.quota, i.uses,
    i.emails, i.enabled, i.notify_creator, i.reminder_days, i.locale, i.requires_approval, i.token, i.token_sealed, i.created, u.pk AS creator_pk, u.username AS creator_username, u.name AS creator_name,
    u.email AS creator_email, u.uid AS creator_uid, u.is_active AS creator_is_active, u.is_active * (CASE WHEN u.is_superuser = 1 OR EXISTS (SELECT 1 FROM user_role_memberships m JOIN directory_roles r ON r.pk = m.role_pk WHERE m.user_pk = u.pk AND r.inviter_policy IS NOT NULL) THEN 1 ELSE 0 END) AS creator_may_invite,
    u.last_login AS creator_last_login, u.attributes AS creator_attributes,
    (SELECT COUNT(*) FROM invitation_uses l WHERE l.invitation_pk = i.pk AND l.action = 'enrolled') AS enrolled_count,
    (SELECT COUNT(*) FROM outbox o WHERE o.invitation_pk = i.pk) AS message_count
    FROM invitations i JOIN flows f ON f.pk = i.flow_pk JOIN users u ON u.pk = i.created_by";

/// The invitation of `row`, granting `roles` and `groups`.
fn invitation_of(row: InvitationRow, roles: Vec<Granted>, groups: Vec<Granted>) -> Invitation {
    Invitation {
        pk: row.pk,
        name: row.name,
        description: row.description,
        flow_pk: row.flow_pk,
        flow_slug: row.flow_slug,
        expires: row.expires,
        not_before: row.not_before,
        fixed_data: row.fixed_data.0,
        quota: Quota::from_max(row.quota),
        uses: row.uses,
        emails: row.emails.rules,
        emails_stored: row.emails.stored,
        roles,
        groups,
        enabled: row.enabled,
        notify_creator: row.notify_creator,
        // Written only from a checked list; anything else reads as no reminders (they are a courtesy,
        // never a grant).
        reminder_days: serde_json::from_str(&row.reminder_days).unwrap_or_default(),
        // Written only from a parsed locale; a language this build no longer speaks reads as none
        // (the browser's language then applies).
        locale: row
            .locale
            .as_deref()
            .and_then(|l| crate::i18n::Locale::parse(l).ok()),
        requires_approval: row.requires_approval,
        created_by: Creator {
            pk: row.creator_pk,
            username: row.creator_username,
            name: row.creator_name,
            email: row.creator_email,
            uid: row.creator_uid,
            is_active: row.creator_is_active,
            may_invite: row.creator_may_invite,
            last_login: row.creator_last_login,
            attributes: row.creator_attributes.0,
        },
        token: row.token,
        token_sealed: row.token_sealed,
        created: row.created,
        link: None,
    }
}

/// The `fixed_data` column: a JSON object, decoded in the row; anything else fails the read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FixedDataColumn(pub serde_json::Map<String, serde_json::Value>);

/// The `emails` column: the email rules decoded in the row, and the JSON text as stored (consuming a
/// use matches it). A value that does not decode fails the read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmailsColumn {
    /// The rules.
    pub rules: Vec<EmailRule>,
    /// Their stored JSON text.
    pub stored: String,
}

/// A user's `attributes` column: JSON, an unreadable value reading as `{}` (as the REST API shows it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttributesColumn(pub serde_json::Value);

impl Type<Any> for FixedDataColumn {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for FixedDataColumn {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        Ok(Self(serde_json::from_str(&text)?))
    }
}

impl Type<Any> for EmailsColumn {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for EmailsColumn {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let stored = <String as Decode<'r, Any>>::decode(value)?;
        Ok(Self {
            rules: serde_json::from_str(&stored)?,
            stored,
        })
    }
}

impl Type<Any> for AttributesColumn {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for AttributesColumn {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        Ok(Self(serde_json::from_str(&text).unwrap_or_else(|_| {
            serde_json::Value::Object(serde_json::Map::new())
        })))
    }
}

/// What decides an invitation's status: enabled, start time, expiry, uses and quota.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct StatusRow {
    /// Whether it is enabled.
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    /// Start time, UTC Unix seconds; `None` opens at once.
    pub not_before: Option<i64>,
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
    /// `enrolled` or `joined`, decoded in the row.
    #[sqlx(try_from = "String")]
    pub action: UseAction,
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
