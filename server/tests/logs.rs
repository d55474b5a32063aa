//! Observability without leaks: every request gets a span (method, route template, request id) and a
//! response line (status, latency), service entry points have spans, and no log line ever holds an
//! invitation token or a verification code, even at debug level. This test binary installs its own global
//! subscriber that captures everything logged at debug and above.

mod common;
use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let c = Capture::default();
        let writer = c.clone();
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        c
    })
}

fn logged() -> String {
    String::from_utf8_lossy(&capture().0.lock().unwrap()).into_owned()
}

// Not `db_tests!`: the capturing subscriber must be installed before the app is built.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    capture();
    common::bounded(async {
        a_full_enrollment_logs_requests_but_never_a_token_or_a_code(TestApp::sqlite().await).await
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    capture();
    common::bounded(async {
        a_full_enrollment_logs_requests_but_never_a_token_or_a_code(TestApp::postgres().await).await
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_failure_is_logged_with_where_it_happened() {
    capture();
    common::bounded(async {
        let app = TestApp::sqlite().await;
        let mut admin = app.admin().await;
        sqlx::query("DROP TABLE outbox")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (s, body) = admin
            .call("admin/outbox/list", json!({"only_failed": false}))
            .await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        assert!(
            !body.to_string().contains("outbox"),
            "the wire carries no detail: {body}"
        );
        let log = logged();
        let line = log
            .lines()
            .find(|l| l.contains("database error") && l.contains("no such table: outbox"))
            .unwrap_or_else(|| panic!("no database error line:\n{log}"));
        assert!(
            line.contains("at=app/src/service/outbox.rs:"),
            "the line names where the error was met: {line}"
        );
    })
    .await
}

async fn a_full_enrollment_logs_requests_but_never_a_token_or_a_code(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "logged",
        "invitation-enrollment-flow-external",
        json!({"emails": "*@company.com"}),
    )
    .await;
    let mut anon = app.client();
    let link = format!("/if/flow/invitation-enrollment-flow-external/?itoken={token}");
    assert_eq!(anon.get(&link).await.status, StatusCode::OK);
    let r = common::enroll(
        &mut anon,
        &app.db,
        "invitation-enrollment-flow-external",
        &token,
        "logan",
        "logan@company.com",
    )
    .await;
    assert!(!common::continues(&r), "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'logan'")
            .await,
        1,
        "{}",
        r.body
    );
    let code = common::verification_code(&app.db, "logan@company.com").await;

    let log = logged();
    assert!(
        log.contains("route=/if/flow/{slug}/") || log.contains("route=/if/flow/:slug/"),
        "the landing's route template is logged:\n{log}"
    );
    assert!(log.contains("request_id="), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("latency="), "{log}");
    assert!(log.contains("enrollment.submit_stage"), "{log}");
    assert!(
        !log.contains(&token),
        "an invitation token was logged:\n{log}"
    );
    assert!(
        !log.contains(&code),
        "a verification code was logged:\n{log}"
    );
}
