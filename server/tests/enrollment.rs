//! The first invitee journey through the built-in flows: landing (GET changes nothing), prompt pre-fill,
//! enrollment creating the user with the flow's type and path, sign-in, and a used-up single-use link.

mod common;
use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::json;

db_tests!(
    landing_prefills_and_changes_nothing,
    enrollment_creates_user_signs_in_and_uses_up_the_link,
    enrollment_validation_keeps_everything_unwritten,
    invalid_links_show_the_invalid_page,
    email_rules_are_enforced_at_enrollment,
    quota_is_never_exceeded,
);

async fn invite(app: &TestApp, admin: &mut Client, name: &str, flow: &str, extra: serde_json::Value) -> (String, String) {
    let mut f = json!({
        "name": name, "description": "", "flow": app.flow_pk(flow).await,
        "expires": "2099-01-01T12:00", "never_expires": false,
        "fixed_data": "name: Jane Smith\n", "single_use": true, "quota": "",
        "emails": "", "roles": [], "groups": [], "enabled": true
    });
    for (k, v) in extra.as_object().unwrap() {
        f[k] = v.clone();
    }
    let (s, pk) = admin.call("admin/invitations/create", json!({ "form": f })).await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let pk = pk.as_str().unwrap().to_owned();
    let link = format!("/if/flow/{flow}/?itoken={}", app.token(&pk).await);
    (pk, link)
}

async fn enroll(c: &mut Client, flow: &str, token: &str, username: &str, email: &str) -> common::Response {
    c.call_form("flow/enroll", &[
        ("slug", flow), ("itoken", token),
        ("fields[username]", username), ("fields[name]", "Jane Smith"), ("fields[email]", email),
        ("fields[password]", "s3cret-pass"), ("fields[password_repeat]", "s3cret-pass"),
    ]).await
}

fn token_of(link: &str) -> String {
    link.rsplit_once("itoken=").unwrap().1.to_owned()
}

const EXT: &str = "invitation-enrollment-flow-external";

async fn landing_prefills_and_changes_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "landing", EXT, json!({"fixed_data": "name: Jane Smith\nemail: jane@company.com\n"})).await;
    let mut anon = app.client();
    for _ in 0..3 {
        let r = anon.get(&link).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers["referrer-policy"], "same-origin");
        assert!(r.body.contains(r#"value="Jane Smith""#), "name pre-filled");
        assert!(r.body.contains(r#"value="jane@company.com""#), "email pre-filled");
        assert!(r.body.contains("Invited by"));
    }
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0, "GET consumes nothing");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert!(anon.cookie.is_none(), "GET starts no session");
}

async fn enrollment_creates_user_signs_in_and_uses_up_the_link(app: TestApp) {
    let mut admin = app.admin().await;
    let (g, r) = (
        admin.call("admin/groups/create", json!({"name": "customers"})).await.1,
        admin.call("admin/roles/create", json!({"name": "viewer"})).await.1,
    );
    let (pk, link) = invite(&app, &mut admin, "jane", EXT, json!({"groups": [g["pk"]], "roles": [r["pk"]],
        "fixed_data": "name: Jane Smith\nattributes:\n  department: Sales\n"})).await;
    let mut jane = app.client();
    let res = enroll(&mut jane, EXT, &token_of(&link), "jane", "Jane@Example.com").await;
    assert!(res.status.is_success() || res.status.is_redirection(), "{} {}", res.status, res.body);
    assert_eq!(res.headers["location"], "/");
    let (_, me) = jane.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "jane");
    assert_eq!(me["email"], "jane@example.com");
    assert_eq!(me["user_type"], "external");
    assert_eq!(me["path"], "users/external");
    assert_eq!(me["groups"], json!(["customers"]));
    assert_eq!(me["roles"], json!(["viewer"]));
    let attrs: String = sqlx::query_scalar("SELECT attributes FROM users WHERE username = 'jane'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&attrs).unwrap(), json!({"department": "Sales"}));
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
    let ledger: (String, String) = sqlx::query_as("SELECT invitation_pk, action FROM invitation_uses").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(ledger, (pk, "enrolled".to_owned()));
    // The single-use link is now used up, and kept (not deleted).
    let r = app.client().get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("Invalid invite/invite not found"));
    assert!(r.body.contains("already been used"));
    let again = enroll(&mut app.client(), EXT, &token_of(&link), "jane2", "jane2@example.com").await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
    let rows = admin.call("admin/invitations/list", json!({"search": "", "sort": "CreatedDesc"})).await.1;
    assert_eq!(rows[0]["status"], "used_up");
    // The internal flow gives internal users their path.
    let (_, link) = invite(&app, &mut admin, "int", "invitation-enrollment-flow-internal", json!({})).await;
    let mut bob = app.client();
    enroll(&mut bob, "invitation-enrollment-flow-internal", &token_of(&link), "bob", "bob@example.com").await;
    let (_, me) = bob.call("auth/current_user", json!({})).await;
    assert_eq!((me["user_type"].as_str(), me["path"].as_str()), (Some("internal"), Some("users/internal")));
}

