//! Campaigns through the REST API (issue 15 item 3), on SQLite and PostgreSQL: a campaign's whole life
//! (create, bulk dry run that writes nothing, bulk apply, recipients with their states and the state
//! filter, resend, revoke one, revoke all, replace, delete); bad definitions and malformed rows refused
//! in DRF's shape with nothing written; every route's authorization (no token 401, a non-superuser's
//! 403); and the OpenAPI document listing the routes with the constraints the server enforces.

mod common;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Response, TestApp};
use serde_json::{json, Value};
use usher_app::domain::campaign::MAX_IMPORT_ROWS;
use usher_app::domain::token::{parse_expiry, TokenDraft};
use usher_app::service::tokens;

db_tests!(
    a_campaign_lives_through_the_api,
    bad_definitions_and_rows_are_refused_and_write_nothing,
    every_campaign_route_authorizes_tokens,
);

const CAMPAIGNS: &str = "/api/v3/usher/campaigns/";
const EXT: &str = "invitation-enrollment-flow-external";

async fn token(app: &TestApp, username: &str) -> String {
    let form = TokenDraft {
        username: username.into(),
        identifier: format!("{username}-{}", uuid::Uuid::new_v4()),
        description: String::new(),
        expires: parse_expiry("").expect("an expiry"),
    };
    tokens::create(&app.db, &usher_app::domain::audit::Who::system(), &form)
        .await
        .unwrap()
        .secret
}

/// The superuser `admin` (email `admin@usher.test`) and a token of theirs.
async fn admin_token(app: &TestApp) -> String {
    app.admin_pk().await;
    token(app, "admin").await
}

async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT, "application/json");
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    app.client().send(req).await
}

