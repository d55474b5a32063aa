//! The audit log (issue 14 item 1 and 4) against the real router on SQLite and PostgreSQL: every change
//! to an invitation, a user or an API token, every use of an invitation and every failed sign-in records
//! exactly one event, by the right actor, about the right object, in the transaction of the change (a
//! refused change records none); no event holds a token; `GET /api/v3/events/events/` lists them in
//! authentik's shape with its filters and pagination.

mod common;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{create_invitation, enroll, Client, TestApp};
use serde_json::{json, Value};

db_tests!(
    every_invitation_change_and_use_records_one_event_by_its_actor,
    refused_changes_record_nothing,
    users_tokens_and_failed_sign_ins_are_recorded,
    the_events_api_is_authentiks_shape_with_its_filters,
    system_events_lists_filters_and_exports_for_admins_only,
    an_invitations_timeline_tells_each_step,
    views_and_refusals_are_counted_off_the_request_path,
    a_lockout_is_recorded_once_per_window,
    creators_who_asked_are_told_of_uses_and_unused_expiry,
    a_failed_delivery_is_told_to_the_creator_who_asked,
);

/// The subject of each message the sink received, with its recipients.
fn subjects(sink: &common::SmtpSink) -> Vec<(String, String)> {
    sink.messages()
        .iter()
        .map(|m| {
            let data = m["data"].as_str().unwrap();
            let subject = data
                .lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .unwrap_or("")
                .to_owned();
            (subject, m["rcpt_tos"].to_string())
        })
        .collect()
}

/// With "Email me" on, the creator is emailed when the invitation is used and, once, when it expires
/// unused; with it off (the default), never (issue 14 item 6).
async fn creators_who_asked_are_told_of_uses_and_unused_expiry(app: TestApp) {
    use usher_app::service::notifications::expired_unused;
    let sink = common::SmtpSink::start(common::free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let (_, quiet) = create_invitation(&app, &mut admin, "quiet", EXT, json!({})).await;
    let (loud_pk, loud) = create_invitation(
        &app,
        &mut admin,
        "loud",
        EXT,
        json!({"notify_creator": true}),
    )
    .await;
    let (s, row) = admin
        .call("admin/invitations/get", json!({"pk": loud_pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(row["notify_creator"], true, "{row}");
    enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &quiet,
        "quinn",
        "quinn@example.com",
    )
    .await;
    enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &loud,
        "lou",
        "lou@example.com",
    )
    .await;
    sink.wait_for(1, 30).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let got = subjects(&sink);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "Invitation loud was used");
    assert!(got[0].1.contains("admin@usher.test"), "{got:?}");
    let body = sink.messages()[0]["data"].as_str().unwrap().to_owned();
    assert!(body.contains("lou used your invitation loud"), "{body}");
    assert!(!body.contains(&loud), "never the link's token");
    // Expired unused: told once, however many instances look.
    let (lapsing, _) = create_invitation(
        &app,
        &mut admin,
        "lapsing",
        EXT,
        json!({"notify_creator": true}),
    )
    .await;
    let (_, silent) = create_invitation(&app, &mut admin, "lapsing-quietly", EXT, json!({})).await;
    let now = usher_app::service::time::now();
    sqlx::query(
        "UPDATE invitations SET expires = $1 WHERE name IN ('lapsing', 'lapsing-quietly', 'loud')",
    )
    .bind(now - 60)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let _ = silent;
    let other = app.another_instance().await;
    let (a, b) = tokio::join!(
        expired_unused(&app.db, &app.state.config, now),
        expired_unused(&other.db, &other.state.config, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "only the unused one that asked");
    assert_eq!(
        expired_unused(&app.db, &app.state.config, now)
            .await
            .unwrap(),
        0
    );
    sink.wait_for(2, 30).await;
    let got = subjects(&sink);
    assert_eq!(got[1].0, "Invitation lapsing expired unused", "{got:?}");
    // Turning it off in the editor keeps the rest of the invitation.
    let mut f = form(&app, "loud").await;
    f["notify_creator"] = json!(false);
    let (s, body) = admin
        .call(
            "admin/invitations/update",
            json!({"pk": loud_pk, "form": f}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, row) = admin
        .call("admin/invitations/get", json!({"pk": loud_pk}))
        .await;
    assert_eq!(row["notify_creator"], false);
    let _ = lapsing;
}

/// A message of an invitation given up on tells its creator, when asked; the notice has no invitation
/// of its own, so its own failure would tell nobody.
async fn a_failed_delivery_is_told_to_the_creator_who_asked(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, _) = create_invitation(
        &app,
        &mut admin,
        "bouncing",
        EXT,
        json!({"notify_creator": true, "fixed_data": "email: gone@example.com\n"}),
    )
    .await;
    // Nothing listens on this port, and the worker gives up at the first failure.
    let dead = common::free_port();
    let worker = usher_app::service::delivery::Worker::new(
        app.db.clone(),
        app.state.config.secret_key.clone(),
        usher_app::service::mail::MailConfig {
            give_up_after_secs: 0,
            ..common::mail_config(dead)
        },
    )
    .unwrap();
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let failed = app
        .count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE invitation_pk = '{pk}' AND status = 'failed'"
        ))
        .await;
    assert_eq!(failed, 1);
    let notices: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT subject, to_addrs, invitation_pk FROM outbox WHERE subject LIKE 'Invitation bouncing%'",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].0, "Invitation bouncing could not be delivered");
    assert!(notices[0].1.contains("admin@usher.test"));
    assert_eq!(notices[0].2, None);
    // The notice fails too (the same dead server): nobody is told of it.
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Invitation bouncing%'")
            .await,
        1
    );
}

