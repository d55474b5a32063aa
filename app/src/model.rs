//! Types shared by the browser and the server: what server functions take and return.

use crate::domain::flow::PromptField;
use crate::domain::invitation::InvitationStatus;
use serde::{Deserialize, Serialize};

/// The signed-in user: the domain's account of the request, as pages show it.
pub use crate::domain::user::CurrentUser;

/// A flow offered by the invitation form's flow selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowOption {
    /// UUID.
    pub pk: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Whether an invitation stage is bound (without one, the flow ignores invitations).
    pub has_invitation_stage: bool,
    /// Whether an email stage is bound (every invitee then confirms their address with an emailed code).
    pub has_email_stage: bool,
}

/// A group or role of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedItem {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// How many users hold it.
    pub members: i64,
}

/// One row of the invitations table, with what its expanded view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    /// UUID.
    pub pk: String,
    /// Slug name.
    pub name: String,
    /// Description for admins.
    pub description: String,
    /// Flow slug.
    pub flow_slug: String,
    /// Flow pk.
    pub flow_pk: String,
    /// Computed status.
    pub status: InvitationStatus,
    /// Consumed uses.
    pub uses: i64,
    /// Max uses; `None` = unlimited.
    pub quota: Option<i64>,
    /// Single use.
    pub single_use: bool,
    /// Expiry, UTC Unix seconds; `None` = never.
    pub expires: Option<i64>,
    /// Expiry for people: relative and absolute with time zone, e.g. "in 7 days (2026-11-28 12:00 UTC)".
    pub expires_display: String,
    /// Expiry as `YYYY-MM-DDTHH:MM` (UTC) for the edit form; empty when never.
    pub expires_input: String,
    /// Creation, UTC Unix seconds.
    pub created: i64,
    /// Username of the creator.
    pub created_by: String,
    /// Whether the creator's account is active: a deactivated creator's invitations are disabled
    /// whatever their own switch says (the dashboard says why).
    pub creator_active: bool,
    /// `fixed_data` as pretty JSON.
    pub fixed_data: String,
    /// Email rules as written (`a@b.c`, `*@b.c`).
    pub emails: Vec<String>,
    /// Role pks.
    pub roles: Vec<String>,
    /// Group pks.
    pub groups: Vec<String>,
    /// Role names, for display.
    pub role_names: Vec<String>,
    /// Group names, for display.
    pub group_names: Vec<String>,
    /// The admin's switch.
    pub enabled: bool,
    /// Whether its creator is emailed of its uses, failed deliveries and unused expiry.
    pub notify_creator: bool,
    /// The full link `{public_url}/if/flow/{slug}/?itoken={token}`; empty when the token was sealed
    /// under another `USHER_SECRET_KEY` and cannot be shown (regenerate it).
    pub link: String,
    /// Who used it, oldest first; read with one invitation (`None` in a list's rows).
    pub ledger: Option<Vec<LedgerEntry>>,
    /// How many accounts it enrolled (the ledger's `enrolled` rows).
    pub enrolled_count: u64,
    /// How many outbox messages it has.
    pub message_count: u64,
    /// Where "Send" goes by default: `fixed_data.email` and the exact addresses among the email rules.
    pub send_to: Vec<String>,
    /// Its messages, newest first; read with one invitation (`None` in a list's rows).
    pub messages: Option<Vec<OutboxMessage>>,
    /// What its admin should know of beside its uses (codes paused, …), oldest first; read with one
    /// invitation (`None` in a list's rows).
    pub events: Option<Vec<InvitationEvent>>,
    /// Its timeline: its audit events and its messages' queuing and delivery, oldest first; read with
    /// one invitation (`None` in a list's rows).
    pub timeline: Option<Vec<TimelineEntry>>,
}

/// An event of an invitation, as its expanded row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationEvent {
    /// What happened.
    pub kind: crate::domain::event::EventKind,
    /// When, UTC Unix seconds.
    pub at: i64,
    /// When, for people (with time zone).
    pub at_display: String,
    /// What it means, for people.
    pub detail: String,
}

/// Rows per page of the dashboard's invitation table.
pub const DASHBOARD_PAGE_SIZE: u64 = 50;

