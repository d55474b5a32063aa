//! The invitation token is parsed once at the edge into a type that holds its digest (issue 36 item 5):
//! a landing page request computes the token's digest once, however many layers (resolution, the
//! invitation cache, the flow plan, the draft cookie) look at it.
//!
//! One test, SQLite then PostgreSQL in turn: the digest counter is the process's, so nothing else in this
//! binary may compute digests meanwhile.

mod common;
use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use usher_app::service::invitations::digests_computed;

const EXT: &str = "invitation-enrollment-flow-external";

#[tokio::test]
async fn a_landing_page_hashes_its_token_once() {
    for app in [TestApp::sqlite().await, TestApp::postgres().await] {
        let mut admin = app.admin().await;
        let (_, token) = common::create_invitation(&app, &mut admin, "once", EXT, json!({})).await;
        let mut c = app.client();
        // The first request loads the invitation into the cache; the second is served from it.
        for _ in 0..2 {
            let before = digests_computed();
            let page = c.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert_eq!(
                digests_computed() - before,
                1,
                "one digest per landing page"
            );
        }
        // So does a refused prompt post, whose draft goes back to the browser.
        let before = digests_computed();
        let r = common::submit_stage(&mut c, EXT, &token, "1", &[("username", "")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(
            digests_computed() - before,
            1,
            "the post and its draft share one"
        );
    }
}
