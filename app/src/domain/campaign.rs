//! Campaign rules (issue 15): one invitation definition fanned out to many recipients, each with an
//! invitation of their own. Names, reminder schedules, the recipients' states, and the import's rows:
//! pasted addresses or a CSV file (`email` required; `name`, `username` and `attributes.*` optional;
//! UTF-8 with or without a byte-order mark; comma or semicolon), each classified before anything is written
//! (the dry run) as new, an existing account's (invited to join), a duplicate, or invalid with the reason.

use crate::t;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The longest campaign name: its recipients' invitations are named `{campaign}-{12 hex digits}`, within
/// an invitation name's 50 characters.
pub const MAX_NAME_LEN: usize = 36;

/// The most recipients one import may hold (pasted, CSV or REST rows).
pub const MAX_IMPORT_ROWS: usize = 50_000;

/// The most pending addresses a creator's digest lists (the rest are counted).
pub const DIGEST_LIST: usize = 50;

/// The most reminders a campaign may send.
pub const MAX_REMINDERS: usize = 5;

/// A campaign's name: a slug (`^[-a-zA-Z0-9_]+$`, as an invitation's) of at most [`MAX_NAME_LEN`]
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignName(String);

impl CampaignName {
    /// Parses a name, trimming surrounding whitespace.
    ///
    /// # Errors
    /// [`CampaignError::NameRequired`], [`CampaignError::NameTooLong`], [`CampaignError::NameNotASlug`].
    pub fn parse(raw: &str) -> Result<Self, CampaignError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(CampaignError::NameRequired);
        }
        if s.chars().count() > MAX_NAME_LEN {
            return Err(CampaignError::NameTooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(CampaignError::NameNotASlug);
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a campaign's definition is refused; the message is the form's (the REST API names the field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignError {
    /// Empty name.
    NameRequired,
    /// Longer than [`MAX_NAME_LEN`].
    NameTooLong,
    /// Not a slug.
    NameNotASlug,
    /// Another campaign has this name.
    NameTaken,
    /// The flow does not exist.
    Flow,
    /// The expiry is in the past.
    ExpiresInPast,
    /// The expiry is not a date and time.
    ExpiresInvalid,
    /// The start is not a date and time.
    NotBeforeInvalid,
    /// The start is not before the expiry.
    NotBeforeAfterExpiry,
    /// The reminder schedule does not parse.
    Reminders(ReminderError),
    /// Reminders without an expiry.
    RemindersNeedExpiry,
    /// The custom attributes do not parse.
    FixedData(super::fixed_data::FixedDataError),
    /// The subject is too long or holds a line break.
    Subject,
    /// The message is too long.
    Message,
    /// A role that does not exist.
    UnknownRole(String),
    /// A group that does not exist.
    UnknownGroup(String),
}

impl CampaignError {
    /// This error's message in `l` (the catalogue's `err-camp-…` keys); its `Display` is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::NameRequired => t!(l, "err-camp-name-required"),
            Self::NameTooLong => t!(l, "err-camp-name-too-long"),
            Self::NameNotASlug => t!(l, "err-camp-name-not-a-slug"),
            Self::NameTaken => t!(l, "err-camp-name-taken"),
            Self::Flow => t!(l, "err-camp-flow"),
            Self::ExpiresInPast => t!(l, "err-camp-expires-in-past"),
            Self::ExpiresInvalid => t!(l, "err-camp-expires-invalid"),
            Self::NotBeforeInvalid => t!(l, "err-camp-not-before-invalid"),
            Self::NotBeforeAfterExpiry => t!(l, "err-camp-not-before-after-expiry"),
            Self::Reminders(e) => e.worded(l),
            Self::RemindersNeedExpiry => t!(l, "err-camp-reminders-need-expiry"),
            Self::FixedData(e) => e.worded(l),
            Self::Subject => t!(l, "err-camp-subject"),
            Self::Message => t!(l, "err-camp-message"),
            Self::UnknownRole(name) => t!(l, "err-camp-unknown-role", name = name.clone()),
            Self::UnknownGroup(name) => t!(l, "err-camp-unknown-group", name = name.clone()),
        }
    }

    /// The field the error belongs to, as the form and the REST API name it.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NameRequired | Self::NameTooLong | Self::NameNotASlug | Self::NameTaken => "name",
            Self::Flow => "flow",
            Self::ExpiresInPast | Self::ExpiresInvalid => "expires",
            Self::NotBeforeAfterExpiry | Self::NotBeforeInvalid => "not_before",
            Self::Reminders(_) | Self::RemindersNeedExpiry => "reminder_days",
            Self::FixedData(_) => "fixed_data",
            Self::Subject => "email_subject",
            Self::Message => "email_message",
            Self::UnknownRole(_) => "roles",
            Self::UnknownGroup(_) => "groups",
        }
    }
}

impl std::fmt::Display for CampaignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for CampaignError {}

