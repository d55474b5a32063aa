//! Invitation rules: name syntax, status, quota, link building (DESIGN.md "Domain model").

use super::email_rules::EmailRule;
use crate::t;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An invitation's name: a slug matching `^[-a-zA-Z0-9_]+$` (authentik's `Invitation.name` SlugField),
/// at most 50 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationName(String);

impl InvitationName {
    /// Parses a name, trimming surrounding whitespace.
    ///
    /// # Errors
    /// [`NameError`]: empty, too long, or a character other than ASCII letters, digits, `-` and `_`.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(NameError::Required);
        }
        if s.len() > 50 {
            return Err(NameError::TooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(NameError::NotASlug);
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored name read back (the invitation row decodes it): parsed again, so a corrupt one is refused.
impl TryFrom<String> for InvitationName {
    type Error = NameError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// What a use of an invitation was, as the ledger (`invitation_uses.action`) records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseAction {
    /// A new account was created through the invitation's flow.
    Enrolled,
    /// An existing account accepted the invitation.
    Joined,
}

impl UseAction {
    /// `enrolled` or `joined`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrolled => "enrolled",
            Self::Joined => "joined",
        }
    }

    /// The stored text back; `None` for anything else (a corrupt row, which the reader refuses).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "enrolled" => Some(Self::Enrolled),
            "joined" => Some(Self::Joined),
            _ => None,
        }
    }
}

/// A stored action that is neither `enrolled` nor `joined` (a corrupt ledger row; readers refuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAction(pub String);

impl UnknownAction {
    /// This error's message in `l` (the catalogue's `err-inv-unknown-action`); its `Display` is the
    /// English one. The action is quoted as Rust's `{:?}` quotes it.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        t!(l, "err-inv-unknown-action", value = format!("{:?}", self.0))
    }
}

impl std::fmt::Display for UnknownAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for UnknownAction {}

/// The ledger row's `action` read back (the row decodes it).
impl TryFrom<String> for UseAction {
    type Error = UnknownAction;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownAction(s))
    }
}

/// One use of an invitation, as its ledger (`invitation_uses`) records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The account's pk.
    pub user_pk: i64,
    /// The account's username.
    pub username: String,
    /// Whether the account was created through it or joined with it.
    pub action: UseAction,
    /// When, UTC Unix seconds.
    pub at: i64,
}

/// The computed state of an invitation, evaluated in this order: disabled, not yet open, expired, used
/// up, active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// `enabled = false` (the admin switched it off), or its creator's account is deactivated
    /// (issue 12: a deactivated admin's links stop working with their account).
    Disabled,
    /// `now < not_before`: scheduled, it opens later (issue 15 item 5); it grants nothing before.
    NotYetOpen,
    /// `expires <= now`.
    Expired,
    /// `quota` is set and `uses >= quota`.
    UsedUp,
    /// Usable.
    Active,
}

impl InvitationStatus {
    /// Computes the status. `creator_active` is whether the creator's account is active; `window` is
    /// `(not_before, expires)` and `now` is UTC Unix seconds (`None`: opens at once, never expires);
    /// `quota` `None` means unlimited. An invitation whose expiry instant equals `now` is expired; one
    /// whose `not_before` equals `now` is open.
    pub fn compute(
        enabled: bool,
        creator_active: bool,
        (not_before, expires): (Option<i64>, Option<i64>),
        uses: i64,
        quota: Option<i64>,
        now: i64,
    ) -> Self {
        if !enabled || !creator_active {
            Self::Disabled
        } else if not_before.is_some_and(|n| now < n) {
            Self::NotYetOpen
        } else if expires.is_some_and(|e| e <= now) {
            Self::Expired
        } else if quota.is_some_and(|q| uses >= q) {
            Self::UsedUp
        } else {
            Self::Active
        }
    }

    /// The label shown in badges: `active`, `disabled`, `scheduled`, `expired`, `used up`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::NotYetOpen => "scheduled",
            Self::Expired => "expired",
            Self::UsedUp => "used up",
            Self::Active => "active",
        }
    }

    /// The reason an invitee may be told when the invitation cannot be used, `None` when active. A
    /// scheduled one's invitee is told when it opens (`crate::error`'s `NotYetOpen`); this is the
    /// wording without the time.
    pub fn refusal_reason(self) -> Option<&'static str> {
        match self {
            Self::Disabled => Some("This invitation has been disabled."),
            Self::NotYetOpen => Some("This invitation is not open yet."),
            Self::Expired => Some("This invitation has expired."),
            Self::UsedUp => Some("This invitation has already been used."),
            Self::Active => None,
        }
    }
}

impl fmt::Display for InvitationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Reconciles `single_use` and `quota` (DESIGN.md: "single_use ⇔ quota 1").
///
/// Returns the stored `(single_use, quota)` pair: single use forces quota 1, and quota 1 means single use.
///
/// # Errors
/// [`QuotaError::BelowOne`], or [`QuotaError::SingleUseNotOne`] when single use is combined with a
/// quota other than 1.
pub fn reconcile_quota(
    single_use: bool,
    quota: Option<i64>,
) -> Result<(bool, Option<i64>), QuotaError> {
    match (single_use, quota) {
        (_, Some(q)) if q < 1 => Err(QuotaError::BelowOne),
        (true, Some(q)) if q != 1 => Err(QuotaError::SingleUseNotOne),
        (true, _) => Ok((true, Some(1))),
        (false, Some(1)) => Ok((true, Some(1))),
        (false, q) => Ok((false, q)),
    }
}

