//! Enrollment's last step costs little more than its hash (issue 37 item 2): the step that writes the
//! account checks the name once (before the hash; the unique keys refuse a clash since), writes
//! `last_login` with the account instead of in a write of its own, and sends the new account to its
//! landing page without reading it back.
//!
//! The statements are sqlx's own record of them (its `sqlx::query` events), caught by a tracing layer
//! that is this test binary's subscriber. One test, SQLite then PostgreSQL in turn.

mod common;
use common::{Client, TestApp};
use serde_json::json;
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

const EXT: &str = "invitation-enrollment-flow-external";
const PASSWORD: &str = "s3cret-pass-word";

/// Every statement sqlx ran since the last [`take`], its full text.
static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Recorder;

#[derive(Default)]
struct Text(String);

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if matches!(field.name(), "db.statement" | "summary") {
            self.0.push_str(value);
            self.0.push('\n');
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if matches!(field.name(), "db.statement" | "summary") {
            self.0.push_str(&format!("{value:?}"));
            self.0.push('\n');
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            let mut text = Text::default();
            event.record(&mut text);
            STATEMENTS.lock().unwrap().push(text.0);
        }
    }
}

fn take() -> Vec<String> {
    std::mem::take(&mut *STATEMENTS.lock().unwrap())
}

fn count(statements: &[String], needle: &str) -> usize {
    statements.iter().filter(|s| s.contains(needle)).count()
}

async fn enroll_until_code(c: &mut Client, token: &str, username: &str) {
    let r = common::submit_stage(
        c,
        EXT,
        token,
        "1",
        &[
            ("username", username),
            ("name", "Rita Trips"),
            ("email", &format!("{username}@example.org")),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ],
    )
    .await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
}

#[tokio::test]
async fn the_step_that_writes_the_account_reads_and_writes_no_more_than_it_must() {
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Recorder))
        .expect("this binary's only subscriber");
    for app in [TestApp::sqlite().await, TestApp::postgres().await] {
        app.with_email_stages().await;
        let mut admin = app.admin().await;
        let (_, token) = common::create_invitation(&app, &mut admin, "trips", EXT, json!({})).await;
        let mut c = app.client();
        enroll_until_code(&mut c, &token, "rita").await;
        let code = common::verification_code(&app.db, "rita@example.org").await;
        let stage = common::current_stage(&mut c, EXT, &token).await;

        take();
        let r = common::submit_stage(&mut c, EXT, &token, &stage, &[("code", &code)]).await;
        let statements = take();
        r.assert_accepted();

        assert_eq!(
            count(
                &statements,
                "SELECT COUNT(*) FROM users WHERE username = $1"
            ),
            1,
            "the name is checked once, before the hash: {statements:#?}"
        );
        assert_eq!(
            count(&statements, "INSERT INTO users"),
            1,
            "{statements:#?}"
        );
        assert_eq!(
            count(&statements, "UPDATE users SET last_login"),
            0,
            "last_login is written with the account: {statements:#?}"
        );
        assert_eq!(
            count(&statements, "FROM users WHERE pk = $1 AND is_active = 1"),
            0,
            "the new account is not read back for its landing page: {statements:#?}"
        );
        // What those statements no longer do is still done: the account signed in, at a time.
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM users WHERE username = 'rita' AND last_login IS NOT NULL"
            )
            .await,
            1
        );
        let (_, me) = c.call("auth/current_user", json!({})).await;
        assert_eq!(me["username"], "rita", "{me}");
    }
}
