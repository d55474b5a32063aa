//! The invitation editor's checks before sending (issue 15 item 7): the invitation email of the
//! editor's unsaved values, rendered as sending renders it with a placeholder link, and "would this
//! address be accepted?", answered with the rule that admits or the rules that refuse. Both change
//! nothing and are for superusers only.

mod common;
use axum::http::StatusCode;
use common::{create_invitation, enroll, TestApp};
use serde_json::{json, Value};

db_tests!(
    the_address_check_names_the_rule,
    the_address_check_agrees_with_enrollment,
    the_preview_is_the_email_as_sent_with_a_placeholder_link,
    only_superusers_may_preview_or_check,
);

const EXT: &str = "invitation-enrollment-flow-external";

async fn the_address_check_names_the_rule(app: TestApp) {
    let mut admin = app.admin().await;
    let rules = "jane@example.com\n*@company.com";
    let mut check = async |emails: &str, address: &str| -> (StatusCode, Value) {
        admin
            .call(
                "admin/invitations/check_address",
                json!({"emails": emails, "address": address}),
            )
            .await
    };
    let (s, v) = check(rules, "Jane@Example.com").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["accepted"], true);
    assert_eq!(
        v["sentence"],
        "Accepted by the rule jane@example.com: that exact address."
    );
    let (_, v) = check(rules, "bob@company.com").await;
    assert_eq!(v["accepted"], true);
    assert_eq!(
        v["sentence"],
        "Accepted by the rule *@company.com: any address at company.com."
    );
    let (_, v) = check(rules, "bob@sub.company.com").await;
    assert_eq!(v["accepted"], false);
    assert_eq!(
        v["sentence"],
        "Refused: no rule matches. The rules are: jane@example.com, *@company.com."
    );
    let (_, v) = check(rules, "not an address").await;
    assert_eq!(v["accepted"], false);
    assert_eq!(v["sentence"], "Refused: this is not an email address.");
    let (_, v) = check("", "anyone@anywhere.io").await;
    assert_eq!(v["accepted"], true);
    assert_eq!(
        v["sentence"],
        "Accepted: this invitation has no email rules, so any address may use it."
    );
    // Rules that do not parse are the emails field's error.
    let (s, v) = check("*.company.com", "a@company.com").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["Validation"][0][0], "emails");
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
}

/// The verdict is the engine's: an address the check refuses is refused at enrollment, one it accepts
/// enrolls.
async fn the_address_check_agrees_with_enrollment(app: TestApp) {
    let mut admin = app.admin().await;
    let rules = "*@company.com";
    let (_, token) =
        create_invitation(&app, &mut admin, "ruled", EXT, json!({"emails": rules})).await;
    for (address, username) in [
        ("eve@company.com.evil.io", "eve"),
        ("ann@company.com", "ann"),
    ] {
        let (_, v) = admin
            .call(
                "admin/invitations/check_address",
                json!({"emails": rules, "address": address}),
            )
            .await;
        let r = enroll(&mut app.client(), &app.db, EXT, &token, username, address).await;
        let sql = format!("SELECT COUNT(*) FROM users WHERE username = '{username}'");
        let enrolled = app.count(&sql).await == 1;
        assert_eq!(
            v["accepted"].as_bool().unwrap(),
            enrolled,
            "{address}: {v} / {} {}",
            r.status,
            r.body
        );
    }
}

fn form(app_flow: &str, extra: Value) -> Value {
    let mut f = json!({
        "name": "", "description": "", "flow": app_flow, "expires": "2099-01-01T12:00",
        "never_expires": false, "fixed_data": "", "single_use": true, "quota": "", "emails": "",
        "roles": [], "groups": [], "enabled": true
    });
    for (k, v) in extra.as_object().unwrap() {
        f[k] = v.clone();
    }
    f
}

async fn the_preview_is_the_email_as_sent_with_a_placeholder_link(app: TestApp) {
    let mut admin = app.admin().await;
    let flow = app.flow_pk(EXT).await;
    let (_, group) = admin
        .call("admin/groups/create", json!({"name": "engineering-team"}))
        .await;
    let before = app.count("SELECT COUNT(*) FROM outbox").await;
    let (s, p) = admin
        .call(
            "admin/invitations/preview_email",
            json!({"pk": null, "form": form(&flow, json!({"groups": [group["pk"]]}))}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let brand = app.state.config.brand_name.clone();
    assert_eq!(p["subject"], format!("You've been invited to join {brand}"));
    let link = p["link"].as_str().unwrap();
    assert!(
        link.contains(&format!("/if/flow/{EXT}/?itoken=PREVIEW-")),
        "{link}"
    );
    for body in [&p["text"], &p["html"]] {
        let body = body.as_str().unwrap();
        // The HTML escapes the link's slashes; its placeholder token reads the same.
        let token = link.rsplit_once("itoken=").unwrap().1;
        assert!(body.contains(token), "{body}");
        assert!(body.contains("admin"), "the inviter is named: {body}");
        assert!(body.contains(&brand), "{body}");
        assert!(body.contains("groups: engineering-team"), "{body}");
        // The expiry with its day and zone (issue 16 item 2).
        assert!(body.contains("1 January 2099, 12:00 UTC"), "{body}");
    }
    assert!(p["html"].as_str().unwrap().starts_with("<!DOCTYPE html>"));
    assert!(p["text"].as_str().unwrap().contains(link));
    // Exactly what sending renders: the same email, but for the token, as the outbox holds it.
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "previewed",
        EXT,
        json!({"groups": [group["pk"]], "expires": "2099-01-01T12:00", "never_expires": false,
               "fixed_data": "email: jane@example.com\n"}),
    )
    .await;
    let (s, p2) = admin
        .call(
            "admin/invitations/preview_email",
            json!({"pk": pk, "form": form(&flow, json!({"groups": [group["pk"]]}))}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p2}");
    let (subject, text): (String, String) =
        sqlx::query_as("SELECT subject, body_text FROM outbox WHERE invitation_pk = $1")
            .bind(&pk)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(p2["subject"], subject);
    let preview_token = p2["link"]
        .as_str()
        .unwrap()
        .rsplit_once("itoken=")
        .unwrap()
        .1;
    // The outbox keeps the link's token sealed, a mark in its place until the message is sent.
    let _ = token;
    assert_eq!(
        p2["text"]
            .as_str()
            .unwrap()
            .replace(preview_token, usher_app::domain::outbox::SEALED_SECRET_MARK),
        text
    );
    // A bad expiry is its field's error; the previews wrote nothing.
    let (s, v) = admin
        .call(
            "admin/invitations/preview_email",
            json!({"pk": null, "form": form(&flow, json!({"expires": "soon"}))}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["Validation"][0][0], "expires");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, before + 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 1);
    // The placeholder opens nothing.
    let path = format!("/if/{}", link.split_once("/if/").unwrap().1);
    let r = app.client().get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn only_superusers_may_preview_or_check(app: TestApp) {
    app.admin_pk().await;
    let flow = app.flow_pk(EXT).await;
    let calls = [
        (
            "admin/invitations/preview_email",
            json!({"pk": null, "form": form(&flow, json!({}))}),
        ),
        (
            "admin/invitations/check_address",
            json!({"emails": "*@company.com", "address": "a@company.com"}),
        ),
    ];
    let mut anon = app.client();
    let mut user = app.user("plain").await;
    for (endpoint, args) in calls {
        let (s, body) = anon.call(endpoint, args.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "anonymous {endpoint}: {body}");
        let (s, body) = user.call(endpoint, args).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "non-admin {endpoint}: {body}");
    }
}
