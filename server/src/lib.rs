//! Usher's server: configuration, database and migrations, sessions, the router (Leptos pages, server
//! functions, health), and graceful shutdown. `main.rs` is the CLI around it; integration tests build the
//! same router with [`build_router`].

pub mod config;
pub mod exports;
pub mod listener;
pub mod metrics;
pub mod qr;
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
use tower_http::services::ServeDir;
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
    usher_app::service::users::backfill_username_keys(&db)
        .await
        .map_err(|e| format!("username keys: {e}"))?;
    let sealed_secrets = usher_app::service::outbox::seal_legacy_secrets(&db, &config.secret_key)
        .await
        .map_err(|e| format!("outbox secrets: {e}"))?;
    if sealed_secrets > 0 {
        tracing::info!(
            messages = sealed_secrets,
            "sealed the codes and links of messages queued by earlier releases"
        );
    }
    let sealed = usher_app::service::invitations::seal_legacy_tokens(&db, &config.secret_key)
        .await
        .map_err(|e| format!("invitation tokens: {e}"))?;
    if sealed > 0 {
        tracing::info!(
            invitations = sealed,
            "stored the invitation tokens of earlier releases as digests and sealed copies"
        );
    }
    let sessions = DbSessionStore::connect(&db.url, db.backend)
        .await
        .map_err(|e| format!("session store: {e}"))?;
    let state = AppState {
        db,
        config: Arc::new(config),
        site: Arc::default(),
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

/// The full router: Leptos pages and server functions (`/api/…`), health probes, `/metrics` with
/// `USHER_METRICS_TOKEN` ([`metrics`]), the admin gate,
/// sessions (HttpOnly, SameSite=Lax, Secure when the public URL is https) and `Referrer-Policy: same-origin`
/// on every response (pages carry invitation tokens). `/pkg` is the built site's package directory
/// ([`pkg_service`]): precompressed, cached by name.
pub fn build_router(
    state: AppState,
    sessions: DbSessionStore,
    leptos_options: LeptosOptions,
) -> Router {
    let routes = route_list();
    let ctx_state = state.clone();
    let fn_state = state.clone();
    let css_state = state.clone();
    let ready_db = state.db.clone();
    let opts = leptos_options.clone();
    let pkg = pkg_service(&leptos_options);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(state.config.session_cookie())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(CookieDuration::seconds(
            auth::SESSION_IDLE_SECS,
        )));
    if state.config.metrics_token.is_some() {
        metrics::recorder();
    }
    let app: Router = Router::new()
        .merge(rest::router(state.clone()))
        .merge(exports::router(state.clone()))
        .merge(qr::router(state.clone()))
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
        .route("/brand.css", get(move || brand_css(css_state.clone())))
        .nest_service("/pkg", pkg)
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
            form_error_guard,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), web_guard))
        .layer(middleware::from_fn(no_store))
        .layer(session_layer)
        .layer(middleware::from_fn(|req: Request, next: Next| {
            sessions::answer_busy_when_the_store_failed(next.run(req))
        }))
        .layer(middleware::from_fn(run_writes_to_completion))
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
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    // Counted and timed outermost, by route template, once this process records metrics.
    let app = if metrics::enabled() {
        app.layer(middleware::from_fn(metrics::record_request))
    } else {
        app
    };
    match state.config.metrics_token.clone() {
        Some(token) => metrics::with_token(app, state.db.clone(), token),
        None => app,
    }
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
        // Only the header the operator named (USHER_FORWARDED_HEADER): a client's own copy of the other
        // passes through many proxies untouched.
        let which = state.config.forwarded_header;
        let values: Vec<&str> = req
            .headers()
            .get_all(which.name())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let value = (!values.is_empty()).then(|| values.join(","));
        let client = usher_app::domain::client::client_address(
            peer,
            which,
            value.as_deref(),
            &state.config.trusted_proxies,
        );
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

