//! System → Email and the mail status (issue 34): SMTP settings saved by an admin (the password sealed
//! under the instance secret, never shown), environment variables winning, the banner's status, the
//! test button reporting a refused connection with the server's answer, the outbox worker sending
//! through saved settings, the invitation form's warning and the landing page's notice without a server.

mod common;
use axum::http::StatusCode;
use common::{free_port, Client, SmtpSink, TestApp};
use serde_json::{json, Value};

db_tests!(
    saved_settings_seal_and_mask_the_password,
    bad_settings_are_refused_and_change_nothing,
    the_environment_wins_over_saved_settings,
    the_test_button_reports_a_refused_connection,
    the_banner_and_the_form_warn_without_a_server,
    the_worker_sends_through_saved_settings,
    the_accept_page_says_when_a_code_cannot_come,
);

async fn view(admin: &mut Client) -> Value {
    let (s, v) = admin.call("admin/email/get", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn save(admin: &mut Client, url: &str, password: &str, from: &str) -> (StatusCode, Value) {
    admin
        .call(
            "admin/email/save",
            json!({"settings": {"smtp_url": url, "smtp_password": password, "from": from}}),
        )
        .await
}

/// The seed runbook's Mode 1: an invitation whose custom attributes carry an address, so it is mailed.
async fn mode_one(app: &TestApp, admin: &mut Client) {
    common::create_invitation(
        app,
        admin,
        "mode-1",
        "invitation-enrollment-flow-external",
        json!({"fixed_data": "name: Jane\nemail: jane@example.org\n"}),
    )
    .await;
}

/// Every value of the settings table, joined: what a copy of the database holds.
async fn settings_text(app: &TestApp) -> String {
    sqlx::query_scalar::<_, String>("SELECT value FROM settings")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .join("\n")
}

async fn saved_settings_seal_and_mask_the_password(app: TestApp) {
    let mut admin = app.admin().await;
    let before = view(&mut admin).await;
    assert_eq!(before["smtp_url"], "");
    assert_eq!(before["smtp_url_source"], Value::Null);
    assert_eq!(before["connection"], "NotConfigured");
    assert_eq!(before["from"], "Usher <usher@localhost>");
    assert_eq!(before["from_source"], "Default");
    // A password typed in its own field.
    let (s, r) = save(
        &mut admin,
        "smtp://mailer@127.0.0.1:1",
        "hunter2-secret",
        "Acme <id@acme.test>",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let v = view(&mut admin).await;
    assert_eq!(v["smtp_url_source"], "Saved");
    assert_eq!(v["saved_url"], "smtp://mailer@127.0.0.1:1");
    assert_eq!(v["saved_password"], true);
    let shown = v["smtp_url"].as_str().unwrap();
    assert!(shown.contains("mailer:********@127.0.0.1"), "{shown}");
    assert!(!v.to_string().contains("hunter2"), "never shown: {v}");
    assert_eq!(v["from"], "Acme <id@acme.test>");
    assert_eq!(v["from_source"], "Saved");
    assert!(
        !settings_text(&app).await.contains("hunter2"),
        "the database holds the password sealed"
    );
    // The worker's settings open it with the instance secret.
    let cfg = usher_app::service::email::mail_config(&app.db, &app.state.config)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg.smtp_url, "smtp://mailer:hunter2-secret@127.0.0.1:1");
    // Another instance secret cannot open it.
    let other = app
        .another_instance_with(usher_app::service::Config {
            secret_key: usher_app::service::SecretKey::from_text("another secret"),
            ..(*app.state.config).clone()
        })
        .await;
    let cfg = usher_app::service::email::mail_config(&other.db, &other.state.config)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg.smtp_url, "smtp://mailer@127.0.0.1:1");
    // An empty password keeps the saved one; a password in the URL is split off and sealed.
    save(&mut admin, "smtp://mailer@127.0.0.1:2", "", "").await;
    let cfg = usher_app::service::email::mail_config(&app.db, &app.state.config)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg.smtp_url, "smtp://mailer:hunter2-secret@127.0.0.1:2");
    assert_eq!(
        cfg.from, "Usher <usher@localhost>",
        "an empty From removes it"
    );
    save(&mut admin, "smtp://mailer:in%20url@127.0.0.1:3", "", "").await;
    let v = view(&mut admin).await;
    assert_eq!(v["saved_url"], "smtp://mailer@127.0.0.1:3");
    assert!(!settings_text(&app).await.contains("in%20url"));
    assert!(!settings_text(&app).await.contains("in url"));
    // An empty URL removes the server and its password.
    save(&mut admin, "", "", "").await;
    let v = view(&mut admin).await;
    assert_eq!(v["smtp_url"], "");
    assert_eq!(v["saved_password"], false);
    // Only admins.
    let (s, _) = app.client().call("admin/email/get", json!({})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let mut user = app.user("jane").await;
    let (s, _) = save(&mut user, "smtp://evil.test:25", "", "").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn bad_settings_are_refused_and_change_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    save(&mut admin, "smtp://127.0.0.1:9", "", "").await;
    for (url, from, field) in [
        ("mail.example.com", "", "smtp_url"),
        ("https://mail.example.com", "", "smtp_url"),
        ("smtp://127.0.0.1:25", "not a mailbox <", "from"),
    ] {
        let (s, r) = save(&mut admin, url, "", from).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{url}: {r}");
        assert!(r.to_string().contains(field), "{r}");
        assert_eq!(view(&mut admin).await["saved_url"], "smtp://127.0.0.1:9");
    }
    // A password needs a user name to go with it.
    let (s, r) = save(&mut admin, "smtp://127.0.0.1:25", "pw", "").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(view(&mut admin).await["saved_password"], false);
}

async fn the_environment_wins_over_saved_settings(app: TestApp) {
    let mut admin = app.admin().await;
    save(&mut admin, "smtp://127.0.0.1:9", "", "Saved <s@saved.test>").await;
    let env = app
        .another_instance_with(usher_app::service::Config {
            smtp: usher_app::domain::smtp::EnvSmtp {
                url: Some("smtp://env:envpass@127.0.0.1:1".into()),
                from: Some("Env <e@env.test>".into()),
            },
            ..(*app.state.config).clone()
        })
        .await;
    let mut admin = env.client_like(&admin);
    let v = view(&mut admin).await;
    assert_eq!(v["smtp_url_source"], "Environment");
    assert_eq!(v["smtp_url"], "smtp://env:********@127.0.0.1:1");
    assert_eq!(v["from_source"], "Environment");
    assert_eq!(v["from"], "Env <e@env.test>");
    assert_eq!(v["saved_url"], "smtp://127.0.0.1:9", "what is saved stays");
    assert!(!v.to_string().contains("envpass"));
}

async fn the_test_button_reports_a_refused_connection(app: TestApp) {
    let mut admin = app.admin().await;
    let (s, r) = admin
        .call("admin/email/test", json!({"to": "me@example.com"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        r.to_string().contains("No SMTP server is configured"),
        "{r}"
    );
    let port = free_port();
    save(&mut admin, &format!("smtp://127.0.0.1:{port}"), "", "").await;
    let (s, r) = admin
        .call("admin/email/test", json!({"to": "me@example.com"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    let text = r.to_string();
    assert!(text.contains("did not take the test message"), "{text}");
    assert!(
        text.to_lowercase().contains("refused"),
        "the server's answer: {text}"
    );
    let v = view(&mut admin).await;
    assert_eq!(v["last_delivery"]["ok"], false);
    assert!(v["connection"]["Failed"].as_str().is_some(), "{v}");
    let (_, status) = admin.call("admin/mail/status", json!({})).await;
    assert_eq!(status["configured"], true);
    assert!(status["last_failure"]
        .as_str()
        .is_some_and(|e| e.to_lowercase().contains("refused")));
    // A real server takes it, and says so.
    let sink = SmtpSink::start(port).await;
    let (s, r) = admin
        .call("admin/email/test", json!({"to": "me@example.com"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r.as_str().unwrap().starts_with("250"), "{r}");
    assert_eq!(sink.wait_for(1, 10).await.len(), 1);
    assert_eq!(view(&mut admin).await["connection"], "Connected");
    let (_, status) = admin.call("admin/mail/status", json!({})).await;
    assert_eq!(status["last_failure"], Value::Null);
}

async fn the_banner_and_the_form_warn_without_a_server(app: TestApp) {
    let mut admin = app.admin().await;
    let flow = app.flow_pk("invitation-enrollment-flow-external").await;
    let warning =
        |emails: &str, fixed: &str| json!({"flow": flow, "emails": emails, "fixed_data": fixed});
    let (_, w) = admin
        .call(
            "admin/invitations/mail_warning",
            warning("", "name: Jane Smith\n"),
        )
        .await;
    assert_eq!(
        w,
        json!({"sends_invitation": false, "needs_code": false}),
        "link mode"
    );
    let (_, w) = admin
        .call(
            "admin/invitations/mail_warning",
            warning("*@company.com", ""),
        )
        .await;
    assert_eq!(w, json!({"sends_invitation": false, "needs_code": true}));
    let (_, w) = admin
        .call(
            "admin/invitations/mail_warning",
            warning("", "name: Jane\nemail: jane@example.org\n"),
        )
        .await;
    assert_eq!(w, json!({"sends_invitation": true, "needs_code": false}));
    // The banner's status counts what waits.
    mode_one(&app, &mut admin).await;
    let (_, status) = admin.call("admin/mail/status", json!({})).await;
    assert_eq!(status["configured"], false);
    assert_eq!(status["queued"], 1);
    // An invitee who would need a code is told that it cannot come.
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "company",
        "invitation-enrollment-flow-external",
        json!({"emails": "*@company.com"}),
    )
    .await;
    let page = app
        .client()
        .get(&format!(
            "/if/flow/invitation-enrollment-flow-external/?itoken={token}"
        ))
        .await;
    assert!(
        page.body.contains(r#"id="mail-unavailable""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Contact the person who invited you"));
    // Not on a link-mode invitation's page.
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "link",
        "invitation-enrollment-flow-external",
        json!({}),
    )
    .await;
    let page = app
        .client()
        .get(&format!(
            "/if/flow/invitation-enrollment-flow-external/?itoken={token}"
        ))
        .await;
    assert!(!page.body.contains("mail-unavailable"));
    // With a server, no warning and no notice.
    save(&mut admin, "smtp://127.0.0.1:25", "", "").await;
    let (_, w) = admin
        .call(
            "admin/invitations/mail_warning",
            warning("*@company.com", "email: a@b.c\n"),
        )
        .await;
    assert_eq!(w, json!({"sends_invitation": false, "needs_code": false}));
    let (_, status) = admin.call("admin/mail/status", json!({})).await;
    assert_eq!(status["configured"], true);
}

async fn the_worker_sends_through_saved_settings(app: TestApp) {
    let mut admin = app.admin().await;
    mode_one(&app, &mut admin).await;
    let worker = tokio::spawn(
        usher_app::service::delivery::Worker::resolving(app.db.clone(), app.state.config.clone())
            .run(),
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE status = 'queued'")
            .await,
        1,
        "nothing is tried without a server"
    );
    let sink = SmtpSink::start(free_port()).await;
    save(
        &mut admin,
        &format!("smtp://127.0.0.1:{}", sink.port),
        "",
        "Acme <id@acme.test>",
    )
    .await;
    let got = sink.wait_for(1, 20).await;
    assert_eq!(got[0]["rcpt_tos"], json!(["jane@example.org"]));
    assert!(got[0]["data"].as_str().unwrap().contains("id@acme.test"));
    // The worker records the delivery just after the server answered: wait for it.
    let mut status = Value::Null;
    for _ in 0..50 {
        status = admin.call("admin/mail/status", json!({})).await.1;
        if status["queued"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status["queued"], 0);
    assert_eq!(status["last_failure"], Value::Null);
    worker.abort();
}

/// An existing account whose address is unproven, accepting an email-limited invitation, must confirm it
/// with a code: without a server the accept page says the code cannot come; with one it does not.
async fn the_accept_page_says_when_a_code_cannot_come(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "staff",
        "invitation-enrollment-flow-external",
        json!({"emails": "*@usher.test"}),
    )
    .await;
    let jane = app.user("jane").await;
    let mut with = jane.clone();
    with.cookie = Some(format!(
        "usher_invitation={token}; {}",
        jane.cookie.clone().expect("signed in")
    ));
    let (s, v) = with.call("flow/accept_view", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["verify_email"], "jane@usher.test");
    assert_eq!(v["mail_unavailable"], true);
    let page = with.get("/if/accept/").await;
    assert!(
        page.body.contains(r#"id="mail-unavailable""#),
        "{}",
        page.body
    );
    save(&mut admin, "smtp://127.0.0.1:9", "", "").await;
    let (_, v) = with.call("flow/accept_view", json!({})).await;
    assert_eq!(v["mail_unavailable"], false);
}
