//! Inviter policies (issue 17 item 1) against the real router on SQLite and PostgreSQL: an admin gives a
//! role a policy in Directory → Roles; a refused policy names its field and saves nothing; a member
//! holding the role holds its policy; removing it takes the right to invite away.

mod common;
use axum::http::StatusCode;
use common::TestApp;
use serde_json::{json, Value};

db_tests!(
    an_admin_gives_a_role_an_inviter_policy_and_takes_it_away,
    a_refused_policy_names_its_field_and_saves_nothing,
    members_invite_within_their_policy_and_touch_only_their_own,
    a_members_api_token_is_scoped_to_their_own_invitations,
    a_member_sends_only_where_the_rules_allow,
);

const EXT: &str = "invitation-enrollment-flow-external";

fn policy() -> Value {
    json!({
        "flows": [EXT], "roles": ["viewer"], "groups": ["team-a"], "email_domains": ["*@Company.com"],
        "allow_public": false, "max_expiry_days": 14, "max_quota": 5, "per_30_days": 3,
        "requires_approval": true
    })
}

/// Creates the roles `team-lead` and `viewer` and the group `team-a`; returns team-lead's pk.
async fn directory(admin: &mut common::Client) -> String {
    let (_, lead) = admin
        .call("admin/roles/create", json!({"name": "team-lead"}))
        .await;
    admin
        .call("admin/roles/create", json!({"name": "viewer"}))
        .await;
    admin
        .call("admin/groups/create", json!({"name": "team-a"}))
        .await;
    lead["pk"].as_str().unwrap().to_owned()
}

async fn policies(admin: &mut common::Client) -> Value {
    let (s, list) = admin.call("admin/roles/inviter_policies", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list
}

async fn an_admin_gives_a_role_an_inviter_policy_and_takes_it_away(app: TestApp) {
    let mut admin = app.admin().await;
    let lead = directory(&mut admin).await;
    let (s, r) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": policy()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let list = policies(&mut admin).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "team-lead")
        .unwrap();
    // Stored tidied: the domain without `*@`, lowercased.
    assert_eq!(
        row["policy"]["email_domains"],
        json!(["company.com"]),
        "{row}"
    );
    assert_eq!(row["policy"]["requires_approval"], true);
    let viewer = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "viewer")
        .unwrap();
    assert_eq!(viewer["policy"], Value::Null);

    // A member holding the role holds its policy; one without it holds none.
    let mut bob = app.user("bob").await;
    let bob_pk: i64 = sqlx::query_scalar("SELECT pk FROM users WHERE username = 'bob'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(usher_app::service::inviters::policies_of(&app.db, bob_pk)
        .await
        .unwrap()
        .is_empty());
    usher_app::store::users::add_role(&app.db.pool, bob_pk, &lead)
        .await
        .unwrap();
    let held = usher_app::service::inviters::policies_of(&app.db, bob_pk)
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].max_quota, 5);
    assert_eq!(held[0].flows, vec![EXT.to_owned()]);
    // A member cannot read or change policies.
    let (s, _) = bob.call("admin/roles/inviter_policies", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = bob
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": null}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        usher_app::service::inviters::policies_of(&app.db, bob_pk)
            .await
            .unwrap()
            .len(),
        1
    );

    // Taken away: the member holds none.
    let (s, r) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(usher_app::service::inviters::policies_of(&app.db, bob_pk)
        .await
        .unwrap()
        .is_empty());
    // An unknown role is 404.
    let (s, _) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": "00000000-0000-4000-8000-000000000000", "policy": policy()}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn a_refused_policy_names_its_field_and_saves_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let lead = directory(&mut admin).await;
    let (s, _) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": policy()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let before = policies(&mut admin).await;
    for (field, value, words) in [
        (
            "flows",
            json!(["no-such-flow"]),
            "No flow has the slug 'no-such-flow'.",
        ),
        ("roles", json!(["ghost"]), "No role is named 'ghost'."),
        ("groups", json!(["ghosts"]), "No group is named 'ghosts'."),
        (
            "email_domains",
            json!(["not a domain"]),
            "'not a domain' is not a domain.",
        ),
        (
            "max_quota",
            json!(0),
            "Enter a whole number from 1 to 1000.",
        ),
        (
            "max_expiry_days",
            json!(366),
            "Enter a whole number from 1 to 365.",
        ),
        (
            "per_30_days",
            json!(5000),
            "Enter a whole number from 1 to 1000.",
        ),
    ] {
        let mut p = policy();
        p[field] = value;
        p["max_quota"] = if field == "max_quota" {
            p["max_quota"].clone()
        } else {
            json!(2)
        };
        let (s, r) = admin
            .call(
                "admin/roles/set_inviter_policy",
                json!({"pk": lead, "policy": p}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}: {r}");
        assert!(r.to_string().contains(words), "{field}: {r}");
        assert!(r.to_string().contains(field), "{field}: {r}");
        assert_eq!(policies(&mut admin).await, before, "{field}: nothing saved");
    }
}

