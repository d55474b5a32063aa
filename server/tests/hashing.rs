//! Enrollment cannot be turned into a denial of service (issue 35 item 2): password hashes run a bounded
//! number at a time even when clients disconnect mid-request (the place in the queue is held until the
//! hash ends), a flood of enrollment posts from one network is refused before anything is hashed,
//! sign-in has its own share of the hashing so an enrollment flood never starves the admin, and an
//! account without a usable password is checked against a dummy hash (no timing oracle).
//!
//! One test, SQLite then PostgreSQL in turn: the hashing counters are the process's, so nothing else may
//! hash meanwhile.

mod common;
use axum::http::StatusCode;
use common::{Client, Response, TestApp, ADMIN_PASSWORD};
use serde_json::json;
use usher_app::service::hashing::{hash_bound, hash_stats};

const EXT: &str = "invitation-enrollment-flow-external";

/// The prompt of the external flow with a password, posted from `ip`.
async fn prompt_from(c: &mut Client, token: &str, username: &str, ip: [u8; 4]) -> Response {
    let email = format!("{username}@example.org");
    c.call_form_from(
        "flow/submit",
        &[
            ("slug", EXT),
            ("itoken", token),
            ("stage", "1"),
            ("fields[username]", username),
            ("fields[name]", username),
            ("fields[email]", &email),
            ("fields[password]", "s3cret-pass-word"),
            ("fields[password_repeat]", "s3cret-pass-word"),
        ],
        ip,
    )
    .await
}

/// A distinct client network for request `i`.
fn net(i: usize) -> [u8; 4] {
    [
        10,
        1 + (i / 65_536) as u8,
        (i / 256 % 256) as u8,
        (i % 256) as u8,
    ]
}

async fn until_no_hash_runs() {
    for _ in 0..600 {
        if hash_stats().0 == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("hashes still running: {:?}", hash_stats());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn enrollment_hashing_stays_bounded_and_sign_in_keeps_its_share() {
    for app in [TestApp::sqlite().await, TestApp::postgres().await] {
        one_backend(&app).await;
    }
}

async fn one_backend(app: &TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(app, &mut admin, "public", EXT, json!({})).await;

    // A flood from one network: its budget ends, and what comes after it is refused before hashing.
    let budget = usher_app::domain::limits::ENROLL_POSTS_PER_NETWORK.max as usize;
    let one = [198, 51, 100, 9];
    for i in 0..budget {
        let r = prompt_from(&mut app.client(), &token, &format!("flood{i}"), one).await;
        r.assert_accepted();
    }
    until_no_hash_runs().await;
    let started = hash_stats().2;
    let r = prompt_from(&mut app.client(), &token, "flood-over", one).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(
        hash_stats().2,
        started,
        "refused before anything was hashed"
    );
    // Another network still enrolls.
    prompt_from(&mut app.client(), &token, "other-net", [198, 51, 100, 10])
        .await
        .assert_accepted();

    // Clients that hang up mid-request (their request futures dropped) do not free their places while
    // their hashes run: waves of them never run more hashes at once than the queues allow.
    let (_, token) = common::create_invitation(app, &mut admin, "waves", EXT, json!({})).await;
    for wave in 0..4 {
        let mut tasks = Vec::new();
        for i in 0..40 {
            let (mut c, t) = (app.client(), token.clone());
            let n = 1_000 + wave * 40 + i;
            tasks.push(tokio::spawn(async move {
                prompt_from(&mut c, &t, &format!("gone{n}"), net(n)).await;
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        for t in &tasks {
            t.abort();
        }
    }
    until_no_hash_runs().await;
    let (_, peak, _) = hash_stats();
    assert!(
        peak <= hash_bound(),
        "at most {} hashes at once, saw {peak}",
        hash_bound()
    );

    // An enrollment flood past the queue's room gets 503 (never 500), and the admin still signs in.
    let (_, token) = common::create_invitation(app, &mut admin, "crowd", EXT, json!({})).await;
    let mut flood = Vec::new();
    for i in 0..560 {
        let (mut c, t) = (app.client(), token.clone());
        let n = 5_000 + i;
        flood.push(tokio::spawn(async move {
            prompt_from(&mut c, &t, &format!("crowd{n}"), net(n))
                .await
                .status
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let r = admin_sign_in(app).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "the admin signs in during the flood: {} {}",
        r.status,
        r.body
    );
    for f in flood {
        let s = f.await.unwrap();
        assert!(
            s.is_success() || s.is_redirection() || s == StatusCode::SERVICE_UNAVAILABLE,
            "{s}"
        );
    }
    until_no_hash_runs().await;

    // An account without a usable password is checked against a dummy hash: a hash runs, and it fails.
    sqlx::query("UPDATE users SET password = '' WHERE username = 'flood0'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let started = hash_stats().2;
    let r = app
        .client()
        .call_form(
            "auth/login",
            &[("username", "flood0"), ("password", ""), ("next", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(hash_stats().2, started + 1, "the dummy hash ran");
}

async fn admin_sign_in(app: &TestApp) -> Response {
    app.client()
        .call_form_from(
            "auth/login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", ""),
            ],
            [192, 0, 2, 1],
        )
        .await
}