/// Parses the quota field of the form: empty means unlimited.
///
/// # Errors
/// [`QuotaError::NotANumber`].
pub fn parse_quota(raw: &str) -> Result<Option<i64>, QuotaError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .map(Some)
        .map_err(|_| QuotaError::NotANumber)
}

/// Why an invitation name is refused; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NameError {
    /// Empty after trimming.
    Required,
    /// Longer than 50 characters.
    TooLong,
    /// Not a slug.
    NotASlug,
}

impl NameError {
    /// This error's message in `l` (the catalogue's `err-inv-name-…` keys); its `Display` is the English
    /// one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Required => t!(l, "err-inv-name-required"),
            Self::TooLong => t!(l, "err-inv-name-too-long"),
            Self::NotASlug => t!(l, "err-inv-name-not-a-slug"),
        }
    }
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for NameError {}

/// Why a quota is refused; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuotaError {
    /// Below 1.
    BelowOne,
    /// Single use with a quota other than 1.
    SingleUseNotOne,
    /// Not a whole number.
    NotANumber,
}

impl QuotaError {
    /// This error's message in `l` (the catalogue's `err-inv-quota-…` keys); its `Display` is the English
    /// one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::BelowOne => t!(l, "err-inv-quota-below-one"),
            Self::SingleUseNotOne => t!(l, "err-inv-quota-single-use-not-one"),
            Self::NotANumber => t!(l, "err-inv-quota-not-a-number"),
        }
    }
}

impl std::fmt::Display for QuotaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for QuotaError {}

/// Builds the invitation link `{public_url}/if/flow/{flow_slug}/?itoken={token}` (authentik's link form).
/// A trailing `/` on `public_url` is ignored.
pub fn invitation_link(public_url: &str, flow_slug: &str, token: &str) -> String {
    format!(
        "{}/if/flow/{}/?itoken={}",
        public_url.trim_end_matches('/'),
        flow_slug,
        token
    )
}

/// Whether `raw` has the shape of an invitation token (a hyphenated UUID). Anything else is refused
/// before any database look-up.
pub fn is_token_shaped(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// How often an invitation may be used (Layer5's `quota`; authentik's `single_use` is `Limited(1)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quota {
    /// No limit (stored as a NULL quota).
    Unlimited,
    /// At most this many uses, at least 1.
    Limited(i64),
}

impl Quota {
    /// One use: authentik's `single_use`.
    pub const SINGLE_USE: Self = Self::Limited(1);

    /// From authentik's `single_use` and Layer5's `quota` together ([`reconcile_quota`]).
    ///
    /// # Errors
    /// [`InvitationError::Quota`] when the quota is below 1 or single use has a quota other than 1.
    pub fn new(single_use: bool, quota: Option<i64>) -> Result<Self, InvitationError> {
        let (_, q) = reconcile_quota(single_use, quota).map_err(InvitationError::Quota)?;
        Ok(Self::from_max(q))
    }

    /// From a stored maximum (`None` = unlimited).
    pub fn from_max(max: Option<i64>) -> Self {
        max.map_or(Self::Unlimited, Self::Limited)
    }

    /// The maximum number of uses, `None` when unlimited.
    pub fn max(self) -> Option<i64> {
        match self {
            Self::Unlimited => None,
            Self::Limited(q) => Some(q),
        }
    }

    /// Whether one use uses the invitation up (DESIGN.md: `single_use` ⇔ quota 1).
    pub fn is_single_use(self) -> bool {
        self == Self::SINGLE_USE
    }
}

/// A field of an invitation, as errors name it; each edge says it in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationField {
    /// `name`.
    Name,
    /// `flow`.
    Flow,
    /// `expires` (the dashboard's "never expires" included).
    Expires,
    /// `not_before` (the dashboard's "Opens at").
    NotBefore,
    /// `reminder_days` (Usher's own).
    ReminderDays,
    /// `locale` (Usher's own): the invitee's language.
    Locale,
    /// `fixed_data` ("custom attributes").
    FixedData,
    /// `quota` and `single_use`.
    Quota,
    /// `emails`.
    Emails,
    /// `roles`.
    Roles,
    /// `groups`.
    Groups,
}

impl InvitationField {
    /// The field's key in the dashboard form and in authentik's API (they agree).
    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Flow => "flow",
            Self::Expires => "expires",
            Self::NotBefore => "not_before",
            Self::ReminderDays => "reminder_days",
            Self::Locale => "locale",
            Self::FixedData => "fixed_data",
            Self::Quota => "quota",
            Self::Emails => "emails",
            Self::Roles => "roles",
            Self::Groups => "groups",
        }
    }
}