/// A message of the outbox, as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// UUID.
    pub pk: String,
    /// Invitation pk, when it belongs to one.
    pub invitation_pk: Option<String>,
    /// Invitation name, when it belongs to one.
    pub invitation: Option<String>,
    /// Recipients (cc and bcc included, marked).
    pub to: String,
    /// Subject.
    pub subject: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: crate::domain::outbox::OutboxStatus,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The last SMTP error, if any.
    pub last_error: String,
    /// Queued at, for people.
    pub created: String,
    /// Sent at, for people ("" until sent).
    pub sent: String,
}

/// The create/edit form of an invitation, as typed by the admin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationForm {
    /// Slug name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Flow pk.
    pub flow: String,
    /// `YYYY-MM-DDTHH:MM` in UTC; ignored when `never_expires`.
    pub expires: String,
    /// No expiry.
    pub never_expires: bool,
    /// JSON or YAML mapping.
    pub fixed_data: String,
    /// Single use (quota 1).
    pub single_use: bool,
    /// Whole number or empty (unlimited).
    pub quota: String,
    /// One rule per line.
    pub emails: String,
    /// Role pks.
    pub roles: Vec<String>,
    /// Group pks.
    pub groups: Vec<String>,
    /// Enabled.
    pub enabled: bool,
    /// Email the creator when it is used, a delivery fails, or it expires unused (absent: off).
    #[serde(default)]
    pub notify_creator: bool,
}

/// Sort order of the invitations table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum InvitationSort {
    /// Newest first.
    #[default]
    CreatedDesc,
    /// Oldest first.
    CreatedAsc,
    /// Soonest expiry first (never last).
    ExpiresAsc,
    /// Latest expiry first (never first).
    ExpiresDesc,
}

/// What the flow page shows: the invitation's summary and the current prompt stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowView {
    /// Flow slug.
    pub slug: String,
    /// Flow title.
    pub title: String,
    /// Who created the invitation (empty without one).
    pub invited_by: String,
    /// Role names granted.
    pub roles: Vec<String>,
    /// Group names granted.
    pub groups: Vec<String>,
    /// `internal` or `external`.
    pub user_type: crate::domain::flow::UserType,
    /// Expiry for people, or "never".
    pub expires_display: String,
    /// Index of the stage shown (a prompt stage, or the `email` stage), in the flow's stage bindings.
    pub stage: usize,
    /// 1-based number of this page and how many there are (prompt pages, then the code page if needed).
    pub step: (usize, usize),
    /// The stage's prompt fields, sorted, with values: from the flow in progress, else pre-filled from
    /// `fixed_data` (never for passwords).
    pub fields: Vec<(PromptField, Option<String>)>,
    /// Field keys the invitee cannot change (the email of an exact-address invitation).
    pub locked: Vec<String>,
    /// The signed-in user's username, who may accept instead of enrolling.
    pub signed_in_as: Option<String>,
    /// On the `email` stage's page: the address the code was sent to.
    pub verify_email: Option<String>,
    /// Why this flow cannot create an account for this visitor (its `designation`,
    /// `user_creation_mode` or `authentication` setting), shown instead of the prompt form; `None`
    /// when it can.
    pub closed: Option<String>,
    /// Whether this journey has a code page (the address must be proven with an emailed code).
    pub code_step: bool,
    /// Whether that code cannot be sent because no SMTP server is configured: the page tells the invitee
    /// to contact whoever invited them (issue 34).
    pub mail_unavailable: bool,
}

/// The accept page of an existing user (`/if/accept/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptView {
    /// Who created the invitation.
    pub invited_by: String,
    /// Role names granted.
    pub roles: Vec<String>,
    /// Group names granted.
    pub groups: Vec<String>,
    /// Expiry for people.
    pub expires_display: String,
    /// The signed-in user's username.
    pub username: String,
    /// When the invitation is limited by email and the account's address is not proven yet: that address,
    /// which must be confirmed with a code before accepting.
    pub verify_email: Option<String>,
    /// Whether a code for it was sent in this browser.
    pub code_sent: bool,
    /// Whether that code cannot be sent because no SMTP server is configured: the page tells the user
    /// to contact whoever invited them (issue 34).
    pub mail_unavailable: bool,
}

