//! `/api/v3/core/invitations/{invitation_uuid}/links/`: the named links of a public invitation (issue 15
//! item 6), Usher's own resource: list (`GET`), add (`POST {name, quota?}`, 201 with the new link and
//! its `url`), and `…/links/{link_uuid}/` delete (`DELETE`, 204). Superusers' tokens only, as every route
//! of this API.

use super::error::{ApiError, GenericError, ValidationError};
use super::service::rfc3339;
use super::{json_body, who, ApiState};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use usher_app::service::invitations::{self, NamedLink};
use usher_app::service::tokens::ApiPrincipal;
use usher_app::service::ClientAddr;
use utoipa::ToSchema;

/// A named link of a public invitation: its own token, an optional share of the uses, its own counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationLink {
    /// UUID.
    #[schema(format = "uuid")]
    pub pk: String,
    /// The invitation's pk.
    #[schema(format = "uuid")]
    pub invitation: String,
    /// Its name, unique per invitation.
    pub name: String,
    /// The link to hand out (`…/if/flow/{slug}/?itoken=…`); null when its token was sealed under another
    /// `USHER_SECRET_KEY`.
    pub url: Option<String>,
    /// Its share: at most this many uses through it (the invitation's quota still caps the total); null
    /// for no share of its own.
    pub quota: Option<i64>,
    /// Uses through it.
    pub uses: i64,
    /// Landing pages shown for it.
    pub view_count: i64,
    /// The last view, RFC 3339 UTC; null when never opened.
    #[schema(format = DateTime)]
    pub last_viewed: Option<String>,
    /// When it was added, RFC 3339 UTC.
    #[schema(format = DateTime)]
    pub created: String,
}

/// The body of a new named link.
#[derive(Debug, Clone, ToSchema)]
#[allow(dead_code)] // The schema of the body, which is read field by field ([`parse_request`]).
pub struct InvitationLinkRequest {
    /// Its name: letters, digits, `-` and `_`, unique per invitation.
    #[schema(min_length = 1, max_length = 50, pattern = "^[-a-zA-Z0-9_]+$")]
    pub name: String,
    /// Its share: at most this many uses through it; null or absent for no share of its own.
    #[schema(minimum = 1)]
    pub quota: Option<i64>,
}

fn shape(l: NamedLink) -> InvitationLink {
    InvitationLink {
        pk: l.pk,
        invitation: l.invitation_pk,
        name: l.name,
        url: l.url,
        quota: l.quota,
        uses: l.uses,
        view_count: l.view_count,
        last_viewed: l.last_viewed.map(rfc3339),
        created: rfc3339(l.created),
    }
}

fn invalid(field: &str, msg: &str) -> ApiError {
    ApiError::Validation(vec![(field.to_owned(), msg.to_owned())])
}

/// `{name, quota?}` read from a body, with Django REST framework's messages for what is missing or of
/// the wrong type.
fn parse_request(body: &Value) -> Result<(String, Option<i64>), ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(invalid(
            "non_field_errors",
            &super::input::not_an_object(body),
        ));
    };
    let name = match obj.get("name") {
        None => return Err(invalid("name", "This field is required.")),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid("name", "Not a valid string.")),
    };
    let quota = match obj.get("quota") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(q) => Some(q),
            None => return Err(invalid("quota", "A valid integer is required.")),
        },
    };
    Ok((name, quota))
}

/// List an invitation's named links.
#[utoipa::path(
    get, path = "/api/v3/core/invitations/{invitation_uuid}/links/", tag = "core", operation_id = "core_invitations_links_list",
    params(("invitation_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    responses(
        (status = 200, body = Vec<InvitationLink>), (status = 401, body = GenericError), (status = 403, body = GenericError),
        (status = 404, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn invitation_links_list(
    State(st): State<ApiState>,
    Path(pk): Path<String>,
) -> Result<Json<Vec<InvitationLink>>, ApiError> {
    let links = invitations::links(&st.app.db, &st.app.config, &pk).await?;
    Ok(Json(links.into_iter().map(shape).collect()))
}

/// Add a named link to a public invitation (one without email rules). The response holds its `url`.
#[utoipa::path(
    post, path = "/api/v3/core/invitations/{invitation_uuid}/links/", tag = "core", operation_id = "core_invitations_links_create",
    params(("invitation_uuid" = String, Path, format = "uuid", description = "Invitation pk")),
    request_body = InvitationLinkRequest,
    responses(
        (status = 201, body = InvitationLink, links(
            ("destroy" = (operation_id = "core_invitations_links_destroy", parameters(("invitation_uuid" = "$response.body#/invitation"), ("link_uuid" = "$response.body#/pk")), description = "Delete it.")),
        )),
        (status = 400, body = ValidationError), (status = 401, body = GenericError), (status = 403, body = GenericError),
        (status = 404, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn invitation_links_create(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path(pk): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (name, quota) = parse_request(&json_body(&body)?)?;
    let link = invitations::create_link(
        &st.app.db,
        &st.app.config,
        &who(&me, addr),
        &pk,
        &name,
        quota,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(shape(link))).into_response())
}

/// Delete a named link: its link shows the invalid page at once.
#[utoipa::path(
    delete, path = "/api/v3/core/invitations/{invitation_uuid}/links/{link_uuid}/", tag = "core", operation_id = "core_invitations_links_destroy",
    params(
        ("invitation_uuid" = String, Path, format = "uuid", description = "Invitation pk"),
        ("link_uuid" = String, Path, format = "uuid", description = "Named link pk"),
    ),
    responses(
        (status = 204, description = "Deleted"), (status = 401, body = GenericError), (status = 403, body = GenericError),
        (status = 404, body = GenericError), (status = 429, body = GenericError),
    ),
    security(("authentik" = []))
)]
pub async fn invitation_links_destroy(
    State(st): State<ApiState>,
    Extension(me): Extension<ApiPrincipal>,
    addr: Option<Extension<ClientAddr>>,
    Path((pk, link)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    invitations::delete_link(&st.app.db, &who(&me, addr), &pk, &link).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_read_field_by_field() {
        assert_eq!(
            parse_request(&json!({"name": "poster", "quota": 3})),
            Ok(("poster".into(), Some(3)))
        );
        assert_eq!(
            parse_request(&json!({"name": "poster", "quota": null})),
            Ok(("poster".into(), None))
        );
        assert!(parse_request(&json!({"quota": 3})).is_err());
        assert!(parse_request(&json!({"name": 3})).is_err());
        assert!(parse_request(&json!({"name": "p", "quota": "3"})).is_err());
        assert!(parse_request(&json!({"name": "p", "quota": 1.5})).is_err());
        assert!(parse_request(&json!([])).is_err());
    }
}