/// Why an invitation draft or patch was refused, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationError {
    /// The name is not a slug.
    Name(NameError),
    /// Another invitation has this name.
    NameTaken,
    /// No flow, or one that does not exist.
    Flow,
    /// The expiry is not a date and time.
    ExpiresInvalid(crate::domain::NotADateTime),
    /// A new invitation that would already be expired.
    ExpiresInPast,
    /// The start time is not a date and time.
    NotBeforeInvalid,
    /// The start time is at or after the expiry: the invitation would never open.
    NotBeforeAfterExpiry,
    /// The reminder schedule does not parse.
    Reminders(crate::domain::campaign::ReminderError),
    /// A language Usher does not speak.
    Locale(crate::i18n::UnknownLocale),
    /// Reminders on an invitation that never expires.
    RemindersNeedExpiry,
    /// The custom attributes do not parse, or their `email` is not an address.
    FixedData(crate::domain::fixed_data::FixedDataError),
    /// The quota is below 1, not a number, or contradicts single use.
    Quota(QuotaError),
    /// An email rule does not parse.
    Emails(crate::domain::email_rules::EmailRulesError),
    /// No role has this pk or name (as given).
    UnknownRole(String),
    /// No group has this pk or name (as given).
    UnknownGroup(String),
}

impl InvitationError {
    /// This error's message in `l` (the catalogue's `err-inv-…` keys, or the wrapped error's); its
    /// `Display` is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Name(e) => e.worded(l),
            Self::NameTaken => t!(l, "err-inv-name-taken"),
            Self::Flow => t!(l, "err-inv-flow"),
            Self::ExpiresInvalid(e) => e.worded(l),
            Self::ExpiresInPast => t!(l, "err-inv-expires-in-past"),
            Self::NotBeforeInvalid => t!(l, "err-inv-not-before-invalid"),
            Self::NotBeforeAfterExpiry => t!(l, "err-inv-not-before-after-expiry"),
            Self::Reminders(e) => e.worded(l),
            Self::Locale(e) => e.worded(l),
            Self::RemindersNeedExpiry => t!(l, "err-inv-reminders-need-expiry"),
            Self::FixedData(e) => e.worded(l),
            Self::Quota(e) => e.worded(l),
            Self::Emails(e) => e.worded(l),
            Self::UnknownRole(name) => t!(l, "err-inv-unknown-role", name = name.clone()),
            Self::UnknownGroup(name) => t!(l, "err-inv-unknown-group", name = name.clone()),
        }
    }

    /// The field the error belongs to.
    pub fn field(&self) -> InvitationField {
        match self {
            Self::Name(_) | Self::NameTaken => InvitationField::Name,
            Self::Flow => InvitationField::Flow,
            Self::ExpiresInvalid(_) | Self::ExpiresInPast => InvitationField::Expires,
            Self::NotBeforeInvalid | Self::NotBeforeAfterExpiry => InvitationField::NotBefore,
            Self::Reminders(_) | Self::RemindersNeedExpiry => InvitationField::ReminderDays,
            Self::Locale(_) => InvitationField::Locale,
            Self::FixedData(_) => InvitationField::FixedData,
            Self::Quota(_) => InvitationField::Quota,
            Self::Emails(_) => InvitationField::Emails,
            Self::UnknownRole(_) => InvitationField::Roles,
            Self::UnknownGroup(_) => InvitationField::Groups,
        }
    }
}

impl std::fmt::Display for InvitationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for InvitationError {}

/// What an admin asks to create or store: every field of an invitation, parsed, before its references
/// (flow, roles, groups) are resolved by the invitation service. The dashboard form, the REST body and a
/// blueprint entry each parse into this at their own edge.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationDraft {
    /// Slug name.
    pub name: InvitationName,
    /// Free text for admins.
    pub description: String,
    /// The flow's pk; `None` for the default enrollment flow (the REST API's default).
    pub flow: Option<String>,
    /// Expiry, UTC Unix seconds; `None` = never.
    pub expires: Option<i64>,
    /// Start time, UTC Unix seconds: before it the link grants nothing; `None` = open at once
    /// (issue 15 item 5). Must be before `expires` ([`InvitationDraft::check_window`]).
    pub not_before: Option<i64>,
    /// `fixed_data`: a JSON object.
    pub fixed_data: serde_json::Map<String, serde_json::Value>,
    /// Max uses.
    pub quota: Quota,
    /// Email rules, without duplicates; empty = public.
    pub emails: Vec<EmailRule>,
    /// Roles by pk or name, sorted, without duplicates.
    pub roles: Vec<String>,
    /// Groups by pk or name, sorted, without duplicates.
    pub groups: Vec<String>,
    /// The admin's switch.
    pub enabled: bool,
    /// Whether its creator is notified ([`Invitation::notify_creator`]); `None` keeps what is stored
    /// (authentik's API and blueprints have no such field), off for a new invitation.
    pub notify_creator: Option<bool>,
    /// Reminder schedule ([`Invitation::reminder_days`]); `None` keeps what is stored (authentik's API
    /// and blueprints have no such field), none for a new invitation.
    pub reminder_days: Option<Vec<u32>>,
    /// The invitee's language ([`Invitation::locale`]); `None`: their browser's, else the brand default.
    pub locale: Option<crate::i18n::Locale>,
    /// Whether its uses wait for an approver ([`Invitation::requires_approval`]); `None` keeps what is
    /// stored (authentik's API and blueprints have no such field), off for a new invitation.
    pub requires_approval: Option<bool>,
}

