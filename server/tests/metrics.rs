//! Prometheus metrics (issue 14 item 7): `/metrics` is absent unless `USHER_METRICS_TOKEN` is set, then
//! asks for it as a bearer token; it counts requests by route template (never a raw path or token),
//! reads the job queue from the database, and counts invitation uses and limiter refusals. The
//! recorder is the process's: counters are shared by the tests of this binary, so they are compared
//! before and after, and the queue gauges (set at each scrape) are read under one lock.

mod common;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Client, Response, TestApp};
use serde_json::json;
use tower::ServiceExt;
use usher_app::service::metrics::{self as names, MetricsToken};
use usher_app::service::Config;

db_tests!(
    a_token_guards_metrics_and_requests_are_counted_by_route,
    queue_gauges_read_the_outbox,
    an_invitation_use_is_counted,
    a_limiter_refusal_is_counted,
    a_refusal_is_counted_by_reason,
);

async fn a_refusal_is_counted_by_reason(app: TestApp) {
    let app = with_metrics(&app).await;
    let used_up = [("reason", "used_up")];
    let before = value(&scrape(&app).await, names::INVITATIONS_REFUSED, &used_up);
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "refused-once",
        EXT,
        json!({"single_use": true}),
    )
    .await;
    common::enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "bea",
        "bea@example.org",
    )
    .await
    .assert_accepted();
    let r = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={token}"))
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    let after = value(&scrape(&app).await, names::INVITATIONS_REFUSED, &used_up);
    assert!(after >= before + 1.0, "{before} → {after}");
}

const TOKEN: &str = "scrape-token-0123456789";
const EXT: &str = "invitation-enrollment-flow-external";

/// Scrapes of the queue gauges, one at a time: each sets the process's gauges from its own database.
static QUEUE_SCRAPES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// An instance on `app`'s database serving `/metrics` behind [`TOKEN`].
async fn with_metrics(app: &TestApp) -> TestApp {
    app.another_instance_with(Config {
        metrics_token: MetricsToken::new(TOKEN),
        ..(*app.state.config).clone()
    })
    .await
}

/// `GET /metrics` with `Authorization: Bearer <token>` when given.
async fn scrape_with(c: &mut Client, token: Option<&str>) -> Response {
    let mut req = Request::builder().method(Method::GET).uri("/metrics");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    c.send(req.body(Body::empty()).unwrap()).await
}

