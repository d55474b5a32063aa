//! The API's shapes, named and typed as in authentik's OpenAPI schema (`schema.yml`), plus Usher's own
//! invitation fields. Times are RFC 3339 in UTC (`2026-11-28T12:00:00Z`).

use super::pagination::Pagination;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat,
    SchemaType, Type,
};
use utoipa::ToSchema;

/// The user who created an invitation (authentik's `PartialUser` / `GroupMember`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartialUser {
    /// Integer pk.
    pub pk: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Active.
    pub is_active: bool,
    /// Last sign-in, or null.
    #[schema(format = DateTime)]
    pub last_login: Option<String>,
    /// Email address.
    pub email: String,
    /// Attributes.
    #[schema(value_type = Object)]
    pub attributes: Value,
    /// Stable unique id.
    pub uid: String,
}

/// `designation` of a flow.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FlowDesignationEnum {
    /// Sign-in flows.
    Authentication,
    /// Consent flows.
    Authorization,
    /// Sign-out flows.
    Invalidation,
    /// Enrollment flows (Usher's).
    Enrollment,
    /// Account removal.
    Unenrollment,
    /// Recovery.
    Recovery,
    /// Stage configuration.
    StageConfiguration,
}

/// `authentication` requirement of a flow.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationEnum {
    /// Anyone.
    None,
    /// Signed-in users only.
    RequireAuthenticated,
    /// Signed-out visitors only (Usher's enrollment flows).
    RequireUnauthenticated,
    /// Superusers only.
    RequireSuperuser,
    /// Redirects only.
    RequireRedirect,
    /// Outposts only.
    RequireOutpost,
}

/// `policy_engine_mode`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyEngineMode {
    /// Every policy must pass.
    All,
    /// One policy passing is enough.
    Any,
}

/// `layout` of a flow's page.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowLayoutEnum {
    /// Stacked (Usher's).
    Stacked,
    /// Content left.
    ContentLeft,
    /// Content right.
    ContentRight,
    /// Sidebar left.
    SidebarLeft,
    /// Sidebar right.
    SidebarRight,
    /// Sidebar left, framed background.
    SidebarLeftFrameBackground,
    /// Sidebar right, framed background.
    SidebarRightFrameBackground,
}

/// `denied_action` of a flow.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeniedActionEnum {
    /// Show a message, then continue.
    MessageContinue,
    /// Show a message.
    Message,
    /// Continue.
    Continue,
}

/// A flow (authentik's `Flow`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Flow {
    /// UUID.
    #[schema(format = "uuid")]
    pub pk: String,
    /// Same as `pk`.
    #[schema(format = "uuid")]
    pub policybindingmodel_ptr_id: String,
    /// Admin-facing name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Title shown to the invitee.
    pub title: String,
    /// What the flow is for.
    pub designation: FlowDesignationEnum,
    /// Background image (Usher has none: empty).
    pub background: String,
    /// Background image URL (empty).
    pub background_url: String,
    /// Themed background URLs, `{light, dark}` (null: Usher has none).
    #[schema(value_type = Option<Object>)]
    pub background_themed_urls: Option<Value>,
    /// Bound stages' pks, in order.
    pub stages: Vec<String>,
    /// Bound policies' pks (none yet).
    pub policies: Vec<String>,
    /// Cached plans (Usher caches none: 0).
    pub cache_count: i64,
    /// How bound policies combine.
    pub policy_engine_mode: PolicyEngineMode,
    /// Compatibility mode (false).
    pub compatibility_mode: bool,
    /// Where the flow's blueprint export lives.
    pub export_url: String,
    /// Page layout.
    pub layout: FlowLayoutEnum,
    /// What happens when a policy denies.
    pub denied_action: DeniedActionEnum,
    /// Who may run the flow.
    pub authentication: AuthenticationEnum,
    /// Usher's open enrollment: `true` lets visitors without an invitation enroll through this flow
    /// (off unless an admin turned it on in Flows & Stages; a flow without an invitation stage still asks
    /// for one).
    pub open_enrollment: bool,
}

/// An invitation (authentik's `Invitation`, plus Usher's fields from `description` on).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invitation {
    /// UUID.
    #[schema(format = "uuid")]
    pub pk: String,
    /// Unique slug name.
    pub name: String,
    /// Expiry, or null for never.
    #[schema(format = DateTime)]
    pub expires: Option<String>,
    /// Custom attributes: pre-fill values and metadata (`email` sends the invitation).
    #[schema(value_type = Object)]
    pub fixed_data: Value,
    /// Who created it.
    pub created_by: PartialUser,
    /// Used up after one use.
    pub single_use: bool,
    /// The flow's pk.
    #[schema(format = "uuid")]
    pub flow: Option<String>,
    /// The flow.
    pub flow_obj: Flow,
    /// Usher: description for admins.
    pub description: String,
    /// Usher: maximum uses, null for unlimited.
    pub quota: Option<i64>,
    /// Usher: uses consumed.
    pub uses: i64,
    /// Usher: email rules (`jane@example.com`, `*@example.com`); empty = public.
    pub emails: Vec<String>,
    /// Usher: role names granted.
    pub roles: Vec<String>,
    /// Usher: group names granted.
    pub groups: Vec<String>,
    /// Usher: the admin's switch.
    pub enabled: bool,
    /// Usher: `active`, `disabled`, `not_yet_open` (before `not_before`), `expired` or `used_up`.
    pub status: String,
    /// Usher: when it opens (before it, its link grants nothing), or null for at once.
    #[schema(format = DateTime)]
    pub not_before: Option<String>,
    /// Usher: the invitee's language (its pages, errors and emails), or null for the invitee's
    /// browser's, else the brand default.
    #[schema(schema_with = locale)]
    pub locale: Option<String>,
    /// Usher: the link `{public_url}/if/flow/{slug}/?itoken={token}`; empty when the token was sealed
    /// under another `USHER_SECRET_KEY` (regenerate it).
    pub link: String,
}