/// One row of an invitation's ledger of uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// The account's pk.
    pub user_pk: i64,
    /// Username of the account.
    pub username: String,
    /// `enrolled` or `joined`.
    pub action: crate::domain::invitation::UseAction,
    /// When, UTC Unix seconds.
    pub at: i64,
    /// When, for people ("2026-11-21 12:00 UTC").
    pub at_display: String,
}

/// Rows per page of Directory → Users.
pub use crate::domain::user::USERS_PAGE_SIZE;

/// A path users have in Directory → Users, and how many users have exactly it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathCount {
    /// The path, e.g. `users/external`.
    pub path: String,
    /// The users whose path it is.
    pub users: u64,
}

/// A user in Directory → Users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// Integer pk.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// `internal` or `external`.
    pub user_type: crate::domain::flow::UserType,
    /// Path.
    pub path: String,
    /// Active.
    pub is_active: bool,
    /// Superuser.
    pub is_superuser: bool,
    /// Group names.
    pub groups: Vec<String>,
    /// Role names.
    pub roles: Vec<String>,
    /// Last sign-in for people, or "never".
    pub last_login: String,
    /// The invitation the account enrolled through, if any.
    pub created_by_invitation: Option<String>,
}

/// An API token in Directory → Tokens (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    /// UUID.
    pub pk: String,
    /// Unique identifier (a slug).
    pub identifier: String,
    /// Owner's username.
    pub username: String,
    /// Whether the owner is a superuser (only their tokens manage invitations).
    pub superuser: bool,
    /// The secret's first characters, to tell tokens apart.
    pub key_prefix: String,
    /// Free text.
    pub description: String,
    /// Creation time, UTC.
    pub created_display: String,
    /// Expiry for people, or "never".
    pub expires_display: String,
    /// `active`, `expired` or `revoked` (at the time of reading).
    pub status: crate::domain::token::TokenStatus,
}

/// A token just created: its row and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    /// The stored token.
    pub token: ApiTokenView,
    /// The secret for `Authorization: Bearer …`; only its hash is kept.
    pub secret: String,
}

/// The create-token form of Directory → Tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TokenForm {
    /// Owner's username.
    pub username: String,
    /// Unique identifier.
    pub identifier: String,
    /// Free text.
    pub description: String,
    /// Expiry (`YYYY-MM-DDTHH:MM`, UTC), or empty for never.
    pub expires: String,
}

/// A stage bound to a flow, for Flows & Stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    /// Unique stage name.
    pub name: String,
    /// `invitation`, `prompt`, `email`, `user_write`, `user_login`.
    pub kind: String,
    /// The stage's settings as YAML.
    pub settings: String,
}

/// A flow in Flows & Stages → Flows, with its stage bindings in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowEntryView {
    /// UUID.
    pub pk: String,
    /// URL slug.
    pub slug: String,
    /// Admin-facing name.
    pub name: String,
    /// Title shown to invitees.
    pub title: String,
    /// `enrollment`, …
    pub designation: String,
    /// Whether an invitation stage is bound (without one the flow runs an implicit one).
    pub has_invitation_stage: bool,
    /// Open enrollment: visitors without an invitation may enroll (off unless an admin turned it on).
    pub open_enrollment: bool,
    /// Bound stages in order.
    pub stages: Vec<StageView>,
}

/// The field a blueprint import is refused on when it would change built-in flows or stages and the
/// admin has not confirmed (`service::blueprints::BuiltinChanges`).
pub use crate::domain::flow::CONFIRM_BUILTIN_FIELD;

/// What applying a blueprint did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApplyReport {
    /// `metadata.name`.
    pub name: String,
    /// Objects created.
    pub created: usize,
    /// Objects that existed and were updated.
    pub updated: usize,
    /// Slugs of the flows in the file.
    pub flows: Vec<String>,
}

/// An expression policy in Flows & Stages → Policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// The CEL expression.
    pub expression: String,
    /// Shown to the invitee when it denies.
    pub message: String,
    /// Where it is bound.
    pub bindings: Vec<PolicyBindingView>,
}

