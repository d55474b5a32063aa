//! Code budgets (issue 12 item 7, issue 35 item 4): wrong guesses are counted per invitation and for the
//! whole instance, whatever addresses, sessions and networks they come from; a used-up invitation budget
//! pauses that invitation's codes (checks and new codes) until its window ends and tells its admin. The
//! cost falls on the guesser: each network has a share of an invitation's budget and waits longer after
//! each wrong code, and the instance's figure slows every network to a guess a minute instead of
//! stopping codes, so a right code still gets through. Past half of a budget the admin sees an event
//! and a notice. The daily limit of verifications counts per mailbox (`victim+tag@` is `victim@`).

mod common;
use axum::http::StatusCode;
use common::{Client, Response, TestApp};
use serde_json::json;
use usher_app::domain::limits::{
    code_failures_bucket, CodeBuckets, CODE_FAILURES_GLOBAL, CODE_FAILURES_GLOBAL_BUCKET,
    CODE_FAILURES_PER_INVITATION, CODE_FAILURES_PER_NETWORK_SHARE, FREE_CODE_FAILURES,
};

db_tests!(
    a_used_up_invitation_budget_pauses_its_codes_and_tells_the_admin,
    networks_past_their_share_wait_while_a_right_code_from_another_works,
    a_network_waits_longer_after_each_wrong_code,
    past_the_instances_figure_a_right_code_still_works,
    half_a_budget_is_an_event_and_a_notice,
    a_tagged_address_counts_against_its_mailbox,
    a_code_needs_the_instance_secret,
);

/// Mallory's networks, and others.
const NET_A: [u8; 4] = [203, 0, 113, 1];
const NET_B: [u8; 4] = [203, 0, 113, 2];
const NET_C: [u8; 4] = [192, 0, 2, 9];

fn dotted(ip: [u8; 4]) -> String {
    std::net::Ipv4Addr::from(ip).to_string()
}

/// The buckets of guesses at codes of invitation `pk` from `ip`.
fn buckets(pk: &str, ip: [u8; 4]) -> CodeBuckets {
    CodeBuckets::new(Some(pk), &dotted(ip))
}

/// The seconds of a 429's `Retry-After`.
fn retry_after(r: &Response) -> i64 {
    r.headers["retry-after"].to_str().unwrap().parse().unwrap()
}

/// A client that gave `{who}@company.com` on the invitation with `token` from `ip` and is at the code
/// stage, with the code Usher queued for it.
async fn at_the_code(app: &TestApp, token: &str, who: &str, ip: [u8; 4]) -> (Client, String) {
    let mut c = app.client();
    let r = prompts(&mut c, token, who, ip).await;
    assert!(common::continues(&r), "{} {}", r.status, r.body);
    let code = common::verification_code(&app.db, &format!("{who}@company.com")).await;
    (c, code)
}

const EXT: &str = "invitation-enrollment-flow-external";

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
        ("fields[password]", "s3cret-pass-word"),
        ("fields[password_repeat]", "s3cret-pass-word"),
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
        .contains(&format!("{} wrong codes", CODE_FAILURES_PER_INVITATION.max)));

    // Another invitation's invitees are not held up.
    let (mut bob, code) = bob_at_the_code(&app, &other).await;
    let r = guess(&mut bob, &other, &code, [198, 51, 100, 1]).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
}

/// Issue 35 item 4: an attacker who used the shares of networks A and B is refused there (even with
/// the right code, for a day), while Bob, holding his right code on network C, enrolls.
async fn networks_past_their_share_wait_while_a_right_code_from_another_works(app: TestApp) {
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    let share = CODE_FAILURES_PER_NETWORK_SHARE.max;
    // Earlier guesses from A left it one wrong code of its share; B used all of its own.
    used(&app, &buckets(&pk, NET_A).share, share - 1).await;
    used(&app, &buckets(&pk, NET_B).share, share).await;
    used(&app, &code_failures_bucket(&pk), 2 * share - 1).await;

    let (mut mallory, code) = at_the_code(&app, &token, "mallory", NET_A).await;
    // A's last wrong code is compared and answered as wrong…
    let r = guess(&mut mallory, &token, &wrong(&code), NET_A).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // …then A waits out the day, even with the right code, which is not compared.
    let r = guess(&mut mallory, &token, &code, NET_A).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("CodesSlowed"), "{}", r.body);
    let wait = retry_after(&r);
    assert!(wait > 86_000 && wait <= 86_400, "{wait}");
    // So does B, and neither gets new codes for this invitation.
    let r = guess(&mut mallory, &token, &code, NET_B).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = prompts(&mut app.client(), &token, "eve", NET_B).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(
        app.count("SELECT attempts FROM email_verifications WHERE email = 'mallory@company.com'")
            .await,
        1,
        "refused guesses are not made"
    );

    // Bob, on network C, is not held up.
    let (mut bob, code) = at_the_code(&app, &token, "bob", NET_C).await;
    let r = guess(&mut bob, &token, &code, NET_C).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
    // Nor is Mallory's code from there: the cost is the networks', not the code's.
    let r = guess(&mut mallory, &token, &code_of(&app, "mallory").await, NET_C).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 3);
}

