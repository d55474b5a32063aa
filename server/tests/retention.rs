//! Storage that stops growing (issue 12 item 11): a delivered code leaves no plaintext in the outbox;
//! the schedule deletes expired verifications, rate-limit buckets and old messages (keeping an existing
//! invitation's delivered link); an anonymous visitor's flow plan lives an hour, not 14 days.

mod common;
use common::{free_port, unfold_qp, Client, Response, SmtpSink, TestApp};
use serde_json::json;
use usher_app::service::retention;

db_tests!(
    a_delivered_code_leaves_no_plaintext_in_the_outbox,
    pruning_deletes_what_nothing_reads,
    events_are_kept_for_their_retention_then_pruned,
);

/// Events live `USHER_EVENT_RETENTION_DAYS` (here the default, 365), then the schedule deletes them.
async fn events_are_kept_for_their_retention_then_pruned(app: TestApp) {
    let mut admin = app.admin().await;
    common::create_invitation(&app, &mut admin, "kept", EXT, json!({})).await;
    let events = app.count("SELECT COUNT(*) FROM audit_events").await;
    assert!(events >= 2, "the admin's and the invitation's creation");
    let now = usher_app::service::time::now();
    let day = 86_400;
    let p = retention::prune(&app.db, &app.state.config, now + 364 * day)
        .await
        .unwrap();
    assert_eq!(p.events, 0, "kept for a year");
    let p = retention::prune(&app.db, &app.state.config, now + 366 * day)
        .await
        .unwrap();
    assert_eq!(p.events as i64, events);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events").await, 0);
}

const EXT: &str = "invitation-enrollment-flow-external";

async fn prompts(c: &mut Client, token: &str, username: &str, email: &str) -> Response {
    common::submit_stage(
        c,
        EXT,
        token,
        "1",
        &[
            ("username", username),
            ("name", "Jane"),
            ("email", email),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await
}

async fn bodies(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT status, body_text, body_html FROM outbox ORDER BY created")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

fn max_age(r: &Response) -> i64 {
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("usher_session="))
        .unwrap_or_else(|| panic!("no session cookie: {:?}", r.headers));
    cookie
        .split("Max-Age=")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Max-Age: {cookie}"))
}

async fn a_delivered_code_leaves_no_plaintext_in_the_outbox(app: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    app.with_email_stages().await;
    let sink = SmtpSink::start(free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    let mut jane = app.client();
    let r = prompts(&mut jane, &token, "jane", "jane@example.com").await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    // The anonymous visitor's session (holding only the flow plan) lives an hour.
    assert_eq!(
        max_age(&r),
        usher_app::service::enrollment::FLOW_PLAN_IDLE_SECS
    );
    let messages = sink.wait_for(1, 30).await;
    let code = common::code_in(&unfold_qp(messages[0]["data"].as_str().unwrap()))
        .expect("the delivered message carries the code");
    let mut stored = Vec::new();
    for _ in 0..100 {
        stored = bodies(&app).await;
        if stored[0].0 == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (status, text, html) = &stored[0];
    assert_eq!(status, "sent");
    assert!(!text.contains(&code) && !html.contains(&code), "{text}");
    assert!(
        text.contains(usher_app::store::outbox::SECRET_REMOVED),
        "{text}"
    );
    // The code itself still works: only its stored copy is gone.
    let r = common::submit_stage(&mut jane, EXT, &token, "2", &[("code", &code)]).await;
    r.assert_accepted();
    // Signed in, the session lives the usual 14 days.
    assert_eq!(max_age(&r), usher_app::service::auth::SESSION_IDLE_SECS);
}

async fn pruning_deletes_what_nothing_reads(app: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    // An invitation emailed to Jane (its message carries the current link) and a code for Bob.
    let (pk, token) = common::create_invitation(
        &app,
        &mut admin,
        "team",
        EXT,
        json!({"fixed_data": "email: jane@example.com\n"}),
    )
    .await;
    let r = prompts(&mut app.client(), &token, "bob", "bob@example.com").await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    let now = usher_app::service::time::now();
    let pks: Vec<String> = sqlx::query_scalar("SELECT pk FROM outbox")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(pks.len(), 2);
    for m in &pks {
        usher_app::store::outbox::mark_sent(&app.db.pool, m, now)
            .await
            .unwrap();
    }
    let count = |sql: &'static str| app.count(sql);

    // Now, nothing is old enough.
    assert_eq!(
        retention::prune(&app.db, &app.state.config, now)
            .await
            .unwrap(),
        retention::Pruned::default()
    );
    // Later: the verification and the code's message go, and so do the code budget's buckets; the
    // message that delivered the invitation's current link stays while the invitation exists.
    let later = now
        + usher_app::domain::outbox::DONE_RETENTION_SECS
        + usher_app::domain::verification::MAX_TOKEN_EXPIRY_MINUTES * 60
        + 1;
    let p = retention::prune(&app.db, &app.state.config, later)
        .await
        .unwrap();
    assert_eq!((p.verifications, p.messages), (1, 1), "{p:?}");
    assert!(p.limits > 0, "{p:?}");
    assert_eq!(count("SELECT COUNT(*) FROM email_verifications").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM rate_limits").await, 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE itoken IS NOT NULL").await,
        1
    );
    // Once the invitation is deleted its message goes too.
    let (s, body) = admin
        .call("admin/invitations/delete", json!({ "pk": pk }))
        .await;
    assert!(s.is_success(), "{body}");
    let p = retention::prune(&app.db, &app.state.config, later)
        .await
        .unwrap();
    assert_eq!(p.messages, 1, "{p:?}");
    assert_eq!(count("SELECT COUNT(*) FROM outbox").await, 0);
}
