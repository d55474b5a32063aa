//! Usher's REST API v3, compatible with authentik's for invitations, so operators' scripts (the seed
//! runbook's curl commands) and clients generated from authentik's OpenAPI schema work unchanged:
//!
//! * `/api/v3/stages/invitation/invitations/` — list (filters, search, ordering, pagination), create;
//!   `{invite_uuid}/` — retrieve, replace, change, delete; `{invite_uuid}/send_email/`; `{invite_uuid}/used_by/`.
//! * `/api/v3/flows/instances/` and `/api/v3/flows/instances/{slug}/`.
//! * `/api/v3/usher/campaigns/…` — Usher's own: campaigns and their recipients ([`campaigns`]).
//! * `/api/v3/core/invitations/{invitation_uuid}/links/` — a public invitation's named links (Usher's own,
//!   [`links`]): list, add; `{link_uuid}/` — delete.
//! * `/api/v3/schema/` — the OpenAPI 3 document, generated from these handlers (utoipa).
//!
//! Authentication is `Authorization: Bearer <token>` only (API tokens, Directory → Tokens or
//! `usher create-token`); the session cookie is not accepted, so there is no CSRF surface. Superusers'
//! tokens are served everything; a member's token, while a role of theirs carries an inviter policy
//! (issue 17 item 2), only their own invitations ([`member_may`], [`Member`]); any other, 403. Limits (in the database, shared by every instance):
//! [`API_TOKEN_FAILURES_PER_NETWORK`] refused tokens per client network (IPv4 address, IPv6 /64),
//! [`API_REQUESTS_PER_TOKEN`] requests per token; beyond them, 429 with
//! `Retry-After`. A valid token is never refused for its network's failures.

pub mod campaigns;
pub mod error;
pub mod events;
pub mod input;
pub mod links;
pub mod model;
pub mod pagination;
pub mod service;

use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use error::{ApiError, GenericError, ValidationError};
use model::*;
use serde_json::Value;
use std::collections::HashMap;
use usher_app::domain::audit::{Actor, Who};
use usher_app::domain::limits::{
    api_failures_bucket, api_requests_bucket, network, API_REQUESTS_PER_TOKEN,
    API_TOKEN_FAILURES_PER_NETWORK,
};
use usher_app::domain::token::bearer_secret;
use usher_app::service::limits;
use usher_app::service::tokens::{self, ApiPrincipal, TokenError};
use usher_app::service::{time, AppState, ClientAddr};
use utoipa::OpenApi;

/// The API's state: Usher's (its limits are kept in the database, shared by every instance).
#[derive(Clone)]
pub struct ApiState {
    app: AppState,
}

/// The API's routes, under `/api/v3/`.
pub fn router<S: Clone + Send + Sync + 'static>(app: AppState) -> Router<S> {
    let st = ApiState { app };
    let guarded = Router::new()
        .route(
            "/api/v3/stages/invitation/invitations/",
            get(invitations_list).post(invitations_create),
        )
        .route(
            "/api/v3/stages/invitation/invitations/{invite_uuid}/",
            get(invitations_retrieve)
                .put(invitations_update)
                .patch(invitations_partial_update)
                .delete(invitations_destroy),
        )
        .route(
            "/api/v3/stages/invitation/invitations/{invite_uuid}/send_email/",
            axum::routing::post(invitations_send_email),
        )
        .route(
            "/api/v3/stages/invitation/invitations/{invite_uuid}/used_by/",
            get(invitations_used_by),
        )
        .route(
            "/api/v3/core/invitations/{invitation_uuid}/links/",
            get(links::invitation_links_list).post(links::invitation_links_create),
        )
        .route(
            "/api/v3/core/invitations/{invitation_uuid}/links/{link_uuid}/",
            axum::routing::delete(links::invitation_links_destroy),
        )
        .route("/api/v3/events/events/", get(events::events_list))
        .route("/api/v3/flows/instances/", get(flows_list))
        .route("/api/v3/flows/instances/{slug}/", get(flows_retrieve));
    let guarded = campaigns::routes(guarded)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .route_layer(middleware::from_fn_with_state(st.clone(), authenticate));
    Router::new()
        .route("/api/v3/schema/", get(schema))
        .merge(guarded)
        .with_state(st)
}