/// What an admin asks to create or store: a campaign's definition, parsed at its edge (the dashboard
/// form, the REST body), before its references (flow, roles, groups) are resolved by the campaign service.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignDraft {
    /// Slug name.
    pub name: CampaignName,
    /// Free text for admins.
    pub description: String,
    /// The flow's pk; `None` for the default enrollment flow.
    pub flow: Option<String>,
    /// Expiry of the recipients' invitations, UTC Unix seconds; `None` never.
    pub expires: Option<i64>,
    /// When the recipients' invitations open, UTC Unix seconds; `None` at once.
    pub not_before: Option<i64>,
    /// The defaults of every recipient's `fixed_data`.
    pub fixed_data: Map<String, Value>,
    /// The email's subject; empty for the default ("You've been invited to join {brand}").
    pub email_subject: String,
    /// A message added to the email, may be empty.
    pub email_message: String,
    /// Reminder schedule: days before expiry, largest first ([`parse_reminder_days`]).
    pub reminder_days: Vec<u32>,
    /// Whether the creator gets a digest of the pending recipients when reminders go out.
    pub digest: bool,
    /// Roles by pk or name.
    pub roles: Vec<String>,
    /// Groups by pk or name.
    pub groups: Vec<String>,
}

impl CampaignDraft {
    /// The rules a definition must keep at `now` (UTC Unix seconds), apart from its references: an
    /// expiry in the future, a start before the expiry, reminders only with an expiry, a one-line
    /// subject of at most 200 characters, a message of at most 2,000.
    pub fn check(&self, now: i64) -> Vec<CampaignError> {
        let mut errors = Vec::new();
        if self.expires.is_some_and(|e| e <= now) {
            errors.push(CampaignError::ExpiresInPast);
        }
        if let (Some(nb), Some(e)) = (self.not_before, self.expires) {
            if nb >= e {
                errors.push(CampaignError::NotBeforeAfterExpiry);
            }
        }
        if !self.reminder_days.is_empty() && self.expires.is_none() {
            errors.push(CampaignError::RemindersNeedExpiry);
        }
        if self.email_subject.chars().count() > 200 || self.email_subject.contains(['\r', '\n']) {
            errors.push(CampaignError::Subject);
        }
        if self.email_message.chars().count() > 2000 {
            errors.push(CampaignError::Message);
        }
        errors
    }
}

/// A campaign as the dashboard and the REST API show it, with its recipients counted by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    /// UUID.
    pub pk: String,
    /// Slug name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The flow's pk.
    pub flow_pk: String,
    /// The flow's slug.
    pub flow_slug: String,
    /// Expiry of its invitations, UTC Unix seconds.
    pub expires: Option<i64>,
    /// When they open, UTC Unix seconds.
    pub not_before: Option<i64>,
    /// The recipients' `fixed_data` defaults, as JSON text.
    pub fixed_data: String,
    /// Subject override ('' = default).
    pub email_subject: String,
    /// The email's message.
    pub email_message: String,
    /// Reminder days before expiry, largest first.
    pub reminder_days: Vec<u32>,
    /// Digest to the creator.
    pub digest: bool,
    /// Roles granted: (pk, name).
    pub roles: Vec<(String, String)>,
    /// Groups granted: (pk, name).
    pub groups: Vec<(String, String)>,
    /// The creator's username.
    pub created_by: String,
    /// Creation time, UTC Unix seconds.
    pub created: i64,
    /// Recipients by state, in [`RecipientState::ALL`]'s order (every state, zeros included).
    pub counts: Vec<(RecipientState, usize)>,
    /// Recipients in all.
    pub total: usize,
    /// The expiry in words (filled by the edge that shows it; '' from the service).
    #[serde(default)]
    pub expires_text: String,
    /// The start in words ('' when none or not yet worded).
    #[serde(default)]
    pub not_before_text: String,
    /// The creation time in words.
    #[serde(default)]
    pub created_text: String,
}

impl CampaignView {
    /// How many recipients are in `state`.
    pub fn count(&self, state: RecipientState) -> usize {
        self.counts
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    }
}

/// Counts states in [`RecipientState::ALL`]'s order.
pub fn count_states(
    states: impl IntoIterator<Item = RecipientState>,
) -> Vec<(RecipientState, usize)> {
    let mut counts: Vec<(RecipientState, usize)> =
        RecipientState::ALL.iter().map(|s| (*s, 0)).collect();
    for s in states {
        if let Some(c) = counts.iter_mut().find(|(k, _)| *k == s) {
            c.1 += 1;
        }
    }
    counts
}

/// A recipient as the campaign page and the REST API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientView {
    /// UUID.
    pub pk: String,
    /// Normalised address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// State now.
    pub state: RecipientState,
    /// Their invitation's pk, `None` once deleted.
    pub invitation_pk: Option<String>,
    /// Their invitation's name.
    pub invitation_name: Option<String>,
    /// The account they were invited to join with, when the address had one.
    pub join_as: Option<String>,
    /// Reminders sent to them.
    pub reminders_sent: i64,
    /// Times their link was opened.
    pub views: i64,
    /// Added at, UTC Unix seconds.
    pub created: i64,
    /// When they were added, in words (filled by the edge that shows it).
    #[serde(default)]
    pub created_text: String,
}

/// The campaign form as typed (the dashboard's editor): parsed at the edge into a [`CampaignDraft`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CampaignForm {
    /// Slug name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Flow pk ('' for the default enrollment flow).
    pub flow: String,
    /// `YYYY-MM-DDTHH:MM` in UTC; '' never.
    pub expires: String,
    /// `YYYY-MM-DDTHH:MM` in UTC; '' at once.
    pub not_before: String,
    /// JSON or YAML mapping: the recipients' `fixed_data` defaults.
    pub fixed_data: String,
    /// The email's subject ('' default).
    pub email_subject: String,
    /// A message added to the email.
    pub email_message: String,
    /// Days before expiry, e.g. "7, 1" ('' or 0 none).
    pub reminder_days: String,
    /// Digest to the creator when reminders go out.
    pub digest: bool,
    /// Role pks.
    pub roles: Vec<String>,
    /// Group pks.
    pub groups: Vec<String>,
}

