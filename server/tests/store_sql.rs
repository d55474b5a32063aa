//! The storage boundary, checked: every static SQL statement in `app/src/store/` is prepared against a
//! freshly migrated SQLite file and PostgreSQL database, so a typo in a table or column name fails
//! `cargo test` instead of a user; and no code outside the store names `sqlx`.
//!
//! A statement is any string literal of the store that starts with `SELECT`, `INSERT`, `UPDATE`,
//! `DELETE` or `WITH`. Literals holding `{` are `format!` templates (an `IN (…)` list, a list query's
//! `WHERE`); the integration tests run those.

mod common;

use common::source::rust_files;
use common::TestApp;
use sqlx::{Connection, Executor};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Default)]
struct Literals(Vec<String>);

impl<'ast> Visit<'ast> for Literals {
    // Doc comments are `#[doc = "…"]` attributes: prose, not statements.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.0.push(lit.value());
    }

    // `sqlx::query("…")` and `const X: &str = "…"` are expressions syn walks; a macro's arguments
    // (`format!`) are tokens it does not parse, so read the top-level string literals among them.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        for tt in mac.tokens.clone() {
            if let Ok(lit) = syn::parse_str::<syn::LitStr>(&tt.to_string()) {
                self.0.push(lit.value());
            }
        }
    }
}

fn is_statement(sql: &str) -> bool {
    let head = sql.trim_start().to_ascii_uppercase();
    ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "]
        .iter()
        .any(|k| head.starts_with(k))
        && !sql.contains('{')
}

/// `(file, statement)` for every static statement of the store.
fn statements() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("app/src/store"), &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let ast = syn::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut lits = Literals::default();
        lits.visit_file(&ast);
        let name = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        out.extend(
            lits.0
                .into_iter()
                .filter(|s| is_statement(s))
                .map(|s| (name.clone(), s)),
        );
    }
    out
}

#[test]
fn the_store_holds_the_statements() {
    let all = statements();
    // Every table group's module runs SQL; a store that lost its statements must not pass vacuously.
    assert!(
        all.len() >= 100,
        "only {} statements found in app/src/store",
        all.len()
    );
    for module in [
        "invitations",
        "users",
        "flows",
        "policies",
        "outbox",
        "tokens",
        "verification",
    ] {
        assert!(
            all.iter()
                .any(|(f, _)| f.ends_with(&format!("store/{module}.rs"))
                    || f.contains(&format!("store/{module}/"))),
            "app/src/store/{module}.rs (or {module}/) holds no statement"
        );
    }
}

async fn prepare_all<C: Connection>(conn: &mut C, backend: &str) -> Vec<String>
where
    for<'c> &'c mut C: Executor<'c>,
{
    let mut failures = Vec::new();
    for (file, sql) in statements() {
        if let Err(e) = (&mut *conn).prepare(sql.as_str()).await {
            failures.push(format!("{backend}: {file}: {e}\n    {sql}"));
        }
    }
    failures
}

#[tokio::test]
async fn every_store_statement_prepares_on_sqlite() {
    let app = TestApp::sqlite().await;
    let mut conn = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
    let failures = prepare_all(&mut conn, "SQLite").await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_store_statement_prepares_on_postgres() {
    let app = TestApp::postgres().await;
    let mut conn = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
    let failures = prepare_all(&mut conn, "PostgreSQL").await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Files outside the store that may name `sqlx`: the session store's own pool (tower-sessions' SQLx
/// store needs a native pool) and the log filter that quiets sqlx's statement log.
const MAY_NAME_SQLX: &[&str] = &["server/src/sessions.rs"];

#[test]
fn no_code_outside_the_store_names_sqlx() {
    let mut files = Vec::new();
    rust_files(&root().join("app/src"), &mut files);
    rust_files(&root().join("server/src"), &mut files);
    let mut offenders = Vec::new();
    for file in files {
        let name = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        if name.starts_with("app/src/store/") || MAY_NAME_SQLX.contains(&name.as_str()) {
            continue;
        }
        let source = std::fs::read_to_string(&file).unwrap();
        for (i, line) in source.lines().enumerate() {
            let code = line.replace("sqlx=warn", "");
            if code.contains("sqlx") {
                offenders.push(format!("{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL outside app/src/store:\n{}",
        offenders.join("\n")
    );
}
