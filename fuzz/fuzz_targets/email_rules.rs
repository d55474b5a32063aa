//! Email rules as an admin types them (one per line) and addresses as an invitee types them: parsing
//! never panics, and whatever parses is matched and printed back without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use usher_app::domain::email_rules::{allowed, normalize_domain, normalize_email, parse_rules};

fuzz_target!(|text: &str| {
    let (rules, address) = text.split_once('\u{0}').unwrap_or((text, text));
    let _ = normalize_email(address);
    let _ = normalize_domain(address);
    if let Ok(rules) = parse_rules(rules) {
        let _ = allowed(&rules, address);
        for r in &rules {
            // What is stored parses back to itself.
            let again = parse_rules(&r.to_text()).expect("a rule's text parses");
            assert_eq!(again.len(), 1);
        }
    }
});
