//! Limits that hold (issue 12 items 6 and 9): sign-in failures are counted per account and client
//! network and per network, in the database, so an attacker elsewhere cannot lock an account out and
//! several instances sharing one database share every limit, flow plan and quota.

mod common;
use axum::http::{header, StatusCode};
use common::{Client, Response, TestApp, ADMIN_PASSWORD};
use serde_json::json;

db_tests!(
    sign_in_failures_lock_one_network_out_never_the_account,
    two_instances_on_one_database_share_limits_flow_plans_and_quota,
    a_flow_change_through_one_instance_holds_on_the_other_at_its_next_request,
    an_invitation_change_through_one_instance_holds_on_the_other_at_its_next_request,
    a_use_keeps_the_caches_until_it_reaches_the_quota,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// Signs in as the sign-in form does, from the client address `ip`.
async fn login_from(c: &mut Client, username: &str, password: &str, ip: [u8; 4]) -> Response {
    c.login_from(username, password, ip).await
}

fn signed_in(r: &Response) -> bool {
    r.status.is_success() || r.status.is_redirection()
}

async fn sign_in_failures_lock_one_network_out_never_the_account(app: TestApp) {
    app.admin_pk().await;
    let budget = usher_app::domain::limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max;
    let attacker = [198, 51, 100, 7];
    for i in 0..budget {
        let r = login_from(&mut app.client(), "admin", "wrong", attacker).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "guess {i}: {}", r.body);
    }
    // Past the budget even the right password is refused from that network, with Retry-After…
    let r = login_from(&mut app.client(), "ADMIN", ADMIN_PASSWORD, attacker).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    // …but the admin signs in from their own network.
    let r = login_from(&mut app.client(), "admin", ADMIN_PASSWORD, [203, 0, 113, 9]).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
    // A success forgets that network's failures for the account: a typo or two never add up.
    let home = [203, 0, 113, 10];
    for _ in 0..budget - 1 {
        login_from(&mut app.client(), "admin", "typo", home).await;
    }
    assert!(signed_in(
        &login_from(&mut app.client(), "admin", ADMIN_PASSWORD, home).await
    ));
    for _ in 0..budget - 1 {
        login_from(&mut app.client(), "admin", "typo", home).await;
    }
    assert!(signed_in(
        &login_from(&mut app.client(), "admin", ADMIN_PASSWORD, home).await
    ));
    // An over-long username is refused before anything is stored or hashed.
    let buckets = usher_app::store::limits::count(&app.db.pool).await.unwrap();
    let long = "a".repeat(usher_app::domain::user::USERNAME_MAX + 1);
    let r = login_from(&mut app.client(), &long, "x", [192, 0, 2, 1]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        usher_app::store::limits::count(&app.db.pool).await.unwrap(),
        buckets
    );
    // The table holds one row per active bucket and is pruned once their windows end.
    let later = usher_app::service::time::now() + usher_app::domain::limits::LONGEST_WINDOW_SECS;
    usher_app::store::limits::prune(&app.db.pool, later)
        .await
        .unwrap();
    assert_eq!(
        usher_app::store::limits::count(&app.db.pool).await.unwrap(),
        0
    );
}

