//! Errors in the shapes Django REST framework gives them, which authentik's clients expect: 400
//! `{"field": ["message"]}`, 401/403/404/429 `{"detail": "…"}` (RFC 6750 `WWW-Authenticate` on 401,
//! `Retry-After` on 429).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use usher_app::error::AppError;
use utoipa::ToSchema;

/// `{"detail": "…"}` (authentik's `GenericError`).
#[derive(Debug, Serialize, ToSchema)]
pub struct GenericError {
    /// What went wrong.
    pub detail: String,
}

/// `{"field": ["message", …], "non_field_errors": [...]}` (authentik's `ValidationError`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"name": ["This field is required."]}))]
pub struct ValidationError {
    /// Errors not tied to one field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub non_field_errors: Vec<String>,
    /// Errors by field name.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// An API failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 401: no credentials, or refused ones (the message says which).
    Unauthenticated(&'static str),
    /// 403: the token's user may not do this.
    Forbidden,
    /// 404.
    NotFound,
    /// 404 for a page past the end.
    InvalidPage,
    /// 400 with messages by field (`non_field_errors` for the rest).
    Validation(Vec<(String, String)>),
    /// 400 for a body that is not JSON (or not an object).
    Parse(String),
    /// 405.
    MethodNotAllowed,
    /// 429, retry after this many seconds.
    Throttled(i64),
    /// 503 (the password hashing queue is full), retry after this many seconds.
    Unavailable(i64),
    /// 500.
    Internal,
}

/// A service's typed error, worded by the one mapper (`From<service::error::Error> for AppError`), then
/// shaped as REST answers it.
impl From<usher_app::service::error::Error> for ApiError {
    fn from(e: usher_app::service::error::Error) -> Self {
        Self::from(AppError::from(e))
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(errs) => Self::Validation(errs),
            AppError::BadRequest(m) => Self::Validation(vec![("non_field_errors".into(), m)]),
            AppError::NotFound(_)
            | AppError::InvalidInvitation { .. }
            | AppError::NotYetOpen { .. } => Self::NotFound,
            AppError::Unauthenticated | AppError::InvalidCredentials => {
                Self::Unauthenticated("Authentication credentials were not provided.")
            }
            AppError::Forbidden => Self::Forbidden,
            AppError::TooManyAttempts(secs)
            | AppError::TooManyCodes(secs)
            | AppError::CodesPaused(secs)
            | AppError::CodesSlowed(secs)
            | AppError::TooManyEnrollments(secs) => Self::Throttled(secs),
            AppError::Busy(secs) => Self::Unavailable(secs),
            other => {
                tracing::error!(error = %other, "api");
                Self::Internal
            }
        }
    }
}

fn detail(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, axum::Json(GenericError { detail: msg.into() })).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthenticated(msg) => {
                let mut r = detail(StatusCode::UNAUTHORIZED, msg);
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"api\""),
                );
                r
            }
            Self::Forbidden => detail(
                StatusCode::FORBIDDEN,
                "You do not have permission to perform this action.",
            ),
            Self::NotFound => detail(StatusCode::NOT_FOUND, "Not found."),
            Self::InvalidPage => detail(StatusCode::NOT_FOUND, "Invalid page."),
            Self::MethodNotAllowed => detail(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed."),
            Self::Parse(m) => detail(StatusCode::BAD_REQUEST, format!("JSON parse error - {m}")),
            Self::Validation(errs) => {
                let mut fields: Map<String, Value> = Map::new();
                for (field, msg) in errs {
                    let key = if field.is_empty() {
                        "non_field_errors".to_owned()
                    } else {
                        field
                    };
                    match fields
                        .entry(key)
                        .or_insert_with(|| Value::Array(Vec::new()))
                    {
                        Value::Array(list) => list.push(Value::String(msg)),
                        _ => unreachable!("every entry is an array"),
                    }
                }
                (StatusCode::BAD_REQUEST, axum::Json(Value::Object(fields))).into_response()
            }
            Self::Throttled(secs) => {
                let secs = secs.max(1);
                let mut r = detail(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Request was throttled. Expected available in {secs} seconds."),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                r
            }
            Self::Unavailable(secs) => {
                let secs = secs.max(1);
                let mut r = detail(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("The server is busy. Try again in {secs} seconds."),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                r
            }
            Self::Internal => detail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "A server error occurred.",
            ),
        }
    }
}
