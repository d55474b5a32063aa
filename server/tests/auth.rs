//! Sign-in, sessions, set-up, health and the authorization of every admin server function.

mod common;
use axum::http::StatusCode;
use common::{TestApp, ADMIN_PASSWORD};
use serde_json::json;

db_tests!(
    login_succeeds_and_fails_with_a_clear_error,
    session_id_changes_at_login,
    the_sessions_table_holds_no_session_id,
    session_cookie_is_httponly_and_lax,
    every_admin_function_refuses_anonymous_and_non_admin,
    every_public_function_refuses_what_it_must,
    every_member_function_refuses_anonymous_tokens_and_members_without_a_policy,
    admin_pages_redirect_anonymous_and_forbid_non_admin,
    setup_link_is_single_use,
    health_probes_answer,
    safe_next_only,
);

async fn login_succeeds_and_fails_with_a_clear_error(app: TestApp) {
    app.admin().await;
    let mut c = app.client();
    let (status, body) = c.login("admin", "wrong-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!("InvalidCredentials"));
    assert!(c.cookie.is_none(), "a failed login creates no session");
    let (status, _) = c.login("nobody", "whatever").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = c.login("admin", ADMIN_PASSWORD).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let (status, user) = c.call("auth/current_user", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["username"], "admin");
    assert_eq!(user["is_superuser"], true);
    let last_login = app
        .count("SELECT COALESCE(last_login, 0) FROM users WHERE username = 'admin'")
        .await;
    assert!(last_login > 0);
    let out = c.call_form("auth/logout", &[]).await;
    let cookies: Vec<&str> = out
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("usher_invitation=;") && c.contains("Max-Age=0")),
        "logging out deletes the invitation cookie: {cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("usher_draft=;") && c.contains("Max-Age=0")),
        "and the draft cookie: {cookies:?}"
    );
    let (_, user) = c.call("auth/current_user", json!({})).await;
    assert_eq!(user, json!(null));
}

async fn session_id_changes_at_login(app: TestApp) {
    app.admin().await;
    let mut c = app.user("plain").await;
    let before = c.cookie.clone().expect("signed in");
    let (status, _) = c.login("admin", ADMIN_PASSWORD).await;
    assert!(status.is_success() || status.is_redirection());
    let after = c.cookie.clone().expect("signed in");
    assert_ne!(before, after, "a new session id at login");
    // The old session id no longer signs anybody in as the new user.
    let mut old = app.client();
    old.cookie = Some(before);
    let (_, user) = old.call("auth/current_user", json!({})).await;
    assert_ne!(user["username"], "admin");
}

async fn the_sessions_table_holds_no_session_id(app: TestApp) {
    let mut c = app.admin().await;
    let cookie = c.cookie.clone().expect("signed in");
    let id = cookie.split_once('=').expect("name=value").1.to_owned();
    let table = match app.db.backend {
        usher_app::service::Backend::Sqlite => "tower_sessions",
        usher_app::service::Backend::Postgres => "tower_sessions.session",
    };
    let ids: Vec<String> = sqlx::query_scalar(&format!("SELECT id FROM {table}"))
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1, "the admin's session is stored");
    assert_ne!(
        ids[0], id,
        "stored under the id's digest, not the cookie's id"
    );
    // A copy of the stored id, used as a cookie, signs nobody in.
    let mut thief = app.client();
    thief.cookie = Some(format!("{}={}", cookie.split_once('=').unwrap().0, ids[0]));
    let (_, user) = thief.call("auth/current_user", json!({})).await;
    assert_ne!(user["username"], "admin", "{user}");
    // The cookie itself still does, here and on another instance.
    let (_, user) = c.call("auth/current_user", json!({})).await;
    assert_eq!(user["username"], "admin");
    let twin = app.another_instance().await;
    let (_, user) = twin
        .client_like(&c)
        .call("auth/current_user", json!({}))
        .await;
    assert_eq!(user["username"], "admin");
}

