//! authentik blueprint YAML (Flows → Import, `usher blueprint apply`, with `!Context` values): parsing
//! never panics or blows up, whatever anchors, aliases and tags it holds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use usher_app::domain::blueprint::parse;

fuzz_target!(|text: &str| {
    let mut context = BTreeMap::new();
    context.insert("domain".to_owned(), "company.com".to_owned());
    let _ = parse(text, &context);
});
