//! A campaign's import (issue 15): the time the server spends applying an import of
//! `USHER_BENCH_RECIPIENTS` recipients (default 10,000) to a campaign, in its one transaction: every
//! recipient's invitation (single use, limited to their address), grants, recipient row and queued
//! message. A benchmark, not a test: `cargo bench -p server --bench campaign_import`. Database: a fresh
//! SQLite file, or `USHER_BENCH_DATABASE_URL` (a fresh one: the campaign is named `bench`). The target
//! (README): under 2 s for 10,000 on SQLite and PostgreSQL.

use std::time::Instant;
use usher_app::domain::audit::Who;
use usher_app::domain::campaign::{CampaignDraft, CampaignName, RecipientInput};
use usher_app::service::{campaigns, flows, time, Config, Db};

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("USHER_BENCH_RECIPIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("usher-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::var("USHER_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let db = Db::connect(&url).await.expect("database");
    flows::install_builtin_flows(&db).await.expect("flows");
    let admin = usher_app::service::users::create_admin(
        &db,
        "bench-admin",
        "bench-admin@example.com",
        "bench-admin-password-1",
        &usher_app::domain::user::PasswordRules {
            min_chars: usher_app::domain::user::PASSWORD_MIN,
            brand: "Usher".into(),
        },
    )
    .await
    .expect("admin");
    let now = time::now();
    let draft = CampaignDraft {
        name: CampaignName::parse("bench").unwrap(),
        description: String::new(),
        flow: None,
        expires: Some(now + 30 * 86_400),
        not_before: None,
        fixed_data: serde_json::from_str(r#"{"attributes": {"cohort": "2027"}}"#).unwrap(),
        email_subject: String::new(),
        email_message: "Welcome.".into(),
        reminder_days: vec![7, 1],
        digest: false,
        roles: Vec::new(),
        groups: Vec::new(),
    };
    let who = Who::system();
    campaigns::create(&db, &who, admin, &draft, now)
        .await
        .expect("campaign");
    let rows: Vec<RecipientInput> = (0..n)
        .map(|i| RecipientInput {
            line: i + 2,
            email: format!("person{i}@example.com"),
            name: format!("Person {i}"),
            ..Default::default()
        })
        .collect();
    let config = Config::new("https://id.example.com");
    let start = Instant::now();
    let done = campaigns::import(&db, &config, &who, "bench", rows, now, &|_, _| {})
        .await
        .expect("import");
    let elapsed = start.elapsed();
    assert_eq!(done.counts.new, n);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "campaign_import: {n} recipients imported in {:.2} s ({}; invitations, grants, recipients and messages in one transaction)",
        elapsed.as_secs_f64(),
        if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" },
    );
}
