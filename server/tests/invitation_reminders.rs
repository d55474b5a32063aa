//! An invitation's own reminders (issue 15 item 4), on SQLite and PostgreSQL: set in the editor as days
//! before expiry (none by default), each goes once to the addresses the invitation was delivered to
//! whose account has not used it; time is injected, not slept; two instances at once send one.

mod common;
use axum::http::StatusCode;
use common::{create_invitation, enroll, free_port, Client, SmtpSink, TestApp};
use serde_json::json;

db_tests!(
    reminders_go_once_to_the_addresses_not_joined,
    no_schedule_means_no_reminders,
    a_schedule_needs_an_expiry,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// Waits until every email message is delivered.
async fn delivered(app: &TestApp) {
    for _ in 0..200 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND status <> 'sent'")
            .await
            == 0
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the messages were not delivered");
}

async fn reminders(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT to_addrs FROM outbox WHERE subject LIKE 'Reminder:%' ORDER BY to_addrs",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

async fn send(admin: &mut Client, pk: &str, to: &[&str]) {
    let (s, body) = admin
        .call(
            "admin/invitations/send",
            json!({"pk": pk, "to": to, "cc": [], "bcc": []}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn reminders_go_once_to_the_addresses_not_joined(app: TestApp) {
    use usher_app::service::invitations::reminders::send_reminders;
    let sink = SmtpSink::start(free_port()).await;
    let worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let now = usher_app::service::time::now();
    let day = 86_400;
    let expires = usher_app::domain::time::format_input(now + 10 * day + 600);
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "reminded",
        EXT,
        json!({"expires": expires, "never_expires": false, "reminder_days": "3, 1"}),
    )
    .await;
    // Shared with three people by email; one of them enrolls.
    send(
        &mut admin,
        &pk,
        &["ann@example.com", "bob@example.com", "cy@example.com"],
    )
    .await;
    delivered(&app).await;
    let mut c = app.client();
    let r = enroll(&mut c, &app.db, EXT, &token, "ann", "ann@example.com").await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.body
    );
    let config = app.state.config.clone();
    assert_eq!(
        send_reminders(&app.db, &config, now + 6 * day)
            .await
            .unwrap(),
        0
    );
    let other = app.another_instance().await;
    let at = now + 7 * day + 1200;
    let (x, y) = tokio::join!(
        send_reminders(&app.db, &config, at),
        send_reminders(&other.db, &other.state.config, at)
    );
    assert_eq!(
        x.unwrap() + y.unwrap(),
        2,
        "one reminder each to Bob and Cy"
    );
    assert_eq!(
        reminders(&app).await,
        [r#"["bob@example.com"]"#, r#"["cy@example.com"]"#]
    );
    assert_eq!(send_reminders(&app.db, &config, at + 60).await.unwrap(), 0);
    // The second (1 day before) goes too; then nothing after expiry.
    assert_eq!(
        send_reminders(&app.db, &config, now + 9 * day + 1200)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        send_reminders(&app.db, &config, now + 11 * day)
            .await
            .unwrap(),
        0
    );
    // They carry the invitation's link.
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM outbox WHERE subject LIKE 'Reminder:%' ORDER BY created LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(body.contains("This is a reminder"), "{body}");
    delivered(&app).await;
    let m = sink.messages();
    let last = m.last().unwrap()["data"].as_str().unwrap().to_owned();
    assert!(
        common::unfold_qp(&last).contains(&token),
        "the reminder carries the link"
    );
    worker.abort();
}

async fn no_schedule_means_no_reminders(app: TestApp) {
    use usher_app::service::invitations::reminders::send_reminders;
    let sink = SmtpSink::start(free_port()).await;
    let worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let now = usher_app::service::time::now();
    let expires = usher_app::domain::time::format_input(now + 10 * 86_400);
    let (pk, _) = create_invitation(
        &app,
        &mut admin,
        "unreminded",
        EXT,
        json!({"expires": expires, "never_expires": false}),
    )
    .await;
    send(&mut admin, &pk, &["dee@example.com"]).await;
    delivered(&app).await;
    for d in 1..12 {
        assert_eq!(
            send_reminders(&app.db, &app.state.config, now + d * 86_400)
                .await
                .unwrap(),
            0
        );
    }
    assert!(reminders(&app).await.is_empty());
    worker.abort();
}

async fn a_schedule_needs_an_expiry(app: TestApp) {
    let mut admin = app.admin().await;
    let form = json!({
        "name": "no-expiry", "description": "", "flow": app.flow_pk(EXT).await, "expires": "", "never_expires": true,
        "fixed_data": "", "single_use": false, "quota": "", "emails": "", "roles": [], "groups": [], "enabled": true,
        "reminder_days": "2"
    });
    let (s, body) = admin
        .call("admin/invitations/create", json!({ "form": form }))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("reminder_days"), "{body}");
    let mut bad = form.clone();
    bad["reminder_days"] = json!("soon");
    bad["never_expires"] = json!(false);
    bad["expires"] = json!(usher_app::domain::time::format_input(
        usher_app::service::time::now() + 86_400
    ));
    let (s, body) = admin
        .call("admin/invitations/create", json!({ "form": bad }))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE name = 'no-expiry'")
            .await,
        0
    );
}