/// Where a policy is bound: a flow, or one stage of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyBindingView {
    /// UUID.
    pub pk: String,
    /// The flow's slug.
    pub flow_slug: String,
    /// The stage's name, for a stage binding.
    pub stage: Option<String>,
}

/// The create-policy form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PolicyForm {
    /// Unique name.
    pub name: String,
    /// CEL expression over `invitation_in_effect`, `invitation`, `prompt_data`, `context`.
    pub expression: String,
    /// Message shown when it denies.
    pub message: String,
}

/// System → Brands: where external users go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BrandSettings {
    /// The default application external users are sent to (absolute http(s) URL or a path); empty = none.
    pub default_application_url: String,
    /// The value `USHER_DEFAULT_APP_URL` gives when nothing is saved here.
    pub from_environment: String,
}

/// The mail status every admin page's banner reads (issue 34): shown when no SMTP server is configured or
/// the last delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MailStatus {
    /// Whether an SMTP server is configured (`USHER_SMTP_URL` or System → Email).
    pub configured: bool,
    /// Messages waiting in the outbox (queued or being sent).
    pub queued: i64,
    /// The error of the last delivery attempt (any instance's) when it failed; `None` when it succeeded
    /// or nothing was tried yet.
    pub last_failure: Option<String>,
}

/// The notice every admin page shows while verification codes are being guessed at (issue 35 item 4):
/// the instance's wrong codes of the day are past half its figure
/// ([`crate::domain::limits::CODE_FAILURES_GLOBAL`]), or an invitation's are past half its budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CodeGuessingNotice {
    /// Wrong codes tried in the instance's current day-long window (0 when only invitations are past
    /// half).
    pub failures: i64,
    /// The instance's figure: past it, every network may try one code a minute.
    pub figure: i64,
    /// Whether the figure is passed (every network is slowed down).
    pub slowed: bool,
    /// When the instance's wrong codes passed half the figure, for people ("2026-12-06 04:12 UTC"), if
    /// known.
    pub since: Option<String>,
    /// When the instance's window ends, for people; `None` when it is not past half.
    pub until: Option<String>,
    /// Names of invitations whose wrong codes of the day are past half their budget (at most 10),
    /// busiest first.
    pub invitations: Vec<String>,
}

/// The last delivery attempt of any instance (a message of the outbox or a test email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastDelivery {
    /// When, for people ("2026-12-06 04:12 UTC").
    pub at: String,
    /// Whether the server took the message.
    pub ok: bool,
    /// The server's answer ("250 …") or the error.
    pub detail: String,
}

/// Whether Usher can reach the SMTP server in effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpConnection {
    /// No SMTP server is configured.
    NotConfigured,
    /// It answered and took the connection (the settings' TLS and authentication included).
    Connected,
    /// It could not be reached or refused: the error.
    Failed(String),
}

/// System → Email: the SMTP settings in effect, where each comes from, and what was saved here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettingsView {
    /// The SMTP URL in effect, its password masked; empty when none.
    pub smtp_url: String,
    /// Where it comes from; `None` when there is none.
    pub smtp_url_source: Option<crate::domain::smtp::Source>,
    /// The `From:` in effect.
    pub from: String,
    /// Where it comes from.
    pub from_source: crate::domain::smtp::Source,
    /// The brand name in emails (`USHER_BRAND_NAME`).
    pub brand_name: String,
    /// Where it comes from (environment or default).
    pub brand_source: crate::domain::smtp::Source,
    /// The URL saved here, without its password; empty when none.
    pub saved_url: String,
    /// Whether a password is saved (sealed under the instance secret).
    pub saved_password: bool,
    /// The `From:` saved here; empty when none.
    pub saved_from: String,
    /// Whether the server can be reached with the settings in effect.
    pub connection: SmtpConnection,
    /// The last delivery attempt, if any.
    pub last_delivery: Option<LastDelivery>,
    /// Messages waiting in the outbox.
    pub queued: i64,
}

/// What System → Email saves. An empty URL removes the saved SMTP server (and its password); an empty
/// password keeps the saved one; an empty `From:` removes the saved one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EmailSettingsInput {
    /// `smtp://user@host:587?tls=required`; a password in it is split off and sealed.
    pub smtp_url: String,
    /// The SMTP password (sealed under the instance secret); empty keeps the saved one.
    pub smtp_password: String,
    /// The `From:` mailbox, e.g. `Acme <id@acme.example>`.
    pub from: String,
}

