//! Campaigns (issue 15 items 1, 2 and 4), on SQLite and PostgreSQL, through the dashboard's server
//! functions and the `usher campaign import` command: a dry run writes nothing and says what each row
//! would be; an import gives every recipient their own single-use invitation limited to their address
//! and sends each their own link (a real SMTP server on loopback); duplicates and existing accounts are
//! handled; resend and revoke reach exactly the recipients they name; reminders go once to exactly the
//! pending recipients (time injected, not slept), even with two instances at once; and an import killed
//! with SIGKILL in the middle leaves none of itself behind, while the same import run to the end leaves
//! all of it.

mod common;
use axum::http::StatusCode;
use common::{enroll, free_port, unfold_qp, Client, SmtpSink, TestApp};
use serde_json::{json, Value};

db_tests!(
    a_dry_run_writes_nothing_and_classifies_every_row,
    an_import_sends_each_recipient_their_own_link,
    a_bad_definition_or_file_is_refused_and_changes_nothing,
    reminders_go_once_to_exactly_the_pending_recipients,
    an_import_killed_midway_leaves_nothing_and_a_full_one_everything,
    a_campaigns_opening_time_holds_its_invitations_closed,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// Creates campaign `name` on the external flow as `admin` with these form fields over the defaults;
/// returns its pk.
async fn create_campaign(app: &TestApp, admin: &mut Client, name: &str, extra: Value) -> String {
    let mut form = json!({
        "name": name, "description": "", "flow": app.flow_pk(EXT).await, "expires": "", "not_before": "",
        "fixed_data": "", "email_subject": "", "email_message": "", "reminder_days": "", "digest": false,
        "roles": [], "groups": []
    });
    for (k, v) in extra.as_object().unwrap() {
        form[k] = v.clone();
    }
    let (s, pk) = admin
        .call("admin/campaigns/save", json!({"pk": null, "form": form}))
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    pk.as_str().unwrap().to_owned()
}

async fn page(admin: &mut Client, pk: &str) -> Value {
    let (s, body) = admin.call("admin/campaigns/get", json!({"pk": pk})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body
}

fn count(page: &Value, state: &str) -> i64 {
    page["campaign"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == state)
        .map_or(0, |c| c[1].as_i64().unwrap())
}

fn state_of(page: &Value, email: &str) -> String {
    page["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == email)
        .unwrap_or_else(|| panic!("{email} is not a recipient: {page}"))["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn totals(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM campaign_recipients").await,
        app.count("SELECT COUNT(*) FROM invitations").await,
        app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'")
            .await,
    )
}

async fn a_dry_run_writes_nothing_and_classifies_every_row(app: TestApp) {
    let mut admin = app.admin().await;
    app.user("jane").await;
    let pk = create_campaign(&app, &mut admin, "cohort", json!({})).await;
    let csv = "\u{feff}email;name;attributes.team\nann@example.com;Ann;red\nANN@Example.com;Ann again;\nnot-an-address;X;\njane@usher.test;Jane;blue\nbob@example.com;Bob;\n";
    let before = totals(&app).await;
    let (s, body) = admin
        .call(
            "admin/campaigns/dry_run",
            json!({"pk": pk, "source": {"pasted": "", "csv": csv}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let kinds: Vec<&str> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["new", "duplicate", "invalid", "join", "new"],
        "{body}"
    );
    assert_eq!(
        body["rows"][1]["explain"],
        "Duplicate: the same address as line 2."
    );
    assert!(body["rows"][3]["explain"]
        .as_str()
        .unwrap()
        .contains("jane"));
    assert_eq!(
        body["counts"],
        json!({"new": 2, "join": 1, "duplicate": 1, "invalid": 1})
    );
    assert_eq!(totals(&app).await, before, "a dry run writes nothing");
    // Confirmed: exactly the three rows are added; the same file again adds nothing.
    let (s, body) = admin
        .call(
            "admin/campaigns/import",
            json!({"pk": pk, "source": {"pasted": "", "csv": csv}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let after = totals(&app).await;
    assert_eq!(
        after,
        (before.0 + 3, before.1 + 3, before.2 + 3),
        "three recipients, invitations and messages"
    );
    let (s, body) = admin
        .call(
            "admin/campaigns/dry_run",
            json!({"pk": pk, "source": {"pasted": "ann@example.com\nnew@example.com", "csv": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["rows"][0]["kind"], "duplicate");
    assert_eq!(
        body["rows"][0]["explain"],
        "Duplicate: already a recipient of this campaign."
    );
    assert_eq!(body["rows"][1]["kind"], "new");
    // The existing account's recipient is invited to join, and their invitation carries the row's fields.
    let p = page(&mut admin, &pk).await;
    let jane = p["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "jane@usher.test")
        .unwrap();
    assert_eq!(jane["join_as"], "jane");
    let (fixed, emails, single): (String, String, i64) = sqlx::query_as(
        "SELECT i.fixed_data, i.emails, i.single_use FROM invitations i JOIN campaign_recipients r ON r.invitation_pk = i.pk WHERE r.email = 'ann@example.com'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let fixed: Value = serde_json::from_str(&fixed).unwrap();
    assert_eq!(fixed["email"], "ann@example.com");
    assert_eq!(fixed["name"], "Ann");
    assert_eq!(fixed["attributes"]["team"], "red");
    let emails: Value = serde_json::from_str(&emails).unwrap();
    assert_eq!(
        emails,
        json!([{"kind": "address", "value": "ann@example.com"}]),
        "one rule: her exact address"
    );
    assert_eq!(single, 1);
}

/// The link in a message's text body.
fn link_in(message: &Value) -> String {
    let data = unfold_qp(message["data"].as_str().unwrap());
    let at = data.find("http://usher.test/if/flow/").expect("a link");
    data[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

async fn an_import_sends_each_recipient_their_own_link(app: TestApp) {
    let sink = SmtpSink::start(free_port()).await;
    let worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let pk = create_campaign(
        &app,
        &mut admin,
        "contractors",
        json!({"email_subject": "Join the Q3 contractors", "email_message": "Welcome aboard."}),
    )
    .await;
    let (s, body) = admin
        .call(
            "admin/campaigns/import",
            json!({"pk": pk, "source": {"pasted": "Ann <ann@example.com>\nbob@example.com, cy@example.com", "csv": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let messages = sink.wait_for(3, 20).await;
    let mut links = std::collections::HashMap::new();
    for m in &messages {
        let to = m["rcpt_tos"][0].as_str().unwrap().to_owned();
        let data = unfold_qp(m["data"].as_str().unwrap());
        assert!(data.contains("Subject: Join the Q3 contractors"), "{data}");
        assert!(data.contains("Welcome aboard."), "{data}");
        links.insert(to, link_in(m));
    }
    assert_eq!(links.len(), 3, "one message per recipient: {links:?}");
    let distinct: std::collections::HashSet<_> = links.values().collect();
    assert_eq!(distinct.len(), 3, "each recipient has their own link");
    // Ann enrolls through her link; her address is proven by the delivery.
    let ann = links["ann@example.com"].clone();
    let token = ann.split("itoken=").nth(1).unwrap().to_owned();
    let mut c = app.client();
    let r = enroll(&mut c, &app.db, EXT, &token, "ann", "ann@example.com").await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.body
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'ann'")
            .await,
        1
    );
    let p = page(&mut admin, &pk).await;
    assert_eq!(state_of(&p, "ann@example.com"), "joined");
    assert_eq!(count(&p, "joined"), 1);
    assert_eq!(count(&p, "sent"), 2, "{p}");
    // Bob's link does not admit another address.
    let bob_token = links["bob@example.com"]
        .split("itoken=")
        .nth(1)
        .unwrap()
        .to_owned();
    let mut mallory = app.client();
    let r = enroll(
        &mut mallory,
        &app.db,
        EXT,
        &bob_token,
        "mallory",
        "mallory@evil.test",
    )
    .await;
    assert!(
        !r.status.is_redirection() || r.body.contains("another"),
        "another address is refused"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'mallory'")
            .await,
        0
    );
    // Resend reaches exactly the two who have not joined.
    let (s, n) = admin
        .call("admin/campaigns/resend", json!({"pk": pk}))
        .await;
    assert_eq!((s, n), (StatusCode::OK, json!(2)));
    let messages = sink.wait_for(5, 20).await;
    let resent: Vec<&str> = messages[3..]
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap())
        .collect();
    assert!(resent.contains(&"bob@example.com") && resent.contains(&"cy@example.com"));
    assert!(!resent.contains(&"ann@example.com"));
    assert_eq!(
        link_in(&messages[3]),
        links[messages[3]["rcpt_tos"][0].as_str().unwrap()],
        "the same link again"
    );
    // Revoking Cy switches his link off at once; revoking all then revokes only Bob.
    let cy = p["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "cy@example.com")
        .unwrap()["pk"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, body) = admin
        .call("admin/campaigns/revoke", json!({"pk": pk, "recipient": cy}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let cy_token = links["cy@example.com"]
        .split("itoken=")
        .nth(1)
        .unwrap()
        .to_owned();
    let landing = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={cy_token}"))
        .await;
    assert!(landing.body.contains("disabled"), "{}", landing.body);
    let (s, n) = admin
        .call("admin/campaigns/revoke_all", json!({"pk": pk}))
        .await;
    assert_eq!((s, n), (StatusCode::OK, json!(1)));
    let p = page(&mut admin, &pk).await;
    assert_eq!(state_of(&p, "ann@example.com"), "joined");
    assert_eq!(state_of(&p, "bob@example.com"), "revoked");
    assert_eq!(count(&p, "revoked"), 2);
    // The list counts the same.
    let (s, list) = admin.call("admin/campaigns/list", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list[0]["total"], 3);
    worker.abort();
}

async fn a_bad_definition_or_file_is_refused_and_changes_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let before = app.count("SELECT COUNT(*) FROM campaigns").await;
    let flow = app.flow_pk(EXT).await;
    for (form, field) in [
        (json!({"name": "has space"}), "name"),
        (
            json!({"name": "ok", "expires": "2001-01-01T00:00"}),
            "expires",
        ),
        (json!({"name": "ok", "expires": "tomorrow"}), "expires"),
        (json!({"name": "ok", "reminder_days": "7"}), "reminder_days"),
        (json!({"name": "ok", "reminder_days": "x"}), "reminder_days"),
        (
            json!({"name": "ok", "flow": "00000000-0000-0000-0000-000000000000"}),
            "flow",
        ),
        (json!({"name": "ok", "roles": ["no-such-role"]}), "roles"),
    ] {
        let mut full = json!({
            "name": "", "description": "", "flow": flow, "expires": "", "not_before": "",
            "fixed_data": "", "email_subject": "", "email_message": "", "reminder_days": "", "digest": false,
            "roles": [], "groups": []
        });
        for (k, v) in form.as_object().unwrap() {
            full[k] = v.clone();
        }
        let (s, body) = admin
            .call("admin/campaigns/save", json!({"pk": null, "form": full}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{form}: {body}");
        assert!(body.to_string().contains(field), "{form}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM campaigns").await, before);
    let pk = create_campaign(&app, &mut admin, "files", json!({})).await;
    let before = totals(&app).await;
    for (csv, says) in [
        ("name\nAnn\n", "\\\"email\\\" column"),
        ("email,phone\na@x.io,1\n", "Unknown column"),
        ("email\na@x.io,extra\n", "Line 2"),
    ] {
        let (s, body) = admin
            .call(
                "admin/campaigns/import",
                json!({"pk": pk, "source": {"pasted": "", "csv": csv}}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{csv}: {body}");
        assert!(body.to_string().contains(says), "{csv}: {body}");
    }
    let (s, body) = admin
        .call(
            "admin/campaigns/import",
            json!({"pk": "no-such-campaign", "source": {"pasted": "a@x.io", "csv": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(totals(&app).await, before);
    // A member is refused, before anything is read.
    let mut member = app.user("member").await;
    let (s, _) = member.call("admin/campaigns/list", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn reminders_go_once_to_exactly_the_pending_recipients(app: TestApp) {
    use usher_app::service::campaigns::send_reminders;
    let mut admin = app.admin().await;
    let now = usher_app::service::time::now();
    let day = 86_400;
    let expires = usher_app::domain::time::format_input(now + 10 * day + 600);
    let pk = create_campaign(
        &app,
        &mut admin,
        "remind",
        json!({"expires": expires, "reminder_days": "7, 1", "digest": true}),
    )
    .await;
    let (s, body) = admin
        .call(
            "admin/campaigns/import",
            json!({"pk": pk, "source": {"pasted": "a@example.com b@example.com c@example.com d@example.com", "csv": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // a joins, b is revoked; c and d are pending.
    sqlx::query("UPDATE invitations SET uses = 1 WHERE pk = (SELECT invitation_pk FROM campaign_recipients WHERE email = 'a@example.com')")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let p = page(&mut admin, &pk).await;
    let b = p["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "b@example.com")
        .unwrap()["pk"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, _) = admin
        .call("admin/campaigns/revoke", json!({"pk": pk, "recipient": b}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let reminders = |app: &TestApp| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT to_addrs FROM outbox WHERE subject LIKE 'Reminder:%' ORDER BY to_addrs",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let config = app.state.config.clone();
    // Before the first is due (7 days before expiry): nothing.
    assert_eq!(
        send_reminders(&app.db, &config, now + 2 * day)
            .await
            .unwrap(),
        0
    );
    // Due: two instances at once send one reminder to each pending recipient.
    let other = app.another_instance().await;
    let at = now + 4 * day;
    let (x, y) = tokio::join!(
        send_reminders(&app.db, &config, at),
        send_reminders(&other.db, &other.state.config, at)
    );
    assert_eq!(x.unwrap() + y.unwrap(), 2);
    assert_eq!(
        reminders(&app).await,
        [r#"["c@example.com"]"#, r#"["d@example.com"]"#]
    );
    // Never twice.
    assert_eq!(
        send_reminders(&app.db, &config, at + 3600).await.unwrap(),
        0
    );
    // The digest went to the creator, naming the pending ones.
    let digest: String = sqlx::query_scalar(
        "SELECT body_text FROM outbox WHERE subject LIKE 'Campaign remind:%' AND to_addrs = '[\"admin@usher.test\"]'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        digest.contains("c@example.com") && digest.contains("d@example.com"),
        "{digest}"
    );
    assert!(!digest.contains("a@example.com"), "{digest}");
    // d joins; the second reminder (1 day before) goes to c only.
    sqlx::query("UPDATE invitations SET uses = 1 WHERE pk = (SELECT invitation_pk FROM campaign_recipients WHERE email = 'd@example.com')")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        send_reminders(&app.db, &config, now + 9 * day + 1200)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        reminders(&app).await,
        [
            r#"["c@example.com"]"#,
            r#"["c@example.com"]"#,
            r#"["d@example.com"]"#
        ]
    );
    // After expiry nothing more.
    assert_eq!(
        send_reminders(&app.db, &config, now + 11 * day)
            .await
            .unwrap(),
        0
    );
    let p = page(&mut admin, &pk).await;
    let c = p["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "c@example.com")
        .unwrap()
        .clone();
    assert_eq!(c["reminders_sent"], 2);
}

/// Runs `usher campaign import` on `app`'s database; returns the child with its standard error piped.
fn import_command(app: &TestApp, file: &std::path::Path, campaign: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_usher"))
        .args(["campaign", "import"])
        .arg(file)
        .args(["--campaign", campaign])
        .env("DATABASE_URL", &app.url)
        .env("RUST_LOG", "warn")
        .env_remove("USHER_SECRET_KEY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the usher binary runs")
}

async fn an_import_killed_midway_leaves_nothing_and_a_full_one_everything(app: TestApp) {
    use std::io::BufRead;
    let mut admin = app.admin().await;
    create_campaign(&app, &mut admin, "big", json!({})).await;
    let dir = std::env::temp_dir().join(format!("usher-test-csv-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("recipients.csv");
    let mut csv = String::from("email,name,attributes.n\n");
    for i in 0..10_000 {
        csv.push_str(&format!("person{i}@example.com,Person {i},{i}\n"));
    }
    std::fs::write(&file, csv).unwrap();
    let before = totals(&app).await;
    // Killed once it has written part of the import: nothing of it remains.
    let mut child = import_command(&app, &file, "big");
    let stderr = child.stderr.take().unwrap();
    let saw_progress = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufReader::new(stderr).lines();
        lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.starts_with("written ") && !l.contains("10000/10000"))
    })
    .await
    .unwrap();
    assert!(saw_progress, "the import reported progress before its end");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        totals(&app).await,
        before,
        "a killed import leaves none of itself"
    );
    // Run to the end: all of it.
    let out = import_command(&app, &file, "big")
        .wait_with_output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("imported: 10000 new, 0 to join, 0 duplicates, 0 invalid"),
        "{summary}"
    );
    assert_eq!(
        totals(&app).await,
        (before.0 + 10_000, before.1 + 10_000, before.2 + 10_000)
    );
    // A dry run of the same file now finds only duplicates, and writes nothing.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_usher"))
        .args(["campaign", "import"])
        .arg(&file)
        .args(["--campaign", "big", "--dry-run"])
        .env("DATABASE_URL", &app.url)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("dry run (nothing written): 0 new, 0 to join, 10000 duplicates, 0 invalid"));
    std::fs::remove_dir_all(&dir).ok();
}

async fn a_campaigns_opening_time_holds_its_invitations_closed(app: TestApp) {
    let mut admin = app.admin().await;
    let now = usher_app::service::time::now();
    let opens = usher_app::domain::time::format_input(now + 3 * 86_400);
    let expires = usher_app::domain::time::format_input(now + 10 * 86_400);
    let pk = create_campaign(
        &app,
        &mut admin,
        "later",
        json!({"not_before": opens, "expires": expires}),
    )
    .await;
    // An opening time after the expiry is refused.
    let (s, body) = admin
        .call(
            "admin/campaigns/save",
            json!({"pk": pk, "form": {
                "name": "later", "description": "", "flow": app.flow_pk(EXT).await, "expires": opens, "not_before": expires,
                "fixed_data": "", "email_subject": "", "email_message": "", "reminder_days": "", "digest": false,
                "roles": [], "groups": []
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("not_before"), "{body}");
    let (s, body) = admin
        .call(
            "admin/campaigns/import",
            json!({"pk": pk, "source": {"pasted": "early@example.com", "csv": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (inv, not_before): (String, Option<i64>) = sqlx::query_as(
        "SELECT i.pk, i.not_before FROM invitations i JOIN campaign_recipients r ON r.invitation_pk = i.pk WHERE r.email = 'early@example.com'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        not_before,
        Some(usher_app::domain::time::parse_input(&opens).unwrap()),
        "the recipient's invitation opens when the campaign does"
    );
    let token = app.token(&inv).await;
    let landing = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={token}"))
        .await;
    assert!(landing.body.contains("opens on"), "{}", landing.body);
    let mut c = app.client();
    enroll(&mut c, &app.db, EXT, &token, "early", "early@example.com").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'early'")
            .await,
        0,
        "nothing is granted before it opens"
    );
}
