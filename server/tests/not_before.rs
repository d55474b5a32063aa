//! Not-before (issue 15 item 5): an invitation with a start time in the future shows "This invitation
//! opens on …" (UTC in a `<time>` element, the invitee's local time added by a nonce'd script), creates no
//! account, lets no one accept, and records the refusal; once its start time has passed it is used as any
//! other. The clock is not injected on the landing path, so time is "moved" by editing the start time
//! into the past through the dashboard's editor (never slept). A start time at or after the expiry is
//! refused as a field error, by the editor and the REST API alike, and the REST API round-trips it.

mod common;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{create_invitation, enroll, Client, TestApp};
use serde_json::{json, Value};

db_tests!(
    a_scheduled_invitation_grants_nothing_until_it_opens,
    a_start_at_or_after_the_expiry_is_refused_and_nothing_is_saved,
    the_rest_api_round_trips_not_before,
    the_atomic_use_rechecks_the_start_time,
);

const EXT: &str = "invitation-enrollment-flow-external";
const OPENS: &str = "2099-01-01T12:00";

/// The dashboard's form of invitation `pk` as the editor loads it (`admin/invitations/get`).
async fn form_of(admin: &mut Client, pk: &str) -> Value {
    let (s, r) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    json!({
        "name": r["name"], "description": r["description"], "flow": r["flow_pk"],
        "expires": r["expires_input"], "never_expires": r["expires"].is_null(),
        "not_before": r["not_before_input"], "fixed_data": "", "single_use": r["single_use"],
        "quota": r["quota"].as_i64().map(|q| q.to_string()).unwrap_or_default(),
        "emails": r["emails"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect::<Vec<_>>().join("\n"),
        "roles": r["roles"], "groups": r["groups"], "enabled": r["enabled"]
    })
}

async fn a_scheduled_invitation_grants_nothing_until_it_opens(app: TestApp) {
    use usher_app::service::sightings;
    let mut admin = app.admin().await;
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "scheduled",
        EXT,
        json!({"not_before": OPENS, "quota": "5"}),
    )
    .await;
    let link = format!("/if/flow/{EXT}/?itoken={token}");

    // The dashboard: the badge says "scheduled" (status not_yet_open) and when it opens.
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["status"], "not_yet_open");
    assert_eq!(row["not_before_input"], OPENS);
    assert!(
        row["not_before_display"]
            .as_str()
            .unwrap()
            .contains("(2099-01-01 12:00 UTC)"),
        "{row}"
    );

    // The landing page: when it opens, in UTC in a <time> element, and the script that adds the local
    // time, allowed by the page's nonce.
    let mut anon = app.client();
    let page = anon.get(&link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("This invitation opens on"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(
            // Worded as the invitee's pages word every time since issue 16 (the day named, UTC on hover).
            r#"<time datetime="2099-01-01T12:00:00Z" title="Thursday, 1 January 2099, 12:00 UTC" data-local="">Thursday, 1 January 2099, 12:00 UTC"#
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Create account"), "no prompt form");
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce in the policy");
    assert!(
        page.body.contains(&format!(
            r#"<script nonce="{nonce}">document.querySelectorAll("time[data-local]")"#
        )),
        "the local-time script carries the page's nonce: {}",
        page.body
    );

    // No account through the enrollment posts; no one accepts.
    let r = enroll(&mut anon, &app.db, EXT, &token, "jane", "jane@example.com").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut bob = app.user("bob").await;
    sqlx::query("UPDATE users SET email_verified = 1 WHERE username = 'bob'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = bob.call_form("flow/accept", &[("itoken", &token)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = bob
        .call_form("flow/remember", &[("slug", EXT), ("itoken", &token)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'jane'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_uses").await, 0);

    // The refusals are recorded with their reason.
    sightings::flush(&app.db).await.unwrap();
    let sql = format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'invitation_refused' AND object_pk = '{pk}' AND context LIKE '%not_yet_open%'"
    );
    assert!(app.count(&sql).await >= 1, "a not_yet_open refusal event");

    // Time moves past the start (its start time edited into the past, through the editor).
    let mut f = form_of(&mut admin, &pk).await;
    f["not_before"] = json!("2000-01-01T00:00");
    let (s, body) = admin
        .call("admin/invitations/update", json!({"pk": pk, "form": f}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["status"], "active");
    assert_eq!(row["not_before_input"], "2000-01-01T00:00");

    let page = app.client().get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("This invitation opens on"));
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "jane",
        "jane@example.com",
    )
    .await;
    r.assert_accepted();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'jane'")
            .await,
        1
    );
    let r = bob.call_form("flow/accept", &[("itoken", &token)]).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT uses FROM invitations").await, 2);

    // Clearing the start time in the editor opens it at once (empty = none).
    f["not_before"] = json!("");
    let (s, body) = admin
        .call("admin/invitations/update", json!({"pk": pk, "form": f}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["not_before"], Value::Null);
    assert_eq!(row["not_before_input"], "");
}

async fn a_start_at_or_after_the_expiry_is_refused_and_nothing_is_saved(app: TestApp) {
    let mut admin = app.admin().await;
    let flow = app.flow_pk(EXT).await;
    let form = |not_before: &str| {
        json!({"form": {
            "name": "window", "description": "", "flow": flow, "expires": "2099-01-01T12:00",
            "never_expires": false, "not_before": not_before, "fixed_data": "", "single_use": false,
            "quota": "", "emails": "", "roles": [], "groups": [], "enabled": true
        }})
    };
    for bad in ["2099-01-01T12:00", "2099-06-01T00:00", "soon"] {
        let (s, body) = admin.call("admin/invitations/create", form(bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["Validation"][0][0], "not_before", "{bad}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    let (s, pk) = admin
        .call("admin/invitations/create", form("2099-01-01T11:59"))
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    // Editing it into a window that never opens is refused too, and changes nothing.
    let mut f = form_of(&mut admin, pk.as_str().unwrap()).await;
    f["expires"] = json!("2099-01-01T11:00");
    let (s, body) = admin
        .call("admin/invitations/update", json!({"pk": pk, "form": f}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["Validation"][0][0], "not_before", "{body}");
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["expires_input"], "2099-01-01T12:00");
    assert_eq!(row["not_before_input"], "2099-01-01T11:59");
}

/// A bearer token of `admin`.
async fn admin_token(app: &TestApp) -> String {
    usher_app::service::tokens::create(
        &app.db,
        &usher_app::domain::audit::Who::system(),
        &usher_app::domain::token::TokenDraft {
            username: "admin".into(),
            identifier: "not-before".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .secret
}

async fn rest(
    c: &mut Client,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let r = c.send(req).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

const INV: &str = "/api/v3/stages/invitation/invitations/";

async fn the_rest_api_round_trips_not_before(app: TestApp) {
    app.admin_pk().await;
    let token = admin_token(&app).await;
    let mut c = app.client();
    let (s, created) = rest(
        &mut c,
        &token,
        Method::POST,
        INV,
        Some(json!({"name": "rest-scheduled", "not_before": "2099-01-01T12:00:00Z", "expires": "2099-02-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["not_before"], "2099-01-01T12:00:00Z");
    assert_eq!(created["status"], "not_yet_open");
    let pk = created["pk"].as_str().unwrap().to_owned();
    let one = format!("{INV}{pk}/");
    let (_, got) = rest(&mut c, &token, Method::GET, &one, None).await;
    assert_eq!(got["not_before"], "2099-01-01T12:00:00Z");
    // The list shows it too.
    let (_, list) = rest(&mut c, &token, Method::GET, INV, None).await;
    assert_eq!(list["results"][0]["not_before"], "2099-01-01T12:00:00Z");
    // PATCH: at or after the expiry is refused under its name, and changes nothing.
    let (s, body) = rest(
        &mut c,
        &token,
        Method::PATCH,
        &one,
        Some(json!({"not_before": "2099-03-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.get("not_before").is_some(), "{body}");
    let (s, body) = rest(
        &mut c,
        &token,
        Method::PATCH,
        &one,
        Some(json!({"not_before": "soon"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.get("not_before").is_some(), "{body}");
    let (_, got) = rest(&mut c, &token, Method::GET, &one, None).await;
    assert_eq!(got["not_before"], "2099-01-01T12:00:00Z");
    // PATCH null: open at once.
    let (s, patched) = rest(
        &mut c,
        &token,
        Method::PATCH,
        &one,
        Some(json!({"not_before": null})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{patched}");
    assert_eq!(patched["not_before"], Value::Null);
    assert_eq!(patched["status"], "active");
    // PUT sets it again.
    let (s, put) = rest(
        &mut c,
        &token,
        Method::PUT,
        &one,
        Some(json!({"name": "rest-scheduled", "not_before": "2098-05-05T05:05:00Z"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{put}");
    assert_eq!(put["not_before"], "2098-05-05T05:05:00Z");
    assert_eq!(put["status"], "not_yet_open");
    // The OpenAPI document states the field, a nullable date-time.
    let (s, doc) = rest(&mut c, &token, Method::GET, "/api/v3/schema/", None).await;
    assert_eq!(s, StatusCode::OK);
    for schema in [
        "Invitation",
        "InvitationRequest",
        "PatchedInvitationRequest",
    ] {
        let field = &doc["components"]["schemas"][schema]["properties"]["not_before"];
        assert_eq!(field["format"], "date-time", "{schema}: {field}");
    }
}

/// Consuming a use re-checks the start time in its conditional update, at the instant it is given
/// (time injected): refused before, with when it opens, and taken at the start itself.
async fn the_atomic_use_rechecks_the_start_time(app: TestApp) {
    use usher_app::service::error::Error;
    use usher_app::service::invitations;
    let mut admin = app.admin().await;
    let (pk, _) = create_invitation(
        &app,
        &mut admin,
        "atomic",
        EXT,
        json!({"not_before": OPENS, "quota": "5"}),
    )
    .await;
    let inv = invitations::find(&app.db, &pk).await.unwrap();
    let opens = inv.not_before.expect("a start time");
    assert_eq!(opens, 4_070_952_000, "2099-01-01 12:00 UTC");
    let mut tx = app.db.begin().await.unwrap();
    let refused = invitations::consume_use(&mut tx, &inv, opens - 1).await;
    assert_eq!(refused, Err(Error::NotYetOpen(opens)));
    drop(tx);
    assert_eq!(app.count("SELECT uses FROM invitations").await, 0);
    let mut tx = app.db.begin().await.unwrap();
    invitations::consume_use(&mut tx, &inv, opens)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.count("SELECT uses FROM invitations").await, 1);
}
