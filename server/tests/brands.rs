//! The brand's look (issue 16 item 5): the title, logo and accent colour saved in System → Brands show
//! on the invitee's pages (the title, the logo, a stylesheet giving buttons the accent and a readable
//! text colour, the logo's origin allowed in `img-src`) and in the emails they get (subject, logo,
//! button colours); cleared, the defaults come back; bad values are refused by field and change nothing.

mod common;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{create_invitation, Client, TestApp};
use serde_json::json;

db_tests!(
    the_brand_shows_on_the_invitee_pages_and_in_emails,
    bad_brand_values_are_refused_and_nothing_is_saved,
    the_brand_default_language_speaks_when_nothing_else_does,
);

const EXT: &str = "invitation-enrollment-flow-external";

fn csp(r: &common::Response) -> String {
    r.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned()
}

async fn the_brand_shows_on_the_invitee_pages_and_in_emails(app: TestApp) {
    let mut admin = app.admin().await;
    let (s, r) = admin
        .call(
            "admin/brands/save",
            json!({
                "default_application_url": "",
                "branding_title": " Acme Corp ",
                "branding_logo": "https://cdn.example.com/logo.svg",
                "branding_accent": "#FFDD00",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["branding_title"], "Acme Corp");
    assert_eq!(b["branding_logo"], "https://cdn.example.com/logo.svg");
    assert_eq!(b["branding_accent"], "#ffdd00", "stored normalised");
    assert_eq!(b["title_default"], "Usher");

    // The invitation email: the title in the subject and text, the logo, the button in the accent with
    // black text (yellow is too light for white).
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "branded",
        EXT,
        json!({"fixed_data": "email: kim@example.org", "single_use": true}),
    )
    .await;
    let (subject, text, html): (String, String, String) =
        sqlx::query_as("SELECT subject, body_text, body_html FROM outbox WHERE invitation_pk = $1")
            .bind(&pk)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    // minijinja's HTML escaping writes `/` as `&#x2f;`, which a browser reads as `/`.
    let html = html.replace("&#x2f;", "/");
    assert_eq!(subject, "You've been invited to join Acme Corp");
    assert!(text.contains("to join Acme Corp"), "{text}");
    assert!(
        html.contains(r#"<img src="https://cdn.example.com/logo.svg" alt="Acme Corp""#),
        "{html}"
    );
    assert!(html.contains("background:#ffdd00;color:#000000;"), "{html}");

    // The landing page: the title (the document's too), the logo, the stylesheet; its policy lets the
    // logo's origin in, and nothing else.
    let mut kim = app.client();
    let p = kim.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
    assert_eq!(p.status, StatusCode::OK);
    for needle in [
        "<title>Acme Corp</title>",
        r#"<img src="https://cdn.example.com/logo.svg" alt="" class="brand-logo">"#,
        r#"<span class="brand-title">Acme Corp"#,
        r#"href="/brand.css?v=ffdd00""#,
    ] {
        assert!(p.body.contains(needle), "{needle}: {}", p.body);
    }
    let policy = csp(&p);
    assert!(
        policy.contains("img-src 'self' data: https://cdn.example.com;"),
        "{policy}"
    );
    let css = kim.get("/brand.css?v=ffdd00").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        css.body
            .contains("--accent: #ffdd00; --accent-fg: #000000;"),
        "{}",
        css.body
    );
    // An invalid link's page is branded too.
    let invalid = kim.get(&format!("/if/flow/{EXT}/?itoken=nope")).await;
    assert!(invalid
        .body
        .contains(r#"<span class="brand-title">Acme Corp"#));

    // Cleared: Usher's name and colours, no logo, and the policy back to this site's images.
    let (s, _) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "", "branding_title": "", "branding_logo": "", "branding_accent": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let p = kim.get(&format!("/if/flow/{EXT}/?itoken={token}")).await;
    assert!(
        p.body.contains(r#"<span class="brand-title">Usher"#),
        "{}",
        p.body
    );
    assert!(!p.body.contains("brand-logo"), "{}", p.body);
    assert!(!p.body.contains("/brand.css"), "{}", p.body);
    assert!(!csp(&p).contains("cdn.example.com"), "{}", csp(&p));
    assert_eq!(kim.get("/brand.css").await.body, "");
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["branding_title"], "");
    assert_eq!(b["branding_accent"], "");
}

async fn bad_brand_values_are_refused_and_nothing_is_saved(app: TestApp) {
    let mut admin = app.admin().await;
    let (s, _) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "", "branding_title": "Acme", "branding_accent": "#1f6feb"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    for (field, value, message) in [
        ("branding_accent", "red", "#rrggbb"),
        ("branding_logo", "javascript:alert(1)", "logo"),
        ("branding_logo", "/x.png\" onerror=\"alert(1)", "logo"),
        ("branding_title", "Ac\nme", "line breaks"),
    ] {
        // A good title beside the bad value: nothing of the request is saved.
        let (s, r) = admin
            .call(
                "admin/brands/save",
                json!({"default_application_url": "https://apps.example.com/", "branding_title": "Other", field: value}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}={value}: {r}");
        let text = r.to_string();
        assert!(text.contains(field) && text.contains(message), "{text}");
        let (_, b) = admin.call("admin/brands/get", json!({})).await;
        assert_eq!(b["branding_title"], "Acme", "{field}");
        assert_eq!(b["branding_accent"], "#1f6feb", "{field}");
        assert_eq!(b["default_application_url"], "", "{field}");
    }
    // A save that leaves the look out keeps it.
    let (s, _) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "/apps"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["branding_title"], "Acme");
    assert_eq!(b["default_application_url"], "/apps");
    // Members cannot change the brand.
    let mut member = app.user("mel").await;
    let (s, _) = member
        .call(
            "admin/brands/save",
            json!({"default_application_url": "", "branding_title": "Mine"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["branding_title"], "Acme");
}

/// An HTML page, sending `accept_language` when given.
async fn page(c: &mut Client, uri: &str, accept_language: Option<&str>) -> common::Response {
    let mut req = Request::builder()
        .uri(uri)
        .header(header::ACCEPT, "text/html");
    if let Some(l) = accept_language {
        req = req.header(header::ACCEPT_LANGUAGE, l);
    }
    c.send(req.body(Body::empty()).unwrap()).await
}

/// Issue 16 item 1: the brand's default language (System → Brands; authentik's brand `default_locale`)
/// is what an invitee is spoken to in when neither the invitation nor the browser names a language Usher
/// speaks: on the landing page and in the invitation email. A language Usher does not speak is refused
/// with nothing saved; cleared, `USHER_DEFAULT_LOCALE` (English here) applies again.
async fn the_brand_default_language_speaks_when_nothing_else_does(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(
        (b["default_locale"].as_str(), b["locale_default"].as_str()),
        (Some(""), Some("en"))
    );
    let (s, r) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "", "default_locale": "fr"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(r.to_string().contains("default_locale"), "{r}");
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["default_locale"], "", "nothing saved");
    let (s, r) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "", "default_locale": "de"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, b) = admin.call("admin/brands/get", json!({})).await;
    assert_eq!(b["default_locale"], "de");

    // An invitation naming no language: its email and its landing page speak the brand's.
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "brand-language",
        EXT,
        json!({"fixed_data": "email: lena@example.org", "single_use": true}),
    )
    .await;
    let subject = |pk: String| {
        let db = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT subject FROM outbox WHERE invitation_pk = $1")
                .bind(pk)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(subject(pk).await, "Sie wurden zu Usher eingeladen");
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    let p = page(&mut app.client(), &link, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(r#"<html lang="de""#), "{}", p.body);
    // A browser naming a language Usher speaks wins over the brand's; one naming none does not.
    let p = page(&mut app.client(), &link, Some("en-GB,en;q=0.9")).await;
    assert!(p.body.contains(r#"<html lang="en""#), "{}", p.body);
    let p = page(&mut app.client(), &link, Some("fr, it;q=0.5")).await;
    assert!(p.body.contains(r#"<html lang="de""#), "{}", p.body);
    // An invitation naming its language keeps it.
    let (pk, _) = create_invitation(
        &app,
        &mut admin,
        "named-language",
        EXT,
        json!({"fixed_data": "email: max@example.org", "single_use": true, "locale": "en"}),
    )
    .await;
    assert_eq!(subject(pk).await, "You've been invited to join Usher");

    // Cleared: the environment's default again.
    let (s, _) = admin
        .call(
            "admin/brands/save",
            json!({"default_application_url": "", "default_locale": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let p = page(&mut app.client(), &link, None).await;
    assert!(p.body.contains(r#"<html lang="en""#), "{}", p.body);
}