/// What the server takes as an invitation's name (after trimming surrounding whitespace): a slug of ASCII
/// letters, digits, `-` and `_` ([`usher_app::domain::invitation::InvitationName`]).
pub const NAME_PATTERN: &str = "^[-A-Za-z0-9_]+$";

/// A domain email rule, `*@` and an ASCII domain of at least two labels (letters, digits and inner
/// `-`, at most 63 each); the server also takes internationalised domains, written in Unicode.
pub const DOMAIN_RULE_PATTERN: &str =
    "^\\*@([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$";

/// A string that is an email address (`format: email`), described.
fn email_address(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .description(Some(description))
}

/// A list of email addresses (`send_email`'s recipients, copies and blind copies).
fn email_list(description: &str, min_items: Option<usize>) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(email_address("An email address."))
        .min_items(min_items)
        .description(Some(description))
}

/// `emails` of an invitation: each an address (`jane@example.com`) or a domain rule (`*@example.com`), as
/// [`usher_app::domain::email_rules::EmailRule::parse`] takes them.
fn email_rules() -> ArrayBuilder {
    let domain_rule = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(DOMAIN_RULE_PATTERN))
        // `*@` and at most 253 characters of domain.
        .max_length(Some(255))
        .description(Some("Any address of this whole domain."));
    ArrayBuilder::new()
        .items(
            AnyOfBuilder::new()
                .item(email_address("Exactly this address."))
                .item(domain_rule),
        )
        .description(Some(
            "Usher: email rules, each an address (`jane@example.com`) or a whole domain \
             (`*@example.com`); empty = public.",
        ))
}

/// `fixed_data`: any mapping (null for none), whose `email`, when given, must be an email address (the
/// invitation is sent there); at most 16 KiB as JSON and 8 levels deep.
pub(crate) fn fixed_data() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .property(
            "email",
            email_address("Pre-fills the email field; the invitation is sent to it."),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .description(Some(
            "Custom attributes: pre-fill values and metadata; an `email` must be an email address. \
             At most 16 KiB as JSON and 8 levels deep.",
        ))
}

/// `locale`: a language Usher speaks (its BCP 47 code), or null for the invitee's browser's.
fn locale() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            usher_app::i18n::Locale::ALL
                .iter()
                .map(|l| Value::from(l.code()))
                .chain([Value::Null]),
        ))
        .description(Some(
            "The invitee's language: `en` or `de`; null for the invitee's browser's, else the brand default.",
        ))
}

/// `template` of `send_email`: Usher's one template, by either of authentik's names for it; empty or null
/// for the default.
fn template() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            super::service::TEMPLATES
                .iter()
                .map(|t| Value::from(*t))
                .chain([Value::from(""), Value::Null]),
        ))
        .description(Some(
            "Template (Usher has one: `email/invitation.html`, the default).",
        ))
}

/// `email_addresses` of `send_email`.
fn recipients() -> ArrayBuilder {
    email_list("Recipients (at least one).", Some(1))
}

/// `cc_addresses` of `send_email`.
fn copies() -> ArrayBuilder {
    email_list("Copies.", None)
}

/// `bcc_addresses` of `send_email`.
fn blind_copies() -> ArrayBuilder {
    email_list("Blind copies.", None)
}

