//! Code budgets (issue 12 item 7): wrong guesses are counted per invitation and for the whole instance,
//! whatever addresses, sessions and networks they come from; a used-up budget pauses that
//! invitation's codes (checks and new codes) until its window ends and tells its admin.

mod common;
use axum::http::StatusCode;
use common::{Client, Response, TestApp};
use serde_json::json;
use usher_app::domain::limits::{
    code_failures_bucket, CODE_FAILURES_GLOBAL, CODE_FAILURES_GLOBAL_BUCKET,
    CODE_FAILURES_PER_INVITATION,
};

db_tests!(
    a_used_up_invitation_budget_pauses_its_codes_and_tells_the_admin,
    a_used_up_instance_budget_pauses_every_code,
    a_tagged_address_counts_against_its_mailbox,
    a_code_needs_the_instance_secret,
);

const EXT: &str = "invitation-enrollment-flow-external";

const NET_C: [u8; 4] = [192, 0, 2, 9];

/// The prompt page of the external enrollment flow, sent from client address `ip`.
async fn prompts(c: &mut Client, token: &str, who: &str, ip: [u8; 4]) -> Response {
    prompts_as(c, token, who, &format!("{who}@company.com"), ip).await
}

/// The prompt page with username `who` and address `email`.
async fn prompts_as(c: &mut Client, token: &str, who: &str, email: &str, ip: [u8; 4]) -> Response {
    let fields = [
        ("slug", EXT),
        ("itoken", token),
        ("stage", "1"),
        ("fields[username]", who),
        ("fields[name]", "Someone"),
        ("fields[email]", email),
        ("fields[password]", "s3cret-pass"),
        ("fields[password_repeat]", "s3cret-pass"),
    ];
    c.call_form_from("flow/submit", &fields, ip).await
}

async fn guess(c: &mut Client, token: &str, code: &str, ip: [u8; 4]) -> Response {
    let fields = [
        ("slug", EXT),
        ("itoken", token),
        ("stage", "2"),
        ("fields[code]", code),
    ];
    c.call_form_from("flow/submit", &fields, ip).await
}

/// A client that gave `bob@company.com` on the invitation with `token` and is at the code stage, with the
/// code Usher queued for it.
async fn bob_at_the_code(app: &TestApp, token: &str) -> (Client, String) {
    let mut bob = app.client();
    let r = prompts(&mut bob, token, "bob", [198, 51, 100, 1]).await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    let code = common::verification_code(&app.db, "bob@company.com").await;
    (bob, code)
}

/// Sets `bucket`'s current window to `hits` hits, ending in a day (what earlier guesses, from anywhere,
/// would have left).
async fn used(app: &TestApp, bucket: &str, hits: i64) {
    let ends = usher_app::service::time::now() + 86_400;
    sqlx::query("INSERT INTO rate_limits (bucket, expires_at, hits) VALUES ($1, $2, $3)")
        .bind(bucket)
        .bind(ends)
        .bind(hits)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

fn wrong(code: &str) -> String {
    // Any other code of the same length.
    code.chars()
        .map(|c| if c == '1' { '2' } else { '1' })
        .collect()
}

async fn a_used_up_invitation_budget_pauses_its_codes_and_tells_the_admin(app: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    let (_, other) = common::create_invitation(&app, &mut admin, "other", EXT, json!({})).await;
    // Earlier guessers, on random addresses and networks, left one wrong guess of the day's budget.
    used(
        &app,
        &code_failures_bucket(&pk),
        CODE_FAILURES_PER_INVITATION.max - 1,
    )
    .await;

    let mut mallory = app.client();
    let r = prompts(&mut mallory, &token, "mallory", [198, 51, 100, 1]).await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    let code = common::verification_code(&app.db, "mallory@company.com").await;
    // The last wrong guess of the budget is answered as wrong…
    let r = guess(&mut mallory, &token, &wrong(&code), [198, 51, 100, 1]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // …and then even the right code, from another network, waits for the window to end.
    let r = guess(&mut mallory, &token, &code, [203, 0, 113, 7]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("CodesPaused"), "{}", r.body);
    let wait: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 86_000 && wait <= 86_400, "{wait}");
    // No new codes for that invitation either, for a new address on a new network.
    let r = prompts(&mut app.client(), &token, "eve", [192, 0, 2, 9]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        1,
        "only admin"
    );

    // The admin sees why in the invitation's row, once.
    let (s, row) = admin
        .call("admin/invitations/get", json!({ "pk": pk }))
        .await;
    assert_eq!(s, StatusCode::OK, "{row}");
    let events = row["events"].as_array().expect("events with full detail");
    assert_eq!(events.len(), 1, "{row}");
    assert_eq!(events[0]["kind"], "codes_paused");
    assert!(events[0]["detail"]
        .as_str()
        .unwrap()
        .contains("1000 wrong codes"));

    // Another invitation's invitees are not held up.
    let (mut bob, code) = bob_at_the_code(&app, &other).await;
    let r = guess(&mut bob, &other, &code, [198, 51, 100, 1]).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
}

async fn a_used_up_instance_budget_pauses_every_code(app: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    let (mut bob, code) = bob_at_the_code(&app, &token).await;
    // Guesses spread over many invitations used up the instance's budget.
    used(&app, CODE_FAILURES_GLOBAL_BUCKET, CODE_FAILURES_GLOBAL.max).await;
    let r = guess(&mut bob, &token, &code, [198, 51, 100, 1]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
}

/// Issue 35 item 4: the daily limit of verifications per address counts per mailbox, so `victim+1@`,
/// `victim+2@`, … use up `victim@`'s day.
async fn a_tagged_address_counts_against_its_mailbox(app: TestApp) {
    use usher_app::domain::verification::VERIFICATIONS_PER_EMAIL_PER_DAY as PER_DAY;
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    for i in 0..PER_DAY {
        let email = format!("Victim+{i}@company.com");
        let r = prompts_as(
            &mut app.client(),
            &token,
            &format!("victim{i}"),
            &email,
            NET_C,
        )
        .await;
        assert!(common::continues(&r), "{i}: {} {}", r.status, r.body);
    }
    let r = prompts_as(
        &mut app.client(),
        &token,
        "victim",
        "victim@company.com",
        NET_C,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("TooManyCodes"), "{}", r.body);
    let r = prompts_as(
        &mut app.client(),
        &token,
        "victimnew",
        "victim+new@company.com",
        NET_C,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // Another mailbox is not held up.
    let r = prompts(&mut app.client(), &token, "bob", NET_C).await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
}

/// Issue 12 item 16: a stored code digest is keyed by `USHER_SECRET_KEY`, so a copy of the database run
/// (or searched offline) without the key matches no code, while every instance with the key does.
async fn a_code_needs_the_instance_secret(app: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    let (bob, code) = bob_at_the_code(&app, &token).await;
    // The database's copy, served with another secret: the right code is wrong there.
    let copy = app
        .another_instance_with(usher_app::service::Config {
            secret_key: usher_app::service::SecretKey::from_text("not the instance's secret"),
            ..(*app.state.config).clone()
        })
        .await;
    let r = guess(
        &mut copy.client_like(&bob),
        &token,
        &code,
        [198, 51, 100, 1],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    // Another instance with the secret, like the one that sent it, takes it.
    let twin = app.another_instance().await;
    let r = guess(
        &mut twin.client_like(&bob),
        &token,
        &code,
        [198, 51, 100, 1],
    )
    .await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
}
