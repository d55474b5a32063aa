//! The admin invitation list at scale: seeds `USHER_BENCH_INVITATIONS` invitations (default 100,000) through
//! the invitation service, then times the REST list (`GET /api/v3/stages/invitation/invitations/`, the real
//! router with a bearer token, `page_size=20`) for page 1, a name search and the last page, and prints
//! p50/p95 per case in milliseconds, server side (no network: `tower::ServiceExt::oneshot`). Both backends:
//! a fresh SQLite file, and a fresh database on `USHER_BENCH_POSTGRES_URL` (default
//! `postgres://127.0.0.1:5432/test`; set it to `off` to skip PostgreSQL). A benchmark, not a test:
//! `cargo bench -p server --bench list`. Target (issue 11): p95 < 20 ms. The seeded tables are analysed (and
//! vacuumed on PostgreSQL) before timing, as autovacuum would have done on a live database.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::time::{Duration, Instant};
use tower::ServiceExt;
use usher_app::domain::invitation::{InvitationDraft, InvitationName, Quota};
use usher_app::domain::token::TokenDraft;
use usher_app::service::invitations::{create_in, Delivery};
use usher_app::service::{time, tokens, users, Config};

const PAGE_SIZE: usize = 20;
const SAMPLES: usize = 150;

fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("usher")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build()
}

fn draft(i: usize, now: i64) -> InvitationDraft {
    let mut fixed_data = serde_json::Map::new();
    if i.is_multiple_of(2) {
        fixed_data.insert("email".into(), format!("invitee{i}@example.com").into());
    }
    InvitationDraft {
        name: InvitationName::parse(&format!("invitee-{i:06}")).expect("a slug"),
        description: format!("Bench invitation {i}"),
        flow: None,
        expires: (!i.is_multiple_of(3)).then_some(now + 86_400 + i as i64),
        not_before: None,
        fixed_data,
        quota: if i.is_multiple_of(4) {
            Quota::SINGLE_USE
        } else {
            Quota::Unlimited
        },
        emails: Vec::new(),
        roles: Vec::new(),
        groups: Vec::new(),
        notify_creator: None,
        reminder_days: None,
        locale: None,
        requires_approval: None,
        enabled: !i.is_multiple_of(10),
    }
}

async fn seed(state: &usher_app::service::AppState, n: usize) -> Duration {
    let started = Instant::now();
    let admin = users::create_admin(
        &state.db,
        "admin",
        "admin@usher.test",
        "correct-horse-battery",
        &state.config.password_rules(),
    )
    .await
    .expect("admin");
    let now = time::now();
    let mut done = 0;
    while done < n {
        let mut tx = state.db.begin().await.expect("begin");
        for i in done..(done + 2_000).min(n) {
            create_in(
                &mut tx,
                &state.config.secret_key,
                &usher_app::domain::audit::Who::system(),
                admin,
                &draft(i, now),
                now,
                Delivery::None,
            )
            .await
            .expect("create");
        }
        tx.commit().await.expect("commit");
        done = (done + 2_000).min(n);
    }
    // Steady state: what autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) reach on a table that
    // was not filled a second ago: planner statistics, and a visibility map for index-only scans.
    let settle = match state.db.backend {
        usher_app::store::Backend::Postgres => "VACUUM ANALYZE",
        usher_app::store::Backend::Sqlite => "ANALYZE",
    };
    sqlx::query(settle)
        .execute(&state.db.pool)
        .await
        .expect("settle");
    started.elapsed()
}

async fn new_token(state: &usher_app::service::AppState, identifier: &str) -> String {
    tokens::create(
        &state.db,
        &usher_app::domain::audit::Who::system(),
        &TokenDraft {
            username: "admin".into(),
            identifier: identifier.into(),
            description: "list benchmark".into(),
            expires: None,
        },
    )
    .await
    .expect("token")
    .secret
}

/// `(p50, p95)` in milliseconds of `SAMPLES` requests to `uri` (after 5 warm-up requests).
async fn time_get(router: &Router, secret: &str, uri: &str, expect_results: bool) -> (f64, f64) {
    let mut samples = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES + 5 {
        let req = Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::empty())
            .unwrap();
        let started = Instant::now();
        let resp = router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        if i == 0 {
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let results = json["results"].as_array().map_or(0, Vec::len);
            assert!(!expect_results || results > 0, "{uri}: no results");
        }
        if i >= 5 {
            samples.push(elapsed.as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    (at(0.50), at(0.95))
}

async fn run(backend: &str, url: &str, n: usize) -> Vec<String> {
    let usher = usher_server::build(Config::new("http://usher.bench"), url, leptos_options())
        .await
        .expect("app starts");
    let seeding = seed(&usher.state, n).await;
    eprintln!(
        "{backend}: seeded {n} invitations in {:.1} s",
        seeding.as_secs_f64()
    );
    let base = "/api/v3/stages/invitation/invitations/";
    let last = n.div_ceil(PAGE_SIZE);
    let probe = format!("invitee-{:06}", n * 2 / 3);
    let cases = [
        ("page 1", format!("{base}?page=1&page_size={PAGE_SIZE}")),
        (
            "name search",
            format!("{base}?search={probe}&page_size={PAGE_SIZE}"),
        ),
        (
            "last page",
            format!("{base}?page={last}&page_size={PAGE_SIZE}"),
        ),
    ];
    let mut rows = Vec::new();
    for (i, (case, uri)) in cases.iter().enumerate() {
        // One token per case: the API allows 600 requests per token per minute.
        let secret = new_token(&usher.state, &format!("bench-{i}")).await;
        let (p50, p95) = time_get(&usher.router, &secret, uri, true).await;
        rows.push(format!(
            "| {backend} | {case} | {p50:.1} ms | {p95:.1} ms |"
        ));
    }
    rows
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("USHER_BENCH_INVITATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut rows = Vec::new();

    let dir = std::env::temp_dir().join(format!("usher-bench-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    rows.extend(run("SQLite", &format!("sqlite://{}/list.db", dir.display()), n).await);
    let _ = std::fs::remove_dir_all(&dir);

    let pg = std::env::var("USHER_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://127.0.0.1:5432/test".into());
    if pg != "off" {
        use sqlx::{Connection, Executor};
        let name = format!("usher_bench_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&pg).await.expect("PostgreSQL");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let base = pg.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
        rows.extend(run("PostgreSQL", &format!("{base}/{name}"), n).await);
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
    }

    println!("Invitation list, {n} invitations, {PAGE_SIZE} per page, {SAMPLES} requests per case (server side):");
    println!("| backend | case | p50 | p95 |");
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