async fn refusals(app: &TestApp, pk: &str) -> Vec<(String, String, Value)> {
    events_of(app, pk)
        .await
        .into_iter()
        .filter(|e| e.0 == "invitation_refused")
        .map(|e| (e.1, e.2, e.3))
        .collect()
}

/// Views of a link and refusals of an invitation are counted in memory by the request path (a GET
/// writes nothing) and written by a flush: the view count, the first and last view, and one
/// `invitation_refused` event per reason with its count (issue 14 items 1 and 2).
async fn views_and_refusals_are_counted_off_the_request_path(app: TestApp) {
    use usher_app::service::sightings;
    let mut admin = app.admin().await;
    let (pk, token) =
        create_invitation(&app, &mut admin, "viewed", EXT, json!({"single_use": true})).await;
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    let before = all_events(&app).await;
    for _ in 0..3 {
        let r = app.client().get(&link).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // An unknown token leaves no trace.
    let r = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={}", "x".repeat(43)))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_views").await, 0);
    assert_eq!(all_events(&app).await, before, "the GETs wrote nothing");
    assert_eq!(sightings::flush(&app.db).await.unwrap(), 1);
    let sql = format!("SELECT view_count FROM invitation_views WHERE invitation_pk = '{pk}'");
    assert_eq!(app.count(&sql).await, 3);
    assert_eq!(sightings::flush(&app.db).await.unwrap(), 0, "nothing new");
    // Used up: the next openings are refused, counted as views and as one refusal event.
    let mut jane = app.client();
    enroll(&mut jane, &app.db, EXT, &token, "jane", "jane@example.com").await;
    for _ in 0..2 {
        let r = app.client().get(&link).await;
        assert_eq!(r.status, StatusCode::GONE);
    }
    // Another instance of the same database counts its own views, and they add up.
    let other = app.another_instance().await;
    let r = other.client().get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    sightings::flush(&app.db).await.unwrap();
    sightings::flush(&other.db).await.unwrap();
    assert_eq!(app.count(&sql).await, 6);
    let refused = refusals(&app, &pk).await;
    assert_eq!(refused.len(), 2, "one per instance's batch: {refused:?}");
    for (actor, _, context) in &refused {
        assert_eq!(actor, "invitee");
        assert_eq!(context["reason"], "used_up");
    }
    let counts: i64 = refused.iter().map(|r| r.2["count"].as_i64().unwrap()).sum();
    assert_eq!(counts, 3);
    // A submission refused by the invitation's email rule is a refusal too; a typing mistake is not.
    let (rpk, rtoken) = create_invitation(
        &app,
        &mut admin,
        "ruled",
        EXT,
        json!({"emails": "*@example.org"}),
    )
    .await;
    let r = enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &rtoken,
        "mallory",
        "m@evil.example",
    )
    .await;
    assert!(!common::continues(&r), "{}", r.body);
    let r = common::submit_stage(&mut app.client(), EXT, &rtoken, "1", &[("username", "")]).await;
    assert!(!common::continues(&r));
    sightings::flush(&app.db).await.unwrap();
    let refused = refusals(&app, &rpk).await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].2["reason"], "email_rule");
    assert_eq!(refused[0].2["count"], 1);
    // The admin sees both in the timeline.
    let (s, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(s, StatusCode::OK, "{row}");
    let kinds: Vec<&str> = row["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["created", "viewed", "used", "refused", "refused"],
        "{row}"
    );
    // A deleted invitation's late views are dropped, never an error.
    app.client().get(&link).await;
    admin
        .call("admin/invitations/delete", json!({"pk": pk}))
        .await;
    sightings::flush(&app.db).await.unwrap();
    assert_eq!(app.db.sightings.pending(), 0);
}

