//! CEL expression policies (Flows & Stages → Policies): checking never panics or overflows the stack, and
//! an expression that checks evaluates, against an invitation context, without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use usher_app::domain::policy::{check, evaluate, PolicyContext};

fuzz_target!(|expression: &str| {
    if check(expression).is_ok() {
        let mut prompt_data = serde_json::Map::new();
        prompt_data.insert("email".into(), "jane@company.com".into());
        let ctx = PolicyContext {
            invitation: Some(serde_json::json!({ "name": "x", "fixed_data": { "a": 1 }, "flow": "f" })),
            prompt_data,
        };
        let _ = evaluate(expression, &ctx);
    }
});
