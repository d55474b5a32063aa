//! Lists in SQL (issue 36 item 6): the REST flow list and Directory → Users read only the requested page
//! (`LIMIT`/`OFFSET`, the count from `COUNT(*)`), and Flows & Stages → Flows reads every flow with its
//! stages in a fixed number of statements, on SQLite and PostgreSQL.
//!
//! Proven two ways: the pages hold the right items in order (page 2 of a large set, the last page, past
//! the end, filters and search), and the statements each list runs are counted, with the rows they
//! return, from sqlx's own statement events (target `sqlx::query`, one per statement executed, carrying
//! `rows_returned`). Loading everything and slicing in Rust returns every row; one query per flow runs
//! more statements as flows are added.
//!
//! The counter is the process's, so the tests of this file take turns ([`TURN`]) and run each backend in
//! turn: nothing else in this binary runs statements while one counts.

mod common;
use axum::http::{Method, Request, StatusCode};
use common::{Client, TestApp};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;
use usher_app::domain::flow::{builtin_flows, Authentication, Designation, FlowDef};
use usher_app::domain::token::TokenDraft;
use usher_app::service::{blueprints, directory, flows, tokens, users};

/// One test of this file at a time (see the module's documentation).
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Statements executed, and the rows they returned, since the process started.
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static ROWS: AtomicU64 = AtomicU64::new(0);

/// Counts sqlx's statement events.
struct StatementCounter;

struct RowsReturned(u64);

impl tracing::field::Visit for RowsReturned {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "rows_returned" {
            self.0 = value;
        }
    }
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        if field.name() == "rows_returned" {
            self.0 = value.max(0) as u64;
        }
    }
    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            let mut rows = RowsReturned(0);
            event.record(&mut rows);
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
            ROWS.fetch_add(rows.0, Ordering::SeqCst);
        }
    }
}

/// Installs the counter as the process's subscriber (once; the harness's own then stays out).
fn count_statements() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let filter = tracing_subscriber::filter::Targets::new()
            .with_target("sqlx::query", tracing::Level::TRACE)
            .with_default(tracing::Level::WARN);
        let subscriber = tracing_subscriber::registry()
            .with(StatementCounter.with_filter(filter.clone()))
            .with(
                tracing_subscriber::fmt::layer()
                    .with_test_writer()
                    .with_filter(
                        tracing_subscriber::filter::Targets::new()
                            .with_default(tracing::Level::WARN),
                    ),
            );
        tracing::subscriber::set_global_default(subscriber).expect("the first subscriber");
    });
}

/// Waits until no statement event has come for a while: SQLite's worker thread may report a statement
/// just after its rows reached the caller.
async fn settled() -> (u64, u64) {
    let mut last = (u64::MAX, u64::MAX);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let now = (
            STATEMENTS.load(Ordering::SeqCst),
            ROWS.load(Ordering::SeqCst),
        );
        if now == last {
            return now;
        }
        last = now;
    }
}

/// `f`'s output, and the statements it ran and the rows they returned.
async fn measured<T>(f: impl std::future::Future<Output = T>) -> (T, u64, u64) {
    let (s0, r0) = settled().await;
    let out = f.await;
    let (s1, r1) = settled().await;
    (out, s1 - s0, r1 - r0)
}

/// Both backends, in turn, while no other test of this file runs.
async fn on_both_backends<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    count_statements();
    let _turn = TURN.lock().await;
    test(TestApp::sqlite().await).await;
    test(TestApp::postgres().await).await;
}

/// Users `user-000` … `user-{n-1}` without passwords, even ones at `users/external`, odd ones at
/// `users/internal` (in one transaction).
async fn add_users(app: &TestApp, n: usize) {
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..n {
        let username = format!("user-{i:03}");
        let u = users::NewUser {
            name: username.clone(),
            email: format!("{username}@example.org"),
            username,
            email_verified: true,
            password_hash: String::new(),
            is_active: true,
            is_superuser: false,
            user_type: usher_app::domain::flow::UserType::External,
            path: if i % 2 == 0 {
                "users/external"
            } else {
                "users/internal"
            }
            .into(),
            attributes: "{}".into(),
            last_login: None,
        };
        users::insert_user(&mut tx, &u).await.unwrap();
    }
    tx.commit().await.unwrap();
}