/// Recipients to import, as the dashboard gives them: pasted addresses, or a CSV file's text (which
/// wins when both are given).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportSource {
    /// Pasted addresses ([`parse_pasted`]).
    pub pasted: String,
    /// A CSV file's text ([`parse_csv`]).
    pub csv: String,
}

/// One row of a dry run as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowLine {
    /// Line or position, 1-based.
    pub line: usize,
    /// The address as given.
    pub email: String,
    /// The name as given.
    pub name: String,
    /// `new`, `join`, `duplicate` or `invalid` ([`RowVerdict::kind`]).
    pub kind: String,
    /// What happens to it ([`RowVerdict::explain`]).
    pub explain: String,
}

impl From<&RowReport> for RowLine {
    fn from(r: &RowReport) -> Self {
        Self {
            line: r.input.line,
            email: r.input.email.clone(),
            name: r.input.name.clone(),
            kind: r.verdict.kind().to_owned(),
            explain: r.verdict.explain(),
        }
    }
}

/// A dry run or an applied import as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    /// Every row.
    pub rows: Vec<RowLine>,
    /// Totals.
    pub counts: ImportCounts,
}

/// A campaign's page: the campaign and its recipients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignPage {
    /// The campaign with its counts.
    pub campaign: CampaignView,
    /// Its recipients, in the order they were added.
    pub recipients: Vec<RecipientView>,
}

/// Why a reminder schedule is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReminderError {
    /// A value that is not a whole number of days from 1 to 365.
    NotADay,
    /// More than [`MAX_REMINDERS`].
    TooMany,
}

impl ReminderError {
    /// This error's message in `l` (the catalogue's `err-camp-reminder-…` keys); its `Display` is the
    /// English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::NotADay => t!(l, "err-camp-reminder-not-a-day"),
            Self::TooMany => t!(l, "err-camp-reminder-too-many"),
        }
    }
}

impl std::fmt::Display for ReminderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for ReminderError {}

/// Parses a reminder schedule: whole days before expiry separated by commas or spaces (`"7, 1"`); `0`
/// or blank means no reminders (the default). Returns the days without duplicates, largest first (the
/// order they fall due).
///
/// # Errors
/// [`ReminderError::NotADay`], [`ReminderError::TooMany`].
pub fn parse_reminder_days(raw: &str) -> Result<Vec<u32>, ReminderError> {
    let mut days = Vec::new();
    for part in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let d: u32 = part.parse().map_err(|_| ReminderError::NotADay)?;
        if d > 365 {
            return Err(ReminderError::NotADay);
        }
        if d > 0 {
            days.push(d);
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    if days.len() > MAX_REMINDERS {
        return Err(ReminderError::TooMany);
    }
    Ok(days)
}

/// Checks a schedule given as a list (the REST API's `reminder_days`): the same rules as
/// [`parse_reminder_days`], zeroes dropped. Returns it largest first, without duplicates.
///
/// # Errors
/// As [`parse_reminder_days`].
pub fn check_reminder_days(days: &[i64]) -> Result<Vec<u32>, ReminderError> {
    let text: Vec<String> = days.iter().map(i64::to_string).collect();
    parse_reminder_days(&text.join(","))
}

/// Which reminder is due for a recipient who has had `sent` of them, at `now` (UTC Unix seconds), for
/// invitations expiring at `expires`: reminder `i` (0-based, of `days` largest first) falls due at
/// `expires - days[i] * 86400`. Returns the new count of reminders sent (the latest due reminder's
/// number, so a recipient added after an earlier reminder gets only the latest), or `None` when none
/// is due: no expiry, already expired, or every due reminder sent.
pub fn due_reminder(days: &[u32], expires: Option<i64>, now: i64, sent: i64) -> Option<i64> {
    let expires = expires?;
    if now >= expires {
        return None;
    }
    let due = days
        .iter()
        .filter(|d| now >= expires - i64::from(**d) * 86_400)
        .count() as i64;
    (due > sent).then_some(due)
}

/// A recipient's state, as the campaign page and its counts show it. The first that holds, in this
/// order: revoked, joined, expired, delivery failed, viewed, sent, queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientState {
    /// Their invitation is waiting to be sent (or was never sent).
    Queued,
    /// The invitation email was delivered to the SMTP server.
    Sent,
    /// The latest invitation email to them was given up on.
    DeliveryFailed,
    /// They opened their link.
    Viewed,
    /// They enrolled or joined with their invitation.
    Joined,
    /// Their invitation expired unused.
    Expired,
    /// An admin revoked their invitation (or deleted it).
    Revoked,
}

impl RecipientState {
    /// Every state, in the order the counts are shown.
    pub const ALL: [Self; 7] = [
        Self::Queued,
        Self::Sent,
        Self::DeliveryFailed,
        Self::Viewed,
        Self::Joined,
        Self::Expired,
        Self::Revoked,
    ];

