//! Blueprint import on SQLite and PostgreSQL: authentik's example files (copied unchanged into
//! `tests/blueprints/`) import, re-import without duplicates, are refused whole when malformed, export and
//! import back to the same flow, and their flows and invitations run through the engine.

mod common;
use usher_app::domain::audit::Who;

/// What the admin reads for a refusal: the edge's words for the service's typed error.
fn words(e: usher_app::service::error::Error) -> String {
    usher_app::error::AppError::from(e).to_string()
}
use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::json;
use std::collections::BTreeMap;
use usher_app::service::{blueprints, flows};

db_tests!(
    a_flow_without_an_invitation_stage_still_needs_an_invitation,
    flow_settings_are_obeyed_whatever_the_blueprint_says,
    every_example_imports_and_reimports_without_duplicates,
    a_malformed_blueprint_is_refused_whole,
    export_then_import_gives_the_same_flow,
    the_example_invitations_work_and_engineering_enrolls_into_its_group,
    the_dashboard_imports_lists_and_exports,
    changing_a_builtin_flow_needs_confirmation_at_every_door,
);

const EXAMPLES: [&str; 4] = [
    "flows-enrollment-2-stage.yaml",
    "flows-enrollment-email-verification.yaml",
    "flows-invitation-enrollment-minimal.yaml",
    "flows-invitation-enrollment.yaml",
];

fn example(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/blueprints")
            .join(name),
    )
    .unwrap()
}

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "flows",
        "stages",
        "flow_stage_bindings",
        "invitations",
        "directory_groups",
    ] {
        out.push(app.count(&format!("SELECT COUNT(*) FROM {t}")).await);
    }
    out
}

