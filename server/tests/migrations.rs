//! One place to write a migration: `migrations/sqlite/` and `migrations/postgres/` hold the same files,
//! line for line, except the few lines where the two dialects must differ, listed here. A migration added
//! to one folder only, or edited in one only, fails this test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `(file, SQLite line, PostgreSQL line)`: the only places where the two folders may differ.
const DIALECT_LINES: &[(&str, &str, &str)] = &[
    (
        "0001_initial.sql",
        "-- Usher initial schema (SQLite). Timestamps are UTC Unix seconds (BIGINT); UUIDs and JSON are TEXT;",
        "-- Usher initial schema (PostgreSQL). Timestamps are UTC Unix seconds (BIGINT); UUIDs and JSON are TEXT;",
    ),
    (
        "0001_initial.sql",
        "    pk INTEGER PRIMARY KEY AUTOINCREMENT,",
        "    pk BIGSERIAL PRIMARY KEY,",
    ),
    (
        "0008_list_order_indexes.sql",
        "CREATE INDEX invitations_expires_desc ON invitations ((CASE WHEN expires IS NULL THEN 1 ELSE 0 END) DESC, expires DESC, pk);",
        "CREATE INDEX invitations_expires_desc ON invitations ((CASE WHEN expires IS NULL THEN 1 ELSE 0 END) DESC, expires DESC, pk COLLATE \"C\");",
    ),
    (
        "0008_list_order_indexes.sql",
        "CREATE INDEX invitations_expires_asc ON invitations ((CASE WHEN expires IS NULL THEN 1 ELSE 0 END), expires, pk);",
        "CREATE INDEX invitations_expires_asc ON invitations ((CASE WHEN expires IS NULL THEN 1 ELSE 0 END), expires, pk COLLATE \"C\");",
    ),
    (
        "0008_list_order_indexes.sql",
        "CREATE INDEX invitations_created_desc ON invitations (created DESC, name, pk);",
        "CREATE INDEX invitations_created_desc ON invitations (created DESC, name COLLATE \"C\", pk COLLATE \"C\");",
    ),
];

fn folder(backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("migrations")
        .join(backend)
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_are_twins_except_the_listed_dialect_lines() {
    let (sqlite, postgres) = (folder("sqlite"), folder("postgres"));
    let names = files(&sqlite);
    assert_eq!(
        names,
        files(&postgres),
        "both folders must hold the same migrations"
    );
    assert!(!names.is_empty());
    let mut used = BTreeSet::new();
    for name in &names {
        let a = std::fs::read_to_string(sqlite.join(name)).unwrap();
        let b = std::fs::read_to_string(postgres.join(name)).unwrap();
        let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        assert_eq!(
            a.len(),
            b.len(),
            "{name}: the two versions differ in length"
        );
        for (i, (la, lb)) in a.iter().zip(&b).enumerate() {
            if la == lb {
                continue;
            }
            let allowed = DIALECT_LINES
                .iter()
                .position(|(f, s, p)| f == name && s == la && p == lb);
            let Some(k) = allowed else {
                panic!(
                    "{name}:{}: the SQLite and PostgreSQL versions differ outside the allowed dialect lines:\n  sqlite:   {la}\n  postgres: {lb}",
                    i + 1
                );
            };
            used.insert(k);
        }
    }
    assert_eq!(
        used.len(),
        DIALECT_LINES.len(),
        "an allowed dialect line no longer occurs: remove it from DIALECT_LINES"
    );
}
