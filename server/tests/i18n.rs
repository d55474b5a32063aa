//! The invitee's language (issue 16 item 1): an invitation's `locale` (editor, REST) makes its email,
//! landing page, stages and errors German; a public link follows the browser's `Accept-Language`; the
//! language switcher's choice wins and keeps what was typed; the new account keeps its language in
//! `attributes.settings.locale`. And the catalogue has every key the code and the templates name.

mod common;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{create_invitation, form_request, Client, Response, TestApp};
use serde_json::json;

db_tests!(
    an_invitation_in_german_speaks_german_from_email_to_account,
    a_public_link_follows_the_browser_and_the_switcher_wins,
    switching_language_keeps_what_was_typed_but_no_password,
    a_language_usher_does_not_speak_is_refused_and_nothing_is_saved,
    a_campaign_writes_to_each_recipient_in_their_language,
    the_chosen_theme_is_remembered_and_rendered,
    sign_in_speaks_the_invitations_language,
    the_dashboard_speaks_the_admins_language,
    notices_to_a_creator_are_in_their_language,
    the_dashboards_errors_speak_its_language,
);

const EXT: &str = "invitation-enrollment-flow-external";

/// GET `uri` as a browser with these extra headers.
async fn page(c: &mut Client, uri: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = Request::builder()
        .uri(uri)
        .header(header::ACCEPT, "text/html");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    c.send(req.body(Body::empty()).unwrap()).await
}

/// The `name=value` pairs of the cookies a response sets (not deleted ones).
fn set_cookies(r: &Response) -> Vec<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| !v.contains("Max-Age=0"))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .collect()
}

/// Jana posts the German stage's form (its hidden `lang` says German) with these passwords.
async fn jana_submits(jana: &mut Client, token: &str, password: &str, repeat: &str) -> Response {
    jana.call_form(
        "flow/submit",
        &[
            ("slug", EXT),
            ("itoken", token),
            ("stage", "1"),
            ("lang", "de"),
            ("fields[username]", "jana"),
            ("fields[name]", "Jana"),
            ("fields[email]", "jana@example.org"),
            ("fields[password]", password),
            ("fields[password_repeat]", repeat),
        ],
    )
    .await
}

