//! Password guessing per account (issue 35 item 5): sign-in failures for one account from networks it
//! never signed in from share one budget, so an attacker who rotates networks runs out, while a network
//! the owner signed in from keeps working (no lockout); the budgets are keyed by the username key, so
//! `ADMIN` and `ａｄｍｉｎ` are one account.

mod common;
use axum::http::StatusCode;
use common::{Response, TestApp, ADMIN_PASSWORD};
use usher_app::domain::limits::{
    LOGIN_PER_ACCOUNT_AND_NETWORK, LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS,
};

db_tests!(
    an_accounts_budget_for_new_networks_ends_and_a_known_network_still_signs_in,
    case_and_width_do_not_buy_more_guesses,
);

async fn login_from(app: &TestApp, username: &str, password: &str, ip: [u8; 4]) -> Response {
    app.client().login_from(username, password, ip).await
}

fn signed_in(r: &Response) -> bool {
    r.status.is_success() || r.status.is_redirection()
}

async fn an_accounts_budget_for_new_networks_ends_and_a_known_network_still_signs_in(app: TestApp) {
    app.admin_pk().await;
    let office = [192, 0, 2, 1];
    let r = login_from(&app, "admin", ADMIN_PASSWORD, office).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
    // One guess from each of many networks: each network's own budget is far from used up.
    for i in 0..LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS.max {
        let ip = [198, 51, (i / 250) as u8, (i % 250) as u8 + 1];
        let r = login_from(&app, "admin", "wrong", ip).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "guess {i}: {}", r.body);
    }
    // The next new network is refused, even with the right password.
    let r = login_from(&app, "admin", ADMIN_PASSWORD, [203, 0, 113, 99]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key("retry-after"));
    // The spike is in the audit log, once for the window however many refusals follow.
    login_from(&app, "admin", "wrong", [203, 0, 113, 97]).await;
    let events = usher_app::service::audit::list(
        &app.db,
        &usher_app::service::audit::EventFilter {
            action: Some("suspicious_request".into()),
            ..Default::default()
        },
        usher_app::service::audit::EventOrder::default(),
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(
        (e.actor_name.as_str(), e.model.as_str(), e.object_pk.clone()),
        (
            "admin",
            "user",
            app.count("SELECT pk FROM users WHERE username = 'admin'")
                .await
                .to_string()
        )
    );
    assert_eq!(e.client_ip, "203.0.113.99");
    // The owner's network is not locked out.
    let r = login_from(&app, "admin", ADMIN_PASSWORD, office).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
    // Another account is not affected.
    app.user("jane").await;
    let r = login_from(&app, "jane", ADMIN_PASSWORD, [203, 0, 113, 98]).await;
    assert!(signed_in(&r), "{} {}", r.status, r.body);
}

async fn case_and_width_do_not_buy_more_guesses(app: TestApp) {
    app.admin_pk().await;
    let net = [198, 51, 100, 30];
    let spellings = ["admin", "ADMIN", "ａｄｍｉｎ", "Admin"];
    for i in 0..LOGIN_PER_ACCOUNT_AND_NETWORK.max as usize {
        let r = login_from(&app, spellings[i % spellings.len()], "wrong", net).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    for name in spellings {
        let r = login_from(&app, name, "wrong", net).await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{name}: {}",
            r.body
        );
    }
}