/// Creates a campaign through the API; returns its JSON.
async fn create(app: &TestApp, t: &str, body: Value) -> Value {
    let r = api(app, Method::POST, CAMPAIGNS, Some(t), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

/// What a campaign's writes touch: campaigns, recipients, invitations, queued emails, events.
async fn snapshot(app: &TestApp) -> [i64; 5] {
    [
        app.count("SELECT COUNT(*) FROM campaigns").await,
        app.count("SELECT COUNT(*) FROM campaign_recipients").await,
        app.count("SELECT COUNT(*) FROM invitations").await,
        app.count("SELECT COUNT(*) FROM outbox").await,
        app.count("SELECT COUNT(*) FROM audit_events").await,
    ]
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

async fn a_campaign_lives_through_the_api(app: TestApp) {
    let t = admin_token(&app).await;
    usher_app::service::directory::create(
        &app.db,
        usher_app::service::directory::Kind::Role,
        "editor",
    )
    .await
    .unwrap();
    usher_app::service::directory::create(
        &app.db,
        usher_app::service::directory::Kind::Group,
        "engineering-team",
    )
    .await
    .unwrap();
    let flow = app.flow_pk(EXT).await;
    let expires = in_days(30);
    let c = create(
        &app,
        &t,
        json!({
            "name": " spring-hires ", "description": "New hires", "flow": flow, "expires": expires,
            "fixed_data": {"attributes": {"cohort": "2027"}}, "email_subject": "Join us",
            "email_message": "Welcome aboard.", "reminder_days": [1, 7], "digest": true,
            "roles": ["editor"], "groups": ["engineering-team"]
        }),
    )
    .await;
    let pk = c["pk"].as_str().unwrap().to_owned();
    assert_eq!(c["name"], "spring-hires");
    assert_eq!(c["flow"], flow.as_str());
    assert_eq!(c["flow_slug"], EXT);
    assert_eq!(c["expires"], expires.as_str());
    assert_eq!(c["not_before"], Value::Null);
    assert_eq!(c["fixed_data"], json!({"attributes": {"cohort": "2027"}}));
    assert_eq!(c["reminder_days"], json!([7, 1]));
    assert_eq!(c["digest"], true);
    assert_eq!(c["roles"], json!(["editor"]));
    assert_eq!(c["groups"], json!(["engineering-team"]));
    assert_eq!(c["created_by"], "admin");
    assert_eq!(c["recipients"], 0);
    assert_eq!(c["counts"]["delivery_failed"], 0);
    assert!(c["created"].as_str().unwrap().ends_with('Z'));

    // Listed, paginated as authentik's lists.
    let r = api(&app, Method::GET, CAMPAIGNS, Some(&t), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["pagination"]["count"], 1);
    assert_eq!(r.json()["results"][0]["pk"], pk.as_str());
    let r = api(
        &app,
        Method::GET,
        &format!("{CAMPAIGNS}?page=2"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let rows = json!([
        {"email": "Ann@Example.com", "name": "Ann", "username": "ann", "attributes": {"team": "red", "level": 2}},
        {"email": "admin@usher.test", "name": "The admin"},
        {"email": "ann@example.com"},
        {"email": "not an address"},
        {"email": "bo@example.com", "attributes": {"team": "blue"}},
    ]);
    let bulk = format!("{CAMPAIGNS}{pk}/recipients/bulk/");
    let before = snapshot(&app).await;
    let r = api(
        &app,
        Method::POST,
        &bulk,
        Some(&t),
        Some(json!({"rows": rows, "dry_run": true})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let dry = r.json();
    assert_eq!(snapshot(&app).await, before, "a dry run writes nothing");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        dry["counts"],
        json!({"new": 2, "join": 1, "duplicate": 1, "invalid": 1})
    );
    let kinds: Vec<(i64, &str, &str)> = dry["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["email"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (1, "Ann@Example.com", "new"),
            (2, "admin@usher.test", "join"),
            (3, "ann@example.com", "duplicate"),
            (4, "not an address", "invalid"),
            (5, "bo@example.com", "new"),
        ]
    );
    assert_eq!(
        dry["rows"][2]["detail"],
        "Duplicate: the same address as line 1."
    );
    assert_eq!(
        dry["rows"][1]["detail"],
        "Already a user (admin): will be invited to join."
    );

    let r = api(
        &app,
        Method::POST,
        &bulk,
        Some(&t),
        Some(json!({"rows": rows, "dry_run": false})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let applied = r.json();
    assert_eq!(applied["dry_run"], false);
    assert_eq!(applied["counts"], dry["counts"]);
    assert_eq!(applied["rows"], dry["rows"]);
    let after = snapshot(&app).await;
    assert_eq!(after[1] - before[1], 3, "three recipients");
    assert_eq!(after[2] - before[2], 3, "an invitation each");
    assert_eq!(after[3] - before[3], 3, "an email each");
    let fixed: String = sqlx::query_scalar(
        "SELECT fixed_data FROM campaign_recipients WHERE email = 'ann@example.com'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let fixed: Value = serde_json::from_str(&fixed).unwrap();
    assert_eq!(fixed["username"], "ann");
    assert_eq!(
        fixed["attributes"],
        json!({"cohort": "2027", "team": "red", "level": 2})
    );

    // Applying the same rows again adds nobody: they are all recipients already.
    let r = api(
        &app,
        Method::POST,
        &bulk,
        Some(&t),
        Some(json!({"rows": rows, "dry_run": false})),
    )
    .await;
    assert_eq!(
        r.json()["counts"],
        json!({"new": 0, "join": 0, "duplicate": 4, "invalid": 1})
    );
    assert_eq!(snapshot(&app).await[1], after[1]);

    // Recipients with their states; one delivery failed.
    let recipients = format!("{CAMPAIGNS}{pk}/recipients/");
    let r = api(&app, Method::GET, &recipients, Some(&t), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.json();
    assert_eq!(list["pagination"]["count"], 3);
    let emails: Vec<&str> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    let mut sorted = emails.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["admin@usher.test", "ann@example.com", "bo@example.com"]
    );
    for r in list["results"].as_array().unwrap() {
        assert_eq!(r["state"], "queued", "{r}");
        assert!(r["invitation"].is_string());
        assert_eq!(r["reminders_sent"], 0);
    }
    let admin_row = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "admin@usher.test")
        .unwrap();
    assert_eq!(admin_row["join_as"], "admin");
    let bo = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "bo@example.com")
        .unwrap()
        .clone();
    sqlx::query("UPDATE outbox SET status = 'failed' WHERE invitation_pk = $1")
        .bind(bo["invitation"].as_str().unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = api(
        &app,
        Method::GET,
        &format!("{recipients}?state=delivery_failed"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["pagination"]["count"], 1);
    assert_eq!(r.json()["results"][0]["email"], "bo@example.com");
    assert_eq!(r.json()["results"][0]["state"], "delivery_failed");
    let r = api(
        &app,
        Method::GET,
        &format!("{recipients}?state=queued&page_size=1&page=2"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.json()["pagination"]["count"], 2);
    assert_eq!(r.json()["results"].as_array().unwrap().len(), 1);
    let c = api(
        &app,
        Method::GET,
        &format!("{CAMPAIGNS}{pk}/"),
        Some(&t),
        None,
    )
    .await
    .json();
    assert_eq!(c["recipients"], 3);
    assert_eq!(c["counts"]["queued"], 2);
    assert_eq!(c["counts"]["delivery_failed"], 1);

    // Resend reaches every pending recipient; revoke one, then all the rest.
    let r = api(
        &app,
        Method::POST,
        &format!("{CAMPAIGNS}{pk}/resend/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"sent": 3}));
    assert_eq!(snapshot(&app).await[3], after[3] + 3);
    let r = api(
        &app,
        Method::POST,
        &format!(
            "{CAMPAIGNS}{pk}/recipients/{}/revoke/",
            bo["pk"].as_str().unwrap()
        ),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE enabled = 0 AND pk = '{}'",
            bo["invitation"].as_str().unwrap()
        ))
        .await,
        1,
        "the revoked recipient's invitation is off"
    );
    let r = api(
        &app,
        Method::GET,
        &format!("{recipients}?state=revoked"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.json()["results"][0]["email"], "bo@example.com");
    let r = api(
        &app,
        Method::POST,
        &format!("{CAMPAIGNS}{pk}/recipients/00000000-0000-4000-8000-000000000000/revoke/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "an unknown recipient");
    let r = api(
        &app,
        Method::POST,
        &format!("{CAMPAIGNS}{pk}/revoke_all/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"revoked": 2}));
    let c = api(
        &app,
        Method::GET,
        &format!("{CAMPAIGNS}{pk}/"),
        Some(&t),
        None,
    )
    .await
    .json();
    assert_eq!(c["counts"]["revoked"], 3);

    // PUT replaces the definition: fields not given take their defaults.
    let r = api(
        &app,
        Method::PUT,
        &format!("{CAMPAIGNS}{pk}/"),
        Some(&t),
        Some(json!({"name": "autumn-hires", "expires": expires, "description": "Renamed"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let c = r.json();
    assert_eq!(c["name"], "autumn-hires");
    assert_eq!(c["description"], "Renamed");
    assert_eq!(c["flow_slug"], "default-enrollment-flow");
    assert_eq!(c["reminder_days"], json!([]));
    assert_eq!(c["roles"], json!([]));
    assert_eq!(c["email_subject"], "");
    assert_eq!(c["recipients"], 3);

    // DELETE removes the campaign, its recipients and their invitations.
    let r = api(
        &app,
        Method::DELETE,
        &format!("{CAMPAIGNS}{pk}/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    for path in [format!("{CAMPAIGNS}{pk}/"), recipients.clone()] {
        let r = api(&app, Method::GET, &path, Some(&t), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json(), json!({"detail": "Not found."}));
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM campaigns").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM campaign_recipients").await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
}

async fn bad_definitions_and_rows_are_refused_and_write_nothing(app: TestApp) {
    let t = admin_token(&app).await;
    let c = create(&app, &t, json!({"name": "kept"})).await;
    let pk = c["pk"].as_str().unwrap().to_owned();
    let before = snapshot(&app).await;
    let past = in_days(-1);
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({"name": "a b"}), &["name"]),
        (json!({"name": "x".repeat(37)}), &["name"]),
        (json!({"name": "kept"}), &["name"]),
        (json!({"description": "no name"}), &["name"]),
        (json!({"name": "ok", "expires": past}), &["expires"]),
        (json!({"name": "ok", "expires": "soon"}), &["expires"]),
        (
            json!({"name": "ok", "reminder_days": [3]}),
            &["reminder_days"],
        ),
        (
            json!({"name": "ok", "expires": in_days(5), "reminder_days": [1, 2, 3, 4, 5, 6]}),
            &["reminder_days"],
        ),
        (
            json!({"name": "ok", "expires": in_days(5), "reminder_days": [366]}),
            &["reminder_days"],
        ),
        (
            json!({"name": "ok", "expires": in_days(5), "not_before": in_days(6)}),
            &["not_before"],
        ),
        (json!({"name": "ok", "roles": ["no-such-role"]}), &["roles"]),
        (
            json!({"name": "ok", "groups": ["no-such-group"]}),
            &["groups"],
        ),
        (
            json!({"name": "ok", "flow": "00000000-0000-4000-8000-000000000000"}),
            &["flow"],
        ),
        (
            json!({"name": "ok", "email_subject": "a".repeat(201)}),
            &["email_subject"],
        ),
        (
            json!({"name": "ok", "email_subject": "two\nlines"}),
            &["email_subject"],
        ),
        (
            json!({"name": "ok", "email_message": "m".repeat(2001)}),
            &["email_message"],
        ),
        (
            json!({"name": "ok", "fixed_data": {"email": "not-an-address"}}),
            &["fixed_data"],
        ),
        (json!({"name": "ok", "digest": "perhaps"}), &["digest"]),
        (json!([]), &["non_field_errors"]),
    ];
    for (body, fields) in cases {
        let r = api(&app, Method::POST, CAMPAIGNS, Some(&t), Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        let got = r.json();
        let mut keys: Vec<&str> = got
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, fields, "{body}: {got}");
        for (_, msgs) in got.as_object().unwrap() {
            assert!(
                msgs.as_array()
                    .is_some_and(|m| m.iter().all(Value::is_string)),
                "DRF's shape: {got}"
            );
        }
        // The same body replacing the kept campaign is refused too (its own name is not taken by it).
        if body.get("name") != Some(&json!("kept")) {
            let r = api(
                &app,
                Method::PUT,
                &format!("{CAMPAIGNS}{pk}/"),
                Some(&t),
                Some(body.clone()),
            )
            .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "PUT {body}: {}", r.body);
        }
    }
    let r = api(
        &app,
        Method::POST,
        CAMPAIGNS,
        Some(&t),
        Some(json!({"name": "ok", "reminder_days": [3]})),
    )
    .await;
    assert_eq!(
        r.json(),
        json!({"reminder_days": ["Reminders are sent before expiry: set an expiry, or no reminders."]})
    );
    let r = api(
        &app,
        Method::POST,
        CAMPAIGNS,
        Some(&t),
        Some(json!({"name": "ok", "roles": ["no-such-role"]})),
    )
    .await;
    assert_eq!(r.json(), json!({"roles": ["Unknown role: no-such-role"]}));

    // Malformed rows, or a malformed bulk body, are refused as a whole: nothing is written.
    let bulk = format!("{CAMPAIGNS}{pk}/recipients/bulk/");
    let bad_bulks: Vec<(Value, Value)> = vec![
        (
            json!({"rows": [{"email": "a@example.com"}, {"email": 42}], "dry_run": false}),
            json!({"rows": ["Row 2: email: Not a valid string."]}),
        ),
        (
            json!({"rows": [{"email": "a@example.com", "attributes": ["x"]}], "dry_run": false}),
            json!({"rows": ["Row 1: attributes: Expected a dictionary of items."]}),
        ),
        (
            json!({"rows": ["a@example.com"], "dry_run": false}),
            json!({"rows": ["Row 1: Invalid data. Expected a dictionary, but got str."]}),
        ),
        (
            json!({"rows": "a@example.com", "dry_run": false}),
            json!({"rows": ["Expected a list of items but got type \"str\"."]}),
        ),
        (
            json!({"rows": [{"email": "a@example.com"}]}),
            json!({"dry_run": ["This field is required."]}),
        ),
        (
            json!({"rows": [], "dry_run": true}),
            json!({"rows": ["Give at least one recipient."]}),
        ),
    ];
    for (body, want) in bad_bulks {
        let r = api(&app, Method::POST, &bulk, Some(&t), Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!(r.json(), want, "{body}");
    }
    let r = api(&app, Method::POST, &bulk, Some(&t), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no body: {}", r.body);
    // One row too many, in a body past axum's default 2 MB limit (the bulk route takes up to 64 MiB):
    // refused by its row count, with the CSV import's message.
    let padding = "x".repeat(40);
    let many: Vec<Value> = (0..=MAX_IMPORT_ROWS)
        .map(|i| json!({"email": format!("user{i}@example.com"), "name": padding}))
        .collect();
    let body = json!({"rows": many, "dry_run": true});
    assert!(body.to_string().len() > 2 * 1024 * 1024);
    let r = api(&app, Method::POST, &bulk, Some(&t), Some(body)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json(),
        json!({"rows": ["At most 50,000 recipients per import."]})
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "refused requests write nothing"
    );
    assert_eq!(
        api(
            &app,
            Method::GET,
            &format!("{CAMPAIGNS}{pk}/"),
            Some(&t),
            None
        )
        .await
        .json()["name"],
        "kept"
    );

    // Unknown campaigns, malformed pks and unknown states.
    for path in [
        format!("{CAMPAIGNS}00000000-0000-4000-8000-000000000000/"),
        format!("{CAMPAIGNS}kept/"),
        format!("{CAMPAIGNS}00000000-0000-4000-8000-000000000000/recipients/"),
    ] {
        let r = api(&app, Method::GET, &path, Some(&t), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = api(
        &app,
        Method::POST,
        &format!("{CAMPAIGNS}00000000-0000-4000-8000-000000000000/recipients/bulk/"),
        Some(&t),
        Some(json!({"rows": [{"email": "a@example.com"}], "dry_run": true})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api(
        &app,
        Method::GET,
        &format!("{CAMPAIGNS}{pk}/recipients/?state=lost"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json(),
        json!({"state": ["Select a valid choice. lost is not one of the available choices."]})
    );
    let r = api(
        &app,
        Method::PATCH,
        &format!("{CAMPAIGNS}{pk}/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

async fn every_campaign_route_authorizes_tokens(app: TestApp) {
    let good = admin_token(&app).await;
    let c = create(&app, &good, json!({"name": "matrix"})).await;
    let pk = c["pk"].as_str().unwrap().to_owned();
    let r = api(
        &app,
        Method::POST,
        &format!("{CAMPAIGNS}{pk}/recipients/bulk/"),
        Some(&good),
        Some(json!({"rows": [{"email": "m@example.com"}], "dry_run": false})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let recipient: String = sqlx::query_scalar("SELECT pk FROM campaign_recipients")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    app.user("bob").await;
    let bob = token(&app, "bob").await;
    let one = format!("{CAMPAIGNS}{pk}/");
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, CAMPAIGNS.into(), None),
        (
            Method::POST,
            CAMPAIGNS.into(),
            Some(json!({"name": "matrix-new"})),
        ),
        (Method::GET, one.clone(), None),
        (
            Method::PUT,
            one.clone(),
            Some(json!({"name": "matrix-renamed"})),
        ),
        (Method::GET, format!("{one}recipients/"), None),
        (
            Method::POST,
            format!("{one}recipients/bulk/"),
            Some(json!({"rows": [{"email": "n@example.com"}], "dry_run": false})),
        ),
        (Method::POST, format!("{one}resend/"), None),
        (
            Method::POST,
            format!("{one}recipients/{recipient}/revoke/"),
            None,
        ),
        (Method::POST, format!("{one}revoke_all/"), None),
        (Method::DELETE, one.clone(), None),
    ];
    for (method, path, body) in routes {
        let before = snapshot(&app).await;
        for (case, bearer, status, detail) in [
            (
                "no token",
                None,
                StatusCode::UNAUTHORIZED,
                "Authentication credentials were not provided.",
            ),
            (
                "bad token",
                Some("not-a-token"),
                StatusCode::UNAUTHORIZED,
                "Invalid token.",
            ),
            (
                "non-superuser",
                Some(bob.as_str()),
                StatusCode::FORBIDDEN,
                "You do not have permission to perform this action.",
            ),
        ] {
            let r = api(&app, method.clone(), &path, bearer, body.clone()).await;
            assert_eq!(r.status, status, "{method} {path} {case}: {}", r.body);
            assert_eq!(
                r.json(),
                json!({"detail": detail}),
                "{method} {path} {case}"
            );
        }
        assert_eq!(
            snapshot(&app).await,
            before,
            "{method} {path}: refused requests write nothing"
        );
        let r = api(&app, method.clone(), &path, Some(&good), body.clone()).await;
        assert!(
            r.status.is_success(),
            "{method} {path} superuser: {} {}",
            r.status,
            r.body
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM campaigns WHERE name = 'matrix-renamed'")
            .await,
        0,
        "deleted last"
    );
}

/// The OpenAPI document lists every campaign route (each answering 401 without a token, and
/// documenting 401, 403 and 429), under the tag `campaigns`, with the constraints the server enforces:
/// the name's pattern and length are exactly `CampaignName`'s, the reminder schedule's bounds, the
/// subject and message lengths, the bulk body's 50,000 rows; creating links to the operations on the new
/// campaign by its `pk`.
#[tokio::test]
async fn the_openapi_document_lists_the_campaign_routes_and_their_constraints() {
    use usher_app::domain::campaign::{CampaignName, MAX_NAME_LEN};
    use usher_server::rest::campaigns::CAMPAIGN_NAME_PATTERN;
    let app = TestApp::sqlite().await;
    let r = app.client().get("/api/v3/schema/").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    let expected = [
        ("/usher/campaigns/", &["get", "post"][..]),
        (
            "/usher/campaigns/{campaign_uuid}/",
            &["get", "put", "delete"][..],
        ),
        ("/usher/campaigns/{campaign_uuid}/recipients/", &["get"][..]),
        (
            "/usher/campaigns/{campaign_uuid}/recipients/bulk/",
            &["post"][..],
        ),
        ("/usher/campaigns/{campaign_uuid}/resend/", &["post"][..]),
        (
            "/usher/campaigns/{campaign_uuid}/revoke_all/",
            &["post"][..],
        ),
        (
            "/usher/campaigns/{campaign_uuid}/recipients/{recipient_uuid}/revoke/",
            &["post"][..],
        ),
    ];
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(
        paths.keys().filter(|p| p.starts_with("/usher/")).count(),
        expected.len()
    );
    for (path, methods) in expected {
        let item = paths.get(path).unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(item.as_object().unwrap().len(), methods.len(), "{path}");
        for m in methods {
            let op = &item[*m];
            assert_eq!(op["tags"], json!(["campaigns"]), "{m} {path}");
            for status in ["401", "403", "429"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{m} {path} documents no {status}"
                );
            }
            let method = Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let concrete = format!(
                "/api/v3{}",
                path.replace("{campaign_uuid}", "00000000-0000-4000-8000-000000000000")
                    .replace("{recipient_uuid}", "00000000-0000-4000-8000-000000000001")
            );
            let res = api(&app, method, &concrete, None, None).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{m} {concrete}");
        }
    }
    assert!(doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "campaigns"));

    let schemas = &doc["components"]["schemas"];
    let p = &schemas["CampaignRequest"]["properties"];
    assert_eq!(schemas["CampaignRequest"]["required"], json!(["name"]));
    assert_eq!(p["name"]["pattern"], CAMPAIGN_NAME_PATTERN);
    assert_eq!(p["name"]["maxLength"], MAX_NAME_LEN);
    assert_eq!(p["name"]["minLength"], 1);
    assert!(CampaignName::parse(&"x".repeat(MAX_NAME_LEN)).is_ok());
    assert!(CampaignName::parse(&"x".repeat(MAX_NAME_LEN + 1)).is_err());
    assert_eq!(p["email_subject"]["maxLength"], 200);
    assert_eq!(p["email_message"]["maxLength"], 2000);
    assert_eq!(p["reminder_days"]["maxItems"], 5);
    assert_eq!(p["reminder_days"]["items"]["minimum"], 0);
    assert_eq!(p["reminder_days"]["items"]["maximum"], 365);
    assert_eq!(p["reminder_days"]["items"]["type"], "integer");
    assert_eq!(p["fixed_data"]["properties"]["email"]["format"], "email");
    for (field, ty) in [
        ("description", "string"),
        ("email_subject", "string"),
        ("email_message", "string"),
        ("digest", "boolean"),
        ("roles", "array"),
        ("groups", "array"),
    ] {
        assert_eq!(p[field]["type"], ty, "{field} is not nullable");
    }
    for field in ["expires", "not_before", "flow"] {
        assert!(
            p[field]["type"]
                .as_array()
                .unwrap()
                .contains(&json!("null")),
            "{field} takes null"
        );
    }
    let bulk = &schemas["BulkRecipientsRequest"];
    assert_eq!(bulk["properties"]["rows"]["maxItems"], MAX_IMPORT_ROWS);
    assert_eq!(bulk["properties"]["rows"]["minItems"], 1);
    let mut required: Vec<&str> = bulk["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["dry_run", "rows"]);
    assert_eq!(
        schemas["RecipientStateEnum"]["enum"],
        json!([
            "queued",
            "sent",
            "delivery_failed",
            "viewed",
            "joined",
            "expired",
            "revoked"
        ])
    );

    let links = doc["paths"]["/usher/campaigns/"]["post"]["responses"]["201"]["links"]
        .as_object()
        .expect("create links to the new campaign's operations");
    let mut targets: Vec<&str> = links
        .values()
        .map(|l| {
            assert_eq!(
                l["parameters"],
                json!({"campaign_uuid": "$response.body#/pk"})
            );
            l["operationId"].as_str().unwrap()
        })
        .collect();
    targets.sort_unstable();
    let mut on_one: Vec<&str> = paths
        .iter()
        .filter(|(path, _)| path.contains("{campaign_uuid}") && !path.contains("{recipient_uuid}"))
        .flat_map(|(_, item)| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    on_one.sort_unstable();
    assert_eq!(targets, on_one);
}