/// Too many failed sign-ins to one account from one network lock it from there: one `login_locked`
/// event per window, however many attempts follow.
async fn a_lockout_is_recorded_once_per_window(app: TestApp) {
    app.admin_pk().await;
    let ip = [192, 0, 2, 77];
    let max = usher_app::domain::limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max;
    for _ in 0..max {
        let r = app.client().login_from("admin", "wrong", ip).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..3 {
        let r = app.client().login_from("admin", "wrong", ip).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    }
    let n = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'login_locked'")
        .await;
    assert_eq!(n, 1);
    let ctx: String =
        sqlx::query_scalar("SELECT context FROM audit_events WHERE action = 'login_locked'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let ctx: Value = serde_json::from_str(&ctx).unwrap();
    assert_eq!(ctx["username"], "admin");
    assert_eq!(ctx["network"], "192.0.2.77");
    assert!(!ctx.to_string().contains("wrong"), "never the password");
}

/// The expanded row's timeline: created, emailed, delivered (through a real SMTP server on loopback),
/// disabled, enabled, used, in order (issue 14 item 3).
async fn an_invitations_timeline_tells_each_step(app: TestApp) {
    let sink = common::SmtpSink::start(common::free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "timeline",
        EXT,
        json!({"fixed_data": "email: tim@example.com\n"}),
    )
    .await;
    sink.wait_for(1, 30).await;
    // The worker records the delivery once the SMTP server took the message.
    let mut delivered = 0;
    for _ in 0..100 {
        delivered = app
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'email_sent'")
            .await;
        if delivered > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(delivered, 1);
    let (s, _) = admin
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    admin
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": true}),
        )
        .await;
    let mut tim = app.client();
    enroll(&mut tim, &app.db, EXT, &token, "tim", "tim@example.com").await;
    let (s, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(s, StatusCode::OK, "{row}");
    let steps = row["timeline"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "sent",
            "delivered",
            "disabled",
            "enabled",
            "used"
        ],
        "{row}"
    );
    assert_eq!(steps[0]["text"], "Created by admin");
    assert_eq!(steps[1]["text"], "Emailed to tim@example.com by admin");
    assert_eq!(steps[2]["text"], "Delivered to tim@example.com");
    assert_eq!(steps[5]["text"], "Used by tim: enrolled");
    let delivered = events_of(&app, &pk).await;
    let delivered = delivered.iter().find(|e| e.0 == "email_sent").unwrap();
    assert_eq!(
        (delivered.1.as_str(), delivered.3["to"].as_str()),
        ("system", Some("tim@example.com"))
    );
    // A list's rows carry no timeline: it is read with one invitation.
    let (_, list) = admin
        .call(
            "admin/invitations/list",
            json!({"search": "", "sort": "CreatedDesc", "page": 0}),
        )
        .await;
    assert!(list[0]["timeline"].is_null(), "{list}");
}

fn query(fields: Value) -> Value {
    let mut q = json!({"action": "", "username": "", "model": "", "object_pk": "", "since": "", "until": "", "page": 0});
    for (k, v) in fields.as_object().unwrap() {
        q[k] = v.clone();
    }
    json!({ "query": q })
}

async fn system_events_lists_filters_and_exports_for_admins_only(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, _) = create_invitation(&app, &mut admin, "listed", EXT, json!({})).await;
    admin
        .call("admin/invitations/delete", json!({"pk": pk}))
        .await;
    // The page's list: newest first, with the object's name and the rest of the context.
    let (s, page) = admin.call("admin/events/list", query(json!({}))).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(
        page["count"], 3,
        "the admin's creation, the invitation's creation and deletion"
    );
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows[0]["action"], "model_deleted");
    assert_eq!(rows[0]["object_name"], "listed");
    assert_eq!(rows[0]["actor"], "admin");
    assert_eq!(
        rows[2]["actor"], "system",
        "create-admin runs as the system"
    );
    let (_, page) = admin
        .call(
            "admin/events/list",
            query(json!({"action": "model_created", "model": "invitation"})),
        )
        .await;
    assert_eq!(page["count"], 1);
    assert_eq!(page["rows"][0]["object_pk"], pk.as_str());
    let (_, page) = admin
        .call(
            "admin/events/list",
            query(json!({"until": "2000-01-01T00:00"})),
        )
        .await;
    assert_eq!(page["count"], 0);
    let (s, e) = admin
        .call("admin/events/list", query(json!({"since": "yesterday"})))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");

    // The exports: the same selection, as CSV and as JSON in the REST API's shape.
    let csv = admin
        .get("/admin/events/export.csv?action=model_created&context_model_name=invitation")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("usher-events.csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[0].starts_with("pk,created,action,actor_kind,username"));
    assert!(lines[1].contains(",model_created,user,admin,") && lines[1].contains(&pk));
    let all = admin.get("/admin/events/export.json").await;
    assert_eq!(all.status, StatusCode::OK);
    let events: Value = serde_json::from_str(&all.body).unwrap();
    assert_eq!(events.as_array().unwrap().len(), 3);
    assert_eq!(events[0]["action"], "model_deleted");
    assert_eq!(events[0]["user"]["username"], "admin");
    // Only superusers: a member gets 403 and nothing of the log, anonymous visitors are sent to sign in.
    let mut member = app.user("member").await;
    let r = member.get("/admin/events/export.csv").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("model_created"));
    let r = app.client().get("/admin/events/export.json").await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(!r.body.contains("model_created"));
}

