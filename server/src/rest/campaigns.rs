//! Usher's own REST resource (issue 15 item 3): campaigns and their recipients, under
//! `/api/v3/usher/campaigns/`, behind the same bearer-token superuser check as the rest of the API:
//!
//! * `/api/v3/usher/campaigns/` — list (paginated as authentik's lists), create;
//!   `{campaign_uuid}/` — retrieve, replace the definition, delete (with its recipients' invitations);
//! * `{campaign_uuid}/recipients/` — the recipients with their states (`?state=` filters);
//!   `{campaign_uuid}/recipients/bulk/` — the same rows as the CSV import, checked (`"dry_run": true`
//!   writes nothing) or applied in one transaction, at most [`MAX_IMPORT_ROWS`];
//! * `{campaign_uuid}/resend/`, `{campaign_uuid}/revoke_all/`,
//!   `{campaign_uuid}/recipients/{recipient_uuid}/revoke/`.
//!
//! Handlers are thin: the body is parsed here into the campaign domain's types ([`CampaignDraft`],
//! [`RecipientInput`]) with Django REST framework's messages under each field, then one campaign service
//! function (the dashboard's) does the work and its typed error is mapped to REST's shapes. Times are
//! RFC 3339 in UTC (`2026-11-28T12:00:00Z`).

use super::error::{ApiError, GenericError, ValidationError};
use super::input::{boolean, not_an_object, nullable_string, string, string_list, whole_number};
use super::pagination::{self, Pagination};
use super::service::rfc3339;
use super::{json_body, who, ApiState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use usher_app::domain::campaign::{
    check_reminder_days, CampaignDraft, CampaignError, CampaignName, CampaignView, ImportCounts,
    RecipientInput, RecipientState, RecipientView, RowReport, MAX_IMPORT_ROWS,
};
use usher_app::domain::fixed_data;
use usher_app::domain::time::parse_input;
use usher_app::service::campaigns;
use usher_app::service::tokens::ApiPrincipal;
use usher_app::service::{time, ClientAddr};
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::ToSchema;

/// What the server takes as a campaign's name (after trimming surrounding whitespace): a slug of ASCII
/// letters, digits, `-` and `_`, at most
/// [`MAX_NAME_LEN`](usher_app::domain::campaign::MAX_NAME_LEN) ([`CampaignName::parse`]).
pub const CAMPAIGN_NAME_PATTERN: &str = "^[-A-Za-z0-9_]+$";

/// Text without NUL characters (DRF's `CharField` refuses them: "Null characters are not allowed.").
pub const NO_NUL_PATTERN: &str = "^[^\\u0000]*$";

/// One line of text without NUL characters: the email's subject.
pub const ONE_LINE_PATTERN: &str = "^[^\\u0000\\r\\n]*$";

/// The largest bulk body, bytes: [`MAX_IMPORT_ROWS`] rows with their names and attributes (the API's
/// other bodies keep axum's 2 MB).
pub const MAX_BULK_BODY: usize = 64 * 1024 * 1024;

/// The campaign routes, added to the API's guarded router (bearer token, superuser).
pub(super) fn routes(r: Router<ApiState>) -> Router<ApiState> {
    r.route(
        "/api/v3/usher/campaigns/",
        get(campaigns_list).post(campaigns_create),
    )
    .route(
        "/api/v3/usher/campaigns/{campaign_uuid}/",
        get(campaigns_retrieve)
            .put(campaigns_update)
            .delete(campaigns_destroy),
    )
    .route(
        "/api/v3/usher/campaigns/{campaign_uuid}/recipients/",
        get(campaigns_recipients_list),
    )
    .route(
        "/api/v3/usher/campaigns/{campaign_uuid}/recipients/bulk/",
        post(campaigns_recipients_bulk).layer(DefaultBodyLimit::max(MAX_BULK_BODY)),
    )
    .route(
        "/api/v3/usher/campaigns/{campaign_uuid}/resend/",
        post(campaigns_resend),
    )
    .route(
        "/api/v3/usher/campaigns/{campaign_uuid}/revoke_all/",
        post(campaigns_revoke_all),
    )
    .route(
        "/api/v3/usher/campaigns/{campaign_uuid}/recipients/{recipient_uuid}/revoke/",
        post(campaigns_recipients_revoke),
    )
}

// ---------------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------------

/// A recipient's state: the first that holds, in this order: `revoked`, `joined`, `expired`,
/// `delivery_failed`, `viewed`, `sent`, `queued` ([`RecipientState`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecipientStateEnum {
    /// The invitation email is waiting to be sent.
    Queued,
    /// The invitation email reached the SMTP server.
    Sent,
    /// The latest invitation email was given up on.
    DeliveryFailed,
    /// The link was opened.
    Viewed,
    /// Enrolled or joined with the invitation.
    Joined,
    /// The invitation expired unused.
    Expired,
    /// Revoked by an admin (or the invitation deleted).
    Revoked,
}

impl From<RecipientState> for RecipientStateEnum {
    fn from(s: RecipientState) -> Self {
        match s {
            RecipientState::Queued => Self::Queued,
            RecipientState::Sent => Self::Sent,
            RecipientState::DeliveryFailed => Self::DeliveryFailed,
            RecipientState::Viewed => Self::Viewed,
            RecipientState::Joined => Self::Joined,
            RecipientState::Expired => Self::Expired,
            RecipientState::Revoked => Self::Revoked,
        }
    }
}

