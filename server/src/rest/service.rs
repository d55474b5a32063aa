//! What the REST handlers call: reading invitations and flows into authentik's shapes, and handing API
//! bodies, parsed into an invitation draft or patch at this edge, to Usher's invitation service (the
//! same one the dashboard and blueprints use; one transaction each).

use super::error::ApiError;
use super::input::InvitationInput;
use super::model::*;
use super::pagination::{self, Pagination};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::HashMap;
use usher_app::domain::audit::Who;
use usher_app::domain::invitation::{Invitation as DomainInvitation, InvitationError};
use usher_app::service::invitations::{ListQuery, OrderField};
use usher_app::service::{flows, invitations, time, Config, Db};

/// RFC 3339 in UTC with seconds: `2026-11-28T12:00:00Z`.
pub fn rfc3339(ts: i64) -> String {
    DateTime::<Utc>::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn not_found(e: impl Into<usher_app::error::AppError>) -> ApiError {
    match e.into() {
        usher_app::error::AppError::NotFound(_) => ApiError::NotFound,
        e => e.into(),
    }
}

/// A flow and its stages' pks in authentik's shape.
fn flow_shape(f: flows::FlowSummary) -> Flow {
    let flows::FlowSummary { flow: f, stage_pks } = f;
    Flow {
        policybindingmodel_ptr_id: f.pk.clone(),
        export_url: format!("/api/v3/flows/instances/{}/export/", f.slug),
        stages: stage_pks,
        pk: f.pk,
        name: f.name,
        slug: f.slug,
        title: f.title,
        designation: enum_of(f.designation.as_str()).unwrap_or(FlowDesignationEnum::Enrollment),
        background: String::new(),
        background_url: String::new(),
        background_themed_urls: None,
        policies: Vec::new(),
        cache_count: 0,
        policy_engine_mode: PolicyEngineMode::Any,
        compatibility_mode: false,
        layout: FlowLayoutEnum::Stacked,
        denied_action: DeniedActionEnum::MessageContinue,
        authentication: enum_of(f.authentication.as_str())
            .unwrap_or(AuthenticationEnum::RequireUnauthenticated),
        open_enrollment: f.open_enrollment,
    }
}

fn enum_of<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// One flow by slug.
///
/// # Errors
/// [`ApiError::NotFound`]; database errors.
pub async fn get_flow(db: &Db, slug: &str) -> Result<Flow, ApiError> {
    flows::summary_by_slug(db, slug)
        .await?
        .map(flow_shape)
        .ok_or(ApiError::NotFound)
}

/// Flows filtered by exact `slug`, `name`, `designation` and `flow_uuid`, and by `search` (every term in
/// name, slug, designation or title), ordered by slug then name, paginated: all in SQL, the count from
/// `COUNT(*)`, and only the page's flows and their bindings read (three statements).
///
/// # Errors
/// [`ApiError::InvalidPage`]; database errors.
pub async fn list_flows(
    db: &Db,
    q: &HashMap<String, String>,
) -> Result<PaginatedFlowList, ApiError> {
    let (page, size) = pagination::parse(
        q.get("page").map(String::as_str),
        q.get("page_size").map(String::as_str),
    )
    .map_err(|_| ApiError::InvalidPage)?;
    let filter = flows::FlowFilter {
        slug: q.get("slug").cloned(),
        name: q.get("name").cloned(),
        designation: q.get("designation").cloned(),
        pk: q.get("flow_uuid").cloned(),
        search: search_terms(q.get("search")),
    };
    let total = flows::count_flows(db, &filter).await?;
    let (pagination, range) =
        pagination::paginate(total, page, size).map_err(|_| ApiError::InvalidPage)?;
    let results = flows::flows_page(
        db,
        &filter,
        range.start as u64,
        (range.end - range.start) as u64,
    )
    .await?
    .into_iter()
    .map(flow_shape)
    .collect();
    Ok(PaginatedFlowList {
        pagination,
        results,
        autocomplete: Value::Object(Map::new()),
    })
}

/// DRF `SearchFilter`'s terms: `search` split at whitespace and commas, empty pieces dropped.
fn search_terms(search: Option<&String>) -> Vec<String> {
    search
        .map(|s| {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// DRF `SearchFilter`: every whitespace- or comma-separated term must be found (case-insensitively) in
/// one of the fields.
pub fn matches_search(search: Option<&String>, fields: &[&str]) -> bool {
    let Some(search) = search else { return true };
    search
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .all(|term| {
            fields
                .iter()
                .any(|f| f.to_lowercase().contains(&term.to_lowercase()))
        })
}

/// The creator of an invitation in authentik's shape, from the invitation entity (read with it, not
/// again by username).
fn partial_user(c: &usher_app::domain::invitation::Creator) -> PartialUser {
    PartialUser {
        pk: c.pk,
        username: c.username.clone(),
        name: c.name.clone(),
        is_active: c.is_active,
        last_login: c.last_login.map(rfc3339),
        email: c.email.clone(),
        attributes: c.attributes.clone(),
        uid: c.uid.clone(),
    }
}

/// Output conversion with a per-call cache of flows.
struct Shaper<'a> {
    db: &'a Db,
    config: &'a Config,
    flows: HashMap<String, Flow>,
}

impl<'a> Shaper<'a> {
    fn new(db: &'a Db, config: &'a Config) -> Self {
        Self {
            db,
            config,
            flows: HashMap::new(),
        }
    }

    async fn flow(&mut self, pk: &str) -> Result<Flow, ApiError> {
        if let Some(f) = self.flows.get(pk) {
            return Ok(f.clone());
        }
        let f = flows::summary_by_pk(self.db, pk)
            .await?
            .map(flow_shape)
            .ok_or(ApiError::Internal)?;
        self.flows.insert(pk.to_owned(), f.clone());
        Ok(f)
    }

    /// The invitation entity in authentik's shape, at `now` (UTC Unix seconds).
    async fn invitation(
        &mut self,
        inv: DomainInvitation,
        now: i64,
    ) -> Result<Invitation, ApiError> {
        let link = invitations::link(self.config, &inv).unwrap_or_default();
        Ok(Invitation {
            created_by: partial_user(&inv.created_by),
            flow_obj: self.flow(&inv.flow_pk).await?,
            status: enum_text(&inv.status(now)),
            expires: inv.expires.map(rfc3339),
            not_before: inv.not_before.map(rfc3339),
            locale: inv.locale.map(|l| l.code().to_owned()),
            fixed_data: Value::Object(inv.fixed_data),
            single_use: inv.quota.is_single_use(),
            quota: inv.quota.max(),
            emails: inv.emails.iter().map(|r| r.to_text()).collect(),
            roles: inv.roles.into_iter().map(|g| g.name).collect(),
            groups: inv.groups.into_iter().map(|g| g.name).collect(),
            flow: Some(inv.flow_pk),
            name: inv.name.as_str().to_owned(),
            pk: inv.pk,
            description: inv.description,
            uses: inv.uses,
            enabled: inv.enabled,
            link,
        })
    }
}

/// One invitation in authentik's shape.
///
/// # Errors
/// [`ApiError::NotFound`]; database errors.
pub async fn get_invitation(db: &Db, config: &Config, pk: &str) -> Result<Invitation, ApiError> {
    let inv = invitations::find(db, pk).await.map_err(not_found)?;
    Shaper::new(db, config).invitation(inv, time::now()).await
}

/// The fields `ordering` may name (the invitation's readable fields, as DRF's `OrderingFilter` allows,
/// plus the filter names of two of them), and what each orders by.
const ORDERING_FIELDS: [(&str, OrderField); 9] = [
    ("pk", OrderField::Pk),
    ("name", OrderField::Name),
    ("expires", OrderField::Expires),
    ("created_by", OrderField::CreatedBy),
    ("created_by__username", OrderField::CreatedBy),
    ("single_use", OrderField::SingleUse),
    ("flow", OrderField::Flow),
    ("flow__slug", OrderField::Flow),
    ("fixed_data", OrderField::FixedData),
];

/// `ordering`: comma-separated fields, `-` for descending; unknown ones ignored; default `-expires`.
fn ordering(raw: Option<&String>) -> Vec<(OrderField, bool)> {
    let terms: Vec<(OrderField, bool)> = raw
        .map(|o| {
            o.split(',')
                .map(str::trim)
                .filter_map(|t| {
                    let (desc, name) = t.strip_prefix('-').map_or((false, t), |n| (true, n));
                    ORDERING_FIELDS
                        .iter()
                        .find(|(f, _)| *f == name)
                        .map(|(_, field)| (*field, desc))
                })
                .collect()
        })
        .unwrap_or_default();
    if terms.is_empty() {
        vec![(OrderField::Expires, true)]
    } else {
        terms
    }
}

/// Invitations filtered by exact `name`, `flow__slug`, `created_by__username` and `expires`, by `search`
/// (every term in name, creator, expiry or flow slug), ordered by `ordering` (comma-separated fields of the
/// invitation, `-` for descending; unknown ones ignored; default `-expires`), paginated: all in SQL, the
/// count from `COUNT(*)`, and only the page's rows read.
///
/// # Errors
/// [`ApiError::Validation`] on `expires` when it is not a date-time; [`ApiError::InvalidPage`]; database
/// errors.
pub async fn list_invitations(
    db: &Db,
    config: &Config,
    q: &HashMap<String, String>,
) -> Result<PaginatedInvitationList, ApiError> {
    let (page, size) = pagination::parse(
        q.get("page").map(String::as_str),
        q.get("page_size").map(String::as_str),
    )
    .map_err(|_| ApiError::InvalidPage)?;
    let expires = match q.get("expires").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(raw) => Some(time::parse_input(raw).map_err(|_| {
            ApiError::Validation(vec![("expires".into(), "Enter a valid date/time.".into())])
        })?),
        None => None,
    };
    let mut query = ListQuery {
        name: q.get("name").cloned(),
        flow_slug: q.get("flow__slug").cloned(),
        created_by: q.get("created_by__username").cloned(),
        expires,
        search: search_terms(q.get("search")),
        order: ordering(q.get("ordering")),
        ..ListQuery::default()
    };
    let total = invitations::count(db, &query).await?;
    let (pagination, range): (Pagination, _) =
        pagination::paginate(total, page, size).map_err(|_| ApiError::InvalidPage)?;
    query.offset = range.start as u64;
    query.known_total = Some(total);
    query.limit = (range.end - range.start) as u64;
    let rows = if query.limit == 0 {
        Vec::new()
    } else {
        invitations::list_page(db, &query).await?
    };
    let mut shaper = Shaper::new(db, config);
    let now = time::now();
    let mut results = Vec::new();
    for row in rows {
        results.push(shaper.invitation(row.invitation, now).await?);
    }
    Ok(PaginatedInvitationList {
        pagination,
        results,
        autocomplete: Value::Object(Map::new()),
    })
}

/// The dashboard's field names as the API's.
fn api_errors(e: impl Into<usher_app::error::AppError>) -> ApiError {
    match e.into() {
        usher_app::error::AppError::Validation(errs) => ApiError::Validation(
            errs.into_iter()
                .map(|(f, m)| {
                    let f = match f.as_str() {
                        "never_expires" => "expires".to_owned(),
                        "to" => "email_addresses".to_owned(),
                        "cc" => "cc_addresses".to_owned(),
                        "bcc" => "bcc_addresses".to_owned(),
                        _ => f,
                    };
                    (f, m)
                })
                .collect(),
        ),
        e => not_found(e),
    }
}

/// The REST API's words for an invitation write error: DRF's field errors (an unknown role or group is
/// "Invalid name \"x\" - object does not exist."), 404 for a missing invitation.
fn write_error(e: invitations::WriteError) -> ApiError {
    match e {
        invitations::WriteError::Invalid(errors) => ApiError::Validation(
            errors
                .into_iter()
                .map(|e| {
                    let msg = match &e {
                        InvitationError::UnknownRole(n) | InvitationError::UnknownGroup(n) => {
                            format!("Invalid name \"{}\" - object does not exist.", n.trim())
                        }
                        e => e.to_string(),
                    };
                    (e.field().key().to_owned(), msg)
                })
                .collect(),
        ),
        invitations::WriteError::NotFound => ApiError::NotFound,
        invitations::WriteError::Other(e) => not_found(e),
    }
}

/// A new invitation's draft from a body: fields not given take their defaults.
fn new_draft(
    input: InvitationInput,
) -> Result<usher_app::domain::invitation::InvitationDraft, ApiError> {
    input
        .into_patch()
        .map_err(ApiError::Validation)?
        .into_draft()
        .map_err(|e| write_error(vec![e].into()))
}

/// Creates an invitation from a body, as `created_by` (queueing its email when `fixed_data.email` is set):
/// fields not given take their defaults (never expires, public, unlimited, enabled, the default flow).
///
/// # Errors
/// [`ApiError::Validation`]; database errors. Nothing is saved on error.
pub async fn create_invitation(
    db: &Db,
    config: &Config,
    (who, created_by): (&Who, i64),
    input: InvitationInput,
) -> Result<Invitation, ApiError> {
    let draft = new_draft(input)?;
    let pk = invitations::create(db, config, who, created_by, &draft)
        .await
        .map_err(write_error)?;
    get_invitation(db, config, &pk).await
}

/// Replaces (PUT) or changes (PATCH) the given fields of an invitation; the rest is kept.
///
/// # Errors
/// [`ApiError::NotFound`]; [`ApiError::Validation`]; database errors. Nothing is saved on error.
pub async fn update_invitation(
    db: &Db,
    config: &Config,
    who: &Who,
    pk: &str,
    input: InvitationInput,
) -> Result<Invitation, ApiError> {
    let patch = input.into_patch().map_err(ApiError::Validation)?;
    invitations::patch(db, who, pk, patch)
        .await
        .map_err(write_error)?;
    get_invitation(db, config, pk).await
}

/// Deletes an invitation: its link stops working at once.
///
/// # Errors
/// [`ApiError::NotFound`]; database errors.
pub async fn delete_invitation(db: &Db, who: &Who, pk: &str) -> Result<(), ApiError> {
    invitations::delete(db, who, pk).await.map_err(not_found)
}

/// The templates `send_email` knows: Usher's one, by authentik's names for it.
pub const TEMPLATES: [&str; 2] = ["email/invitation.html", "invitation"];

/// Queues the invitation email to the addresses, with cc and bcc (one outbox message).
///
/// # Errors
/// [`ApiError::Validation`] on `email_addresses` (none, or a bad one), `cc_addresses`, `bcc_addresses`,
/// `template`; [`ApiError::NotFound`]; database errors.
pub async fn send_invitation(
    db: &Db,
    config: &Config,
    who: &Who,
    pk: &str,
    body: InvitationSendEmailRequest,
) -> Result<(), ApiError> {
    if let Some(t) = body
        .template
        .as_deref()
        .filter(|t| !t.is_empty() && !TEMPLATES.contains(t))
    {
        return Err(ApiError::Validation(vec![(
            "template".into(),
            format!(
                "\"{t}\" is not a valid choice. Usher has one template: email/invitation.html."
            ),
        )]));
    }
    if body.email_addresses.iter().all(|a| a.trim().is_empty()) {
        return Err(ApiError::Validation(vec![(
            "email_addresses".into(),
            "No email addresses provided.".into(),
        )]));
    }
    invitations::find(db, pk).await.map_err(not_found)?;
    invitations::send(
        db,
        config,
        who,
        pk,
        &body.email_addresses,
        &body.cc_addresses,
        &body.bcc_addresses,
    )
    .await
    .map_err(api_errors)?;
    Ok(())
}

/// Creates an invitation from a body as member `user`, within one of their inviter policies
/// ([`usher_app::service::inviters::create_as_member`]): fields not given take their defaults, and a
/// refusal of the policy is a validation error under its field, naming the rule.
///
/// # Errors
/// As [`create_invitation`].
pub async fn create_member_invitation(
    db: &Db,
    config: &Config,
    who: &Who,
    user: &usher_app::domain::user::CurrentUser,
    input: InvitationInput,
) -> Result<Invitation, ApiError> {
    let draft = new_draft(input)?;
    let (pk, _) = usher_app::service::inviters::create_as_member(db, config, who, user, &draft)
        .await
        .map_err(|e| match e {
            invitations::WriteError::Other(e) => api_errors(e),
            e => write_error(e),
        })?;
    get_invitation(db, config, &pk).await
}

/// Whether member `user` may email their invitation `pk` to the body's addresses (cc and bcc
/// included): only addresses its email rules allow
/// ([`usher_app::domain::inviter_policy::may_send_to`]).
///
/// # Errors
/// [`ApiError::Validation`] under `email_addresses` naming the address refused.
pub async fn check_member_recipients(
    db: &Db,
    user: &usher_app::domain::user::CurrentUser,
    pk: &str,
    body: &InvitationSendEmailRequest,
) -> Result<(), ApiError> {
    let inv = usher_app::service::inviters::own(db, user, pk)
        .await
        .map_err(not_found)?;
    let all: Vec<String> = body
        .email_addresses
        .iter()
        .chain(&body.cc_addresses)
        .chain(&body.bcc_addresses)
        .cloned()
        .collect();
    usher_app::domain::inviter_policy::may_send_to(&inv.emails, &all)
        .map_err(|v| ApiError::Validation(vec![("email_addresses".into(), v.to_string())]))
}

/// The accounts that used an invitation (its ledger), as authentik's `UsedBy`: deleting the invitation
/// keeps them (`set_null`).
///
/// # Errors
/// [`ApiError::NotFound`]; database errors.
pub async fn used_by(db: &Db, pk: &str) -> Result<Vec<UsedBy>, ApiError> {
    Ok(invitations::used_by(db, pk)
        .await
        .map_err(not_found)?
        .into_iter()
        .map(|e| UsedBy {
            app: "authentik_core".into(),
            model_name: "user".into(),
            pk: e.user_pk.to_string(),
            name: e.username,
            action: UsedByActionEnum::SetNull,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_needs_every_term_in_some_field() {
        let s = |q: &str| Some(q.to_owned());
        assert!(matches_search(None, &["a"]));
        assert!(matches_search(
            s("JANE 2026").as_ref(),
            &["jane-smith-2026-02", "admin"]
        ));
        assert!(matches_search(
            s("jane,admin").as_ref(),
            &["jane-smith", "admin"]
        ));
        assert!(!matches_search(
            s("jane bob").as_ref(),
            &["jane-smith", "admin"]
        ));
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_176_000), "2026-11-20T12:00:00Z");
    }

    #[test]
    fn ordering_terms() {
        let o = |s: &str| ordering(Some(&s.to_owned()));
        assert_eq!(o("name"), vec![(OrderField::Name, false)]);
        assert_eq!(o("-name"), vec![(OrderField::Name, true)]);
        assert_eq!(
            o("nonsense"),
            vec![(OrderField::Expires, true)],
            "unknown fields are ignored; the default is -expires"
        );
        assert_eq!(ordering(None), vec![(OrderField::Expires, true)]);
        for (f, field) in ORDERING_FIELDS {
            assert_eq!(o(f), vec![(field, false)], "{f}");
            assert_eq!(o(&format!("-{f}")), vec![(field, true)], "{f}");
        }
    }
}
