//! One invitation entity, whatever door it comes through: the dashboard form, the REST body and a
//! blueprint entry each parse into an `InvitationDraft` at their own edge, and the same invitation
//! service stores it, so the same request gives the same stored `Invitation`.

mod common;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use serde_json::json;
use std::collections::BTreeMap;
use usher_app::domain::invitation::{Invitation, Quota};
use usher_app::domain::token::TokenDraft;
use usher_app::service::{blueprints, invitations, tokens};

db_tests!(the_form_the_rest_body_and_a_blueprint_give_the_same_invitation,);

const BLUEPRINT: &str = r#"
version: 1
metadata:
  name: edges
entries:
  - identifiers:
      slug: edge-flow
    model: authentik_flows.flow
    id: flow
    attrs:
      name: Edge flow
      title: Edge flow
      designation: enrollment
  - identifiers:
      name: via-blueprint
    model: authentik_stages_invitation.invitation
    attrs:
      flow: !KeyOf flow
      single_use: true
      expires: "2099-01-01T12:00:00Z"
      fixed_data:
        name: Jane Smith
        email: jane@company.com
        attributes:
          team: backend
"#;

async fn stored(app: &TestApp, name: &str) -> Invitation {
    let pk: String = sqlx::query_scalar("SELECT pk FROM invitations WHERE name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let inv = invitations::load_in(&mut tx, &pk).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    inv
}

/// The fields a request sets: everything but identity, name, secret and creation time.
#[derive(Debug, PartialEq)]
struct Requested {
    flow_pk: String,
    expires: Option<i64>,
    fixed_data: serde_json::Map<String, serde_json::Value>,
    quota: Quota,
    rules_and_grants: usize,
    enabled: bool,
    description: String,
    created_by: i64,
}

fn requested(i: &Invitation) -> Requested {
    Requested {
        flow_pk: i.flow_pk.clone(),
        expires: i.expires,
        fixed_data: i.fixed_data.clone(),
        quota: i.quota,
        rules_and_grants: i.emails.len() + i.roles.len() + i.groups.len(),
        enabled: i.enabled,
        description: i.description.clone(),
        created_by: i.created_by.pk,
    }
}

async fn the_form_the_rest_body_and_a_blueprint_give_the_same_invitation(app: TestApp) {
    let mut admin = app.admin().await;
    let admin_pk: i64 = sqlx::query_scalar("SELECT pk FROM users WHERE username = 'admin'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    blueprints::apply(
        &app.db,
        &app.state.config.secret_key,
        BLUEPRINT,
        &BTreeMap::new(),
        (&usher_app::domain::audit::Who::system(), admin_pk),
        usher_app::service::blueprints::BuiltinChanges::Confirmed,
    )
    .await
    .unwrap();
    let flow = app.flow_pk("edge-flow").await;

    let (s, body) = admin
        .call(
            "admin/invitations/create",
            json!({"form": {
                "name": "via-form", "description": "", "flow": flow,
                "expires": "2099-01-01T12:00", "never_expires": false,
                "fixed_data": "name: Jane Smith\nemail: jane@company.com\nattributes:\n  team: backend\n",
                "single_use": true, "quota": "", "emails": "", "roles": [], "groups": [], "enabled": true
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");

    let secret = tokens::create(
        &app.db,
        &usher_app::domain::audit::Who::system(),
        &TokenDraft {
            username: "admin".into(),
            identifier: "edges".into(),
            description: String::new(),
            expires: None,
        },
    )
    .await
    .unwrap()
    .secret;
    let body = json!({
        "name": "via-rest", "flow": flow, "expires": "2099-01-01T12:00:00Z", "single_use": true,
        "fixed_data": {"name": "Jane Smith", "email": "jane@company.com", "attributes": {"team": "backend"}}
    });
    let r = app
        .client()
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v3/stages/invitation/invitations/")
                .header(header::AUTHORIZATION, format!("Bearer {secret}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let (form, rest, blueprint) = (
        stored(&app, "via-form").await,
        stored(&app, "via-rest").await,
        stored(&app, "via-blueprint").await,
    );
    assert_eq!(form.quota, Quota::SINGLE_USE);
    assert_eq!(form.fixed_data["attributes"]["team"], "backend");
    assert_eq!(requested(&form), requested(&rest));
    assert_eq!(requested(&form), requested(&blueprint));
    assert_ne!(form.token, rest.token);
}
