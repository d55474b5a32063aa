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
    a_refused_stage_comes_back_with_what_was_typed_never_the_password,
    invalid_links_show_the_invalid_page,
    email_rules_are_enforced_at_enrollment,
    exact_address_invitation_prefills_and_locks_the_email,
    quota_is_never_exceeded,
    two_hundred_concurrent_enrollments_against_quota_twenty,
    stages_run_in_order_from_a_plan_in_the_session,
    existing_user_joins_through_login_with_the_invitation_cookie,
    signed_in_user_accepts_from_the_landing_page,
    concurrent_accepts_by_one_account_use_one_use,
    a_use_resolved_before_regeneration_is_refused,
    a_corrupt_stored_email_rule_refuses_the_link,
    accepting_as_an_existing_account_obeys_require_superuser,
);

/// An invitation through the dashboard, by default single use, expiring in 2099, with the name Jane Smith
/// pre-filled; `extra` overrides form fields. Returns its pk and link.
async fn invite(
    app: &TestApp,
    admin: &mut Client,
    name: &str,
    flow: &str,
    extra: serde_json::Value,
) -> (String, String) {
    let mut fields = json!({
        "expires": "2099-01-01T12:00", "never_expires": false,
        "fixed_data": "name: Jane Smith\n", "single_use": true
    });
    for (k, v) in extra.as_object().unwrap() {
        fields[k] = v.clone();
    }
    let (pk, token) = common::create_invitation(app, admin, name, flow, fields).await;
    (pk, format!("/if/flow/{flow}/?itoken={token}"))
}

use common::enroll;

/// The `<input …>` tag of the element with id `id` in `body`.
fn input_tag<'a>(body: &'a str, id: &str) -> &'a str {
    let at = body
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id}"));
    let start = body[..at].rfind("<input").expect("an input");
    let end = at + body[at..].find('>').expect("the tag's end");
    &body[start..end]
}

fn token_of(link: &str) -> String {
    link.rsplit_once("itoken=").unwrap().1.to_owned()
}

const EXT: &str = "invitation-enrollment-flow-external";

