//! `fixed_data` as JSON or YAML (the form, a blueprint, the REST API): parsing never panics, and what
//! parses is within the limits it promises.
#![no_main]
use libfuzzer_sys::fuzz_target;
use usher_app::domain::fixed_data::{parse_fixed_data, validate, MAX_BYTES};

fuzz_target!(|text: &str| {
    if let Ok(map) = parse_fixed_data(text) {
        let json = serde_json::Value::Object(map.clone()).to_string();
        assert!(json.len() <= MAX_BYTES, "{} bytes", json.len());
        validate(map).expect("what parse_fixed_data accepts, validate accepts");
    }
});
