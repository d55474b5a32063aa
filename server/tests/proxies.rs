//! Behind a reverse proxy (issue 12 item 8): `USHER_TRUSTED_PROXIES` names the peers whose
//! `X-Forwarded-For` is believed, so each client behind nginx has its own limits and ledger address;
//! without it the proxy is the client, and forwarding headers from anyone else are ignored.

mod common;
use axum::http::StatusCode;
use common::{Client, Response, TestApp, ADMIN_PASSWORD};
use serde_json::json;
use usher_app::domain::client::parse_trusted_proxies;
use usher_app::service::Config;

db_tests!(
    clients_behind_a_trusted_proxy_are_counted_apart,
    forwarding_headers_from_untrusted_peers_are_ignored,
    a_client_cannot_choose_its_address_with_the_other_header,
);

const EXT: &str = "invitation-enrollment-flow-external";
const PROXY: [u8; 4] = [10, 0, 0, 2];

async fn login(c: &mut Client, password: &str) -> Response {
    c.call_form(
        "auth/login",
        &[("username", "admin"), ("password", password), ("next", "")],
    )
    .await
}

fn signed_in(r: &Response) -> bool {
    r.status.is_success() || r.status.is_redirection()
}

/// A second instance on `app`'s database that trusts the proxy network 10.0.0.0/8.
async fn behind_proxy(app: &TestApp) -> TestApp {
    app.another_instance_with(Config {
        trusted_proxies: parse_trusted_proxies("127.0.0.1, 10.0.0.0/8").unwrap(),
        ..(*app.state.config).clone()
    })
    .await
}

async fn clients_behind_a_trusted_proxy_are_counted_apart(plain: TestApp) {
    let mut admin = plain.admin().await;
    let budget = usher_app::domain::limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max;
    let (mallory, jane) = ("198.51.100.7", "203.0.113.9");

    // Without USHER_TRUSTED_PROXIES every client behind nginx is nginx: one attacker's failures
    // lock everyone behind it out.
    for _ in 0..budget {
        let r = login(&mut plain.client().through_proxy(PROXY, mallory), "wrong").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = login(
        &mut plain.client().through_proxy(PROXY, jane),
        ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);

    // Trusting the proxy, each forwarded client has its own budget.
    let app = behind_proxy(&plain).await;
    let r = login(&mut app.client().through_proxy(PROXY, jane), ADMIN_PASSWORD).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
    for _ in 0..budget {
        let r = login(&mut app.client().through_proxy(PROXY, mallory), "wrong").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = login(
        &mut app.client().through_proxy(PROXY, mallory),
        ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // Mallory cannot escape by writing another address in front: nginx appends what it saw.
    let r = login(
        &mut app
            .client()
            .through_proxy(PROXY, &format!("192.0.2.1, {mallory}")),
        ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = login(&mut app.client().through_proxy(PROXY, jane), ADMIN_PASSWORD).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);

    // The usage ledger records the forwarded client, not the proxy.
    let (_, token) = common::create_invitation(&app, &mut admin, "team", EXT, json!({})).await;
    let mut invitee = app.client().through_proxy(PROXY, "2001:db8:1::5");
    let r = common::enroll(
        &mut invitee,
        &app.db,
        EXT,
        &token,
        "jane",
        "jane@example.com",
    )
    .await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
    let ip: String = sqlx::query_scalar("SELECT ip FROM invitation_uses")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(ip, "2001:db8:1::5");
}

async fn forwarding_headers_from_untrusted_peers_are_ignored(plain: TestApp) {
    plain.admin_pk().await;
    let app = behind_proxy(&plain).await;
    let budget = usher_app::domain::limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max;
    // A client reaching Usher directly (not through the proxy) rotates X-Forwarded-For on every
    // guess: they all count against its own address.
    let attacker = [198, 51, 100, 66];
    for i in 0..budget {
        let r = login(
            &mut app
                .client()
                .through_proxy(attacker, &format!("192.0.2.{i}")),
            "wrong",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = login(
        &mut app.client().through_proxy(attacker, "192.0.2.200"),
        ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

/// A sign-in posted through the proxy (which appends `x_forwarded_for` to X-Forwarded-For, as nginx's
/// `$proxy_add_x_forwarded_for` does) carrying the client's own `Forwarded` header, which the proxy passes
/// through untouched.
async fn login_with_forwarded(
    app: &TestApp,
    x_forwarded_for: &str,
    forwarded: &str,
    password: &str,
) -> Response {
    let mut req = common::form_request(
        "auth/login",
        &[("username", "admin"), ("password", password), ("next", "")],
    );
    req.headers_mut()
        .insert("forwarded", forwarded.parse().unwrap());
    app.client()
        .through_proxy(PROXY, x_forwarded_for)
        .send(req)
        .await
}

/// Issue 35 item 1: behind a proxy that writes X-Forwarded-For, a client's own `Forwarded` header
/// changes nothing (it cannot escape its budget by rotating it, nor lock another network out by naming
/// it); an instance told to read `Forwarded` (USHER_FORWARDED_HEADER=forwarded) reads only that one.
async fn a_client_cannot_choose_its_address_with_the_other_header(plain: TestApp) {
    plain.admin_pk().await;
    let app = behind_proxy(&plain).await;
    let budget = usher_app::domain::limits::LOGIN_PER_ACCOUNT_AND_NETWORK.max;
    let (mallory, admin_net) = ("203.0.113.9", "198.51.100.77");
    for i in 0..budget {
        let r = login_with_forwarded(&app, mallory, &format!("for=192.0.2.{i}"), "wrong").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = login_with_forwarded(&app, mallory, "for=192.0.2.250", "wrong").await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "rotating Forwarded does not escape the budget: {}",
        r.body
    );
    // Mallory's failures named the admin's network in Forwarded; the admin still signs in from it.
    for _ in 0..budget {
        login_with_forwarded(&app, "203.0.113.10", &format!("for={admin_net}"), "wrong").await;
    }
    let r = login(
        &mut app.client().through_proxy(PROXY, admin_net),
        ADMIN_PASSWORD,
    )
    .await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);

    // Told to read Forwarded, an instance ignores X-Forwarded-For.
    let rfc = plain
        .another_instance_with(Config {
            trusted_proxies: parse_trusted_proxies("10.0.0.0/8").unwrap(),
            forwarded_header: usher_app::domain::client::ForwardedHeader::Forwarded,
            ..(*plain.state.config).clone()
        })
        .await;
    for i in 0..budget {
        let r =
            login_with_forwarded(&rfc, &format!("192.0.2.{i}"), "for=203.0.113.50", "wrong").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = login_with_forwarded(&rfc, "192.0.2.251", "for=203.0.113.50", ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}
