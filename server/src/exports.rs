//! `GET /admin/events/export.csv` and `…/export.json`: System → Events' selection as a download (issue
//! 14 item 3), for superusers signed in to the dashboard. The filters are the page's (`action`,
//! `username`, `context_model_name`, `context_model_pk`, `since`, `until`); at most
//! [`MAX_EXPORTED`] events, newest first. A GET that changes nothing.

use crate::rest::events::event_shape;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use tower_sessions::Session;
use usher_app::api::admin::events::view;
use usher_app::domain::audit::Event;
use usher_app::model::EventQuery;
use usher_app::service::audit::{self, EventOrder};
use usher_app::service::{auth, AppState};

/// The most events one export holds.
pub const MAX_EXPORTED: u64 = 100_000;

/// The export routes.
pub fn router<S: Clone + Send + Sync + 'static>(state: AppState) -> Router<S> {
    Router::new()
        .route("/admin/events/{file}", get(export))
        .with_state(state)
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 10] = [
    "pk",
    "created",
    "action",
    "actor_kind",
    "username",
    "client_ip",
    "model",
    "object_pk",
    "object_name",
    "context",
];

async fn export(
    State(st): State<AppState>,
    session: Session,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let format = match file.as_str() {
        "export.csv" => Format::Csv,
        "export.json" => Format::Json,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match auth::current_user(&st.db, &session).await {
        Ok(Some(u)) if u.is_superuser => {}
        Ok(Some(_)) => return StatusCode::FORBIDDEN.into_response(),
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    let text = |k: &str| q.get(k).cloned().unwrap_or_default();
    let query = EventQuery {
        action: text("action"),
        username: text("username"),
        model: text("context_model_name"),
        object_pk: text("context_model_pk"),
        since: text("since"),
        until: text("until"),
        page: 0,
    };
    let filter = match view::filter(&query) {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let mut events: Vec<Event> = Vec::new();
    while (events.len() as u64) < MAX_EXPORTED {
        let batch = match audit::list(
            &st.db,
            &filter,
            EventOrder::default(),
            events.len() as u64,
            1_000,
        )
        .await
        {
            Ok(b) => b,
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
        let done = batch.len() < 1_000;
        events.extend(batch);
        if done {
            break;
        }
    }
    events.truncate(MAX_EXPORTED as usize);
    let (body, content_type) = match format {
        Format::Csv => match csv_of(events) {
            Ok(b) => (b, "text/csv; charset=utf-8"),
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Format::Json => {
            match serde_json::to_vec(&events.into_iter().map(event_shape).collect::<Vec<_>>()) {
                Ok(b) => (b, "application/json"),
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"usher-events.{}\"", format.ext()),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// The events as CSV (RFC 4180, by the `csv` crate): [`CSV_HEADER`], then one row per event with its
/// time in RFC 3339 and its context as JSON.
///
/// # Errors
/// The writer's (none in memory).
pub fn csv_of(events: Vec<Event>) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for e in events {
        let name = view::object_name(&e);
        w.write_record([
            e.pk.as_str(),
            &crate::rest::service::rfc3339(e.created),
            e.action.as_str(),
            &e.actor_kind,
            &e.actor_name,
            &e.client_ip,
            &e.model,
            &e.object_pk,
            &name,
            &e.context.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use usher_app::domain::audit::Action;

    #[test]
    fn csv_rows_quote_what_needs_it_and_keep_the_context_whole() {
        let e = Event {
            pk: "p-1".into(),
            created: 0,
            action: Action::ModelUpdated,
            actor_kind: "user".into(),
            actor_pk: "1".into(),
            actor_name: "admin".into(),
            client_ip: "10.0.0.1".into(),
            model: "invitation".into(),
            object_pk: "i-1".into(),
            context: serde_json::json!({"model": {"name": "team, \"a\""}, "diff": {}}),
        };
        let text = String::from_utf8(csv_of(vec![e]).unwrap()).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[1], "1970-01-01T00:00:00Z");
        assert_eq!(&row[2], "model_updated");
        assert_eq!(&row[8], "team, \"a\"");
        let ctx: serde_json::Value = serde_json::from_str(&row[9]).unwrap();
        assert_eq!(ctx["model"]["name"], "team, \"a\"");
    }
}
