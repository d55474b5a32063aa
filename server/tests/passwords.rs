//! The minimum password length is the instance's (issue 35 item 7): `USHER_PASSWORD_MIN_LENGTH`, 8 by
//! default as authentik, 15 where NIST SP 800-63B-4's single-factor advice is followed; enrollment and
//! creating an admin refuse a shorter password with a message that says the minimum, and write nothing.
//! A password zxcvbn scores below 3 (with the username, email and brand name as its user inputs) is
//! refused the same way, with zxcvbn's advice.

mod common;
use axum::http::StatusCode;
use common::{continues, submit_stage, TestApp};
use serde_json::json;

db_tests!(
    the_instance_minimum_holds_at_enrollment_and_for_new_admins,
    weak_passwords_are_refused_at_enrollment_and_set_up_with_the_reason,
);

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
    let r = enroll(&app, &token, "ann", "s3cret-pass-word").await;
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
        &usher_app::domain::user::PasswordRules {
            min_chars: 15,
            brand: "Usher".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        usher_app::error::AppError::from(e)
            .field_message("password")
            .as_deref(),
        Some("Password must be at least 15 characters.")
    );
}

async fn weak_passwords_are_refused_at_enrollment_and_set_up_with_the_reason(app: TestApp) {
    let token = usher_app::service::setup::prepare_setup_token(&app.db)
        .await
        .unwrap()
        .expect("no admin yet");
    let mut c = app.client();
    let setup = |password: &'static str| {
        [
            ("token", token.clone()),
            ("username", "root".to_owned()),
            ("email", "root@example.org".to_owned()),
            ("password", password.to_owned()),
            ("password_repeat", password.to_owned()),
        ]
    };
    // Long enough, but a common password; then one made of the brand and the username.
    for weak in ["password1234", "usher-root-root"] {
        let form = setup(weak);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = c.call_form("setup/complete", &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{weak}: {}", r.body);
        assert!(
            r.body.contains("This password is too easy to guess."),
            "{weak}: {}",
            r.body
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    }
    let form = setup("correct-horse-battery");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.call_form("setup/complete", &form).await.assert_accepted();

    // Enrollment: the invitee's own name as the password is refused, and nothing is written.
    let mut admin = app.client();
    let (s, v) = admin.login("root", "correct-horse-battery").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    for weak in ["qwertyuiop", "marguerite2024"] {
        let r = submit_stage(
            &mut app.client(),
            EXT,
            &token,
            "1",
            &[
                ("username", "marguerite"),
                ("name", "Marguerite"),
                ("email", "marguerite@example.org"),
                ("password", weak),
                ("password_repeat", weak),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{weak}: {}", r.body);
        assert!(r.body.contains("too easy to guess"), "{weak}: {}", r.body);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'marguerite'")
            .await,
        0
    );
    enroll(&app, &token, "marguerite", "s3cret-pass-word")
        .await
        .assert_accepted();
}
