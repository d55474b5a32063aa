//! `fixed_data` ("custom attributes"): a JSON object entered as JSON or YAML (authentik's invitation form
//! accepts both). Keys matching a prompt field's `field_key` pre-fill that field.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Why custom attributes are refused; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FixedDataError {
    /// JSON that does not parse, at a 1-based line.
    Json {
        /// The line.
        line: usize,
        /// The parser's message, without its location.
        message: String,
    },
    /// YAML that does not parse, at a 1-based line when the parser knows it.
    Yaml {
        /// The line.
        line: Option<usize>,
        /// The parser's message (without its location when the line is known).
        message: String,
    },
    /// Valid JSON or YAML, but not a mapping.
    NotAMapping,
    /// `email` is not an email address.
    Email,
    /// YAML reached a build without the YAML parser (the browser).
    YamlOnServerOnly,
    /// More than [`MAX_BYTES`] bytes, as entered or as JSON.
    TooLarge,
    /// Nested deeper than [`MAX_DEPTH`] levels.
    TooDeep,
}

impl FixedDataError {
    /// This error's message in `l` (the catalogue's `err-fixed-…` keys); its `Display` is the
    /// English one.
    /// The parsers' own messages stay as the parsers word them (English).
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Json { line, message } => t!(
                l,
                "err-fixed-json",
                line = line.to_string(),
                message = message.clone()
            ),
            Self::Yaml {
                line: Some(line),
                message,
            } => t!(
                l,
                "err-fixed-yaml-at-line",
                line = line.to_string(),
                message = message.clone()
            ),
            Self::Yaml {
                line: None,
                message,
            } => t!(l, "err-fixed-yaml", message = message.clone()),
            Self::NotAMapping => t!(l, "err-fixed-not-a-mapping"),
            Self::Email => t!(l, "err-fixed-email"),
            Self::YamlOnServerOnly => t!(l, "err-fixed-yaml-on-server-only"),
            Self::TooLarge => t!(l, "err-fixed-too-large", max = MAX_BYTES.to_string()),
            Self::TooDeep => t!(l, "err-fixed-too-deep", max = MAX_DEPTH.to_string()),
        }
    }
}

impl std::fmt::Display for FixedDataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for FixedDataError {}

/// The largest custom attributes, bytes (as entered, and as stored JSON).
pub const MAX_BYTES: usize = 16 * 1024;
/// The deepest nesting of custom attributes (the top-level mapping is level 1).
pub const MAX_DEPTH: usize = 8;
/// The most YAML nodes custom attributes may expand to (aliases included).
#[cfg(feature = "ssr")]
const MAX_NODES: usize = 4_000;

/// How deep `v` nests: 0 for a scalar, 1 for a flat object or array.
fn depth(v: &Value) -> usize {
    match v {
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Parses custom attributes entered as JSON or YAML into a JSON object. Blank input is `{}`.
///
/// # Errors
/// [`FixedDataError`]: a parse error with its line, a value that is not a mapping, a bad `email`.
pub fn parse_fixed_data(raw: &str) -> Result<Map<String, Value>, FixedDataError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(Map::new());
    }
    if raw.len() > MAX_BYTES {
        return Err(FixedDataError::TooLarge);
    }
    let value: Value = if text.starts_with('{') {
        serde_json::from_str(raw).map_err(|e| FixedDataError::Json {
            line: e.line(),
            message: strip_location(&e.to_string()),
        })?
    } else {
        parse_yaml(raw)?
    };
    match value {
        Value::Object(map) => validate(map),
        Value::Null => Ok(Map::new()),
        _ => Err(FixedDataError::NotAMapping),
    }
}

/// Checks custom attributes given as a JSON object (every door ends here: the form after parsing, the
/// REST API, a blueprint): at most [`MAX_BYTES`] as JSON and [`MAX_DEPTH`] levels deep, and an `email`
/// must be an email address, since it is where the invitation is sent.
///
/// # Errors
/// [`FixedDataError::TooDeep`], [`FixedDataError::TooLarge`], [`FixedDataError::Email`].
pub fn validate(map: Map<String, Value>) -> Result<Map<String, Value>, FixedDataError> {
    let value = Value::Object(map);
    if depth(&value) > MAX_DEPTH {
        return Err(FixedDataError::TooDeep);
    }
    if serde_json::to_string(&value).map_or(usize::MAX, |s| s.len()) > MAX_BYTES {
        return Err(FixedDataError::TooLarge);
    }
    let Value::Object(map) = value else {
        unreachable!("wrapped above")
    };
    if let Some(email) = map.get("email") {
        let ok = email
            .as_str()
            .is_some_and(|e| super::email_rules::normalize_email(e).is_some());
        if !ok {
            return Err(FixedDataError::Email);
        }
    }
    Ok(map)
}