/// The fields a PATCH (or PUT) carries; `None` = not given, so kept. `expires: Some(None)` = never.
/// authentik's `single_use: false` on a single-use invitation means one use no longer uses it up, so,
/// without a `quota` in the same patch, the quota becomes unlimited.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationPatch {
    /// `name`.
    pub name: Option<InvitationName>,
    /// `description`.
    pub description: Option<String>,
    /// `flow` (pk), or `Some(None)` for the default flow.
    pub flow: Option<Option<String>>,
    /// `expires`, or `Some(None)` for never.
    pub expires: Option<Option<i64>>,
    /// `not_before`, or `Some(None)` for open at once.
    pub not_before: Option<Option<i64>>,
    /// `fixed_data`.
    pub fixed_data: Option<serde_json::Map<String, serde_json::Value>>,
    /// `single_use`.
    pub single_use: Option<bool>,
    /// `quota`, or `Some(None)` for unlimited.
    pub quota: Option<Option<i64>>,
    /// `emails`.
    pub emails: Option<Vec<EmailRule>>,
    /// `roles` (pks or names).
    pub roles: Option<Vec<String>>,
    /// `groups` (pks or names).
    pub groups: Option<Vec<String>>,
    /// `enabled`.
    pub enabled: Option<bool>,
    /// `locale`, or `Some(None)` for the invitee's browser's language.
    pub locale: Option<Option<crate::i18n::Locale>>,
}

impl InvitationPatch {
    /// The draft that results from applying this patch to `current`: exactly the given fields change.
    ///
    /// # Errors
    /// [`InvitationError::Quota`] when the given `single_use` and `quota` contradict each other.
    pub fn apply(self, current: InvitationDraft) -> Result<InvitationDraft, InvitationError> {
        let quota = match (self.single_use, self.quota) {
            (None, None) => current.quota,
            (Some(single_use), Some(q)) => Quota::new(single_use, q)?,
            (None, Some(q)) => Quota::new(false, q)?,
            (Some(true), None) => Quota::SINGLE_USE,
            (Some(false), None) if current.quota.is_single_use() => Quota::Unlimited,
            (Some(false), None) => current.quota,
        };
        Ok(InvitationDraft {
            name: self.name.unwrap_or(current.name),
            description: self.description.unwrap_or(current.description),
            flow: self.flow.unwrap_or(current.flow),
            expires: self.expires.unwrap_or(current.expires),
            not_before: self.not_before.unwrap_or(current.not_before),
            fixed_data: self.fixed_data.unwrap_or(current.fixed_data),
            quota,
            emails: self.emails.map(dedup_rules).unwrap_or(current.emails),
            roles: self.roles.map(sorted_unique).unwrap_or(current.roles),
            groups: self.groups.map(sorted_unique).unwrap_or(current.groups),
            enabled: self.enabled.unwrap_or(current.enabled),
            notify_creator: current.notify_creator,
            reminder_days: current.reminder_days,
            locale: self.locale.unwrap_or(current.locale),
            requires_approval: current.requires_approval,
        })
    }
}

impl InvitationPatch {
    /// A new invitation from the given fields, the rest at their defaults: no description, the default
    /// flow, never expires, no custom attributes, unlimited, public, no grants, enabled.
    ///
    /// # Errors
    /// [`InvitationError::Name`] without a name; [`InvitationError::Quota`] as in [`Quota::new`].
    pub fn into_draft(self) -> Result<InvitationDraft, InvitationError> {
        let name = self
            .name
            .clone()
            .ok_or(InvitationError::Name(NameError::Required))?;
        let base = InvitationDraft {
            name,
            description: String::new(),
            flow: None,
            expires: None,
            not_before: None,
            fixed_data: serde_json::Map::new(),
            quota: Quota::Unlimited,
            emails: Vec::new(),
            roles: Vec::new(),
            groups: Vec::new(),
            enabled: true,
            notify_creator: None,
            reminder_days: None,
            locale: None,
            requires_approval: None,
        };
        self.apply(base)
    }
}

impl InvitationDraft {
    /// Checks the draft's time window: a start time at or after the expiry would never open.
    ///
    /// # Errors
    /// [`InvitationError::NotBeforeAfterExpiry`].
    pub fn check_window(&self) -> Result<(), InvitationError> {
        match (self.not_before, self.expires) {
            (Some(n), Some(e)) if n >= e => Err(InvitationError::NotBeforeAfterExpiry),
            _ if self.expires.is_none()
                && self.reminder_days.as_ref().is_some_and(|d| !d.is_empty()) =>
            {
                Err(InvitationError::RemindersNeedExpiry)
            }
            _ => Ok(()),
        }
    }
}

/// References sorted, trimmed, without duplicates or blanks.
pub fn sorted_unique(mut refs: Vec<String>) -> Vec<String> {
    for r in &mut refs {
        *r = r.trim().to_owned();
    }
    refs.retain(|r| !r.is_empty());
    refs.sort();
    refs.dedup();
    refs
}

