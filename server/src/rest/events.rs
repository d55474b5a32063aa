//! `GET /api/v3/events/events/`: the audit log in authentik's shape (authentik `events/api/events.py`,
//! `EventViewSet`): filters `action`, `username`, `context_model_pk`, `context_model_name`, `actor_kind`,
//! `created__gte`/`created__lte`, `ordering` (`created` or `-created`, the default) and DRF's page-number
//! pagination (issue 14 item 4).

use super::error::ApiError;
use super::pagination::{self, Pagination};
use super::service::rfc3339;
use super::ApiState;
use axum::extract::{Query, State};
use axum::Json;
use chrono::DateTime;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use usher_app::domain::audit::{Action, Event as DomainEvent};
use usher_app::service::audit::{self, EventFilter, EventOrder};
use utoipa::ToSchema;

/// How long events are kept, days (`USHER_EVENT_RETENTION_DAYS`'s default): an event's `expires`.
pub const RETENTION_DAYS: i64 = 365;

/// An event (authentik's `Event`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// UUID.
    #[schema(format = "uuid")]
    pub pk: String,
    /// Who: `{pk, username}` of the account (for an API token, its owner, with `authenticated_as:
    /// "token"`); `{username: "system"}` for Usher itself; `{}` for an invitee before their account.
    #[schema(value_type = Object)]
    pub user: Value,
    /// What happened (authentik's `EventActions` where it has the action).
    pub action: EventActions,
    /// The Django app label of what it concerns (`authentik.stages.invitation`, `authentik.core`).
    pub app: String,
    /// Details: `model` (`{app, model_name, pk, name}`), a `diff` of changed fields, … Never a secret.
    #[schema(value_type = Object)]
    pub context: Value,
    /// The client's address, or null.
    pub client_ip: Option<String>,
    /// When, RFC 3339 UTC.
    #[schema(format = DateTime)]
    pub created: String,
    /// When it is pruned, RFC 3339 UTC.
    #[schema(format = DateTime)]
    pub expires: String,
    /// The brand (Usher has one: `{}`).
    #[schema(value_type = Object)]
    pub brand: Value,
}

/// What an event records, in authentik's `EventActions`: its own names for the actions it has, and its
/// catch-all `custom_` for Usher's own (`invitation_sent`, `invitation_refused`, …), whose name is then
/// in the event's `context.action` — so authentik's API clients, which only accept its enum, read every
/// event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventActions {
    /// An attack-like request.
    SuspiciousRequest,
    /// A failed sign-in.
    LoginFailed,
    /// An object was created.
    ModelCreated,
    /// An object was changed.
    ModelUpdated,
    /// An object was deleted.
    ModelDeleted,
    /// A secret was replaced (an invitation's link).
    SecretRotate,
    /// An invitation was used.
    InvitationUsed,
    /// An email was delivered.
    EmailSent,
    /// One of Usher's own actions, named in `context.action`.
    #[serde(rename = "custom_")]
    Custom,
}

impl From<Action> for EventActions {
    fn from(a: Action) -> Self {
        match a {
            Action::SuspiciousRequest => Self::SuspiciousRequest,
            Action::LoginFailed => Self::LoginFailed,
            Action::ModelCreated => Self::ModelCreated,
            Action::ModelUpdated => Self::ModelUpdated,
            Action::ModelDeleted => Self::ModelDeleted,
            Action::SecretRotate => Self::SecretRotate,
            Action::InvitationUsed => Self::InvitationUsed,
            Action::EmailSent => Self::EmailSent,
            Action::InvitationDeprovisioned
            | Action::InvitationSent
            | Action::EmailDeliveryFailed
            | Action::InvitationRefused
            | Action::LoginLocked
            | Action::ApprovalRequested
            | Action::ApprovalDecided => Self::Custom,
        }
    }
}

/// A page of events (authentik's `PaginatedEventList`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginatedEventList {
    /// Page numbers and counts.
    pub pagination: Pagination,
    /// This page.
    pub results: Vec<Event>,
    /// Always `{}`.
    #[schema(value_type = Object)]
    pub autocomplete: Value,
}

/// The REST shape of a recorded event.
pub fn event_shape(e: DomainEvent) -> Event {
    let user = match e.actor_kind.as_str() {
        "system" => json!({"username": "system"}),
        "invitee" => json!({}),
        kind => {
            let mut u = Map::new();
            u.insert(
                "pk".into(),
                e.actor_pk
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(Value::Null),
            );
            u.insert("username".into(), Value::String(e.actor_name.clone()));
            if kind == "token" {
                u.insert("authenticated_as".into(), Value::String("token".into()));
            }
            Value::Object(u)
        }
    };
    let app = match e.model.as_str() {
        "invitation" | "invitation_link" | "campaign" => "authentik.stages.invitation",
        _ => "authentik.core",
    };
    let action = EventActions::from(e.action);
    let mut context = e.context;
    if action == EventActions::Custom {
        if let Value::Object(m) = &mut context {
            m.insert("action".into(), Value::String(e.action.as_str().into()));
        }
    }
    Event {
        pk: e.pk,
        user,
        action,
        app: app.into(),
        context,
        client_ip: Some(e.client_ip).filter(|ip| !ip.is_empty()),
        created: rfc3339(e.created),
        expires: rfc3339(e.created.saturating_add(RETENTION_DAYS * 86_400)),
        brand: json!({}),
    }
}

/// An RFC 3339 time of a `created__gte`/`created__lte` filter, as UTC Unix seconds.
fn instant(field: &str, raw: &str) -> Result<i64, ApiError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.timestamp())
        .map_err(|_| {
            ApiError::Validation(vec![(
                field.to_owned(),
                "Enter a valid date/time.".to_owned(),
            )])
        })
}