/// A campaign's recipients counted by state (every state, zeros included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecipientCounts {
    /// Waiting to be sent.
    pub queued: u64,
    /// Sent.
    pub sent: u64,
    /// Delivery failed.
    pub delivery_failed: u64,
    /// Link opened.
    pub viewed: u64,
    /// Enrolled or joined.
    pub joined: u64,
    /// Expired unused.
    pub expired: u64,
    /// Revoked.
    pub revoked: u64,
}

impl RecipientCounts {
    fn of(counts: &[(RecipientState, usize)]) -> Self {
        let mut c = Self::default();
        for (state, n) in counts {
            let n = *n as u64;
            match state {
                RecipientState::Queued => c.queued += n,
                RecipientState::Sent => c.sent += n,
                RecipientState::DeliveryFailed => c.delivery_failed += n,
                RecipientState::Viewed => c.viewed += n,
                RecipientState::Joined => c.joined += n,
                RecipientState::Expired => c.expired += n,
                RecipientState::Revoked => c.revoked += n,
            }
        }
        c
    }
}

/// A campaign: one invitation definition fanned out to recipients, each with an invitation of their own
/// (single use, limited to their address).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Campaign {
    /// UUID.
    #[schema(format = "uuid")]
    pub pk: String,
    /// Unique slug name.
    pub name: String,
    /// Description for admins.
    pub description: String,
    /// The flow's pk.
    #[schema(format = "uuid")]
    pub flow: String,
    /// The flow's slug.
    pub flow_slug: String,
    /// Expiry of the recipients' invitations, or null for never.
    #[schema(format = DateTime)]
    pub expires: Option<String>,
    /// When the recipients' invitations open, or null for at once.
    #[schema(format = DateTime)]
    pub not_before: Option<String>,
    /// The defaults of every recipient's `fixed_data` (their own fields are merged over them).
    #[schema(value_type = Object)]
    pub fixed_data: Value,
    /// The email's subject; empty for the default.
    pub email_subject: String,
    /// A message added to the email; may be empty.
    pub email_message: String,
    /// Reminders: days before expiry, largest first.
    pub reminder_days: Vec<u32>,
    /// Whether the creator gets a digest of the pending recipients when reminders go out.
    pub digest: bool,
    /// Role names granted.
    pub roles: Vec<String>,
    /// Group names granted.
    pub groups: Vec<String>,
    /// The creator's username.
    pub created_by: String,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created: String,
    /// Recipients in all.
    pub recipients: u64,
    /// Recipients by state.
    pub counts: RecipientCounts,
}

impl From<CampaignView> for Campaign {
    fn from(c: CampaignView) -> Self {
        Self {
            counts: RecipientCounts::of(&c.counts),
            recipients: c.total as u64,
            fixed_data: serde_json::from_str(&c.fixed_data)
                .unwrap_or_else(|_| Value::Object(Map::new())),
            pk: c.pk,
            name: c.name,
            description: c.description,
            flow: c.flow_pk,
            flow_slug: c.flow_slug,
            expires: c.expires.map(rfc3339),
            not_before: c.not_before.map(rfc3339),
            email_subject: c.email_subject,
            email_message: c.email_message,
            reminder_days: c.reminder_days,
            digest: c.digest,
            roles: c.roles.into_iter().map(|(_, name)| name).collect(),
            groups: c.groups.into_iter().map(|(_, name)| name).collect(),
            created_by: c.created_by,
            created: rfc3339(c.created),
        }
    }
}

/// A recipient of a campaign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recipient {
    /// UUID.
    #[schema(format = "uuid")]
    pub pk: String,
    /// Normalised address.
    pub email: String,
    /// Display name; may be empty.
    pub name: String,
    /// State now.
    pub state: RecipientStateEnum,
    /// Their invitation's pk (an invitation of the invitations API), or null once deleted.
    #[schema(format = "uuid")]
    pub invitation: Option<String>,
    /// Their invitation's name, or null once deleted.
    pub invitation_name: Option<String>,
    /// The username of the account they were invited to join with, when the address had one.
    pub join_as: Option<String>,
    /// Reminders sent to them.
    pub reminders_sent: i64,
    /// Times their link was opened.
    pub views: i64,
    /// When they were added.
    #[schema(format = DateTime)]
    pub created: String,
}

impl From<RecipientView> for Recipient {
    fn from(r: RecipientView) -> Self {
        Self {
            pk: r.pk,
            email: r.email,
            name: r.name,
            state: r.state.into(),
            invitation: r.invitation_pk,
            invitation_name: r.invitation_name,
            join_as: r.join_as,
            reminders_sent: r.reminders_sent,
            views: r.views,
            created: rfc3339(r.created),
        }
    }
}

/// A page of campaigns, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginatedCampaignList {
    /// Page numbers and counts.
    pub pagination: Pagination,
    /// This page.
    pub results: Vec<Campaign>,
    /// Always `{}`.
    #[schema(value_type = Object)]
    pub autocomplete: Value,
}

/// A page of a campaign's recipients, in the order they were added.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginatedRecipientList {
    /// Page numbers and counts.
    pub pagination: Pagination,
    /// This page.
    pub results: Vec<Recipient>,
    /// Always `{}`.
    #[schema(value_type = Object)]
    pub autocomplete: Value,
}