/// A write (any method but GET and HEAD) runs to its end in a task of its own, even when the client
/// hangs up: hyper drops a request's future when its connection closes, and a future dropped inside a
/// transaction leaves its pooled SQLite connection with a rollback still queued, on which the next
/// `BEGIN IMMEDIATE` failed with "attempted to call begin_with at non-zero transaction depth" (500s for
/// other clients; found by `tests/hashing.rs`, issue 35). A write is all-or-nothing either way; now it is
/// also never cut in the middle, and its password hash, session write and rate-limit counts all happen.
async fn run_writes_to_completion(req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        return next.run(req).await;
    }
    use tracing::Instrument;
    match tokio::spawn(next.run(req).instrument(tracing::Span::current())).await {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "a request's task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
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
        Ok(None) => Redirect::to(&usher_app::pages::login::login_url(&path)).into_response(),
        Ok(Some(u)) if !u.is_superuser => {
            let mut res = next.run(req).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
        Ok(Some(_)) => next.run(req).await,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Web hardening on every response ([`usher_app::domain::web`], issue 12 item 12):
/// - `Host` must name the public URL (`USHER_PUBLIC_URL`), or, from a trusted proxy, `X-Forwarded-Host`
///   must: otherwise 421 Misdirected Request, which defeats DNS rebinding. A request without `Host`
///   (HTTP/1.0, in-process) and the health probes are not checked.
/// - a write (any method but GET and HEAD) from a browser must come from the public origin (`Origin`,
///   else `Sec-Fetch-Site`, else `Referer`): otherwise 403, beside SameSite=Lax cookies.
/// - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a Content-Security-Policy (pages set
///   their own, with the render's nonce; everything else gets one that loads nothing), and HSTS when the
///   public URL is https.
async fn web_guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    use usher_app::domain::web::{self, Origin};
    let config = &state.config;
    // A page is rendered with the brand (its title, logo and accent) in the request's extensions.
    let page = req.method() == axum::http::Method::GET && !req.uri().path().starts_with("/pkg/");
    let site = if page {
        let site = state.site.get(&state.db, config).await;
        req.extensions_mut().insert(site.clone());
        Some(site)
    } else {
        None
    };
    let refusal =
        Origin::parse(&config.public_url).and_then(|public| refusal(&public, config, &req));
    let mut res = match refusal {
        Some(r) => r,
        None => next.run(req).await,
    };
    // A page's policy (set by the shell) also says where its forms may post and where the brand's
    // logo comes from.
    let page_csp = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(csp) = page_csp {
        let site = match site {
            Some(s) => s,
            None => state.site.get(&state.db, config).await,
        };
        let csp = web::with_img_src(&csp, site.external_logo());
        if let Ok(v) = HeaderValue::from_str(&web::with_form_action(&csp, &site.form_targets)) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(web::NON_PAGE_CSP),
        );
    }
    if config.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(web::HSTS),
        );
    }
    res
}

/// How long the proof of a refused plain-form post's error lives, seconds: the browser follows the
/// redirect at once.
const FORM_ERROR_PROOF_SECS: i64 = 60;