fn usernames(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap_or_else(|| panic!("a list: {rows}"))
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

fn user_names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("user-{i:03}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_users_page_reads_one_page_in_sql() {
    on_both_backends(|app| async move {
        let mut admin = app.admin().await;
        add_users(&app, 120).await;
        let eng = directory::create(&app.db, directory::Kind::Group, "eng")
            .await
            .unwrap();
        for u in ["user-050", "user-051", "user-000"] {
            directory::add_member(&app.db, &eng.pk, u).await.unwrap();
        }
        // By username: `admin`, then user-000 … user-119; 50 a page.
        let (s, first) = admin.call("admin/users/list", json!({})).await;
        assert_eq!(s, StatusCode::OK, "{first}");
        let mut expected = vec!["admin".to_owned()];
        expected.extend(user_names(0..49));
        assert_eq!(usernames(&first), expected, "no page given: the first");
        let (_, second) = admin.call("admin/users/list", json!({"page": 1})).await;
        assert_eq!(usernames(&second), user_names(49..99));
        let groups: HashMap<String, Value> = second
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["username"].as_str().unwrap().to_owned(),
                    u["groups"].clone(),
                )
            })
            .collect();
        assert_eq!(groups["user-050"], json!(["eng"]));
        assert_eq!(groups["user-051"], json!(["eng"]));
        assert_eq!(groups["user-052"], json!([]));
        let (_, last) = admin.call("admin/users/list", json!({"page": 2})).await;
        assert_eq!(usernames(&last), user_names(99..120));
        let (_, past) = admin.call("admin/users/list", json!({"page": 3})).await;
        assert_eq!(past, json!([]), "past the end: empty");
        // A path holds the users at it and below it, not those whose path only starts like it.
        let (_, internal) = admin
            .call(
                "admin/users/list",
                json!({"path": "users/internal", "page": 1}),
            )
            .await;
        let odd: Vec<String> = (0..120)
            .filter(|i| i % 2 == 1)
            .map(|i| format!("user-{i:03}"))
            .collect();
        assert_eq!(usernames(&internal), odd[50..]);
        let (_, under_users) = admin
            .call("admin/users/list", json!({"path": "users", "page": 2}))
            .await;
        assert_eq!(usernames(&under_users), user_names(99..120));
        let (_, prefix) = admin
            .call("admin/users/list", json!({"path": "users/int"}))
            .await;
        assert_eq!(prefix, json!([]), "users/int is not above users/internal");
        // The tree's counts, one per path.
        let (s, paths) = admin.call("admin/users/paths", json!({})).await;
        assert_eq!(s, StatusCode::OK, "{paths}");
        assert_eq!(
            paths,
            json!([
                {"path": "users", "users": 1},
                {"path": "users/external", "users": 60},
                {"path": "users/internal", "users": 60},
            ])
        );
        assert_eq!(users::count_users(&app.db, "").await.unwrap(), 121);
        assert_eq!(users::count_users(&app.db, "users").await.unwrap(), 121);
        assert_eq!(
            users::count_users(&app.db, "users/internal").await.unwrap(),
            60
        );
        assert_eq!(users::count_users(&app.db, "users/int").await.unwrap(), 0);
        // Page 2 (0-based 1) reads its 50 users and the page's two memberships: four statements (the
        // page, groups, roles, enrollments), 52 rows, not the 121 users and 3 memberships.
        let (rows, statements, returned) = measured(users::list_users(&app.db, "", 1)).await;
        assert_eq!(rows.unwrap().len(), 50);
        assert_eq!(statements, 4, "the page, its groups, roles and enrollments");
        assert_eq!(
            returned, 52,
            "only the page's users and memberships are read"
        );
        let (paths, statements, returned) = measured(users::user_paths(&app.db)).await;
        assert_eq!(paths.unwrap().len(), 3);
        assert_eq!((statements, returned), (1, 3), "one row per path");
    })
    .await;
}