    /// The label: `queued`, `sent`, `delivery failed`, `viewed`, `joined`, `expired`, `revoked`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::DeliveryFailed => "delivery failed",
            Self::Viewed => "viewed",
            Self::Joined => "joined",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }

    /// The key in the REST API and filters: the label with `_` for spaces.
    pub fn key(self) -> &'static str {
        match self {
            Self::DeliveryFailed => "delivery_failed",
            s => s.label(),
        }
    }

    /// Whether the recipient still has not joined and may be reminded or sent the invitation again.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Self::Queued | Self::Sent | Self::DeliveryFailed | Self::Viewed
        )
    }

    /// Computes the state from the facts the store reads. `now` and `expires` are UTC Unix seconds.
    pub fn compute(f: &RecipientFacts, now: i64) -> Self {
        if f.revoked || !f.has_invitation {
            Self::Revoked
        } else if f.uses > 0 {
            Self::Joined
        } else if f.expires.is_some_and(|e| e <= now) {
            Self::Expired
        } else if f.last_message == Some(MessageFact::Failed) {
            Self::DeliveryFailed
        } else if f.viewed {
            Self::Viewed
        } else if f.last_message == Some(MessageFact::Sent) || f.ever_sent {
            Self::Sent
        } else {
            Self::Queued
        }
    }
}

/// The latest invitation email to a recipient, as far as their state goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageFact {
    /// Queued or being retried.
    Waiting,
    /// Delivered to the SMTP server.
    Sent,
    /// Given up on.
    Failed,
}

/// What a recipient's state is computed from ([`RecipientState::compute`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecipientFacts {
    /// Revoked by an admin.
    pub revoked: bool,
    /// Their invitation still exists.
    pub has_invitation: bool,
    /// Its uses.
    pub uses: i64,
    /// Its expiry, UTC Unix seconds.
    pub expires: Option<i64>,
    /// The latest message of it.
    pub last_message: Option<MessageFact>,
    /// Whether any message of it was delivered.
    pub ever_sent: bool,
    /// Whether its link was opened.
    pub viewed: bool,
}

/// One recipient as an import gives it: its line (1-based, the CSV's header being line 1; a pasted
/// address's position), the address as written, and the optional fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecipientInput {
    /// Line (CSV) or position (pasted, REST), 1-based.
    pub line: usize,
    /// The address as given.
    pub email: String,
    /// Display name (`name`), may be empty.
    pub name: String,
    /// Username to pre-fill (`username`), may be empty.
    pub username: String,
    /// `attributes.*` columns: the attribute name (without the prefix) and its text value.
    pub attributes: Map<String, Value>,
    /// The recipient's language (`locale`: `en`, `de`), may be empty (the brand default for the email,
    /// the browser's on the pages). Their email and pages speak it (issue 16).
    #[serde(default)]
    pub locale: String,
}

impl RecipientInput {
    /// The row's language; `None` when the row names none or one Usher does not speak (a row that
    /// names one is refused by [`classify`]).
    pub fn language(&self) -> Option<crate::i18n::Locale> {
        crate::i18n::Locale::parse(&self.locale).ok()
    }
}

/// What an import would do with a row (the dry run), and does once confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowVerdict {
    /// A new recipient who will be invited to enroll.
    New,
    /// A new recipient whose address belongs to account `username`: invited to join, not to enroll.
    Join(String),
    /// Already a recipient of the campaign; skipped.
    AlreadyRecipient,
    /// The same address as an earlier row (its line); skipped.
    Repeated(usize),
    /// Refused with the reason; skipped.
    Invalid(RowProblem),
}

impl RowVerdict {
    /// `new`, `join`, `duplicate` or `invalid`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Join(_) => "join",
            Self::AlreadyRecipient | Self::Repeated(_) => "duplicate",
            Self::Invalid(_) => "invalid",
        }
    }

    /// Whether applying the import adds this row.
    pub fn adds(&self) -> bool {
        matches!(self, Self::New | Self::Join(_))
    }

    /// What the dry run says of the row, in English ([`Self::explain_in`]).
    pub fn explain(&self) -> String {
        self.explain_in(crate::i18n::Locale::En)
    }

    /// What the dry run says of the row, in `l` (the catalogue's `err-camp-verdict-…` keys).
    pub fn explain_in(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::New => t!(l, "err-camp-verdict-new"),
            Self::Join(u) => t!(l, "err-camp-verdict-join", username = u.clone()),
            Self::AlreadyRecipient => t!(l, "err-camp-verdict-already-recipient"),
            Self::Repeated(line) => t!(l, "err-camp-verdict-repeated", line = line.to_string()),
            Self::Invalid(p) => t!(l, "err-camp-verdict-invalid", problem = p.worded(l)),
        }
    }
}

/// Why a row is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowProblem {
    /// No address.
    NoEmail,
    /// Not an address.
    NotAnAddress(String),
    /// The username is not one Usher accepts.
    Username(String),
    /// The name is too long.
    NameTooLong,
    /// The row's fields are too large.
    TooLarge,
    /// The row's `locale` is not a language Usher speaks.
    Locale(String),
}