async fn landing_prefills_and_changes_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "landing",
        EXT,
        json!({"fixed_data": "name: Jane Smith\nemail: jane@company.com\n"}),
    )
    .await;
    let mut anon = app.client();
    for _ in 0..3 {
        let r = anon.get(&link).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers["referrer-policy"], "same-origin");
        assert_eq!(r.headers["cache-control"], "no-store");
        assert!(r.body.contains(r#"value="Jane Smith""#), "name pre-filled");
        assert!(
            r.body.contains(r#"value="jane@company.com""#),
            "email pre-filled"
        );
        assert!(r.body.contains("Invited by"));
    }
    // Password managers and autofill get the fields' purpose (WCAG 1.3.5, issue 16 item 3); nothing
    // stops a paste.
    let r = anon.get(&link).await;
    for (id, purpose) in [
        ("field-username", "username"),
        ("field-email", "email"),
        ("field-name", "name"),
        ("field-password", "new-password"),
        ("field-password_repeat", "new-password"),
    ] {
        let tag = input_tag(&r.body, id);
        assert!(
            tag.contains(&format!(r#"autocomplete="{purpose}""#)),
            "{id}: {tag}"
        );
    }
    assert!(!r.body.contains("onpaste"));
    assert_eq!(
        app.count("SELECT uses FROM invitations").await,
        0,
        "GET consumes nothing"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert!(anon.cookie.is_none(), "GET starts no session");
}

async fn enrollment_creates_user_signs_in_and_uses_up_the_link(app: TestApp) {
    let mut admin = app.admin().await;
    let (g, r) = (
        admin
            .call("admin/groups/create", json!({"name": "customers"}))
            .await
            .1,
        admin
            .call("admin/roles/create", json!({"name": "viewer"}))
            .await
            .1,
    );
    let (pk, link) = invite(
        &app,
        &mut admin,
        "jane",
        EXT,
        json!({"groups": [g["pk"]], "roles": [r["pk"]],
        "fixed_data": "name: Jane Smith\nattributes:\n  department: Sales\n"}),
    )
    .await;
    let mut jane = app.client();
    let res = enroll(
        &mut jane,
        &app.db,
        EXT,
        &token_of(&link),
        "jane",
        "Jane@Example.com",
    )
    .await;
    assert!(
        res.status.is_success() || res.status.is_redirection(),
        "{} {}",
        res.status,
        res.body
    );
    assert_eq!(res.headers["location"], "/");
    let (_, me) = jane.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "jane");
    assert_eq!(me["email"], "jane@example.com");
    assert_eq!(me["user_type"], "external");
    assert_eq!(me["path"], "users/external");
    assert_eq!(me["groups"], json!(["customers"]));
    assert_eq!(me["roles"], json!(["viewer"]));
    let attrs: String = sqlx::query_scalar("SELECT attributes FROM users WHERE username = 'jane'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&attrs).unwrap(),
        json!({"department": "Sales", "settings": {"locale": "en"}})
    );
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
    let ledger: (String, String) =
        sqlx::query_as("SELECT invitation_pk, action FROM invitation_uses")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(ledger, (pk, "enrolled".to_owned()));
    // The single-use link is now used up, and kept (not deleted).
    let r = app.client().get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("Invalid invite/invite not found"));
    assert!(r.body.contains("already been used"));
    let again = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token_of(&link),
        "jane2",
        "jane2@example.com",
    )
    .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
    let rows = admin
        .call(
            "admin/invitations/list",
            json!({"search": "", "sort": "CreatedDesc"}),
        )
        .await
        .1;
    assert_eq!(rows[0]["status"], "used_up");
    // The internal flow gives internal users their path.
    let (_, link) = invite(
        &app,
        &mut admin,
        "int",
        "invitation-enrollment-flow-internal",
        json!({}),
    )
    .await;
    let mut bob = app.client();
    enroll(
        &mut bob,
        &app.db,
        "invitation-enrollment-flow-internal",
        &token_of(&link),
        "bob",
        "bob@example.com",
    )
    .await;
    let (_, me) = bob.call("auth/current_user", json!({})).await;
    assert_eq!(
        (me["user_type"].as_str(), me["path"].as_str()),
        (Some("internal"), Some("users/internal"))
    );
}

async fn enrollment_validation_keeps_everything_unwritten(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "val", EXT, json!({})).await;
    let t = token_of(&link);
    let mut c = app.client();
    let r = c
        .call_form(
            "flow/submit",
            &[
                ("slug", EXT),
                ("itoken", &t),
                ("stage", "1"),
                ("fields[username]", "bad name!"),
                ("fields[name]", ""),
                ("fields[email]", "nope"),
                ("fields[password]", "short"),
                ("fields[password_repeat]", "other"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let body = r.json();
    let fields: Vec<&str> = body["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "name", "email", "password"]);
    let r = enroll(&mut c, &app.db, EXT, &t, "admin", "x@example.com").await;
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
        (
            format!("/if/flow/{EXT}/?itoken=00000000-0000-4000-8000-000000000000"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/if/flow/{EXT}/?itoken=not-a-token"),
            StatusCode::NOT_FOUND,
        ),
        (format!("/if/flow/{EXT}/"), StatusCode::NOT_FOUND),
        (
            format!("/if/flow/invitation-enrollment-flow-internal/?itoken={t}"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/if/flow/default-enrollment-flow/?itoken={t}"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/if/flow/no-such-flow/?itoken={t}"),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = anon.get(&uri).await;
        assert_eq!(r.status, status, "{uri}");
        assert!(r.body.contains("Invalid invite/invite not found"), "{uri}");
    }
    // Wrong flow on submission too.
    let r = enroll(
        &mut anon,
        &app.db,
        "invitation-enrollment-flow-internal",
        &t,
        "eve",
        "eve@example.com",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Expired.
    sqlx::query("UPDATE invitations SET expires = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = anon.get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("This invitation has expired."));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
}

async fn email_rules_are_enforced_at_enrollment(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "domain",
        EXT,
        json!({"single_use": false, "emails": "*@company.com"}),
    )
    .await;
    let t = token_of(&link);
    for (i, bad) in [
        "a@company.com.evil.io",
        "a@evil-company.com",
        "a@sub.company.com",
        "a@company.com;b@x.io",
        "\"a@company.com\"@evil.io",
        "a@company.com@evil.io",
        "a@company.com\nb@evil.io",
    ]
    .iter()
    .enumerate()
    {
        let r = enroll(&mut app.client(), &app.db, EXT, &t, &format!("u{i}"), bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &t,
        "alice",
        "A@Company.COM",
    )
    .await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.body
    );
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE username = 'alice'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(email, "a@company.com");
}

async fn exact_address_invitation_prefills_and_locks_the_email(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "exact",
        EXT,
        json!({"emails": "Jane@Example.com"}),
    )
    .await;
    let page = app.client().get(&link).await;
    assert!(
        page.body.contains(r#"value="jane@example.com""#),
        "pre-filled"
    );
    assert!(page.body.contains("readonly"), "locked");
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token_of(&link),
        "mallory",
        "mallory@example.com",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("another email address"), "{}", r.body);
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token_of(&link),
        "jane",
        "JANE@example.com",
    )
    .await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.body
    );
}

/// Enrolls `n` fresh browsers at once through one link; returns how many got in (the others must be told
/// the invitation is used up).
async fn enroll_concurrently(app: &TestApp, token: &str, n: usize, prefix: &str) -> usize {
    let mut handles = Vec::new();
    for i in 0..n {
        let mut c = app.client();
        let (t, username, db) = (token.to_owned(), format!("{prefix}{i}"), app.db.clone());
        handles.push(tokio::spawn(async move {
            enroll(
                &mut c,
                &db,
                EXT,
                &t,
                &username,
                &format!("{username}@example.com"),
            )
            .await
            .status
        }));
    }
    let mut ok = 0;
    for h in handles {
        let s = h.await.unwrap();
        if s.is_redirection() || s.is_success() {
            ok += 1;
        } else {
            assert_eq!(s, StatusCode::GONE, "refusals say used up");
        }
    }
    ok
}

async fn quota_is_never_exceeded(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "q",
        EXT,
        json!({"single_use": false, "quota": "3"}),
    )
    .await;
    assert_eq!(
        enroll_concurrently(&app, &token_of(&link), 12, "user").await,
        3
    );
    assert_eq!(app.count("SELECT uses FROM invitations").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 4);
}

async fn two_hundred_concurrent_enrollments_against_quota_twenty(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, link) = invite(
        &app,
        &mut admin,
        "crowd",
        EXT,
        json!({"single_use": false, "quota": "20"}),
    )
    .await;
    assert_eq!(
        enroll_concurrently(&app, &token_of(&link), 200, "crowd").await,
        20
    );
    assert_eq!(app.count("SELECT uses FROM invitations").await, 20);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username LIKE 'crowd%'")
            .await,
        20
    );
    let ledger: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitation_uses WHERE invitation_pk = $1 AND action = 'enrolled'",
    )
    .bind(&pk)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(ledger, 20);
}

