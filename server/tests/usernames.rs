//! Usernames (issue 12 item 14): unique after NFKC and case folding, no two alike by their UTS #39
//! skeleton, never of mixed scripts; held by the database under concurrent enrollment, and reserved
//! for accounts made before.

mod common;
use axum::http::StatusCode;
use common::{TestApp, ADMIN_PASSWORD};
use serde_json::json;

db_tests!(
    names_that_read_alike_are_one_name,
    concurrent_enrollments_of_one_name_make_one_account,
    accounts_from_before_keep_their_names,
    greek_capitals_sign_in_to_their_account_and_cannot_make_another,
);

const EXT: &str = "invitation-enrollment-flow-external";

async fn enroll(app: &TestApp, token: &str, username: &str, email: &str) -> common::Response {
    common::enroll(&mut app.client(), &app.db, EXT, token, username, email).await
}

fn enrolled(r: &common::Response) -> bool {
    r.status.is_success() || r.status.is_redirection()
}

async fn names_that_read_alike_are_one_name(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    let r = enroll(&app, &token, "coop", "coop@example.com").await;
    assert!(enrolled(&r), "{} {}", r.status, r.body);
    for (name, why) in [
        ("ADMIN", "case"),
        ("ａｄｍｉｎ", "full-width"),
        ("Coop", "case"),
        (
            "\u{441}\u{43e}\u{43e}\u{440}",
            "Cyrillic look-alike of coop",
        ),
    ] {
        let r = enroll(&app, &token, name, &format!("x{}@example.com", name.len())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why}: {}", r.body);
        assert!(r.body.contains("already taken"), "{why}: {}", r.body);
    }
    let r = enroll(&app, &token, "p\u{430}ypal", "p@example.com").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("different scripts"), "{}", r.body);
    // A full-width name is stored as its NFKC form.
    let r = enroll(&app, &token, "ｊａｎｅ", "jane@example.com").await;
    assert!(enrolled(&r), "{} {}", r.status, r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'jane'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 3);
    // Signing in takes any case of the name.
    let (status, _) = app.client().login("Admin", ADMIN_PASSWORD).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
}

async fn concurrent_enrollments_of_one_name_make_one_account(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    let names: [&'static str; 6] = ["bob", "Bob", "BOB", "ｂｏｂ", "bOb", "boB"];
    let mut runs = tokio::task::JoinSet::new();
    for (i, n) in names.into_iter().enumerate() {
        let (mut c, db, token) = (app.client(), app.db.clone(), token.clone());
        runs.spawn(async move {
            common::enroll(&mut c, &db, EXT, &token, n, &format!("bob{i}@example.com")).await
        });
    }
    let results: Vec<common::Response> = runs.join_all().await;
    let ok = results.iter().filter(|r| enrolled(r)).count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
}

async fn accounts_from_before_keep_their_names(app: TestApp) {
    let mut admin = app.admin().await;
    // An account stored before the keys existed, as migration 0016 found it.
    sqlx::query(
        "INSERT INTO users (uid, username, name, email, password, is_active, is_superuser, type, path, attributes, date_joined) \
         VALUES ('legacy-uid', 'Legacy', 'Old', 'old@example.com', '', 1, 0, 'internal', 'users', '{}', 0)",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    usher_app::service::users::backfill_username_keys(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username_key = 'legacy'")
            .await,
        1
    );
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    let r = enroll(&app, &token, "legacy", "new@example.com").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("already taken"), "{}", r.body);
}

/// Issue 35 item 7: full case folding. `ΝΊΚΟΣ` (capital sigma) is the account `Νίκος` (final sigma):
/// it signs in to it and cannot be enrolled as a second account. Keys from before (letter-by-letter
/// lower case, cleared by migration 0022) are computed again at start.
async fn greek_capitals_sign_in_to_their_account_and_cannot_make_another(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    let r = enroll(&app, &token, "Νίκος", "nikos@example.com").await;
    assert!(enrolled(&r), "{} {}", r.status, r.body);
    let r = enroll(&app, &token, "ΝΊΚΟΣ", "nikos2@example.com").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("already taken"), "{}", r.body);
    let mut c = app.client();
    let r = c
        .call_form(
            "auth/login",
            &[
                ("username", "ΝΊΚΟΣ"),
                ("password", "s3cret-pass-word"),
                ("next", ""),
            ],
        )
        .await;
    assert!(enrolled(&r), "{} {}", r.status, r.body);
    let (_, me) = c.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "Νίκος");
    // An account whose key migration 0022 cleared gets the new key at the next start.
    sqlx::query(
        "UPDATE users SET username_key = NULL, username_skeleton = NULL WHERE username = 'Νίκος'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let again = app.another_instance().await;
    let key: String = sqlx::query_scalar("SELECT username_key FROM users WHERE username = 'Νίκος'")
        .fetch_one(&again.db.pool)
        .await
        .unwrap();
    assert_eq!(key, "νίκοσ");
}