impl RowProblem {
    /// This problem's message in `l` (the catalogue's `err-camp-row-…` keys); its `Display` is the
    /// English one. Values are quoted as Rust's `{:?}` quotes them.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::NoEmail => t!(l, "err-camp-row-no-email"),
            Self::NotAnAddress(v) => t!(l, "err-camp-row-not-an-address", value = format!("{v:?}")),
            Self::Username(problem) => t!(l, "err-camp-row-username", problem = problem.clone()),
            Self::NameTooLong => t!(l, "err-camp-row-name-too-long"),
            Self::TooLarge => t!(l, "err-camp-row-too-large"),
            Self::Locale(v) => t!(l, "err-camp-row-locale", value = format!("{v:?}")),
        }
    }
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for RowProblem {}

/// One row of the dry run: the row as given, its normalised address (when it is one) and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReport {
    /// The row.
    pub input: RecipientInput,
    /// The normalised address, `None` when invalid.
    pub email: Option<String>,
    /// What happens to it.
    pub verdict: RowVerdict,
}

/// Totals of a dry run or an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportCounts {
    /// Rows added to enroll.
    pub new: usize,
    /// Rows added to join.
    pub join: usize,
    /// Duplicates skipped.
    pub duplicate: usize,
    /// Invalid rows skipped.
    pub invalid: usize,
}

impl ImportCounts {
    /// Counts the verdicts of `rows`.
    pub fn of(rows: &[RowReport]) -> Self {
        let mut c = Self::default();
        for r in rows {
            match r.verdict {
                RowVerdict::New => c.new += 1,
                RowVerdict::Join(_) => c.join += 1,
                RowVerdict::AlreadyRecipient | RowVerdict::Repeated(_) => c.duplicate += 1,
                RowVerdict::Invalid(_) => c.invalid += 1,
            }
        }
        c
    }

    /// Rows added.
    pub fn added(&self) -> usize {
        self.new + self.join
    }

    /// The summary line in English: "3 new, 1 to join, 2 duplicates, 0 invalid" ([`Self::summary_in`]).
    pub fn summary(&self) -> String {
        self.summary_in(crate::i18n::Locale::En)
    }

    /// The summary line in `l` (the catalogue's `err-camp-import-summary`).
    pub fn summary_in(&self, l: crate::i18n::Locale) -> String {
        t!(
            l,
            "err-camp-import-summary",
            new = self.new.to_string(),
            join = self.join.to_string(),
            count = self.duplicate,
            invalid = self.invalid.to_string()
        )
    }
}

/// Classifies rows: an invalid address, username or name is invalid; an address already a recipient
/// (`is_recipient`, given normalised addresses) or repeated from an earlier row is a duplicate; an address
/// that belongs to an account (`user_of` gives its username) is invited to join; the rest are new.
/// Addresses are compared normalised (`email_rules::normalize_email`), so `A@Example.COM` repeats
/// `a@example.com`.
pub fn classify(
    rows: Vec<RecipientInput>,
    is_recipient: impl Fn(&str) -> bool,
    user_of: impl Fn(&str) -> Option<String>,
) -> Vec<RowReport> {
    let mut first_line: std::collections::HashMap<String, usize> = Default::default();
    rows.into_iter()
        .map(|input| {
            let (email, verdict) = match check_row(&input) {
                Err(p) => (None, RowVerdict::Invalid(p)),
                Ok(email) => {
                    let verdict = if let Some(line) = first_line.get(&email) {
                        RowVerdict::Repeated(*line)
                    } else if is_recipient(&email) {
                        RowVerdict::AlreadyRecipient
                    } else if let Some(u) = user_of(&email) {
                        RowVerdict::Join(u)
                    } else {
                        RowVerdict::New
                    };
                    first_line.entry(email.clone()).or_insert(input.line);
                    (Some(email), verdict)
                }
            };
            RowReport {
                input,
                email,
                verdict,
            }
        })
        .collect()
}

/// The normalised address of a valid row.
fn check_row(r: &RecipientInput) -> Result<String, RowProblem> {
    let raw = r.email.trim();
    if raw.is_empty() {
        return Err(RowProblem::NoEmail);
    }
    let email = super::email_rules::normalize_email(raw)
        .ok_or_else(|| RowProblem::NotAnAddress(raw.to_owned()))?;
    if r.name.chars().count() > 200 {
        return Err(RowProblem::NameTooLong);
    }
    if !r.locale.trim().is_empty() && r.language().is_none() {
        return Err(RowProblem::Locale(r.locale.trim().to_owned()));
    }
    if !r.username.trim().is_empty() {
        super::user::validate_username(&r.username)
            .map_err(|e| RowProblem::Username(e.to_string()))?;
    }
    let size: usize = r
        .attributes
        .iter()
        .map(|(k, v)| k.len() + v.to_string().len())
        .sum();
    if size > 4096 {
        return Err(RowProblem::TooLarge);
    }
    Ok(email)
}

/// A recipient's `fixed_data`: the campaign's `defaults`, then the row's fields over them: `email` (the
/// normalised address), `name` and `username` when given, and its attributes merged into the
/// `attributes` object (what the enrollment's user write reads).
pub fn recipient_fixed_data(
    defaults: &Map<String, Value>,
    row: &RecipientInput,
    email: &str,
) -> Map<String, Value> {
    let mut out = defaults.clone();
    out.insert("email".into(), Value::String(email.to_owned()));
    if !row.name.trim().is_empty() {
        out.insert("name".into(), Value::String(row.name.trim().to_owned()));
    }
    if !row.username.trim().is_empty() {
        out.insert(
            "username".into(),
            Value::String(row.username.trim().to_owned()),
        );
    }
    if !row.attributes.is_empty() {
        let mut attrs = match out.remove("attributes") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for (k, v) in &row.attributes {
            attrs.insert(k.clone(), v.clone());
        }
        out.insert("attributes".into(), Value::Object(attrs));
    }
    out
}