/// Only Usher puts an error under a form (issue 35 item 6). Without JavaScript, a refused form post is
/// redirected back to its page with the error in the query (`__path`, `__err`: Leptos's
/// `ServerFnUrlError`), and the page shows it; anyone can write such a URL, so a link could put
/// "reset your password at evil.example" under the sign-in form. The redirect that carries an error
/// gets a short-lived cookie holding the error's keyed digest (BLAKE2b under the instance secret); a
/// page request whose `__err` comes without its digest is sent to the same URL without the error
/// parameters (303), so neither the server's render nor the hydrated page ever reads it.
async fn form_error_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use tower_sessions::cookie::{time::Duration, Cookie, SameSite};
    use usher_app::domain::web::{form_error, without_form_error};
    let config = &state.config;
    let name = config.form_error_cookie();
    let proof = |err: &str| config.secret_key.digest("usher-form-error", &[err]);
    let mut shown = false;
    if req.method() == axum::http::Method::GET {
        if let Some(err) = req.uri().query().and_then(form_error) {
            let sent = req
                .headers()
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(Cookie::split_parse)
                .filter_map(Result::ok)
                .find(|c| c.name() == name)
                .map(|c| c.value().to_owned());
            if sent.as_deref() != Some(proof(&err).as_str()) {
                let to = without_form_error(req.uri().path(), req.uri().query().unwrap_or(""));
                return match HeaderValue::from_str(&to) {
                    Ok(to) => (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
                    Err(_) => StatusCode::BAD_REQUEST.into_response(),
                };
            }
            shown = true;
        }
    }
    let mut res = next.run(req).await;
    let carried = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.split_once('?'))
        .and_then(|(_, q)| form_error(q.split('#').next().unwrap_or(q)));
    let cookie = match (carried, shown) {
        (Some(err), _) => Some((proof(&err), FORM_ERROR_PROOF_SECS)),
        (None, true) => Some((String::new(), 0)),
        (None, false) => None,
    };
    if let Some((value, max_age)) = cookie {
        let c = Cookie::build((name, value))
            .path("/")
            .max_age(Duration::seconds(max_age))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(config.secure_cookies())
            .build();
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Why [`web_guard`] refuses `req` (421 for a host that is not the public URL's, 403 for a cross-site
/// write), or `None`.
fn refusal(
    public: &usher_app::domain::web::Origin,
    config: &Config,
    req: &Request,
) -> Option<Response> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let from_proxy = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .is_some_and(|c| {
            let ip = c.0.ip().to_canonical();
            config.trusted_proxies.iter().any(|n| n.contains(&ip))
        });
    let forwarded_host = header("x-forwarded-host")
        .filter(|_| from_proxy)
        .and_then(|h| h.rsplit(',').next());
    let host_ok = req.uri().path().starts_with("/-/health/")
        || header("host")
            .is_none_or(|h| public.is_host(h) || forwarded_host.is_some_and(|f| public.is_host(f)));
    if !host_ok {
        return Some(
            (
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "This Usher answers at {} (USHER_PUBLIC_URL) only. Behind a reverse proxy, forward the Host header.",
                    config.public_url
                ),
            )
                .into_response(),
        );
    }
    let write = req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD;
    (write
        && !usher_app::domain::web::write_allowed(
            public,
            header("origin"),
            header("sec-fetch-site"),
            header("referer"),
        ))
    .then(|| (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response())
}

/// `/pkg`: the files of `{site_root}/{site_pkg_dir}` (the WASM, JS and CSS cargo-leptos builds). A file's
/// brotli or gzip sibling (`usher.….wasm.br`, `.gz`, written by `cargo leptos build --release
/// --precompress`) is sent instead when the request's `Accept-Encoding` takes it; [`asset_headers`] adds
/// the caching headers. A missing file is a bare 404.
fn pkg_service(options: &LeptosOptions) -> axum::routing::MethodRouter {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    axum::routing::get_service(files).layer(middleware::from_fn(asset_headers))
}

/// The caching headers of every `/pkg` response: `Cache-Control` by the file name
/// ([`usher_app::domain::web::asset_cache_control`]: a year and immutable for a cargo-leptos hashed name,
/// `no-cache` otherwise; `no-cache` for any answer but a success or 304, so no browser reuses a 404
/// unchecked), and
/// `Vary: Accept-Encoding`, since the body depends on it (RFC 9110 §12.5.5; `ServeDir` does not say
/// so): a shared cache must not hand a brotli body to a client that did not ask for one.
async fn asset_headers(req: Request, next: Next) -> Response {
    let file_name = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut res = next.run(req).await;
    let status = res.status();
    let cache_control = if status.is_success() || status == StatusCode::NOT_MODIFIED {
        usher_app::domain::web::asset_cache_control(&file_name)
    } else {
        usher_app::domain::web::ASSET_REVALIDATE
    };
    let headers = res.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    let varies = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"));
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// Pages and server-function answers are personal and can carry invitation tokens, and some statuses (410)
/// are cacheable by default (RFC 9111 §4.2.2): everything but the static site files under `/pkg/` gets
/// `Cache-Control: no-store`, so a browser never shows a stale invitation state. (`/pkg` sets its own,
/// [`asset_headers`].)
async fn no_store(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if !is_asset && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// `/brand.css`: the brand's accent colour for buttons (System → Brands; [`Look::stylesheet`]), empty
/// without one. Pages link it as `/brand.css?v={accent}`, so a browser keeps it five minutes at most
/// and fetches a new one when the accent changes.
///
/// [`Look::stylesheet`]: usher_app::domain::brand::Look::stylesheet
async fn brand_css(state: AppState) -> Response {
    let site = state.site.get(&state.db, &state.config).await;
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        site.look.stylesheet().unwrap_or_default(),
    )
        .into_response()
}