/// `reminder_days`: at most 5 whole days before expiry, each 0 to 365 (0 is dropped); needs `expires`.
fn reminder_days() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(365)),
        )
        .max_items(Some(usher_app::domain::campaign::MAX_REMINDERS))
        .description(Some(
            "Reminders: whole days before expiry (0 to 365; 0 means none), at most 5; only with an \
             `expires`.",
        ))
}

/// The body of `POST` and `PUT` (a campaign's whole definition: a field not given takes its default).
/// Unknown and read-only fields are ignored. The server enforces the constraints stated here, with 400
/// naming the field (it trims surrounding whitespace from the texts first); beyond them, `name` must be
/// unused, `flow`, `roles` and `groups` must exist, `expires` must be in the future (or, on `PUT`,
/// unchanged), `not_before` before `expires`, and `reminder_days` needs an `expires`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CampaignRequest {
    /// Unique slug name: ASCII letters, digits, `-` and `_`, at most 36 (its recipients' invitations are
    /// named after it).
    #[schema(min_length = 1, max_length = 36, pattern = "^[-A-Za-z0-9_]+$")]
    pub name: String,
    /// Description for admins (default empty).
    #[schema(nullable = false, pattern = "^[^\\u0000]*$")]
    pub description: Option<String>,
    /// The pk of an existing flow (absent or null: `default-enrollment-flow`).
    #[schema(format = "uuid")]
    pub flow: Option<String>,
    /// Expiry of the recipients' invitations, in the future; null (the default) for never.
    #[schema(format = DateTime)]
    pub expires: Option<String>,
    /// When the recipients' invitations open, before `expires`; null (the default) for at once.
    #[schema(format = DateTime)]
    pub not_before: Option<String>,
    /// The defaults of every recipient's `fixed_data`.
    #[schema(schema_with = super::model::fixed_data)]
    pub fixed_data: Option<Value>,
    /// The email's subject: one line of at most 200 characters; empty (the default) for "You've been
    /// invited to join {brand}".
    #[schema(nullable = false, max_length = 200, pattern = "^[^\\u0000\\r\\n]*$")]
    pub email_subject: Option<String>,
    /// A message added to the email, at most 2,000 characters (default empty).
    #[schema(nullable = false, max_length = 2000, pattern = "^[^\\u0000]*$")]
    pub email_message: Option<String>,
    /// Reminders: days before expiry.
    #[schema(schema_with = reminder_days)]
    pub reminder_days: Option<Vec<i64>>,
    /// Send the creator a digest of the pending recipients when reminders go out (default false).
    #[schema(nullable = false)]
    pub digest: Option<bool>,
    /// Names (or pks) of existing roles to grant.
    #[schema(nullable = false)]
    pub roles: Option<Vec<String>>,
    /// Names (or pks) of existing groups to grant.
    #[schema(nullable = false)]
    pub groups: Option<Vec<String>>,
}

/// `attributes` of a row: attribute names and their values (text, numbers or booleans), merged into the
/// recipient's `fixed_data.attributes`.
fn row_attributes() -> ObjectBuilder {
    let scalar = AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String))
        .item(ObjectBuilder::new().schema_type(Type::Number))
        .item(ObjectBuilder::new().schema_type(Type::Boolean));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(Schema::from(scalar.build())))
        .description(Some(
            "Attributes (the CSV's `attributes.<name>` columns): names and their values, text, \
             numbers or booleans; at most 4 KiB in all (more makes the row invalid).",
        ))
}

/// One recipient row, as a CSV line gives it. A row that is not a valid recipient (not an address, a
/// bad username, a name over 200 characters, attributes over 4 KiB) is not refused with 400: it is
/// reported `invalid` in the answer, with the reason, and skipped.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecipientRowRequest {
    /// The address.
    pub email: String,
    /// Display name (default empty).
    #[schema(nullable = false, pattern = "^[^\\u0000]*$")]
    pub name: Option<String>,
    /// Username to pre-fill (default empty).
    #[schema(nullable = false)]
    pub username: Option<String>,
    /// The recipient's language, `en` or `de` (default empty: the brand default); another value makes
    /// the row `invalid`.
    #[schema(nullable = false)]
    pub locale: Option<String>,
    /// Attributes.
    #[schema(schema_with = row_attributes)]
    pub attributes: Option<Map<String, Value>>,
}

/// The body of `recipients/bulk/`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct BulkRecipientsRequest {
    /// The rows, at least one and at most 50,000; each row's `line` in the answer is its 1-based
    /// position here.
    #[schema(min_items = 1, max_items = 50000)]
    pub rows: Vec<RecipientRowRequest>,
    /// `true`: only say what each row would be, writing nothing; `false`: add the new rows (each a
    /// recipient with an invitation of their own, its email queued), in one transaction.
    pub dry_run: bool,
}

/// What happens to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowKindEnum {
    /// A new recipient, invited to enroll.
    New,
    /// A new recipient whose address is an account's: invited to join.
    Join,
    /// Already a recipient, or the same address as an earlier row: skipped.
    Duplicate,
    /// Not a valid recipient: skipped.
    Invalid,
}

/// One row's verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowResult {
    /// The row's 1-based position in `rows`.
    pub line: u64,
    /// The address as given.
    pub email: String,
    /// What happens to it.
    pub kind: RowKindEnum,
    /// The same in a sentence ("Duplicate: the same address as line 2.").
    pub detail: String,
}

