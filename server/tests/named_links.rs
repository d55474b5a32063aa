//! Named links of public invitations (issue 15 item 6): each its own token, share of the uses and
//! counts. Every test runs on SQLite and PostgreSQL.

mod common;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{enroll, Client, TestApp};
use serde_json::{json, Value};

db_tests!(
    each_named_link_counts_its_own_uses,
    a_used_up_share_refuses_that_link_and_the_other_still_works,
    the_invitations_quota_caps_the_sum_of_its_links,
    deleting_or_regenerating_a_link_kills_its_token,
    an_email_limited_invitation_refuses_named_links,
    names_and_shares_are_checked,
    views_are_counted_per_link_and_for_the_invitation,
    an_existing_account_joins_through_a_named_link,
    concurrent_enrollments_never_exceed_a_links_share,
    concurrent_enrollments_through_two_links_never_exceed_the_quota,
    the_qr_code_of_a_named_link_reads_back_to_it,
    the_rest_api_lists_adds_and_deletes_named_links,
    the_rest_api_refuses_anonymous_and_non_superusers,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// A public invitation on the external-users flow with `quota` ("" = unlimited); its pk.
async fn invitation(app: &TestApp, admin: &mut Client, name: &str, quota: &str) -> String {
    common::create_invitation(app, admin, name, EXT, json!({"quota": quota}))
        .await
        .0
}

/// Adds named link `name` with share `quota` ("" = none) to invitation `pk` through the dashboard's
/// function; its pk and token.
async fn add_link(admin: &mut Client, pk: &str, name: &str, quota: &str) -> (String, String) {
    let (s, link) = admin
        .call(
            "admin/invitations/links/create",
            json!({"pk": pk, "name": name, "quota": quota}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{link}");
    assert_eq!(link["name"], name);
    let url = link["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/if/flow/{EXT}/?itoken=", common::PUBLIC_URL)),
        "{url}"
    );
    (
        link["pk"].as_str().unwrap().to_owned(),
        url.rsplit_once("itoken=").unwrap().1.to_owned(),
    )
}

/// The named links of invitation `pk`, as the dashboard lists them.
async fn links(admin: &mut Client, pk: &str) -> Vec<Value> {
    let (s, list) = admin
        .call("admin/invitations/links/list", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

/// The uses of named link `name` of invitation `pk`.
async fn link_uses(admin: &mut Client, pk: &str, name: &str) -> i64 {
    links(admin, pk)
        .await
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no link {name}"))["uses"]
        .as_i64()
        .unwrap()
}

/// Enrolls a fresh browser as `username` through `token`; the response's status.
async fn enroll_as(app: &TestApp, token: &str, username: &str) -> StatusCode {
    let mut c = app.client();
    enroll(
        &mut c,
        &app.db,
        EXT,
        token,
        username,
        &format!("{username}@example.com"),
    )
    .await
    .status
}

#[track_caller]
fn assert_in(s: StatusCode) {
    assert!(s.is_redirection() || s.is_success(), "{s}");
}

async fn uses_of(app: &TestApp, pk: &str) -> i64 {
    app.count(&format!("SELECT uses FROM invitations WHERE pk = '{pk}'"))
        .await
}

async fn each_named_link_counts_its_own_uses(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "open-day", "").await;
    let (a, ta) = add_link(&mut admin, &pk, "poster", "").await;
    let (b, tb) = add_link(&mut admin, &pk, "newsletter", "").await;
    assert_ne!(ta, tb);
    assert_in(enroll_as(&app, &ta, "ann").await);
    assert_in(enroll_as(&app, &ta, "bea").await);
    assert_in(enroll_as(&app, &tb, "cid").await);
    assert_eq!(link_uses(&mut admin, &pk, "poster").await, 2);
    assert_eq!(link_uses(&mut admin, &pk, "newsletter").await, 1);
    assert_eq!(uses_of(&app, &pk).await, 3);
    // The invitation's own link still works, and counts for no named link.
    let own = app.token(&pk).await;
    assert_in(enroll_as(&app, &own, "dan").await);
    assert_eq!(uses_of(&app, &pk).await, 4);
    assert_eq!(link_uses(&mut admin, &pk, "poster").await, 2);
    // The ledger says which link each use came through.
    for (link, n) in [(&a, 2), (&b, 1)] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM invitation_uses WHERE link_pk = '{link}'"
            ))
            .await,
            n
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitation_uses WHERE link_pk IS NULL")
            .await,
        1
    );
    // Listed oldest first (ties by name), each with its share (none) and the link to hand out.
    let list = links(&mut admin, &pk).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "newsletter", "added in the same second");
    assert!(list[0]["quota"].is_null());
    // Adding one is a model event of its own.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'model_created' AND model = 'invitation_link'"
        )
        .await,
        2
    );
}

