//! Invitation administration: create, edit, validation (nothing saved on error), toggle, regenerate,
//! delete, search and sort; groups and roles.

mod common;
use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::{json, Value};

db_tests!(
    create_with_yaml_custom_attributes_and_list,
    invalid_input_is_reported_per_field_and_saves_nothing,
    edit_replaces_fields_and_validates,
    regenerate_makes_the_old_token_unknown,
    disable_enable_and_delete_take_effect_at_once,
    search_and_sort,
    search_is_literal_and_follows_renames_and_deletes,
    groups_and_roles_are_granted_by_invitations,
    deleting_the_creator_deletes_their_invitations,
    users_directory_lists_type_path_groups_and_roles,
    the_table_pages_in_sql_and_reads_activity_with_one_invitation,
    pages_read_from_the_end_equal_pages_read_from_the_start,
    the_unfiltered_count_follows_creates_deletes_and_cascades,
    a_deactivated_creator_disables_and_a_deleted_one_keeps_the_ledger,
    the_expanded_row_and_the_downloads_carry_the_link_as_a_qr_code,
);

/// The link a PNG of a QR code holds, read back with a QR detector.
fn read_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let width = info.width as usize;
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, info.height as usize, |x, y| {
            buf[y * width + x]
        });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one code");
    grids[0].decode().unwrap().1
}

