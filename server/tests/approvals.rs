//! Approval (issue 17 item 3) against the real router on SQLite and PostgreSQL: a use of an invitation
//! that requires approval grants nothing (a new account cannot sign in) until an approver approves on the
//! confirmation page (whose GET changes nothing); a denial needs a reason and grants nothing; an
//! undecided request expires as denied; two approvers at once produce one decision; a member's invitation
//! takes the requirement from the inviter policy it was made under.

mod common;
use axum::http::StatusCode;
use common::{create_invitation, enroll, TestApp};
use serde_json::{json, Value};

db_tests!(
    a_new_account_waits_for_an_approver_then_is_approved,
    a_denial_names_its_reason_and_grants_nothing,
    an_undecided_request_expires_as_denied,
    two_approvers_at_once_make_one_decision,
    a_members_invitation_takes_approval_from_the_policy,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// Creates the role `viewer` and the group `team-a`; returns their pks.
async fn directory(admin: &mut common::Client) -> (String, String) {
    let (_, role) = admin
        .call("admin/roles/create", json!({"name": "viewer"}))
        .await;
    let (_, group) = admin
        .call("admin/groups/create", json!({"name": "team-a"}))
        .await;
    (
        role["pk"].as_str().unwrap().to_owned(),
        group["pk"].as_str().unwrap().to_owned(),
    )
}

/// An invitation on EXT granting `viewer` and `team-a`, whose uses wait for an approver.
async fn approval_invitation(app: &TestApp, admin: &mut common::Client) -> (String, String) {
    let (role, group) = directory(admin).await;
    create_invitation(
        app,
        admin,
        "needs-yes",
        EXT,
        json!({"roles": [role], "groups": [group], "requires_approval": true}),
    )
    .await
}

async fn pk_of(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// The request's pk and status for account `username`.
async fn request_of(app: &TestApp, username: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT a.pk, a.status FROM approval_requests a JOIN users u ON u.pk = a.user_pk WHERE u.username = $1",
    )
    .bind(username)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn grants_of(app: &TestApp, username: &str) -> (i64, i64) {
    let pk = pk_of(app, username).await;
    (
        app.count(&format!(
            "SELECT COUNT(*) FROM user_role_memberships WHERE user_pk = {pk}"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM user_group_memberships WHERE user_pk = {pk}"
        ))
        .await,
    )
}

/// The outbox messages to `to`: `(subject, text body)`.
async fn mail_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT to_addrs, subject, body_text FROM outbox ORDER BY created, pk")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    rows.into_iter()
        .filter(|(addrs, _, _)| addrs.contains(to))
        .map(|(_, s, b)| (s, b))
        .collect()
}

async fn decide(
    c: &mut common::Client,
    pk: &str,
    decision: &str,
    reason: &str,
) -> common::Response {
    c.call_form(
        "approvals/decide",
        &[("pk", pk), ("decision", decision), ("reason", reason)],
    )
    .await
}

async fn a_new_account_waits_for_an_approver_then_is_approved(app: TestApp) {
    let mut admin = app.admin().await;
    let (inv, token) = approval_invitation(&app, &mut admin).await;
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "jane",
        "jane@usher.test",
    )
    .await;
    assert_eq!(
        r.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/if/pending/"),
        "the invitee lands on the pending page"
    );
    // The use is taken, the account exists, but it is inactive and holds nothing.
    assert_eq!(
        app.count(&format!("SELECT uses FROM invitations WHERE pk = '{inv}'"))
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT is_active FROM users WHERE username = 'jane'")
            .await,
        0
    );
    assert_eq!(grants_of(&app, "jane").await, (0, 0));
    let (req, status) = request_of(&app, "jane").await;
    assert_eq!(status, "pending");
    let (s, _) = app.client().login("jane", "s3cret-pass-word").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no sign-in before approval");
    // The approver (the admin) is emailed the form data and the confirmation page's link.
    let mails = mail_to(&app, "admin@usher.test").await;
    let (subject, body) = mails.last().expect("a message to the approver");
    assert_eq!(subject, "Approval needed: jane");
    assert!(body.contains(&format!("/if/approval/{req}")), "{body}");
    assert!(body.contains("jane@usher.test"), "{body}");
    assert!(body.contains("Jane Smith"), "{body}");
    assert!(!body.contains("s3cret"), "never the password: {body}");
    // The pending page speaks plainly.
    let page = app.client().get("/if/pending/").await;
    assert!(page.body.contains("Waiting for approval"), "{}", page.body);
    // Without an SMTP server nobody will email the decision: the page says whom to ask.
    assert!(
        page.body.contains("Ask the person who invited you"),
        "{}",
        page.body
    );
    // The confirmation page shows the request; its GET decides nothing.
    let page = admin.get(&format!("/if/approval/{req}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("jane@usher.test"), "{}", page.body);
    assert!(page.body.contains("viewer, team-a"), "{}", page.body);
    assert!(page.body.contains(r#"value="approve""#), "{}", page.body);
    assert_eq!(request_of(&app, "jane").await.1, "pending");
    // Anonymous: asked to sign in; a member: refused.
    let page = app.client().get(&format!("/if/approval/{req}")).await;
    assert!(page.body.contains("Sign in to review it"), "{}", page.body);
    let mut bob = app.user("bob").await;
    let r = decide(&mut bob, &req, "approve", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(request_of(&app, "jane").await.1, "pending");
    // Directory → Approvals lists it.
    let (s, list) = admin.call("admin/approvals/list", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list[0]["username"], "jane");
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["grants"], json!(["viewer", "team-a"]));

    // Approved: granted, active, signs in, told by email.
    let r = decide(&mut admin, &req, "approve", "").await;
    assert_eq!(
        r.headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/if/approval/{req}").as_str()),
        "{}",
        r.body
    );
    assert_eq!(request_of(&app, "jane").await.1, "approved");
    assert_eq!(grants_of(&app, "jane").await, (1, 1));
    let (s, body) = app.client().login("jane", "s3cret-pass-word").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let told = mail_to(&app, "jane@usher.test").await;
    assert!(
        told.iter().any(|(s, _)| s == "Your access was approved"),
        "{told:?}"
    );
    // Decided once: a second decision is refused and changes nothing.
    let r = decide(&mut admin, &req, "deny", "changed my mind").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("decided already"), "{}", r.body);
    assert_eq!(request_of(&app, "jane").await.1, "approved");
    assert_eq!(grants_of(&app, "jane").await, (1, 1));
    // The ledger: who used it, who approved, in the invitation's events.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE object_pk = $1 ORDER BY created, pk",
    )
    .bind(&inv)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    for a in ["invitation_used", "approval_requested", "approval_decided"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    let decided: String = sqlx::query_scalar(
        "SELECT context FROM audit_events WHERE action = 'approval_decided' AND object_pk = $1",
    )
    .bind(&inv)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let decided: Value = serde_json::from_str(&decided).unwrap();
    assert_eq!(decided["decision"], "approved");
    // The invitation's timeline tells it.
    let (s, view) = admin
        .call("admin/invitations/get", json!({"pk": inv}))
        .await;
    assert_eq!(s, StatusCode::OK, "{view}");
    let text = view.to_string();
    assert!(
        text.contains("used it; their access waits for approval"),
        "{text}"
    );
    assert!(text.contains("admin approved jane"), "{text}");
}

async fn a_denial_names_its_reason_and_grants_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = approval_invitation(&app, &mut admin).await;
    // An existing account accepts: its grant waits.
    let mut carol = app.user("carol").await;
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    carol.get(&link).await;
    let r = carol.call_form("flow/accept", &[("itoken", &token)]).await;
    assert_eq!(
        r.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/if/pending/"),
        "{}",
        r.body
    );
    assert_eq!(grants_of(&app, "carol").await, (0, 0));
    let (req, _) = request_of(&app, "carol").await;
    // Denying needs a reason; without one nothing changes.
    let r = decide(&mut admin, &req, "deny", "   ").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Give a reason"), "{}", r.body);
    assert_eq!(request_of(&app, "carol").await.1, "pending");
    let r = decide(&mut admin, &req, "maybe", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(request_of(&app, "carol").await.1, "pending");
    let r = decide(&mut admin, &req, "deny", "Not on the team").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(request_of(&app, "carol").await.1, "denied");
    assert_eq!(grants_of(&app, "carol").await, (0, 0));
    // Carol keeps her own account (she is active as before) and is told why.
    assert_eq!(
        app.count("SELECT is_active FROM users WHERE username = 'carol'")
            .await,
        1
    );
    let told = mail_to(&app, "carol@usher.test").await;
    let (_, body) = told
        .iter()
        .find(|(s, _)| s == "Your access was denied")
        .expect("told of the denial");
    assert!(body.contains("Reason: Not on the team"), "{body}");
    let page = admin.get(&format!("/if/approval/{req}")).await;
    assert!(page.body.contains("Not on the team"), "{}", page.body);
    assert!(
        !page.body.contains(r#"value="approve""#),
        "no form once decided"
    );
}

async fn an_undecided_request_expires_as_denied(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = approval_invitation(&app, &mut admin).await;
    enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "late",
        "late@usher.test",
    )
    .await;
    let (req, _) = request_of(&app, "late").await;
    sqlx::query("UPDATE approval_requests SET expires_at = 1000 WHERE pk = $1")
        .bind(&req)
        .execute(&app.db.pool)
        .await
        .unwrap();
    // Past its expiry it reads expired, and can no longer be approved.
    let (_, list) = admin.call("admin/approvals/list", json!({})).await;
    assert_eq!(list[0]["status"], "expired");
    let r = decide(&mut admin, &req, "approve", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Expired"), "{}", r.body);
    assert_eq!(grants_of(&app, "late").await, (0, 0));
    // The worker writes it so, once, and tells the invitee.
    let n = usher_app::service::approvals::expire_due(&app.db, &app.state.config)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        usher_app::service::approvals::expire_due(&app.db, &app.state.config)
            .await
            .unwrap(),
        0
    );
    assert_eq!(request_of(&app, "late").await.1, "expired");
    // Deprovisioning the invitation's accounts denies its uses still waiting: approval cannot bring
    // them back.
    let (inv, token2) = create_invitation(
        &app,
        &mut admin,
        "second",
        EXT,
        json!({"requires_approval": true}),
    )
    .await;
    enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token2,
        "waiting",
        "waiting@usher.test",
    )
    .await;
    let (waiting, _) = request_of(&app, "waiting").await;
    let (s, _) = admin
        .call("admin/invitations/deprovision", json!({"pk": inv}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(request_of(&app, "waiting").await.1, "denied");
    // The reason is worded where it is shown, in the viewer's language.
    let (s, shown) = admin.call("approvals/get", json!({"pk": waiting})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        shown["reason"], "The invitation's accounts were deprovisioned.",
        "{shown}"
    );
    let r = decide(&mut admin, &waiting, "approve", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        app.count("SELECT is_active FROM users WHERE username = 'waiting'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT is_active FROM users WHERE username = 'late'")
            .await,
        0
    );
    let told = mail_to(&app, "late@usher.test").await;
    assert!(
        told.iter().any(|(s, _)| s == "Your request expired"),
        "{told:?}"
    );
}

async fn two_approvers_at_once_make_one_decision(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = approval_invitation(&app, &mut admin).await;
    enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "racer",
        "racer@usher.test",
    )
    .await;
    let (req, _) = request_of(&app, "racer").await;
    // A second approver, on another instance sharing the database.
    let _ = app.user("second").await;
    sqlx::query("UPDATE users SET is_superuser = 1 WHERE username = 'second'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let other = app.another_instance().await;
    let mut second = other.client();
    let (s, _) = second.login("second", common::ADMIN_PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    for round in 0..3 {
        if round > 0 {
            // Back to pending, for another race.
            sqlx::query("UPDATE approval_requests SET status = 'pending', decided_by = NULL, decided_at = NULL, reason = '' WHERE pk = $1")
                .bind(&req)
                .execute(&app.db.pool)
                .await
                .unwrap();
            sqlx::query("DELETE FROM user_role_memberships")
                .execute(&app.db.pool)
                .await
                .unwrap();
            sqlx::query("DELETE FROM user_group_memberships")
                .execute(&app.db.pool)
                .await
                .unwrap();
        }
        let before = app
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'approval_decided'")
            .await;
        let (a, b) = tokio::join!(
            decide(&mut admin, &req, "approve", ""),
            decide(&mut second, &req, "deny", "No")
        );
        let won: Vec<bool> = [&a, &b]
            .iter()
            .map(|r| r.status == StatusCode::OK)
            .collect();
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "one decision: {} / {}",
            a.body,
            b.body
        );
        let status = request_of(&app, "racer").await.1;
        let grants = grants_of(&app, "racer").await;
        if won[0] {
            assert_eq!((status.as_str(), grants), ("approved", (1, 1)));
        } else {
            assert_eq!((status.as_str(), grants), ("denied", (0, 0)));
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'approval_decided'")
                .await,
            before + 1
        );
    }
}

async fn a_members_invitation_takes_approval_from_the_policy(app: TestApp) {
    let mut admin = app.admin().await;
    let (viewer, _) = directory(&mut admin).await;
    let (_, lead) = admin
        .call("admin/roles/create", json!({"name": "team-lead"}))
        .await;
    let lead = lead["pk"].as_str().unwrap().to_owned();
    let (s, r) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": {
                "flows": [EXT], "roles": ["viewer"], "groups": [], "email_domains": ["usher.test"],
                "allow_public": false, "max_expiry_days": 14, "max_quota": 5, "per_30_days": 3,
                "requires_approval": true, "approvers": " managers "
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "no such group yet: {r}");
    assert!(r.to_string().contains("approvers"), "{r}");
    let (_, managers) = admin
        .call("admin/groups/create", json!({"name": "managers"}))
        .await;
    let managers = managers["pk"].as_str().unwrap().to_owned();
    let (s, r) = admin
        .call(
            "admin/roles/set_inviter_policy",
            json!({"pk": lead, "policy": {
                "flows": [EXT], "roles": ["viewer"], "groups": [], "email_domains": ["usher.test"],
                "allow_public": false, "max_expiry_days": 14, "max_quota": 5, "per_30_days": 3,
                "requires_approval": true, "approvers": " managers "
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    // Carol manages (a member of `managers`); dave does not.
    let mut carol = app.user("carol").await;
    usher_app::store::users::add_group(&app.db.pool, pk_of(&app, "carol").await, &managers)
        .await
        .unwrap();
    let mut dave = app.user("dave").await;
    let mut bob = app.user("bob").await;
    let bob_pk = pk_of(&app, "bob").await;
    for role in [&lead, &viewer] {
        usher_app::store::users::add_role(&app.db.pool, bob_pk, role)
            .await
            .unwrap();
    }
    let expires =
        usher_app::domain::time::format_input(usher_app::service::time::now() + 3 * 86_400);
    let (s, pk) = bob
        .call(
            "user/invitations/create",
            json!({"form": {
                "name": "bobs", "description": "", "flow": app.flow_pk(EXT).await, "expires": expires,
                "never_expires": false, "not_before": "", "fixed_data": "", "single_use": true, "quota": "",
                "emails": "*@usher.test", "roles": [viewer], "groups": [], "enabled": true,
                "requires_approval": false
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let pk = pk.as_str().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT requires_approval FROM invitations WHERE pk = '{pk}'"
        ))
        .await,
        1,
        "the policy decides, whatever the form said"
    );
    // Ivy uses it: the admin and the managers' member are asked, nobody else.
    let token = app.token(pk).await;
    enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "ivy",
        "ivy@usher.test",
    )
    .await;
    let (req, status) = request_of(&app, "ivy").await;
    assert_eq!(status, "pending");
    for (to, asked) in [
        ("admin@usher.test", true),
        ("carol@usher.test", true),
        ("dave@usher.test", false),
        ("bob@usher.test", false),
    ] {
        let n = mail_to(&app, to)
            .await
            .iter()
            .filter(|(s, _)| s == "Approval needed: ivy")
            .count();
        assert_eq!(n, usize::from(asked), "{to}");
    }
    // Dave may neither see nor decide it; nor may bob, who invited.
    for c in [&mut dave, &mut bob] {
        let (s, _) = c.call("approvals/get", json!({"pk": req})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let r = decide(c, &req, "approve", "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let page = c.get(&format!("/if/approval/{req}")).await;
        assert!(!page.body.contains("ivy@usher.test"), "{}", page.body);
    }
    assert_eq!(request_of(&app, "ivy").await.1, "pending");
    // Carol sees it and approves; ivy gets the role.
    let page = carol.get(&format!("/if/approval/{req}")).await;
    assert!(page.body.contains("ivy@usher.test"), "{}", page.body);
    let r = decide(&mut carol, &req, "approve", "Welcome").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(request_of(&app, "ivy").await.1, "approved");
    assert_eq!(grants_of(&app, "ivy").await, (1, 0));
    // The admin's list shows it; carol has no admin list.
    let (_, list) = admin.call("admin/approvals/list", json!({})).await;
    assert_eq!(list[0]["decided_by"], "carol");
    let (s, _) = carol.call("admin/approvals/list", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