#[cfg(feature = "ssr")]
fn parse_yaml(raw: &str) -> Result<Value, FixedDataError> {
    // Within the size and node budget first (aliases repeat what they name); a syntax error is then
    // reported by the parse below, with its line.
    match super::yaml::parse_within(raw, MAX_BYTES, MAX_NODES) {
        Err(
            super::yaml::YamlError::TooLarge { .. }
            | super::yaml::YamlError::TooManyNodes { .. }
            | super::yaml::YamlError::ExpandsTooFar { .. },
        ) => return Err(FixedDataError::TooLarge),
        Ok(_) | Err(super::yaml::YamlError::Syntax(_)) => {}
    }
    yaml_serde::from_str::<Value>(raw).map_err(|e| match e.location() {
        Some(loc) => FixedDataError::Yaml {
            line: Some(loc.line()),
            message: strip_location(&e.to_string()),
        },
        None => FixedDataError::Yaml {
            line: None,
            message: e.to_string(),
        },
    })
}

#[cfg(not(feature = "ssr"))]
fn parse_yaml(_raw: &str) -> Result<Value, FixedDataError> {
    Err(FixedDataError::YamlOnServerOnly)
}

/// Removes the " at line X column Y" suffix the parsers append, since the message leads with the line.
fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// The pre-fill value for a prompt field: the top-level key equal to `field_key`, as text
/// (strings as they are, numbers and booleans printed). Objects, arrays and null give `None`.
pub fn prefill(fixed_data: &Map<String, Value>, field_key: &str) -> Option<String> {
    match fixed_data.get(field_key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn size_and_depth_are_bounded_whatever_the_door() {
        let mut deep = serde_json::json!("leaf");
        for _ in 0..=MAX_DEPTH {
            deep = serde_json::json!({ "k": deep });
        }
        let Value::Object(m) = deep else {
            unreachable!()
        };
        assert_eq!(validate(m), Err(FixedDataError::TooDeep));
        let mut ok = serde_json::json!("leaf");
        for _ in 0..MAX_DEPTH {
            ok = serde_json::json!({ "k": ok });
        }
        let Value::Object(m) = ok else { unreachable!() };
        assert!(validate(m).is_ok());
        let mut big = Map::new();
        big.insert("notes".into(), Value::String("x".repeat(MAX_BYTES)));
        assert_eq!(validate(big), Err(FixedDataError::TooLarge));
        let long = format!("notes: {}\n", "x".repeat(MAX_BYTES));
        assert_eq!(parse_fixed_data(&long), Err(FixedDataError::TooLarge));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_yaml_alias_bomb_is_refused() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = "a".to_owned();
        for level in 0..7 {
            let name = format!("l{level}");
            let refs = vec![format!("*{prev}"); 10].join(", ");
            doc.push_str(&format!("{name}: &{name} [{refs}]\n"));
            prev = name;
        }
        assert_eq!(parse_fixed_data(&doc), Err(FixedDataError::TooLarge));
    }

    #[test]
    fn yaml_and_json_give_the_same_object() {
        let y = parse_fixed_data("name: Jane Smith\nemail: jane@company.com\n").unwrap();
        let j = parse_fixed_data(r#"{"name": "Jane Smith", "email": "jane@company.com"}"#).unwrap();
        assert_eq!(y, j);
        assert_eq!(prefill(&y, "name").as_deref(), Some("Jane Smith"));
        assert_eq!(prefill(&y, "username"), None);
    }

    #[test]
    fn blank_is_empty_object() {
        assert!(parse_fixed_data("  \n").unwrap().is_empty());
    }

    #[test]
    fn yaml_error_names_the_line() {
        let err = parse_fixed_data("name: Jane\nemail: [unclosed\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") || err.contains("line 2"), "{err}");
        let err = parse_fixed_data("{\n\"a\": 1,\n\"b\": }")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("JSON error at line 3"), "{err}");
    }

    #[test]
    fn non_mapping_is_refused() {
        assert!(parse_fixed_data("- a\n- b").is_err());
        assert!(parse_fixed_data("just text").is_err());
    }

    #[test]
    fn email_must_be_valid() {
        assert!(parse_fixed_data("email: not-an-address").is_err());
        assert!(parse_fixed_data("email: 42").is_err());
    }

    #[test]
    fn nested_attributes_are_kept() {
        let v = parse_fixed_data("attributes:\n  department: Sales\n").unwrap();
        assert_eq!(v["attributes"]["department"], "Sales");
        assert_eq!(prefill(&v, "attributes"), None);
    }
}
