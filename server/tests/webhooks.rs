//! Webhooks (issue 14 item 5) against a real HTTP receiver process on loopback
//! (`scripts/webhook-receiver.py`), on SQLite and PostgreSQL: each delivery's signature verifies with
//! the Standard Webhooks algorithm (the receiver checks it with the standard library, and with the
//! `standardwebhooks` package when installed); with the receiver down for a while and then up, every
//! delivery arrives exactly once, in order per webhook; a 500 answer is recorded and retried; a
//! private-address URL is refused at creation, and a host name resolving to loopback at delivery; a
//! rolled-back change queues no delivery; a redelivery is sent again with the same `webhook-id`.

mod common;
use axum::http::StatusCode;
use common::{create_invitation, enroll, free_port, Client, TestApp, WebhookReceiver};
use serde_json::{json, Value};
use std::time::Duration;

db_tests!(
    deliveries_arrive_signed_in_order_exactly_once,
    a_receiver_down_then_up_gets_every_delivery_once_in_order,
    an_error_answer_is_recorded_and_retried,
    private_addresses_are_refused,
    a_rolled_back_change_queues_no_delivery,
    a_redelivery_is_sent_again_with_the_same_id,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// Creates a webhook as `admin`; returns its pk and secret.
async fn create_webhook(
    admin: &mut Client,
    name: &str,
    url: &str,
    actions: &[&str],
) -> (String, String) {
    let (s, body) = admin
        .call(
            "admin/webhooks/create",
            json!({"form": {"name": name, "url": url, "actions": actions, "enabled": true}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (body["webhook"]["pk"].as_str().unwrap().to_owned(), secret)
}

async fn allow_private(admin: &mut Client, allow: bool) {
    let (s, body) = admin
        .call(
            "admin/webhooks/set_allow_private",
            json!({ "allow": allow }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// The deliveries of webhook `pk` as the admin sees them, newest first.
async fn deliveries(admin: &mut Client, pk: &str) -> Vec<Value> {
    let (s, body) = admin
        .call("admin/webhooks/deliveries", json!({"pk": pk, "page": 0}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["deliveries"].as_array().unwrap().clone()
}

/// The pks of the events of these actions recorded since (and with) event `since_pk`, in order.
async fn events_since(app: &TestApp, since_pk: &str, actions: &[&str]) -> Vec<(String, String)> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT pk, action FROM audit_events ORDER BY created, pk")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    rows.into_iter()
        .skip_while(|(pk, _)| pk != since_pk)
        .filter(|(_, a)| actions.contains(&a.as_str()))
        .collect()
}

/// The pk of the event that recorded webhook `pk`'s creation.
async fn creation_event(app: &TestApp, pk: &str) -> String {
    sqlx::query_scalar(
        "SELECT pk FROM audit_events WHERE model = 'webhook' AND object_pk = $1 AND action = 'model_created'",
    )
    .bind(pk)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// Waits up to `secs` until `check` holds for webhook `pk`'s deliveries (newest first).
async fn wait_deliveries(
    admin: &mut Client,
    pk: &str,
    secs: u64,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..secs * 10 {
        let d = deliveries(admin, pk).await;
        if check(&d) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "deliveries not as expected within {secs}s: {:?}",
        deliveries(admin, pk).await
    );
}

/// An invitation created, and used by an invitee: the receiver gets the webhook's own creation, the
/// invitation's, the account's and the use, in event order, each once, signed, and no token anywhere.
async fn deliveries_arrive_signed_in_order_exactly_once(app: TestApp) {
    let mut admin = app.admin().await;
    allow_private(&mut admin, true).await;
    let port = free_port();
    let actions = ["model_created", "invitation_used"];
    let (hook, secret) = create_webhook(
        &mut admin,
        "crm",
        &format!("http://127.0.0.1:{port}/hook"),
        &actions,
    )
    .await;
    let mut receiver = WebhookReceiver::new(port, &secret);
    receiver.start().await;
    let _worker = app.start_webhook_worker(1);
    let (inv, token) = create_invitation(&app, &mut admin, "hooked", EXT, json!({})).await;
    let mut tim = app.client();
    enroll(&mut tim, &app.db, EXT, &token, "tim", "tim@example.com").await;
    // model_updated is not a type the webhook receives: never delivered.
    let (s, _) = admin
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": inv, "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let expected = events_since(&app, &creation_event(&app, &hook).await, &actions).await;
    let kinds: Vec<&str> = expected.iter().map(|(_, a)| a.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "model_created",
            "model_created",
            "model_created",
            "invitation_used"
        ],
        "the webhook, the invitation, the account, the use"
    );
    let got = receiver.wait_for(expected.len(), 30).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got = {
        let again = receiver.received();
        assert_eq!(again.len(), got.len(), "exactly once: {again:?}");
        again
    };
    let order: Vec<(String, String)> = got
        .iter()
        .map(|d| {
            (
                d["pk"].as_str().unwrap().to_owned(),
                d["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(order, expected, "in event order");
    for d in &got {
        assert_eq!(d["id"], format!("{}:{hook}", d["pk"].as_str().unwrap()));
        assert_eq!(d["content_type"], "application/json");
        let body = &d["body"];
        assert_eq!(body["type"], body["data"]["action"]);
        assert!(body["timestamp"].as_str().unwrap().ends_with('Z'), "{body}");
        let text = body.to_string();
        assert!(!text.contains(&token), "no token in a delivery: {text}");
        assert!(!text.contains(&secret), "no secret in a delivery: {text}");
    }
    // With the `standardwebhooks` package installed, the receiver checked each signature with it too.
    let library = std::process::Command::new("python3")
        .args(["-c", "import standardwebhooks"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(got.iter().all(|d| d["library"] == library), "{got:?}");
    let used = &got[3]["body"]["data"];
    assert_eq!(used["model"], "invitation");
    assert_eq!(used["actor"]["name"], "tim");
    // The admin sees each one delivered, with the receiver's answer.
    let list = deliveries(&mut admin, &hook).await;
    assert_eq!(list.len(), 4);
    for d in &list {
        assert_eq!(
            (
                d["status"].as_str(),
                d["response_code"].as_i64(),
                d["attempts"].as_i64()
            ),
            (Some("sent"), Some(204), Some(1)),
            "{d}"
        );
    }
}

/// Three events while nothing listens: the first delivery fails and is retried (attempts counted, the
/// connection error kept, no HTTP status) and holds the other two back; once the receiver is up, all
/// three arrive once each, in event order.
async fn a_receiver_down_then_up_gets_every_delivery_once_in_order(app: TestApp) {
    let mut admin = app.admin().await;
    allow_private(&mut admin, true).await;
    let port = free_port();
    let (hook, secret) = create_webhook(
        &mut admin,
        "down",
        &format!("http://127.0.0.1:{port}/"),
        &["model_updated"],
    )
    .await;
    let _worker = app.start_webhook_worker(1);
    let (inv, _) = create_invitation(&app, &mut admin, "toggled", EXT, json!({})).await;
    for enabled in [false, true, false] {
        let (s, _) = admin
            .call(
                "admin/invitations/set_enabled",
                json!({"pk": inv, "enabled": enabled}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }
    // A claimed delivery counts its attempt while it is `sending`: wait for it to be queued again.
    let list = wait_deliveries(&mut admin, &hook, 30, |d| {
        d.len() == 3 && d[2]["attempts"].as_i64().unwrap_or(0) >= 2 && d[2]["status"] == "queued"
    })
    .await;
    let first = &list[2];
    assert_eq!(first["status"], "queued", "{first}");
    assert!(first["response_code"].is_null(), "{first}");
    assert!(!first["last_error"].as_str().unwrap().is_empty(), "{first}");
    for later in &list[..2] {
        assert_eq!(
            (later["status"].as_str(), later["attempts"].as_i64()),
            (Some("queued"), Some(0)),
            "a later delivery waits for the earlier one: {later}"
        );
    }
    let mut receiver = WebhookReceiver::new(port, &secret);
    receiver.start().await;
    // The retries made due now (the backoff would wait up to seconds more).
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = 0 WHERE channel = 'webhook' AND status = 'queued'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let got = receiver.wait_for(3, 30).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.received().len(), 3, "exactly once");
    let expected: Vec<String> =
        events_since(&app, &creation_event(&app, &hook).await, &["model_updated"])
            .await
            .into_iter()
            .map(|(pk, _)| pk)
            .collect();
    let order: Vec<String> = got
        .iter()
        .map(|d| d["pk"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, expected, "in event order");
    let diffs: Vec<bool> = got
        .iter()
        .map(|d| {
            d["body"]["data"]["context"]["diff"]["enabled"]["new"]
                .as_bool()
                .unwrap()
        })
        .collect();
    assert_eq!(diffs, [false, true, false]);
    let list = wait_deliveries(&mut admin, &hook, 10, |d| {
        d.iter().all(|d| d["status"] == "sent")
    })
    .await;
    assert!(list[2]["attempts"].as_i64().unwrap() >= 3, "{:?}", list[2]);
    assert_eq!(list[2]["response_code"], 204);
}

/// A receiver answering 500: the status and the answer's text are recorded and the delivery retried.
async fn an_error_answer_is_recorded_and_retried(app: TestApp) {
    let mut admin = app.admin().await;
    allow_private(&mut admin, true).await;
    let port = free_port();
    let (hook, secret) = create_webhook(
        &mut admin,
        "broken",
        &format!("http://127.0.0.1:{port}/"),
        &["*"],
    )
    .await;
    let mut receiver = WebhookReceiver::new(port, &secret).answering(500);
    receiver.start().await;
    let _worker = app.start_webhook_worker(1);
    let list = wait_deliveries(&mut admin, &hook, 30, |d| {
        d.len() == 1 && d[0]["attempts"].as_i64().unwrap_or(0) >= 2 && d[0]["status"] == "queued"
    })
    .await;
    let d = &list[0];
    assert_eq!(d["event_type"], "model_created", "its own creation: {d}");
    assert_eq!(d["response_code"], 500);
    assert_eq!(d["status"], "queued");
    assert_eq!(d["last_error"], "HTTP 500: receiver told to fail");
    // Each attempt reached the receiver, signed, with the same id.
    let got = receiver.received();
    assert!(got.len() >= 2, "{got:?}");
    assert!(got.iter().all(|g| g["id"] == got[0]["id"]), "{got:?}");
}

/// With private addresses not allowed, a private or loopback IP is refused at creation, and a host
/// name resolving to loopback (`localhost`) at delivery: nothing reaches the receiver.
async fn private_addresses_are_refused(app: TestApp) {
    let mut admin = app.admin().await;
    let port = free_port();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        "http://10.0.0.1/".to_owned(),
        "http://[::1]/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let (s, body) = admin
            .call(
                "admin/webhooks/create",
                json!({"form": {"name": "p", "url": url, "actions": [], "enabled": true}}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert!(
            body.to_string()
                .contains("This address is private or loopback"),
            "{url}: {body}"
        );
    }
    for url in [
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "not a url",
    ] {
        let (s, body) = admin
            .call(
                "admin/webhooks/create",
                json!({"form": {"name": "p", "url": url, "actions": [], "enabled": true}}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert!(
            body.to_string().contains("Enter an http(s) URL"),
            "{url}: {body}"
        );
    }
    let (s, body) = admin
        .call(
            "admin/webhooks/create",
            json!({"form": {"name": "p", "url": "https://hooks.example.com/", "actions": ["nope"], "enabled": true}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM webhooks").await, 0);
    // A host name is checked when it is resolved, at delivery.
    let (hook, secret) = create_webhook(
        &mut admin,
        "sneaky",
        &format!("http://localhost:{port}/"),
        &["*"],
    )
    .await;
    let mut receiver = WebhookReceiver::new(port, &secret);
    receiver.start().await;
    let _worker = app.start_webhook_worker(1);
    let list = wait_deliveries(&mut admin, &hook, 30, |d| {
        d.len() == 1 && d[0]["attempts"].as_i64().unwrap_or(0) >= 1 && d[0]["status"] == "queued"
    })
    .await;
    let error = list[0]["last_error"].as_str().unwrap();
    assert!(
        error.starts_with("refused: localhost is ") && error.contains("loopback or private"),
        "{error}"
    );
    assert!(list[0]["response_code"].is_null());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(receiver.received().is_empty());
    // Allowed, the same delivery goes through.
    allow_private(&mut admin, true).await;
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = 0 WHERE channel = 'webhook' AND status = 'queued'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let got = receiver.wait_for(1, 30).await;
    assert_eq!(got[0]["id"], list[0]["pk"]);
}

/// A delivery is queued in the event's transaction: rolled back, there is none; committed, one.
async fn a_rolled_back_change_queues_no_delivery(app: TestApp) {
    let mut admin = app.admin().await;
    let (hook, _) = create_webhook(
        &mut admin,
        "tx",
        "https://hooks.example.com/",
        &["model_deleted"],
    )
    .await;
    let event = || {
        usher_app::domain::audit::Who::system().event(
            usher_app::domain::audit::Action::ModelDeleted,
            usher_app::domain::audit::Model::Invitation,
            "x",
            json!({}),
        )
    };
    let mut tx = app.db.begin().await.unwrap();
    usher_app::service::audit::record(&mut *tx, event())
        .await
        .unwrap();
    drop(tx);
    let queued = "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook'";
    assert_eq!(app.count(queued).await, 0);
    // A refused change records no event, so queues nothing either.
    let (s, _) = admin
        .call("admin/invitations/delete", json!({"pk": "no-such-pk"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.count(queued).await, 0);
    let mut tx = app.db.begin().await.unwrap();
    usher_app::service::audit::record(&mut *tx, event())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.count(queued).await, 1);
    // Outside a transaction, the event and its delivery are written on one connection.
    usher_app::service::audit::record(&app.db.pool, event())
        .await
        .unwrap();
    assert_eq!(app.count(queued).await, 2);
    // A disabled webhook is queued nothing.
    let (s, _) = admin
        .call(
            "admin/webhooks/set_enabled",
            json!({"pk": hook, "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    usher_app::service::audit::record(&app.db.pool, event())
        .await
        .unwrap();
    assert_eq!(app.count(queued).await, 2);
}

/// "Redeliver" sends a delivered delivery again, after the webhook's others, with the same
/// `webhook-id` (Standard Webhooks: the id stays when a message is sent again); one still on its way
/// cannot be redelivered.
async fn a_redelivery_is_sent_again_with_the_same_id(app: TestApp) {
    let mut admin = app.admin().await;
    allow_private(&mut admin, true).await;
    let port = free_port();
    let (hook, secret) = create_webhook(
        &mut admin,
        "again",
        &format!("http://127.0.0.1:{port}/"),
        &["model_created"],
    )
    .await;
    let mut receiver = WebhookReceiver::new(port, &secret);
    receiver.start().await;
    let worker = app.start_webhook_worker(1);
    let first = receiver.wait_for(1, 30).await[0].clone();
    let list = wait_deliveries(&mut admin, &hook, 10, |d| {
        d.len() == 1 && d[0]["status"] == "sent"
    })
    .await;
    assert_eq!(list[0]["redeliverable"], true);
    let (s, body) = admin
        .call(
            "admin/webhooks/redeliver",
            json!({"webhook": hook, "pk": list[0]["pk"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let got = receiver.wait_for(2, 30).await;
    assert_eq!(got[1]["id"], first["id"]);
    assert_eq!(got[1]["body"], first["body"]);
    let list = wait_deliveries(&mut admin, &hook, 10, |d| {
        d.len() == 2 && d.iter().all(|d| d["status"] == "sent")
    })
    .await;
    assert_eq!(list[0]["message_id"], list[1]["pk"], "{list:?}");
    // One still queued is refused.
    worker.abort();
    let (_, _) = create_invitation(&app, &mut admin, "later", EXT, json!({})).await;
    let list = deliveries(&mut admin, &hook).await;
    assert_eq!(list[0]["status"], "queued");
    let (s, body) = admin
        .call(
            "admin/webhooks/redeliver",
            json!({"webhook": hook, "pk": list[0]["pk"]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, _) = admin
        .call(
            "admin/webhooks/redeliver",
            json!({"webhook": hook, "pk": "nope"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