fn dedup_rules(rules: Vec<EmailRule>) -> Vec<EmailRule> {
    let mut out: Vec<EmailRule> = Vec::new();
    for r in rules {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// The account that created an invitation, as the invitation is read with it: its standing decides
/// whether the invitation works ([`Creator::may_invite`]), its names are what invitees are told, and
/// the REST API shows it as `created_by`.
#[derive(Debug, Clone, PartialEq)]
pub struct Creator {
    /// The user's pk.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name (may be empty).
    pub name: String,
    /// Email address.
    pub email: String,
    /// The user's stable UUID (text).
    pub uid: String,
    /// Whether the account is active.
    pub is_active: bool,
    /// Whether the creator may still invite: their account is active and a superuser (a deactivated or
    /// demoted creator's invitations are disabled; issue 35 item 6).
    pub may_invite: bool,
    /// Last sign-in, UTC Unix seconds; `None` when never.
    pub last_login: Option<i64>,
    /// The account's attributes (a JSON object; an unreadable stored value reads as `{}`).
    pub attributes: serde_json::Value,
}

impl Creator {
    /// The name invitees are told: the display name, or the username when it is empty.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.username
        } else {
            &self.name
        }
    }
}

/// A role or group an invitation grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// The role's or group's pk.
    pub pk: String,
    /// Its unique name.
    pub name: String,
}

/// An invitation as it is read (DESIGN.md "Domain model"; issue 36 item 2, "One read model"): its own
/// fields typed, the flow it is bound to, what it grants, and its creator's standing. The dashboard,
/// the REST API, the invitee journey and the write path all read this one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    /// UUID.
    pub pk: String,
    /// Slug name.
    pub name: InvitationName,
    /// Free text for admins.
    pub description: String,
    /// The bound flow's pk.
    pub flow_pk: String,
    /// The bound flow's slug (its links' path).
    pub flow_slug: String,
    /// Expiry, UTC Unix seconds; `None` = never.
    pub expires: Option<i64>,
    /// Start time, UTC Unix seconds; `None` = open at once (migration 0032).
    pub not_before: Option<i64>,
    /// `fixed_data`.
    pub fixed_data: serde_json::Map<String, serde_json::Value>,
    /// Max uses.
    pub quota: Quota,
    /// Consumed uses.
    pub uses: i64,
    /// Email rules; empty = public.
    pub emails: Vec<EmailRule>,
    /// The email rules as stored (JSON text): consuming a use matches it, so rules edited since this
    /// read refuse the use.
    pub emails_stored: String,
    /// Granted roles, by name.
    pub roles: Vec<Granted>,
    /// Granted groups, by name.
    pub groups: Vec<Granted>,
    /// The admin's switch.
    pub enabled: bool,
    /// Whether its creator is emailed when it is used, when a delivery of it fails and when it expires
    /// unused (issue 14 item 6; off by default).
    pub notify_creator: bool,
    /// Days before expiry at which a reminder goes to the addresses it was delivered to whose account
    /// has not used it, largest first (issue 15 item 4; none by default).
    pub reminder_days: Vec<u32>,
    /// The invitee's language (issue 16 item 1; migration 0036): its landing, stages, errors and emails
    /// speak it, and the account it enrolls keeps it; `None`: the invitee's browser's
    /// (`Accept-Language`), else the brand default ([`crate::i18n::choose`]).
    pub locale: Option<crate::i18n::Locale>,
    /// Whether a use waits for an approver's yes before anything is granted (issue 17 item 3; migration
    /// 0038): a new account stays inactive, an existing one gets nothing, until approved
    /// ([`crate::domain::approval`]).
    pub requires_approval: bool,
    /// The creator and their standing.
    pub created_by: Creator,
    /// The lookup digest of the secret of the link (migration 0018; the secret itself is stored
    /// only sealed with the instance secret).
    pub token: String,
    /// The token sealed with the instance secret (purpose `usher-itoken`, aad the pk), for showing the
    /// link to admins; `None` only before the start-up backfill of legacy tokens.
    pub token_sealed: Option<String>,
    /// Creation, UTC Unix seconds.
    pub created: i64,
    /// The named link it was found through (issue 15 item 6), when it was looked up by that link's
    /// token; `None` for its own link and for every read by pk.
    pub link: Option<crate::domain::invitation_link::LinkUse>,
}

impl Invitation {
    /// The status at `now` (UTC Unix seconds), with its creator's standing, computed in one place
    /// ([`InvitationStatus::compute`]); found through a named link whose share is used up, an
    /// otherwise active invitation is [`InvitationStatus::UsedUp`] (for that link).
    pub fn status(&self, now: i64) -> InvitationStatus {
        let status = InvitationStatus::compute(
            self.enabled,
            self.created_by.may_invite,
            (self.not_before, self.expires),
            self.uses,
            self.quota.max(),
            now,
        );
        match &self.link {
            Some(link) if status == InvitationStatus::Active && !link.share_left() => {
                InvitationStatus::UsedUp
            }
            _ => status,
        }
    }

