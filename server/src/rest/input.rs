//! Reading request bodies field by field, with Django REST framework's messages, so a bad field is
//! reported under its name (`{"single_use": ["Must be a valid boolean."]}`) rather than as one parse error.

use serde_json::{Map, Value};
use usher_app::domain::email_rules::parse_rules;
use usher_app::domain::fixed_data;
use usher_app::domain::invitation::{InvitationName, InvitationPatch};
use usher_app::domain::time;

/// An invitation body, as given: `None` = the field was absent; `Some(None)` = explicitly null.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationInput {
    /// `name`.
    pub name: Option<String>,
    /// `expires` (RFC 3339), or null for never.
    pub expires: Option<Option<String>>,
    /// `fixed_data`.
    pub fixed_data: Option<Map<String, Value>>,
    /// `single_use`.
    pub single_use: Option<bool>,
    /// `flow` (UUID), or null for the default flow.
    pub flow: Option<Option<String>>,
    /// `description`.
    pub description: Option<String>,
    /// `quota`, or null for unlimited.
    pub quota: Option<Option<i64>>,
    /// `emails`.
    pub emails: Option<Vec<String>>,
    /// `roles` (names or pks).
    pub roles: Option<Vec<String>>,
    /// `groups` (names or pks).
    pub groups: Option<Vec<String>>,
    /// `enabled`.
    pub enabled: Option<bool>,
    /// `not_before` (RFC 3339), or null for at once.
    pub not_before: Option<Option<String>>,
    /// `locale` (`en`, `de`), or null for the invitee's browser's.
    pub locale: Option<Option<String>>,
}