/// The filter and order of a query string.
///
/// # Errors
/// [`ApiError::Validation`] for an unknown `action` or a malformed time (DRF's words).
pub fn query(q: &HashMap<String, String>) -> Result<(EventFilter, EventOrder), ApiError> {
    let text = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    // `custom_` selects Usher's own actions; an own action's name selects it alone.
    let custom = text("action").as_deref() == Some("custom_");
    let action = match text("action").filter(|_| !custom) {
        None => None,
        Some(a) => Some(
            Action::parse(&a)
                .ok_or_else(|| {
                    ApiError::Validation(vec![(
                        "action".into(),
                        format!("Select a valid choice. {a} is not one of the available choices."),
                    )])
                })?
                .as_str()
                .to_owned(),
        ),
    };
    let filter = EventFilter {
        action,
        action_in: custom.then(|| {
            Action::ALL
                .into_iter()
                .filter(|a| !a.is_authentiks())
                .map(|a| a.as_str().to_owned())
                .collect()
        }),
        username: text("username"),
        model: text("context_model_name"),
        object_pk: text("context_model_pk"),
        actor_kind: text("actor_kind"),
        since: text("created__gte")
            .map(|t| instant("created__gte", &t))
            .transpose()?,
        until: text("created__lte")
            .map(|t| instant("created__lte", &t))
            .transpose()?,
    };
    // DRF's OrderingFilter ignores fields it does not allow.
    let order = EventOrder {
        oldest_first: text("ordering").as_deref() == Some("created"),
    };
    Ok((filter, order))
}

/// List events.
#[utoipa::path(
    get, path = "/api/v3/events/events/", tag = "events", operation_id = "events_events_list",
    params(
        ("action" = Option<EventActions>, Query, description = "What happened"),
        ("username" = Option<String>, Query, description = "The actor's username"),
        ("context_model_pk" = Option<String>, Query, description = "The pk of the object it concerns"),
        ("context_model_name" = Option<String>, Query, description = "The kind of object: invitation, user, token"),
        ("actor_kind" = Option<String>, Query, description = "user, token, invitee or system"),
        ("created__gte" = Option<String>, Query, format = DateTime, description = "Created at or after"),
        ("created__lte" = Option<String>, Query, format = DateTime, description = "Created at or before"),
        ("ordering" = Option<String>, Query, description = "created (oldest first) or -created (newest first, the default)"),
        ("page" = Option<i64>, Query, description = "1-based page number"),
        ("page_size" = Option<i64>, Query, description = "Results per page (default 20, at most 100)"),
    ),
    responses((status = 200, body = PaginatedEventList), (status = 400, body = super::error::ValidationError), (status = 401, body = super::error::GenericError), (status = 403, body = super::error::GenericError), (status = 404, body = super::error::GenericError), (status = 429, body = super::error::GenericError)),
    security(("authentik" = []))
)]
pub async fn events_list(
    State(st): State<ApiState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PaginatedEventList>, ApiError> {
    let (page, size) = pagination::parse(
        q.get("page").map(String::as_str),
        q.get("page_size").map(String::as_str),
    )
    .map_err(|_| ApiError::InvalidPage)?;
    let (filter, order) = query(&q)?;
    let total = audit::count(&st.app.db, &filter).await?;
    let (pagination, range) =
        pagination::paginate(total, page, size).map_err(|_| ApiError::InvalidPage)?;
    let results = audit::list(
        &st.app.db,
        &filter,
        order,
        range.start as u64,
        (range.end - range.start) as u64,
    )
    .await?
    .into_iter()
    .map(event_shape)
    .collect();
    Ok(Json(PaginatedEventList {
        pagination,
        results,
        autocomplete: Value::Object(Map::new()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_reads_its_filters_and_refuses_an_unknown_action() {
        let q: HashMap<String, String> = [
            ("action", "model_created"),
            ("username", "admin"),
            ("context_model_pk", "p-1"),
            ("created__gte", "2026-01-01T00:00:00Z"),
            ("ordering", "created"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let (f, o) = query(&q).unwrap();
        assert_eq!(f.action.as_deref(), Some("model_created"));
        assert_eq!(f.username.as_deref(), Some("admin"));
        assert_eq!(f.object_pk.as_deref(), Some("p-1"));
        assert_eq!(f.since, Some(1_767_225_600));
        assert!(o.oldest_first);
        let bad: HashMap<String, String> = [("action".to_owned(), "nope".to_owned())].into();
        assert!(matches!(query(&bad), Err(ApiError::Validation(_))));
        let bad: HashMap<String, String> = [("created__lte".to_owned(), "x".to_owned())].into();
        assert!(matches!(query(&bad), Err(ApiError::Validation(_))));
    }

    #[test]
    fn usher_actions_are_authentiks_custom_with_their_name_in_the_context() {
        for a in Action::ALL {
            let shaped = EventActions::from(a);
            assert_eq!(shaped == EventActions::Custom, !a.is_authentiks(), "{a:?}");
            if a.is_authentiks() {
                assert_eq!(serde_json::to_value(shaped).unwrap(), a.as_str());
            }
        }
        assert_eq!(
            serde_json::to_value(EventActions::Custom).unwrap(),
            "custom_"
        );
        let custom: HashMap<String, String> = [("action".to_owned(), "custom_".to_owned())].into();
        let (f, _) = query(&custom).unwrap();
        assert_eq!(f.action, None);
        let own = f.action_in.unwrap();
        assert!(own.contains(&"invitation_sent".to_owned()));
        assert!(!own.contains(&"model_created".to_owned()));
        let one: HashMap<String, String> =
            [("action".to_owned(), "invitation_refused".to_owned())].into();
        assert_eq!(
            query(&one).unwrap().0.action.as_deref(),
            Some("invitation_refused")
        );
    }
}
