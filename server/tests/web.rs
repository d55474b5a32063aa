//! Web hardening (issue 12 item 12): security headers on every response, a page CSP whose nonce the
//! page's own scripts carry, `Host` checked against the public URL, and writes judged by `Origin`,
//! `Sec-Fetch-Site` or `Referer` (scheme, host and port).

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Client, Response, TestApp};

fn get(uri: &str, host: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header("host", host)
        .body(Body::empty())
        .unwrap()
}

/// Creates a group as the dashboard does, with the given browser headers.
fn create_group(name: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut r = Request::builder()
        .method("POST")
        .uri("/api/admin/groups/create")
        .header("host", "usher.test")
        .header("content-type", "application/json")
        .header("accept", "application/json");
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(Body::from(format!(r#"{{"name":"{name}"}}"#)))
        .unwrap()
}

fn header<'a>(r: &'a Response, name: &str) -> &'a str {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing: {:?}", r.headers))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_their_scripts_pass() {
    let app = TestApp::sqlite().await;
    // `/setup` hydrates (the invitee pages and `/login` ship no WASM: see the test below).
    let r = app.client().send(get("/setup", "usher.test")).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = header(&r, "content-security-policy");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"));
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Every script of the page carries the nonce; no inline handler or style attribute exists.
    let scripts: Vec<&str> = r.body.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "the hydration script is there");
    for s in &scripts {
        let tag = s.split('>').next().unwrap();
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "<script{tag}>");
    }
    assert!(!r.body.contains(" onclick="), "no inline handlers");
    assert!(!r.body.contains(" style="), "no inline styles");
    // A second render gets another nonce.
    let again = app.client().send(get("/setup", "usher.test")).await;
    assert!(!header(&again, "content-security-policy").contains(nonce));
    assert_eq!(header(&r, "x-frame-options"), "DENY");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert!(
        r.headers.get("strict-transport-security").is_none(),
        "no HSTS on http"
    );

    // Pages the router does not know render with their own policy too.
    let missing = app.client().send(get("/no-such-page", "usher.test")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(header(&missing, "content-security-policy").contains("'nonce-"));

    // Everything else loads nothing and cannot be framed either.
    let (status, _) = app
        .client()
        .call("auth/current_user", serde_json::json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = app
        .client()
        .send(get("/-/health/live/", "usher.test"))
        .await;
    assert_eq!(
        header(&r, "content-security-policy"),
        usher_app::domain::web::NON_PAGE_CSP
    );
    assert_eq!(header(&r, "x-frame-options"), "DENY");
}

/// Issue 13, P5: the invitee's pages (landing and stages, accept, sign-in, the start page) are plain HTML
/// that load no WASM and no script file, under a policy that allows neither; the admin pages hydrate.
#[tokio::test]
async fn the_invitee_pages_load_no_wasm_and_no_script_file() {
    let app = TestApp::sqlite().await;
    for path in [
        "/login",
        "/",
        "/if/flow/default-enrollment-flow/?itoken=nope",
        "/if/accept/",
    ] {
        let r = app.client().send(get(path, "usher.test")).await;
        assert!(
            r.status.is_success() || r.status.is_client_error(),
            "{path}: {}",
            r.status
        );
        assert!(
            r.body.contains("<body data-static=\"true\""),
            "{path}: {}",
            r.body
        );
        assert!(
            !r.body.contains(".wasm"),
            "{path} names the WASM: {}",
            r.body
        );
        assert!(
            !r.body.contains("/pkg/usher.js"),
            "{path} loads the JS: {}",
            r.body
        );
        for s in r.body.split("<script").skip(1) {
            let tag = s.split('>').next().unwrap();
            assert!(!tag.contains("src="), "{path}: <script{tag}>");
            assert!(!tag.contains("type=\"module\""), "{path}: <script{tag}>");
        }
        let csp = header(&r, "content-security-policy");
        assert!(
            !csp.contains("wasm-unsafe-eval") && !csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("connect-src 'none'"), "{path}: {csp}");
    }
    let admin = app.client().send(get("/setup", "usher.test")).await;
    assert!(!admin.body.contains("data-static"));
    assert!(admin.body.contains("/pkg/usher.js"), "{}", admin.body);
}

/// Issue 13, P5: without JavaScript a refused form post sends the browser back to the page it came
/// from, which shows the error, instead of leaving it on the server function's bare error body.
#[tokio::test]
async fn a_refused_plain_form_post_comes_back_to_its_page_with_the_error() {
    let app = TestApp::sqlite().await;
    let mut c = app.client();
    let post = Request::builder()
        .method("POST")
        .uri("/api/auth/login")
        .header("host", "usher.test")
        .header("origin", "http://usher.test")
        .header("referer", "http://usher.test/login?next=/admin/invitations")
        .header("accept", "text/html,application/xhtml+xml")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("username=nobody&password=wrong"))
        .unwrap();
    let r = c.send(post).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let back = header(&r, "location").to_owned();
    assert!(
        back.starts_with("http://usher.test/login?next=") && back.contains("__err="),
        "{back}"
    );
    let path = back.trim_start_matches("http://usher.test");
    // The browser keeps the redirect's proof that Usher sent this error, and sends it back.
    let proof = form_error_proof(&r);
    let mut follow = get(path, "usher.test");
    follow
        .headers_mut()
        .insert("cookie", proof.parse().unwrap());
    let page = c.send(follow).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("role=\"alert\"") && page.body.contains("Invalid username or password."),
        "{}",
        page.body
    );
    // A call from the hydrated app (no text/html in Accept) still gets the error's status.
    let r = c
        .call_form(
            "auth/login",
            &[("username", "nobody"), ("password", "wrong")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
/// The `usher_form_error=…` pair a response sets.
fn form_error_proof(r: &Response) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("usher_form_error=") && !v.contains("Max-Age=0"))
        .unwrap_or_else(|| panic!("no form error proof: {:?}", r.headers))
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Issue 35 item 6: a link cannot put its own text under a form. `__err` in a page's URL is shown only
/// with the proof the refused post's redirect set (a keyed digest of that very error, for a minute);
/// otherwise the browser is sent to the page without it.
#[tokio::test]
async fn a_link_cannot_put_its_own_error_under_a_form() {
    let app = TestApp::sqlite().await;
    let mut c = app.client();
    // base64url of {"BadRequest":"Reset your password at https://evil.example.net"}
    let evil =
        "eyJCYWRSZXF1ZXN0IjoiUmVzZXQgeW91ciBwYXNzd29yZCBhdCBodHRwczovL2V2aWwuZXhhbXBsZS5uZXQifQ==";
    let forged = format!("/login?next=%2Fadmin&__path=/api/auth/login&__err={evil}");
    let r = c.send(get(&forged, "usher.test")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(header(&r, "location"), "/login?next=%2Fadmin");
    assert!(!r.body.contains("evil.example.net"));
    // With a proof for another error, the same.
    let post = Request::builder()
        .method("POST")
        .uri("/api/auth/login")
        .header("host", "usher.test")
        .header("origin", "http://usher.test")
        .header("referer", "http://usher.test/login")
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("username=nobody&password=wrong"))
        .unwrap();
    let refused = c.send(post).await;
    let proof = form_error_proof(&refused);
    let mut req = get(&forged, "usher.test");
    req.headers_mut().insert("cookie", proof.parse().unwrap());
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Usher's own error, with its proof, is shown once; the proof is then cleared.
    let back = header(&refused, "location")
        .trim_start_matches("http://usher.test")
        .to_owned();
    let mut req = get(&back, "usher.test");
    req.headers_mut().insert("cookie", proof.parse().unwrap());
    let page = c.send(req).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Invalid username or password."),
        "{}",
        page.body
    );
    assert!(page.headers.get_all("set-cookie").iter().any(|v| v
        .to_str()
        .unwrap()
        .starts_with("usher_form_error=;")
        && v.to_str().unwrap().contains("Max-Age=0")));
}