/// Issue 15 item 6: an invitation's expanded row shows its link as a QR code (SVG), and superusers
/// download it as SVG or PNG; the PNG reads back to the link.
async fn the_expanded_row_and_the_downloads_carry_the_link_as_a_qr_code(app: TestApp) {
    let mut admin = app.admin().await;
    let (s, pk) = create(&mut admin, form(&app, "poster").await).await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let pk = pk.as_str().unwrap().to_owned();
    let (_, row) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    let link = row["link"].as_str().unwrap().to_owned();
    let svg = row["qr_svg"].as_str().unwrap();
    assert!(svg.contains("<svg") && !svg.contains("itoken"), "{svg}");
    let (_, list) = admin
        .call(
            "admin/invitations/list",
            json!({"search": "", "sort": "CreatedDesc", "page": 0}),
        )
        .await;
    assert!(list[0]["qr_svg"].is_null(), "a list's rows carry none");

    let r = admin.get(&format!("/admin/invitations/{pk}/qr.png")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/png");
    assert_eq!(
        r.headers["content-disposition"],
        "attachment; filename=\"poster-qr.png\""
    );
    assert_eq!(read_qr(&r.bytes), link);
    let small = admin
        .get(&format!("/admin/invitations/{pk}/qr.png?scale=4"))
        .await;
    assert_eq!(read_qr(&small.bytes), link);
    assert!(small.bytes.len() < r.bytes.len());
    let bad = admin
        .get(&format!("/admin/invitations/{pk}/qr.png?scale=99"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let r = admin.get(&format!("/admin/invitations/{pk}/qr.svg")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/svg+xml");
    assert!(r.body.contains("<svg"));
    // A regenerated link is a new code.
    let (s, _) = admin
        .call("admin/invitations/regenerate", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let r = admin.get(&format!("/admin/invitations/{pk}/qr.png")).await;
    assert_ne!(read_qr(&r.bytes), link);
    // Nobody else reads it; an unknown invitation is a 404.
    let r = app
        .client()
        .get(&format!("/admin/invitations/{pk}/qr.png"))
        .await;
    assert!(
        r.bytes.is_empty() || !r.bytes.starts_with(b"\x89PNG"),
        "anonymous"
    );
    assert_ne!(r.status, StatusCode::OK);
    let mut member = app.user("member").await;
    let r = member.get(&format!("/admin/invitations/{pk}/qr.png")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .get("/admin/invitations/00000000-0000-0000-0000-000000000000/qr.png")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

pub async fn form(app: &TestApp, name: &str) -> Value {
    json!({
        "name": name, "description": "for tests",
        "flow": app.flow_pk("invitation-enrollment-flow-external").await,
        "expires": "2099-01-01T12:00", "never_expires": false,
        "fixed_data": "name: Jane Smith\n", "single_use": true, "quota": "",
        "emails": "", "roles": [], "groups": [], "enabled": true
    })
}

async fn create(admin: &mut Client, form: Value) -> (StatusCode, Value) {
    admin
        .call("admin/invitations/create", json!({ "form": form }))
        .await
}

async fn list(admin: &mut Client, search: &str, sort: &str) -> Vec<Value> {
    let (s, rows) = admin
        .call(
            "admin/invitations/list",
            json!({"search": search, "sort": sort}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    rows.as_array().unwrap().clone()
}

async fn create_with_yaml_custom_attributes_and_list(app: TestApp) {
    let mut admin = app.admin().await;
    let (s, pk) = create(&mut admin, form(&app, "jane-smith-2026-02").await).await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let rows = list(&mut admin, "", "CreatedDesc").await;
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["name"], "jane-smith-2026-02");
    assert_eq!(r["status"], "active");
    assert_eq!(r["single_use"], true);
    assert_eq!(r["quota"], 1);
    assert_eq!(r["uses"], 0);
    assert_eq!(r["created_by"], "admin");
    assert_eq!(r["flow_slug"], "invitation-enrollment-flow-external");
    assert!(
        r["expires_display"]
            .as_str()
            .unwrap()
            .ends_with("(2099-01-01 12:00 UTC)"),
        "{}",
        r["expires_display"]
    );
    let fixed: Value = serde_json::from_str(r["fixed_data"].as_str().unwrap()).unwrap();
    assert_eq!(fixed, json!({"name": "Jane Smith"}));
    let token = app.token(pk.as_str().unwrap()).await;
    assert_eq!(
        r["link"],
        format!("http://usher.test/if/flow/invitation-enrollment-flow-external/?itoken={token}")
    );
    assert_ne!(
        token,
        pk.as_str().unwrap(),
        "the token is separate from the pk"
    );
    // The defaults of the create form: now + 7 days, the external flow.
    let (_, d) = admin.call("admin/invitations/defaults", json!({})).await;
    assert_eq!(
        d["flow"],
        app.flow_pk("invitation-enrollment-flow-external").await
    );
    assert!(!d["expires"].as_str().unwrap().is_empty());
    // The three built-in flows are offered.
    let (_, flows) = admin.call("admin/flows/list", json!({})).await;
    let slugs: Vec<&str> = flows
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "default-enrollment-flow",
            "invitation-enrollment-flow-external",
            "invitation-enrollment-flow-internal"
        ]
    );
}

async fn invalid_input_is_reported_per_field_and_saves_nothing(app: TestApp) {
    let mut admin = app.admin().await;
    let cases: &[(&str, Value, &str, &str)] = &[
        ("name", json!("has spaces"), "name", "slug"),
        (
            "fixed_data",
            json!("name: Jane\nemail: [oops\n"),
            "fixed_data",
            "line",
        ),
        (
            "fixed_data",
            json!("{\n\"a\": 1,\n}"),
            "fixed_data",
            "JSON error at line 3",
        ),
        (
            "emails",
            json!("jane@example.com\n*.company.com"),
            "emails",
            "*.company.com",
        ),
        ("quota", json!("0"), "quota", "at least 1"),
        ("expires", json!("not a date"), "expires", "date"),
        ("flow", json!("no-such-flow"), "flow", "flow"),
        ("roles", json!(["no-such-role"]), "roles", "Unknown role"),
    ];
    for (field, value, err_field, needle) in cases {
        let mut f = form(&app, "valid-name").await;
        f[*field] = value.clone();
        if *field == "quota" {
            f["single_use"] = json!(false);
        }
        let (s, body) = create(&mut admin, f).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}: {body}");
        let errors = body["Validation"]
            .as_array()
            .unwrap_or_else(|| panic!("{field}: {body}"));
        let msg = errors
            .iter()
            .find(|e| e[0] == *err_field)
            .unwrap_or_else(|| panic!("{field}: {body}"))[1]
            .as_str()
            .unwrap();
        assert!(msg.contains(needle), "{field}: {msg}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitation_roles").await, 0);
    // Never expiring is allowed; a duplicate name is refused on the name field.
    let mut f = form(&app, "dup").await;
    f["never_expires"] = json!(true);
    assert_eq!(create(&mut admin, f.clone()).await.0, StatusCode::OK);
    let (s, body) = create(&mut admin, f).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["Validation"][0][0], "name");
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 1);
}

async fn edit_replaces_fields_and_validates(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, pk) = create(&mut admin, form(&app, "to-edit").await).await;
    let pk = pk.as_str().unwrap().to_owned();
    let token = app.token(&pk).await;
    let mut f = form(&app, "edited").await;
    f["single_use"] = json!(false);
    f["quota"] = json!("5");
    f["emails"] = json!("*@Company.com\njane@example.com");
    f["fixed_data"] = json!(r#"{"email": "jane@example.com"}"#);
    f["flow"] = json!(app.flow_pk("invitation-enrollment-flow-internal").await);
    let (s, body) = admin
        .call("admin/invitations/update", json!({"pk": pk, "form": f}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, r) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(r["name"], "edited");
    assert_eq!(r["quota"], 5);
    assert_eq!(r["single_use"], false);
    assert_eq!(r["emails"], json!(["*@company.com", "jane@example.com"]));
    assert_eq!(r["flow_slug"], "invitation-enrollment-flow-internal");
    assert_eq!(
        app.token(&pk).await,
        token,
        "editing keeps the link's token"
    );
    // A bad edit changes nothing.
    let mut bad = f.clone();
    bad["name"] = json!("also edited");
    bad["quota"] = json!("-1");
    let (s, _) = admin
        .call("admin/invitations/update", json!({"pk": pk, "form": bad}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, r) = admin.call("admin/invitations/get", json!({"pk": pk})).await;
    assert_eq!(r["name"], "edited");
    assert_eq!(r["quota"], 5);
    let (s, _) = admin
        .call(
            "admin/invitations/update",
            json!({"pk": "missing", "form": f}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn regenerate_makes_the_old_token_unknown(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, pk) = create(&mut admin, form(&app, "regen").await).await;
    let pk = pk.as_str().unwrap().to_owned();
    let old = app.token(&pk).await;
    let link = |t: &str| format!("/if/flow/invitation-enrollment-flow-external/?itoken={t}");
    let mut anon = app.client();
    assert_eq!(anon.get(&link(&old)).await.status, StatusCode::OK);
    let (s, _) = admin
        .call("admin/invitations/regenerate", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let new = app.token(&pk).await;
    assert_ne!(old, new);
    let r = anon.get(&link(&old)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Invalid invite/invite not found"));
    assert_eq!(anon.get(&link(&new)).await.status, StatusCode::OK);
}

async fn disable_enable_and_delete_take_effect_at_once(app: TestApp) {
    let mut admin = app.admin().await;
    let (_, pk) = create(&mut admin, form(&app, "toggle").await).await;
    let pk = pk.as_str().unwrap().to_owned();
    let link = format!(
        "/if/flow/invitation-enrollment-flow-external/?itoken={}",
        app.token(&pk).await
    );
    let mut anon = app.client();
    admin
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": false}),
        )
        .await;
    let r = anon.get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("This invitation has been disabled."));
    assert_eq!(
        list(&mut admin, "", "CreatedDesc").await[0]["status"],
        "disabled"
    );
    admin
        .call(
            "admin/invitations/set_enabled",
            json!({"pk": pk, "enabled": true}),
        )
        .await;
    assert_eq!(anon.get(&link).await.status, StatusCode::OK);
    let (s, _) = admin
        .call("admin/invitations/delete", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(anon.get(&link).await.status, StatusCode::NOT_FOUND);
    let (s, _) = admin
        .call("admin/invitations/delete", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn search_and_sort(app: TestApp) {
    let mut admin = app.admin().await;
    for (name, expires) in [
        ("alpha-one", "2099-01-03T00:00"),
        ("beta-two", "2099-01-01T00:00"),
        ("alpha_three", ""),
    ] {
        let mut f = form(&app, name).await;
        f["expires"] = json!(expires);
        f["never_expires"] = json!(expires.is_empty());
        assert_eq!(create(&mut admin, f).await.0, StatusCode::OK);
    }
    let names = |rows: Vec<Value>| {
        rows.iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(list(&mut admin, "ALPHA", "ExpiresAsc").await),
        ["alpha-one", "alpha_three"]
    );
    assert_eq!(
        names(list(&mut admin, "_", "ExpiresAsc").await),
        ["alpha_three"],
        "LIKE wildcards are literal"
    );
    assert_eq!(
        names(list(&mut admin, "", "ExpiresAsc").await),
        ["beta-two", "alpha-one", "alpha_three"]
    );
    assert_eq!(
        names(list(&mut admin, "", "ExpiresDesc").await),
        ["alpha_three", "alpha-one", "beta-two"]
    );
    assert_eq!(list(&mut admin, "", "CreatedAsc").await.len(), 3);
}

/// Terms of three characters or more are looked up in a text index (SQLite FTS5 trigram, PostgreSQL
/// pg_trgm): they still match literally and case-insensitively, and the index follows renames and
/// deletes, cascades included.
async fn search_is_literal_and_follows_renames_and_deletes(app: TestApp) {
    let mut admin = app.admin().await;
    let mut pks = Vec::new();
    for name in ["left_right", "leftxright", "other"] {
        let (s, pk) = create(&mut admin, form(&app, name).await).await;
        assert_eq!(s, StatusCode::OK, "{pk}");
        pks.push(pk.as_str().unwrap().to_owned());
    }
    let names = |rows: Vec<Value>| {
        rows.iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(list(&mut admin, "T_R", "CreatedAsc").await),
        ["left_right"],
        "_ is literal, case ignored"
    );
    assert_eq!(
        names(list(&mut admin, "LEFT", "CreatedAsc").await),
        ["left_right", "leftxright"]
    );
    assert!(list(&mut admin, "le\"ft", "CreatedAsc").await.is_empty());
    assert!(list(&mut admin, "ft%ri", "CreatedAsc").await.is_empty());
    let mut f = form(&app, "renamed-one").await;
    f["flow"] = json!(app.flow_pk("invitation-enrollment-flow-external").await);
    let (s, body) = admin
        .call("admin/invitations/update", json!({"pk": pks[0], "form": f}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        names(list(&mut admin, "t_r", "CreatedAsc").await),
        Vec::<String>::new()
    );
    assert_eq!(
        names(list(&mut admin, "named-o", "CreatedAsc").await),
        ["renamed-one"]
    );
    let (s, _) = admin
        .call("admin/invitations/delete", json!({"pk": pks[1]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(list(&mut admin, "leftx", "CreatedAsc").await.is_empty());
    let (s, _) = admin
        .call(
            "admin/invitations/create",
            json!({"form": form(&app, "leftxright").await}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a deleted name can be used again and is found"
    );
    assert_eq!(
        names(list(&mut admin, "leftx", "CreatedAsc").await),
        ["leftxright"]
    );
}

async fn groups_and_roles_are_granted_by_invitations(app: TestApp) {
    let mut admin = app.admin().await;
    let (s, g) = admin
        .call("admin/groups/create", json!({"name": "engineering-team"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let (s, body) = admin
        .call("admin/groups/create", json!({"name": " engineering-team "}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "duplicate: {body}");
    let (s, _) = admin
        .call("admin/groups/create", json!({"name": "  "}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, r) = admin
        .call("admin/roles/create", json!({"name": "viewer"}))
        .await;
    let mut f = form(&app, "granting").await;
    f["groups"] = json!([g["pk"]]);
    f["roles"] = json!([r["pk"]]);
    let (s, _) = create(&mut admin, f).await;
    assert_eq!(s, StatusCode::OK);
    let row = &list(&mut admin, "", "CreatedDesc").await[0];
    assert_eq!(row["group_names"], json!(["engineering-team"]));
    assert_eq!(row["role_names"], json!(["viewer"]));
    let (_, groups) = admin.call("admin/groups/list", json!({})).await;
    assert_eq!(groups.as_array().unwrap().len(), 1);
    let (s, _) = admin
        .call("admin/roles/delete", json!({"pk": r["pk"]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let row = &list(&mut admin, "", "CreatedDesc").await[0];
    assert_eq!(
        row["role_names"],
        json!([]),
        "deleting a role removes its grant"
    );
}

async fn deleting_the_creator_deletes_their_invitations(app: TestApp) {
    let mut admin = app.admin().await;
    create(&mut admin, form(&app, "owned").await).await;
    sqlx::query("UPDATE users SET is_active = 0 WHERE username = 'admin'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations").await,
        1,
        "deactivating keeps them"
    );
    sqlx::query("DELETE FROM users WHERE username = 'admin'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations").await,
        0,
        "deleting the creator deletes them"
    );
    if app.db.backend == usher_app::store::Backend::Sqlite {
        assert_eq!(
            app.count("SELECT COUNT(*) FROM invitation_search_keys")
                .await
                + app.count("SELECT COUNT(*) FROM invitation_search").await,
            0,
            "the search index follows the cascade"
        );
    }
}

async fn users_directory_lists_type_path_groups_and_roles(app: TestApp) {
    let mut admin = app.admin().await;
    app.user("plain").await;
    let (s, users) = admin.call("admin/users/list", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "plain"]);
    assert_eq!(users[0]["is_superuser"], true);
    assert_eq!(users[1]["path"], "users");
    assert!(users[1]["last_login"].as_str().unwrap().contains("UTC"));
}

/// A page of the dashboard's table, oldest first.
async fn table_page(admin: &mut Client, page: Option<u64>, search: &str) -> Vec<Value> {
    let body = json!({"search": search, "sort": "CreatedAsc", "page": page});
    let (s, rows) = admin.call("admin/invitations/list", body).await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    rows.as_array().unwrap().clone()
}

/// The dashboard's table reads one page at a time (50 rows), counts in SQL, and carries counts of
/// enrolled accounts and messages instead of the ledger and messages, which `get` (the expanded row)
/// reads.
async fn the_table_pages_in_sql_and_reads_activity_with_one_invitation(app: TestApp) {
    // A flow with an email stage: every invitee proves their address with a code (issue 34 took it
    // out of the built-in flows).
    app.with_email_stages().await;
    let mut admin = app.admin().await;
    const EXT: &str = "invitation-enrollment-flow-external";
    let mut pks = Vec::new();
    for i in 0..53 {
        let (pk, _) =
            common::create_invitation(&app, &mut admin, &format!("bulk-{i:02}"), EXT, json!({}))
                .await;
        pks.push(pk);
    }
    let names = |rows: &[Value]| {
        rows.iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let first = table_page(&mut admin, None, "").await;
    let expected: Vec<String> = (0..50).map(|i| format!("bulk-{i:02}")).collect();
    assert_eq!(
        names(&first),
        expected,
        "page 0 by default, 50 rows, oldest first"
    );
    assert_eq!(
        names(&table_page(&mut admin, Some(1), "").await),
        ["bulk-50", "bulk-51", "bulk-52"]
    );
    assert!(table_page(&mut admin, Some(2), "").await.is_empty());
    assert_eq!(
        names(&table_page(&mut admin, None, "BULK-5").await),
        ["bulk-50", "bulk-51", "bulk-52"]
    );
    for (search, n) in [("", 53), ("bulk-5", 3), ("nothing", 0)] {
        let (s, count) = admin
            .call("admin/invitations/count", json!({"search": search}))
            .await;
        assert_eq!(
            (s, count),
            (StatusCode::OK, json!(n)),
            "count of {search:?}"
        );
    }
    // List rows carry counts; the ledger and messages come with one invitation.
    assert!(
        first[0]["ledger"].is_null() && first[0]["messages"].is_null(),
        "{}",
        first[0]
    );
    assert_eq!(
        (
            first[0]["enrolled_count"].clone(),
            first[0]["message_count"].clone()
        ),
        (json!(0), json!(0))
    );
    let token = app.token(&pks[0]).await;
    let r = common::enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "jane",
        "jane@example.com",
    )
    .await;
    r.assert_accepted();
    let first = table_page(&mut admin, None, "bulk-00").await;
    assert_eq!(first[0]["enrolled_count"], 1);
    // The external flow's email stage sent jane a code: a message of this invitation.
    assert_eq!(first[0]["message_count"], 1);
    assert!(first[0]["ledger"].is_null());
    let (_, row) = admin
        .call("admin/invitations/get", json!({"pk": pks[0]}))
        .await;
    assert_eq!(row["ledger"][0]["username"], "jane");
    assert_eq!(row["ledger"][0]["action"], "enrolled");
    assert_eq!(row["messages"].as_array().unwrap().len(), 1);
    assert_eq!(
        row["messages"][0]["subject"],
        "Your Usher verification code"
    );
}

/// A page in the second half of a counted list is read from the end in reverse (store `page_pks`);
/// every page, in every order, equals the same window of the whole list.
async fn pages_read_from_the_end_equal_pages_read_from_the_start(app: TestApp) {
    use usher_app::service::invitations::{list_page, ListQuery, OrderField};
    let mut admin = app.admin().await;
    for (i, expires) in [
        "2099-01-03T00:00",
        "",
        "2099-01-01T00:00",
        "",
        "2099-01-03T00:00",
        "2099-01-02T00:00",
        "",
    ]
    .iter()
    .enumerate()
    {
        let mut f = form(&app, &format!("page-{i}")).await;
        f["expires"] = json!(expires);
        f["never_expires"] = json!(expires.is_empty());
        f["single_use"] = json!(i % 2 == 0);
        assert_eq!(create(&mut admin, f).await.0, StatusCode::OK);
    }
    let names = |rows: Vec<usher_app::service::invitations::ListedInvitation>| {
        rows.into_iter()
            .map(|r| r.invitation.name.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    for field in [
        OrderField::Expires,
        OrderField::Name,
        OrderField::Created,
        OrderField::SingleUse,
        OrderField::CreatedBy,
        OrderField::Flow,
        OrderField::Pk,
    ] {
        for desc in [false, true] {
            let order = vec![(field, desc)];
            let all = names(
                list_page(
                    &app.db,
                    &ListQuery {
                        order: order.clone(),
                        limit: 100,
                        ..ListQuery::default()
                    },
                )
                .await
                .unwrap(),
            );
            assert_eq!(all.len(), 7);
            for offset in 0..7u64 {
                for limit in [1u64, 2, 3] {
                    let q = ListQuery {
                        order: order.clone(),
                        offset,
                        limit,
                        known_total: Some(7),
                        ..ListQuery::default()
                    };
                    let page = names(list_page(&app.db, &q).await.unwrap());
                    let end = (offset + limit).min(7) as usize;
                    assert_eq!(
                        page,
                        all[offset as usize..end],
                        "{field:?} desc={desc} offset={offset} limit={limit}"
                    );
                }
            }
        }
    }
}

/// The unfiltered count is read from migration 0011's counter, not counted: it must follow every
/// insert and delete, including a creator's cascade and a rolled-back create.
async fn the_unfiltered_count_follows_creates_deletes_and_cascades(app: TestApp) {
    async fn counted(app: &TestApp) -> (i64, i64) {
        (
            app.count("SELECT n FROM invitation_count").await,
            app.count("SELECT COUNT(*) FROM invitations").await,
        )
    }
    async fn dashboard(admin: &mut Client) -> i64 {
        let (s, n) = admin
            .call("admin/invitations/count", json!({"search": ""}))
            .await;
        assert_eq!(s, StatusCode::OK, "{n}");
        n.as_i64().unwrap()
    }
    let mut admin = app.admin().await;
    let mut pks = Vec::new();
    for name in ["c-one", "c-two", "c-three"] {
        let (s, pk) = create(&mut admin, form(&app, name).await).await;
        assert_eq!(s, StatusCode::OK, "{pk}");
        pks.push(pk.as_str().unwrap().to_owned());
    }
    assert_eq!(counted(&app).await, (3, 3));
    assert_eq!(dashboard(&mut admin).await, 3);
    let (s, _) = create(&mut admin, form(&app, "c-one").await).await;
    assert_ne!(s, StatusCode::OK, "a duplicate name is refused");
    assert_eq!(
        counted(&app).await,
        (3, 3),
        "the refused create counts nothing"
    );
    admin
        .call("admin/invitations/delete", json!({"pk": pks[0]}))
        .await;
    assert_eq!(counted(&app).await, (2, 2));
    assert_eq!(dashboard(&mut admin).await, 2);
    sqlx::query("DELETE FROM users WHERE username = 'admin'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        counted(&app).await,
        (0, 0),
        "the creator's cascade is counted"
    );
}

/// A creator's deactivation disables their invitations (issue 12 item 5): the landing says "disabled" and
/// the dashboard says why; reactivation restores them. Deleting the creator deletes the invitations but
/// not the ledger: the account created through one stays listed and can still be deprovisioned.
async fn a_deactivated_creator_disables_and_a_deleted_one_keeps_the_ledger(app: TestApp) {
    const EXT: &str = "invitation-enrollment-flow-external";
    let mut admin = app.admin().await;
    let mut boss = app.user("boss").await;
    sqlx::query("UPDATE users SET is_superuser = 1 WHERE username = 'boss'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let boss_pk = app
        .count("SELECT pk FROM users WHERE username = 'boss'")
        .await;
    let mut f = form(&app, "boss-link").await;
    f["single_use"] = json!(false);
    let (s, pk) = create(&mut boss, f).await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let pk = pk.as_str().unwrap().to_owned();
    let token = app.token(&pk).await;
    let link = format!("/if/flow/{EXT}/?itoken={token}");
    let r = common::enroll(
        &mut app.client(),
        &app.db,
        EXT,
        &token,
        "ivy",
        "ivy@example.com",
    )
    .await;
    assert_eq!(r.headers["location"], "/", "{}", r.body);

    let (s, r) = admin
        .call(
            "admin/users/set_active",
            json!({"pk": boss_pk, "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let page = app.client().get(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("This invitation has been disabled."));
    let r = common::submit_stage(
        &mut app.client(),
        EXT,
        &token,
        "1",
        &[
            ("username", "late"),
            ("email", "late@example.com"),
            ("name", "Late"),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::GONE, "{}", r.body);
    let row = list(&mut admin, "boss-link", "CreatedDesc").await[0].clone();
    assert_eq!(row["status"], "disabled");
    assert_eq!(row["creator_active"], false);
    assert_eq!(
        row["enabled"], true,
        "the invitation's own switch is untouched"
    );
    admin
        .call(
            "admin/users/set_active",
            json!({"pk": boss_pk, "active": true}),
        )
        .await;
    assert_eq!(app.client().get(&link).await.status, StatusCode::OK);

    let (s, r) = admin
        .call("admin/users/delete", json!({"pk": boss_pk}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE pk = '{pk}'"
        ))
        .await,
        0,
        "the creator's invitations go with them"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitation_uses WHERE invitation_pk = '{pk}'"
        ))
        .await,
        1,
        "the ledger stays"
    );
    let (_, users) = admin.call("admin/users/list", json!({})).await;
    let ivy = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "ivy")
        .unwrap()
        .clone();
    assert_eq!(ivy["created_by_invitation"], "boss-link (deleted)");
    let (s, n) = admin
        .call("admin/invitations/deprovision", json!({"pk": pk}))
        .await;
    assert_eq!(s, StatusCode::OK, "{n}");
    assert_eq!(n, 1);
    assert_eq!(
        app.count("SELECT is_active FROM users WHERE username = 'ivy'")
            .await,
        0
    );
}