const EXT: &str = "invitation-enrollment-flow-external";

/// Every event about `pk`, oldest first, as `(action, actor_kind, actor_name, context)`.
async fn events_of(app: &TestApp, pk: &str) -> Vec<(String, String, String, Value)> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT action, actor_kind, actor_name, context FROM audit_events WHERE object_pk = $1 ORDER BY created, pk",
    )
    .bind(pk)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, k, n, c)| (a, k, n, serde_json::from_str(&c).unwrap()))
        .collect()
}

/// The dashboard's invitation form for `name` on the external flow: public, never expiring, enabled.
async fn form(app: &TestApp, name: &str) -> Value {
    json!({
        "name": name, "description": "", "flow": app.flow_pk(EXT).await, "expires": "",
        "never_expires": true, "fixed_data": "", "single_use": false, "quota": "", "emails": "", "roles": [],
        "groups": [], "enabled": true
    })
}

/// How many events there are in all.
async fn all_events(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_events").await
}

/// The actions of `pk`'s events, oldest first (events of one second keep no order among themselves, so
/// callers compare sorted lists where several fall in one second).
async fn actions_of(app: &TestApp, pk: &str) -> Vec<String> {
    let mut a: Vec<String> = events_of(app, pk).await.into_iter().map(|e| e.0).collect();
    a.sort();
    a
}

