//! SQLite under write load never answers 500 (issue 35 item 3): write transactions queue in the process
//! for their turn to write, in order, for at most `SQLITE_WRITE_WAIT_SECS`; past that the request is
//! answered 503 with `Retry-After`, and once the writer before it is done, writes go through again.

mod common;
use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use usher_app::store::db::SQLITE_WRITE_WAIT_SECS;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_past_the_wait_bound_get_503_with_retry_after_never_500() {
    let app = TestApp::sqlite().await;
    let mut admin = app.admin().await;
    // A long writer holds the turn to write for longer than the wait.
    let held = app.db.begin().await.unwrap();
    let started = std::time::Instant::now();
    let burst: Vec<_> = (0..8)
        .map(|i| {
            let mut c = admin.clone();
            tokio::spawn(async move {
                let req = axum::http::Request::builder()
                    .method("POST")
                    .uri("/api/admin/groups/create")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .body(axum::body::Body::from(
                        json!({"name": format!("burst-{i}")}).to_string(),
                    ))
                    .unwrap();
                c.send(req).await
            })
        })
        .collect();
    for b in burst {
        let r = b.await.unwrap();
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
        let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry >= 1, "{retry}");
    }
    assert!(started.elapsed().as_secs() >= SQLITE_WRITE_WAIT_SECS);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM directory_groups").await,
        0,
        "nothing written"
    );
    drop(held);
    let (s, r) = admin
        .call("admin/groups/create", json!({"name": "after"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
}

/// The session store has its own connections; when it fails (busy past its wait, or gone), tower-sessions
/// would answer a bare 500: the request is answered 503 with `Retry-After` instead (issue 35 item 3).
#[tokio::test]
async fn a_failing_session_store_answers_503_not_500() {
    let app = TestApp::sqlite().await;
    app.admin_pk().await;
    sqlx::query("DROP TABLE tower_sessions")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = app
        .client()
        .call_form(
            "auth/login",
            &[
                ("username", "admin"),
                ("password", common::ADMIN_PASSWORD),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.headers["retry-after"], "1");
}
