//! Invitation email through a real SMTP server process (aiosmtpd on loopback): automatic sending, link
//! mode, nothing lost while SMTP is down, and workers racing over one outbox.

mod common;
use axum::http::StatusCode;
use common::{free_port, unfold_qp, SmtpSink, TestApp};
use serde_json::json;
use usher_app::service::delivery::Worker;
use usher_app::service::mail::Rendered;
use usher_app::service::outbox::enqueue;

db_tests!(
    creating_an_invitation_with_an_email_sends_it_with_the_link,
    link_mode_sends_nothing,
    smtp_down_at_creation_delivers_exactly_once_when_back,
    send_and_resend_with_cc_and_bcc,
    queued_mail_wakes_the_worker_only_after_commit,
);

async fn create(app: &TestApp, admin: &mut common::Client, name: &str, fixed_data: &str) -> String {
    let form = json!({
        "name": name, "description": "", "flow": app.flow_pk("invitation-enrollment-flow-external").await,
        "expires": "2099-01-01T12:00", "never_expires": false, "fixed_data": fixed_data, "single_use": true,
        "quota": "", "emails": "", "roles": [], "groups": [], "enabled": true
    });
    let (s, pk) = admin
        .call("admin/invitations/create", json!({ "form": form }))
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    pk.as_str().unwrap().to_owned()
}