async fn every_example_imports_and_reimports_without_duplicates(app: TestApp) {
    let admin = app.admin_pk().await;
    for name in EXAMPLES {
        let text = example(name);
        let first = blueprints::apply(
            &app.db,
            &app.state.config.secret_key,
            &text,
            &BTreeMap::new(),
            (&Who::system(), admin),
            blueprints::BuiltinChanges::Confirmed,
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!first.flows.is_empty(), "{name}");
        let after_first = counts(&app).await;
        let second = blueprints::apply(
            &app.db,
            &app.state.config.secret_key,
            &text,
            &BTreeMap::new(),
            (&Who::system(), admin),
            blueprints::BuiltinChanges::Confirmed,
        )
        .await
        .unwrap();
        assert_eq!(second.created, 0, "{name}: re-import creates nothing");
        assert_eq!(
            counts(&app).await,
            after_first,
            "{name}: re-import duplicates nothing"
        );
        for slug in &first.flows {
            let f = flows::load_flow(&app.db, slug).await.unwrap().unwrap();
            assert!(!f.def.stages.is_empty(), "{name}: {slug} has its stages");
        }
    }
    // What the files say, as Usher runs it.
    let eng = flows::load_flow(&app.db, "invitation-enrollment-flow-internal-engineering")
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = eng.def.stages.iter().map(|s| s.kind.name()).collect();
    assert_eq!(
        kinds,
        ["invitation", "prompt", "prompt", "user_write", "user_login"]
    );
    assert_eq!(eng.def.title, "Welcome to the Engineering Team!");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM directory_groups WHERE name = 'engineering-team'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 5);
    // The minimal file with its defaults, then with a context: a second flow, not an overwrite.
    assert!(flows::load_flow(&app.db, "invitation-enrollment-flow")
        .await
        .unwrap()
        .is_some());
    let ctx: BTreeMap<String, String> = [
        ("flow_slug", "partners"),
        ("user_type", "internal"),
        ("flow_name", "Partners"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    blueprints::apply(
        &app.db,
        &app.state.config.secret_key,
        &example("flows-invitation-enrollment-minimal.yaml"),
        &ctx,
        (&Who::system(), admin),
        blueprints::BuiltinChanges::Confirmed,
    )
    .await
    .unwrap();
    let partners = flows::load_flow(&app.db, "partners")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(partners.def.name, "Partners");
    assert!(partners.def.stages.iter().any(|s| matches!(&s.kind,
        usher_app::domain::flow::StageKind::UserWrite { user_path_template, .. } if user_path_template == "users/internal")));
    // The 2-stage file has no invitation stage: the invitation form flags it.
    let options = flows::list_enrollment_flows(&app.db).await.unwrap();
    let two = options
        .iter()
        .find(|f| f.slug == "default-enrollment-flow")
        .unwrap();
    let eng = options
        .iter()
        .find(|f| f.slug == "invitation-enrollment-flow-internal-engineering")
        .unwrap();
    assert!(!two.has_invitation_stage);
    assert!(eng.has_invitation_stage);
}

async fn a_malformed_blueprint_is_refused_whole(app: TestApp) {
    let admin = app.admin_pk().await;
    let before = counts(&app).await;
    let good = example("flows-invitation-enrollment.yaml");
    // The last binding points at no entry: the error names that entry and path, and nothing of the file
    // (flows, stages, the group, invitations before it) is applied.
    let last = good.rfind("stage: !KeyOf user-login-stage").unwrap();
    let mut bad = good.clone();
    bad.replace_range(
        last..last + "stage: !KeyOf user-login-stage".len(),
        "stage: !KeyOf user-logout-stage",
    );
    let e = blueprints::apply(
        &app.db,
        &app.state.config.secret_key,
        &bad,
        &BTreeMap::new(),
        (&Who::system(), admin),
        blueprints::BuiltinChanges::Confirmed,
    )
    .await
    .map_err(words)
    .unwrap_err();
    assert!(
        e.contains("unknown reference !KeyOf user-logout-stage"),
        "{e}"
    );
    assert!(
        e.contains("authentik_flows.flowstagebinding") && e.contains("identifiers.stage"),
        "{e}"
    );
    assert!(e.contains("entry 33"), "the entry is named: {e}");
    for (from, to, expect) in [
        (
            "      user_type: external\n",
            "      user_type: external\n      colour: red\n",
            "unknown attribute colour",
        ),
        (
            "model: authentik_core.group",
            "model: authentik_core.team",
            "unknown model authentik_core.team",
        ),
        ("version: 1", "version: 2", "version 1"),
        ("fixed_data: {}", "fixed_data: [1]", "fixed_data"),
        ("order: 100", "order: !Env ORDER", "unsupported tag !Env"),
    ] {
        let variant = good.replacen(from, to, 1);
        assert_ne!(variant, good, "{from}");
        let e = blueprints::apply(
            &app.db,
            &app.state.config.secret_key,
            &variant,
            &BTreeMap::new(),
            (&Who::system(), admin),
            blueprints::BuiltinChanges::Confirmed,
        )
        .await
        .map_err(words)
        .unwrap_err();
        assert!(e.contains(expect), "{expect}: {e}");
    }
    // An invitation the database refuses (a name that is not a slug) rolls back everything before it.
    let e = blueprints::apply(
        &app.db,
        &app.state.config.secret_key,
        &good.replace(
            "name: example-engineering-team-invitation",
            "name: \"not a slug!\"",
        ),
        &BTreeMap::new(),
        (&Who::system(), admin),
        blueprints::BuiltinChanges::Confirmed,
    )
    .await
    .map_err(words)
    .unwrap_err();
    assert!(e.contains("not a slug!"), "{e}");
    assert_eq!(counts(&app).await, before, "nothing applied");
    assert!(
        flows::load_flow(&app.db, "invitation-enrollment-flow-internal-engineering")
            .await
            .unwrap()
            .is_none()
    );
}

async fn export_then_import_gives_the_same_flow(app: TestApp) {
    let admin = app.admin_pk().await;
    blueprints::apply(
        &app.db,
        &app.state.config.secret_key,
        &example("flows-invitation-enrollment.yaml"),
        &BTreeMap::new(),
        (&Who::system(), admin),
        blueprints::BuiltinChanges::Confirmed,
    )
    .await
    .unwrap();
    for slug in [
        "invitation-enrollment-flow-internal-engineering",
        "invitation-enrollment-flow-external",
        "default-enrollment-flow",
    ] {
        let exported = blueprints::export(&app.db, slug).await.unwrap();
        assert!(exported.contains("!KeyOf"), "{exported}");
        let original = flows::load_flow(&app.db, slug).await.unwrap().unwrap().def;
        // Into a fresh database (a second instance), then back into this one: the same flow both times.
        let other = TestApp::sqlite().await;
        let other_admin = other.admin_pk().await;
        let r = blueprints::apply(
            &other.db,
            &other.state.config.secret_key,
            &exported,
            &BTreeMap::new(),
            (&Who::system(), other_admin),
            blueprints::BuiltinChanges::Confirmed,
        )
        .await
        .unwrap_or_else(|e| panic!("{slug}: {e}\n{exported}"));
        assert_eq!(r.flows, vec![slug.to_owned()]);
        assert_eq!(
            flows::load_flow(&other.db, slug)
                .await
                .unwrap()
                .unwrap()
                .def,
            original,
            "{slug}"
        );
        let before = counts(&app).await;
        blueprints::apply(
            &app.db,
            &app.state.config.secret_key,
            &exported,
            &BTreeMap::new(),
            (&Who::system(), admin),
            blueprints::BuiltinChanges::Confirmed,
        )
        .await
        .unwrap();
        assert_eq!(
            flows::load_flow(&app.db, slug).await.unwrap().unwrap().def,
            original
        );
        assert_eq!(
            counts(&app).await,
            before,
            "re-importing an export changes nothing"
        );
    }
    assert!(blueprints::export(&app.db, "nope").await.is_err());
}

async fn the_example_invitations_work_and_engineering_enrolls_into_its_group(app: TestApp) {
    let admin = app.admin_pk().await;
    blueprints::apply(
        &app.db,
        &app.state.config.secret_key,
        &example("flows-invitation-enrollment.yaml"),
        &BTreeMap::new(),
        (&Who::system(), admin),
        blueprints::BuiltinChanges::Confirmed,
    )
    .await
    .unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT i.name, f.slug, i.pk FROM invitations i JOIN flows f ON f.pk = i.flow_pk ORDER BY i.name",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 5);
    for (name, slug, pk) in &rows {
        let token = app.token(pk).await;
        let page = app
            .client()
            .get(&format!("/if/flow/{slug}/?itoken={token}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(page.body.contains("fields[username]"), "{name}");
    }
    let single: i64 = sqlx::query_scalar(
        "SELECT quota FROM invitations WHERE name = 'example-internal-prefilled-invitation'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(single, 1, "single_use is quota 1");
    // Example 5: the engineering flow (credentials, then details) enrolls into engineering-team.
    let (_, slug, pk) = rows
        .iter()
        .find(|(n, ..)| n == "example-engineering-team-invitation")
        .unwrap()
        .clone();
    let token = app.token(&pk).await;
    let mut eve = app.client();
    let r = eve
        .call_form(
            "flow/submit",
            &[
                ("slug", &slug),
                ("itoken", &token),
                ("stage", "1"),
                ("fields[username]", "eve"),
                ("fields[password]", "eve-password-1"),
                ("fields[password_repeat]", "eve-password-1"),
            ],
        )
        .await;
    assert!(common::continues(&r), "{}", r.body);
    let r = eve
        .call_form(
            "flow/submit",
            &[
                ("slug", &slug),
                ("itoken", &token),
                ("stage", "2"),
                ("fields[name]", "Eve"),
                ("fields[email]", "eve@company.com"),
            ],
        )
        .await;
    assert_eq!(r.headers["location"], "/", "{}", r.body);
    let (_, me) = eve.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "eve");
    assert_eq!(me["path"], "users/internal/engineering");
    assert_eq!(me["groups"], json!(["engineering-team"]));
    let attrs: String = sqlx::query_scalar("SELECT attributes FROM users WHERE username = 'eve'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&attrs).unwrap(),
        // The language the account enrolled in is kept where authentik keeps it (issue 16).
        json!({"department": "Engineering", "settings": {"locale": "en"}})
    );
}

async fn the_dashboard_imports_lists_and_exports(app: TestApp) {
    let mut admin = app.admin().await;
    // The example replaces the built-in default-enrollment-flow's stages: the admin confirms first
    // (issue 35 item 6), and nothing is written until then.
    let before = counts(&app).await;
    let (s, r) = admin
        .call(
            "admin/flows/import",
            json!({"yaml": example("flows-enrollment-2-stage.yaml")}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert!(
        r.to_string().contains("confirm_builtin")
            && r.to_string()
                .contains("built-in flow default-enrollment-flow"),
        "{r}"
    );
    assert_eq!(counts(&app).await, before);
    let (s, r) = admin
        .call(
            "admin/flows/import",
            json!({"yaml": example("flows-enrollment-2-stage.yaml"), "confirm_builtin": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["flows"], json!(["default-enrollment-flow"]));
    let (s, r) = admin
        .call(
            "admin/flows/import",
            json!({"yaml": "version: 1\nentries:\n  - model: authentik_core.nope\n"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        r.to_string().contains("entry 1") && r.to_string().contains("unknown model"),
        "{r}"
    );
    let (_, list) = admin.call("admin/flows/overview", json!({})).await;
    let two = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["slug"] == "default-enrollment-flow")
        .unwrap();
    assert_eq!(two["has_invitation_stage"], false);
    let names: Vec<&str> = two["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "default-enrollment-prompt-first",
            "default-enrollment-prompt-second",
            "default-enrollment-user-write",
            "default-enrollment-user-login"
        ]
    );
    let (_, flows) = admin.call("admin/flows/list", json!({})).await;
    let option = flows
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["slug"] == "default-enrollment-flow")
        .unwrap();
    assert_eq!(
        option["has_invitation_stage"], false,
        "flagged where invitations are created"
    );
    let (s, yaml) = admin
        .call(
            "admin/flows/export",
            json!({"slug": "default-enrollment-flow"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(yaml
        .as_str()
        .unwrap()
        .contains("authentik_stages_prompt.promptstage"));
    // Non-admins cannot import.
    let mut user = app.user("plain").await;
    let (s, _) = user
        .call(
            "admin/flows/import",
            json!({"yaml": example("flows-invitation-enrollment.yaml")}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        flows::load_flow(&app.db, "invitation-enrollment-flow-internal-engineering")
            .await
            .unwrap()
            .is_none()
    );
}

/// `usher blueprint apply FILE --context key=value` (the CLI), on a SQLite file.
#[tokio::test]
async fn the_cli_applies_a_blueprint_with_context() {
    let app = TestApp::sqlite().await;
    app.admin_pk().await;
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/blueprints/flows-invitation-enrollment-minimal.yaml");
    let run = |args: Vec<String>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_usher"))
            .args(args)
            .env("DATABASE_URL", &app.db.url)
            .output()
            .unwrap()
    };
    let out = run(vec![
        "blueprint".into(),
        "apply".into(),
        file.display().to_string(),
        "--context".into(),
        "flow_slug=vendors".into(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("flows: vendors"));
    assert!(flows::load_flow(&app.db, "vendors")
        .await
        .unwrap()
        .is_some());
    let broken =
        std::env::temp_dir().join(format!("usher-test-broken-{}.yaml", uuid::Uuid::new_v4()));
    std::fs::write(&broken, "version: 1\nentries:\n  - model: authentik_flows.flow\n    identifiers: {slug: x}\n    attrs: {name: X, designation: enrollment, colour: red}\n").unwrap();
    let out = run(vec![
        "blueprint".into(),
        "apply".into(),
        broken.display().to_string(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("entry 1 (authentik_flows.flow), attrs.colour: unknown attribute colour"));
    assert!(flows::load_flow(&app.db, "x").await.unwrap().is_none());
}

/// "No invitation, no account" whatever flow is loaded: authentik's 2-stage file binds no invitation
/// stage, and imported over the built-in `default-enrollment-flow` (as the seed suggests) it still refuses
/// visitors without an invitation, validates and uses the one presented, and lets visitors without one
/// enroll only once an admin turns open enrollment on.
async fn a_flow_without_an_invitation_stage_still_needs_an_invitation(app: TestApp) {
    let flow = "default-enrollment-flow";
    let mut admin = app.admin().await;
    let (s, r) = admin
        .call(
            "admin/flows/import",
            json!({"yaml": example("flows-enrollment-2-stage.yaml"), "confirm_builtin": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let page = app.client().get(&format!("/if/flow/{flow}/")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Invalid invite/invite not found"));
    let first = [
        ("username", "sneaky"),
        ("password", "s3cret-pass-word"),
        ("password_repeat", "s3cret-pass-word"),
    ];
    let r = common::submit_stage(&mut app.client(), flow, "", "0", &first).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);

    // With an invitation: the implicit invitation stage validates it and the enrollment uses it.
    let (pk, token) = common::create_invitation(
        &app,
        &mut admin,
        "two-stage-guest",
        flow,
        json!({"single_use": true}),
    )
    .await;
    let mut c = app.client();
    let link = format!("/if/flow/{flow}/?itoken={token}");
    assert_eq!(c.get(&link).await.status, StatusCode::OK);
    let invited = [
        ("username", "invited"),
        ("password", "s3cret-pass-word"),
        ("password_repeat", "s3cret-pass-word"),
    ];
    let r = common::submit_stage(&mut c, flow, &token, "0", &invited).await;
    assert!(common::continues(&r), "{}", r.body);
    let second = [("name", "In Vited"), ("email", "invited@example.com")];
    let r = common::submit_stage(&mut c, flow, &token, "1", &second).await;
    assert!(!common::continues(&r), "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'invited'")
            .await,
        1
    );
    assert_eq!(
        app.count(&format!("SELECT uses FROM invitations WHERE pk = '{pk}'"))
            .await,
        1
    );
    assert_eq!(app.client().get(&link).await.status, StatusCode::GONE);

    // Open enrollment is the admin's explicit choice, shown in Flows & Stages.
    let (s, r) = admin
        .call(
            "admin/flows/open_enrollment",
            json!({"slug": flow, "open": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, list) = admin.call("admin/flows/overview", json!({})).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["slug"] == flow)
        .unwrap()
        .clone();
    assert_eq!(row["open_enrollment"], true);
    let mut walk_in = app.client();
    assert_eq!(
        walk_in.get(&format!("/if/flow/{flow}/")).await.status,
        StatusCode::OK
    );
    let walk = [
        ("username", "walkin"),
        ("password", "s3cret-pass-word"),
        ("password_repeat", "s3cret-pass-word"),
    ];
    let r = common::submit_stage(&mut walk_in, flow, "", "0", &walk).await;
    assert!(common::continues(&r), "{}", r.body);
    let second = [("name", "Walk In"), ("email", "walkin@example.com")];
    let r = common::submit_stage(&mut walk_in, flow, "", "1", &second).await;
    assert!(!common::continues(&r), "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'walkin'")
            .await,
        1
    );
    let (s, _) = admin
        .call(
            "admin/flows/open_enrollment",
            json!({"slug": "no-such-flow", "open": true}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// Flow settings are obeyed whatever the blueprint says (issue 12): `authentication:
/// require_unauthenticated` never enrolls (nor silently switches) a signed-in visitor, `designation`
/// other than `enrollment` and `user_creation_mode: never_create` create no account, and a flow that
/// lets a signed-in visitor enroll someone leaves them signed in as themselves.
async fn flow_settings_are_obeyed_whatever_the_blueprint_says(app: TestApp) {
    let flow = "default-enrollment-flow";
    let original = example("flows-enrollment-2-stage.yaml");
    let mut admin = app.admin().await;
    let import = |admin: &mut Client, yaml: String| {
        let mut admin = admin.clone();
        async move {
            let (s, r) = admin
                .call(
                    "admin/flows/import",
                    json!({"yaml": yaml, "confirm_builtin": true}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{r}");
        }
    };
    import(&mut admin, original.clone()).await;
    let (_, token) = common::create_invitation(
        &app,
        &mut admin,
        "settings",
        flow,
        json!({"single_use": false}),
    )
    .await;
    let link = format!("/if/flow/{flow}/?itoken={token}");
    let first = |name: &'static str| {
        [
            ("username", name),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ]
    };
    let users = || app.count("SELECT COUNT(*) FROM users");

    // require_unauthenticated: Eve, signed in, is offered "accept as" or sign out, and cannot enroll.
    let mut eve = app.user("eve").await;
    let page = eve.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("You are signed in as eve"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Accept as eve"));
    assert!(page.body.contains("id=\"sign-out\""));
    let r = common::submit_stage(&mut eve, flow, &token, "0", &first("sock")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("signed in as eve"), "{}", r.body);
    assert_eq!(users().await, 2, "admin and eve only");
    let (_, me) = eve.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "eve");
    // "Sign out" on the flow page returns to the invitation.
    let mut leaving = app.user("fay").await;
    let r = leaving
        .call_form("auth/logout", &[("next", link.as_str())])
        .await;
    assert_eq!(r.headers["location"], link.as_str());
    let r = leaving
        .call_form("auth/logout", &[("next", "https://evil.example/")])
        .await;
    assert_eq!(r.headers["location"], "/login");
    // The flow page's button is a plain form (the page must load again once signed out): a browser's
    // post, without the server-function Accept header, is redirected to the link too.
    let mut browser = app.user("gus").await;
    let req = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri("/api/auth/logout")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(axum::body::Body::from(format!(
            "next={}",
            common::urlencode(&link)
        )))
        .unwrap();
    let r = browser.send(req).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert_eq!(r.headers["location"], link.as_str());
    let (_, me) = browser.call("auth/current_user", json!({})).await;
    assert!(me.is_null(), "signed out: {me}");

    // authentication: none lets Eve enroll someone, and she stays Eve.
    import(
        &mut admin,
        original.replace(
            "authentication: require_unauthenticated",
            "authentication: none",
        ),
    )
    .await;
    assert!(!eve.get(&link).await.body.contains("id=\"enroll-closed\""));
    let r = common::submit_stage(&mut eve, flow, &token, "0", &first("helper")).await;
    assert!(common::continues(&r), "{}", r.body);
    let second = [("name", "Helped"), ("email", "helped@example.com")];
    let r = common::submit_stage(&mut eve, flow, &token, "1", &second).await;
    assert!(!common::continues(&r), "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'helper'")
            .await,
        1
    );
    let (_, me) = eve.call("auth/current_user", json!({})).await;
    assert_eq!(me["username"], "eve", "never switched to the new account");

    // Only enrollment flows enroll; never_create creates nobody.
    for (from, to) in [
        ("designation: enrollment", "designation: authentication"),
        (
            "user_creation_mode: always_create",
            "user_creation_mode: never_create",
        ),
    ] {
        import(&mut admin, original.replace(from, to)).await;
        let before = users().await;
        let mut anon = app.client();
        let page = anon.get(&link).await;
        assert!(
            page.body.contains("This flow does not create new accounts"),
            "{to}: {}",
            page.body
        );
        let r = common::submit_stage(&mut anon, flow, &token, "0", &first("nobody")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{to}: {}", r.body);
        assert_eq!(users().await, before, "{to}");
    }
}

/// Issue 35 item 6: a blueprint that would change a built-in flow or stage is refused, naming them, until
/// the admin confirms; one that changes none (another slug, or what is already stored) applies at once.
async fn changing_a_builtin_flow_needs_confirmation_at_every_door(app: TestApp) {
    use blueprints::BuiltinChanges::{Confirmed, Refuse};
    let admin = app.admin_pk().await;
    let apply = |text: String, ctx: BTreeMap<String, String>, mode| {
        let app = &app;
        async move {
            blueprints::apply(
                &app.db,
                &app.state.config.secret_key,
                &text,
                &ctx,
                (&Who::system(), admin),
                mode,
            )
            .await
        }
    };
    let text = example("flows-invitation-enrollment.yaml");
    let before = counts(&app).await;
    let e = apply(text.clone(), BTreeMap::new(), Refuse)
        .await
        .unwrap_err();
    let message = usher_app::error::AppError::from(e.clone())
        .field_message(blueprints::CONFIRM_FIELD)
        .unwrap_or_default();
    assert!(
        message.contains("flow invitation-enrollment-flow-external")
            && message.contains("flow invitation-enrollment-flow-internal")
            && message.contains("--force"),
        "{e:?}"
    );
    assert_eq!(counts(&app).await, before, "nothing applied");
    apply(text.clone(), BTreeMap::new(), Confirmed)
        .await
        .unwrap();
    // Applying it again changes nothing: no confirmation needed.
    apply(text, BTreeMap::new(), Refuse).await.unwrap();
    // A flow of its own slug needs none either.
    let mut ctx = BTreeMap::new();
    ctx.insert("flow_slug".to_owned(), "my-own-enrollment".to_owned());
    apply(
        example("flows-invitation-enrollment-minimal.yaml"),
        ctx,
        Refuse,
    )
    .await
    .unwrap();
}
