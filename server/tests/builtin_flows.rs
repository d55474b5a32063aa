//! The built-in flows as authentik's examples define them (issue 34): invitation → prompt → user write →
//! user login, no email stage, so the seed runbook's link mode enrolls with no mail server; an
//! email-limited invitation still proves its address; a database holding the flows as an earlier release
//! shipped them (with an email stage) is brought to the new definitions at start, unless an admin edited them.

mod common;
use axum::http::StatusCode;
use common::{continues, submit_stage, TestApp};
use serde_json::json;
use usher_app::domain::flow::{builtin_flows, earlier_builtin_flows, StageKind};

db_tests!(
    link_mode_enrolls_without_mail_and_uses_up_the_link,
    an_email_limited_invitation_still_asks_for_a_code,
    flows_as_shipped_are_upgraded_and_edited_ones_left_alone,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// The stage names of the stored flow `slug`, in order.
async fn stage_names(app: &TestApp, slug: &str) -> Vec<String> {
    usher_app::service::flows::load_flow(&app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .def
        .stages
        .into_iter()
        .map(|s| s.name)
        .collect()
}

/// The seed runbook's Mode 2 (link mode): `jane-smith-link`, single use, custom attributes `name: Jane
/// Smith`, no `email`; this app runs no outbox worker, as the default run has no SMTP server.
async fn link_mode_enrolls_without_mail_and_uses_up_the_link(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "jane-smith-link",
        EXT,
        json!({"fixed_data": "name: Jane Smith\n", "single_use": true}),
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        0,
        "no mail queued"
    );
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    let mut jane = app.client();
    let page = jane.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"value="Jane Smith""#),
        "name pre-filled"
    );
    assert!(
        !page.body.contains("Step 1 of"),
        "no code step: {}",
        page.body
    );
    let r = submit_stage(
        &mut jane,
        EXT,
        &token,
        "1",
        &[
            ("username", "jane"),
            ("name", "Jane Smith"),
            ("email", "jane@example.org"),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    r.assert_accepted();
    assert!(!continues(&r), "finished at the prompt: {:?}", r.headers);
    let (_, me) = jane.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "jane", "signed in");
    assert_eq!(me["email"], "jane@example.org");
    let verified: i64 = app
        .count("SELECT email_verified FROM users WHERE username = 'jane'")
        .await;
    assert_eq!(verified, 0, "an address nobody proved stays unverified");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        0,
        "no mail at all"
    );
    let again = app.client().get(&link).await;
    assert_eq!(
        again.status,
        StatusCode::GONE,
        "the single-use link is used up"
    );
}

/// An `*@company.com` invitation on the same built-in flow gets the implicit code step: nothing is
/// granted for an address nobody proved (DESIGN.md, "email-limited means proven").
async fn an_email_limited_invitation_still_asks_for_a_code(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "company",
        EXT,
        json!({"emails": "*@company.com"}),
    )
    .await;
    let mut bob = app.client();
    let page = bob.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
    assert!(page.body.contains("Step 1 of 2"), "{}", page.body);
    let r = submit_stage(
        &mut bob,
        EXT,
        &token,
        "1",
        &[
            ("username", "bob"),
            ("name", "Bob"),
            ("email", "bob@company.com"),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    assert!(continues(&r), "asks for the code: {} {}", r.status, r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        1,
        "only admin"
    );
    let code = common::verification_code(&app.db, "bob@company.com").await;
    // The implicit code stage follows the flow's stages (its index is their count).
    let stages = builtin_flows()
        .into_iter()
        .find(|f| f.slug == EXT)
        .unwrap()
        .stages
        .len();
    assert_eq!(
        common::current_stage(&mut bob, EXT, &token).await,
        stages.to_string()
    );
    let page = bob.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
    assert!(page.body.contains("Step 2 of 2"), "{}", page.body);
    let r = submit_stage(
        &mut bob,
        EXT,
        &token,
        &stages.to_string(),
        &[("code", &code)],
    )
    .await;
    r.assert_accepted();
    assert!(!continues(&r));
    let verified: i64 = app
        .count("SELECT email_verified FROM users WHERE username = 'bob'")
        .await;
    assert_eq!(verified, 1);
}

/// A database from before (the flows as shipped with an email stage): at the next start the flows still
/// as shipped lose the email stage (and the stage, bound nowhere else, goes); one whose title an admin
/// changed, and one whose email stage an admin set to 60 minutes, are left as they are. A second start
/// changes nothing more.
async fn flows_as_shipped_are_upgraded_and_edited_ones_left_alone(app: TestApp) {
    // Back to the earlier release's flows.
    sqlx::query("DELETE FROM flows")
        .execute(&app.db.pool)
        .await
        .unwrap();
    for def in earlier_builtin_flows() {
        assert!(usher_app::service::flows::install_flow(&app.db, &def)
            .await
            .unwrap());
    }
    let internal_before = stage_names(&app, "invitation-enrollment-flow-internal").await;
    assert!(internal_before.contains(&"invitation-enrollment-email-internal".to_owned()));
    // An admin's edits.
    sqlx::query(
        "UPDATE flows SET title = 'Welcome to Acme' WHERE slug = 'default-enrollment-flow'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let edited = serde_json::to_string(&StageKind::Email {
        token_expiry: 60,
        max_attempts: 5,
        activate_user_on_success: false,
    })
    .unwrap();
    sqlx::query(
        "UPDATE stages SET config = $1 WHERE name = 'invitation-enrollment-email-internal'",
    )
    .bind(&edited)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let default_before = stage_names(&app, "default-enrollment-flow").await;

    let restarted = app.another_instance().await;
    let current = builtin_flows();
    let ext_now: Vec<String> = current
        .iter()
        .find(|f| f.slug == EXT)
        .unwrap()
        .stages
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(stage_names(&restarted, EXT).await, ext_now, "upgraded");
    assert_eq!(
        restarted
            .count(
                "SELECT COUNT(*) FROM stages WHERE name = 'invitation-enrollment-email-external'"
            )
            .await,
        0,
        "the unbound email stage is gone"
    );
    assert_eq!(
        stage_names(&restarted, "default-enrollment-flow").await,
        default_before,
        "an edited title leaves the flow alone"
    );
    assert_eq!(
        stage_names(&restarted, "invitation-enrollment-flow-internal").await,
        internal_before,
        "an edited email stage leaves the flow alone"
    );
    let config: String = sqlx::query_scalar(
        "SELECT config FROM stages WHERE name = 'invitation-enrollment-email-internal'",
    )
    .fetch_one(&restarted.db.pool)
    .await
    .unwrap();
    assert_eq!(config, edited);
    // The first instance sees the change at its next request (flow generation), and a landing page on
    // the upgraded flow is one step.
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "after", EXT, json!({})).await;
    let page = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={token}"))
        .await;
    assert!(!page.body.contains("Step 1 of"), "one step: {}", page.body);
    // A further start changes nothing.
    let generation = restarted
        .count("SELECT n FROM flow_generation WHERE id = 1")
        .await;
    let again = restarted.another_instance().await;
    assert_eq!(
        again
            .count("SELECT n FROM flow_generation WHERE id = 1")
            .await,
        generation
    );
}