    /// The name invitees are told invited them ([`Creator::display_name`]).
    pub fn invited_by(&self) -> &str {
        self.created_by.display_name()
    }

    /// The fields an event records of it (issue 14): what an admin sets, by authentik's field names,
    /// as a JSON object. Never its token, sealed or digested, nor its uses count.
    pub fn recorded(&self) -> serde_json::Value {
        let names = |g: &[Granted]| g.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        serde_json::json!({
            "name": self.name.as_str(),
            "description": self.description,
            "flow": self.flow_slug,
            "expires": self.expires,
            "not_before": self.not_before,
            "fixed_data": self.fixed_data,
            "single_use": self.quota.is_single_use(),
            "quota": self.quota.max(),
            "emails": self.emails.iter().map(EmailRule::to_text).collect::<Vec<_>>(),
            "roles": names(&self.roles),
            "groups": names(&self.groups),
            "enabled": self.enabled,
            "notify_creator": self.notify_creator,
            "reminder_days": self.reminder_days,
            "locale": self.locale,
            "requires_approval": self.requires_approval,
        })
    }

    /// Where "Send" goes by default: `fixed_data.email`, then the exact addresses among the email rules,
    /// each once.
    pub fn send_to(&self) -> Vec<String> {
        let mut send_to: Vec<String> = self
            .fixed_data
            .get("email")
            .and_then(|e| e.as_str())
            .map(|e| vec![e.to_owned()])
            .unwrap_or_default();
        for r in &self.emails {
            if let EmailRule::Address(a) = r {
                if !send_to.contains(a) {
                    send_to.push(a.clone());
                }
            }
        }
        send_to
    }

    /// The invitation as a draft, the base a patch applies to (grants by pk, sorted).
    pub fn to_draft(&self) -> InvitationDraft {
        let pks = |g: &[Granted]| sorted_unique(g.iter().map(|g| g.pk.clone()).collect());
        InvitationDraft {
            name: self.name.clone(),
            description: self.description.clone(),
            flow: Some(self.flow_pk.clone()),
            expires: self.expires,
            not_before: self.not_before,
            fixed_data: self.fixed_data.clone(),
            quota: self.quota,
            emails: self.emails.clone(),
            roles: pks(&self.roles),
            groups: pks(&self.groups),
            enabled: self.enabled,
            notify_creator: Some(self.notify_creator),
            reminder_days: Some(self.reminder_days.clone()),
            locale: self.locale,
            requires_approval: Some(self.requires_approval),
        }
    }
}