/// Rows by verdict.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ImportCountsShape {
    /// New recipients, invited to enroll.
    pub new: u64,
    /// New recipients invited to join.
    pub join: u64,
    /// Duplicates skipped.
    pub duplicate: u64,
    /// Invalid rows skipped.
    pub invalid: u64,
}

impl From<ImportCounts> for ImportCountsShape {
    fn from(c: ImportCounts) -> Self {
        Self {
            new: c.new as u64,
            join: c.join as u64,
            duplicate: c.duplicate as u64,
            invalid: c.invalid as u64,
        }
    }
}

/// The answer of `recipients/bulk/`: every row's verdict and the totals (what was added, or with
/// `dry_run`, what would be).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BulkRecipientsResult {
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Every row, in the order given.
    pub rows: Vec<RowResult>,
    /// Totals.
    pub counts: ImportCountsShape,
}

fn row_result(r: &RowReport) -> RowResult {
    RowResult {
        line: r.input.line as u64,
        email: r.input.email.clone(),
        kind: match r.verdict.kind() {
            "new" => RowKindEnum::New,
            "join" => RowKindEnum::Join,
            "duplicate" => RowKindEnum::Duplicate,
            _ => RowKindEnum::Invalid,
        },
        detail: r.verdict.explain(),
    }
}

/// The answer of `resend/`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ResendResult {
    /// Recipients sent their invitation again (those not joined, revoked or expired).
    pub sent: u64,
}

/// The answer of `revoke_all/`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct RevokeAllResult {
    /// Recipients revoked (those who had not joined and were not revoked already).
    pub revoked: u64,
}

// ---------------------------------------------------------------------------------------------------
// The edge's parsing
// ---------------------------------------------------------------------------------------------------

type Errors = Vec<(String, String)>;

/// DRF's message for a string with a NUL character.
const NUL_MESSAGE: &str = "Null characters are not allowed.";

/// DRF's message for a malformed date-time.
const DATETIME_MESSAGE: &str = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

fn no_nul(field: &str, s: Option<&str>, errs: &mut Errors) {
    if s.is_some_and(|s| s.contains('\0')) {
        errs.push((field.into(), NUL_MESSAGE.into()));
    }
}

fn campaign_error(e: CampaignError) -> (String, String) {
    (e.field().to_owned(), e.to_string())
}

/// Reads a campaign body (`POST` and `PUT`: the whole definition; absent fields take their defaults)
/// into a draft: the name, times, custom attributes, subject and message lengths and the reminder schedule
/// are checked here, the rules between fields and the references (flow, roles, groups) by the service.
///
/// # Errors
/// Every bad field's message, under its name (`non_field_errors` when the body is not an object).
pub fn parse_campaign(body: &Value) -> Result<CampaignDraft, Errors> {
    let Value::Object(obj) = body else {
        return Err(vec![("non_field_errors".into(), not_an_object(body))]);
    };
    let mut errs = Errors::new();
    let name = match string(obj, "name", &mut errs, true) {
        None if !obj.contains_key("name") => {
            errs.push(("name".into(), "This field is required.".into()));
            None
        }
        None => None,
        Some(raw) => CampaignName::parse(&raw)
            .map_err(|e| errs.push(campaign_error(e)))
            .ok(),
    };
    let description = string(obj, "description", &mut errs, true).unwrap_or_default();
    no_nul("description", Some(&description), &mut errs);
    let flow = nullable_string(obj, "flow", &mut errs, "Must be a valid UUID.").flatten();
    let mut time_of = |key: &str| match nullable_string(obj, key, &mut errs, DATETIME_MESSAGE) {
        Some(Some(raw)) => match parse_input(&raw) {
            Ok(ts) => Some(ts),
            Err(_) => {
                errs.push((key.into(), DATETIME_MESSAGE.into()));
                None
            }
        },
        _ => None,
    };
    let expires = time_of("expires");
    let not_before = time_of("not_before");
    let fixed_data = match obj.get("fixed_data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => fixed_data::validate(m.clone()).unwrap_or_else(|e| {
            errs.push(campaign_error(CampaignError::FixedData(e)));
            Map::new()
        }),
        Some(_) => {
            errs.push((
                "fixed_data".into(),
                "Expected a dictionary of items.".into(),
            ));
            Map::new()
        }
    };
    let email_subject = string(obj, "email_subject", &mut errs, true)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    no_nul("email_subject", Some(&email_subject), &mut errs);
    let email_message = string(obj, "email_message", &mut errs, true)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    no_nul("email_message", Some(&email_message), &mut errs);
    let reminder_days = match obj.get("reminder_days") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let days: Option<Vec<i64>> = items
                .iter()
                .map(|v| match v {
                    Value::Number(n) => whole_number(n),
                    _ => None,
                })
                .collect();
            match days {
                None => {
                    errs.push((
                        "reminder_days".into(),
                        "A valid integer is required.".into(),
                    ));
                    Vec::new()
                }
                Some(days) => check_reminder_days(&days).unwrap_or_else(|e| {
                    errs.push(campaign_error(CampaignError::Reminders(e)));
                    Vec::new()
                }),
            }
        }
        Some(_) => {
            string_list(obj, "reminder_days", &mut errs);
            Vec::new()
        }
    };
    let digest = boolean(obj, "digest", &mut errs).unwrap_or(false);
    let roles = string_list(obj, "roles", &mut errs).unwrap_or_default();
    let groups = string_list(obj, "groups", &mut errs).unwrap_or_default();
    for (field, list) in [("roles", &roles), ("groups", &groups)] {
        for item in list {
            no_nul(field, Some(item), &mut errs);
        }
    }
    match name {
        Some(name) if errs.is_empty() => Ok(CampaignDraft {
            name,
            description: description.trim().to_owned(),
            flow,
            expires,
            not_before,
            fixed_data,
            email_subject,
            email_message,
            reminder_days,
            digest,
            roles,
            groups,
        }),
        _ => Err(errs),
    }
}

