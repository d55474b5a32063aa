//! One place to write a migration: `migrations/` holds each migration once, for both backends
//! (`usher_app::store::migrations`). Applied migrations are append-only: sqlx refuses to start on a
//! database whose applied migration's checksum changed, so each released file's rendered text per
//! backend is pinned here by its SHA-384 prefix (the same text the former per-backend folders held).

use std::path::Path;
use usher_app::store::migrations::{migrator, FILES};
use usher_app::store::Backend;

/// `(file, SQLite checksum prefix, PostgreSQL checksum prefix)` of every released migration.
const RELEASED: &[(&str, &str, &str)] = &[
    ("0001_initial.sql", "7f198ee9004eebef", "a2d3aa82eaec144d"),
    (
        "0002_one_use_per_account.sql",
        "358fe10a4a2a97ee",
        "358fe10a4a2a97ee",
    ),
    ("0003_outbox.sql", "b0f1d5cbb70b33fb", "b0f1d5cbb70b33fb"),
    (
        "0004_email_verification.sql",
        "9f9e5f621bfedad2",
        "9f9e5f621bfedad2",
    ),
    (
        "0005_api_tokens.sql",
        "60c3e7afaae53b25",
        "60c3e7afaae53b25",
    ),
    ("0006_policies.sql", "f4b4ceec75e52475", "f4b4ceec75e52475"),
    (
        "0007_list_indexes.sql",
        "ffd576f61b6ea0fa",
        "ffd576f61b6ea0fa",
    ),
    (
        "0008_list_order_indexes.sql",
        "46ce2ebd19c1aab8",
        "c6cc6083f9d7c928",
    ),
    (
        "0009_invitation_search.sql",
        "229b0fd89d63db5d",
        "dc37aa9b5a3d7a24",
    ),
    (
        "0010_open_enrollment.sql",
        "93b56771cc081024",
        "93b56771cc081024",
    ),
    (
        "0011_invitation_count.sql",
        "34643238f9dd8212",
        "7ccb2327ce78446b",
    ),
    (
        "0012_ledger_outlives_invitations.sql",
        "635e1d1d519e0b84",
        "fb2c23c24a60631a",
    ),
    (
        "0013_rate_limits.sql",
        "20e0dad400e8671f",
        "20e0dad400e8671f",
    ),
    (
        "0014_outbox_secret.sql",
        "7330573eb49db96c",
        "7330573eb49db96c",
    ),
    (
        "0015_invitation_events.sql",
        "12a4856e1e83e411",
        "12a4856e1e83e411",
    ),
    (
        "0016_username_keys.sql",
        "385cbc9ef63aac9d",
        "385cbc9ef63aac9d",
    ),
    (
        "0017_outbox_retry.sql",
        "ad6159c19e73f5fe",
        "ad6159c19e73f5fe",
    ),
    (
        "0018_sealed_tokens.sql",
        "07b70131d31251a1",
        "07b70131d31251a1",
    ),
    (
        "0019_flow_generation.sql",
        "8218f850636d73c1",
        "40585808663f7907",
    ),
    (
        "0020_invitation_generation.sql",
        "44e90bbecc41a5e4",
        "062dc83d5c6f5e69",
    ),
    (
        "0021_sign_in_networks.sql",
        "46ce240f40bda08e",
        "46ce240f40bda08e",
    ),
    (
        "0022_username_casefold.sql",
        "974225701d15f80c",
        "974225701d15f80c",
    ),
    (
        "0023_code_budgets.sql",
        "61d346cca8368146",
        "61d346cca8368146",
    ),
    (
        "0024_audit_events.sql",
        "d4e2acc6bb6c03ed",
        "d4e2acc6bb6c03ed",
    ),
    (
        "0025_generation_epoch.sql",
        "09198bdbfdb3c3fc",
        "1f3691361eefded6",
    ),
    (
        "0026_outbox_sealed_secret.sql",
        "d996719d030ed987",
        "d996719d030ed987",
    ),
    ("0027_job_queue.sql", "8ea5b25b0cb37c67", "8ea5b25b0cb37c67"),
    (
        "0028_audit_event_filters.sql",
        "9f0f21bff557601d",
        "9f0f21bff557601d",
    ),
    (
        "0029_invitation_views.sql",
        "0f136e98273f667c",
        "0f136e98273f667c",
    ),
    ("0030_webhooks.sql", "082386abd9ac249e", "082386abd9ac249e"),
    (
        "0031_invitation_notifications.sql",
        "2f3d47f77465c370",
        "2f3d47f77465c370",
    ),
    (
        "0032_invitation_not_before.sql",
        "24fd162078e24a63",
        "24fd162078e24a63",
    ),
    (
        "0033_invitation_links.sql",
        "73edbeadce09e6e5",
        "c16673824929ed0e",
    ),
    ("0034_campaigns.sql", "a06f387c4fd941ec", "a06f387c4fd941ec"),
    (
        "0035_invitation_reminders.sql",
        "8768f4da4aeac986",
        "8768f4da4aeac986",
    ),
    ("0036_locales.sql", "5ca81d160ff64481", "5ca81d160ff64481"),
    (
        "0037_inviter_policies.sql",
        "1483cd17be2886ad",
        "b4af103faf8f34a2",
    ),
    ("0038_approvals.sql", "192b3ea50274b9ec", "192b3ea50274b9ec"),
    (
        "0039_uses_keep_the_cache.sql",
        "ef1baaf3493721aa",
        "63922339bc5ea332",
    ),
];