/// A two-prompt flow, as authentik's flows-enrollment-2-stage blueprint has.
async fn install_two_stage_flow(app: &TestApp) {
    use usher_app::domain::flow::{FlowDef, PromptField, StageDef, StageKind, UserType};
    let field = |key: &str, t: &str, order: i64| PromptField {
        field_key: key.into(),
        label: key.into(),
        field_type: t.into(),
        required: true,
        placeholder: String::new(),
        order,
    };
    let def = FlowDef {
        slug: "two-stage".into(),
        name: "Two stage".into(),
        title: "Two stage".into(),
        designation: usher_app::domain::flow::Designation::Enrollment,
        authentication: usher_app::domain::flow::Authentication::RequireUnauthenticated,
        open_enrollment: false,
        stages: vec![
            StageDef {
                name: "two-inv".into(),
                kind: StageKind::Invitation {
                    continue_flow_without_invitation: false,
                },
            },
            StageDef {
                name: "two-credentials".into(),
                kind: StageKind::Prompt {
                    fields: vec![
                        field("username", "username", 0),
                        field("password", "password", 1),
                        field("password_repeat", "password", 2),
                    ],
                },
            },
            StageDef {
                name: "two-details".into(),
                kind: StageKind::Prompt {
                    fields: vec![
                        field("name", "text", 0),
                        field("email", "email", 1),
                        field("attributes.team", "text", 2),
                    ],
                },
            },
            StageDef {
                name: "two-write".into(),
                kind: StageKind::UserWrite {
                    user_creation_mode: usher_app::domain::flow::UserCreationMode::AlwaysCreate,
                    user_type: UserType::Internal,
                    user_path_template: "users/two".into(),
                    create_users_group: None,
                    create_users_as_inactive: false,
                },
            },
            StageDef {
                name: "two-login".into(),
                kind: StageKind::UserLogin,
            },
        ],
    };
    assert!(usher_app::service::flows::install_flow(&app.db, &def)
        .await
        .unwrap());
}