async fn enrollment_validation_keeps_everything_unwritten(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "val", EXT, json!({})).await;
    let t = token_of(&link);
    let mut c = app.client();
    let r = c.call_form("flow/enroll", &[("slug", EXT), ("itoken", &t), ("fields[username]", "bad name!"),
        ("fields[name]", ""), ("fields[email]", "nope"), ("fields[password]", "short"), ("fields[password_repeat]", "other")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let body = r.json();
    let fields: Vec<&str> = body["Validation"].as_array().unwrap().iter().map(|e| e[0].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "name", "email", "password"]);
    let r = enroll(&mut c, EXT, &t, "admin", "x@example.com").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "taken username");
    assert!(r.body.contains("already taken"));
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert!(c.cookie.is_none());
}

async fn invalid_links_show_the_invalid_page(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "ext", EXT, json!({})).await;
    let t = token_of(&link);
    let mut anon = app.client();
    for (uri, status) in [
        (format!("/if/flow/{EXT}/?itoken=00000000-0000-4000-8000-000000000000"), StatusCode::NOT_FOUND),
        (format!("/if/flow/{EXT}/?itoken=not-a-token"), StatusCode::NOT_FOUND),
        (format!("/if/flow/{EXT}/"), StatusCode::NOT_FOUND),
        (format!("/if/flow/invitation-enrollment-flow-internal/?itoken={t}"), StatusCode::NOT_FOUND),
        (format!("/if/flow/default-enrollment-flow/?itoken={t}"), StatusCode::NOT_FOUND),
        (format!("/if/flow/no-such-flow/?itoken={t}"), StatusCode::NOT_FOUND),
    ] {
        let r = anon.get(&uri).await;
        assert_eq!(r.status, status, "{uri}");
        assert!(r.body.contains("Invalid invite/invite not found"), "{uri}");
    }
    // Wrong flow on submission too.
    let r = enroll(&mut anon, "invitation-enrollment-flow-internal", &t, "eve", "eve@example.com").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Expired.
    sqlx::query("UPDATE invitations SET expires = 1").execute(&app.db.pool).await.unwrap();
    let r = anon.get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("This invitation has expired."));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
}

async fn email_rules_are_enforced_at_enrollment(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "domain", EXT, json!({"single_use": false, "emails": "*@company.com"})).await;
    let t = token_of(&link);
    for (i, bad) in ["a@company.com.evil.io", "a@evil-company.com", "a@sub.company.com", "a@company.com;b@x.io"].iter().enumerate() {
        let r = enroll(&mut app.client(), EXT, &t, &format!("u{i}"), bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = enroll(&mut app.client(), EXT, &t, "alice", "A@Company.COM").await;
    assert!(r.status.is_redirection() || r.status.is_success(), "{}", r.body);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
}

async fn quota_is_never_exceeded(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "q", EXT, json!({"single_use": false, "quota": "3"})).await;
    let t = token_of(&link);
    let mut handles = Vec::new();
    for i in 0..12 {
        let mut c = app.client();
        let t = t.clone();
        handles.push(tokio::spawn(async move {
            enroll(&mut c, EXT, &t, &format!("user{i}"), &format!("user{i}@example.com")).await.status
        }));
    }
    let mut ok = 0;
    for h in handles {
        let s = h.await.unwrap();
        if s.is_redirection() || s.is_success() {
            ok += 1;
        } else {
            assert_eq!(s, StatusCode::GONE);
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 4);
}