/// Pasted addresses: separated by line breaks, commas, semicolons or spaces; each its own row, numbered
/// from 1. `Name <address>` is read as the name and the address.
pub fn parse_pasted(text: &str) -> Vec<RecipientInput> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let (Some(open), true) = (line.find('<'), line.ends_with('>')) {
            rows.push(RecipientInput {
                line: rows.len() + 1,
                email: line[open + 1..line.len() - 1].trim().to_owned(),
                name: line[..open].trim().trim_matches('"').trim().to_owned(),
                ..Default::default()
            });
            continue;
        }
        for part in line
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            rows.push(RecipientInput {
                line: rows.len() + 1,
                email: part.to_owned(),
                ..Default::default()
            });
        }
    }
    rows
}

/// Why a CSV file is refused as a whole (a bad row is only that row's problem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CsvError {
    /// Not UTF-8.
    NotUtf8,
    /// No header line.
    Empty,
    /// No `email` column.
    NoEmailColumn,
    /// A column Usher does not know.
    UnknownColumn(String),
    /// The same column twice.
    RepeatedColumn(String),
    /// Too many rows.
    TooManyRows,
    /// A row has more fields than the header, with its 1-based line.
    TooManyFields {
        /// 1-based line.
        line: u64,
    },
    /// The CSV does not parse (e.g. an unclosed quote), with its line.
    Syntax {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

impl CsvError {
    /// This error's message in `l` (the catalogue's `err-camp-csv-…` keys); its `Display` is the English
    /// one. Column names are quoted as Rust's `{:?}` quotes them.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        match self {
            Self::NotUtf8 => t!(l, "err-camp-csv-not-utf8"),
            Self::Empty => t!(l, "err-camp-csv-empty"),
            Self::NoEmailColumn => t!(l, "err-camp-csv-no-email-column"),
            Self::UnknownColumn(c) => {
                t!(l, "err-camp-csv-unknown-column", column = format!("{c:?}"))
            }
            Self::RepeatedColumn(c) => {
                t!(l, "err-camp-csv-repeated-column", column = format!("{c:?}"))
            }
            Self::TooManyRows => t!(l, "err-camp-csv-too-many-rows"),
            Self::TooManyFields { line } => {
                t!(l, "err-camp-csv-too-many-fields", line = line.to_string())
            }
            Self::Syntax { line, message } => t!(
                l,
                "err-camp-csv-syntax",
                line = line.to_string(),
                message = message.clone()
            ),
        }
    }
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for CsvError {}

/// The column of a CSV header.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Email,
    Name,
    Username,
    Locale,
    Attribute(String),
}

