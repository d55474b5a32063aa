//! The layers, checked on the source: code that breaks them fails `cargo test` instead of review.
//!
//! `server_calls_services_not_the_store`: the server (the REST API, the CLI, the listener, the session
//! glue) reaches the database through `usher_app::service`, never `usher_app::store`, so what a REST call
//! or a CLI command does is what the dashboard's service does, with the same checks and errors.
//!
//! In `app/src`, the floors and rooms (issue 36 item 1), the way `store_sql.rs` checks that only
//! the store names `sqlx`:
//!
//! - nothing outside `service/` (and the store itself) names `store::`: pages, server functions and the
//!   domain reach the database through a service;
//! - nothing in `store/` or `domain/` names `service::`, `api::` or `pages::`: no arrow runs back up;
//! - no import cycle among the modules of `app/src` (a module is a file, or a folder with its files:
//!   `service::invitations` is `service/invitations/` whole);
//! - no service names the screens' model (`crate::model`), nor words a time for people
//!   (`format_absolute`, `format_relative`, `format_expiry`; the mail templates' rendering in
//!   `service/mail.rs` does);
//! - no service or store room names the edges' error (`crate::error`).
//!
//! Imports are read from the source with `syn`: every `use` tree and every path that starts with
//! `crate`, `super` or `self`. Comments and doc comments are not code and are not read.

#[path = "common/source.rs"]
mod source;

use source::rust_files;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
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

fn app_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src")
}

/// The module path of a file under `app/src`: `service/invitations/list.rs` → `["service",
/// "invitations", "list"]`; `service/mod.rs` → `["service"]`; `lib.rs` → `[]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The absolute paths (from the crate root) a file names, with the line of each.
#[derive(Default)]
struct Names {
    here: Vec<String>,
    found: Vec<(Vec<String>, usize)>,
}

impl Names {
    /// `segments` made absolute from this file's module: `crate::a` → `a`, `super::a` → the parent's
    /// `a`, `self::a` → this module's `a`. Other paths (a crate, a local alias) are not ours.
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let mut base = self.here.clone();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &rest[1..];
            }
            Some("super") | Some("self") => {
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            base.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => return None,
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn add(&mut self, segments: Vec<String>, line: usize) {
        if let Some(abs) = self.absolute(&segments) {
            self.found.push((abs, line));
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, line: usize) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, line);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                if n.ident != "self" {
                    full.push(n.ident.to_string());
                }
                self.add(full, line);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.add(full, line);
            }
            syn::UseTree::Glob(_) => self.add(prefix.clone(), line),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let line = u.use_token.span.start().line;
        self.use_tree(&mut Vec::new(), &u.tree, line);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = p
            .segments
            .first()
            .map(|s| s.ident.span().start().line)
            .unwrap_or(0);
        self.add(segments, line);
        syn::visit::visit_path(self, p);
    }
}

struct Source {
    rel: PathBuf,
    module: Vec<String>,
    names: Vec<(Vec<String>, usize)>,
}

fn sources() -> Vec<Source> {
    let root = app_src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&root).unwrap().to_path_buf();
            let text = std::fs::read_to_string(&path).unwrap();
            let file = syn::parse_file(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", rel.display()));
            let module = module_of(&rel);
            let mut names = Names {
                here: module.clone(),
                found: Vec::new(),
            };
            names.visit_file(&file);
            Source {
                rel,
                module,
                names: names.found,
            }
        })
        .collect()
}

fn layer(module: &[String]) -> &str {
    module.first().map(String::as_str).unwrap_or("")
}