async fn session_cookie_is_httponly_and_lax(app: TestApp) {
    app.admin().await;
    let mut c = app.client();
    let r = c
        .call_form(
            "auth/login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", ""),
            ],
        )
        .await;
    let cookie = r
        .headers
        .get("set-cookie")
        .expect("cookie set")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("usher_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http public URL: no Secure flag ({cookie})"
    );
}

/// On https both cookies carry the `__Host-` prefix (issue 12 item 13), so browsers hold them only with
/// `Secure`, `Path=/` and no `Domain`; the session and the invitation carried through sign-in work under
/// those names, and signing out deletes the invitation cookie by its prefixed name.
#[tokio::test]
async fn cookies_are_host_prefixed_and_secure_when_the_public_url_is_https() {
    let app = TestApp::sqlite_with_public_url("https://id.example.com").await;
    let mut admin = app.admin().await;
    let set_cookies = |r: &common::Response| -> Vec<String> {
        r.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    let mut c = app.client();
    let r = c
        .call_form(
            "auth/login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", ""),
            ],
        )
        .await;
    let cookie = set_cookies(&r).into_iter().next().expect("cookie set");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.starts_with("__Host-usher_session="), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    let (_, me) = c.call("auth/current_user", json!({})).await;
    assert_eq!(
        me["username"], "admin",
        "the prefixed session cookie signs in"
    );

    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "team",
        "invitation-enrollment-flow-external",
        json!({}),
    )
    .await;
    let r = c
        .call_form(
            "flow/remember",
            &[
                ("slug", "invitation-enrollment-flow-external"),
                ("itoken", &token),
            ],
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    let invitation = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("__Host-usher_invitation="))
        .expect("invitation cookie set under its prefixed name");
    assert!(invitation.contains("Secure") && invitation.contains("Path=/"));
    let out = c.call_form("auth/logout", &[]).await;
    assert!(
        set_cookies(&out)
            .iter()
            .any(|c| c.starts_with("__Host-usher_invitation=;") && c.contains("Max-Age=0")),
        "logging out deletes the prefixed invitation cookie: {:?}",
        set_cookies(&out)
    );
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::sqlite().await;
    let mut admin = app.admin().await;
    let req = |origin: &str| {
        Request::builder()
            .method("POST")
            .uri("/api/admin/groups/create")
            .header("host", "usher.test")
            .header("origin", origin)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(Body::from(r#"{"name":"evil"}"#))
            .unwrap()
    };
    assert_eq!(
        admin.send(req("https://evil.io")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM directory_groups").await, 0);
    assert_eq!(
        admin.send(req("http://usher.test")).await.status,
        StatusCode::OK
    );
    // Behind a proxy that rewrites Host, the public URL's origin is still accepted, now that Host is
    // checked against the public URL (issue 12 item 12) only when the proxy is trusted and says which
    // host it was asked for (X-Forwarded-Host); anyone else naming another host gets 421.
    let proxied = || {
        let mut r = req("http://usher.test");
        r.headers_mut()
            .insert("host", "10.0.0.5:3000".parse().unwrap());
        r.headers_mut()
            .insert("x-forwarded-host", "usher.test".parse().unwrap());
        r.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [10, 0, 0, 5],
                40000,
            ))));
        *r.body_mut() = axum::body::Body::from(r#"{"name":"via-proxy"}"#);
        r
    };
    assert_eq!(
        admin.send(proxied()).await.status,
        StatusCode::MISDIRECTED_REQUEST
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM directory_groups").await, 1);
    let behind = app
        .another_instance_with(usher_app::service::Config {
            trusted_proxies: usher_app::domain::client::parse_trusted_proxies("10.0.0.0/8")
                .unwrap(),
            ..usher_app::service::Config::new(common::PUBLIC_URL)
        })
        .await;
    let mut via = behind.client_like(&admin);
    assert_eq!(via.send(proxied()).await.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let mut c = app.client();
    for _ in 0..10 {
        assert_eq!(c.login("admin", "wrong").await.0, StatusCode::UNAUTHORIZED);
    }
    let r = c
        .call_form(
            "auth/login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900);
    assert!(c.cookie.is_none());
}

const ADMIN_FUNCTIONS: &[(&str, &str)] = &[
    ("admin/approvals/list", "{}"),
    ("approvals/get", r#"{"pk":"x"}"#),
    ("admin/campaigns/list", "{}"),
    ("admin/campaigns/get", r#"{"pk":"x"}"#),
    ("admin/campaigns/form", r#"{"pk":null}"#),
    (
        "admin/campaigns/save",
        r#"{"pk":null,"form":{"name":"n","description":"","flow":"","expires":"","not_before":"","fixed_data":"","email_subject":"","email_message":"","reminder_days":"","digest":false,"roles":[],"groups":[]}}"#,
    ),
    ("admin/campaigns/delete", r#"{"pk":"x"}"#),
    (
        "admin/campaigns/dry_run",
        r#"{"pk":"x","source":{"pasted":"a@x.io","csv":""}}"#,
    ),
    (
        "admin/campaigns/import",
        r#"{"pk":"x","source":{"pasted":"a@x.io","csv":""}}"#,
    ),
    ("admin/campaigns/resend", r#"{"pk":"x"}"#),
    ("admin/campaigns/revoke", r#"{"pk":"x","recipient":"y"}"#),
    ("admin/campaigns/revoke_all", r#"{"pk":"x"}"#),
    (
        "admin/invitations/list",
        r#"{"search":"","sort":"CreatedDesc"}"#,
    ),
    ("admin/invitations/count", r#"{"search":""}"#),
    ("admin/invitations/get", r#"{"pk":"x"}"#),
    ("admin/invitations/defaults", "{}"),
    (
        "admin/invitations/create",
        r#"{"form":{"name":"n","description":"","flow":"","expires":"","never_expires":true,"fixed_data":"","single_use":false,"quota":"","emails":"","roles":[],"groups":[],"enabled":true}}"#,
    ),
    (
        "admin/invitations/update",
        r#"{"pk":"x","form":{"name":"n","description":"","flow":"","expires":"","never_expires":true,"fixed_data":"","single_use":false,"quota":"","emails":"","roles":[],"groups":[],"enabled":true}}"#,
    ),
    (
        "admin/invitations/set_enabled",
        r#"{"pk":"x","enabled":false}"#,
    ),
    ("admin/invitations/regenerate", r#"{"pk":"x"}"#),
    ("admin/invitations/delete", r#"{"pk":"x"}"#),
    ("admin/invitations/links/list", r#"{"pk":"x"}"#),
    (
        "admin/invitations/links/create",
        r#"{"pk":"x","name":"poster","quota":""}"#,
    ),
    (
        "admin/invitations/links/regenerate",
        r#"{"pk":"x","link":"y"}"#,
    ),
    ("admin/invitations/links/delete", r#"{"pk":"x","link":"y"}"#),
    ("admin/flows/list", "{}"),
    ("admin/groups/list", "{}"),
    ("admin/groups/create", r#"{"name":"g"}"#),
    ("admin/groups/delete", r#"{"pk":"x"}"#),
    ("admin/roles/list", "{}"),
    ("admin/roles/create", r#"{"name":"r"}"#),
    ("admin/roles/delete", r#"{"pk":"x"}"#),
    ("admin/roles/inviter_policies", "{}"),
    (
        "admin/roles/set_inviter_policy",
        r#"{"pk":"x","policy":null}"#,
    ),
    ("admin/users/list", "{}"),
    ("admin/users/paths", "{}"),
    (
        "admin/invitations/send",
        r#"{"pk":"x","to":["a@b.co"],"cc":[],"bcc":[]}"#,
    ),
    ("admin/outbox/list", r#"{"only_failed":false}"#),
    ("admin/outbox/retry", r#"{"pk":"x"}"#),
    ("admin/tokens/list", "{}"),
    (
        "admin/tokens/create",
        r#"{"form":{"username":"admin","identifier":"t","description":"","expires":""}}"#,
    ),
    ("admin/tokens/revoke", r#"{"pk":"x"}"#),
    ("admin/flows/overview", "{}"),
    (
        "admin/flows/open_enrollment",
        r#"{"slug":"default-enrollment-flow","open":true}"#,
    ),
    (
        "admin/flows/import",
        r#"{"yaml":"version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: g}\n"}"#,
    ),
    (
        "admin/flows/export",
        r#"{"slug":"default-enrollment-flow"}"#,
    ),
    ("admin/policies/list", "{}"),
    (
        "admin/policies/create",
        r#"{"form":{"name":"p","expression":"true","message":""}}"#,
    ),
    ("admin/policies/delete", r#"{"pk":"x"}"#),
    (
        "admin/policies/bind",
        r#"{"pk":"x","flow":"default-enrollment-flow","stage":""}"#,
    ),
    ("admin/policies/unbind", r#"{"pk":"x"}"#),
    ("admin/users/set_active", r#"{"pk":1,"active":false}"#),
    ("admin/users/delete", r#"{"pk":1}"#),
    ("admin/invitations/deprovision", r#"{"pk":"x"}"#),
    ("admin/groups/members", r#"{"pk":"x"}"#),
    (
        "admin/groups/add_member",
        r#"{"pk":"x","username":"admin"}"#,
    ),
    (
        "admin/groups/remove_member",
        r#"{"pk":"x","username":"admin"}"#,
    ),
    ("admin/brands/get", "{}"),
    ("admin/mail/status", "{}"),
    ("admin/codes/notice", "{}"),
    (
        "admin/events/list",
        r#"{"query":{"action":"","username":"","model":"","object_pk":"","since":"","until":"","page":0}}"#,
    ),
    ("admin/email/get", "{}"),
    (
        "admin/email/save",
        r#"{"settings":{"smtp_url":"smtp://127.0.0.1:9","smtp_password":"","from":""}}"#,
    ),
    ("admin/email/test", r#"{"to":"a@example.com"}"#),
    (
        "admin/invitations/mail_warning",
        r#"{"flow":"","emails":"","fixed_data":""}"#,
    ),
    (
        "admin/invitations/preview_email",
        r#"{"pk":null,"form":{"name":"n","description":"","flow":"","expires":"","never_expires":true,"fixed_data":"","single_use":false,"quota":"","emails":"","roles":[],"groups":[],"enabled":true}}"#,
    ),
    (
        "admin/invitations/check_address",
        r#"{"emails":"*@example.com","address":"a@example.com"}"#,
    ),
    (
        "admin/brands/save",
        r#"{"default_application_url":"https://x.io/"}"#,
    ),
    ("admin/webhooks/list", "{}"),
    (
        "admin/webhooks/create",
        r#"{"form":{"name":"w","url":"https://hooks.example.com/","actions":[],"enabled":true}}"#,
    ),
    (
        "admin/webhooks/set_enabled",
        r#"{"pk":"x","enabled":false}"#,
    ),
    ("admin/webhooks/delete", r#"{"pk":"x"}"#),
    ("admin/webhooks/set_allow_private", r#"{"allow":true}"#),
    ("admin/webhooks/deliveries", r#"{"pk":"x","page":0}"#),
    ("admin/webhooks/redeliver", r#"{"webhook":"x","pk":"y"}"#),
];

/// The admin functions that take a plain form (`application/x-www-form-urlencoded`): the dashboard's
/// actions that work without JavaScript (issue 16 item 4).
const ADMIN_FORM_FUNCTIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "admin/invitations/toggle",
        &[("pk", "x"), ("enabled", "false")],
    ),
    ("admin/invitations/remove", &[("pk", "x")]),
    (
        "approvals/decide",
        &[("pk", "x"), ("decision", "approve"), ("reason", "")],
    ),
    (
        "admin/invitations/create_plain",
        &[
            ("name", "matrix-plain"),
            ("flow", ""),
            ("expires", ""),
            ("emails", ""),
            ("fixed_data", ""),
        ],
    ),
];

/// An API token of `username`'s (for /api/v3/ only: the dashboard's functions want the session).
async fn api_token(app: &TestApp, username: &str, identifier: &str) -> String {
    usher_app::service::tokens::create(
        &app.db,
        &usher_app::domain::audit::Who::system(),
        &usher_app::domain::token::TokenDraft {
            username: username.into(),
            identifier: identifier.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .secret
}

/// A JSON call of server function `endpoint` carrying API token `token` and no session.
fn with_token(
    endpoint: &str,
    args: &serde_json::Value,
    token: &str,
) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri(format!("/api/{endpoint}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header(axum::http::header::ACCEPT, "application/json")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::from(args.to_string()))
        .unwrap()
}

async fn every_admin_function_refuses_anonymous_and_non_admin(app: TestApp) {
    let mut admin = app.admin().await;
    let mut user = app.user("plain").await;
    let mut anon = app.client();
    // An admin's API token is for /api/v3/ only: the dashboard's functions want the session.
    let token = api_token(&app, "admin", "t-matrix").await;
    for (endpoint, args) in ADMIN_FUNCTIONS {
        let args: serde_json::Value = serde_json::from_str(args).unwrap();
        let (s, body) = anon.call(endpoint, args.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "anonymous {endpoint}: {body}");
        let r = anon.send(with_token(endpoint, &args, &token)).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "API token on {endpoint}: {}",
            r.body
        );
        let (s, body) = user.call(endpoint, args.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "non-admin {endpoint}: {body}");
    }
    for (endpoint, form) in ADMIN_FORM_FUNCTIONS {
        let r = anon.call_form(endpoint, form).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "anonymous {endpoint}: {}",
            r.body
        );
        let mut req = common::form_request(endpoint, form);
        req.headers_mut().insert(
            axum::http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let r = anon.send(req).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "API token on {endpoint}: {}",
            r.body
        );
        let r = user.call_form(endpoint, form).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "non-admin {endpoint}: {}",
            r.body
        );
    }
    // Nothing was written by the refused calls.
    assert_eq!(app.count("SELECT COUNT(*) FROM directory_groups").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM directory_roles").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens").await,
        1,
        "only the matrix's own token"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM policies").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE is_active = 1")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settings WHERE key = 'default_application_url'")
            .await,
        0
    );
    // Nor an SMTP server saved, nor a test email tried (System → Email).
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM settings WHERE key IN ('smtp_url', 'smtp_password_sealed', 'smtp_from', 'mail_last_delivery')"
        )
        .await,
        0
    );
    // Nor a webhook created, nor private addresses allowed (System → Webhooks).
    assert_eq!(app.count("SELECT COUNT(*) FROM webhooks").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settings WHERE key = 'webhooks_allow_private'")
            .await,
        0
    );
    // And the admin is let through (listing works).
    let (s, _) = admin
        .call(
            "admin/invitations/list",
            json!({"search": "", "sort": "CreatedDesc"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn admin_pages_redirect_anonymous_and_forbid_non_admin(app: TestApp) {
    let mut admin = app.admin().await;
    let mut user = app.user("plain").await;
    let r = app.client().get("/admin/invitations").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/login?next=/admin/invitations");
    let r = user.get("/admin/invitations").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("403"), "{}", r.body);
    let r = admin.get("/admin/invitations").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Invitations"));
}

async fn setup_link_is_single_use(app: TestApp) {
    let token = usher_app::service::setup::prepare_setup_token(&app.db)
        .await
        .unwrap()
        .expect("no admin yet");
    // The database keeps its digest, not the link's token.
    let stored: Vec<String> = sqlx::query_scalar("SELECT value FROM settings")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(!stored.iter().any(|v| v.contains(&token)), "{stored:?}");
    let mut c = app.client();
    let r = c.get(&format!("/setup?token={token}")).await;
    assert!(
        r.body.contains("Create the first administrator"),
        "{}",
        r.body
    );
    let r = c.get("/setup?token=wrong").await;
    assert!(r.body.contains("invalid or has already been used"));
    let fields = [
        ("token", token.as_str()),
        ("username", "root"),
        ("email", "root@usher.test"),
        ("password", "a-much-longer-passphrase"),
        ("password_repeat", "different"),
    ];
    let r = c.call_form("setup/complete", &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        0,
        "bad input saves nothing"
    );
    let mut fields = fields;
    fields[4].1 = "a-much-longer-passphrase";
    let r = c.call_form("setup/complete", &fields).await;
    r.assert_accepted();
    let (_, me) = c.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "root");
    assert_eq!(me["is_superuser"], true);
    // The link is gone once an admin exists.
    fields[1].1 = "second";
    let r = app.client().call_form("setup/complete", &fields).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert!(usher_app::service::setup::prepare_setup_token(&app.db)
        .await
        .unwrap()
        .is_none());
}

async fn health_probes_answer(app: TestApp) {
    let mut c = app.client();
    assert_eq!(
        c.get("/-/health/live/").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        c.get("/-/health/ready/").await.status,
        StatusCode::NO_CONTENT
    );
    app.db.pool.close().await;
    assert_eq!(
        c.get("/-/health/ready/").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

async fn safe_next_only(app: TestApp) {
    app.admin().await;
    for (next, expected) in [
        ("/admin/groups", "/admin/groups"),
        ("https://evil.io/", "/admin/invitations"),
        ("//evil.io/x", "/admin/invitations"),
    ] {
        let mut c = app.client();
        let r = c
            .call_form(
                "auth/login",
                &[
                    ("username", "admin"),
                    ("password", ADMIN_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        let loc = r.headers.get("location");
        assert_eq!(
            loc.map(|v| v.to_str().unwrap()),
            Some(expected),
            "next={next}"
        );
    }
}

/// The functions that are not the dashboard's: each is gated by what it serves (a signed-in user, a valid
/// invitation token and flow plan, the set-up token, credentials) or only tells the caller about
/// themselves. `(endpoint, form, status for a stranger with no session and a bogus or missing token)`.
/// `(endpoint, form fields, expected status)`.
type Probe = (&'static str, &'static [(&'static str, &'static str)], u16);

const PUBLIC_FUNCTIONS: &[Probe] = &[
    ("auth/current_user", &[], 200),
    ("auth/default_application", &[], 200),
    ("user/may_invite", &[], 200),
    (
        "auth/login",
        &[("username", "admin"), ("password", "wrong"), ("next", "")],
        401,
    ),
    ("auth/logout", &[], 200),
    ("setup/status", &[("token", "bogus")], 200),
    (
        "setup/complete",
        &[
            ("token", "bogus"),
            ("username", "eve"),
            ("email", "eve@x.io"),
            ("password", "a-much-longer-passphrase"),
            ("password_repeat", "a-much-longer-passphrase"),
        ],
        404,
    ),
    (
        "flow/landing",
        &[("slug", "default-enrollment-flow"), ("itoken", BOGUS_TOKEN)],
        404,
    ),
    (
        "flow/submit",
        &[
            ("slug", "default-enrollment-flow"),
            ("itoken", BOGUS_TOKEN),
            ("stage", "1"),
            ("fields[username]", "eve"),
        ],
        404,
    ),
    (
        "flow/resend_code",
        &[("slug", "default-enrollment-flow"), ("itoken", BOGUS_TOKEN)],
        404,
    ),
    (
        "flow/remember",
        &[("slug", "default-enrollment-flow"), ("itoken", BOGUS_TOKEN)],
        404,
    ),
    (
        "flow/language",
        &[("lang", "de"), ("next", "/if/accept/")],
        200,
    ),
    ("prefs/theme", &[("theme", "dark"), ("next", "/login")], 200),
    ("flow/accept_view", &[], 401),
    ("flow/accept_send_code", &[], 401),
    ("flow/accept", &[("itoken", BOGUS_TOKEN)], 401),
];

const BOGUS_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// The members' own invitations (issue 17 item 2): a signed-in user with an inviter policy; 401
/// anonymous and for an API token (they want the session), 403 without a policy (an admin included:
/// admins use the dashboard).
const MEMBER_FUNCTIONS: &[(&str, &str)] = &[
    ("user/invitations/list", "{}"),
    (
        "user/invitations/create",
        r#"{"form":{"name":"x","description":"","flow":"","expires":"","never_expires":false,"not_before":"","fixed_data":"","single_use":true,"quota":"","emails":"","roles":[],"groups":[],"enabled":true}}"#,
    ),
    (
        "user/invitations/set_enabled",
        r#"{"pk":"x","enabled":false}"#,
    ),
    ("user/invitations/delete", r#"{"pk":"x"}"#),
    (
        "user/invitations/send",
        r#"{"pk":"x","to":"a@company.com"}"#,
    ),
];

async fn every_member_function_refuses_anonymous_tokens_and_members_without_a_policy(app: TestApp) {
    let mut admin = app.admin().await;
    let mut user = app.user("plain").await;
    let mut anon = app.client();
    let token = api_token(&app, "plain", "t-member").await;
    for (endpoint, args) in MEMBER_FUNCTIONS {
        let args: serde_json::Value = serde_json::from_str(args).unwrap();
        let (s, body) = anon.call(endpoint, args.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "anonymous {endpoint}: {body}");
        let r = anon.send(with_token(endpoint, &args, &token)).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "API token on {endpoint}: {}",
            r.body
        );
        for (who, c) in [("member", &mut user), ("admin", &mut admin)] {
            let (s, body) = c.call(endpoint, args.clone()).await;
            assert_eq!(
                s,
                StatusCode::FORBIDDEN,
                "{who} without a policy, {endpoint}: {body}"
            );
        }
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
}

/// Every `#[server(endpoint = …)]` in `app/src/api/`.
fn declared_server_functions() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/api");
    // `api/admin/` is a folder of areas (issue 36 item 1): walk it too.
    let mut files = Vec::new();
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        for part in text.split("#[server(").skip(1) {
            let decl = &part[..part.find(")]").unwrap()];
            let ep = decl
                .split("endpoint = \"")
                .nth(1)
                .expect("every server function names its endpoint");
            out.push(ep[..ep.find('"').unwrap()].to_owned());
        }
    }
    out.sort();
    out
}

async fn every_public_function_refuses_what_it_must(app: TestApp) {
    // Every server function is in one of the two matrices, so a new one cannot go untested.
    let mut listed: Vec<String> = ADMIN_FUNCTIONS
        .iter()
        .map(|(e, _)| e.to_string())
        .chain(ADMIN_FORM_FUNCTIONS.iter().map(|(e, _)| e.to_string()))
        .chain(PUBLIC_FUNCTIONS.iter().map(|(e, ..)| e.to_string()))
        .chain(MEMBER_FUNCTIONS.iter().map(|(e, _)| e.to_string()))
        .collect();
    listed.sort();
    assert_eq!(
        declared_server_functions(),
        listed,
        "every server function is in ADMIN_FUNCTIONS, PUBLIC_FUNCTIONS or MEMBER_FUNCTIONS"
    );
    let mut admin = app.admin().await;
    let counts = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let mut v = Vec::new();
            for t in [
                "users",
                "invitation_uses",
                "email_verifications",
                "outbox",
                "settings",
            ] {
                v.push(
                    sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {t}"))
                        .fetch_one(&db.pool)
                        .await
                        .unwrap(),
                );
            }
            v
        }
    };
    let before = counts(&app).await;
    for (endpoint, form, status) in PUBLIC_FUNCTIONS {
        let mut stranger = app.client();
        let r = stranger.call_form(endpoint, form).await;
        assert_eq!(
            r.status.as_u16(),
            *status,
            "stranger {endpoint}: {}",
            r.body
        );
        if *status == 200 {
            assert!(
                matches!(
                    r.json(),
                    serde_json::Value::Null | serde_json::Value::Bool(false)
                ),
                "{endpoint} tells a stranger nothing: {}",
                r.body
            );
        }
    }
    assert_eq!(counts(&app).await, before, "refused calls write nothing");
    // A real invitation, but no flow started in this browser: nothing to resend, nothing sent.
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "real",
        "default-enrollment-flow",
        json!({"emails": "*@usher.test"}),
    )
    .await;
    let r = app
        .client()
        .call_form(
            "flow/resend_code",
            &[("slug", "default-enrollment-flow"), ("itoken", &token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("No code was sent in this browser"));
    // A signed-in user without the invitation cookie has nothing to send a code for.
    let mut plain = app.user("plain").await;
    let r = plain.call_form("flow/accept_send_code", &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_verifications").await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
}
