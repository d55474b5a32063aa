//! Prometheus metrics (issue 14 item 7): the process's recorder ([`recorder`]), the middleware that
//! counts and times every request by its route template ([`record_request`]), and `GET /metrics` in
//! Prometheus's text format, either on the main listener behind a bearer token ([`with_token`],
//! `USHER_METRICS_TOKEN`) or alone on a listener of its own ([`router`], `USHER_METRICS_ADDR`). The
//! metrics themselves are named in [`usher_app::service::metrics`].
//!
//! `/metrics` is outside everything else the main router does: no session (it never sets a cookie), no
//! host or origin check (a scraper reaches an instance by its own address), and not counted in the
//! request metrics (scrapes would outnumber everything on a quiet instance).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use usher_app::service::metrics::{self as names, MetricsToken};
use usher_app::service::Db;

/// The path metrics are served at.
pub const PATH: &str = "/metrics";

/// Prometheus's text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How often the recorder folds recorded timings into its histograms between scrapes, so memory stays
/// bounded when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's Prometheus recorder, installed as the global `metrics` recorder the first time it is
/// asked for (once per process: the tests build many routers in one), with the request-duration
/// buckets ([`names::HTTP_DURATION_BUCKETS`]), every metric's help text, and a thread doing the
/// recorder's upkeep.
pub fn recorder() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = match builder.set_buckets_for_metric(
            Matcher::Full(names::HTTP_REQUEST_DURATION.into()),
            names::HTTP_DURATION_BUCKETS,
        ) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "metrics: request-duration buckets");
                PrometheusBuilder::new()
            }
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if let Err(e) = metrics::set_global_recorder(recorder) {
            tracing::warn!(error = %e, "metrics: another recorder is installed; /metrics shows nothing recorded");
        }
        names::describe();
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "metrics: starting the upkeep thread");
        }
        handle
    })
}

/// Whether this process records metrics ([`recorder`] was installed): the router then counts requests.
pub fn enabled() -> bool {
    HANDLE.get().is_some()
}

/// The `route` label of a request: its route template (axum's [`MatchedPath`]), never its path.
/// A server function (`/api/{*fn_name}`) is named by its path when it is a registered one (a fixed
/// list), and a nested service's catch-all tail is cut off (`/pkg/…` is `/pkg`); no match is
/// [`names::UNMATCHED_ROUTE`].
pub fn route_label(matched: Option<&str>, path: &str) -> String {
    const NEST_TAIL: &str = "/{*__private__axum_nest_tail_param}";
    match matched {
        None => names::UNMATCHED_ROUTE.to_owned(),
        Some("/api/{*fn_name}") if server_fn_paths().iter().any(|p| p == path) => path.to_owned(),
        Some(m) => m.strip_suffix(NEST_TAIL).unwrap_or(m).to_owned(),
    }
}

/// The paths of the registered server functions, read once.
fn server_fn_paths() -> &'static [String] {
    static PATHS: OnceLock<Vec<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(p, _)| p.to_owned())
            .collect()
    })
}

/// Counts and times a request ([`names::HTTP_REQUESTS`], [`names::HTTP_REQUEST_DURATION`]) by method,
/// route template ([`route_label`]) and status, once its response's head is ready.
pub async fn record_request(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = route_label(
        req.extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        req.uri().path(),
    );
    let method = req.method().clone();
    let res = next.run(req).await;
    names::http_request(
        method.as_str(),
        &route,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case), if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The metrics now: the scrape-time gauges read first ([`names::observe`]; a database error is logged
/// and the queue gauges keep their last values), then everything rendered in Prometheus's text format.
async fn render(db: &Db) -> Response {
    if let Err(e) = names::observe(db).await {
        tracing::warn!(error = %e, "metrics: reading the job queue");
    }
    let body = recorder().render();
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `/metrics` behind `token`: 401 with `WWW-Authenticate: Bearer` unless the request carries it.
async fn guarded(State((db, token)): State<(Db, MetricsToken)>, headers: HeaderMap) -> Response {
    if bearer(&headers).is_some_and(|t| token.matches(t)) {
        return render(&db).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        "A bearer token (USHER_METRICS_TOKEN) is required.",
    )
        .into_response()
}

/// `app` with `GET /metrics` in front of it, asking for `token` (`USHER_METRICS_TOKEN`); installs the
/// recorder.
pub fn with_token(app: Router, db: Db, token: MetricsToken) -> Router {
    recorder();
    Router::new()
        .route(PATH, get(guarded).with_state((db, token)))
        .merge(app)
}

/// The router of the metrics listener (`USHER_METRICS_ADDR`): `GET /metrics` without a token, nothing
/// else (404); installs the recorder.
pub fn router(db: Db) -> Router {
    recorder();
    Router::new().route(
        PATH,
        get(move || {
            let db = db.clone();
            async move { render(&db).await }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::{bearer, route_label};
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn a_route_label_is_a_template_never_a_path() {
        assert_eq!(
            route_label(
                Some("/api/v3/core/invitations/{invitation_uuid}/"),
                "/api/v3/core/invitations/0b7c/"
            ),
            "/api/v3/core/invitations/{invitation_uuid}/"
        );
        assert_eq!(route_label(None, "/if/flow/x/?itoken=secret"), "unmatched");
        assert_eq!(
            route_label(Some("/api/{*fn_name}"), "/api/not-a-server-fn-secret"),
            "/api/{*fn_name}"
        );
        assert_eq!(
            route_label(
                Some("/pkg/{*__private__axum_nest_tail_param}"),
                "/pkg/usher.js"
            ),
            "/pkg"
        );
    }

    #[test]
    fn a_bearer_token_is_read_from_its_header() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            h
        };
        assert_eq!(bearer(&with("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&with("bearer abc")), Some("abc"));
        assert_eq!(bearer(&with("Basic abc")), None);
        assert_eq!(bearer(&with("Bearer ")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
