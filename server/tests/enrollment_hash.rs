//! A password is hashed once per enrollment (issue 35 item 2): the prompt keeps it sealed in the flow
//! plan, so prompt posts, going back and wrong codes hash nothing; the `user_write` stage hashes it
//! once, and the account signs in with it.
//!
//! One test, SQLite then PostgreSQL in turn: the hashing counter is the process's, so nothing else in
//! this binary may hash meanwhile.

mod common;
use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::json;
use usher_app::service::hashing::hash_stats;
use usher_app::store::db::Backend;

const EXT: &str = "invitation-enrollment-flow-external";
const PASSWORD: &str = "s3cret-pass-word";

async fn prompts(c: &mut Client, token: &str) -> common::Response {
    common::submit_stage(
        c,
        EXT,
        token,
        "1",
        &[
            ("username", "once"),
            ("name", "Ann Once"),
            ("email", "once@example.org"),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ],
    )
    .await
}

async fn code(c: &mut Client, token: &str, code: &str) -> common::Response {
    let stage = common::current_stage(c, EXT, token).await;
    common::submit_stage(c, EXT, token, &stage, &[("code", code)]).await
}

fn hashes_started() -> u64 {
    hash_stats().2
}

#[tokio::test]
async fn a_password_is_hashed_once_per_enrollment() {
    for app in [TestApp::sqlite().await, TestApp::postgres().await] {
        one_backend(&app).await;
    }
}

async fn one_backend(app: &TestApp) {
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(app, &mut admin, "once", EXT, json!({})).await;
    let mut c = app.client();
    let before = hashes_started();

    // The prompt, twice (the invitee went back), and a wrong code: nothing hashed yet.
    for _ in 0..2 {
        let r = prompts(&mut c, &token).await;
        assert!(common::continues(&r), "{} {}", r.status, r.body);
    }
    let right = common::verification_code(&app.db, "once@example.org").await;
    let wrong = if right.starts_with('1') {
        "20000000"
    } else {
        "10000000"
    };
    let r = code(&mut c, &token, wrong).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        hashes_started(),
        before,
        "no hash before the user is written"
    );
    // The plan in the sessions table holds no password in clear.
    let in_clear = app
        .count(&match app.db.backend {
            Backend::Sqlite => format!(
                "SELECT COUNT(*) FROM tower_sessions WHERE instr(data, CAST('{PASSWORD}' AS BLOB)) > 0"
            ),
            Backend::Postgres => format!(
                "SELECT COUNT(*) FROM tower_sessions.session WHERE position(convert_to('{PASSWORD}', 'UTF8') in data) > 0"
            ),
        })
        .await;
    let plans = app
        .count(match app.db.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM tower_sessions",
            Backend::Postgres => "SELECT COUNT(*) FROM tower_sessions.session",
        })
        .await;
    assert!(plans > 0, "the plan is kept in the sessions table");
    assert_eq!(in_clear, 0, "the password is sealed in the plan");

    // The right code writes the user: one hash, of the password typed.
    code(&mut c, &token, &right).await.assert_accepted();
    assert_eq!(hashes_started(), before + 1, "one hash for the enrollment");
    let (status, body) = app.client().login("once", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A name taken between the prompt and the code: the code is refused under the username, and no
    // post of that plan buys a hash (each would, outside the enrollment budgets).
    let (_, token) = common::create_invitation(app, &mut admin, "taken", EXT, json!({})).await;
    let mut c = app.client();
    let r = common::submit_stage(
        &mut c,
        EXT,
        &token,
        "1",
        &[
            ("username", "taken-late"),
            ("name", "Tim Late"),
            ("email", "late@example.org"),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ],
    )
    .await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    let _ = app.user("taken-late").await;
    let before = hashes_started();
    let right = common::verification_code(&app.db, "late@example.org").await;
    for _ in 0..3 {
        let r = code(&mut c, &token, &right).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }
    assert_eq!(hashes_started(), before, "no hash for a name already taken");
}
