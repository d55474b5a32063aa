//! The outbox through an SMTP outage (issue 12 item 15): a message is retried with capped backoff for
//! 72 hours whatever the number of attempts; an admin retries a failed one (never a code); one failed
//! database write while recording a batch does not stop the others being recorded. A queued message's
//! code or link is stored only sealed under the instance secret until it is sent (issue 35 item 6),
//! including messages an earlier release queued in clear.

mod common;
use axum::http::StatusCode;
use common::{free_port, SmtpSink, TestApp};
use serde_json::json;
use usher_app::service::delivery::Worker;
use usher_app::service::mail::Rendered;
use usher_app::service::outbox::enqueue;
use usher_app::store::Backend;

db_tests!(
    an_outage_of_three_days_loses_nothing,
    an_admin_retries_a_failed_message_but_never_a_code,
    a_failed_write_for_one_message_does_not_stop_the_batch,
    queued_codes_and_links_are_sealed_until_sent,
);

async fn queue(app: &TestApp, subject: &str, secret: Option<&str>) -> String {
    let msg = Rendered {
        subject: subject.into(),
        text: format!("body of {subject} {}", secret.unwrap_or("")),
        html: "<p>body</p>".into(),
        secret: secret.map(str::to_owned),
    };
    let mut tx = app.db.begin().await.unwrap();
    let pk = enqueue(
        &mut tx,
        &app.state.config.secret_key,
        None,
        None,
        &["a@example.com".to_owned()],
        &[],
        &[],
        &msg,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    pk
}

async fn status(app: &TestApp, pk: &str) -> (String, i64) {
    sqlx::query_as("SELECT status, attempts FROM outbox WHERE pk = $1")
        .bind(pk)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// Makes message `pk` look as if it had been trying for `hours` hours, `attempts` times, and due now.
async fn age(app: &TestApp, pk: &str, hours: i64, attempts: i64) {
    let now = usher_app::service::time::now();
    sqlx::query(
        "UPDATE outbox SET created = $1, attempts = $2, next_attempt_at = $3, status = 'queued' WHERE pk = $4",
    )
    .bind(now - hours * 3600)
    .bind(attempts)
    .bind(now)
    .bind(pk)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

fn worker(app: &TestApp, port: u16) -> Worker {
    Worker::new(
        app.db.clone(),
        app.state.config.secret_key.clone(),
        common::mail_config(port),
    )
    .unwrap()
}

async fn an_outage_of_three_days_loses_nothing(app: TestApp) {
    let down = free_port();
    let pk = queue(&app, "during the outage", None).await;
    let w = worker(&app, down);
    assert_eq!(w.run_once().await.unwrap(), 1);
    assert_eq!(status(&app, &pk).await.0, "queued");
    // 71 hours and 50 failed attempts later, it is still queued for another (the old rule gave up
    // after 8 attempts, some ten minutes).
    age(&app, &pk, 71, 50).await;
    w.run_once().await.unwrap();
    assert_eq!(status(&app, &pk).await, ("queued".to_owned(), 51));
    // Past 72 hours it is given up on.
    age(&app, &pk, 73, 52).await;
    w.run_once().await.unwrap();
    assert_eq!(status(&app, &pk).await.0, "failed");
}

async fn an_admin_retries_a_failed_message_but_never_a_code(app: TestApp) {
    let mut admin = app.admin().await;
    let port = free_port();
    let pk = queue(&app, "invitation", None).await;
    let code = queue(&app, "code", Some("12345678")).await;
    for m in [&pk, &code] {
        age(&app, m, 80, 60).await;
    }
    worker(&app, port).run_once().await.unwrap();
    assert_eq!(status(&app, &pk).await.0, "failed");
    assert_eq!(status(&app, &code).await.0, "failed");
    // The SMTP server is back; the admin retries the invitation message.
    let sink = SmtpSink::start(port).await;
    let (s, body) = admin.call("admin/outbox/retry", json!({ "pk": pk })).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(status(&app, &pk).await, ("queued".to_owned(), 0));
    worker(&app, port).run_once().await.unwrap();
    assert_eq!(sink.wait_for(1, 30).await.len(), 1);
    assert_eq!(status(&app, &pk).await.0, "sent");
    // A code is never resent (its plaintext is gone, and it has long expired); nor is a sent message.
    for m in [&code, &pk] {
        let (s, body) = admin.call("admin/outbox/retry", json!({ "pk": m })).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(status(&app, &code).await.0, "failed");
}

async fn a_failed_write_for_one_message_does_not_stop_the_batch(app: TestApp) {
    let sink = SmtpSink::start(free_port()).await;
    let poison = queue(&app, "poison", None).await;
    let others: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..5 {
            v.push(queue(&app, &format!("m{i}"), None).await);
        }
        v
    };
    // Recording the poison message as sent fails, as a database write can.
    match app.db.backend {
        Backend::Sqlite => {
            sqlx::raw_sql(&format!(
                "CREATE TRIGGER poison BEFORE UPDATE ON outbox WHEN NEW.pk = '{poison}' AND NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;"
            ))
            .execute(&app.db.pool)
            .await
            .unwrap();
        }
        Backend::Postgres => {
            sqlx::raw_sql(&format!(
                "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.pk = '{poison}' AND NEW.status = 'sent' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER poison BEFORE UPDATE ON outbox FOR EACH ROW EXECUTE FUNCTION poison();"
            ))
            .execute(&app.db.pool)
            .await
            .unwrap();
        }
    }
    let handled = worker(&app, sink.port).run_once().await;
    assert_eq!(handled.ok(), Some(6), "the round itself succeeds");
    for m in &others {
        assert_eq!(status(&app, m).await.0, "sent", "{m}");
    }
    // The poison message stays claimed: its lease brings it back later.
    assert_eq!(status(&app, &poison).await.0, "sending");
    assert_eq!(sink.wait_for(6, 30).await.len(), 6);
}

async fn queued_codes_and_links_are_sealed_until_sent(app: TestApp) {
    // A code, queued by this release.
    let code = "73194628";
    let pk = queue(&app, "Your verification code", Some(code)).await;
    // A message an earlier release queued: its secret in clear, in the row and the bodies.
    let link = "0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f";
    sqlx::query(
        "INSERT INTO outbox (pk, to_addrs, cc_addrs, bcc_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created, secret, carried_secret)
         VALUES ('legacy', '[\"b@example.com\"]', '[]', '[]', 'Invitation', $1, $2, 'queued', 0, 0, 0, $3, 0)",
    )
    .bind(format!("Join: https://usher.test/if/flow/x/?itoken={link}"))
    .bind(format!("<a href=\"https://usher.test/if/flow/x/?itoken={link}\">Join</a>"))
    .bind(link)
    .execute(&app.db.pool)
    .await
    .unwrap();
    // The next start seals it (twice, as two instances would: the second finds nothing left).
    let upgraded = app.another_instance().await;
    let _second = app.another_instance().await;
    let stored: Vec<(String, String, String)> =
        sqlx::query_as("SELECT body_text, body_html, COALESCE(secret, '') FROM outbox")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    for (text, html, secret) in &stored {
        for s in [text, html, secret] {
            assert!(!s.contains(code) && !s.contains(link), "in clear: {s}");
        }
    }
    assert!(stored
        .iter()
        .all(|(t, ..)| t.contains(usher_app::domain::outbox::SEALED_SECRET_MARK)));
    assert!(status(&app, &pk).await.0 == "queued");

    // The worker opens them: the mail carries the code and the link; the stored copies say they were
    // removed.
    let sink = SmtpSink::start(free_port()).await;
    let w = worker(&upgraded, sink.port);
    w.run_once().await.unwrap();
    let sent = sink.wait_for(2, 30).await;
    let all: String = sent
        .iter()
        .map(|m| common::unfold_qp(m["data"].as_str().unwrap()))
        .collect();
    assert!(all.contains(code), "{all}");
    assert!(all.contains(link), "{all}");
    assert!(!all.contains(usher_app::domain::outbox::SEALED_SECRET_MARK));
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT status, body_text FROM outbox ORDER BY pk")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    for (status, text) in &stored {
        assert_eq!(status, "sent");
        assert!(
            text.contains(usher_app::store::outbox::SECRET_REMOVED) && !text.contains(code),
            "{text}"
        );
    }
}