#[test]
fn only_the_services_name_the_store() {
    let mut wrong = Vec::new();
    for s in sources() {
        if matches!(layer(&s.module), "service" | "store") {
            continue;
        }
        for (name, line) in &s.names {
            if layer(name) == "store" {
                wrong.push(format!("{}:{line}: {}", s.rel.display(), name.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "outside app/src/service/, nothing names the store; call a service instead:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_arrow_runs_up_from_the_store_or_the_domain() {
    let mut wrong = Vec::new();
    for s in sources() {
        let floor = layer(&s.module);
        if !matches!(floor, "store" | "domain") {
            continue;
        }
        for (name, line) in &s.names {
            let to = layer(name);
            let up = match floor {
                "store" => matches!(to, "service" | "api" | "pages" | "model"),
                _ => matches!(to, "service" | "api" | "pages" | "model" | "store"),
            };
            if up {
                wrong.push(format!("{}:{line}: {}", s.rel.display(), name.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the store and the domain never name a floor above them:\n{}",
        wrong.join("\n")
    );
}

/// No service builds a screen model (`crate::model`, issue 36 item 2): services return entities,
/// domain values and instants; `api/` and `pages/` project them into the views and word their times.
#[test]
fn no_service_builds_a_screen() {
    let mut wrong = Vec::new();
    for s in sources() {
        if layer(&s.module) != "service" {
            continue;
        }
        for (name, line) in &s.names {
            if layer(name) == "model" {
                wrong.push(format!("{}:{line}: {}", s.rel.display(), name.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "services must not build screen models (crate::model); project in api/ or pages/:\n{}",
        wrong.join("\n")
    );
}

/// The time formatters of `domain::time` that word an instant for people.
const TIME_WORDS: &[&str] = &["format_absolute", "format_relative", "format_expiry"];

/// Where a service may word a time with these English formatters: nowhere now. The mail rendering words
/// its times in the message's language (`Locale::datetime`, `Locale::expiry`); the verification codes'
/// events store their facts and the dashboard words them.
const SERVICES_WORDING_TIMES: &[&str] = &[];

/// Services return instants (UTC Unix seconds); the pages, the REST layer and the mail rendering word
/// them (issue 36 item 4), so one formatter serves every language.
#[test]
fn services_return_instants_not_words() {
    struct Calls(Vec<(String, usize)>);
    impl<'ast> Visit<'ast> for Calls {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if let Some(last) = p.segments.last() {
                let name = last.ident.to_string();
                if TIME_WORDS.contains(&name.as_str()) {
                    self.0.push((name, last.ident.span().start().line));
                }
            }
            syn::visit::visit_path(self, p);
        }

        /// A macro's arguments (`format!`, `minijinja::context!`) are tokens, not paths: each
        /// formatter's name among them counts as a call.
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            fn walk(tokens: proc_macro2::TokenStream, out: &mut Vec<(String, usize)>) {
                for t in tokens {
                    match t {
                        proc_macro2::TokenTree::Ident(i) => {
                            let name = i.to_string();
                            if TIME_WORDS.contains(&name.as_str()) {
                                out.push((name, i.span().start().line));
                            }
                        }
                        proc_macro2::TokenTree::Group(g) => walk(g.stream(), out),
                        _ => {}
                    }
                }
            }
            walk(m.tokens.clone(), &mut self.0);
            syn::visit::visit_macro(self, m);
        }
    }
    let root = app_src();
    let mut files = Vec::new();
    rust_files(&root.join("service"), &mut files);
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut calls = Calls(Vec::new());
        calls.visit_file(&file);
        if calls.0.is_empty() {
            continue;
        }
        if SERVICES_WORDING_TIMES.contains(&rel.as_str()) {
            seen.insert(rel);
            continue;
        }
        for (name, line) in calls.0 {
            wrong.push(format!("{rel}:{line}: {name}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "services return instants; word them in api/, pages/ or the mail rendering:\n{}",
        wrong.join("\n")
    );
    for f in SERVICES_WORDING_TIMES {
        assert!(
            seen.contains(*f),
            "{f} no longer words a time: drop it from SERVICES_WORDING_TIMES"
        );
    }
}

/// No service or store room names the edges' error (`crate::error`: `AppError` and its words): issue 36
/// item 4 has every service return its typed `service::error::Error`, worded only by
/// `From<Error> for AppError` in `crate::error`, and the store return `store::Error`.
#[test]
fn services_and_the_store_never_speak_the_edge_error() {
    let mut naming = BTreeSet::new();
    for s in sources() {
        if matches!(layer(&s.module), "service" | "store")
            && s.names.iter().any(|(n, _)| layer(n) == "error")
        {
            naming.insert(s.rel.to_string_lossy().replace('\\', "/"));
        }
    }
    assert!(
        naming.is_empty(),
        "services and the store return service::error::Error (or store::Error), not AppError: {naming:?}"
    );
}

/// The module a name belongs to: its longest prefix that is a module of `app/src`, cut to the
/// module's room (`service::invitations::list` → `service::invitations`).
fn room_of(name: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=name.len())
        .rev()
        .map(|n| name[..n].to_vec())
        .find(|p| modules.contains(p))
        .map(|mut m| {
            m.truncate(2);
            m
        })
}

#[test]
fn no_import_cycle_among_the_modules() {
    let sources = sources();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for s in &sources {
        let mut from = s.module.clone();
        from.truncate(2);
        for (name, line) in &s.names {
            let Some(to) = room_of(name, &modules) else {
                continue;
            };
            // A layer's root (`service/mod.rs`: `Db`, `Config`, `AppState`) is shared by its rooms
            // and names them to assemble the state; it is not a room of its own.
            if to == from || to.len() < 2 || from.len() < 2 {
                continue;
            }
            edges
                .entry(from.clone())
                .or_default()
                .entry(to)
                .or_insert_with(|| format!("{}:{line}", s.rel.display()));
        }
    }
    // Depth-first search for a back edge; report the cycle it closes.
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for (next, at) in edges.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                0 => visit(next, edges, state, stack, cycles),
                1 => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let ring: Vec<String> = stack[start..].iter().map(|n| n.join("::")).collect();
                    cycles.push(format!(
                        "{} -> {} (closed at {at})",
                        ring.join(" -> "),
                        next.join("::")
                    ));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for node in edges.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            visit(node, &edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles among app/src modules:\n{}",
        cycles.join("\n")
    );
}

/// No file of the services or the store is over this many lines (issue 36): a file that grows past it
/// is split by concern, as `service/invitations/` and `store/invitations/` were.
const MOST_LINES: usize = 700;

#[test]
fn no_service_or_store_file_is_over_700_lines() {
    let mut long = Vec::new();
    for floor in ["service", "store"] {
        let mut files = Vec::new();
        rust_files(&app_src().join(floor), &mut files);
        for f in files {
            let n = std::fs::read_to_string(&f).unwrap().lines().count();
            if n > MOST_LINES {
                long.push(format!("{}: {n} lines", f.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these by concern (at most {MOST_LINES} lines):\n{}",
        long.join("\n")
    );
}