async fn code_of(app: &TestApp, who: &str) -> String {
    common::verification_code(&app.db, &format!("{who}@company.com")).await
}

/// Issue 35 item 4: past [`FREE_CODE_FAILURES`] wrong codes, a network waits 2 s, 4 s, … before its next
/// guess; a guess inside the wait is refused with the seconds left and is not made.
async fn a_network_waits_longer_after_each_wrong_code(app: TestApp) {
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    // A's typos so far, on other codes.
    used(&app, &buckets(&pk, NET_A).share, FREE_CODE_FAILURES - 1).await;
    let (mut mallory, code) = at_the_code(&app, &token, "mallory", NET_A).await;
    // The last free one, at once after it: both compared.
    let r = guess(&mut mallory, &token, &wrong(&code), NET_A).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = guess(&mut mallory, &token, &wrong(&code), NET_A).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // The next guess at once waits 2 s, even the right one.
    let r = guess(&mut mallory, &token, &code, NET_A).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("CodesSlowed"), "{}", r.body);
    let wait = retry_after(&r);
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(
        app.count("SELECT attempts FROM email_verifications WHERE email = 'mallory@company.com'")
            .await,
        2,
        "the refused guess was not made"
    );
    // After the wait, the right code goes through.
    tokio::time::sleep(std::time::Duration::from_millis(wait as u64 * 1000 + 1100)).await;
    let r = guess(&mut mallory, &token, &code, NET_A).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
}

/// Issue 35 item 4 (this test asserted a stop before): past the instance's figure of wrong codes, codes
/// are not paused; each network may try one code a minute, so Bob's right code goes through at once while
/// a guesser waits, and the admins are told.
async fn past_the_instances_figure_a_right_code_still_works(app: TestApp) {
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (_, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    let (mut bob, code) = bob_at_the_code(&app, &token).await;
    let (mut mallory, m_code) = at_the_code(&app, &token, "mallory", NET_A).await;
    // Guesses spread over many invitations passed the instance's figure.
    used(&app, CODE_FAILURES_GLOBAL_BUCKET, CODE_FAILURES_GLOBAL.max).await;
    // Mallory's guess of the minute is compared; the next waits for the minute to end.
    let r = guess(&mut mallory, &token, &wrong(&m_code), NET_A).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = guess(&mut mallory, &token, &wrong(&m_code), NET_A).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("CodesSlowed"), "{}", r.body);
    let wait = retry_after(&r);
    assert!((1..=60).contains(&wait), "{wait}");
    // Bob's right code, first try from his network: in.
    let r = guess(&mut bob, &token, &code, [198, 51, 100, 1]).await;
    r.assert_accepted();
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 2);
    // The admins see the notice, slowed down.
    let (s, notice) = admin.call("admin/codes/notice", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{notice}");
    assert_eq!(notice["slowed"], true, "{notice}");
    assert_eq!(notice["failures"], CODE_FAILURES_GLOBAL.max + 1, "{notice}");
}

/// Issue 35 item 4: the wrong code that takes an invitation's budget past half records an event in its
/// timeline, once; the one that takes the instance's past half, the time; and every admin page's notice
/// names both while the window lasts.
async fn half_a_budget_is_an_event_and_a_notice(app: TestApp) {
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(&app, &mut admin, "company", EXT, json!({})).await;
    let (s, notice) = admin.call("admin/codes/notice", json!({})).await;
    assert_eq!((s, notice), (StatusCode::OK, serde_json::Value::Null));
    used(
        &app,
        &code_failures_bucket(&pk),
        CODE_FAILURES_PER_INVITATION.max / 2,
    )
    .await;
    used(
        &app,
        CODE_FAILURES_GLOBAL_BUCKET,
        CODE_FAILURES_GLOBAL.max / 2,
    )
    .await;
    let (mut mallory, code) = at_the_code(&app, &token, "mallory", NET_A).await;
    for _ in 0..2 {
        let r = guess(&mut mallory, &token, &wrong(&code), NET_A).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }

    let (s, row) = admin
        .call("admin/invitations/get", json!({ "pk": pk }))
        .await;
    assert_eq!(s, StatusCode::OK, "{row}");
    let events = row["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "once a window: {row}");
    assert_eq!(events[0]["kind"], "code_budget_half");
    assert!(
        events[0]["detail"].as_str().unwrap().contains(&format!(
            "{} wrong codes",
            CODE_FAILURES_PER_INVITATION.max / 2 + 1
        )),
        "{row}"
    );

    let (s, notice) = admin.call("admin/codes/notice", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{notice}");
    assert_eq!(
        notice["failures"],
        CODE_FAILURES_GLOBAL.max / 2 + 2,
        "{notice}"
    );
    assert_eq!(notice["slowed"], false);
    assert!(notice["since"].is_string(), "{notice}");
    assert_eq!(notice["invitations"], json!(["company"]));
    // Admins only.
    let (s, _) = app.client().call("admin/codes/notice", json!({})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // And on every admin page.
    let page = admin.get("/admin/users").await;
    assert!(page.body.contains("code-guessing-banner"), "{}", page.body);
    assert!(page.body.contains("being guessed at"), "{}", page.body);
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