async fn stages_run_in_order_from_a_plan_in_the_session(app: TestApp) {
    install_two_stage_flow(&app).await;
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "two",
        "two-stage",
        json!({"fixed_data": "name: Sam\n"}),
    )
    .await;
    let t = token_of(&link);
    // The second stage cannot be jumped into.
    let mut intruder = app.client();
    let r = intruder
        .call_form(
            "flow/submit",
            &[
                ("slug", "two-stage"),
                ("itoken", &t),
                ("stage", "2"),
                ("fields[name]", "X"),
                ("fields[email]", "x@example.com"),
                ("fields[attributes.team]", "red"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("not started"));
    // Stage one, then the landing shows stage two (and shows it again on refresh).
    let mut sam = app.client();
    let first = sam.get(&link).await;
    assert!(first.body.contains("fields[username]"));
    let r = sam
        .call_form(
            "flow/submit",
            &[
                ("slug", "two-stage"),
                ("itoken", &t),
                ("stage", "1"),
                ("fields[username]", "sam"),
                ("fields[password]", "s3cret-pass-word"),
                ("fields[password_repeat]", "s3cret-pass-word"),
            ],
        )
        .await;
    r.assert_accepted();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        1,
        "nothing written before the last stage"
    );
    for _ in 0..2 {
        let page = sam.get(&link).await;
        assert!(
            page.body.contains("fields[email]") && !page.body.contains("fields[username]"),
            "stage two"
        );
        assert!(
            page.body.contains(r#"value="Sam""#),
            "pre-filled on stage two"
        );
        assert!(page.body.contains("Step 2 of 2"));
    }
    // Another browser is still at stage one.
    assert!(app
        .client()
        .get(&link)
        .await
        .body
        .contains("fields[username]"));
    let r = sam
        .call_form(
            "flow/submit",
            &[
                ("slug", "two-stage"),
                ("itoken", &t),
                ("stage", "2"),
                ("fields[name]", "Sam"),
                ("fields[email]", "sam@example.com"),
                ("fields[attributes.team]", "red"),
            ],
        )
        .await;
    r.assert_accepted();
    let (_, me) = sam.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "sam");
    assert_eq!(me["path"], "users/two");
    let attrs: String = sqlx::query_scalar("SELECT attributes FROM users WHERE username = 'sam'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&attrs).unwrap(),
        json!({"team": "red", "settings": {"locale": "en"}})
    );
    // The session's password is a hash; the plan is gone.
    let page = sam.get(&link).await;
    assert_eq!(page.status, StatusCode::GONE, "single use, used up");
}

fn set_cookie_named<'a>(r: &'a common::Response, name: &str) -> Option<&'a str> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
}