async fn a_used_up_share_refuses_that_link_and_the_other_still_works(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "fair", "10").await;
    let (_, ta) = add_link(&mut admin, &pk, "poster", "1").await;
    let (_, tb) = add_link(&mut admin, &pk, "flyer", "").await;
    assert_in(enroll_as(&app, &ta, "ann").await);
    // The poster's share is used up, though the invitation has uses left.
    assert_eq!(enroll_as(&app, &ta, "bea").await, StatusCode::GONE);
    let landing = app
        .client()
        .get(&format!("/if/flow/{EXT}/?itoken={ta}"))
        .await;
    assert_eq!(landing.status, StatusCode::GONE, "{}", landing.body);
    assert_in(enroll_as(&app, &tb, "cid").await);
    assert_eq!(link_uses(&mut admin, &pk, "poster").await, 1);
    assert_eq!(link_uses(&mut admin, &pk, "flyer").await, 1);
    assert_eq!(uses_of(&app, &pk).await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'bea'")
            .await,
        0,
        "the refused enrollment wrote nothing"
    );
}

async fn the_invitations_quota_caps_the_sum_of_its_links(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "capped", "2").await;
    let (_, ta) = add_link(&mut admin, &pk, "poster", "5").await;
    let (_, tb) = add_link(&mut admin, &pk, "event", "").await;
    assert_in(enroll_as(&app, &ta, "ann").await);
    assert_in(enroll_as(&app, &tb, "bea").await);
    assert_eq!(enroll_as(&app, &ta, "cid").await, StatusCode::GONE);
    assert_eq!(enroll_as(&app, &tb, "dan").await, StatusCode::GONE);
    assert_eq!(uses_of(&app, &pk).await, 2);
    assert_eq!(link_uses(&mut admin, &pk, "poster").await, 1);
    assert_eq!(link_uses(&mut admin, &pk, "event").await, 1);
}

