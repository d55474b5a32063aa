//! The minimum password length is the instance's (issue 35 item 7): `USHER_PASSWORD_MIN_LENGTH`, 8 by
//! default as authentik, 15 where NIST SP 800-63B-4's single-factor advice is followed; enrollment and
//! creating an admin refuse a shorter password with a message that says the minimum, and write nothing.

mod common;
use axum::http::StatusCode;
use common::{continues, submit_stage, TestApp};
use serde_json::json;

db_tests!(the_instance_minimum_holds_at_enrollment_and_for_new_admins);

const EXT: &str = "invitation-enrollment-flow-external";

async fn enroll(app: &TestApp, token: &str, username: &str, password: &str) -> common::Response {
    submit_stage(
        &mut app.client(),
        EXT,
        token,
        "1",
        &[
            ("username", username),
            ("name", username),
            ("email", &format!("{username}@example.org")),
            ("password", password),
            ("password_repeat", password),
        ],
    )
    .await
}

async fn the_instance_minimum_holds_at_enrollment_and_for_new_admins(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    // The default: 8.
    let r = enroll(&app, &token, "ann", "s3cret-pass").await;
    r.assert_accepted();
    assert!(!continues(&r));
    // An instance that asks 15.
    let strict = app
        .another_instance_with(usher_app::service::Config {
            password_min_length: 15,
            ..(*app.state.config).clone()
        })
        .await;
    let r = enroll(&strict, &token, "bob", "s3cret-pass").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("Password must be at least 15 characters."),
        "{}",
        r.body
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'bob'")
            .await,
        0
    );
    let r = enroll(&strict, &token, "bob", "a-much-longer-passphrase").await;
    r.assert_accepted();
    // usher create-admin with the instance's minimum.
    let e = usher_app::service::users::create_admin(
        &app.db,
        "root",
        "root@example.org",
        "s3cret-pass",
        15,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.field_message("password").as_deref(),
        Some("Password must be at least 15 characters.")
    );
}