async fn existing_user_joins_through_login_with_the_invitation_cookie(app: TestApp) {
    let mut admin = app.admin().await;
    let g = admin
        .call("admin/groups/create", json!({"name": "engineering-team"}))
        .await
        .1;
    let r = admin
        .call("admin/roles/create", json!({"name": "editor"}))
        .await
        .1;
    let (pk, link) = invite(
        &app,
        &mut admin,
        "join",
        EXT,
        json!({"groups": [g["pk"]], "roles": [r["pk"]]}),
    )
    .await;
    let t = token_of(&link);
    app.user("bob").await;
    // Logged out: "I already have an account" remembers the invitation and sends to login.
    let mut bob = app.client();
    let res = bob
        .call_form(
            "flow/remember",
            &[
                ("slug", EXT),
                ("itoken", "00000000-0000-4000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "an unknown invitation is not remembered"
    );
    assert!(set_cookie_named(&res, "usher_invitation").is_none());
    let res = bob
        .call_form("flow/remember", &[("slug", EXT), ("itoken", &t)])
        .await;
    assert_eq!(res.headers["location"], "/login?next=/if/accept/&lang=en");
    let cookie = set_cookie_named(&res, "usher_invitation")
        .expect("invitation cookie")
        .to_owned();
    for attr in ["HttpOnly", "SameSite=Lax", "Max-Age=1800", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let jar = |session: &Option<String>, inv: &str| {
        let mut parts = vec![format!("usher_invitation={inv}")];
        parts.extend(session.clone());
        parts.join("; ")
    };
    let (s, _) = bob.call("flow/accept_view", json!({})).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the accept page needs a signed-in user"
    );
    let (status, _) = bob.login("bob", common::ADMIN_PASSWORD).await;
    assert!(status.is_success() || status.is_redirection());
    // A forged cookie names no invitation.
    let mut forged = bob.clone();
    forged.cookie = Some(jar(&bob.cookie, "00000000-0000-4000-8000-000000000000"));
    let (s, _) = forged.call("flow/accept_view", json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = forged.call_form("flow/accept", &[("itoken", "")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Without the cookie (expired after 30 minutes): open the link again.
    let (s, body) = bob.call("flow/accept_view", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.to_string().contains("Open the invitation link again"));
    // With it: the accept page, then accepting.
    let mut with = bob.clone();
    with.cookie = Some(jar(&bob.cookie, &t));
    let page = with.get("/if/accept/").await;
    assert!(page.body.contains("Accept as bob"), "{}", page.body);
    assert_eq!(
        app.count("SELECT uses FROM invitations").await,
        0,
        "the accept page changes nothing"
    );
    let r = with.call_form("flow/accept", &[("itoken", "")]).await;
    r.assert_accepted();
    assert!(
        set_cookie_named(&r, "usher_invitation")
            .unwrap()
            .contains("Max-Age=0"),
        "cookie cleared"
    );
    let (_, me) = bob.call("auth/current_user", json!({})).await;
    assert_eq!(me["groups"], json!(["engineering-team"]));
    assert_eq!(me["roles"], json!(["editor"]));
    let action: String =
        sqlx::query_scalar("SELECT action FROM invitation_uses WHERE invitation_pk = $1")
            .bind(&pk)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(action, "joined");
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["ledger"][0]["username"], "bob");
    assert_eq!(row["ledger"][0]["action"], "joined");
    // Single use: used up now.
    let r = with.call_form("flow/accept", &[("itoken", &t)]).await;
    assert_eq!(r.status, StatusCode::GONE);
    // Anonymous accepting is refused.
    let mut anon = app.client();
    anon.cookie = Some(format!("usher_invitation={t}"));
    assert_eq!(
        anon.call_form("flow/accept", &[("itoken", "")])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn signed_in_user_accepts_from_the_landing_page(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "direct",
        EXT,
        json!({"single_use": false, "quota": "5", "emails": "*@usher.test"}),
    )
    .await;
    let t = token_of(&link);
    let mut carol = app.user("carol").await;
    // Carol's address is proven already (tests/verification.rs covers confirming it with a code).
    sqlx::query("UPDATE users SET email_verified = 1 WHERE username = 'carol'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let page = carol.get(&link).await;
    assert!(page.body.contains("Accept as carol"));
    let r = carol.call_form("flow/accept", &[("itoken", &t)]).await;
    r.assert_accepted();
    let r = carol.call_form("flow/accept", &[("itoken", &t)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "only once per account");
    // Email rules hold for existing users too.
    sqlx::query("UPDATE users SET email = 'dave@elsewhere.io' WHERE username = 'carol'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut dave = app.user("dave").await;
    sqlx::query("UPDATE users SET email = 'dave@usher.test.evil.io' WHERE username = 'dave'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = dave.call_form("flow/accept", &[("itoken", &t)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
}

#[tokio::test]
async fn external_users_land_on_the_default_app_url_when_set() {
    let app = TestApp::sqlite_with(usher_app::service::Config {
        default_app_url: Some("https://app.example.com/".into()),
        ..usher_app::service::Config::new(common::PUBLIC_URL)
    })
    .await;
    let mut admin = app.admin().await;
    let (_, link) = invite(&app, &mut admin, "ext", EXT, json!({})).await;
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token_of(&link),
        "erin",
        "erin@example.com",
    )
    .await;
    assert_eq!(r.headers["location"], "https://app.example.com/");
    let (_, link) = invite(
        &app,
        &mut admin,
        "int",
        "invitation-enrollment-flow-internal",
        json!({}),
    )
    .await;
    let r = enroll(
        &mut app.client(),
        &app.db,
        "invitation-enrollment-flow-internal",
        &token_of(&link),
        "ian",
        "ian@example.com",
    )
    .await;
    assert_eq!(
        r.headers["location"], "/",
        "internal users land on their profile"
    );
}

async fn concurrent_accepts_by_one_account_use_one_use(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "many",
        EXT,
        json!({"single_use": false, "quota": "5"}),
    )
    .await;
    let t = token_of(&link);
    let carol = app.user("carol").await;
    let mut handles = Vec::new();
    for _ in 0..10 {
        let mut c = carol.clone();
        let t = t.clone();
        handles.push(tokio::spawn(async move {
            c.call_form("flow/accept", &[("itoken", &t)]).await.status
        }));
    }
    let mut ok = 0;
    for h in handles {
        let s = h.await.unwrap();
        if s.is_success() || s.is_redirection() {
            ok += 1;
        } else {
            assert_eq!(s, StatusCode::BAD_REQUEST);
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_uses").await, 1);
}

async fn a_use_resolved_before_regeneration_is_refused(app: TestApp) {
    use usher_app::service::invitations::{consume_use, find_by_token, regenerate_token};
    let mut admin = app.admin().await;
    let (pk, link) = invite(&app, &mut admin, "race", EXT, json!({})).await;
    let generation = usher_app::store::generations(&app.db.pool)
        .await
        .unwrap()
        .invitations;
    let token = usher_app::service::invitations::Itoken::parse(Some(&token_of(&link))).unwrap();
    let record = find_by_token(&app.db, &token, generation)
        .await
        .unwrap()
        .unwrap();
    regenerate_token(
        &app.db,
        &app.state.config.secret_key,
        &usher_app::domain::audit::Who::system(),
        &pk,
    )
    .await
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let err = consume_use(&mut tx, &record, usher_app::service::time::now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, usher_app::service::error::Error::InvalidInvitation(_)),
        "{err:?}"
    );
    drop(tx);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
}

/// A stored `emails` value that does not decode fails closed: the link is refused (and nobody can enroll
/// through it), never read as "no rules", which would make a domain-limited invitation public.
async fn a_corrupt_stored_email_rule_refuses_the_link(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, link) = invite(
        &app,
        &mut admin,
        "company-only",
        EXT,
        json!({"emails": "*@company.com", "single_use": false}),
    )
    .await;
    let t = token_of(&link);
    sqlx::query("UPDATE invitations SET emails = $1 WHERE pk = $2")
        .bind("[{\"domain\": ")
        .bind(&pk)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut anon = app.client();
    let r = anon.get(&link).await;
    assert_ne!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("field-username"), "no prompt is offered");
    let r = enroll(&mut anon, &app.db, EXT, &t, "mallory", "mallory@evil.io").await;
    assert!(!common::continues(&r), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
    // The admin list does not pass the corrupt value off as "anyone" either.
    let (s, _) = admin
        .call(
            "admin/invitations/list",
            json!({"search": "", "sort": "CreatedDesc"}),
        )
        .await;
    assert_ne!(s, StatusCode::OK);
}

/// The invitee pages are plain forms (issue 13, P5): a refused stage sends the browser back to the page,
/// which shows what was typed again. The browser carries it, sealed in the draft cookie (nothing is written
/// on the server), never the password, and only for this flow and link; an accepted stage clears it.
async fn a_refused_stage_comes_back_with_what_was_typed_never_the_password(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "draft",
        EXT,
        json!({"single_use": false, "quota": "5"}),
    )
    .await;
    let (_, other) = invite(&app, &mut admin, "other", EXT, json!({})).await;
    let (t, other) = (token_of(&link), token_of(&other));
    let mut c = app.client();
    let typed = [
        ("slug", EXT),
        ("itoken", t.as_str()),
        ("stage", "1"),
        ("fields[username]", "draft-jane"),
        ("fields[name]", "Jane Draft"),
        ("fields[email]", "not-an-address"),
        ("fields[password]", "draft-s3cret-pass"),
        ("fields[password_repeat]", "draft-s3cret-pass"),
    ];
    let r = c.call_form("flow/submit", &typed).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let set = r
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("usher_draft="))
        .unwrap_or_else(|| panic!("no draft cookie: {:?}", r.headers));
    assert!(
        set.contains("HttpOnly") && set.contains("Max-Age=600"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    for clear in [
        "draft-jane",
        "Jane Draft",
        "not-an-address",
        "draft-s3cret-pass",
    ] {
        assert!(!cookie.contains(clear), "sealed: {cookie}");
    }
    assert!(c.cookie.is_none(), "no session was started");
    // The page shown again holds the typed values, never the password.
    let r = landing_with(&mut c, &t, &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for shown in ["draft-jane", "Jane Draft", "not-an-address"] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    assert!(!r.body.contains("draft-s3cret-pass"), "{}", r.body);
    // Not without the cookie, not on another link, not altered.
    let r = c
        .call_form("flow/landing", &[("slug", EXT), ("itoken", &t)])
        .await;
    assert!(!r.body.contains("draft-jane"), "{}", r.body);
    let r = landing_with(&mut c, &other, &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("draft-jane"), "{}", r.body);
    let mut altered = cookie.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == '0' { '1' } else { '0' });
    let r = landing_with(&mut c, &t, &altered).await;
    assert!(!r.body.contains("draft-jane"), "{}", r.body);
    // The corrected stage is accepted and the draft cookie goes.
    let mut fixed = typed;
    fixed[5] = ("fields[email]", "jane.draft@example.com");
    let r = c
        .call_form_with_cookie("flow/submit", &fixed, &cookie)
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}: {}",
        r.status,
        r.body
    );
    let cleared = r
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("usher_draft="))
        .unwrap_or_else(|| panic!("draft cookie not cleared: {:?}", r.headers));
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

/// The landing view of link `token` with the cookie `cookie` (`name=value`).
async fn landing_with(c: &mut Client, token: &str, cookie: &str) -> common::Response {
    c.call_form_with_cookie("flow/landing", &[("slug", EXT), ("itoken", token)], cookie)
        .await
}

/// Issue 35 item 6: accepting as an existing account does not run the flow, but the flow's
/// `authentication: require_superuser` still holds: a plain account is refused, a superuser accepts.
async fn accepting_as_an_existing_account_obeys_require_superuser(app: TestApp) {
    let mut def = usher_app::domain::flow::builtin_flows().remove(1);
    def.slug = "staff-only".into();
    def.authentication = usher_app::domain::flow::Authentication::RequireSuperuser;
    for s in &mut def.stages {
        s.name.push_str("-staff");
    }
    assert!(usher_app::service::flows::install_flow(&app.db, &def)
        .await
        .unwrap());
    let mut admin = app.admin().await;
    let (_, link) = invite(
        &app,
        &mut admin,
        "staff",
        "staff-only",
        json!({"single_use": false, "quota": "5"}),
    )
    .await;
    let t = token_of(&link);
    let mut carol = app.user("carol").await;
    let r = carol.call_form("flow/accept", &[("itoken", &t)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
    let r = admin.call_form("flow/accept", &[("itoken", &t)]).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
}