/// A bearer token of a new superuser `admin`.
async fn admin_token(app: &TestApp) -> String {
    app.admin_pk().await;
    let form = TokenDraft {
        username: "admin".into(),
        identifier: "lists".into(),
        description: String::new(),
        expires: None,
    };
    tokens::create(&app.db, &usher_app::domain::audit::Who::system(), &form)
        .await
        .unwrap()
        .secret
}

async fn rest(c: &mut Client, token: &str, path: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let r = c.send(req).await;
    (r.status, r.json())
}

fn slugs(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|f| f["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// Flows `listed-00` … `listed-{n-1}` named `Listed NN`, titled `Title NN`, each third one designated
/// `authentication`, each binding the stages of the first built-in flow.
async fn add_flows(app: &TestApp, n: usize) {
    let stages = builtin_flows().remove(0).stages;
    for i in 0..n {
        let def = FlowDef {
            slug: format!("listed-{i:02}"),
            name: format!("Listed {i:02}"),
            title: format!("Title {i:02}"),
            designation: if i % 3 == 0 {
                Designation::Authentication
            } else {
                Designation::Enrollment
            },
            authentication: Authentication::None,
            open_enrollment: false,
            stages: stages.clone(),
        };
        assert!(flows::install_flow(&app.db, &def).await.unwrap());
    }
}

fn listed(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("listed-{i:02}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_flow_list_reads_one_page_in_sql() {
    on_both_backends(|app| async move {
        let t = admin_token(&app).await;
        add_flows(&app, 45).await;
        let builtin_stage_pks = {
            let (_, f) = rest(
                &mut app.client(),
                &t,
                "/api/v3/flows/instances/default-enrollment-flow/",
            )
            .await;
            f["stages"].clone()
        };
        assert!(!builtin_stage_pks.as_array().unwrap().is_empty());
        let mut c = app.client();
        // By slug: the three built-in flows (`default-…`, `invitation-…`), then listed-00 … listed-44.
        let mut all: Vec<String> = [
            "default-enrollment-flow",
            "invitation-enrollment-flow-external",
            "invitation-enrollment-flow-internal",
        ]
        .map(str::to_owned)
        .to_vec();
        all.extend(listed(0..45));
        let (s, page2) = rest(&mut c, &t, "/api/v3/flows/instances/?page=2&page_size=20").await;
        assert_eq!(s, StatusCode::OK, "{page2}");
        assert_eq!(slugs(&page2), all[20..40]);
        assert_eq!(page2["pagination"]["count"], 48);
        assert_eq!(page2["pagination"]["current"], 2);
        assert_eq!(page2["pagination"]["total_pages"], 3);
        assert_eq!(page2["pagination"]["start_index"], 21);
        assert_eq!(page2["pagination"]["end_index"], 40);
        for f in page2["results"].as_array().unwrap() {
            assert_eq!(f["stages"], builtin_stage_pks, "{}", f["slug"]);
        }
        let (_, page3) = rest(&mut c, &t, "/api/v3/flows/instances/?page=3&page_size=20").await;
        assert_eq!(slugs(&page3), all[40..48]);
        let (_, last) = rest(
            &mut c,
            &t,
            "/api/v3/flows/instances/?page=last&page_size=20",
        )
        .await;
        assert_eq!(slugs(&last), all[40..48]);
        let (s, past) = rest(&mut c, &t, "/api/v3/flows/instances/?page=4&page_size=20").await;
        assert_eq!(
            (s, past),
            (StatusCode::NOT_FOUND, json!({"detail": "Invalid page."}))
        );
        // Filters and search, counted in SQL.
        let (_, auth) = rest(
            &mut c,
            &t,
            "/api/v3/flows/instances/?designation=authentication&page_size=5&page=2",
        )
        .await;
        assert_eq!(auth["pagination"]["count"], 15);
        assert_eq!(
            slugs(&auth),
            [
                "listed-15",
                "listed-18",
                "listed-21",
                "listed-24",
                "listed-27"
            ]
        );
        let (_, search) = rest(&mut c, &t, "/api/v3/flows/instances/?search=LISTED%201").await;
        assert_eq!(
            search["pagination"]["count"], 14,
            "every term, in any field, any case"
        );
        let mut expected = listed(10..20);
        expected.insert(0, "listed-01".into());
        expected.extend(["listed-21", "listed-31", "listed-41"].map(str::to_owned));
        assert_eq!(slugs(&search), expected);
        let (_, title) = rest(&mut c, &t, "/api/v3/flows/instances/?search=title%2007").await;
        assert_eq!(slugs(&title), ["listed-07"], "found in the title");
        let (_, percent) = rest(&mut c, &t, "/api/v3/flows/instances/?search=%25").await;
        assert_eq!(
            percent["pagination"]["count"], 0,
            "% is a character, not a wildcard"
        );
        let (_, both) = rest(
            &mut c,
            &t,
            "/api/v3/flows/instances/?search=listed&name=Listed%2003",
        )
        .await;
        assert_eq!(slugs(&both), ["listed-03"]);
        // Page 2 of 20 reads the count, its 20 flows and their bindings: three statements, and the
        // rows of that page only, not the 48 flows and all their bindings.
        let per_flow = builtin_stage_pks.as_array().unwrap().len() as u64;
        let q: HashMap<String, String> = [("page", "2"), ("page_size", "20")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        let (page, statements, returned) =
            measured(usher_server::rest::service::list_flows(&app.db, &q)).await;
        assert_eq!(page.ok().unwrap().results.len(), 20);
        assert_eq!(statements, 3, "count, page, its bindings");
        assert_eq!(returned, 1 + 20 + 20 * per_flow);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flows_page_reads_every_flow_in_two_statements() {
    on_both_backends(|app| async move {
        let mut admin = app.admin().await;
        // With the 3 built-in flows and with 48, the same two statements (one per flow before).
        let (few, statements, _) = measured(blueprints::list_flows(&app.db)).await;
        assert_eq!(few.unwrap().len(), 3);
        assert_eq!(
            statements, 2,
            "the flows, then every binding with its stage"
        );
        add_flows(&app, 45).await;
        let (many, statements, _) = measured(blueprints::list_flows(&app.db)).await;
        let many = many.unwrap();
        assert_eq!(statements, 2, "still two with 48 flows");
        // The same flows and stages, in the same order, as loading each flow by its slug.
        assert_eq!(many.len(), 48);
        for row in &many {
            let one = flows::load_flow(&app.db, &row.def.slug)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.pk, one.pk);
            let names: Vec<&str> = row.def.stages.iter().map(|s| s.name.as_str()).collect();
            let expected: Vec<&str> = one.def.stages.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names, expected, "{}", row.def.slug);
            assert!(!names.is_empty(), "{}", row.def.slug);
        }
        let mut sorted: Vec<&str> = many.iter().map(|f| f.def.slug.as_str()).collect();
        sorted.sort_unstable();
        let slugs: Vec<&str> = many.iter().map(|f| f.def.slug.as_str()).collect();
        assert_eq!(slugs, sorted, "by slug");
        // The page's server function answers the same rows.
        let (s, overview) = admin.call("admin/flows/overview", json!({})).await;
        assert_eq!(s, StatusCode::OK, "{overview}");
        assert_eq!(
            overview,
            serde_json::to_value(usher_app::api::admin::flows::flow_entries(many)).unwrap()
        );
    })
    .await;
}