async fn deleting_or_regenerating_a_link_kills_its_token(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "gone", "").await;
    let (a, ta) = add_link(&mut admin, &pk, "poster", "").await;
    let (b, tb) = add_link(&mut admin, &pk, "flyer", "").await;
    let open = |t: &str| format!("/if/flow/{EXT}/?itoken={t}");
    assert_eq!(app.client().get(&open(&ta)).await.status, StatusCode::OK);
    let (s, body) = admin
        .call(
            "admin/invitations/links/delete",
            json!({"pk": pk, "link": a}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        app.client().get(&open(&ta)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(enroll_as(&app, &ta, "ann").await, StatusCode::NOT_FOUND);
    let (s, _) = admin
        .call(
            "admin/invitations/links/delete",
            json!({"pk": pk, "link": a}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "deleted once");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'model_deleted' AND model = 'invitation_link'"
        )
        .await,
        1
    );
    // Regenerating: the old token is unknown, the new one works and keeps the counts.
    assert_in(enroll_as(&app, &tb, "bea").await);
    let (s, _) = admin
        .call(
            "admin/invitations/links/regenerate",
            json!({"pk": pk, "link": b}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.client().get(&open(&tb)).await.status,
        StatusCode::NOT_FOUND
    );
    let fresh = links(&mut admin, &pk).await[0]["url"]
        .as_str()
        .unwrap()
        .rsplit_once("itoken=")
        .unwrap()
        .1
        .to_owned();
    assert_ne!(fresh, tb);
    assert_in(enroll_as(&app, &fresh, "cid").await);
    assert_eq!(link_uses(&mut admin, &pk, "flyer").await, 2);
    // Deleting the invitation deletes its links.
    let (s, _) = admin
        .call("admin/invitations/delete", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_links").await, 0);
    assert_eq!(
        app.client().get(&open(&fresh)).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn an_email_limited_invitation_refuses_named_links(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, _) = common::create_invitation(
        &app,
        &mut admin,
        "staff",
        EXT,
        json!({"emails": "*@usher.test"}),
    )
    .await;
    let (s, body) = admin
        .call(
            "admin/invitations/links/create",
            json!({"pk": pk, "name": "poster", "quota": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.to_string().contains("public invitations"),
        "a field error says why: {body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_links").await, 0);
}

async fn names_and_shares_are_checked(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "checked", "").await;
    add_link(&mut admin, &pk, "poster", "").await;
    for (name, quota, word) in [
        ("poster", "", "already has a link"),
        ("", "", "name"),
        ("a b", "", "letters"),
        (&"x".repeat(51)[..], "", "50"),
        ("flyer", "0", "share"),
        ("flyer", "two", "share"),
    ] {
        let (s, body) = admin
            .call(
                "admin/invitations/links/create",
                json!({"pk": pk, "name": name, "quota": quota}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name:?} {quota:?}: {body}");
        assert!(body.to_string().contains(word), "{name:?}: {body}");
    }
    // Another invitation may use the same name.
    let other = invitation(&app, &mut admin, "other", "").await;
    add_link(&mut admin, &other, "poster", "").await;
    let (s, _) = admin
        .call(
            "admin/invitations/links/create",
            json!({"pk": "00000000-0000-4000-8000-000000000000", "name": "x", "quota": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_links").await, 2);
}

async fn views_are_counted_per_link_and_for_the_invitation(app: TestApp) {
    use usher_app::service::sightings;
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "viewed", "").await;
    let (_, ta) = add_link(&mut admin, &pk, "poster", "").await;
    let (_, tb) = add_link(&mut admin, &pk, "flyer", "").await;
    let own = app.token(&pk).await;
    for t in [&ta, &ta, &tb, &own] {
        let r = app
            .client()
            .get(&format!("/if/flow/{EXT}/?itoken={t}"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    sightings::flush(&app.db).await.unwrap();
    let list = links(&mut admin, &pk).await;
    let named = |n: &str| list.iter().find(|l| l["name"] == n).unwrap().clone();
    assert_eq!(named("poster")["view_count"], 2);
    assert_eq!(named("flyer")["view_count"], 1);
    assert!(!named("poster")["last_viewed"].as_str().unwrap().is_empty());
    assert_eq!(
        app.count(&format!(
            "SELECT view_count FROM invitation_views WHERE invitation_pk = '{pk}'"
        ))
        .await,
        4,
        "the invitation's total counts every link"
    );
}

async fn an_existing_account_joins_through_a_named_link(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "join", "").await;
    let (a, ta) = add_link(&mut admin, &pk, "newsletter", "1").await;
    let mut carol = app.user("carol").await;
    let r = carol.call_form("flow/accept", &[("itoken", &ta)]).await;
    r.assert_accepted();
    assert_eq!(link_uses(&mut admin, &pk, "newsletter").await, 1);
    assert_eq!(uses_of(&app, &pk).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitation_uses WHERE link_pk = '{a}' AND action = 'joined'"
        ))
        .await,
        1
    );
    // The share is used up: another account is refused through it.
    let mut dave = app.user("dave").await;
    let r = dave.call_form("flow/accept", &[("itoken", &ta)]).await;
    assert!(!r.status.is_success() && !r.status.is_redirection());
    assert_eq!(uses_of(&app, &pk).await, 1);
}

/// Enrolls `n` fresh browsers at once through each of `tokens`; how many got in (the others must be
/// told the invitation is used up).
async fn enroll_concurrently(app: &TestApp, tokens: &[&str], n: usize) -> usize {
    let mut handles = Vec::new();
    for (k, token) in tokens.iter().enumerate() {
        for i in 0..n {
            let mut c = app.client();
            let (t, username, db) = (token.to_string(), format!("crowd{k}x{i}"), app.db.clone());
            handles.push(tokio::spawn(async move {
                enroll(
                    &mut c,
                    &db,
                    EXT,
                    &t,
                    &username,
                    &format!("{username}@example.com"),
                )
                .await
                .status
            }));
        }
    }
    let mut ok = 0;
    for h in handles {
        let s = h.await.unwrap();
        if s.is_redirection() || s.is_success() {
            ok += 1;
        } else {
            assert_eq!(s, StatusCode::GONE, "refusals say used up");
        }
    }
    ok
}

async fn concurrent_enrollments_never_exceed_a_links_share(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "rush", "").await;
    let (_, ta) = add_link(&mut admin, &pk, "poster", "3").await;
    assert_eq!(enroll_concurrently(&app, &[&ta], 12).await, 3);
    assert_eq!(link_uses(&mut admin, &pk, "poster").await, 3);
    assert_eq!(uses_of(&app, &pk).await, 3);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username LIKE 'crowd%'")
            .await,
        3
    );
}

async fn concurrent_enrollments_through_two_links_never_exceed_the_quota(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "rush2", "5").await;
    let (_, ta) = add_link(&mut admin, &pk, "poster", "4").await;
    let (_, tb) = add_link(&mut admin, &pk, "flyer", "4").await;
    assert_eq!(enroll_concurrently(&app, &[&ta, &tb], 8).await, 5);
    assert_eq!(uses_of(&app, &pk).await, 5);
    let a = link_uses(&mut admin, &pk, "poster").await;
    let b = link_uses(&mut admin, &pk, "flyer").await;
    assert_eq!(a + b, 5);
    assert!(a <= 4 && b <= 4, "{a} {b}");
}

/// The link a PNG of a QR code holds, read back with a QR detector.
fn read_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let width = info.width as usize;
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, info.height as usize, |x, y| {
            buf[y * width + x]
        });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one code");
    grids[0].decode().unwrap().1
}

async fn the_qr_code_of_a_named_link_reads_back_to_it(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "qr", "").await;
    let (a, _) = add_link(&mut admin, &pk, "poster", "").await;
    let url = links(&mut admin, &pk).await[0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = admin
        .get(&format!("/admin/invitations/{pk}/qr.png?link={a}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["content-disposition"],
        "attachment; filename=\"qr-poster-qr.png\""
    );
    assert_eq!(read_qr(&r.bytes), url);
    let r = admin
        .get(&format!("/admin/invitations/{pk}/qr.svg?link={a}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg"));
    let r = admin
        .get(&format!("/admin/invitations/{pk}/qr.png?link=nope"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .user("plain")
        .await
        .get(&format!("/admin/invitations/{pk}/qr.png?link={a}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// An API token of `username`.
async fn api_token(app: &TestApp, username: &str) -> String {
    usher_app::service::tokens::create(
        &app.db,
        &usher_app::domain::audit::Who::system(),
        &usher_app::domain::token::TokenDraft {
            username: username.into(),
            identifier: format!("{username}-links"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .secret
}

async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> common::Response {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT, "application/json");
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    app.client().send(req).await
}

async fn the_rest_api_lists_adds_and_deletes_named_links(app: TestApp) {
    let mut admin = app.admin().await;
    let t = api_token(&app, "admin").await;
    let pk = invitation(&app, &mut admin, "rest", "").await;
    let base = format!("/api/v3/core/invitations/{pk}/links/");
    let r = api(
        &app,
        Method::POST,
        &base,
        Some(&t),
        Some(json!({"name": "poster", "quota": 2})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let link = r.json();
    assert_eq!(link["name"], "poster");
    assert_eq!(link["quota"], 2);
    assert_eq!(link["uses"], 0);
    assert_eq!(link["invitation"], pk.as_str());
    let url = link["url"].as_str().unwrap();
    let token = url.rsplit_once("itoken=").unwrap().1;
    assert_in(enroll_as(&app, token, "ann").await);
    let r = api(&app, Method::GET, &base, Some(&t), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()[0]["uses"], 1);
    assert_eq!(r.json()[0]["url"], url);
    // Bad bodies: DRF-shaped field errors, nothing written.
    for (body, field) in [
        (json!({}), "name"),
        (json!({"name": 3}), "name"),
        (json!({"name": "a b"}), "name"),
        (json!({"name": "poster"}), "name"),
        (json!({"name": "flyer", "quota": 0}), "quota"),
        (json!({"name": "flyer", "quota": "x"}), "quota"),
    ] {
        let r = api(&app, Method::POST, &base, Some(&t), Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert!(r.json().get(field).is_some(), "{body}: {}", r.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_links").await, 1);
    let unknown = "/api/v3/core/invitations/00000000-0000-4000-8000-000000000000/links/";
    let r = api(&app, Method::GET, unknown, Some(&t), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Delete: 204, then 404; the token is unknown.
    let lpk = link["pk"].as_str().unwrap();
    let r = api(
        &app,
        Method::DELETE,
        &format!("{base}{lpk}/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = api(
        &app,
        Method::DELETE,
        &format!("{base}{lpk}/"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(enroll_as(&app, token, "bea").await, StatusCode::NOT_FOUND);
    // An email-limited invitation refuses them.
    let (limited, _) = common::create_invitation(
        &app,
        &mut admin,
        "limited",
        EXT,
        json!({"emails": "*@usher.test"}),
    )
    .await;
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v3/core/invitations/{limited}/links/"),
        Some(&t),
        Some(json!({"name": "poster"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("public invitations"), "{}", r.body);
}

async fn the_rest_api_refuses_anonymous_and_non_superusers(app: TestApp) {
    let mut admin = app.admin().await;
    let pk = invitation(&app, &mut admin, "guarded", "").await;
    let (lpk, _) = add_link(&mut admin, &pk, "poster", "").await;
    app.user("bob").await;
    let bob = api_token(&app, "bob").await;
    let base = format!("/api/v3/core/invitations/{pk}/links/");
    for (method, path, body) in [
        (Method::GET, base.clone(), None),
        (Method::POST, base.clone(), Some(json!({"name": "flyer"}))),
        (Method::DELETE, format!("{base}{lpk}/"), None),
    ] {
        let r = api(&app, method.clone(), &path, None, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let r = api(&app, method.clone(), &path, Some(&bob), body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
        // The dashboard's session is not an API credential.
        let r = admin
            .send(
                Request::builder()
                    .method(method.clone())
                    .uri(&path)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.unwrap_or(json!({})).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_links").await, 1);
}