/// Parses a CSV file of recipients: UTF-8 with or without a byte-order mark; the delimiter is `;` when
/// the header line has more semicolons than commas (a spreadsheet in a locale with decimal commas), else
/// `,`; the header names the columns (case-insensitive, trimmed): `email` (required), `name`,
/// `username`, `locale`, `attributes.<name>`. Blank lines are skipped; each row's line is its line in the file.
///
/// # Errors
/// [`CsvError`]: not UTF-8, no header, a missing `email` column, an unknown or repeated column, more than
/// [`MAX_IMPORT_ROWS`] rows, or a syntax error with its line.
#[cfg(feature = "ssr")]
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<RecipientInput>, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
    let header_line = text.lines().find(|l| !l.trim().is_empty());
    let Some(header_line) = header_line else {
        return Err(CsvError::Empty);
    };
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    // The line in the file of a byte offset, counted on from the previous one (records come in order;
    // the csv crate's own line count skips blank lines).
    let seen = std::cell::Cell::new((0usize, 1u64));
    let line_at = |byte: u64| {
        let (from, line) = seen.get();
        let to = (byte as usize).clamp(from, text.len());
        let line = line
            + text.as_bytes()[from..to]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
        seen.set((to, line));
        // A record's position is where the reader started it, before the blank lines it skipped.
        line + text.as_bytes()[to..]
            .iter()
            .take_while(|b| **b == b'\n' || **b == b'\r')
            .filter(|b| **b == b'\n')
            .count() as u64
    };
    let syntax = |e: csv::Error| {
        let line = e.position().map_or(0, |p| line_at(p.byte()));
        match e.kind() {
            csv::ErrorKind::UnequalLengths { .. } => CsvError::TooManyFields { line },
            _ => CsvError::Syntax {
                line,
                message: e.to_string(),
            },
        }
    };
    let headers = reader.headers().map_err(syntax)?.clone();
    let mut columns = Vec::new();
    for h in headers.iter() {
        let key = h.trim();
        let lower = key.to_ascii_lowercase();
        let column = match lower.as_str() {
            "email" | "e-mail" => Column::Email,
            "name" => Column::Name,
            "username" => Column::Username,
            "locale" | "language" => Column::Locale,
            _ => match key.split_once('.') {
                Some((prefix, attr))
                    if prefix.eq_ignore_ascii_case("attributes") && !attr.trim().is_empty() =>
                {
                    Column::Attribute(attr.trim().to_owned())
                }
                _ => return Err(CsvError::UnknownColumn(key.to_owned())),
            },
        };
        if columns.contains(&column) {
            return Err(CsvError::RepeatedColumn(key.to_owned()));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Email) {
        return Err(CsvError::NoEmailColumn);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(syntax)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() > columns.len() {
            return Err(CsvError::TooManyFields {
                line: record.position().map_or(0, |p| line_at(p.byte())),
            });
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(CsvError::TooManyRows);
        }
        let mut row = RecipientInput {
            line: record
                .position()
                .map_or(rows.len() + 2, |p| line_at(p.byte()) as usize),
            ..Default::default()
        };
        for (column, value) in columns.iter().zip(record.iter()) {
            match column {
                Column::Email => row.email = value.trim().to_owned(),
                Column::Name => row.name = value.trim().to_owned(),
                Column::Username => row.username = value.trim().to_owned(),
                Column::Locale => row.locale = value.trim().to_owned(),
                Column::Attribute(a) if !value.trim().is_empty() => {
                    row.attributes
                        .insert(a.clone(), Value::String(value.trim().to_owned()));
                }
                Column::Attribute(_) => {}
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_slugs() {
        assert_eq!(
            CampaignName::parse(" spring-2027 ").unwrap().as_str(),
            "spring-2027"
        );
        assert_eq!(CampaignName::parse(""), Err(CampaignError::NameRequired));
        assert_eq!(CampaignName::parse("a b"), Err(CampaignError::NameNotASlug));
        assert_eq!(
            CampaignName::parse(&"x".repeat(37)),
            Err(CampaignError::NameTooLong)
        );
        assert!(CampaignName::parse(&"x".repeat(36)).is_ok());
    }

    #[test]
    fn reminder_days_parse_largest_first() {
        assert_eq!(parse_reminder_days("1, 7 3"), Ok(vec![7, 3, 1]));
        assert_eq!(parse_reminder_days(""), Ok(vec![]));
        assert_eq!(parse_reminder_days("0"), Ok(vec![]));
        assert_eq!(parse_reminder_days("2,2"), Ok(vec![2]));
        assert_eq!(parse_reminder_days("x"), Err(ReminderError::NotADay));
        assert_eq!(parse_reminder_days("-1"), Err(ReminderError::NotADay));
        assert_eq!(parse_reminder_days("366"), Err(ReminderError::NotADay));
        assert_eq!(
            parse_reminder_days("1 2 3 4 5 6"),
            Err(ReminderError::TooMany)
        );
        assert_eq!(check_reminder_days(&[1, 3, 0]), Ok(vec![3, 1]));
    }

    #[test]
    fn reminders_fall_due_once_each() {
        let day = 86_400;
        let expires = Some(100 * day);
        let days = [7, 1];
        assert_eq!(due_reminder(&days, expires, 92 * day, 0), None);
        assert_eq!(due_reminder(&days, expires, 93 * day, 0), Some(1));
        assert_eq!(due_reminder(&days, expires, 93 * day, 1), None);
        assert_eq!(due_reminder(&days, expires, 99 * day, 1), Some(2));
        // Added late: only the latest due reminder.
        assert_eq!(due_reminder(&days, expires, 99 * day, 0), Some(2));
        assert_eq!(due_reminder(&days, expires, 99 * day, 2), None);
        assert_eq!(due_reminder(&days, expires, 100 * day, 0), None);
        assert_eq!(due_reminder(&days, None, 0, 0), None);
        assert_eq!(due_reminder(&[], expires, 99 * day, 0), None);
    }

    #[test]
    fn states_in_order() {
        let base = RecipientFacts {
            has_invitation: true,
            expires: Some(100),
            ..Default::default()
        };
        let s = |f: RecipientFacts| RecipientState::compute(&f, 50);
        assert_eq!(s(base), RecipientState::Queued);
        assert_eq!(
            s(RecipientFacts {
                last_message: Some(MessageFact::Sent),
                ..base
            }),
            RecipientState::Sent
        );
        assert_eq!(
            s(RecipientFacts {
                last_message: Some(MessageFact::Waiting),
                ever_sent: true,
                ..base
            }),
            RecipientState::Sent
        );
        assert_eq!(
            s(RecipientFacts {
                viewed: true,
                last_message: Some(MessageFact::Sent),
                ..base
            }),
            RecipientState::Viewed
        );
        assert_eq!(
            s(RecipientFacts {
                viewed: true,
                last_message: Some(MessageFact::Failed),
                ..base
            }),
            RecipientState::DeliveryFailed
        );
        assert_eq!(
            s(RecipientFacts {
                expires: Some(50),
                ..base
            }),
            RecipientState::Expired
        );
        assert_eq!(
            s(RecipientFacts {
                expires: Some(50),
                uses: 1,
                ..base
            }),
            RecipientState::Joined
        );
        assert_eq!(
            s(RecipientFacts {
                uses: 1,
                revoked: true,
                ..base
            }),
            RecipientState::Revoked
        );
        assert_eq!(
            s(RecipientFacts {
                has_invitation: false,
                ..base
            }),
            RecipientState::Revoked
        );
        assert!(RecipientState::Viewed.is_pending());
        assert!(!RecipientState::Joined.is_pending());
        assert_eq!(RecipientState::DeliveryFailed.key(), "delivery_failed");
    }

    #[test]
    fn a_row_may_name_its_language_and_an_unknown_one_is_invalid() {
        let rows = parse_csv(b"email,locale\na@x.io,de\nb@x.io,\nc@x.io,fr\n").unwrap();
        assert_eq!(rows[0].language(), Some(crate::i18n::Locale::De));
        assert_eq!(rows[1].language(), None);
        let report = classify(rows, |_| false, |_| None);
        assert_eq!(report[0].verdict, RowVerdict::New);
        assert_eq!(report[1].verdict, RowVerdict::New);
        assert_eq!(
            report[2].verdict,
            RowVerdict::Invalid(RowProblem::Locale("fr".into()))
        );
    }

    fn row(line: usize, email: &str) -> RecipientInput {
        RecipientInput {
            line,
            email: email.into(),
            ..Default::default()
        }
    }

    #[test]
    fn classify_rows() {
        let rows = vec![
            row(2, "new@example.com"),
            row(3, "New@EXAMPLE.com"),
            row(4, "not-an-address"),
            row(5, "old@example.com"),
            row(6, "user@example.com"),
            row(7, ""),
            RecipientInput {
                username: "bad name!".into(),
                ..row(8, "x@example.com")
            },
        ];
        let out = classify(
            rows,
            |e| e == "old@example.com",
            |e| (e == "user@example.com").then(|| "jane".to_owned()),
        );
        let v: Vec<_> = out.iter().map(|r| r.verdict.clone()).collect();
        assert_eq!(v[0], RowVerdict::New);
        assert_eq!(v[1], RowVerdict::Repeated(2));
        assert_eq!(
            v[2],
            RowVerdict::Invalid(RowProblem::NotAnAddress("not-an-address".into()))
        );
        assert_eq!(v[3], RowVerdict::AlreadyRecipient);
        assert_eq!(v[4], RowVerdict::Join("jane".into()));
        assert_eq!(v[5], RowVerdict::Invalid(RowProblem::NoEmail));
        assert!(matches!(v[6], RowVerdict::Invalid(RowProblem::Username(_))));
        assert_eq!(out[1].email.as_deref(), Some("new@example.com"));
        let c = ImportCounts::of(&out);
        assert_eq!(
            (c.new, c.join, c.duplicate, c.invalid, c.added()),
            (1, 1, 2, 3, 2)
        );
        assert_eq!(c.summary(), "1 new, 1 to join, 2 duplicates, 3 invalid");
        assert!(v[1].explain().contains("line 2"));
    }

    #[test]
    fn fixed_data_merges_the_row_over_the_defaults() {
        let defaults: Map<String, Value> =
            serde_json::from_str(r#"{"name":"Guest","attributes":{"team":"a","cohort":"2027"}}"#)
                .unwrap();
        let mut r = row(2, "x@example.com");
        r.name = "Jane".into();
        r.attributes.insert("team".into(), "b".into());
        let m = recipient_fixed_data(&defaults, &r, "x@example.com");
        assert_eq!(m["email"], "x@example.com");
        assert_eq!(m["name"], "Jane");
        assert_eq!(m["attributes"]["team"], "b");
        assert_eq!(m["attributes"]["cohort"], "2027");
        assert!(!m.contains_key("username"));
    }

    #[test]
    fn pasted_addresses() {
        let rows = parse_pasted("a@x.io, b@x.io\n\n c@x.io;d@x.io\nJane Doe <jane@x.io>\n");
        let emails: Vec<_> = rows.iter().map(|r| r.email.as_str()).collect();
        assert_eq!(
            emails,
            ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "jane@x.io"]
        );
        assert_eq!(rows[4].name, "Jane Doe");
        assert_eq!(rows[4].line, 5);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn csv_with_bom_semicolons_and_attributes() {
        let text = "\u{feff}Email;Name;attributes.team\nA@x.io;Ann;red\n\nb@x.io;\"Bo; B\";\n";
        let rows = parse_csv(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].email, "A@x.io");
        assert_eq!(rows[0].name, "Ann");
        assert_eq!(rows[0].attributes["team"], "red");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].name, "Bo; B");
        assert!(rows[1].attributes.is_empty());
        assert_eq!(rows[1].line, 4);
        let rows = parse_csv(b"email,username\nc@x.io,carol\n").unwrap();
        assert_eq!(rows[0].username, "carol");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn csv_refusals() {
        assert_eq!(parse_csv(b""), Err(CsvError::Empty));
        assert_eq!(parse_csv(b"name\nx\n"), Err(CsvError::NoEmailColumn));
        assert_eq!(
            parse_csv(b"email,phone\n"),
            Err(CsvError::UnknownColumn("phone".into()))
        );
        assert_eq!(
            parse_csv(b"email,Email\n"),
            Err(CsvError::RepeatedColumn("Email".into()))
        );
        assert_eq!(parse_csv(b"email\n\xff\n"), Err(CsvError::NotUtf8));
        assert!(matches!(
            parse_csv(b"email\na@x.io,extra\n"),
            Err(CsvError::TooManyFields { line: 2 })
        ));
        let big = format!("email\n{}", "a@x.io\n".repeat(MAX_IMPORT_ROWS + 1));
        assert_eq!(parse_csv(big.as_bytes()), Err(CsvError::TooManyRows));
    }
}
