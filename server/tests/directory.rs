//! Directory → Users and Groups, deprovisioning through an invitation, and System → Brands, on SQLite
//! and PostgreSQL.

mod common;
use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::json;

db_tests!(
    users_list_paths_origin_and_deactivate_delete,
    deprovision_deactivates_the_accounts_an_invitation_created,
    group_members_are_added_and_removed,
    external_users_go_to_the_default_application,
);

const EXT: &str = "invitation-enrollment-flow-external";

async fn invite(app: &TestApp, admin: &mut Client, name: &str, flow: &str) -> (String, String) {
    common::create_invitation(app, admin, name, flow, json!({})).await
}

/// Enrolls through the built-in external flow (its prompt; the built-in flows bind no email stage since
/// issue 34); returns the signed-in client and the final response.
async fn enroll(app: &TestApp, token: &str, username: &str) -> (Client, common::Response) {
    let mut c = app.client();
    let email = format!("{username}@example.org");
    let r = common::enroll(&mut c, &app.db, EXT, token, username, &email).await;
    (c, r)
}

async fn user_pk(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn users_list_paths_origin_and_deactivate_delete(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = invite(&app, &mut admin, "partners", EXT).await;
    let (mut ada, _) = enroll(&app, &token, "ada").await;
    let (_, list) = admin.call("admin/users/list", json!({})).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "ada")
        .unwrap()
        .clone();
    assert_eq!(row["path"], "users/external");
    assert_eq!(row["user_type"], "external");
    assert_eq!(row["created_by_invitation"], "partners");
    assert_eq!(row["is_active"], true);
    let admin_row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "admin")
        .unwrap()
        .clone();
    assert_eq!(admin_row["created_by_invitation"], serde_json::Value::Null);
    // Deactivated: signed out at once.
    let pk = user_pk(&app, "ada").await;
    let (s, _) = admin
        .call("admin/users/set_active", json!({"pk": pk, "active": false}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, me) = ada.call("auth/current_user", json!({})).await;
    assert_eq!(me, serde_json::Value::Null);
    assert_eq!(
        ada.login("ada", "s3cret-pass-word").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, _) = admin
        .call("admin/users/set_active", json!({"pk": pk, "active": true}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        ada.login("ada", "s3cret-pass-word")
            .await
            .0
            .is_redirection()
            || ada.login("ada", "s3cret-pass-word").await.0.is_success()
    );
    // Not oneself.
    let me_pk = user_pk(&app, "admin").await;
    let (s, body) = admin
        .call(
            "admin/users/set_active",
            json!({"pk": me_pk, "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, _) = admin.call("admin/users/delete", json!({"pk": me_pk})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Delete: gone, with their memberships and ledger rows.
    let (s, _) = admin.call("admin/users/delete", json!({"pk": pk})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'ada'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_uses").await, 0);
    let (s, _) = admin.call("admin/users/delete", json!({"pk": pk})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn deprovision_deactivates_the_accounts_an_invitation_created(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, token) = invite(&app, &mut admin, "batch", EXT).await;
    let (_, other_token) = invite(&app, &mut admin, "other", EXT).await;
    enroll(&app, &token, "bo").await;
    enroll(&app, &token, "cy").await;
    enroll(&app, &other_token, "di").await;
    // An existing account that only joined keeps its state.
    let mut ed = app.user("ed").await;
    let r = ed.call_form("flow/accept", &[("itoken", &token)]).await;
    r.assert_accepted();
    let (s, n) = admin
        .call("admin/invitations/deprovision", json!({"pk": pk}))
        .await;
    assert_eq!((s, n), (StatusCode::OK, json!(2)));
    let active = |u: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT is_active FROM users WHERE username = $1")
                .bind(u)
                .fetch_one(&db.pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        (
            active("bo").await,
            active("cy").await,
            active("di").await,
            active("ed").await
        ),
        (0, 0, 1, 1)
    );
    let (s, _) = admin
        .call("admin/invitations/deprovision", json!({"pk": "nope"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn group_members_are_added_and_removed(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, g) = admin
        .call("admin/groups/create", json!({"name": "engineering-team"}))
        .await;
    app.user("fay").await;
    let (s, _) = admin
        .call(
            "admin/groups/add_member",
            json!({"pk": g["pk"], "username": "fay"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = admin
        .call(
            "admin/groups/add_member",
            json!({"pk": g["pk"], "username": "fay"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "adding twice is harmless");
    let (_, members) = admin
        .call("admin/groups/members", json!({"pk": g["pk"]}))
        .await;
    assert_eq!(members, json!(["fay"]));
    let (s, body) = admin
        .call(
            "admin/groups/add_member",
            json!({"pk": g["pk"], "username": "nobody"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.to_string().contains("No user is named"), "{body}");
    let (_, groups) = admin.call("admin/groups/list", json!({})).await;
    assert_eq!(groups[0]["members"], 1);
    let (s, _) = admin
        .call(
            "admin/groups/remove_member",
            json!({"pk": g["pk"], "username": "fay"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, members) = admin
        .call("admin/groups/members", json!({"pk": g["pk"]}))
        .await;
    assert_eq!(members, json!([]));
}

async fn external_users_go_to_the_default_application(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = invite(&app, &mut admin, "customers", EXT).await;
    // No default application: enrolled external users land on their profile, which says so.
    let (mut gus, r) = enroll(&app, &token, "gus").await;
    assert_eq!(r.headers["location"], "/");
    let (_, app_url) = gus.call("auth/default_application", json!({})).await;
    assert_eq!(app_url, serde_json::Value::Null);
    let home = gus.get("/").await;
    assert!(
        home.body.contains("No default application is set up yet"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("Permission denied"));
    // Bad input is refused and changes nothing.
    for bad in ["javascript:alert(1)", "//evil.io", "apps"] {
        let (s, body) = admin
            .call("admin/brands/save", json!({"default_application_url": bad}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["default_application_url"], "");
    let (s, _) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "https://apps.example.com/"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Signing in (no next) and enrolling both go there; internal users and admins do not.
    let mut again = app.client();
    let r = again
        .call_form(
            "auth/login",
            &[
                ("username", "gus"),
                ("password", "s3cret-pass-word"),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(r.headers["location"], "https://apps.example.com/");
    let (_, r) = enroll(&app, &token, "hal").await;
    assert_eq!(r.headers["location"], "https://apps.example.com/");
    let home = gus.get("/").await;
    assert!(home.body.contains("https://apps.example.com/"));
    let mut ivy = app.user("ivy").await;
    let r = ivy
        .call_form(
            "auth/login",
            &[
                ("username", "ivy"),
                ("password", common::ADMIN_PASSWORD),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(r.headers["location"], "/", "internal users stay");
    let (_, app_url) = ivy.call("auth/default_application", json!({})).await;
    assert_eq!(app_url, serde_json::Value::Null);
    // Cleared: back to none.
    let (s, _) = admin
        .call("admin/brands/save", json!({"default_application_url": ""}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, app_url) = gus.call("auth/default_application", json!({})).await;
    assert_eq!(app_url, serde_json::Value::Null);
}
