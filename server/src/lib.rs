//! Usher's server: configuration, database and migrations, sessions, the router (Leptos pages, server
//! functions, health), and graceful shutdown. `main.rs` is the CLI around it; integration tests build the
//! same router with [`build_router`].

pub mod config;
pub mod rest;
pub mod sessions;

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use sessions::DbSessionStore;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tower_sessions::cookie::{time::Duration as CookieDuration, SameSite};
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tracing::Level;
use usher_app::service::{auth, AppState, ClientAddr, Config, Db};
use usher_app::{shell, App};

/// Everything a running Usher holds.
pub struct Usher {
    /// The router to serve.
    pub router: Router,
    /// Shared state (pool, configuration).
    pub state: AppState,
    /// The session store (for clean-up).
    pub sessions: DbSessionStore,
}

/// Connects to the database (running migrations), installs the built-in flows, prepares the session
/// store and builds the router.
///
/// # Errors
/// Database connection, migration or seeding failures, as text for the operator.
pub async fn build(
    config: Config,
    database_url: &str,
    leptos_options: LeptosOptions,
) -> Result<Usher, String> {
    let db = Db::connect(database_url)
        .await
        .map_err(|e| format!("database {database_url}: {e}"))?;
    usher_app::service::flows::install_builtin_flows(&db)
        .await
        .map_err(|e| format!("built-in flows: {e}"))?;
    let sessions = DbSessionStore::connect(&db.url, db.backend)
        .await
        .map_err(|e| format!("session store: {e}"))?;
    let state = AppState {
        db,
        config: Arc::new(config),
    };
    let router = build_router(state.clone(), sessions.clone(), leptos_options);
    Ok(Usher {
        router,
        state,
        sessions,
    })
}

/// The Leptos page routes, generated once per process and then cloned. Generating them runs the app
/// with a process-global flag set that parks every resource first polled meanwhile, on any thread, for
/// good (leptos_server's `SuppressResourceLoad`, leptos-rs/leptos#4773): a second router built while
/// the first serves (the integration tests build one per test, in parallel) would hang a page render.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The full router: Leptos pages and server functions (`/api/…`), health probes, the admin gate,
/// sessions (HttpOnly, SameSite=Lax, Secure when the public URL is https) and `Referrer-Policy: same-origin`
/// on every response (pages carry invitation tokens).
pub fn build_router(
    state: AppState,
    sessions: DbSessionStore,
    leptos_options: LeptosOptions,
) -> Router {
    let routes = route_list();
    let ctx_state = state.clone();
    let fn_state = state.clone();
    let ready_db = state.db.clone();
    let opts = leptos_options.clone();
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(state.config.session_cookie())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(CookieDuration::days(14)));
    Router::new()
        .merge(rest::router(state.clone()))
        .route("/-/health/live/", get(|| async { StatusCode::NO_CONTENT }))
        .route("/-/health/ready/", get(move || ready(ready_db.clone())))
        .route(
            "/api/{*fn_name}",
            post(move |req: Request<Body>| {
                let st = fn_state.clone();
                async move {
                    handle_server_fns_with_context(move || provide_context(st.clone()), req).await
                }
            }),
        )
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(ctx_state.clone()),
            move || shell(opts.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options)
        .layer(middleware::from_fn_with_state(state.clone(), admin_gate))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            same_origin_writes,
        ))
        .layer(middleware::from_fn(no_store))
        .layer(session_layer)
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_address,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(DefaultOnRequest::new().level(Level::DEBUG))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(())
}

/// The span of one request: method, route template (axum's `MatchedPath`, else the path), and the request
/// id (`x-request-id`, given by a proxy or made here, and echoed in the response). Never the query string:
/// it carries invitation and set-up tokens. The response event adds status and latency.
fn request_span(req: &Request) -> tracing::Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path(), MatchedPath::as_str)
        .to_owned();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %req.method(), route = %route, request_id = %request_id)
}

/// Works out the client's address once ([`usher_app::domain::client::client_address`]: the TCP peer, or
/// behind a proxy in `USHER_TRUSTED_PROXIES` the rightmost untrusted forwarded hop) and puts it in the
/// request's extensions as [`ClientAddr`], where server functions and the REST API read it. A request
/// without a peer (an in-process call) gets none.
async fn client_address(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let joined = |name: header::HeaderName| {
            let values: Vec<&str> = req
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (!values.is_empty()).then(|| values.join(","))
        };
        let forwarded = joined(header::FORWARDED);
        let x_forwarded_for = joined(header::HeaderName::from_static("x-forwarded-for"));
        let client = usher_app::domain::client::client_address(
            peer,
            forwarded.as_deref(),
            x_forwarded_for.as_deref(),
            &state.config.trusted_proxies,
        );
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

/// Readiness: 204 when the database answers, 503 otherwise.
async fn ready(db: Db) -> StatusCode {
    if db.ping().await {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// `/admin…`: anonymous visitors are sent to `/login?next=…` (303); signed-in non-admins get the page
/// rendered with status 403.
async fn admin_gate(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if path != "/admin" && !path.starts_with("/admin/") {
        return next.run(req).await;
    }
    match auth::current_user(&state.db, &session).await {
        Ok(None) => {
            Redirect::to(&format!("/login?next={}", encode_query_value(&path))).into_response()
        }
        Ok(Some(u)) if !u.is_superuser => {
            let mut res = next.run(req).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
        Ok(Some(_)) => next.run(req).await,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Defence in depth against cross-site request forgery (Leptos adds none; cookies are already
/// SameSite=Lax): a non-GET request with an `Origin` header is refused with 403 unless that origin is the
/// public URL's (`USHER_PUBLIC_URL`, which survives reverse proxies) or names the `Host` it was sent to.
async fn same_origin_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD {
        if let Some(origin) = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
        {
            let public = origin_of(&state.config.public_url);
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            let same = origin.eq_ignore_ascii_case(public)
                || (!host.is_empty() && origin_host.eq_ignore_ascii_case(host));
            if !same {
                return (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response();
            }
        }
    }
    next.run(req).await
}

/// `scheme://authority` of a URL (its origin, RFC 6454), e.g. `https://id.example.com`.
fn origin_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').map_or(url.len(), |i| scheme.len() + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

/// Pages and server-function answers are personal and can carry invitation tokens, and some statuses (410)
/// are cacheable by default (RFC 9111 §4.2.2): everything but the static site files under `/pkg/` gets
/// `Cache-Control: no-store`, so a browser never shows a stale invitation state.
async fn no_store(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if !is_asset && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Percent-encodes the characters that would end or change a query value.
fn encode_query_value(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '%' => "%25".into(),
            '&' => "%26".into(),
            '+' => "%2B".into(),
            '#' => "%23".into(),
            ' ' => "%20".into(),
            c => c.to_string(),
        })
        .collect()
}
