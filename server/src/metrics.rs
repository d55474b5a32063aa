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
use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use usher_app::service::jobs::{self, QueueStats};
use usher_app::service::metrics::{self as names, MetricsToken};
use usher_app::service::{hashing, Db};

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

/// The channels whose queue gauges this process has reported: a channel whose last job was sent or
/// pruned is reported again, as 0, rather than left at its last value.
fn reported_channels() -> &'static std::sync::Mutex<BTreeSet<String>> {
    static SEEN: std::sync::OnceLock<std::sync::Mutex<BTreeSet<String>>> =
        std::sync::OnceLock::new();
    SEEN.get_or_init(|| {
        std::sync::Mutex::new(BTreeSet::from([jobs::Channel::EMAIL.as_str().into()]))
    })
}

/// The queue gauges to report for `stats`, given the channels reported before (`seen`, which gains the
/// new ones): every channel in either, a channel without pending or failed jobs as zeros.
fn queue_gauges(stats: Vec<QueueStats>, seen: &mut BTreeSet<String>) -> Vec<QueueStats> {
    let mut out: Vec<QueueStats> = seen
        .iter()
        .filter(|c| !stats.iter().any(|s| &s.channel == *c))
        .map(|c| QueueStats {
            channel: c.clone(),
            pending: 0,
            failed: 0,
            oldest_age_secs: 0,
        })
        .collect();
    for s in &stats {
        seen.insert(s.channel.clone());
    }
    out.extend(stats);
    out.sort_by(|a, b| a.channel.cmp(&b.channel));
    out
}

/// Sets the gauges read at scrape time: the job queue's, from the database ([`jobs::stats`]), and the
/// hashing queues' depth, from this process.
///
/// # Errors
/// Database errors (the hashing gauges are set first; the queue gauges keep their last values).
#[allow(clippy::cast_precision_loss)]
async fn observe(db: &Db) -> Result<(), usher_app::service::error::Error> {
    for (queue, depth) in hashing::queue_depths() {
        metrics::gauge!(names::HASHING_QUEUE_DEPTH, "queue" => queue).set(depth as f64);
    }
    let stats = jobs::stats(db).await?;
    let gauges = {
        let mut seen = reported_channels()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        queue_gauges(stats, &mut seen)
    };
    for s in gauges {
        let channel = s.channel;
        metrics::gauge!(names::JOBS_QUEUED, "channel" => channel.clone()).set(s.pending as f64);
        metrics::gauge!(names::JOBS_FAILED, "channel" => channel.clone()).set(s.failed as f64);
        metrics::gauge!(names::JOBS_OLDEST_QUEUED_AGE, "channel" => channel)
            .set(s.oldest_age_secs as f64);
    }
    Ok(())
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

/// The metrics now: the scrape-time gauges read first ([`observe`]; a database error is logged
/// and the queue gauges keep their last values), then everything rendered in Prometheus's text format.
async fn render(db: &Db) -> Response {
    if let Err(e) = observe(db).await {
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
    use super::{bearer, queue_gauges, route_label, QueueStats};
    use axum::http::{header, HeaderMap, HeaderValue};
    use std::collections::BTreeSet;

    fn stats(channel: &str, pending: i64) -> QueueStats {
        QueueStats {
            channel: channel.into(),
            pending,
            failed: 1,
            oldest_age_secs: 7,
        }
    }

    #[test]
    fn a_channel_once_reported_stays_reported_as_zero() {
        let mut seen = BTreeSet::from(["email".to_owned()]);
        let first = queue_gauges(vec![stats("webhook", 3)], &mut seen);
        assert_eq!(
            first,
            vec![
                QueueStats {
                    channel: "email".into(),
                    pending: 0,
                    failed: 0,
                    oldest_age_secs: 0
                },
                stats("webhook", 3),
            ]
        );
        let later = queue_gauges(vec![stats("email", 2)], &mut seen);
        assert_eq!(later[0], stats("email", 2));
        assert_eq!(later[1].channel, "webhook");
        assert_eq!(
            (later[1].pending, later[1].failed, later[1].oldest_age_secs),
            (0, 0, 0)
        );
        assert_eq!(seen.len(), 2);
    }

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