/// The client's address, as the server's outermost layer worked it out ([`ClientAddr`]); `local` for an
/// in-process call.
fn client_ip(req: &Request) -> String {
    req.extensions()
        .get::<ClientAddr>()
        .map(|c| c.0.to_string())
        .unwrap_or_else(|| "local".into())
}

/// Who a request's token speaks for, for the events its changes record: the token's owner, through
/// the token, from the client's address (none for an in-process call).
fn who(me: &ApiPrincipal, addr: Option<Extension<ClientAddr>>) -> Who {
    Who {
        actor: Actor::Token {
            pk: me.user_pk.to_string(),
            name: me.username.clone(),
            token: me.token_pk.clone(),
        },
        client_ip: addr.map(|Extension(a)| a.0.to_string()).unwrap_or_default(),
    }
}

/// Authenticates the bearer token and authorizes its user (a superuser), before any handler runs.
async fn authenticate(State(st): State<ApiState>, mut req: Request, next: Next) -> Response {
    let Some(header) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return ApiError::Unauthenticated("Authentication credentials were not provided.")
            .into_response();
    };
    let Some(secret) = bearer_secret(header).map(str::to_owned) else {
        return ApiError::Unauthenticated("Authentication credentials were not provided.")
            .into_response();
    };
    let ip = network(&client_ip(&req));
    let now = time::now();
    // Refused tokens are counted per client network; past the limit they get 429 instead of 401. A valid
    // token is always served (so nobody can lock others out by sending bad tokens from a shared
    // address), and does not clear the count.
    let principal: ApiPrincipal = match tokens::authenticate(&st.app.db, &secret, now).await {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            match limits::take(
                &st.app.db,
                &api_failures_bucket(&ip),
                API_TOKEN_FAILURES_PER_NETWORK,
            )
            .await
            {
                Ok(Ok(())) => {}
                Ok(Err(wait)) => return ApiError::Throttled(wait).into_response(),
                Err(e) => return ApiError::from(e).into_response(),
            }
            return ApiError::Unauthenticated(match e {
                TokenError::Invalid => "Invalid token.",
                TokenError::Expired => "Token expired.",
                TokenError::Revoked => "Token revoked.",
                TokenError::InactiveUser => "User inactive or deleted.",
            })
            .into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    match limits::take(
        &st.app.db,
        &api_requests_bucket(&principal.token_pk),
        API_REQUESTS_PER_TOKEN,
    )
    .await
    {
        Ok(Ok(())) => {}
        Ok(Err(wait)) => return ApiError::Throttled(wait).into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    }
    if !principal.is_superuser {
        // A member's token (issue 17 item 2): their own invitations, while a role of theirs carries an
        // inviter policy; nothing else.
        if !member_may(req.method(), req.uri().path()) {
            return ApiError::Forbidden.into_response();
        }
        let user = match usher_app::service::users::load_current_user(&st.app.db, principal.user_pk)
            .await
        {
            Ok(Some(u)) => u,
            Ok(None) => return ApiError::Forbidden.into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        };
        match usher_app::service::inviters::policies_of(&st.app.db, user.pk).await {
            Ok(p) if !p.is_empty() => {}
            Ok(_) => return ApiError::Forbidden.into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        }
        req.extensions_mut().insert(Member(user));
    }
    req.extensions_mut().insert(principal);
    next.run(req).await
}

/// The owner of a non-superuser's token, who holds an inviter policy: the invitation routes serve them
/// their own invitations only (listed, created within their policy, read, deleted, emailed to addresses
/// its rules allow, its uses), as `/if/user/invitations` does.
#[derive(Debug, Clone)]
pub struct Member(pub usher_app::domain::user::CurrentUser);

/// Whether a member's token may call `method` on `path`: the invitation list (GET, POST), one invitation
/// (GET, DELETE; never PUT or PATCH: members do not edit), its `send_email/` (POST) and `used_by/` (GET).
pub fn member_may(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    let Some(rest) = path.strip_prefix("/api/v3/stages/invitation/invitations/") else {
        return false;
    };
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match (parts.as_slice(), method) {
        ([""], m) => m == Method::GET || m == Method::POST,
        ([_], m) => m == Method::GET || m == Method::DELETE,
        ([_, "send_email"], m) => m == Method::POST,
        ([_, "used_by"], m) => m == Method::GET,
        _ => false,
    }
}

