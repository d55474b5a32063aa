//! The layers, checked on the source: code that breaks them fails `cargo test` instead of review.
//!
//! `server_calls_services_not_the_store`: the server (the REST API, the CLI, the listener, the session
//! glue) reaches the database through `usher_app::service`, never `usher_app::store`, so what a REST call
//! or a CLI command does is what the dashboard's service does, with the same checks and errors.

use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each place a source file names the module `store` as a path, as text: `store::…` or `x::store::…` in an
/// expression, a type or a pattern (`usher_app::store::users::pk_by_username`), `store` in a `use` tree
/// (`use usher_app::store;`, `use usher_app::{store as s, …}`, `use usher_app::store::…`), or `store ::`
/// among a macro's tokens (`format!("{}", store::x())`). Comments are not code; a local variable or
/// field named `store` (`store.migrate()`) is not a path to the module, nor is `session_store::…`.
#[derive(Default)]
struct StoreNames(Vec<String>);

impl<'ast> Visit<'ast> for StoreNames {
    // Doc comments are `#[doc = "…"]` attributes: prose, not code.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.segments.len() > 1 && p.segments.iter().any(|s| s.ident == "store") {
            let text: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            self.0.push(text.join("::"));
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_use_path(&mut self, u: &'ast syn::UsePath) {
        if u.ident == "store" {
            self.0.push("use store::…".into());
        }
        syn::visit::visit_use_path(self, u);
    }

    fn visit_use_name(&mut self, u: &'ast syn::UseName) {
        if u.ident == "store" {
            self.0.push("use …::store".into());
        }
    }

    fn visit_use_rename(&mut self, u: &'ast syn::UseRename) {
        if u.ident == "store" {
            self.0.push("use …::store as …".into());
        }
    }

    // A macro's arguments are tokens syn does not parse as paths: look for `store ::` among them.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let tokens = mac.tokens.to_string();
        let mut from = 0;
        while let Some(i) = tokens[from..].find("store ::") {
            let at = from + i;
            let before = tokens[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                let name = mac.path.segments.last().unwrap().ident.to_string();
                self.0.push(format!("{name}!(… store:: …)"));
            }
            from = at + "store ::".len();
        }
        syn::visit::visit_macro(self, mac);
    }
}

/// Every place `source` names the store module, in source order.
fn store_names(source: &str) -> Vec<String> {
    let ast = syn::parse_file(source).expect("parses");
    let mut names = StoreNames::default();
    names.visit_file(&ast);
    names.0
}

/// What `server/src` may name of the store, as `(file, name as `store_names` gives it)`, each with why.
/// Nothing today: the startup wiring opens the database and runs the migrations through
/// `usher_app::service::Db` (`Db::connect`; the service module re-exports the store's pool type), and
/// every other start-up step (built-in flows, username keys, sealing legacy secrets) is a service
/// function. An entry added here must be start-up wiring no service can own, its reason beside it.
const MAY_NAME_THE_STORE: &[(&str, &str)] = &[];

#[test]
fn server_calls_services_not_the_store() {
    // The checker itself finds each way of naming the store, and nothing else.
    let sample = r#"
        use usher_app::store;
        use usher_app::{service, store as s};
        use usher_app::store::users::pk_by_username;
        fn f(store: Store) {
            store.migrate();
            let _ = session_store::Result::Ok(());
            let _ = usher_app::store::users::first_superuser_pk(&db.pool);
            let _ = format!("{:?}", store::flows::all());
            // store::not_code
        }
    "#;
    assert_eq!(
        store_names(sample),
        [
            "use …::store",
            "use …::store as …",
            "use store::…",
            "usher_app::store::users::first_superuser_pk",
            "format!(… store:: …)",
        ],
        "the checker's own sample"
    );

    let mut files = Vec::new();
    rust_files(&root().join("server/src"), &mut files);
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("server/src/main.rs"))
            && files.iter().any(|f| f.ends_with("rest/service.rs")),
        "the server's sources are read"
    );
    let mut allowed_seen = vec![false; MAY_NAME_THE_STORE.len()];
    let mut offences = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let name = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        for what in store_names(&source) {
            match MAY_NAME_THE_STORE
                .iter()
                .position(|(f, w)| *f == name && *w == what)
            {
                Some(i) => allowed_seen[i] = true,
                None => offences.push(format!("{name}: {what}")),
            }
        }
    }
    assert!(
        offences.is_empty(),
        "server/src names usher_app::store; call a service in usher_app::service instead:\n{}",
        offences.join("\n")
    );
    for ((file, what), seen) in MAY_NAME_THE_STORE.iter().zip(allowed_seen) {
        assert!(
            seen,
            "{file} no longer names {what}: drop it from MAY_NAME_THE_STORE"
        );
    }
}
