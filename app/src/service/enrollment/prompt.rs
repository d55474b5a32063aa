//! Validation of a prompt stage's answers (types, lengths, the password's shape and strength).

use super::locked_email;
use crate::domain::email_rules::{allowed, normalize_email};
use crate::domain::flow::{PromptField, PromptType};
use crate::domain::user::{validate_password_shape, validate_username, PasswordRules};
use crate::service::error::{Error, Problem};
use crate::service::invitations::Invitation;
use crate::service::{Config, Db};
use crate::store::users;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The longest value a prompt field takes, characters (passwords included: the hashing input is
/// bounded too; issue 12 item 10).
pub const MAX_PROMPT_VALUE: usize = 1024;

/// Validates one prompt stage's values; returns the cleaned values (passwords still in clear).
pub(super) async fn validate_prompt(
    db: &Db,
    fields: &[PromptField],
    values: &HashMap<String, String>,
    inv: Option<&Invitation>,
    rules: &PasswordRules,
) -> Result<Map<String, Value>, Error> {
    let mut errors = Vec::new();
    let mut clean = Map::new();
    let locked = locked_email(inv);
    for f in fields {
        let raw = values.get(&f.field_key).cloned().unwrap_or_default();
        let v = if f.field_type == PromptType::Password {
            raw
        } else {
            raw.trim().to_owned()
        };
        if f.required && v.is_empty() {
            errors.push((f.field_key.clone(), Problem::Required(f.label.clone())));
            continue;
        }
        if v.chars().count() > MAX_PROMPT_VALUE {
            errors.push((
                f.field_key.clone(),
                Problem::TooLong(f.label.clone(), MAX_PROMPT_VALUE),
            ));
            continue;
        }
        let result = match f.field_type {
            PromptType::Username => match validate_username(&v) {
                Ok(u) => {
                    if users::username_taken(&db.pool, &u).await? {
                        Err(Problem::UsernameTaken)
                    } else {
                        Ok(u)
                    }
                }
                Err(e) => Err(Problem::Username(e)),
            },
            PromptType::Email if !v.is_empty() => match normalize_email(&v) {
                Some(e) if locked.as_ref().is_some_and(|l| *l != e) => {
                    Err(Problem::NotTheInvitedAddress)
                }
                Some(e) if inv.is_none_or(|i| allowed(&i.emails, &e)) => Ok(e),
                Some(_) => Err(Problem::AddressNotAllowed),
                None => Err(Problem::NotAValidAddress),
            },
            _ => Ok(v),
        };
        match result {
            Ok(v) => {
                clean.insert(f.field_key.clone(), Value::String(v));
            }
            Err(e) => errors.push((f.field_key.clone(), e)),
        }
    }
    // The password policy holds for every non-empty password, repeated or not.
    if let Some(Value::String(p)) = clean
        .get("password")
        .filter(|p| p.as_str().is_some_and(|p| !p.is_empty()))
    {
        let repeat = match clean.get("password_repeat") {
            Some(Value::String(r)) => r.clone(),
            _ => p.clone(),
        };
        // Its strength is estimated once the post is within its budget (see `run_stage`).
        if let Err(e) = validate_password_shape(p, &repeat, rules.min_chars) {
            errors.push(("password".into(), Problem::Password(e)));
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// The words an attacker would try first for an invitee's password ([`password_strength`]'s user
/// inputs): their username, email and name from this stage (`clean`), earlier ones (`context`) and the
/// invitation's `fixed_data`, and the brand name.
pub(super) fn strength_inputs(
    clean: &Map<String, Value>,
    context: &Map<String, Value>,
    inv: Option<&Invitation>,
    config: &Config,
) -> Vec<String> {
    let mine = |k: &str| {
        [
            clean.get(k),
            context.get(k),
            inv.and_then(|i| i.fixed_data.get(k)),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    ["username", "email", "name"]
        .into_iter()
        .flat_map(mine)
        .chain([config.brand_name.clone()])
        .collect()
}