/// For a member's token, `pk` when it is their own invitation; 404 otherwise (never "forbidden": another
/// member's invitation is not theirs to know of). Admins' tokens pass.
async fn owned(
    st: &ApiState,
    member: &Option<Extension<Member>>,
    pk: &str,
) -> Result<(), ApiError> {
    if let Some(Extension(Member(user))) = member {
        usher_app::service::inviters::own(&st.app.db, user, pk)
            .await
            .map_err(|_| ApiError::NotFound)?;
    }
    Ok(())
}

/// A JSON body read as a value (its fields are checked one by one after).
fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Parse(e.to_string()))
}

/// List invitations.
#[utoipa::path(
    get, path = "/api/v3/stages/invitation/invitations/", tag = "stages", operation_id = "stages_invitation_invitations_list",
    params(
        ("created_by__username" = Option<String>, Query, description = "Creator's username"),
        ("expires" = Option<String>, Query, format = DateTime, description = "Exact expiry"),
        ("flow__slug" = Option<String>, Query, description = "Flow slug"),
        ("name" = Option<String>, Query, description = "Exact name"),
        ("ordering" = Option<String>, Query, description = "Fields to order by, `-` for descending (default `-expires`)"),
        ("page" = Option<i64>, Query, description = "1-based page number"),
        ("page_size" = Option<i64>, Query, description = "Results per page (default 20, at most 100)"),
        ("search" = Option<String>, Query, description = "Terms to find in name, creator, expiry or flow slug"),
    ),
    responses(
        (status = 200, body = PaginatedInvitationList), (status = 400, body = ValidationError),
        (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError),
        (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
async fn invitations_list(
    State(st): State<ApiState>,
    member: Option<Extension<Member>>,
    Query(mut q): Query<HashMap<String, String>>,
) -> Result<Json<PaginatedInvitationList>, ApiError> {
    if let Some(Extension(Member(user))) = &member {
        q.insert("created_by__username".into(), user.username.clone());
    }
    Ok(Json(
        service::list_invitations(&st.app.db, &st.app.config, &q).await?,
    ))
}

/// Create an invitation. The response links (OpenAPI `links`) to the operations on the new invitation: its
/// `pk` is their `invite_uuid`.
#[utoipa::path(
    post, path = "/api/v3/stages/invitation/invitations/", tag = "stages", operation_id = "stages_invitation_invitations_create",
    request_body = InvitationRequest,
    responses(
        (status = 201, body = Invitation, links(
            ("retrieve" = (operation_id = "stages_invitation_invitations_retrieve", parameters(("invite_uuid" = "$response.body#/pk")), description = "The new invitation.")),
            ("update" = (operation_id = "stages_invitation_invitations_update", parameters(("invite_uuid" = "$response.body#/pk")), description = "Replace its fields.")),
            ("partial_update" = (operation_id = "stages_invitation_invitations_partial_update", parameters(("invite_uuid" = "$response.body#/pk")), description = "Change some of its fields.")),
            ("destroy" = (operation_id = "stages_invitation_invitations_destroy", parameters(("invite_uuid" = "$response.body#/pk")), description = "Delete it.")),
            ("send_email" = (operation_id = "stages_invitation_invitations_send_email_create", parameters(("invite_uuid" = "$response.body#/pk")), description = "Send its email.")),
            ("used_by" = (operation_id = "stages_invitation_invitations_used_by_list", parameters(("invite_uuid" = "$response.body#/pk")), description = "The accounts that used it.")),
        )),
        (status = 400, body = ValidationError), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
async fn invitations_create(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    member: Option<Extension<Member>>,
    addr: Option<Extension<ClientAddr>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = input::parse_invitation(&json_body(&body)?, false).map_err(ApiError::Validation)?;
    let inv = match member {
        Some(Extension(Member(user))) => {
            service::create_member_invitation(
                &st.app.db,
                &st.app.config,
                &who(&me, addr),
                &user,
                input,
            )
            .await?
        }
        None => {
            service::create_invitation(
                &st.app.db,
                &st.app.config,
                (&who(&me, addr), me.user_pk),
                input,
            )
            .await?
        }
    };
    Ok((StatusCode::CREATED, Json(inv)).into_response())
}

/// Retrieve an invitation.
#[utoipa::path(
    get, path = "/api/v3/stages/invitation/invitations/{invite_uuid}/", tag = "stages", operation_id = "stages_invitation_invitations_retrieve",
    params(("invite_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    responses((status = 200, body = Invitation), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
async fn invitations_retrieve(
    State(st): State<ApiState>,
    member: Option<Extension<Member>>,
    Path(pk): Path<String>,
) -> Result<Json<Invitation>, ApiError> {
    owned(&st, &member, &pk).await?;
    Ok(Json(
        service::get_invitation(&st.app.db, &st.app.config, &pk).await?,
    ))
}

/// Replace an invitation's fields (`name` required; fields not given are kept).
#[utoipa::path(
    put, path = "/api/v3/stages/invitation/invitations/{invite_uuid}/", tag = "stages", operation_id = "stages_invitation_invitations_update",
    params(("invite_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    request_body = InvitationRequest,
    responses(
        (status = 200, body = Invitation), (status = 400, body = ValidationError), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 404, body = GenericError),
        (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
async fn invitations_update(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
    body: Bytes,
) -> Result<Json<Invitation>, ApiError> {
    let input = input::parse_invitation(&json_body(&body)?, false).map_err(ApiError::Validation)?;
    Ok(Json(
        service::update_invitation(&st.app.db, &st.app.config, &who(&me, addr), &pk, input).await?,
    ))
}

/// Change some of an invitation's fields.
#[utoipa::path(
    patch, path = "/api/v3/stages/invitation/invitations/{invite_uuid}/", tag = "stages", operation_id = "stages_invitation_invitations_partial_update",
    params(("invite_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    request_body = PatchedInvitationRequest,
    responses(
        (status = 200, body = Invitation), (status = 400, body = ValidationError), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 404, body = GenericError),
        (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
async fn invitations_partial_update(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
    body: Bytes,
) -> Result<Json<Invitation>, ApiError> {
    let body = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        json_body(&body)?
    };
    let input = input::parse_invitation(&body, true).map_err(ApiError::Validation)?;
    Ok(Json(
        service::update_invitation(&st.app.db, &st.app.config, &who(&me, addr), &pk, input).await?,
    ))
}

/// Delete an invitation: its link shows the invalid page at once.
#[utoipa::path(
    delete, path = "/api/v3/stages/invitation/invitations/{invite_uuid}/", tag = "stages", operation_id = "stages_invitation_invitations_destroy",
    params(("invite_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    responses((status = 204, description = "Deleted"), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
async fn invitations_destroy(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    member: Option<Extension<Member>>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
) -> Result<StatusCode, ApiError> {
    owned(&st, &member, &pk).await?;
    service::delete_invitation(&st.app.db, &who(&me, addr), &pk).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send the invitation email to addresses, with cc and bcc.
#[utoipa::path(
    post, path = "/api/v3/stages/invitation/invitations/{invite_uuid}/send_email/", tag = "stages",
    operation_id = "stages_invitation_invitations_send_email_create",
    params(("invite_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    request_body = InvitationSendEmailRequest,
    responses(
        (status = 204, description = "Queued for sending"), (status = 400, body = ValidationError), (status = 401, body = GenericError),
        (status = 403, body = GenericError), (status = 404, body = GenericError),
        (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
async fn invitations_send_email(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    member: Option<Extension<Member>>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    owned(&st, &member, &pk).await?;
    let value = json_body(&body)?;
    if !value.is_object() {
        return Err(ApiError::Validation(vec![(
            "non_field_errors".into(),
            input::not_an_object(&value),
        )]));
    }
    let req: InvitationSendEmailRequest = serde_json::from_value(value).map_err(|e| {
        let field = [
            "email_addresses",
            "cc_addresses",
            "bcc_addresses",
            "template",
        ]
        .into_iter()
        .find(|f| e.to_string().contains(f))
        .unwrap_or("email_addresses");
        ApiError::Validation(vec![(
            field.into(),
            if e.to_string().contains("missing field") {
                "This field is required.".into()
            } else {
                "Expected a list of email addresses.".into()
            },
        )])
    })?;
    if let Some(Extension(Member(user))) = &member {
        service::check_member_recipients(&st.app.db, user, &pk, &req).await?;
    }
    service::send_invitation(&st.app.db, &st.app.config, &who(&me, addr), &pk, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The accounts enrolled or joined through an invitation.
#[utoipa::path(
    get, path = "/api/v3/stages/invitation/invitations/{invite_uuid}/used_by/", tag = "stages",
    operation_id = "stages_invitation_invitations_used_by_list",
    params(("invite_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    responses((status = 200, body = Vec<UsedBy>), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
async fn invitations_used_by(
    State(st): State<ApiState>,
    member: Option<Extension<Member>>,
    Path(pk): Path<String>,
) -> Result<Json<Vec<UsedBy>>, ApiError> {
    owned(&st, &member, &pk).await?;
    Ok(Json(service::used_by(&st.app.db, &pk).await?))
}

/// List flows.
#[utoipa::path(
    get, path = "/api/v3/flows/instances/", tag = "flows", operation_id = "flows_instances_list",
    params(
        ("designation" = Option<FlowDesignationEnum>, Query, description = "Designation"),
        ("flow_uuid" = Option<String>, Query, format = "uuid", description = "Flow pk"),
        ("name" = Option<String>, Query, description = "Exact name"),
        ("slug" = Option<String>, Query, description = "Exact slug"),
        ("search" = Option<String>, Query, description = "Terms to find in name, slug, designation or title"),
        ("page" = Option<i64>, Query, description = "1-based page number"),
        ("page_size" = Option<i64>, Query, description = "Results per page (default 20, at most 100)"),
    ),
    responses((status = 200, body = PaginatedFlowList), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
async fn flows_list(
    State(st): State<ApiState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PaginatedFlowList>, ApiError> {
    Ok(Json(service::list_flows(&st.app.db, &q).await?))
}

/// Retrieve a flow by slug.
#[utoipa::path(
    get, path = "/api/v3/flows/instances/{slug}/", tag = "flows", operation_id = "flows_instances_retrieve",
    params(("slug" = String, Path, description = "Flow slug")),
    responses((status = 200, body = Flow), (status = 401, body = GenericError), (status = 403, body = GenericError), (status = 404, body = GenericError), (status = 429, body = GenericError)),
    security(("authentik" = []))
)]
async fn flows_retrieve(
    State(st): State<ApiState>,
    Path(slug): Path<String>,
) -> Result<Json<Flow>, ApiError> {
    Ok(Json(service::get_flow(&st.app.db, &slug).await?))
}

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "authentik",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "Token-based authentication with required prefix \"Bearer\"",
            ))),
        );
    }
}

/// The OpenAPI 3 document of this API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Usher", description = "Usher's REST API, compatible with authentik's for invitations and flows; Usher's own resources under `/usher/`."),
    servers((url = "/api/v3/")),
    paths(
        invitations_list, invitations_create, invitations_retrieve, invitations_update, invitations_partial_update,
        invitations_destroy, invitations_send_email, invitations_used_by, flows_list, flows_retrieve,
        events::events_list, campaigns::campaigns_list, campaigns::campaigns_create,
        campaigns::campaigns_retrieve, campaigns::campaigns_update, campaigns::campaigns_destroy,
        campaigns::campaigns_recipients_list, campaigns::campaigns_recipients_bulk, campaigns::campaigns_resend,
        campaigns::campaigns_revoke_all, campaigns::campaigns_recipients_revoke,
        links::invitation_links_list, links::invitation_links_create,
        links::invitation_links_destroy,
    ),
    components(schemas(
        Invitation, InvitationRequest, PatchedInvitationRequest, InvitationSendEmailRequest, PaginatedInvitationList,
        PaginatedFlowList, pagination::Pagination, Flow, PartialUser, UsedBy, UsedByActionEnum, FlowDesignationEnum,
        AuthenticationEnum, PolicyEngineMode, FlowLayoutEnum, DeniedActionEnum, ValidationError, GenericError,
        events::Event, events::EventActions, events::PaginatedEventList, campaigns::Campaign,
        campaigns::CampaignRequest, campaigns::PaginatedCampaignList, campaigns::RecipientCounts,
        campaigns::Recipient, campaigns::RecipientStateEnum, campaigns::PaginatedRecipientList,
        campaigns::BulkRecipientsRequest, campaigns::RecipientRowRequest, campaigns::BulkRecipientsResult,
        campaigns::RowResult, campaigns::RowKindEnum, campaigns::ImportCountsShape, campaigns::ResendResult,
        campaigns::RevokeAllResult, links::InvitationLink, links::InvitationLinkRequest,
    )),
    modifiers(&BearerScheme),
    tags((name = "stages", description = "Invitations"), (name = "flows", description = "Flows"), (name = "events", description = "The audit log"),
        (name = "core", description = "Named links of public invitations (Usher's own)"),
        (name = "campaigns", description = "Usher's campaigns: one invitation definition fanned out to many recipients"))
)]
pub struct ApiDoc;

/// `GET /api/v3/schema/`: the OpenAPI document (JSON; public, as authentik's is).
async fn schema() -> Response {
    let mut doc = ApiDoc::openapi();
    // Paths are absolute in the handlers; the document lists them relative to the server URL, as authentik's.
    let paths = std::mem::take(&mut doc.paths.paths);
    for (path, item) in paths {
        doc.paths
            .paths
            .insert(path.trim_start_matches("/api/v3").to_owned(), item);
    }
    match serde_json::to_value(&doc) {
        Ok(mut json) => {
            camel_case_links(&mut json);
            (
                [(header::CONTENT_TYPE, "application/vnd.oai.openapi+json")],
                json.to_string(),
            )
                .into_response()
        }
        Err(_) => ApiError::Internal.into_response(),
    }
}

/// The fields of every response's Link objects under their OpenAPI names: utoipa 5.5 serialises its `Link`
/// with Rust's (`operation_id`, `operation_ref`, `request_body`), which no OpenAPI tool reads, so the
/// create operation's links to the new invitation would be lost on clients and on schemathesis.
fn camel_case_links(doc: &mut Value) {
    const NAMES: [(&str, &str); 3] = [
        ("operation_id", "operationId"),
        ("operation_ref", "operationRef"),
        ("request_body", "requestBody"),
    ];
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let links = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses").and_then(Value::as_object_mut))
        .flat_map(|responses| responses.values_mut())
        .filter_map(|r| r.get_mut("links").and_then(Value::as_object_mut))
        .flat_map(|links| links.values_mut())
        .filter_map(Value::as_object_mut);
    for link in links {
        for (rust, openapi) in NAMES {
            if let Some(v) = link.remove(rust) {
                link.insert(openapi.to_owned(), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::member_may;
    use axum::http::Method;

    #[test]
    fn a_members_token_reaches_only_the_invitation_routes_it_may() {
        let base = "/api/v3/stages/invitation/invitations/";
        let one = format!("{base}0190b3c6-1111-7000-8000-000000000000/");
        assert!(member_may(&Method::GET, base));
        assert!(member_may(&Method::POST, base));
        assert!(member_may(&Method::GET, &one));
        assert!(member_may(&Method::DELETE, &one));
        assert!(!member_may(&Method::PUT, &one), "members do not edit");
        assert!(!member_may(&Method::PATCH, &one));
        assert!(member_may(&Method::POST, &format!("{one}send_email/")));
        assert!(member_may(&Method::GET, &format!("{one}used_by/")));
        assert!(!member_may(&Method::GET, &format!("{one}send_email/")));
        assert!(!member_may(&Method::GET, "/api/v3/flows/instances/"));
        assert!(!member_may(&Method::GET, "/api/v3/events/events/"));
        assert!(!member_may(&Method::GET, "/api/v3/usher/campaigns/"));
        assert!(!member_may(
            &Method::GET,
            "/api/v3/core/invitations/0190b3c6-1111-7000-8000-000000000000/links/"
        ));
        assert!(!member_may(&Method::GET, &format!("{one}a/b/")));
    }
}