/// The metrics text, scraped with [`TOKEN`].
async fn scrape(app: &TestApp) -> String {
    let r = scrape_with(&mut app.client(), Some(TOKEN)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// The value of the sample of `name` whose labels include every `labels` pair (`key="value"`); 0 when
/// there is none.
fn value(body: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, v) = l.rsplit_once(' ')?;
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            (n == name
                && labels
                    .iter()
                    .all(|(k, val)| rest.contains(&format!("{k}=\"{val}\""))))
            .then(|| v.parse::<f64>().ok())?
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_off_by_default() {
    common::bounded(async {
        let app = TestApp::sqlite().await;
        let mut c = app.client();
        for token in [None, Some(TOKEN)] {
            let r = scrape_with(&mut c, token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
            assert!(!r.body.contains(names::HTTP_REQUESTS));
        }
        // The metrics listener's router serves them (USHER_METRICS_ADDR), and nothing else.
        let router = usher_server::metrics::router(app.db.clone());
        let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
        let r = router.clone().oneshot(get("/metrics")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        let r = router.oneshot(get("/")).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

async fn a_token_guards_metrics_and_requests_are_counted_by_route(app: TestApp) {
    let app = with_metrics(&app).await;
    let mut c = app.client();
    for token in [None, Some("wrong-token")] {
        let r = scrape_with(&mut c, token).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
        assert!(!r.body.contains(names::HTTP_REQUESTS));
    }
    // A REST call without a token (401), and a landing page whose query and path hold a token.
    let r = c.get("/api/v3/stages/invitation/invitations/").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    c.get(&format!("/if/flow/{EXT}/?itoken=Raw1TokenInTheQuery"))
        .await;
    c.get("/no/such/Raw2TokenInThePath").await;
    // A scraper reaching the instance by its own address, not the public URL's host.
    let r = c
        .send(
            Request::get("/metrics")
                .header(header::HOST, "10.1.2.3:3000")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    assert!(
        r.headers.get(header::SET_COOKIE).is_none(),
        "no session cookie"
    );
    let body = r.body;
    let api = [
        ("method", "GET"),
        ("route", "/api/v3/stages/invitation/invitations/"),
        ("status", "401"),
    ];
    assert!(value(&body, names::HTTP_REQUESTS, &api) >= 1.0, "{body}");
    assert!(
        value(
            &body,
            &format!("{}_count", names::HTTP_REQUEST_DURATION),
            &api
        ) >= 1.0,
        "{body}"
    );
    for le in ["0.0005", "5"] {
        assert!(
            body.lines().any(|l| l
                .starts_with(&format!("{}_bucket{{", names::HTTP_REQUEST_DURATION))
                && l.contains("route=\"/api/v3/stages/invitation/invitations/\"")
                && l.contains(&format!("le=\"{le}\""))),
            "{body}"
        );
    }
    assert!(
        value(
            &body,
            names::HTTP_REQUESTS,
            &[("route", names::UNMATCHED_ROUTE), ("status", "404")]
        ) >= 1.0,
        "{body}"
    );
    assert!(!body.contains("Raw1TokenInTheQuery") && !body.contains("Raw2TokenInThePath"));
    assert!(
        !body.contains("route=\"/metrics\""),
        "scrapes are not counted"
    );
    assert!(!body.contains(TOKEN));
}

async fn queue(app: &TestApp) -> String {
    let msg = usher_app::service::mail::Rendered {
        subject: "hello".into(),
        text: "body".into(),
        html: "<p>body</p>".into(),
        secret: None,
    };
    let mut tx = app.db.begin().await.unwrap();
    let pk = usher_app::service::outbox::enqueue(
        &mut tx,
        &app.state.config.secret_key,
        None,
        None,
        &["a@example.com".to_owned()],
        &[],
        &[],
        &msg,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    pk
}

async fn queue_gauges_read_the_outbox(app: TestApp) {
    let app = with_metrics(&app).await;
    let _one_at_a_time = QUEUE_SCRAPES.lock().await;
    let email = [("channel", "email")];
    let body = scrape(&app).await;
    assert_eq!(value(&body, names::JOBS_QUEUED, &email), 0.0, "{body}");
    assert!(
        body.contains(&format!("{}{{channel=\"email\"}} 0", names::JOBS_QUEUED)),
        "an empty queue is reported as 0: {body}"
    );
    let pk = queue(&app).await;
    queue(&app).await;
    // The first one has waited a minute.
    let now = usher_app::service::time::now();
    sqlx::query("UPDATE outbox SET created = $1 WHERE pk = $2")
        .bind(now - 60)
        .bind(&pk)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let body = scrape(&app).await;
    assert_eq!(value(&body, names::JOBS_QUEUED, &email), 2.0, "{body}");
    assert_eq!(value(&body, names::JOBS_FAILED, &email), 0.0);
    let age = value(&body, names::JOBS_OLDEST_QUEUED_AGE, &email);
    assert!((60.0..120.0).contains(&age), "{age}");
    sqlx::query("UPDATE outbox SET status = 'failed'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let body = scrape(&app).await;
    assert_eq!(value(&body, names::JOBS_QUEUED, &email), 0.0, "{body}");
    assert_eq!(value(&body, names::JOBS_FAILED, &email), 2.0);
    assert_eq!(value(&body, names::JOBS_OLDEST_QUEUED_AGE, &email), 0.0);
    assert!(body.contains(names::HASHING_QUEUE_DEPTH), "{body}");
    assert!(body.contains(&format!("queue=\"{}\"", names::HASH_QUEUE_SIGN_IN)));
}

async fn an_invitation_use_is_counted(app: TestApp) {
    let app = with_metrics(&app).await;
    let enrolled = [("action", "enrolled")];
    let before = value(&scrape(&app).await, names::INVITATIONS_USED, &enrolled);
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "counted", EXT, json!({})).await;
    let mut c = app.client();
    common::enroll(&mut c, &app.db, EXT, &token, "ada", "ada@example.org")
        .await
        .assert_accepted();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitation_uses").await,
        1,
        "enrolled"
    );
    let after = value(&scrape(&app).await, names::INVITATIONS_USED, &enrolled);
    assert!(after >= before + 1.0, "{before} → {after}");
}

async fn a_limiter_refusal_is_counted(app: TestApp) {
    let app = with_metrics(&app).await;
    let limit = [("limit", "api_token_failures_per_network")];
    let before = value(&scrape(&app).await, names::LIMITER_REFUSALS, &limit);
    let mut c = app.client().through_proxy([127, 0, 0, 1], "203.0.113.9");
    let max = usher_app::domain::limits::API_TOKEN_FAILURES_PER_NETWORK.max;
    let mut last = StatusCode::OK;
    for _ in 0..=max {
        last = c
            .send(
                Request::get("/api/v3/stages/invitation/invitations/")
                    .header(header::AUTHORIZATION, "Bearer not-a-token")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let after = value(&scrape(&app).await, names::LIMITER_REFUSALS, &limit);
    assert!(after >= before + 1.0, "{before} → {after}");
}
