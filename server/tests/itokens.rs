//! Invitation tokens at rest (issue 12 item 16): the database keeps a token's digest and a copy sealed
//! with `USHER_SECRET_KEY`, never the token, in the invitation, its outbox messages once sent, and the
//! flow plans of the sessions table; so a copy of the database yields no working link, and opened with
//! another secret it cannot even show one. Tokens stored by earlier releases are rewritten at start-up
//! and keep working.

mod common;
use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::json;
use usher_app::service::{Backend, Config, SecretKey};

db_tests!(
    the_database_keeps_no_token,
    a_copy_with_another_secret_shows_no_link_and_sends_none,
    a_regenerated_link_replaces_the_old_one,
    a_token_stored_by_an_earlier_release_keeps_working,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// Whether any session's stored data (`tower-sessions-sqlx-store`: MessagePack) holds `needle`.
async fn sessions_hold(app: &TestApp, needle: &str) -> bool {
    let table = match app.db.backend {
        Backend::Sqlite => "tower_sessions",
        Backend::Postgres => "tower_sessions.session",
    };
    let rows: Vec<Vec<u8>> = sqlx::query_scalar(&format!("SELECT data FROM {table}"))
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(!rows.is_empty(), "the visitor has a session");
    rows.iter()
        .any(|d| d.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

/// The text of every column of `table` that could hold a token, joined.
async fn text_of(app: &TestApp, sql: &str) -> String {
    let rows: Vec<String> = sqlx::query_scalar(sql)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    rows.join("\n")
}

async fn dashboard_link(admin: &mut Client, pk: &str) -> String {
    let (s, row) = admin
        .call("admin/invitations/get", json!({ "pk": pk }))
        .await;
    assert_eq!(s, StatusCode::OK, "{row}");
    row["link"].as_str().unwrap().to_owned()
}

async fn the_database_keeps_no_token(app: TestApp) {
    let sink = common::SmtpSink::start(common::free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(
        &app,
        &mut admin,
        "jane",
        EXT,
        json!({ "emails": "*@company.com" }),
    )
    .await;
    // The admin still sees and copies the link, and sends it: the invitee gets it by email.
    let link = dashboard_link(&mut admin, &pk).await;
    let (s, body) = admin
        .call(
            "admin/invitations/send",
            json!({ "pk": pk, "to": ["jane@company.com"], "cc": [], "bcc": [] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(link.ends_with(&format!("?itoken={token}")), "{link}");
    let mail = common::unfold_qp(sink.wait_for(1, 20).await[0]["data"].as_str().unwrap());
    assert!(mail.contains(&link), "{mail}");
    // The invitee starts the flow and is asked for a code: a plan is in the session.
    let mut jane = app.client();
    let r = jane.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = common::submit_stage(
        &mut jane,
        EXT,
        &token,
        "1",
        &[
            ("username", "jane"),
            ("name", "Jane"),
            ("email", "jane@company.com"),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    // Nowhere in the database: not the invitation row, not the sent message, not the flow plan.
    let invitation = text_of(
        &app,
        "SELECT token || ' ' || COALESCE(token_sealed, '') FROM invitations",
    )
    .await;
    assert!(!invitation.contains(&token), "{invitation}");
    let outbox = text_of(
        &app,
        "SELECT COALESCE(itoken, '') || ' ' || body_text || ' ' || body_html || ' ' || COALESCE(secret, '') FROM outbox WHERE status = 'sent'",
    )
    .await;
    assert!(outbox.contains("[removed after delivery]"), "{outbox}");
    assert!(!outbox.contains(&token), "{outbox}");
    assert!(
        !sessions_hold(&app, &token).await,
        "a flow plan holds the token"
    );
    // What is stored still finds the invitation: the landing and the plan work on.
    let r = jane.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_copy_with_another_secret_shows_no_link_and_sends_none(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(&app, &mut admin, "copy", EXT, json!({})).await;
    let link = dashboard_link(&mut admin, &pk).await;
    let copy = app
        .another_instance_with(Config {
            secret_key: SecretKey::from_text("not the instance's secret"),
            ..(*app.state.config).clone()
        })
        .await;
    let mut copy_admin = copy.client_like(&admin);
    assert_eq!(
        dashboard_link(&mut copy_admin, &pk).await,
        "",
        "the copy cannot unseal the link"
    );
    let (s, list) = copy_admin
        .call(
            "admin/invitations/list",
            json!({ "search": "", "sort": "CreatedDesc" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert!(!list.to_string().contains(&token), "{list}");
    // Sending the link from the copy: a clear error, nothing queued.
    let (s, body) = copy_admin
        .call(
            "admin/invitations/send",
            json!({ "pk": pk, "to": ["a@example.com"], "cc": [], "bcc": [] }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.to_string().contains("another USHER_SECRET_KEY"),
        "{body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    // Another instance with the instance's secret shows the same link.
    let twin = app.another_instance().await;
    assert_eq!(
        dashboard_link(&mut twin.client_like(&admin), &pk).await,
        link
    );
    // Regenerated on the copy, the link is the copy's: it shows there, and the old one is gone.
    let (s, _) = copy_admin
        .call("admin/invitations/regenerate", json!({ "pk": pk }))
        .await;
    assert_eq!(s, StatusCode::OK);
    let fresh = dashboard_link(&mut copy_admin, &pk).await;
    assert!(fresh.contains("?itoken="), "{fresh}");
    let r = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={token}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn a_regenerated_link_replaces_the_old_one(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, old) = common::create_invitation(&app, &mut admin, "regen", EXT, json!({})).await;
    let (s, _) = admin
        .call("admin/invitations/regenerate", json!({ "pk": pk }))
        .await;
    assert_eq!(s, StatusCode::OK);
    let new = app.token(&pk).await;
    assert_ne!(new, old);
    assert!(dashboard_link(&mut admin, &pk).await.ends_with(&new));
    let mut c = app.client();
    let r = c.get(&format!("/if/flow/{EXT}/?itoken={old}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c.get(&format!("/if/flow/{EXT}/?itoken={new}")).await;
    assert_eq!(r.status, StatusCode::OK);
}

async fn a_token_stored_by_an_earlier_release_keeps_working(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, _) = common::create_invitation(&app, &mut admin, "legacy", EXT, json!({})).await;
    // As a release before migration 0018 left it: the token as given, not sealed, and a sent message
    // that carried it.
    let given = "0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f";
    sqlx::query("UPDATE invitations SET token = $1, token_sealed = NULL WHERE pk = $2")
        .bind(given)
        .bind(&pk)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO outbox (pk, invitation_pk, itoken, to_addrs, cc_addrs, bcc_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created, sent_at)
         VALUES ('m1', $1, $2, '[\"jane@company.com\"]', '[]', '[]', 's', 't', 'h', 'sent', 1, 0, 0, 0)",
    )
    .bind(&pk)
    .bind(given)
    .execute(&app.db.pool)
    .await
    .unwrap();
    // The upgraded server starts on that database (twice, as two instances would).
    let upgraded = app.another_instance().await;
    let _second = app.another_instance().await;
    let r = upgraded
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={given}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(upgraded.token(&pk).await, given);
    let digest = usher_app::service::invitations::token_digest(given);
    assert_eq!(
        text_of(&app, "SELECT token FROM invitations WHERE name = 'legacy'").await,
        digest
    );
    assert_eq!(
        text_of(&app, "SELECT itoken FROM outbox WHERE pk = 'm1'").await,
        digest,
        "the message still tells whom the link was delivered to"
    );
    assert_eq!(
        dashboard_link(&mut upgraded.client_like(&admin), &pk).await,
        format!(
            "{}/if/flow/{EXT}/?itoken={given}",
            app.state.config.public_url
        )
    );
}