/// The body of `POST` and `PUT` (authentik's `InvitationRequest`; Usher's fields optional). Unknown and
/// read-only fields are ignored. A missing `flow` means `default-enrollment-flow`. The server enforces the
/// constraints stated here, with 400 naming the field (it trims surrounding whitespace from `name` first,
/// and takes DRF's other spellings of booleans and integers); beyond them, `name` must be unused, `flow`,
/// `roles` and `groups` must exist, and a new invitation's `expires` must be in the future.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvitationRequest {
    /// Unique slug name: ASCII letters, digits, `-` and `_`, at most 50.
    #[schema(min_length = 1, max_length = 50, pattern = "^[-A-Za-z0-9_]+$")]
    pub name: String,
    /// Expiry (in the future when creating), or null for never.
    #[schema(format = DateTime)]
    pub expires: Option<String>,
    /// Custom attributes.
    #[schema(schema_with = fixed_data)]
    pub fixed_data: Option<Value>,
    /// Used up after one use (default false).
    #[schema(nullable = false)]
    pub single_use: Option<bool>,
    /// The pk of an existing flow (absent or null: `default-enrollment-flow`).
    #[schema(format = "uuid")]
    pub flow: Option<String>,
    /// Usher: description.
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// Usher: maximum uses, at least 1 (null = unlimited; 1 or null with `single_use`).
    #[schema(minimum = 1)]
    pub quota: Option<i64>,
    /// Usher: email rules.
    #[schema(schema_with = email_rules)]
    pub emails: Option<Vec<String>>,
    /// Usher: names (or pks) of existing roles to grant.
    #[schema(nullable = false)]
    pub roles: Option<Vec<String>>,
    /// Usher: names (or pks) of existing groups to grant.
    #[schema(nullable = false)]
    pub groups: Option<Vec<String>>,
    /// Usher: enabled (default true).
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
    /// Usher: when it opens, before `expires` (absent or null: at once).
    #[schema(format = DateTime)]
    pub not_before: Option<String>,
    /// Usher: the invitee's language (absent or null: the invitee's browser's).
    #[schema(schema_with = locale)]
    pub locale: Option<String>,
}

/// The body of `PATCH` (authentik's `PatchedInvitationRequest`): any subset of the fields, with the
/// constraints of [`InvitationRequest`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PatchedInvitationRequest {
    /// Unique slug name: ASCII letters, digits, `-` and `_`, at most 50.
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = "^[-A-Za-z0-9_]+$"
    )]
    pub name: Option<String>,
    /// Expiry, or null for never.
    #[schema(format = DateTime)]
    pub expires: Option<String>,
    /// Custom attributes.
    #[schema(schema_with = fixed_data)]
    pub fixed_data: Option<Value>,
    /// Used up after one use.
    #[schema(nullable = false)]
    pub single_use: Option<bool>,
    /// The pk of an existing flow (null: `default-enrollment-flow`).
    #[schema(format = "uuid")]
    pub flow: Option<String>,
    /// Usher: description.
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// Usher: maximum uses, at least 1 (null = unlimited; 1 or null with `single_use`).
    #[schema(minimum = 1)]
    pub quota: Option<i64>,
    /// Usher: email rules.
    #[schema(schema_with = email_rules)]
    pub emails: Option<Vec<String>>,
    /// Usher: names (or pks) of existing roles.
    #[schema(nullable = false)]
    pub roles: Option<Vec<String>>,
    /// Usher: names (or pks) of existing groups.
    #[schema(nullable = false)]
    pub groups: Option<Vec<String>>,
    /// Usher: enabled.
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
    /// Usher: when it opens, before `expires`, or null for at once.
    #[schema(format = DateTime)]
    pub not_before: Option<String>,
    /// Usher: the invitee's language, or null for the invitee's browser's.
    #[schema(schema_with = locale)]
    pub locale: Option<String>,
}

/// The body of `POST {pk}/send_email/` (authentik's `InvitationSendEmailRequest`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvitationSendEmailRequest {
    /// Recipients.
    #[schema(schema_with = recipients)]
    pub email_addresses: Vec<String>,
    /// Copies.
    #[serde(default)]
    #[schema(schema_with = copies)]
    pub cc_addresses: Vec<String>,
    /// Blind copies.
    #[serde(default)]
    #[schema(schema_with = blind_copies)]
    pub bcc_addresses: Vec<String>,
    /// Template (Usher has one: `email/invitation.html`, the default).
    #[serde(default)]
    #[schema(schema_with = template)]
    pub template: Option<String>,
}

/// What happens to an object that references the deleted one (authentik's `UsedByActionEnum`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsedByActionEnum {
    /// Deleted with it.
    Cascade,
    /// Deleted with it (many).
    CascadeMany,
    /// Kept, the reference cleared (accounts enrolled or joined through an invitation).
    SetNull,
    /// Kept, the reference set to a default.
    SetDefault,
    /// Kept, pointing at nothing.
    LeftDangling,
}

/// An object that references this one (authentik's `UsedBy`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsedBy {
    /// Django app label (`authentik_core`).
    pub app: String,
    /// Model name (`user`).
    pub model_name: String,
    /// The object's pk.
    pub pk: String,
    /// The object's name (the username).
    pub name: String,
    /// What deleting the invitation does to it.
    pub action: UsedByActionEnum,
}

/// A page of invitations (authentik's `PaginatedInvitationList`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginatedInvitationList {
    /// Page numbers and counts.
    pub pagination: Pagination,
    /// This page.
    pub results: Vec<Invitation>,
    /// Always `{}`.
    #[schema(value_type = Object)]
    pub autocomplete: Value,
}

/// A page of flows (authentik's `PaginatedFlowList`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginatedFlowList {
    /// Page numbers and counts.
    pub pagination: Pagination,
    /// This page.
    pub results: Vec<Flow>,
    /// Always `{}`.
    #[schema(value_type = Object)]
    pub autocomplete: Value,
}
