//! The brand's look (issue 16 item 5): the title, logo and accent colour saved in System → Brands show
//! on the invitee's pages (the title, the logo, a stylesheet giving buttons the accent and a readable
//! text colour, the logo's origin allowed in `img-src`) and in the emails they get (subject, logo,
//! button colours); cleared, the defaults come back; bad values are refused by field and change nothing.

mod common;
use axum::http::{header, StatusCode};
use common::{create_invitation, TestApp};
use serde_json::json;

db_tests!(
    the_brand_shows_on_the_invitee_pages_and_in_emails,
    bad_brand_values_are_refused_and_nothing_is_saved,
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