/// The most row errors one answer lists.
const MAX_ROW_ERRORS: usize = 20;

/// Reads a bulk body: `rows` (each an object with a string `email`, optional string `name` and
/// `username`, optional `attributes` of text, numbers or booleans), numbered by position from 1, and
/// `dry_run`. A row that is not shaped so is refused (400 under `rows`, "Row 3: email: …"); whether a
/// well-shaped row is a valid recipient is the dry run's verdict, not an error.
///
/// # Errors
/// Every bad field's message, under its name; more than [`MAX_IMPORT_ROWS`] rows, under `rows`.
pub fn parse_bulk(body: &Value) -> Result<(Vec<RecipientInput>, bool), Errors> {
    let Value::Object(obj) = body else {
        return Err(vec![("non_field_errors".into(), not_an_object(body))]);
    };
    let mut errs = Errors::new();
    let dry_run = boolean(obj, "dry_run", &mut errs);
    if !obj.contains_key("dry_run") {
        errs.push(("dry_run".into(), "This field is required.".into()));
    }
    let rows = match obj.get("rows") {
        None => {
            errs.push(("rows".into(), "This field is required.".into()));
            Vec::new()
        }
        Some(Value::Array(items)) if items.len() > MAX_IMPORT_ROWS => {
            errs.push((
                "rows".into(),
                "At most 50,000 recipients per import.".into(),
            ));
            Vec::new()
        }
        Some(Value::Array(items)) if items.is_empty() => {
            errs.push(("rows".into(), "Give at least one recipient.".into()));
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let mut rows = Vec::with_capacity(items.len());
            let mut row_errs = Errors::new();
            for (i, item) in items.iter().enumerate() {
                match parse_row(i + 1, item, &mut row_errs) {
                    Some(r) => rows.push(r),
                    None if row_errs.len() >= MAX_ROW_ERRORS => break,
                    None => {}
                }
            }
            errs.extend(
                row_errs
                    .into_iter()
                    .take(MAX_ROW_ERRORS)
                    .map(|(_, m)| ("rows".to_owned(), m)),
            );
            rows
        }
        Some(_) => {
            string_list(obj, "rows", &mut errs);
            Vec::new()
        }
    };
    match dry_run {
        Some(dry_run) if errs.is_empty() => Ok((rows, dry_run)),
        _ => Err(errs),
    }
}

/// Row `line` of a bulk body; its problems go to `errs` as "Row {line}: {field}: {message}".
fn parse_row(line: usize, item: &Value, errs: &mut Errors) -> Option<RecipientInput> {
    let Value::Object(obj) = item else {
        errs.push((
            "rows".into(),
            format!("Row {line}: {}", not_an_object(item)),
        ));
        return None;
    };
    let mut own = Errors::new();
    if !obj.contains_key("email") {
        own.push(("email".into(), "This field is required.".into()));
    }
    let email = string(obj, "email", &mut own, true).unwrap_or_default();
    let name = string(obj, "name", &mut own, true).unwrap_or_default();
    no_nul("name", Some(&name), &mut own);
    let username = string(obj, "username", &mut own, true).unwrap_or_default();
    let locale = string(obj, "locale", &mut own, true).unwrap_or_default();
    let attributes = match obj.get("attributes") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => {
            if m.values()
                .any(|v| !matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)))
            {
                own.push((
                    "attributes".into(),
                    "Each value must be text, a number or a boolean.".into(),
                ));
            }
            m.clone()
        }
        Some(_) => {
            own.push((
                "attributes".into(),
                "Expected a dictionary of items.".into(),
            ));
            Map::new()
        }
    };
    if own.is_empty() {
        return Some(RecipientInput {
            line,
            email,
            name,
            username,
            attributes,
            locale,
        });
    }
    errs.extend(
        own.into_iter()
            .map(|(f, m)| ("rows".to_owned(), format!("Row {line}: {f}: {m}"))),
    );
    None
}

/// Whether a path's pk is a UUID (`8-4-4-4-12` hex digits): anything else is no campaign or recipient
/// (404) without reaching the database.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn campaign_key(pk: &str) -> Result<&str, ApiError> {
    if is_uuid(pk) {
        Ok(pk)
    } else {
        Err(ApiError::NotFound)
    }
}