/// Issue 35 item 6: pages say where their forms may post (`form-action`): Usher itself, and the
/// default application a sign-in may redirect to.
#[tokio::test]
async fn pages_limit_where_forms_post() {
    let mut config = usher_app::service::Config::new("http://usher.test");
    config.default_app_url = Some("https://apps.example.com/home".into());
    let app = TestApp::sqlite_with(config).await;
    let r = app.client().send(get("/login", "usher.test")).await;
    let csp = header(&r, "content-security-policy");
    assert!(
        csp.ends_with("; form-action 'self' https://apps.example.com"),
        "{csp}"
    );
    // One saved in Brands is named at once on this instance's pages.
    let mut admin = app.admin().await;
    let (s, r) = admin
        .call(
            "admin/brands/save",
            serde_json::json!({"default_application_url": "https://portal.example.org/start"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let r = app.client().send(get("/login", "usher.test")).await;
    let csp = header(&r, "content-security-policy");
    assert!(
        csp.ends_with("; form-action 'self' https://apps.example.com https://portal.example.org"),
        "{csp}"
    );
}

#[tokio::test]
async fn https_adds_hsts() {
    let app = TestApp::sqlite_with_public_url("https://id.example.com").await;
    let r = app.client().send(get("/login", "id.example.com")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        header(&r, "strict-transport-security"),
        usher_app::domain::web::HSTS
    );
}

#[tokio::test]
async fn the_host_must_name_the_public_url() {
    let app = TestApp::sqlite().await;
    let mut c = app.client();
    assert_eq!(
        c.send(get("/login", "usher.test")).await.status,
        StatusCode::OK
    );
    // DNS rebinding: a page at evil.io whose name now resolves to Usher.
    let r = c.send(get("/login", "evil.io")).await;
    assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(r.body.contains("http://usher.test"), "{}", r.body);
    assert_eq!(
        c.send(get("/login", "usher.test:8080")).await.status,
        StatusCode::MISDIRECTED_REQUEST
    );
    // Health probes come from orchestrators that name the pod, not the public host.
    assert_eq!(
        c.send(get("/-/health/live/", "10.1.2.3:3000")).await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn writes_are_judged_by_origin_then_fetch_metadata_then_referer() {
    let app = TestApp::sqlite().await;
    let mut admin: Client = app.admin().await;
    let groups = || app.count("SELECT COUNT(*) FROM directory_groups");
    let refused = [
        // Same host, another scheme: the old check compared the host only.
        vec![("origin", "https://usher.test")],
        vec![("origin", "http://usher.test:8080")],
        vec![("origin", "null")],
        // No Origin: Fetch Metadata says cross-site (or same-site: a sibling subdomain).
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        // Neither: the Referer is another site's.
        vec![("referer", "https://evil.io/form")],
    ];
    for (i, headers) in refused.iter().enumerate() {
        let r = admin.send(create_group(&format!("evil{i}"), headers)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(groups().await, 0, "nothing was written");
    let allowed = [
        vec![("origin", "http://usher.test")],
        vec![("sec-fetch-site", "same-origin")],
        vec![("referer", "http://usher.test/admin/groups")],
        vec![],
    ];
    for (i, headers) in allowed.iter().enumerate() {
        let r = admin.send(create_group(&format!("ok{i}"), headers)).await;
        assert_eq!(r.status, StatusCode::OK, "{headers:?}: {}", r.body);
    }
    assert_eq!(groups().await, allowed.len() as i64);
}

/// Issue 16 item 4: without JavaScript an admin disables an invitation with the table's plain form; the
/// browser is sent back to the page it posted from, which shows the new status.
#[tokio::test]
async fn an_invitation_is_disabled_with_a_plain_form() {
    let app = TestApp::sqlite().await;
    let mut admin = app.admin().await;
    let (pk, _) = common::create_invitation(
        &app,
        &mut admin,
        "no-js",
        "invitation-enrollment-flow-external",
        serde_json::json!({}),
    )
    .await;
    let page = admin.get("/admin/invitations").await;
    assert!(
        page.body
            .contains(r#"action="/api/admin/invitations/toggle""#),
        "the plain form is on the page"
    );
    plain_form_post(&mut admin, "toggle", &format!("pk={pk}&enabled=false")).await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE pk = '{pk}' AND enabled = 0"
        ))
        .await,
        1
    );
}

/// Posts `body` to `/api/admin/invitations/{function}` as a browser without JavaScript does (form
/// encoding, HTML accepted, from the invitations page) and checks it is sent back to that page.
async fn plain_form_post(
    admin: &mut common::Client,
    function: &str,
    body: &str,
) -> common::Response {
    let post = Request::builder()
        .method("POST")
        .uri(format!("/api/admin/invitations/{function}"))
        .header("host", "usher.test")
        .header("origin", "http://usher.test")
        .header("referer", "http://usher.test/admin/invitations")
        .header("accept", "text/html,application/xhtml+xml")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let r = admin.send(post).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert!(
        header(&r, "location").starts_with("http://usher.test/admin/invitations"),
        "{}",
        header(&r, "location")
    );
    r
}

/// Issue 16 item 4: without JavaScript the table offers each invitation's link to copy by hand and a
/// confirmed delete, a plain form that deletes it.
#[tokio::test]
async fn an_invitation_is_deleted_with_a_plain_form() {
    let app = TestApp::sqlite().await;
    let mut admin = app.admin().await;
    let (pk, token) = common::create_invitation(
        &app,
        &mut admin,
        "no-js-delete",
        "invitation-enrollment-flow-external",
        serde_json::json!({}),
    )
    .await;
    let page = admin.get("/admin/invitations").await;
    assert!(
        page.body
            .contains(r#"action="/api/admin/invitations/remove""#),
        "the plain form is on the page"
    );
    assert!(page.body.contains(&token), "the link is on the page");
    plain_form_post(&mut admin, "remove", &format!("pk={pk}")).await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE pk = '{pk}'"
        ))
        .await,
        0
    );
}

/// Issue 16 item 4: without JavaScript an admin creates an invitation with the page's plain form: it is
/// made with the essentials and listed; a bad value is refused and makes nothing.
#[tokio::test]
async fn an_invitation_is_created_with_a_plain_form() {
    let app = TestApp::sqlite().await;
    let mut admin = app.admin().await;
    let page = admin.get("/admin/invitations").await;
    assert!(
        page.body
            .contains(r#"action="/api/admin/invitations/create_plain""#),
        "the plain form is on the page"
    );
    let flow = app.flow_pk("invitation-enrollment-flow-external").await;
    plain_form_post(
        &mut admin,
        "create_plain",
        &format!(
            "name=made-without-js&flow={flow}&expires=2030-01-01T09%3A00&single_use=on&emails=%2A%40example.com&fixed_data="
        ),
    )
    .await;
    let (single_use, expires, emails): (i64, Option<i64>, String) = sqlx::query_as(
        "SELECT single_use, expires, emails FROM invitations WHERE name = 'made-without-js'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(single_use, 1);
    assert_eq!(expires, Some(1_893_488_400), "09:00 UTC on 1 January 2030");
    assert!(emails.contains(r#""value":"example.com""#), "{emails}");
    // Refused (no name): nothing is made.
    let before = app.count("SELECT COUNT(*) FROM invitations").await;
    let r = plain_form_post(
        &mut admin,
        "create_plain",
        &format!("name=&flow={flow}&expires=&emails=&fixed_data="),
    )
    .await;
    assert!(
        header(&r, "location").contains("__err="),
        "sent back with the error: {}",
        header(&r, "location")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, before);
}
