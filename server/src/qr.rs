//! `GET /admin/invitations/{pk}/qr.svg` and `…/qr.png`: an invitation's link as a QR code to download
//! (issue 15 item 6), for superusers signed in to the dashboard: the SVG for print layouts, the PNG at
//! 16 pixels per module for posters (`?scale=1…32` for another size). With `?link=<pk>`, the code of
//! that named link of the invitation instead (issue 15 item 6). A GET that changes nothing; the files
//! are not cached (the link changes when it is regenerated).

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use tower_sessions::Session;
use usher_app::service::{auth, invitations, qr, AppState};

/// Pixels per module of the PNG unless `scale` says otherwise.
pub const DEFAULT_PNG_SCALE: usize = 16;

/// The SVG's smallest side, pixels.
const SVG_MIN_PX: u32 = 600;

/// The QR code routes.
pub fn router<S: Clone + Send + Sync + 'static>(state: AppState) -> Router<S> {
    Router::new()
        .route("/admin/invitations/{pk}/{file}", get(download))
        .with_state(state)
}

async fn download(
    State(st): State<AppState>,
    session: Session,
    Path((pk, file)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let png = match file.as_str() {
        "qr.svg" => false,
        "qr.png" => true,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match auth::current_user(&st.db, &session).await {
        Ok(Some(u)) if u.is_superuser => {}
        Ok(Some(_)) => return StatusCode::FORBIDDEN.into_response(),
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    let inv = match invitations::find(&st.db, &pk).await {
        Ok(inv) => inv,
        Err(usher_app::service::error::Error::NotFound(_)) => {
            return StatusCode::NOT_FOUND.into_response()
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let (link, name) = match q.get("link") {
        None => (
            invitations::link(&st.config, &inv),
            inv.name.as_str().to_owned(),
        ),
        Some(link_pk) => match invitations::find_link(&st.db, &st.config, &pk, link_pk).await {
            Ok(l) => (l.url, format!("{}-{}", inv.name.as_str(), l.name)),
            Err(usher_app::service::error::Error::NotFound(_)) => {
                return StatusCode::NOT_FOUND.into_response()
            }
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    };
    let Some(link) = link else {
        return (
            StatusCode::CONFLICT,
            "This link was sealed under another USHER_SECRET_KEY: regenerate it first.",
        )
            .into_response();
    };
    let (body, content_type, ext) = if png {
        let scale = match q.get("scale").map(|s| s.parse::<usize>()) {
            None => DEFAULT_PNG_SCALE,
            Some(Ok(s)) if (1..=qr::MAX_PNG_SCALE).contains(&s) => s,
            Some(_) => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!(
                        "scale must be a whole number from 1 to {}.",
                        qr::MAX_PNG_SCALE
                    ),
                )
                    .into_response()
            }
        };
        (qr::png(&link, scale), "image/png", "png")
    } else {
        (
            qr::svg(&link, SVG_MIN_PX).map(String::into_bytes),
            "image/svg+xml",
            "svg",
        )
    };
    let Some(body) = body else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-qr.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}