async fn two_instances_on_one_database_share_limits_flow_plans_and_quota(a: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    a.with_email_stages().await;
    let b = a.another_instance().await;
    let mut admin = a.admin().await;

    // Sign-in failures made on either instance count together.
    let budget = usher_app::domain::limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max;
    let net = [198, 51, 100, 20];
    for i in 0..budget {
        let on = if i % 2 == 0 { &a } else { &b };
        let r = login_from(&mut on.client(), "admin", "wrong", net).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    for on in [&a, &b] {
        let r = login_from(&mut on.client(), "admin", "wrong", net).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    }

    // A flow plan begun on one instance continues on the other (the session store is shared).
    let (_, token) =
        common::create_invitation(&a, &mut admin, "single", EXT, json!({"single_use": true})).await;
    let mut jane_a = a.client();
    let r = common::submit_stage(
        &mut jane_a,
        EXT,
        &token,
        "1",
        &[
            ("username", "jane"),
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    let code = common::verification_code(&a.db, "jane@example.com").await;
    let mut jane_b = b.client_like(&jane_a);
    let r = common::submit_stage(&mut jane_b, EXT, &token, "2", &[("code", &code)]).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
    let (_, me) = jane_b.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "jane");

    // The single-use invitation, used up through B, is used up on A too.
    let r = common::enroll(
        &mut a.client(),
        &a.db,
        EXT,
        &token,
        "mallory",
        "mallory@example.com",
    )
    .await;
    assert_eq!(r.status, StatusCode::GONE, "{}", r.body);
    assert_eq!(a.count("SELECT COUNT(*) FROM users").await, 2);

    // Codes asked for through either instance count against one network budget.
    let (_, open) = common::create_invitation(&a, &mut admin, "open", EXT, json!({})).await;
    let codes = usher_app::domain::limits::CODES_PER_NETWORK.max;
    let client = [10, 9, 8, 7];
    let mut refused = None;
    for i in 0..=codes {
        let on = if i % 2 == 0 { &a } else { &b };
        let r = prompts_from(on, &open, &format!("u{i}"), client).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
        assert!(common::continues(&r), "code {i}: {}", r.body);
    }
    assert_eq!(refused, Some(codes), "the codes of both instances add up");
}

/// The external flow's prompt page for a new invitee `user`, from the client address `ip`.
async fn prompts_from(app: &TestApp, token: &str, user: &str, ip: [u8; 4]) -> Response {
    let email = format!("{user}@example.org");
    let fields = [
        ("slug", EXT),
        ("itoken", token),
        ("stage", "1"),
        ("fields[username]", user),
        ("fields[name]", user),
        ("fields[email]", email.as_str()),
        ("fields[password]", "s3cret-pass-word"),
        ("fields[password_repeat]", "s3cret-pass-word"),
    ];
    app.client()
        .call_form_from("flow/submit", &fields, ip)
        .await
}

/// Each instance keeps the flows it has loaded in memory (issue 13); a policy bound or unbound, or open
/// enrollment switched, through one instance holds on the other at its very next request.
async fn a_flow_change_through_one_instance_holds_on_the_other_at_its_next_request(a: TestApp) {
    let b = a.another_instance().await;
    let mut admin_a = a.admin().await;
    let mut admin_b = b.client_like(&admin_a);
    let (_, token) = common::create_invitation(&a, &mut admin_a, "open", EXT, json!({})).await;
    let landing = |app: &TestApp| {
        let mut c = app.client();
        let token = token.clone();
        async move {
            let r = c
                .call_form("flow/landing", &[("slug", EXT), ("itoken", &token)])
                .await;
            (r.status, r.body)
        }
    };
    // A has the flow in memory (loaded twice: the second from its cache).
    for _ in 0..2 {
        let (s, v) = landing(&a).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // B binds a policy that refuses everyone to the flow: A obeys it at once.
    let (s, p) = admin_b
        .call(
            "admin/policies/create",
            json!({"form": {"name": "closed", "expression": "false", "message": "Closed for the night."}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (s, r) = admin_b
        .call(
            "admin/policies/bind",
            json!({"pk": p["pk"], "flow": EXT, "stage": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, v) = landing(&a).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(v.contains("Closed for the night."), "{v}");
    // B unbinds it: A lets the invitee in again.
    let (_, list) = admin_b.call("admin/policies/list", json!({})).await;
    let binding = list[0]["bindings"][0]["pk"].clone();
    let (s, _) = admin_b
        .call("admin/policies/unbind", json!({"pk": binding}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = landing(&a).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // B imports authentik's 2-stage enrollment (no invitation stage) over default-enrollment-flow: A
    // still refuses a visitor without an invitation, until B opens the flow for enrollment.
    const DEFAULT: &str = "default-enrollment-flow";
    let anonymous = |app: &TestApp| {
        let mut c = app.client();
        async move {
            let r = c.call_form("flow/landing", &[("slug", DEFAULT)]).await;
            (r.status, r.body)
        }
    };
    let (s, v) = anonymous(&a).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let two = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/blueprints/flows-enrollment-2-stage.yaml"),
    )
    .unwrap();
    let (s, r) = admin_b
        .call(
            "admin/flows/import",
            json!({"yaml": two, "confirm_builtin": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, v) = anonymous(&a).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    usher_app::service::flows::set_open_enrollment(&b.db, DEFAULT, true)
        .await
        .unwrap();
    let (s, v) = anonymous(&a).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v.contains("default-enrollment-field-username") || v.contains("username"),
        "{v}"
    );
}

/// Each instance keeps the invitations it has looked up by token in memory (issue 13); a link disabled,
/// edited, regenerated, or its creator renamed or deactivated, through one instance (or straight in the
/// database) holds on the other at its very next request.
async fn an_invitation_change_through_one_instance_holds_on_the_other_at_its_next_request(
    a: TestApp,
) {
    let b = a.another_instance().await;
    let mut admin_a = a.admin().await;
    let mut admin_b = b.client_like(&admin_a);
    let (pk, token) = common::create_invitation(
        &a,
        &mut admin_a,
        "cached",
        EXT,
        json!({"fixed_data": "name: Jane"}),
    )
    .await;
    let landing = |app: &TestApp, token: String| {
        let mut c = app.client();
        async move {
            let r = c
                .call_form("flow/landing", &[("slug", EXT), ("itoken", &token)])
                .await;
            (r.status, r.body)
        }
    };
    // A has the invitation in memory (looked up twice: the second from its cache).
    for _ in 0..2 {
        let (s, v) = landing(&a, token.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v.contains("Jane"), "{v}");
    }
    // B disables it: A refuses it at once; B enables it again: A admits it.
    let (s, r) = admin_b
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::GONE, "{v}");
    let (s, _) = admin_b
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // B edits its fixed_data: A pre-fills the new name.
    let form = json!({
        "name": "cached", "description": "", "flow": b.flow_pk(EXT).await, "expires": "",
        "never_expires": true, "fixed_data": "name: Joan", "single_use": false, "quota": "",
        "emails": "", "roles": [], "groups": [], "enabled": true
    });
    let (s, r) = admin_b
        .call("admin/invitations/update", json!({"pk": pk, "form": form}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.contains("Joan") && !v.contains("Jane"), "{v}");
    // The creator is renamed, then deactivated, in the database: A names them, then refuses the link.
    sqlx::query("UPDATE users SET name = 'Ada Admin' WHERE username = 'admin'")
        .execute(&b.db.pool)
        .await
        .unwrap();
    let (_, v) = landing(&a, token.clone()).await;
    assert!(v.contains("Ada Admin"), "{v}");
    sqlx::query("UPDATE users SET is_active = 0 WHERE username = 'admin'")
        .execute(&b.db.pool)
        .await
        .unwrap();
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::GONE, "{v}");
    sqlx::query("UPDATE users SET is_active = 1 WHERE username = 'admin'")
        .execute(&b.db.pool)
        .await
        .unwrap();
    // Demoted from superuser, the creator can no longer invite: A refuses the link until they are
    // promoted again (issue 35 item 6).
    sqlx::query("UPDATE users SET is_superuser = 0 WHERE username = 'admin'")
        .execute(&b.db.pool)
        .await
        .unwrap();
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::GONE, "{v}");
    sqlx::query("UPDATE users SET is_superuser = 1 WHERE username = 'admin'")
        .execute(&b.db.pool)
        .await
        .unwrap();
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // A restored database: its generation counter can come back to the number A cached under, with
    // other rows. The epoch drawn at every change tells them apart (issue 35 item 6).
    let cached_n = b.count("SELECT n FROM invitation_generation").await;
    sqlx::query("UPDATE invitations SET fixed_data = '{\"name\":\"Jill\"}' WHERE pk = $1")
        .bind(&pk)
        .execute(&b.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE invitation_generation SET n = $1")
        .bind(cached_n)
        .execute(&b.db.pool)
        .await
        .unwrap();
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.contains("Jill") && !v.contains("Joan"), "{v}");
    // B regenerates the link: A no longer knows the old token.
    let (s, _) = admin_b
        .call("admin/invitations/regenerate", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = landing(&a, token.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = landing(&a, a.token(&pk).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// A use below the quota leaves the invitations' generation as it is, so no instance re-reads its
/// invitations (issue 37 item 2); the use that reaches the quota moves it, and every instance then
/// refuses the link as used up.
async fn a_use_keeps_the_caches_until_it_reaches_the_quota(a: TestApp) {
    let b = a.another_instance().await;
    let mut admin = a.admin().await;
    let (_, token) = common::create_invitation(
        &a,
        &mut admin,
        "two-uses",
        EXT,
        json!({"single_use": false, "quota": "2"}),
    )
    .await;
    let generation = || async {
        usher_app::store::generations(&a.db.pool)
            .await
            .unwrap()
            .invitations
    };
    let landing = |app: &TestApp| {
        let mut c = app.client();
        let token = token.clone();
        async move {
            c.call_form("flow/landing", &[("slug", EXT), ("itoken", &token)])
                .await
                .status
        }
    };
    assert_eq!(landing(&b).await, StatusCode::OK);
    let before = generation().await;
    let r = common::enroll(
        &mut a.client(),
        &a.db,
        EXT,
        &token,
        "first",
        "first@usher.test",
    )
    .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    assert_eq!(
        generation().await,
        before,
        "a use below the quota keeps the caches"
    );
    assert_eq!(landing(&b).await, StatusCode::OK);
    let r = common::enroll(
        &mut a.client(),
        &a.db,
        EXT,
        &token,
        "second",
        "second@usher.test",
    )
    .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    assert_ne!(
        generation().await,
        before,
        "the use that reaches the quota moves the generation"
    );
    assert_eq!(
        landing(&b).await,
        StatusCode::GONE,
        "used up, on the other instance too"
    );
    let r = common::enroll(
        &mut b.client(),
        &b.db,
        EXT,
        &token,
        "third",
        "third@usher.test",
    )
    .await;
    assert!(!r.status.is_success(), "{}", r.body);
    assert_eq!(a.count("SELECT uses FROM invitations").await, 2);
}