async fn an_invitation_in_german_speaks_german_from_email_to_account(app: TestApp) {
    let mut admin = app.admin().await;
    let (pk, token) = create_invitation(
        &app,
        &mut admin,
        "de-invite",
        EXT,
        json!({"locale": "de", "fixed_data": "email: jana@example.org", "single_use": true}),
    )
    .await;
    // The editor shows what was saved.
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(row["locale"], "de", "{row}");

    // The email, subject included, is German, with the expiry's zone and time left.
    let (subject, text): (String, String) =
        sqlx::query_as("SELECT subject, body_text FROM outbox WHERE invitation_pk = $1")
            .bind(&pk)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(subject, "Sie wurden zu Usher eingeladen");
    assert!(text.contains("hat Sie zu Usher eingeladen."), "{text}");
    assert!(text.contains("Die Einladung läuft ab: nie."), "{text}");

    // The landing page, whatever the browser asks for.
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    let mut jana = app.client();
    let p = page(&mut jana, &link, &[("accept-language", "en-US,en;q=0.9")]).await;
    assert_eq!(p.status, StatusCode::OK);
    for needle in [
        r#"<html lang="de""#,
        "Eingeladen von",
        "Einladung läuft ab:",
        ">Benutzername<",
        r#"placeholder="Benutzername""#,
        ">Passwort (wiederholen)<",
        ">Konto anlegen<",
        r#"name="lang" value="de""#,
    ] {
        assert!(p.body.contains(needle), "{needle}: {}", p.body);
    }
    assert!(!p.body.contains("Invited by"), "{}", p.body);

    // A refused stage is refused in German (the form says its language).
    let bad = jana_submits(&mut jana, &token, "s3cret-pass-word", "another-pass-word").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("Die Passwörter stimmen nicht überein."),
        "{}",
        bad.body
    );
    // So is a password too easy to guess, zxcvbn's advice included.
    let weak = jana_submits(&mut jana, &token, "password1234", "password1234").await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(
        weak.body
            .contains("Dieses Passwort ist zu leicht zu erraten. Dies ist"),
        "{}",
        weak.body
    );
    assert!(!weak.body.contains("easy to guess"), "{}", weak.body);

    // Enrolled in German, the account keeps German as its preferred language.
    let ok = jana_submits(&mut jana, &token, "s3cret-pass-word", "s3cret-pass-word").await;
    assert!(
        ok.status.is_success() || ok.status.is_redirection(),
        "{}",
        ok.body
    );
    let attributes: String =
        sqlx::query_scalar("SELECT attributes FROM users WHERE username = 'jana'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let attributes: serde_json::Value = serde_json::from_str(&attributes).unwrap();
    assert_eq!(attributes["settings"]["locale"], "de", "{attributes}");
    // The profile it lands on speaks it too, to an English browser.
    let profile = page(&mut jana, "/", &[("accept-language", "en-US")]).await;
    assert!(
        profile.body.contains(r#"<html lang="de""#),
        "{}",
        profile.body
    );
    assert!(
        profile.body.contains("Willkommen, Jana"),
        "{}",
        profile.body
    );

    // Used up, the link says so in German too.
    let gone = page(&mut app.client(), &link, &[("accept-language", "de")]).await;
    assert!(
        gone.body
            .contains("Diese Einladung wurde bereits verwendet."),
        "{}",
        gone.body
    );
}

async fn a_public_link_follows_the_browser_and_the_switcher_wins(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = create_invitation(&app, &mut admin, "open-link", EXT, json!({})).await;
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    let mut anon = app.client();

    let german = page(
        &mut anon,
        &link,
        &[("accept-language", "de-CH, fr;q=0.8, en;q=0.5")],
    )
    .await;
    assert!(
        german.body.contains(r#"<html lang="de""#),
        "{}",
        german.body
    );
    assert!(german.body.contains("Eingeladen von"), "{}", german.body);

    let other = page(&mut anon, &link, &[("accept-language", "fr, it")]).await;
    assert!(
        other.body.contains(r#"<html lang="en""#),
        "the brand default"
    );
    assert!(other.body.contains("Invited by"), "{}", other.body);

    // The switcher's cookie wins over the browser.
    let chosen = page(
        &mut anon,
        &link,
        &[("accept-language", "de"), ("cookie", "usher_lang=en")],
    )
    .await;
    assert!(chosen.body.contains("Invited by"), "{}", chosen.body);

    // An unknown link is refused in the browser's language.
    let bogus = page(
        &mut anon,
        &format!("/if/flow/{EXT}/?itoken=00000000-0000-4000-8000-000000000000"),
        &[("accept-language", "de")],
    )
    .await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);
    assert!(
        bogus.body.contains("Ungültige oder unbekannte Einladung"),
        "{}",
        bogus.body
    );

    // The switcher of a page without a stage form remembers the choice and goes back, never elsewhere.
    let r = anon
        .call_form("flow/language", &[("lang", "de"), ("next", "/if/accept/")])
        .await;
    assert!(
        set_cookies(&r).contains(&"usher_lang=de".to_owned()),
        "{:?}",
        r.headers
    );
    let away = anon
        .send(form_request(
            "flow/language",
            &[("lang", "de"), ("next", "//evil.example/")],
        ))
        .await;
    let location = away
        .headers
        .get("location")
        .or_else(|| away.headers.get("serverfnredirect"))
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(!location.contains("evil"), "{location}");
    let refused = anon
        .call_form("flow/language", &[("lang", "xx"), ("next", "/if/accept/")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

async fn switching_language_keeps_what_was_typed_but_no_password(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) = create_invitation(&app, &mut admin, "switch", EXT, json!({})).await;
    let mut anon = app.client();
    let r = anon
        .call_form(
            "flow/submit",
            &[
                ("slug", EXT),
                ("itoken", &token),
                ("stage", "1"),
                ("lang", "en"),
                ("switch_lang", "de"),
                ("fields[username]", "typed-name"),
                ("fields[password]", "never-kept-secret"),
            ],
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    let cookies = set_cookies(&r);
    assert!(cookies.contains(&"usher_lang=de".to_owned()), "{cookies:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'typed-name'")
            .await,
        0
    );
    let p = page(
        &mut anon,
        &format!("/if/flow/{EXT}/?itoken={token}"),
        &[("cookie", &cookies.join("; "))],
    )
    .await;
    assert!(p.body.contains(r#"<html lang="de""#), "{}", p.body);
    assert!(p.body.contains(r#"value="typed-name""#), "{}", p.body);
    assert!(!p.body.contains("never-kept-secret"), "{}", p.body);
}

async fn a_language_usher_does_not_speak_is_refused_and_nothing_is_saved(app: TestApp) {
    let mut admin = app.admin().await;
    let mut form = json!({
        "name": "fr-invite", "description": "", "flow": app.flow_pk(EXT).await, "expires": "",
        "never_expires": true, "fixed_data": "", "single_use": false, "quota": "", "emails": "",
        "roles": [], "groups": [], "enabled": true
    });
    form["locale"] = json!("fr");
    let (s, r) = admin
        .call("admin/invitations/create", json!({ "form": form }))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(r.to_string().contains("locale"), "{r}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE name = 'fr-invite'")
            .await,
        0
    );
}

/// The dashboard follows `Accept-Language` until the admin picks a language with its switcher; the
/// choice is kept in the account (`attributes.settings.locale`), so another browser signed in as them
/// gets it too, and that browser's own switcher cookie still wins.
async fn the_dashboard_speaks_the_admins_language(app: TestApp) {
    let mut admin = app.admin().await;
    let english = page(&mut admin, "/admin/invitations", &[]).await;
    assert_eq!(english.status, StatusCode::OK);
    assert!(
        english.body.contains(r#"<html lang="en""#),
        "{}",
        english.body
    );
    assert!(english.body.contains(">Invitations<"), "{}", english.body);
    let german = page(
        &mut admin,
        "/admin/invitations",
        &[("accept-language", "de-DE,de;q=0.9")],
    )
    .await;
    assert!(
        german.body.contains(r#"<html lang="de""#),
        "{}",
        german.body
    );
    assert!(german.body.contains(">Einladungen<"), "{}", german.body);
    assert!(german.body.contains("Angemeldet als"), "{}", german.body);
    assert!(!german.body.contains(">Invitations<"), "{}", german.body);
    // The switcher: back to the dashboard page it was on, and the account keeps the choice.
    let r = admin
        .call_form("flow/language", &[("lang", "de"), ("next", "/admin/users")])
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    let location = r
        .headers
        .get("location")
        .or_else(|| r.headers.get("serverfnredirect"))
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(location.as_deref(), Some("/admin/users"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE username = 'admin' AND attributes LIKE '%\"locale\":\"de\"%'"
        )
        .await,
        1
    );
    let mut other_browser = app.client();
    other_browser.login("admin", common::ADMIN_PASSWORD).await;
    let p = page(
        &mut other_browser,
        "/admin/users",
        &[("accept-language", "en-US")],
    )
    .await;
    assert!(p.body.contains(r#"<html lang="de""#), "{}", p.body);
    assert!(p.body.contains(">Benutzer<"), "{}", p.body);
    let p = page(
        &mut other_browser,
        "/admin/users",
        &[("accept-language", "de"), ("cookie", "usher_lang=en")],
    )
    .await;
    assert!(p.body.contains(r#"<html lang="en""#), "{}", p.body);
    // A language Usher does not speak changes nothing.
    let r = admin
        .call_form("flow/language", &[("lang", "fr"), ("next", "/admin/users")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE attributes LIKE '%\"locale\":\"fr%'")
            .await,
        0
    );
}

/// A notice to an invitation's creator ("Email me") is written in the creator's preferred language.
async fn notices_to_a_creator_are_in_their_language(app: TestApp) {
    let sink = common::SmtpSink::start(common::free_port()).await;
    let _worker = app.start_mail_worker(sink.port).await;
    let mut admin = app.admin().await;
    let r = admin
        .call_form("flow/language", &[("lang", "de"), ("next", "/admin/")])
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    let (_, token) = create_invitation(
        &app,
        &mut admin,
        "laut",
        EXT,
        json!({"notify_creator": true, "locale": "en"}),
    )
    .await;
    common::enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "lou",
        "lou@example.com",
    )
    .await;
    let got = sink.wait_for(1, 30).await;
    let data = common::unfold_qp(got[0]["data"].as_str().unwrap());
    assert!(
        data.contains("Subject: Einladung laut wurde genutzt"),
        "{data}"
    );
    assert!(
        data.contains("lou hat Ihre Einladung laut genutzt."),
        "{data}"
    );
    assert!(!data.contains("was used"), "{data}");
}

/// The dashboard's server functions word their refusals in the dashboard's language: a refused brand
/// value and a refused invitation say why in German for an admin who chose German, in English again once
/// they choose English; nothing is saved either way.
async fn the_dashboards_errors_speak_its_language(app: TestApp) {
    let mut admin = app.admin().await;
    let choose = |lang: &'static str| [("lang", lang), ("next", "/admin/")];
    admin.call_form("flow/language", &choose("de")).await;
    let brand = json!({"default_application_url": "", "branding_accent": "red"});
    let (s, r) = admin.call("admin/brands/save", brand.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(
        r.to_string()
            .contains("Geben Sie die Akzentfarbe als #rrggbb an"),
        "{r}"
    );
    let mut form = json!({
        "name": "vergangen", "description": "", "flow": app.flow_pk(EXT).await,
        "expires": "2001-01-01T00:00", "never_expires": false, "fixed_data": "", "single_use": false,
        "quota": "", "emails": "", "roles": [], "groups": [], "locale": "", "enabled": true
    });
    let (s, r) = admin
        .call("admin/invitations/create", json!({"form": form.clone()}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(
        r.to_string()
            .contains("Das Ablaufdatum muss in der Zukunft liegen"),
        "{r}"
    );
    admin.call_form("flow/language", &choose("en")).await;
    let (_, r) = admin.call("admin/brands/save", brand).await;
    assert!(
        r.to_string().contains("Enter the accent colour as #rrggbb"),
        "{r}"
    );
    form["name"] = json!("past");
    let (_, r) = admin
        .call("admin/invitations/create", json!({"form": form}))
        .await;
    assert!(
        r.to_string().contains("Expiry must be in the future"),
        "{r}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE name IN ('vergangen', 'past')")
            .await,
        0
    );
}

/// Every key the code names (`t!(locale, "key"…)`, `.tr("key")`) and every key the email templates
/// name (`t("key"…)`) is in every language of the catalogue.
#[test]
fn the_catalogue_has_every_key_the_code_and_the_templates_name() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app");
    let mut files = Vec::new();
    let mut dirs = vec![root.join("src"), root.join("templates")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    let mut used = std::collections::BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let openers: &[&str] = if f.extension().is_some_and(|e| e == "rs") {
            &["t!(", ".tr("]
        } else {
            &["t(\""]
        };
        for opener in openers {
            for (at, _) in text.match_indices(opener) {
                // A call of its own (`t!(`, `{{ t(`), not the end of another name (`insert(`).
                let before = text[..at].chars().next_back().unwrap_or(' ');
                if !opener.starts_with('.') && (before.is_alphanumeric() || before == '_') {
                    continue;
                }
                let rest = &text[at + opener.len()..];
                // The first string literal of the call is the key (after the locale, for `t!`).
                let Some(open) = rest.find('"') else { continue };
                if rest[..open].contains(')') || rest[..open].contains(';') {
                    continue;
                }
                let key: String = rest[open + 1..].chars().take_while(|c| *c != '"').collect();
                if key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
                    && key.contains('-')
                {
                    used.insert(key);
                }
            }
        }
    }
    assert!(used.len() > 80, "the scan finds the keys: {used:?}");
    for (locale, source) in usher_app::i18n::SOURCES {
        let ids = usher_app::i18n::message_ids(source).unwrap();
        let missing: Vec<_> = used.iter().filter(|k| !ids.contains(k)).collect();
        assert!(missing.is_empty(), "{locale} lacks {missing:?}");
    }
}

/// A campaign's CSV may name each recipient's language: their email (subject included) and their
/// invitation's pages speak it; a row without one gets the brand default; an unknown one is invalid.
async fn a_campaign_writes_to_each_recipient_in_their_language(app: TestApp) {
    let mut admin = app.admin().await;
    let form = json!({
        "name": "mixed", "description": "", "flow": app.flow_pk(EXT).await, "expires": "", "not_before": "",
        "fixed_data": "", "email_subject": "", "email_message": "", "reminder_days": "", "digest": false,
        "roles": [], "groups": []
    });
    let (s, pk) = admin
        .call("admin/campaigns/save", json!({"pk": null, "form": form}))
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let csv = "email,name,locale\nanna@example.de,Anna,de\nbob@example.com,Bob,\ncloe@example.fr,Cloe,fr\n";
    let (s, body) = admin
        .call(
            "admin/campaigns/import",
            json!({"pk": pk, "source": {"pasted": "", "csv": csv}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(
        body.to_string().contains("is not a language Usher speaks"),
        "{body}"
    );
    let subjects: Vec<(String, String)> = sqlx::query_as(
        "SELECT to_addrs, subject FROM outbox WHERE channel = 'email' ORDER BY to_addrs",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        subjects,
        vec![
            (
                r#"["anna@example.de"]"#.to_owned(),
                "Sie wurden zu Usher eingeladen".to_owned()
            ),
            (
                r#"["bob@example.com"]"#.to_owned(),
                "You've been invited to join Usher".to_owned()
            ),
        ]
    );
    let locale: Option<String> = sqlx::query_scalar(
        "SELECT i.locale FROM invitations i JOIN campaign_recipients r ON r.invitation_pk = i.pk WHERE r.email = 'anna@example.de'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(locale.as_deref(), Some("de"));
}

/// Issue 16 item 5: the theme switcher's choice is a cookie of the visitor's browser and every page's
/// `<html data-theme>`; `auto` forgets it (the system's preference applies); it never sends the browser
/// to another site.
async fn the_chosen_theme_is_remembered_and_rendered(app: TestApp) {
    let mut anon = app.client();
    let r = anon
        .call_form("prefs/theme", &[("theme", "dark"), ("next", "/login")])
        .await;
    let cookies = set_cookies(&r);
    assert!(
        cookies.contains(&"usher_theme=dark".to_owned()),
        "{cookies:?}"
    );
    let html_tag = |body: &str| {
        body[body.find("<html").unwrap()..]
            .split('>')
            .next()
            .unwrap()
            .to_owned()
    };
    let login = page(&mut anon, "/login", &[("cookie", "usher_theme=dark")]).await;
    assert!(
        html_tag(&login.body).contains(r#"data-theme="dark""#),
        "{}",
        html_tag(&login.body)
    );
    let plain = page(&mut anon, "/login", &[]).await;
    assert!(
        !html_tag(&plain.body).contains("data-theme"),
        "{}",
        html_tag(&plain.body)
    );
    let auto = anon
        .call_form("prefs/theme", &[("theme", "auto"), ("next", "/login")])
        .await;
    assert!(
        auto.headers.get_all(header::SET_COOKIE).iter().any(|v| v
            .to_str()
            .unwrap()
            .starts_with("usher_theme=")
            && v.to_str().unwrap().contains("Max-Age=0")),
        "auto forgets the choice"
    );
    let bad = anon
        .call_form("prefs/theme", &[("theme", "neon"), ("next", "/login")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let away = anon
        .send(form_request(
            "prefs/theme",
            &[("theme", "dark"), ("next", "//evil.example/")],
        ))
        .await;
    let location = away
        .headers
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(!location.contains("evil"), "{location}");
}

/// An invitee with an account follows a German invitation to sign-in: the sign-in page is German; the
/// switcher's choice still wins over the invitation's language.
async fn sign_in_speaks_the_invitations_language(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, token) =
        create_invitation(&app, &mut admin, "de-signin", EXT, json!({"locale": "de"})).await;
    let mut ute = app.client();
    let r = ute
        .call_form(
            "flow/remember",
            &[("slug", EXT), ("itoken", &token), ("lang", "de")],
        )
        .await;
    let to = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(to, "/login?next=/if/accept/&lang=de");

    let p = page(&mut ute, &to, &[("accept-language", "en")]).await;
    for needle in [
        r#"<html lang="de""#,
        "Bei Usher anmelden",
        ">Benutzername<",
        ">Anmelden<",
    ] {
        assert!(p.body.contains(needle), "{needle}: {}", p.body);
    }
    assert!(!p.body.contains("Sign in to"), "{}", p.body);
    // Without the invitation, the browser's language.
    let plain = page(&mut app.client(), "/login", &[("accept-language", "en")]).await;
    assert!(plain.body.contains("Sign in to Usher"), "{}", plain.body);
    assert!(plain.body.contains(r#"<html lang="en""#), "{}", plain.body);

    // The switcher's choice wins over the invitation's language.
    let english = page(&mut ute, &to, &[("cookie", "usher_lang=en")]).await;
    assert!(
        english.body.contains("Sign in to Usher"),
        "{}",
        english.body
    );
}