async fn every_invitation_change_and_use_records_one_event_by_its_actor(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, first_token) = create_invitation(&app, &mut admin, "ev-one", EXT, json!({})).await;
    let created = events_of(&app, &pk).await;
    assert_eq!(created.len(), 1, "{created:?}");
    let (action, kind, name, ctx) = &created[0];
    assert_eq!(
        (action.as_str(), kind.as_str(), name.as_str()),
        ("model_created", "user", "admin")
    );
    assert_eq!(ctx["model"]["model_name"], "invitation");
    assert_eq!(ctx["model"]["pk"], pk.as_str());
    assert_eq!(ctx["model"]["name"], "ev-one");
    assert_eq!(ctx["fields"]["flow"], EXT);

    // An edit records what changed, old and new.
    let mut form = form(&app, "ev-one").await;
    form["description"] = json!("for the sales team");
    let (s, body) = admin
        .call(
            "admin/invitations/update",
            json!({"pk": pk, "form": form.clone()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, _) = admin
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = admin
        .call("admin/invitations/regenerate", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let second_token = app.token(&pk).await;
    assert_ne!(first_token, second_token);
    let updates: Vec<Value> = events_of(&app, &pk)
        .await
        .into_iter()
        .filter(|e| e.0 == "model_updated")
        .map(|e| e.3["diff"].clone())
        .collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(
        updates.contains(&json!({"description": {"old": "", "new": "for the sales team"}})),
        "{updates:?}"
    );
    assert!(
        updates.contains(&json!({"enabled": {"old": true, "new": false}})),
        "{updates:?}"
    );

    // The invitee enrolls: their account's creation and the use, both by them.
    form["enabled"] = json!(true);
    admin
        .call("admin/invitations/update", json!({"pk": pk, "form": form}))
        .await;
    let mut jane = app.client();
    let r = enroll(
        &mut jane,
        &app.db,
        EXT,
        &second_token,
        "jane",
        "jane@example.com",
    )
    .await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{} {}",
        r.status,
        r.body
    );
    let used: Vec<_> = events_of(&app, &pk)
        .await
        .into_iter()
        .filter(|e| e.0 == "invitation_used")
        .collect();
    assert_eq!(used.len(), 1);
    assert_eq!((used[0].1.as_str(), used[0].2.as_str()), ("user", "jane"));
    assert_eq!(used[0].3["use"], "enrolled");
    let jane_pk: i64 = sqlx::query_scalar("SELECT pk FROM users WHERE username = 'jane'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let account = events_of(&app, &jane_pk.to_string()).await;
    assert_eq!(account.len(), 1, "{account:?}");
    assert_eq!(
        (account[0].0.as_str(), account[0].2.as_str()),
        ("model_created", "jane")
    );
    assert_eq!(account[0].3["fields"]["email"], "jane@example.com");

    let (s, n) = admin
        .call("admin/invitations/deprovision", json!({"pk": pk}))
        .await;
    assert_eq!((s, n), (StatusCode::OK, json!(1)));
    let (s, _) = admin
        .call("admin/invitations/delete", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);

    assert_eq!(
        actions_of(&app, &pk).await,
        [
            "invitation_deprovisioned",
            "invitation_used",
            "model_created",
            "model_deleted",
            "model_updated",
            "model_updated",
            "model_updated",
            "secret_rotate",
        ],
        "one event per change, kept after the invitation is deleted"
    );
    // No event holds a link's secret, old or new, nor a password.
    let text: Vec<String> = sqlx::query_scalar("SELECT context FROM audit_events")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let text = text.join("\n");
    for secret in [&first_token, &second_token] {
        assert!(!text.contains(secret.as_str()), "a token in an event");
    }
    assert!(!text.contains("s3cret-pass-word"), "a password in an event");
}

async fn refused_changes_record_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, _) = create_invitation(&app, &mut admin, "ev-two", EXT, json!({})).await;
    let before = all_events(&app).await;
    // A bad name, an unknown invitation, one's own account: refused, and nothing recorded.
    let (s, _) = admin
        .call(
            "admin/invitations/update",
            json!({"pk": pk, "form": form(&app, "not a slug!").await}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    for endpoint in [
        "admin/invitations/delete",
        "admin/invitations/regenerate",
        "admin/invitations/deprovision",
    ] {
        let (s, _) = admin.call(endpoint, json!({"pk": "no-such-pk"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{endpoint}");
    }
    let admin_pk = app
        .count("SELECT pk FROM users WHERE username = 'admin'")
        .await;
    let (s, _) = admin
        .call(
            "admin/users/set_active",
            json!({"pk": admin_pk, "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A write that fails after its change (a name another invitation has) rolls its event back too.
    create_invitation(&app, &mut admin, "ev-three", EXT, json!({})).await;
    let before_clash = all_events(&app).await;
    let (s, _) = admin
        .call(
            "admin/invitations/update",
            json!({"pk": pk, "form": form(&app, "ev-three").await}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(all_events(&app).await, before_clash);
    assert_eq!(
        all_events(&app).await,
        before + 1,
        "only ev-three's creation"
    );
}

async fn users_tokens_and_failed_sign_ins_are_recorded(app: TestApp) {
    let mut admin = app.admin().await;
    // A failed sign-in names the username as typed, never the password.
    let mut someone = app.client();
    let (s, _) = someone.login("admin", "not-the-password").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let failed: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor_name, context FROM audit_events WHERE action = 'login_failed'",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, "admin");
    assert!(!failed[0].1.contains("not-the-password"));

    let (s, t) = admin
        .call(
            "admin/tokens/create",
            json!({"form": {"username": "admin", "identifier": "ci", "description": "", "expires": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let token_pk = t["token"]["pk"].as_str().unwrap().to_owned();
    let secret = t["secret"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let (s, _) = admin
            .call("admin/tokens/revoke", json!({"pk": token_pk}))
            .await;
        assert_eq!(s, StatusCode::OK);
    }
    let token_events = events_of(&app, &token_pk).await;
    assert_eq!(
        token_events
            .iter()
            .map(|e| e.0.as_str())
            .collect::<Vec<_>>(),
        ["model_created", "model_updated"],
        "revoking a revoked token records nothing"
    );
    assert!(token_events.iter().all(|e| e.2 == "admin"));
    assert!(!token_events
        .iter()
        .any(|e| e.3.to_string().contains(&secret)));

    app.user("bob").await;
    let bob: i64 = app
        .count("SELECT pk FROM users WHERE username = 'bob'")
        .await;
    let (s, _) = admin
        .call(
            "admin/users/set_active",
            json!({"pk": bob, "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = admin.call("admin/users/delete", json!({"pk": bob})).await;
    assert_eq!(s, StatusCode::OK);
    let bob_events = events_of(&app, &bob.to_string()).await;
    let actions: Vec<&str> = bob_events.iter().map(|e| e.0.as_str()).collect();
    assert!(
        actions.ends_with(&["model_updated", "model_deleted"]),
        "in the order they happened: {actions:?}"
    );
    assert_eq!(
        bob_events[bob_events.len() - 2].3["diff"],
        json!({"is_active": {"old": true, "new": false}})
    );
}

async fn get(c: &mut Client, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::ACCEPT, "application/json");
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let r = c.send(req.body(Body::empty()).unwrap()).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

async fn the_events_api_is_authentiks_shape_with_its_filters(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, t) = admin
        .call(
            "admin/tokens/create",
            json!({"form": {"username": "admin", "identifier": "api", "description": "", "expires": ""}}),
        )
        .await;
    let secret = t["secret"].as_str().unwrap().to_owned();
    let token_pk = t["token"]["pk"].as_str().unwrap().to_owned();
    // A write through the REST API names the token.
    let body = json!({"name": "from-api", "flow": app.flow_pk(EXT).await});
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v3/stages/invitation/invitations/")
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [10, 1, 2, 3],
            40_000,
        ))));
    let r = admin.send(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let pk = serde_json::from_str::<Value>(&r.body).unwrap()["pk"]
        .as_str()
        .unwrap()
        .to_owned();

    let (s, page) = get(
        &mut admin,
        &format!("/api/v3/events/events/?context_model_pk={pk}"),
        Some(&secret),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["pagination"]["count"], 1);
    let e = &page["results"][0];
    assert_eq!(e["action"], "model_created");
    assert_eq!(e["app"], "authentik.stages.invitation");
    assert_eq!(e["user"]["username"], "admin");
    assert_eq!(e["user"]["authenticated_as"], "token");
    assert_eq!(e["context"]["token"], token_pk.as_str());
    assert_eq!(e["context"]["model"]["pk"], pk.as_str());
    assert_eq!(e["client_ip"], "10.1.2.3");
    assert!(chrono::DateTime::parse_from_rfc3339(e["created"].as_str().unwrap()).is_ok());
    assert!(e["expires"].as_str().unwrap() > e["created"].as_str().unwrap());

    // Filters, ordering and pages.
    let (_, all) = get(&mut admin, "/api/v3/events/events/", Some(&secret)).await;
    let total = all["pagination"]["count"].as_u64().unwrap();
    assert!(total >= 3, "{all}");
    let (_, created) = get(
        &mut admin,
        "/api/v3/events/events/?action=model_created&username=admin",
        Some(&secret),
    )
    .await;
    assert!(created["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["action"] == "model_created" && e["user"]["username"] == "admin"));
    let (_, oldest) = get(
        &mut admin,
        "/api/v3/events/events/?ordering=created&page_size=1",
        Some(&secret),
    )
    .await;
    assert_eq!(oldest["pagination"]["total_pages"], total);
    assert_eq!(
        oldest["results"][0]["context"]["model"]["name"], "admin",
        "the first event is the admin's creation"
    );
    let (s, bad) = get(
        &mut admin,
        "/api/v3/events/events/?action=nope",
        Some(&secret),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(bad["action"][0].as_str().unwrap().contains("nope"));
    let (s, _) = get(&mut admin, "/api/v3/events/events/?page=99", Some(&secret)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Tokens only: no token, no events; the session cookie is not enough.
    let (s, _) = get(&mut admin, "/api/v3/events/events/", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // In the OpenAPI document.
    let (_, doc) = get(&mut admin, "/api/v3/schema/", None).await;
    assert!(doc["paths"]["/events/events/"]["get"].is_object());
    assert!(doc["components"]["schemas"]["PaginatedEventList"].is_object());
}
