//! The `itoken` query parameter and a sealed token read back from storage: the shape check never
//! panics, only hyphenated UUIDs pass it, and opening arbitrary text as a sealed token never panics and
//! never yields a token.
#![no_main]
use libfuzzer_sys::fuzz_target;
use usher_app::domain::invitation::is_token_shaped;
use usher_app::service::SecretKey;

fuzz_target!(|text: &str| {
    if is_token_shaped(text) {
        assert_eq!(text.len(), 36, "{text:?}");
        assert!(text.chars().all(|c| c.is_ascii_hexdigit() || c == '-'), "{text:?}");
    }
    let key = SecretKey::from_text("fuzz");
    assert_eq!(key.open("usher-itoken", "pk", text), None, "{text:?}");
});