#[test]
fn every_file_of_the_folder_is_embedded_in_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    on_disk.sort();
    let embedded: Vec<&str> = FILES.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        on_disk, embedded,
        "store/migrations.rs FILES must list migrations/ in order"
    );
    for (file, source) in FILES {
        let on_disk = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(&on_disk, source, "{file}");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn released_migrations_are_unchanged_on_both_backends() {
    for (backend, column) in [(Backend::Sqlite, 1), (Backend::Postgres, 2)] {
        let m = migrator(backend).await.unwrap();
        let got: Vec<(i64, String)> = m
            .iter()
            .map(|m| (m.version, hex(&m.checksum)[..16].to_owned()))
            .collect();
        for (i, row) in RELEASED.iter().enumerate() {
            let want = if column == 1 { row.1 } else { row.2 };
            assert_eq!(
                got.get(i),
                Some(&(i as i64 + 1, want.to_owned())),
                "{backend:?} {}: a released migration must not change; add a new file instead",
                row.0
            );
        }
        assert!(got.len() >= RELEASED.len());
    }
}

/// Migration 0009 indexes the invitations that exist when it runs (SQLite's search table is filled from
/// them), so an upgraded database finds its old invitations by a part of their name; migration 0011
/// counts them.
#[tokio::test]
async fn upgrading_to_the_search_index_indexes_existing_invitations() {
    use std::borrow::Cow;
    use usher_app::service::invitations::ListQuery;
    sqlx::any::install_default_drivers();
    let dir = std::env::temp_dir().join(format!("usher-mig-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/usher.db?mode=rwc", dir.display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut before = migrator(Backend::Sqlite).await.unwrap();
    let upto: Vec<_> = before.migrations.iter().take(8).cloned().collect();
    assert_eq!(upto.last().map(|m| m.version), Some(8));
    before.migrations = Cow::Owned(upto);
    before.run(&pool).await.unwrap();
    for sql in [
        "INSERT INTO users (uid, username, date_joined) VALUES ('u1', 'admin', 0)",
        "INSERT INTO flows (pk, slug, name, title, designation, authentication)
         VALUES ('f1', 'some-flow', 'Some', 'Some', 'enrollment', 'none')",
        "INSERT INTO invitations (pk, name, flow_pk, created_by, token, created)
         VALUES ('i1', 'contractor-2026-spring', 'f1', 1, 't1', 0)",
        "INSERT INTO invitation_uses (pk, invitation_pk, user_pk, action, at)
         VALUES ('l1', 'i1', 1, 'enrolled', 0)",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    migrator(Backend::Sqlite)
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let q = |term: &str| ListQuery {
        search: vec![term.to_owned()],
        limit: 20,
        ..ListQuery::default()
    };
    let count = |term: &'static str| {
        let pool = pool.clone();
        let q = q(term);
        async move {
            usher_app::store::invitations::count(&pool, Backend::Sqlite, &q)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("2026-SPR").await, 1);
    assert_eq!(count("autumn").await, 0);
    let all = ListQuery {
        limit: 20,
        ..ListQuery::default()
    };
    assert_eq!(
        usher_app::store::invitations::count(&pool, Backend::Sqlite, &all)
            .await
            .unwrap(),
        1,
        "migration 0011 counts the invitations that exist when it runs"
    );
    sqlx::query("DELETE FROM invitations WHERE pk = 'i1'")
        .execute(&pool)
        .await
        .unwrap();
    let kept: (String, String) = sqlx::query_as(
        "SELECT invitation_pk, invitation_name FROM invitation_uses WHERE pk = 'l1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        kept,
        ("i1".to_owned(), "contractor-2026-spring".to_owned()),
        "migration 0012 keeps the ledger, with the invitation's name, past its deletion"
    );
}

/// Migration 0027 makes the outbox a job queue: the messages that exist when it runs become jobs of the
/// email channel, still listed, claimed and sent as messages.
#[tokio::test]
async fn upgrading_to_the_job_queue_keeps_queued_mail_as_email_jobs() {
    use std::borrow::Cow;
    use usher_app::domain::jobs::Channel;
    sqlx::any::install_default_drivers();
    let dir = std::env::temp_dir().join(format!("usher-mig-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/usher.db?mode=rwc", dir.display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut before = migrator(Backend::Sqlite).await.unwrap();
    let upto: Vec<_> = before.migrations.iter().take(26).cloned().collect();
    assert_eq!(upto.last().map(|m| m.version), Some(26));
    before.migrations = Cow::Owned(upto);
    before.run(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO outbox (pk, to_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created)
         VALUES ('m1', '[\"a@example.com\"]', 'Hello', 'text', '<p>html</p>', 'queued', 0, 0, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    migrator(Backend::Sqlite)
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let (channel, payload): (String, Option<String>) =
        sqlx::query_as("SELECT channel, payload FROM outbox WHERE pk = 'm1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((channel.as_str(), payload), ("email", None));
    let listed = usher_app::store::outbox::messages(
        &pool,
        usher_app::store::outbox::MessageFilter::All,
        None,
    )
    .await
    .unwrap();
    assert_eq!(listed.len(), 1);
    let claimed = usher_app::store::jobs::claim(&pool, Backend::Sqlite, Channel::EMAIL, 1, 100, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].pk, "m1");
}