/// System → Events' filters, as the form holds them (empty = any). Times are `YYYY-MM-DDTHH:MM`, UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventQuery {
    /// An action's stored name (`model_created`, …).
    pub action: String,
    /// The actor's username.
    pub username: String,
    /// The kind of object (`invitation`, `user`, `token`).
    pub model: String,
    /// The object's pk.
    pub object_pk: String,
    /// Created at or after.
    pub since: String,
    /// Created at or before.
    pub until: String,
    /// 0-based page of [`EVENTS_PAGE_SIZE`].
    pub page: u64,
}

/// Events per page of System → Events.
pub const EVENTS_PAGE_SIZE: u64 = 50;

/// An audit event as System → Events shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    /// UUID.
    pub pk: String,
    /// When, for people (UTC).
    pub created: String,
    /// The action's stored name.
    pub action: String,
    /// Who: the username, with how (`admin`, `admin (API token)`, `system`, `invitee`).
    pub actor: String,
    /// The client's address, or empty.
    pub client_ip: String,
    /// The kind of object, or empty.
    pub model: String,
    /// The object's pk, or empty.
    pub object_pk: String,
    /// The object's name when the event gives it.
    pub object_name: String,
    /// The rest of the context (a diff, the fields…), compact JSON.
    pub details: String,
}

/// One page of System → Events and how many events the filters select.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    /// This page, newest first.
    pub rows: Vec<EventView>,
    /// Events the filters select, in all.
    pub count: u64,
}

/// One step of an invitation's timeline in its expanded row (issue 14 item 3): created, edited,
/// emailed, delivered or failed, used, …, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When, UTC Unix seconds.
    pub at: i64,
    /// When, for people.
    pub at_display: String,
    /// What kind of step: `created`, `edited`, `enabled`, `disabled`, `link_regenerated`, `sent`,
    /// `delivered`, `failed`, `viewed`, `used`, `refused`, `deprovisioned`.
    pub kind: String,
    /// What happened, for people.
    pub text: String,
    /// Whether it is a failure to look at.
    pub warning: bool,
}

/// A webhook in System → Webhooks (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// Where deliveries are posted.
    pub url: String,
    /// Event types (audit action names), or `["*"]` for every event.
    pub actions: Vec<String>,
    /// Whether deliveries are made.
    pub enabled: bool,
    /// Creation time, UTC, for people.
    pub created: String,
}

/// System → Webhooks: the private-address setting, the webhooks, and the event types one may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WebhooksPage {
    /// Whether webhooks may reach loopback and private addresses.
    pub allow_private: bool,
    /// Every webhook, by name.
    pub webhooks: Vec<WebhookView>,
    /// Every event type (audit action name).
    pub event_types: Vec<String>,
}

/// The create-webhook form of System → Webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WebhookForm {
    /// Unique name.
    pub name: String,
    /// http(s) URL.
    pub url: String,
    /// Event types; empty, or `*` among them, for every event.
    pub actions: Vec<String>,
    /// Whether deliveries are made.
    pub enabled: bool,
}

/// A webhook just created and its signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    /// The webhook.
    pub webhook: WebhookView,
    /// The signing secret (`whsec_…`), kept only sealed.
    pub secret: String,
}

/// One delivery of a webhook, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDeliveryView {
    /// The delivery's pk.
    pub pk: String,
    /// The `webhook-id` it is sent with.
    pub message_id: String,
    /// The event type.
    pub event_type: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The HTTP status of the last answer, if one came.
    pub response_code: Option<i64>,
    /// Why the last attempt failed, or "".
    pub last_error: String,
    /// When it was queued, UTC, for people.
    pub created: String,
    /// When it was delivered, or "".
    pub sent: String,
    /// Whether it may be redelivered (delivered or failed).
    pub redeliverable: bool,
}

/// One page of a webhook's deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WebhookDeliveries {
    /// How many deliveries the webhook has.
    pub count: u64,
    /// This page's.
    pub deliveries: Vec<WebhookDeliveryView>,
}