/// `state` of the recipients list: one of the state keys.
fn state_filter(q: &HashMap<String, String>) -> Result<Option<RecipientState>, ApiError> {
    let Some(raw) = q.get("state").map(|s| s.trim()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    RecipientState::ALL
        .into_iter()
        .find(|s| s.key() == raw)
        .map(Some)
        .ok_or_else(|| {
            ApiError::Validation(vec![(
                "state".into(),
                format!("Select a valid choice. {raw} is not one of the available choices."),
            )])
        })
}

fn page_of<T>(
    q: &HashMap<String, String>,
    items: Vec<T>,
) -> Result<(Pagination, Vec<T>), ApiError> {
    let (page, size) = pagination::parse(
        q.get("page").map(String::as_str),
        q.get("page_size").map(String::as_str),
    )
    .map_err(|_| ApiError::InvalidPage)?;
    let (p, range) =
        pagination::paginate(items.len() as u64, page, size).map_err(|_| ApiError::InvalidPage)?;
    let results = items
        .into_iter()
        .skip(range.start)
        .take(range.end - range.start)
        .collect();
    Ok((p, results))
}

async fn campaign_shape(st: &ApiState, pk: &str) -> Result<Campaign, ApiError> {
    let (c, _) = campaigns::get(&st.app.db, pk, time::now()).await?;
    Ok(c.into())
}

// ---------------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------------

/// List campaigns, newest first, each with its recipients counted by state.
#[utoipa::path(
    get, path = "/api/v3/usher/campaigns/", tag = "campaigns", operation_id = "usher_campaigns_list",
    params(
        ("page" = Option<i64>, Query, description = "1-based page number"),
        ("page_size" = Option<i64>, Query, description = "Results per page (default 20, at most 100)"),
    ),
    responses(
        (status = 200, body = PaginatedCampaignList), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn campaigns_list(
    State(st): State<ApiState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PaginatedCampaignList>, ApiError> {
    let all = campaigns::list(&st.app.db, time::now()).await?;
    let (pagination, page) = page_of(&q, all)?;
    Ok(Json(PaginatedCampaignList {
        pagination,
        results: page.into_iter().map(Campaign::from).collect(),
        autocomplete: Value::Object(Map::new()),
    }))
}

/// Create a campaign. The response links (OpenAPI `links`) to the operations on the new campaign: its
/// `pk` is their `campaign_uuid`.
#[utoipa::path(
    post, path = "/api/v3/usher/campaigns/", tag = "campaigns", operation_id = "usher_campaigns_create",
    request_body = CampaignRequest,
    responses(
        (status = 201, body = Campaign, links(
            ("retrieve" = (operation_id = "usher_campaigns_retrieve", parameters(("campaign_uuid" = "$response.body#/pk")), description = "The new campaign.")),
            ("update" = (operation_id = "usher_campaigns_update", parameters(("campaign_uuid" = "$response.body#/pk")), description = "Replace its definition.")),
            ("destroy" = (operation_id = "usher_campaigns_destroy", parameters(("campaign_uuid" = "$response.body#/pk")), description = "Delete it.")),
            ("recipients" = (operation_id = "usher_campaigns_recipients_list", parameters(("campaign_uuid" = "$response.body#/pk")), description = "Its recipients.")),
            ("bulk" = (operation_id = "usher_campaigns_recipients_bulk_create", parameters(("campaign_uuid" = "$response.body#/pk")), description = "Add recipients.")),
            ("resend" = (operation_id = "usher_campaigns_resend_create", parameters(("campaign_uuid" = "$response.body#/pk")), description = "Send the invitations again.")),
            ("revoke_all" = (operation_id = "usher_campaigns_revoke_all_create", parameters(("campaign_uuid" = "$response.body#/pk")), description = "Revoke every pending recipient.")),
        )),
        (status = 400, body = ValidationError), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn campaigns_create(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let draft = parse_campaign(&json_body(&body)?).map_err(ApiError::Validation)?;
    let pk =
        campaigns::create(&st.app.db, &who(&me, addr), me.user_pk, &draft, time::now()).await?;
    Ok((StatusCode::CREATED, Json(campaign_shape(&st, &pk).await?)).into_response())
}

/// Retrieve a campaign.
#[utoipa::path(
    get, path = "/api/v3/usher/campaigns/{campaign_uuid}/", tag = "campaigns", operation_id = "usher_campaigns_retrieve",
    params(("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk")),
    responses((status = 200, body = Campaign), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
pub async fn campaigns_retrieve(
    State(st): State<ApiState>,
    Path(pk): Path<String>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(campaign_shape(&st, campaign_key(&pk)?).await?))
}

/// Replace a campaign's definition (`name` required; a field not given takes its default). Recipients
/// added later get the new definition; the invitations already made keep theirs.
#[utoipa::path(
    put, path = "/api/v3/usher/campaigns/{campaign_uuid}/", tag = "campaigns", operation_id = "usher_campaigns_update",
    params(("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk")),
    request_body = CampaignRequest,
    responses(
        (status = 200, body = Campaign), (status = 400, body = ValidationError), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn campaigns_update(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
    body: Bytes,
) -> Result<Json<Campaign>, ApiError> {
    let pk = campaign_key(&pk)?;
    let draft = parse_campaign(&json_body(&body)?).map_err(ApiError::Validation)?;
    campaigns::update(&st.app.db, &who(&me, addr), pk, &draft).await?;
    Ok(Json(campaign_shape(&st, pk).await?))
}

/// Delete a campaign, its recipients and their invitations (their links show the invalid page at once).
#[utoipa::path(
    delete, path = "/api/v3/usher/campaigns/{campaign_uuid}/", tag = "campaigns", operation_id = "usher_campaigns_destroy",
    params(("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk")),
    responses((status = 204, description = "Deleted"), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
pub async fn campaigns_destroy(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
) -> Result<StatusCode, ApiError> {
    campaigns::delete(&st.app.db, &who(&me, addr), campaign_key(&pk)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A campaign's recipients, in the order they were added, each with its state.
#[utoipa::path(
    get, path = "/api/v3/usher/campaigns/{campaign_uuid}/recipients/", tag = "campaigns",
    operation_id = "usher_campaigns_recipients_list",
    params(
        ("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk"),
        ("state" = Option<RecipientStateEnum>, Query, description = "Only the recipients in this state"),
        ("page" = Option<i64>, Query, description = "1-based page number"),
        ("page_size" = Option<i64>, Query, description = "Results per page (default 20, at most 100)"),
    ),
    responses(
        (status = 200, body = PaginatedRecipientList), (status = 400, body = ValidationError),
        (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError),
        (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn campaigns_recipients_list(
    State(st): State<ApiState>,
    Path(pk): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PaginatedRecipientList>, ApiError> {
    let pk = campaign_key(&pk)?;
    let state = state_filter(&q)?;
    let (_, recipients) = campaigns::get(&st.app.db, pk, time::now()).await?;
    let recipients: Vec<RecipientView> = recipients
        .into_iter()
        .filter(|r| state.is_none_or(|s| r.state == s))
        .collect();
    let (pagination, page) = page_of(&q, recipients)?;
    Ok(Json(PaginatedRecipientList {
        pagination,
        results: page.into_iter().map(Recipient::from).collect(),
        autocomplete: Value::Object(Map::new()),
    }))
}

/// Add recipients: the same rows as the CSV import. With `"dry_run": true`, only say what each row would
/// be (new, to join, duplicate, invalid), writing nothing; with `false`, add the new ones in one
/// transaction (each a recipient with an invitation of their own, single use and limited to their
/// address, its email queued) and skip the rest. The body may be up to 64 MiB (413 beyond).
#[utoipa::path(
    post, path = "/api/v3/usher/campaigns/{campaign_uuid}/recipients/bulk/", tag = "campaigns",
    operation_id = "usher_campaigns_recipients_bulk_create",
    params(("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk")),
    request_body = BulkRecipientsRequest,
    responses(
        (status = 200, body = BulkRecipientsResult), (status = 400, body = ValidationError),
        (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError),
        (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn campaigns_recipients_bulk(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
    body: Bytes,
) -> Result<Json<BulkRecipientsResult>, ApiError> {
    let pk = campaign_key(&pk)?;
    let (rows, dry_run) = parse_bulk(&json_body(&body)?).map_err(ApiError::Validation)?;
    let report = if dry_run {
        campaigns::dry_run(&st.app.db, pk, rows).await?
    } else {
        campaigns::import(
            &st.app.db,
            &st.app.config,
            &who(&me, addr),
            pk,
            rows,
            time::now(),
            &|_, _| {},
        )
        .await?
    };
    Ok(Json(BulkRecipientsResult {
        dry_run,
        rows: report.rows.iter().map(row_result).collect(),
        counts: report.counts.into(),
    }))
}

/// Send the invitation email again to every recipient who has not joined and is not revoked or expired.
#[utoipa::path(
    post, path = "/api/v3/usher/campaigns/{campaign_uuid}/resend/", tag = "campaigns",
    operation_id = "usher_campaigns_resend_create",
    params(("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk")),
    responses((status = 200, body = ResendResult), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
pub async fn campaigns_resend(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
) -> Result<Json<ResendResult>, ApiError> {
    let pk = campaign_key(&pk)?;
    let sent = campaigns::resend(&st.app.db, &st.app.config, &who(&me, addr), pk).await?;
    Ok(Json(ResendResult { sent: sent as u64 }))
}

/// Revoke every recipient who has not joined: their invitations stop working at once.
#[utoipa::path(
    post, path = "/api/v3/usher/campaigns/{campaign_uuid}/revoke_all/", tag = "campaigns",
    operation_id = "usher_campaigns_revoke_all_create",
    params(("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk")),
    responses((status = 200, body = RevokeAllResult), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
pub async fn campaigns_revoke_all(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
) -> Result<Json<RevokeAllResult>, ApiError> {
    let pk = campaign_key(&pk)?;
    let revoked = campaigns::revoke_all(&st.app.db, &who(&me, addr), pk).await?;
    Ok(Json(RevokeAllResult { revoked }))
}

/// Revoke one recipient: their invitation stops working at once (revoking a revoked one changes nothing).
#[utoipa::path(
    post, path = "/api/v3/usher/campaigns/{campaign_uuid}/recipients/{recipient_uuid}/revoke/", tag = "campaigns",
    operation_id = "usher_campaigns_recipients_revoke_create",
    params(
        ("campaign_uuid" = String, Path, format = "uuid", description = "Campaign pk"),
        ("recipient_uuid" = String, Path, format = "uuid", description = "Recipient pk"),
    ),
    responses((status = 204, description = "Revoked"), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
pub async fn campaigns_recipients_revoke(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path((pk, recipient)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let pk = campaign_key(&pk)?;
    let recipient = campaign_key(&recipient)?;
    campaigns::revoke(&st.app.db, &who(&me, addr), pk, recipient).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use usher_app::domain::campaign::MAX_NAME_LEN;

    #[test]
    fn a_full_body_becomes_a_draft() {
        let d = parse_campaign(&json!({
            "name": " spring ", "description": " d ", "flow": null, "expires": "2030-01-01T00:00:00Z",
            "not_before": null, "fixed_data": {"attributes": {"team": "red"}}, "email_subject": " Hi ",
            "email_message": "Welcome", "reminder_days": [1, 7, 0, 7], "digest": true,
            "roles": ["editor"], "groups": [], "pk": "ignored", "counts": {}
        }))
        .unwrap();
        assert_eq!(d.name.as_str(), "spring");
        assert_eq!(d.description, "d");
        assert_eq!(d.flow, None);
        assert_eq!(d.expires, Some(1_893_456_000));
        assert_eq!(d.email_subject, "Hi");
        assert_eq!(d.reminder_days, vec![7, 1]);
        assert!(d.digest);
        assert_eq!(d.roles, vec!["editor".to_owned()]);
    }

    #[test]
    fn only_the_name_is_required() {
        let d = parse_campaign(&json!({"name": "x"})).unwrap();
        assert_eq!(d.expires, None);
        assert!(d.reminder_days.is_empty() && !d.digest && d.fixed_data.is_empty());
        assert_eq!(
            parse_campaign(&json!({})).unwrap_err(),
            vec![("name".into(), "This field is required.".into())]
        );
        assert_eq!(
            parse_campaign(&json!([1])).unwrap_err(),
            vec![(
                "non_field_errors".into(),
                "Invalid data. Expected a dictionary, but got list.".into()
            )]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let errs = parse_campaign(&json!({
            "name": "a b", "expires": "soon", "not_before": 5, "fixed_data": {"email": "no"},
            "reminder_days": [400], "digest": "maybe", "roles": "editor", "email_message": "a\u{0}b",
            "flow": 3
        }))
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        for f in [
            "name",
            "expires",
            "not_before",
            "fixed_data",
            "reminder_days",
            "digest",
            "roles",
            "email_message",
            "flow",
        ] {
            assert!(fields.contains(&f), "{f}: {errs:?}");
        }
        let long = "x".repeat(MAX_NAME_LEN + 1);
        assert_eq!(
            parse_campaign(&json!({ "name": long })).unwrap_err(),
            vec![campaign_error(CampaignError::NameTooLong)]
        );
        for bad in [json!([1.5]), json!(["7"]), json!([null])] {
            assert_eq!(
                parse_campaign(&json!({"name": "x", "reminder_days": bad})).unwrap_err(),
                vec![(
                    "reminder_days".into(),
                    "A valid integer is required.".into()
                )]
            );
        }
        assert!(
            parse_campaign(&json!({"name": "x", "reminder_days": [1, 2, 3, 4, 5, 6]})).is_err()
        );
        assert!(parse_campaign(&json!({"name": "x", "reminder_days": [-1]})).is_err());
    }

    #[test]
    fn the_name_pattern_is_the_domains() {
        assert_eq!(CAMPAIGN_NAME_PATTERN, super::super::model::NAME_PATTERN);
        for c in ' '..='~' {
            let slug = c.is_ascii_alphanumeric() || c == '-' || c == '_';
            assert_eq!(
                CampaignName::parse(&format!("a{c}b")).is_ok(),
                slug,
                "{c:?}"
            );
        }
    }

    #[test]
    fn bulk_rows_are_numbered_and_malformed_rows_refused() {
        let (rows, dry) = parse_bulk(&json!({
            "rows": [
                {"email": "a@example.com", "name": "A", "username": "a", "attributes": {"team": "red", "n": 3}},
                {"email": "not an address"}
            ],
            "dry_run": true
        }))
        .unwrap();
        assert!(dry);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[1].line), (1, 2));
        assert_eq!(rows[0].attributes["team"], "red");
        assert_eq!(
            rows[1].email, "not an address",
            "the verdict is the dry run's"
        );
        let errs = parse_bulk(&json!({"rows": [{"email": "a@example.com"}, {"email": 5}, "x", {"name": "n"}, {"email": "b@example.com", "attributes": {"a": [1]}}], "dry_run": false})).unwrap_err();
        assert_eq!(
            errs,
            vec![
                ("rows".into(), "Row 2: email: Not a valid string.".into()),
                (
                    "rows".into(),
                    "Row 3: Invalid data. Expected a dictionary, but got str.".into()
                ),
                (
                    "rows".into(),
                    "Row 4: email: This field is required.".into()
                ),
                (
                    "rows".into(),
                    "Row 5: attributes: Each value must be text, a number or a boolean.".into()
                ),
            ]
        );
        let errs = parse_bulk(&json!({"rows": []})).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["dry_run", "rows"]);
        let many: Vec<Value> = (0..=MAX_IMPORT_ROWS)
            .map(|i| json!({ "email": format!("u{i}@example.com") }))
            .collect();
        assert_eq!(
            parse_bulk(&json!({"rows": many, "dry_run": true})).unwrap_err(),
            vec![(
                "rows".into(),
                "At most 50,000 recipients per import.".into()
            )]
        );
    }

    #[test]
    fn path_pks_are_uuids_and_states_are_keys() {
        assert!(is_uuid("00000000-0000-4000-8000-00000000abcd"));
        assert!(!is_uuid("spring"));
        assert!(!is_uuid("00000000-0000-4000-8000-00000000abc\u{0}"));
        let q = |s: &str| HashMap::from([("state".to_owned(), s.to_owned())]);
        assert_eq!(
            state_filter(&q("delivery_failed")),
            Ok(Some(RecipientState::DeliveryFailed))
        );
        assert_eq!(state_filter(&q("")), Ok(None));
        assert!(state_filter(&q("delivery failed")).is_err());
        for s in RecipientState::ALL {
            let shape = serde_json::to_value(RecipientStateEnum::from(s)).unwrap();
            assert_eq!(shape, s.key(), "the schema's enum is the keys");
        }
    }
}