/// An invitation as a list shows it: the entity, with how many accounts it enrolled and how many
/// outbox messages it has (counted in the list's query).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedInvitation {
    /// The invitation.
    pub invitation: Invitation,
    /// Accounts it enrolled (the ledger's `enrolled` rows).
    pub enrolled_count: u64,
    /// Outbox messages that belong to it.
    pub message_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_slugs() {
        assert!(InvitationName::parse("jane-smith-2026_02").is_ok());
        assert_eq!(InvitationName::parse("  ok  ").unwrap().as_str(), "ok");
        assert!(InvitationName::parse("").is_err());
        assert!(InvitationName::parse("has space").is_err());
        assert!(InvitationName::parse("émile").is_err());
        assert!(InvitationName::parse("a/b").is_err());
        assert!(InvitationName::parse(&"x".repeat(51)).is_err());
    }

    #[test]
    fn a_deactivated_creator_disables_the_invitation() {
        assert_eq!(
            InvitationStatus::compute(true, false, (None, None), 0, None, 0),
            InvitationStatus::Disabled
        );
    }

    #[test]
    fn status_order_is_disabled_expired_used_up_active() {
        let now = 1_000;
        assert_eq!(
            InvitationStatus::compute(false, true, (None, Some(0)), 5, Some(1), now),
            InvitationStatus::Disabled
        );
        assert_eq!(
            InvitationStatus::compute(true, true, (None, Some(now)), 5, Some(1), now),
            InvitationStatus::Expired
        );
        assert_eq!(
            InvitationStatus::compute(true, true, (None, Some(now + 1)), 1, Some(1), now),
            InvitationStatus::UsedUp
        );
        assert_eq!(
            InvitationStatus::compute(true, true, (None, None), 0, Some(1), now),
            InvitationStatus::Active
        );
        assert_eq!(
            InvitationStatus::compute(true, true, (None, None), 99, None, now),
            InvitationStatus::Active
        );
    }

    #[test]
    fn not_yet_open_comes_after_disabled_and_before_expired() {
        let now = 1_000;
        let later = Some(now + 1);
        // Disabled wins over scheduled.
        assert_eq!(
            InvitationStatus::compute(false, true, (later, None), 0, None, now),
            InvitationStatus::Disabled
        );
        assert_eq!(
            InvitationStatus::compute(true, false, (later, None), 0, None, now),
            InvitationStatus::Disabled
        );
        // Scheduled wins over expired and used up (a stored window the write path would refuse).
        assert_eq!(
            InvitationStatus::compute(true, true, (later, Some(now)), 1, Some(1), now),
            InvitationStatus::NotYetOpen
        );
        // It opens at the instant itself.
        assert_eq!(
            InvitationStatus::compute(true, true, (Some(now), None), 0, None, now),
            InvitationStatus::Active
        );
        assert_eq!(
            InvitationStatus::compute(true, true, (Some(now), Some(now + 5)), 1, Some(1), now),
            InvitationStatus::UsedUp
        );
        assert_eq!(InvitationStatus::NotYetOpen.label(), "scheduled");
        assert!(InvitationStatus::NotYetOpen.refusal_reason().is_some());
    }

    #[test]
    fn a_window_that_never_opens_is_refused() {
        let d = |not_before, expires| InvitationDraft {
            not_before,
            expires,
            ..draft()
        };
        assert_eq!(d(Some(10), Some(20)).check_window(), Ok(()));
        assert_eq!(d(Some(10), None).check_window(), Ok(()));
        assert_eq!(d(None, Some(20)).check_window(), Ok(()));
        assert_eq!(
            d(Some(20), Some(20)).check_window(),
            Err(InvitationError::NotBeforeAfterExpiry)
        );
        assert_eq!(
            d(Some(30), Some(20)).check_window().map_err(|e| e.field()),
            Err(InvitationField::NotBefore)
        );
        let patched = InvitationPatch {
            not_before: Some(Some(15)),
            ..InvitationPatch::default()
        }
        .apply(d(None, Some(20)))
        .unwrap();
        assert_eq!(patched.not_before, Some(15));
        let cleared = InvitationPatch {
            not_before: Some(None),
            ..InvitationPatch::default()
        }
        .apply(patched)
        .unwrap();
        assert_eq!(cleared.not_before, None);
    }

    #[test]
    fn single_use_means_quota_one() {
        assert_eq!(reconcile_quota(true, None), Ok((true, Some(1))));
        assert_eq!(reconcile_quota(false, Some(1)), Ok((true, Some(1))));
        assert_eq!(reconcile_quota(false, Some(3)), Ok((false, Some(3))));
        assert_eq!(reconcile_quota(false, None), Ok((false, None)));
        assert!(reconcile_quota(false, Some(0)).is_err());
        assert!(reconcile_quota(true, Some(3)).is_err());
    }

    #[test]
    fn quota_parsing() {
        assert_eq!(parse_quota(""), Ok(None));
        assert_eq!(parse_quota(" 3 "), Ok(Some(3)));
        assert!(parse_quota("three").is_err());
    }

    #[test]
    fn link_form() {
        assert_eq!(
            invitation_link("https://id.example.com/", "default-enrollment-flow", "t"),
            "https://id.example.com/if/flow/default-enrollment-flow/?itoken=t"
        );
    }

    #[test]
    fn token_shape() {
        assert!(is_token_shaped("0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f"));
        assert!(!is_token_shaped("0b8d3c4e1f2a4b5c8d9e0a1b2c3d4e5f"));
        assert!(!is_token_shaped("' OR 1=1 --"));
    }

    fn draft() -> InvitationDraft {
        InvitationDraft {
            name: InvitationName::parse("jane").unwrap(),
            description: String::new(),
            flow: Some("f".into()),
            expires: None,
            not_before: None,
            fixed_data: serde_json::Map::new(),
            quota: Quota::SINGLE_USE,
            emails: Vec::new(),
            roles: Vec::new(),
            groups: Vec::new(),
            enabled: true,
            notify_creator: Some(true),
            reminder_days: None,
            locale: None,
            requires_approval: Some(true),
        }
    }

    #[test]
    fn a_patch_changes_exactly_the_fields_it_carries() {
        let patched = InvitationPatch {
            enabled: Some(false),
            ..InvitationPatch::default()
        }
        .apply(draft())
        .unwrap();
        assert_eq!(
            patched,
            InvitationDraft {
                enabled: false,
                ..draft()
            }
        );
        assert_eq!(InvitationPatch::default().apply(draft()).unwrap(), draft());
    }

    #[test]
    fn single_use_false_on_a_single_use_invitation_lifts_the_quota() {
        // authentik's client: partial_update(PatchedInvitationRequest(single_use=False)).
        let p = |single_use, quota| InvitationPatch {
            single_use,
            quota,
            ..InvitationPatch::default()
        };
        let lifted = p(Some(false), None).apply(draft()).unwrap();
        assert_eq!(lifted.quota, Quota::Unlimited);
        assert!(!lifted.quota.is_single_use());
        let limited = InvitationDraft {
            quota: Quota::Limited(3),
            ..draft()
        };
        assert_eq!(
            p(Some(false), None).apply(limited.clone()).unwrap().quota,
            Quota::Limited(3)
        );
        assert_eq!(
            p(Some(true), None).apply(limited.clone()).unwrap().quota,
            Quota::SINGLE_USE
        );
        assert_eq!(
            p(None, Some(Some(1))).apply(limited.clone()).unwrap().quota,
            Quota::SINGLE_USE
        );
        assert_eq!(
            p(None, Some(None)).apply(limited.clone()).unwrap().quota,
            Quota::Unlimited
        );
        assert!(matches!(
            p(Some(true), Some(Some(3))).apply(limited),
            Err(InvitationError::Quota(_))
        ));
    }

    #[test]
    fn quota_from_single_use_and_max() {
        assert_eq!(Quota::new(true, None), Ok(Quota::SINGLE_USE));
        assert_eq!(Quota::new(false, Some(1)), Ok(Quota::SINGLE_USE));
        assert_eq!(Quota::new(false, None), Ok(Quota::Unlimited));
        assert_eq!(Quota::new(false, Some(3)).map(Quota::max), Ok(Some(3)));
        assert_eq!(
            Quota::new(false, Some(0)).map_err(|e| e.field()),
            Err(InvitationField::Quota)
        );
    }

    fn entity() -> Invitation {
        Invitation {
            pk: "i1".into(),
            name: InvitationName::parse("jane").unwrap(),
            description: String::new(),
            flow_pk: "f".into(),
            flow_slug: "default-enrollment-flow".into(),
            expires: Some(2_000),
            not_before: None,
            fixed_data: serde_json::json!({"email": "jane@example.com"})
                .as_object()
                .cloned()
                .unwrap(),
            quota: Quota::SINGLE_USE,
            uses: 0,
            emails: vec![
                EmailRule::Address("jane@example.com".into()),
                EmailRule::Domain("example.org".into()),
                EmailRule::Address("bob@example.org".into()),
            ],
            emails_stored: "[]".into(),
            roles: vec![
                Granted {
                    pk: "r2".into(),
                    name: "a".into(),
                },
                Granted {
                    pk: "r1".into(),
                    name: "b".into(),
                },
            ],
            groups: Vec::new(),
            enabled: true,
            notify_creator: false,
            reminder_days: Vec::new(),
            locale: None,
            requires_approval: false,
            created_by: Creator {
                pk: 1,
                username: "admin".into(),
                name: String::new(),
                email: "admin@example.com".into(),
                uid: "u".into(),
                is_active: true,
                may_invite: true,
                last_login: None,
                attributes: serde_json::json!({}),
            },
            token: "digest".into(),
            token_sealed: None,
            created: 1_000,
            link: None,
        }
    }

    #[test]
    fn a_named_links_used_up_share_uses_up_the_invitation_through_it() {
        let link = |uses| crate::domain::invitation_link::LinkUse {
            pk: "l".into(),
            name: "poster".into(),
            token: "d".into(),
            quota: Some(2),
            uses,
        };
        let through = |uses| Invitation {
            link: Some(link(uses)),
            ..entity()
        };
        assert_eq!(through(1).status(1_500), InvitationStatus::Active);
        assert_eq!(through(2).status(1_500), InvitationStatus::UsedUp);
        // The invitation's own reasons come first.
        assert_eq!(through(2).status(2_000), InvitationStatus::Expired);
    }

    #[test]
    fn the_entity_reads_its_status_with_its_creators_standing() {
        let inv = entity();
        assert_eq!(inv.status(1_500), InvitationStatus::Active);
        assert_eq!(inv.status(2_000), InvitationStatus::Expired);
        let demoted = Invitation {
            created_by: Creator {
                may_invite: false,
                ..entity().created_by
            },
            ..entity()
        };
        assert_eq!(demoted.status(1_500), InvitationStatus::Disabled);
        let scheduled = Invitation {
            not_before: Some(1_200),
            ..entity()
        };
        assert_eq!(scheduled.status(1_199), InvitationStatus::NotYetOpen);
        assert_eq!(scheduled.status(1_200), InvitationStatus::Active);
    }

    #[test]
    fn invitees_are_told_the_display_name_or_else_the_username() {
        let mut inv = entity();
        assert_eq!(inv.invited_by(), "admin");
        inv.created_by.name = "Ada Admin".into();
        assert_eq!(inv.invited_by(), "Ada Admin");
    }

    #[test]
    fn send_goes_to_fixed_data_email_then_exact_rules_once_each() {
        assert_eq!(
            entity().send_to(),
            vec!["jane@example.com".to_owned(), "bob@example.org".to_owned()]
        );
    }

    #[test]
    fn the_draft_of_an_entity_names_its_grants_by_pk_in_order() {
        let d = entity().to_draft();
        assert_eq!(d.roles, vec!["r1".to_owned(), "r2".to_owned()]);
        assert_eq!(d.flow.as_deref(), Some("f"));
        assert_eq!(d.quota, Quota::SINGLE_USE);
    }

    #[test]
    fn stored_names_and_actions_read_back_or_are_refused() {
        assert_eq!(
            InvitationName::try_from("jane".to_owned())
                .unwrap()
                .as_str(),
            "jane"
        );
        assert!(InvitationName::try_from("a b".to_owned()).is_err());
        assert_eq!(
            UseAction::try_from("joined".to_owned()),
            Ok(UseAction::Joined)
        );
        assert!(UseAction::try_from("left".to_owned()).is_err());
    }

    #[test]
    fn references_are_sorted_and_unique() {
        assert_eq!(
            sorted_unique(vec![" b ".into(), "a".into(), "b".into(), "".into()]),
            vec!["a".to_owned(), "b".to_owned()]
        );
    }
}
