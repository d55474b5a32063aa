//! Input sizes (issue 12 item 10): prompt fields, custom attributes (size and depth), blueprint YAML
//! (alias bombs, size) and CEL expressions (length, nesting) each get a clear 400, and nothing is stored.

mod common;
use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

db_tests!(
    a_blueprint_alias_bomb_or_an_oversized_blueprint_is_refused,
    oversized_or_deep_custom_attributes_are_refused_at_every_door,
    a_deeply_nested_or_long_expression_is_refused_when_saved,
    an_oversized_prompt_value_is_refused_before_anything_is_stored,
);

/// A blueprint that expands to 10^8 nodes from under 2 KB.
fn alias_bomb() -> String {
    let mut doc = String::from("version: 1\nentries: []\nmetadata:\n  name: bomb\n  labels:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = "a".to_owned();
    for level in 0..7 {
        let name = format!("l{level}");
        let refs = vec![format!("*{prev}"); 10].join(", ");
        doc.push_str(&format!("    {name}: &{name} [{refs}]\n"));
        prev = name;
    }
    doc
}

async fn a_blueprint_alias_bomb_or_an_oversized_blueprint_is_refused(app: TestApp) {
    let mut admin = app.admin().await;
    let flows = app.count("SELECT COUNT(*) FROM flows").await;
    let (s, r) = admin
        .call("admin/flows/import", json!({"yaml": alias_bomb()}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(r.to_string().contains("expands to more than"), "{r}");
    let huge = format!("version: 1\nentries: []\n# {}\n", "x".repeat(1024 * 1024));
    let (s, r) = admin
        .call("admin/flows/import", json!({"yaml": huge}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(r.to_string().contains("too large"), "{r}");
    assert_eq!(app.count("SELECT COUNT(*) FROM flows").await, flows);
}

async fn oversized_or_deep_custom_attributes_are_refused_at_every_door(app: TestApp) {
    let mut admin = app.admin().await;
    let deep = format!("{}1{}", "{\"k\": ".repeat(12), "}".repeat(12));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    for (fixed, says) in [(deep.as_str(), "nested too deeply"), (bomb, "too large")] {
        let (s, r) = admin
            .call(
                "admin/invitations/create",
                json!({"form": {
                    "name": "limits", "description": "", "flow": app.flow_pk("invitation-enrollment-flow-external").await,
                    "expires": "", "never_expires": true, "fixed_data": fixed, "single_use": true, "quota": "",
                    "emails": "", "roles": [], "groups": [], "enabled": true
                }}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
        assert!(r.to_string().contains(says), "{says}: {r}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
}

async fn a_deeply_nested_or_long_expression_is_refused_when_saved(app: TestApp) {
    let mut admin = app.admin().await;
    for (expression, says) in [
        (
            format!("{}true{}", "(".repeat(5000), ")".repeat(5000)),
            "too long",
        ),
        (
            format!("{}true{}", "[".repeat(100), "]".repeat(100)),
            "nested too deeply",
        ),
    ] {
        let (s, r) = admin
            .call(
                "admin/policies/create",
                json!({"form": {"name": "deep", "expression": expression, "message": ""}}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
        assert!(r.to_string().contains(says), "{says}: {r}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM policies").await, 0);
}

async fn an_oversized_prompt_value_is_refused_before_anything_is_stored(app: TestApp) {
    let flow = "invitation-enrollment-flow-external";
    let mut admin = app.admin().await;
    let (_, token) =
        common::create_invitation(&app, &mut admin, "long-values", flow, json!({})).await;
    let long = "n".repeat(1025);
    let mut c = app.client();
    let r = common::submit_stage(
        &mut c,
        flow,
        &token,
        "1",
        &[
            ("username", "longname"),
            ("name", &long),
            ("email", "long@example.com"),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("at most 1024 characters"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_verifications").await,
        0
    );
}