/// A member's invitation form: `days` ahead, `quota` uses, these rules, roles and groups (names).
async fn form(
    app: &TestApp,
    name: &str,
    days: i64,
    quota: &str,
    emails: &str,
    grants: (&[&str], &[&str]),
    fixed: &str,
) -> Value {
    let expires =
        usher_app::domain::time::format_input(usher_app::service::time::now() + days * 86_400);
    json!({"form": {
        "name": name, "description": "", "flow": app.flow_pk(EXT).await, "expires": expires,
        "never_expires": false, "not_before": "", "fixed_data": fixed, "single_use": false, "quota": quota,
        "emails": emails, "roles": grants.0, "groups": grants.1, "enabled": true
    }})
}

/// A signed-in member holding `roles` (names).
async fn member(app: &TestApp, name: &str, roles: &[&str]) -> common::Client {
    let c = app.user(name).await;
    let pk: i64 = sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for r in roles {
        let role: String = sqlx::query_scalar("SELECT pk FROM directory_roles WHERE name = $1")
            .bind(*r)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        usher_app::store::users::add_role(&app.db.pool, pk, &role)
            .await
            .unwrap();
    }
    c
}

async fn members_invite_within_their_policy_and_touch_only_their_own(app: TestApp) {
    let mut admin = app.admin().await;
    let lead = directory(&mut admin).await;
    let mut p = policy();
    p["requires_approval"] = json!(false);
    p["per_30_days"] = json!(2);
    let (s, r) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": p}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let mut bob = member(&app, "bob", &["team-lead", "viewer"]).await;
    let mut carol = member(&app, "carol", &["team-lead"]).await;
    let count = || app.count("SELECT COUNT(*) FROM invitations");

    // Within the policy: created, with its link, on bob's page.
    let ok = form(
        &app,
        "bob-one",
        7,
        "2",
        "*@company.com",
        (&["viewer"], &["team-a"]),
        "",
    )
    .await;
    let (s, pk) = bob.call("user/invitations/create", ok).await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let pk = pk.as_str().unwrap().to_owned();
    let (s, page) = bob.call("user/invitations/list", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["invitations"].as_array().unwrap().len(), 1, "{page}");
    let mine = &page["invitations"][0];
    assert_eq!(mine["name"], "bob-one");
    assert!(mine["link"].as_str().unwrap().contains("itoken="), "{mine}");
    assert_eq!(mine["grants"], json!(["viewer", "team-a"]));
    assert_eq!(page["flows"][0]["slug"], EXT, "{page}");
    // Its link works while bob may invite (the creator's standing is checked at every use).
    let link = mine["link"].as_str().unwrap();
    let path = link[link.find("/if/").unwrap()..].to_owned();
    let landing = app.client().get(&path).await;
    assert_eq!(landing.status, StatusCode::OK, "{}", landing.body);

    // Each rule refuses by name, and nothing is written.
    let before = count().await;
    for (f, field, words) in [
        (
            form(&app, "x1", 7, "1", "*@gmail.com", (&[], &[]), "").await,
            "emails",
            "does not allow the email rule *@gmail.com",
        ),
        (
            form(&app, "x2", 7, "1", "", (&[], &[]), "").await,
            "emails",
            "does not allow public invitations",
        ),
        (
            form(&app, "x3", 30, "1", "a@company.com", (&[], &[]), "").await,
            "expires",
            "at most 14 days ahead",
        ),
        (
            form(&app, "x4", 7, "6", "a@company.com", (&[], &[]), "").await,
            "quota",
            "at most 5 uses",
        ),
        (
            form(&app, "x5", 7, "", "a@company.com", (&[], &[]), "").await,
            "quota",
            "at most 5 uses",
        ),
        (
            form(
                &app,
                "x6",
                7,
                "1",
                "a@company.com",
                (&["team-lead"], &[]),
                "",
            )
            .await,
            "roles",
            "granting the role team-lead",
        ),
        (
            form(
                &app,
                "x7",
                7,
                "1",
                "a@company.com",
                (&[], &[]),
                "path: users/admins",
            )
            .await,
            "fixed_data",
            "'path' is for administrators",
        ),
    ] {
        let (s, r) = bob.call("user/invitations/create", f).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}: {r}");
        assert!(r.to_string().contains(words), "{field}: {r}");
        assert!(r.to_string().contains(field), "{field}: {r}");
        assert_eq!(count().await, before, "{field}: nothing written");
    }
    // Carol holds the policy but not the role viewer: she cannot grant it.
    let f = form(
        &app,
        "carol-one",
        7,
        "1",
        "a@company.com",
        (&["viewer"], &[]),
        "",
    )
    .await;
    let (s, r) = carol.call("user/invitations/create", f).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(r.to_string().contains("you do not hold it yourself"), "{r}");

    // Carol never sees nor touches bob's invitation: 404, as for one that does not exist.
    let (_, page) = carol.call("user/invitations/list", json!({})).await;
    assert_eq!(page["invitations"], json!([]), "{page}");
    for (endpoint, args) in [
        (
            "user/invitations/set_enabled",
            json!({"pk": pk, "enabled": false}),
        ),
        ("user/invitations/delete", json!({"pk": pk})),
    ] {
        let (s, r) = carol.call(endpoint, args).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{endpoint}: {r}");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE pk = '{pk}' AND enabled = 1"
        ))
        .await,
        1
    );
    // Bob disables his own.
    let (s, _) = bob
        .call(
            "user/invitations/set_enabled",
            json!({"pk": pk, "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE pk = '{pk}' AND enabled = 0"
        ))
        .await,
        1
    );

    // Two per 30 days: the second is allowed, the third refused; deleting one does not give it back.
    let second = form(&app, "bob-two", 7, "1", "a@company.com", (&[], &[]), "").await;
    let (s, two) = bob.call("user/invitations/create", second).await;
    assert_eq!(s, StatusCode::OK, "{two}");
    let (s, _) = bob
        .call("user/invitations/delete", json!({"pk": two}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let third = form(&app, "bob-three", 7, "1", "a@company.com", (&[], &[]), "").await;
    let (s, r) = bob.call("user/invitations/create", third).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(
        r.to_string().contains("allows 2 invitations per 30 days"),
        "{r}"
    );

    // Once the role's policy is taken away, bob's invitations stop working, as a demoted admin's do.
    let (s, _) = bob
        .call(
            "user/invitations/set_enabled",
            json!({"pk": pk, "enabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.client().get(&path).await.status, StatusCode::OK);
    let (s, _) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let gone = app.client().get(&path).await;
    assert_ne!(gone.status, StatusCode::OK);
    assert!(
        gone.body.contains("This invitation has been disabled."),
        "{}",
        gone.body
    );
    let (s, _) = bob.call("user/invitations/list", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// A REST call carrying `token`.
async fn rest(
    app: &TestApp,
    method: axum::http::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> common::Response {
    let req = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header(axum::http::header::ACCEPT, "application/json")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json");
    let req = req
        .body(axum::body::Body::from(
            body.map(|b| b.to_string()).unwrap_or_default(),
        ))
        .unwrap();
    app.client().send(req).await
}

async fn token_of(app: &TestApp, username: &str) -> String {
    usher_app::service::tokens::create(
        &app.db,
        &usher_app::domain::audit::Who::system(),
        &usher_app::domain::token::TokenDraft {
            username: username.into(),
            identifier: format!("{username}-api"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .secret
}

async fn a_members_api_token_is_scoped_to_their_own_invitations(app: TestApp) {
    use axum::http::Method;
    const INV: &str = "/api/v3/stages/invitation/invitations/";
    let mut admin = app.admin().await;
    let lead = directory(&mut admin).await;
    let mut p = policy();
    p["requires_approval"] = json!(false);
    let (s, r) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": p}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    member(&app, "bob", &["team-lead", "viewer"]).await;
    member(&app, "carol", &["team-lead"]).await;
    member(&app, "dave", &[]).await;
    let (bob, carol, dave) = (
        token_of(&app, "bob").await,
        token_of(&app, "carol").await,
        token_of(&app, "dave").await,
    );
    let admin_token = token_of(&app, "admin").await;
    let expires = chrono_utc(3);
    let body = |name: &str| {
        json!({"name": name, "expires": expires, "single_use": true, "emails": ["*@company.com"],
               "roles": ["viewer"], "flow": serde_json::Value::Null})
    };
    // The admin's own invitation, which no member may see.
    let r = rest(
        &app,
        Method::POST,
        INV,
        &admin_token,
        Some(json!({"name": "admins"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let admins = r.json()["pk"].as_str().unwrap().to_owned();
    // Without a policy: refused, as before.
    let r = rest(&app, Method::GET, INV, &dave, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Bob creates within his policy (the default flow is not his: named by pk).
    let mut b = body("bob-api");
    b["flow"] = json!(app.flow_pk(EXT).await);
    let r = rest(&app, Method::POST, INV, &bob, Some(b.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bobs = r.json()["pk"].as_str().unwrap().to_owned();
    // Beyond it: refused, with the rule named, nothing written.
    let before = app.count("SELECT COUNT(*) FROM invitations").await;
    let mut public = b.clone();
    public["name"] = json!("bob-public");
    public["emails"] = json!([]);
    let r = rest(&app, Method::POST, INV, &bob, Some(public)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("does not allow public invitations"),
        "{}",
        r.body
    );
    let mut above = b.clone();
    above["name"] = json!("carol-viewer");
    let r = rest(&app, Method::POST, INV, &carol, Some(above)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("you do not hold it yourself"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, before);
    // Bob lists only his own, whatever the filter says.
    let r = rest(
        &app,
        Method::GET,
        &format!("{INV}?created_by__username=admin"),
        &bob,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let names: Vec<String> = r.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["bob-api"]);
    // Reads his own; another's is not found, for each route.
    let r = rest(&app, Method::GET, &format!("{INV}{bobs}/"), &bob, None).await;
    assert_eq!(r.status, StatusCode::OK);
    for (method, path) in [
        (Method::GET, format!("{INV}{admins}/")),
        (Method::DELETE, format!("{INV}{admins}/")),
        (Method::GET, format!("{INV}{admins}/used_by/")),
        (Method::GET, format!("{INV}{bobs}/")),
    ] {
        let t = if path.contains(&bobs) { &carol } else { &bob };
        let r = rest(&app, method.clone(), &path, t, None).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.body
        );
    }
    let r = rest(
        &app,
        Method::POST,
        &format!("{INV}{admins}/send_email/"),
        &bob,
        Some(json!({"email_addresses": ["x@company.com"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Members do not edit, nor reach the rest of the API.
    for (method, path) in [
        (Method::PATCH, format!("{INV}{bobs}/")),
        (Method::PUT, format!("{INV}{bobs}/")),
        (Method::GET, "/api/v3/flows/instances/".to_owned()),
        (Method::GET, "/api/v3/events/events/".to_owned()),
        (Method::GET, "/api/v3/usher/campaigns/".to_owned()),
        (
            Method::GET,
            format!("/api/v3/core/invitations/{bobs}/links/"),
        ),
    ] {
        let r = rest(
            &app,
            method.clone(),
            &path,
            &bob,
            Some(json!({"name": "x"})),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            r.body
        );
    }
    // Emailed only to addresses its rules allow.
    let r = rest(
        &app,
        Method::POST,
        &format!("{INV}{bobs}/send_email/"),
        &bob,
        Some(json!({"email_addresses": ["ana@company.com"], "bcc_addresses": ["eve@evil.io"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("not to eve@evil.io"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    let r = rest(
        &app,
        Method::POST,
        &format!("{INV}{bobs}/send_email/"),
        &bob,
        Some(json!({"email_addresses": ["ana@company.com"]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 1);
    let r = rest(
        &app,
        Method::GET,
        &format!("{INV}{bobs}/used_by/"),
        &bob,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Deletes his own.
    let r = rest(&app, Method::DELETE, &format!("{INV}{bobs}/"), &bob, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // Once the policy is taken away, his token is refused again.
    let (s, _) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let r = rest(&app, Method::GET, INV, &bob, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// `days` ahead, as the REST API writes times (RFC 3339, UTC).
fn chrono_utc(days: i64) -> String {
    chrono::DateTime::from_timestamp(usher_app::service::time::now() + days * 86_400, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn a_member_sends_only_where_the_rules_allow(app: TestApp) {
    let mut admin = app.admin().await;
    let lead = directory(&mut admin).await;
    let mut p = policy();
    p["requires_approval"] = json!(false);
    let (s, _) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": p}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut bob = member(&app, "bob", &["team-lead"]).await;
    let mut carol = member(&app, "carol", &["team-lead"]).await;
    // The profile links a member who may invite to their page; not one who may not.
    let page = bob.get("/").await;
    assert!(
        page.body.contains(r#"href="/if/user/invitations""#),
        "{}",
        page.body
    );
    let mut dave = member(&app, "dave", &[]).await;
    let page = dave.get("/").await;
    assert!(page.body.contains("profile-username"), "{}", page.body);
    assert!(
        !page.body.contains(r#"href="/if/user/invitations""#),
        "{}",
        page.body
    );
    // Sent on creation to an address its rules do not allow: refused, nothing written or queued.
    let (s, r) = bob
        .call(
            "user/invitations/create",
            form(
                &app,
                "bob-mail",
                7,
                "1",
                "*@company.com",
                (&[], &[]),
                "email: eve@evil.io",
            )
            .await,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(r.to_string().contains("not to eve@evil.io"), "{r}");
    assert!(r.to_string().contains("fixed_data"), "{r}");
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    // To one it allows: created and queued.
    let (s, pk) = bob
        .call(
            "user/invitations/create",
            form(
                &app,
                "bob-mail",
                7,
                "2",
                "*@company.com",
                (&[], &[]),
                "email: ana@company.com",
            )
            .await,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 1);
    let pk = pk.as_str().unwrap().to_owned();
    // Send again from the page: only addresses the rules allow; another member's is not found.
    let (s, r) = bob
        .call(
            "user/invitations/send",
            json!({"pk": pk, "to": "ben@company.com, eve@evil.io"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(r.to_string().contains("not to eve@evil.io"), "{r}");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 1);
    let (s, _) = carol
        .call(
            "user/invitations/send",
            json!({"pk": pk, "to": "ben@company.com"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, r) = bob
        .call(
            "user/invitations/send",
            json!({"pk": pk, "to": "ben@company.com\nCleo@Company.com"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 2);
}
