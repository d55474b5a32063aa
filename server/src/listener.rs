//! The HTTP listener: axum's router served by hyper with the timeouts a public server needs against
//! slow clients (slowloris, issue 35 item 6), which `axum::serve` does not set: a client must send a
//! request's headers within [`Timeouts::header_read`] and its body within [`Timeouts::body`], or the
//! connection is closed (headers) or the request answered 408 (body). A body is read whole before the
//! router sees it, at most [`MAX_BODY_BYTES`] (413 past it): Usher takes forms and JSON only. HTTP/2
//! connections are pinged and closed when the pings go unanswered. Shutdown is graceful: no new
//! connections, and requests in flight finish (for at most [`Timeouts::drain`]).

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The largest request body, bytes: a blueprint (1 MiB of YAML) as JSON, with room for its escapes.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// `req` with its body read whole within `within`: 408 when it does not arrive in time, 413 when it is
/// larger than [`MAX_BODY_BYTES`], 400 when it cannot be read.
///
/// # Errors
/// The answer to send instead.
pub async fn read_body_within(
    req: Request<Body>,
    within: Duration,
) -> Result<Request<Body>, Response> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        )
            .into_response()
    };
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(within, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Ok(Err(_)) if declared.is_none() => Err(too_large()),
        Ok(Err(_)) => Err((
            StatusCode::BAD_REQUEST,
            "The request body could not be read.",
        )
            .into_response()),
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "The request body did not arrive in time.",
        )
            .into_response()),
    }
}

/// How long a client may take, each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To send a request's headers (from the connection's start, or the end of its previous request).
    pub header_read: Duration,
    /// To send a request's body; past it the request is answered 408 Request Timeout.
    pub body: Duration,
    /// For requests in flight to finish at shutdown.
    pub drain: Duration,
}

impl Default for Timeouts {
    /// 10 s for headers (a browser sends them at once; nginx's default is 60 s, Apache's mod_reqtimeout
    /// 20–40 s), 30 s for a body (Usher takes forms and small JSON only), 30 s to drain.
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body: Duration::from_secs(30),
            drain: Duration::from_secs(30),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then drains. Each request carries its
/// TCP peer as `ConnectInfo<SocketAddr>`.
///
/// # Errors
/// None today: accept errors (e.g. too many open files) are logged and retried after a pause.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(Duration::from_secs(20));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let router = router.clone();
        let service = tower::service_fn(move |req: Request<hyper::body::Incoming>| {
            let router = router.clone();
            async move {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                match read_body_within(req, timeouts.body).await {
                    Ok(req) => router.oneshot(req).await,
                    Err(refused) => Ok(refused),
                }
            }
        });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(tcp), TowerToHyperService::new(service))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(timeouts.drain) => {
            tracing::warn!("requests still running after the drain time; stopping anyway");
        }
    }
    Ok(())
}