async fn outbox(app: &TestApp) -> (String, i64, String) {
    sqlx::query_as("SELECT status, attempts, last_error FROM outbox")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn creating_an_invitation_with_an_email_sends_it_with_the_link(app: TestApp) {
    let sink = SmtpSink::start(free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let pk = create(
        &app,
        &mut admin,
        "mailed",
        "name: Jane Smith\nemail: jane@company.com\n",
    )
    .await;
    let messages = sink.wait_for(1, 30).await;
    let m = &messages[0];
    assert_eq!(m["rcpt_tos"], json!(["jane@company.com"]));
    let data = unfold_qp(m["data"].as_str().unwrap());
    assert!(
        data.contains("Subject: You've been invited to join Usher"),
        "{data}"
    );
    let link = format!(
        "http://usher.test/if/flow/invitation-enrollment-flow-external/?itoken={}",
        app.token(&pk).await
    );
    assert!(data.contains(&link), "{data}");
    assert!(data.contains("admin"), "names the inviter");
    assert!(
        // Worded with the day and the time left since issue 16 item 2.
        data.contains("Thursday, 1 January 2099, 12:00 UTC"),
        "expiry with its time zone"
    );
    for _ in 0..50 {
        if outbox(&app).await.0 == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(outbox(&app).await, ("sent".to_owned(), 1, String::new()));
}

async fn link_mode_sends_nothing(app: TestApp) {
    let sink = SmtpSink::start(free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    create(&app, &mut admin, "link-only", "name: Jane Smith\n").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    assert!(sink.messages().is_empty());
}

async fn smtp_down_at_creation_delivers_exactly_once_when_back(app: TestApp) {
    let port = free_port();
    let _worker = app.start_mail_worker(port).await;
    let mut admin = app.admin().await;
    // SMTP is down: the admin's request still succeeds and the message waits.
    create(&app, &mut admin, "patient", "email: jane@company.com\n").await;
    let mut seen_failure = false;
    for _ in 0..100 {
        let (status, attempts, error) = outbox(&app).await;
        if status == "queued" && attempts >= 1 && !error.is_empty() {
            seen_failure = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        seen_failure,
        "a failed attempt is recorded: {:?}",
        outbox(&app).await
    );
    // SMTP comes back: delivered once, and only once.
    let sink = SmtpSink::start(port).await;
    sink.wait_for(1, 60).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(outbox(&app).await.0, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgresql_send_each_of_100_messages_once() {
    common::bounded(async {
        let app = TestApp::postgres().await;
        let sink = SmtpSink::start(free_port()).await;
        let mut tx = app.db.begin().await.unwrap();
        for i in 0..100 {
            let msg = Rendered {
                subject: format!("message {i:03}"),
                text: format!("body {i}"),
                html: format!("<p>{i}</p>"),
                secret: None,
            };
            enqueue(
                &mut tx,
                &app.state.config.secret_key,
                None,
                None,
                &[format!("r{i}@example.com")],
                &[],
                &[],
                &msg,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let run = |w: Worker| async move {
            let mut handled = 0;
            loop {
                let n = w.run_once().await.unwrap();
                if n == 0 {
                    break handled;
                }
                handled += n;
            }
        };
        let a = tokio::spawn(run(Worker::new(
            app.db.clone(),
            app.state.config.secret_key.clone(),
            common::mail_config(sink.port),
        )
        .unwrap()));
        let b = tokio::spawn(run(Worker::new(
            app.db.clone(),
            app.state.config.secret_key.clone(),
            common::mail_config(sink.port),
        )
        .unwrap()));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert_eq!(a + b, 100, "every message claimed once ({a} + {b})");
        let messages = sink.wait_for(100, 30).await;
        assert_eq!(messages.len(), 100);
        let mut subjects: Vec<String> = messages
            .iter()
            .map(|m| {
                m["data"]
                    .as_str()
                    .unwrap()
                    .lines()
                    .find(|l| l.starts_with("Subject:"))
                    .unwrap()
                    .to_owned()
            })
            .collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), 100, "no message sent twice");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
                .await,
            100
        );
    })
    .await
}

async fn send_and_resend_with_cc_and_bcc(app: TestApp) {
    let sink = SmtpSink::start(free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let form = json!({
        "name": "targeted", "description": "", "flow": app.flow_pk("invitation-enrollment-flow-external").await,
        "expires": "2099-01-01T12:00", "never_expires": false, "fixed_data": "", "single_use": false,
        "quota": "", "emails": "jane@company.com\n*@company.com", "roles": [], "groups": [], "enabled": true
    });
    let (_, pk) = admin
        .call("admin/invitations/create", json!({ "form": form }))
        .await;
    let pk = pk.as_str().unwrap().to_owned();
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(
        row["send_to"],
        json!(["jane@company.com"]),
        "pre-filled with the exact addresses"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        0,
        "no email in fixed_data: nothing sent at creation"
    );
    // Bad addresses: a clear error next to the field, nothing queued.
    let (s, body) = admin
        .call(
            "admin/invitations/send",
            json!({"pk": pk, "to": ["jane@company.com"], "cc": ["not an address"], "bcc": []}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["Validation"][0][0], "cc");
    let (s, _) = admin
        .call(
            "admin/invitations/send",
            json!({"pk": pk, "to": [], "cc": [], "bcc": []}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    // Send, then resend.
    let send = json!({"pk": pk, "to": ["jane@company.com"], "cc": ["boss@company.com"], "bcc": ["audit@company.com"]});
    assert_eq!(
        admin.call("admin/invitations/send", send.clone()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        admin.call("admin/invitations/send", send).await.0,
        StatusCode::OK
    );
    let messages = sink.wait_for(2, 30).await;
    for m in &messages {
        let mut rcpt: Vec<String> = serde_json::from_value(m["rcpt_tos"].clone()).unwrap();
        rcpt.sort();
        assert_eq!(
            rcpt,
            ["audit@company.com", "boss@company.com", "jane@company.com"]
        );
        let data = m["data"].as_str().unwrap();
        assert!(data.contains("Cc: boss@company.com"), "{data}");
        assert!(
            !data.contains("audit@company.com"),
            "bcc is not in the headers"
        );
    }
    for _ in 0..50 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .await
            == 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["messages"].as_array().unwrap().len(), 2);
    assert_eq!(row["messages"][0]["status"], "sent");
    let (_, all) = admin
        .call("admin/outbox/list", json!({"only_failed": false}))
        .await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, failed) = admin
        .call("admin/outbox/list", json!({"only_failed": true}))
        .await;
    assert_eq!(failed, json!([]));
}

/// The outbox worker is woken by the transaction that queued mail, when it commits: not before (it
/// would find nothing and sleep), and not at all when the transaction rolls back.
async fn queued_mail_wakes_the_worker_only_after_commit(app: TestApp) {
    use std::time::Duration;
    let woken = || async {
        tokio::time::timeout(Duration::from_millis(100), app.db.outbox_wake.notified())
            .await
            .is_ok()
    };
    let msg = Rendered {
        subject: "s".into(),
        text: "t".into(),
        html: "<p>t</p>".into(),
        secret: None,
    };
    let to = ["a@example.com".to_owned()];
    let queue = |mut tx: usher_app::store::Tx| {
        let (app, to, msg) = (&app, &to, &msg);
        async move {
            enqueue(
                &mut tx,
                &app.state.config.secret_key,
                None,
                None,
                to,
                &[],
                &[],
                msg,
            )
            .await
            .unwrap();
            tx
        }
    };
    let tx = queue(app.db.begin().await.unwrap()).await;
    assert!(!woken().await, "woken before the commit");
    tx.commit().await.unwrap();
    assert!(woken().await, "not woken by the commit");
    let tx = queue(app.db.begin().await.unwrap()).await;
    drop(tx);
    assert!(!woken().await, "woken by a rolled-back transaction");
    let tx = app.db.begin().await.unwrap();
    tx.commit().await.unwrap();
    assert!(!woken().await, "woken by a transaction that queued nothing");
}