impl InvitationInput {
    /// The REST edge: the body's fields parsed into a patch of an invitation (names, expiry, custom
    /// attributes and email rules checked here; flow, roles and groups resolved by the service).
    ///
    /// # Errors
    /// Every bad field's message, under its DRF field name.
    pub fn into_patch(self) -> Result<InvitationPatch, Errors> {
        let mut errs = Errors::new();
        let mut err = |f: &str, m: &dyn std::fmt::Display| errs.push((f.to_owned(), m.to_string()));
        let name = match self.name.as_deref().map(InvitationName::parse) {
            Some(Ok(n)) => Some(n),
            Some(Err(e)) => {
                err("name", &e);
                None
            }
            None => None,
        };
        let expires = match self.expires {
            Some(Some(raw)) => match time::parse_input(&raw) {
                Ok(ts) => Some(Some(ts)),
                Err(e) => {
                    err("expires", &e);
                    None
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let not_before = match self.not_before {
            Some(Some(raw)) => match time::parse_input(&raw) {
                Ok(ts) => Some(Some(ts)),
                Err(_) => {
                    err("not_before", &DATE_TIME_FORMAT);
                    None
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let locale = match self.locale {
            Some(Some(raw)) => match usher_app::i18n::Locale::parse(&raw) {
                // Only the exact code: DRF's choice field takes no variants.
                Ok(l) if l.code() == raw => Some(Some(l)),
                _ => {
                    err("locale", &format!("\"{raw}\" is not a valid choice."));
                    None
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let fixed_data = match self.fixed_data.map(fixed_data::validate) {
            Some(Ok(m)) => Some(m),
            Some(Err(e)) => {
                err("fixed_data", &e);
                None
            }
            None => None,
        };
        let emails = match self.emails.map(|e| parse_rules(&e.join("\n"))) {
            Some(Ok(rules)) => Some(rules),
            Some(Err(e)) => {
                err("emails", &e);
                None
            }
            None => None,
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(InvitationPatch {
            name,
            description: self.description.map(|d| d.trim().to_owned()),
            flow: self.flow,
            expires,
            not_before,
            fixed_data,
            single_use: self.single_use,
            quota: self.quota,
            emails,
            roles: self.roles,
            groups: self.groups,
            enabled: self.enabled,
            locale,
        })
    }
}

/// DRF's message for a date-time field that is not one.
const DATE_TIME_FORMAT: &str = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

/// DRF's message for a body that is not an object.
pub fn not_an_object(v: &Value) -> String {
    let kind = match v {
        Value::Array(_) => "list",
        Value::String(_) => "str",
        Value::Number(_) => "int",
        Value::Bool(_) => "bool",
        Value::Null => "NoneType",
        Value::Object(_) => "dict",
    };
    format!("Invalid data. Expected a dictionary, but got {kind}.")
}

pub(crate) type Errors = Vec<(String, String)>;

pub(crate) fn string(
    obj: &Map<String, Value>,
    key: &str,
    errs: &mut Errors,
    allow_blank: bool,
) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !allow_blank && s.trim().is_empty() => {
            errs.push((key.into(), "This field may not be blank.".into()));
            None
        }
        Value::String(s) => Some(s.clone()),
        Value::Null => {
            errs.push((key.into(), "This field may not be null.".into()));
            None
        }
        _ => {
            errs.push((key.into(), "Not a valid string.".into()));
            None
        }
    }
}

pub(crate) fn nullable_string(
    obj: &Map<String, Value>,
    key: &str,
    errs: &mut Errors,
    msg: &str,
) -> Option<Option<String>> {
    match obj.get(key)? {
        Value::Null => Some(None),
        Value::String(s) if !s.trim().is_empty() => Some(Some(s.trim().to_owned())),
        Value::String(_) => Some(None),
        _ => {
            errs.push((key.into(), msg.into()));
            None
        }
    }
}

pub(crate) fn boolean(obj: &Map<String, Value>, key: &str, errs: &mut Errors) -> Option<bool> {
    match obj.get(key)? {
        Value::Bool(b) => Some(*b),
        // DRF's BooleanField also takes these spellings.
        Value::String(s) if ["true", "1", "yes", "on"].contains(&s.to_lowercase().as_str()) => {
            Some(true)
        }
        Value::String(s) if ["false", "0", "no", "off"].contains(&s.to_lowercase().as_str()) => {
            Some(false)
        }
        Value::Number(n) if n.as_i64() == Some(1) => Some(true),
        Value::Number(n) if n.as_i64() == Some(0) => Some(false),
        _ => {
            errs.push((key.into(), "Must be a valid boolean.".into()));
            None
        }
    }
}

pub(crate) fn string_list(
    obj: &Map<String, Value>,
    key: &str,
    errs: &mut Errors,
) -> Option<Vec<String>> {
    match obj.get(key)? {
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    _ => {
                        errs.push((key.into(), "Not a valid string.".into()));
                        return None;
                    }
                }
            }
            Some(out)
        }
        other => {
            let kind = match other {
                Value::String(_) => "str",
                Value::Number(_) => "int",
                Value::Bool(_) => "bool",
                Value::Object(_) => "dict",
                _ => "NoneType",
            };
            errs.push((
                key.into(),
                format!("Expected a list of items but got type \"{kind}\"."),
            ));
            None
        }
    }
}

/// A JSON number that is a whole number in range, as an integer: `3` and `3.0` alike (JSON Schema's
/// `integer`, and DRF's `IntegerField`, take both).
pub(crate) fn whole_number(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
            .map(|f| f as i64)
    })
}

/// Reads an invitation body. With `partial` (PATCH) nothing is required; otherwise `name` is.
///
/// # Errors
/// Every field's message, under its name (`non_field_errors` when the body is not an object).
pub fn parse_invitation(body: &Value, partial: bool) -> Result<InvitationInput, Errors> {
    let Value::Object(obj) = body else {
        return Err(vec![("non_field_errors".into(), not_an_object(body))]);
    };
    let mut errs = Errors::new();
    if !partial && !obj.contains_key("name") {
        errs.push(("name".into(), "This field is required.".into()));
    }
    let fixed_data = match obj.get("fixed_data") {
        None => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(Value::Null) => Some(Map::new()),
        Some(_) => {
            errs.push((
                "fixed_data".into(),
                "Expected a dictionary of items.".into(),
            ));
            None
        }
    };
    let quota = match obj.get("quota") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::Number(n)) if whole_number(n).is_some() => Some(whole_number(n)),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Some(s.trim().parse().ok()),
        Some(_) => {
            errs.push(("quota".into(), "A valid integer is required.".into()));
            None
        }
    };
    let input = InvitationInput {
        name: string(obj, "name", &mut errs, false).map(|s| s.trim().to_owned()),
        expires: nullable_string(obj, "expires", &mut errs, DATE_TIME_FORMAT),
        not_before: nullable_string(obj, "not_before", &mut errs, DATE_TIME_FORMAT),
        locale: nullable_string(obj, "locale", &mut errs, "Not a valid string."),
        fixed_data,
        single_use: boolean(obj, "single_use", &mut errs),
        flow: nullable_string(obj, "flow", &mut errs, "Must be a valid UUID."),
        description: string(obj, "description", &mut errs, true),
        quota,
        emails: string_list(obj, "emails", &mut errs),
        roles: string_list(obj, "roles", &mut errs),
        groups: string_list(obj, "groups", &mut errs),
        enabled: boolean(obj, "enabled", &mut errs),
    };
    if errs.is_empty() {
        Ok(input)
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_full_body_is_read() {
        let v = json!({
            "name": "jane", "expires": "2027-01-01T00:00:00Z", "fixed_data": {"email": "j@x.io"},
            "single_use": true, "flow": null, "quota": 3, "emails": ["*@x.io"], "roles": ["editor"],
            "groups": [], "enabled": false, "description": "d", "pk": "ignored", "created_by": {}
        });
        let i = parse_invitation(&v, false).unwrap();
        assert_eq!(i.name.as_deref(), Some("jane"));
        assert_eq!(i.expires, Some(Some("2027-01-01T00:00:00Z".into())));
        assert_eq!(i.flow, Some(None));
        assert_eq!(i.quota, Some(Some(3)));
        assert_eq!(i.single_use, Some(true));
        assert_eq!(i.enabled, Some(false));
        assert_eq!(i.roles, Some(vec!["editor".into()]));
    }

    #[test]
    fn each_bad_field_is_named() {
        let v = json!({"single_use": "maybe", "fixed_data": [1], "quota": "x", "emails": "a@b.c", "expires": 5});
        let errs = parse_invitation(&v, false).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        for f in [
            "name",
            "single_use",
            "fixed_data",
            "quota",
            "emails",
            "expires",
        ] {
            assert!(fields.contains(&f), "{f}: {errs:?}");
        }
        assert!(errs.contains(&(
            "emails".into(),
            "Expected a list of items but got type \"str\".".into()
        )));
        assert!(errs.contains(&("name".into(), "This field is required.".into())));
    }

    #[test]
    fn a_quota_is_a_whole_number_written_either_way() {
        let quota = |v: Value| parse_invitation(&json!({ "quota": v }), true).map(|i| i.quota);
        assert_eq!(quota(json!(3)), Ok(Some(Some(3))));
        assert_eq!(quota(json!(3.0)), Ok(Some(Some(3))));
        assert_eq!(quota(json!("3")), Ok(Some(Some(3))));
        assert_eq!(quota(json!(null)), Ok(Some(None)));
        for bad in [json!(3.5), json!(1e300), json!("x"), json!(true)] {
            assert_eq!(
                quota(bad.clone()),
                Err(vec![(
                    "quota".into(),
                    "A valid integer is required.".into()
                )]),
                "{bad}"
            );
        }
    }

    #[test]
    fn patch_requires_nothing_and_body_must_be_an_object() {
        assert_eq!(
            parse_invitation(&json!({}), true),
            Ok(InvitationInput::default())
        );
        let errs = parse_invitation(&json!([1]), true).unwrap_err();
        assert_eq!(
            errs,
            vec![(
                "non_field_errors".into(),
                "Invalid data. Expected a dictionary, but got list.".into()
            )]
        );
        assert!(
            parse_invitation(&json!({"name": " "}), true).is_err(),
            "blank name"
        );
    }

    #[test]
    fn a_body_becomes_a_patch_of_exactly_its_fields() {
        let i = parse_invitation(&json!({"single_use": false}), true).unwrap();
        let p = i.into_patch().unwrap();
        assert_eq!(
            p,
            InvitationPatch {
                single_use: Some(false),
                ..InvitationPatch::default()
            }
        );
        let i = parse_invitation(
            &json!({"name": "a b", "expires": "soon", "emails": ["*.x.io"], "fixed_data": {"email": "no"}}),
            true,
        )
        .unwrap();
        let fields: Vec<String> = i
            .into_patch()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["name", "expires", "fixed_data", "emails"]);
    }

    #[test]
    fn locale_is_a_nullable_choice_of_the_languages_usher_speaks() {
        let p = |v: Value| parse_invitation(&v, true).map(|i| i.into_patch());
        assert_eq!(
            p(json!({"locale": "de"})).unwrap().unwrap().locale,
            Some(Some(usher_app::i18n::Locale::De))
        );
        assert_eq!(
            p(json!({"locale": null})).unwrap().unwrap().locale,
            Some(None)
        );
        assert_eq!(p(json!({})).unwrap().unwrap().locale, None);
        let errs = p(json!({"locale": "fr"})).unwrap().unwrap_err();
        assert_eq!(
            errs[0],
            ("locale".into(), "\"fr\" is not a valid choice.".into())
        );
        assert!(p(json!({"locale": "de-AT"})).unwrap().is_err());
        assert!(parse_invitation(&json!({"locale": 5}), true).is_err());
    }

    #[test]
    fn not_before_is_a_nullable_date_time() {
        let p = |v: serde_json::Value| parse_invitation(&v, true).unwrap().into_patch();
        assert_eq!(
            p(json!({"not_before": "2026-11-28T12:00:00Z"}))
                .unwrap()
                .not_before,
            Some(Some(1_795_867_200))
        );
        assert_eq!(
            p(json!({"not_before": null})).unwrap().not_before,
            Some(None)
        );
        assert_eq!(p(json!({})).unwrap().not_before, None);
        let errs = p(json!({"not_before": "soon"})).unwrap_err();
        assert_eq!(errs[0].0, "not_before");
        assert!(parse_invitation(&json!({"not_before": 5}), true).is_err());
    }
}
