//! Expression policies (authentik's expression policies, in CEL instead of Python): a sandboxed
//! expression bound to a flow or to one of its stage bindings, evaluated against the seed's context
//! (`../shared/seeds/`, "Expression Policies with Invitations"):
//!
//! * `invitation_in_effect` — whether an invitation is being used;
//! * `invitation` — `{name, fixed_data, …}` of that invitation, or `null`;
//! * `prompt_data` — what the prompts collected so far (never passwords);
//! * `context` — the three above in one map, so `context.invitation_in_effect` reads as in authentik.
//!
//! The seed's three examples, in CEL: `invitation_in_effect`;
//! `invitation != null && invitation.fixed_data.department == "Engineering"`;
//! `prompt_data.email.endsWith("@example.com")`. CEL (the Common Expression Language, evaluated by the
//! `cel` crate) has no I/O and always terminates: a policy can only compute a value from its context.

use serde_json::{Map, Value};

/// What a policy sees.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyContext {
    /// The invitation in use: `{name, fixed_data, flow}`, or `None`.
    pub invitation: Option<Value>,
    /// Collected prompt values by field key (passwords left out).
    pub prompt_data: Map<String, Value>,
}

/// Checks that an expression parses. Called when a policy is saved.
///
/// # Errors
/// The parser's message, for the form.
pub fn check(expression: &str) -> Result<(), String> {
    if expression.trim().is_empty() {
        return Err("Expression is required.".into());
    }
    cel::Program::compile(expression)
        .map(|_| ())
        .map_err(|e| format!("The expression does not parse: {e}"))
}

/// Evaluates an expression: it passes when it yields `true`.
///
/// # Errors
/// A message when the expression does not parse, fails (a missing key, a type error) or yields something
/// other than a boolean; callers treat that as a denial.
pub fn evaluate(expression: &str, ctx: &PolicyContext) -> Result<bool, String> {
    let program = cel::Program::compile(expression)
        .map_err(|e| format!("The expression does not parse: {e}"))?;
    let in_effect = ctx.invitation.is_some();
    let invitation = ctx.invitation.clone().unwrap_or(Value::Null);
    let prompt_data = Value::Object(ctx.prompt_data.clone());
    let mut all = Map::new();
    all.insert("invitation_in_effect".into(), Value::Bool(in_effect));
    all.insert("invitation".into(), invitation.clone());
    all.insert("prompt_data".into(), prompt_data.clone());
    let mut c = cel::Context::default();
    let err = |e: cel::SerializationError| e.to_string();
    c.add_variable("invitation_in_effect", in_effect)
        .map_err(err)?;
    c.add_variable("invitation", invitation).map_err(err)?;
    c.add_variable("prompt_data", prompt_data).map_err(err)?;
    c.add_variable("context", Value::Object(all)).map_err(err)?;
    match program.execute(&c) {
        Ok(cel::Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!("The expression gave {other:?}, not true or false.")),
        Err(e) => Err(format!("The expression failed: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn invited(fixed: Value) -> PolicyContext {
        PolicyContext {
            invitation: Some(json!({"name": "eng", "fixed_data": fixed})),
            prompt_data: Map::new(),
        }
    }

    #[test]
    fn the_seeds_first_example_checks_for_an_invitation() {
        let e = "invitation_in_effect";
        assert_eq!(evaluate(e, &invited(json!({}))), Ok(true));
        assert_eq!(evaluate(e, &PolicyContext::default()), Ok(false));
        assert_eq!(
            evaluate("context.invitation_in_effect", &PolicyContext::default()),
            Ok(false)
        );
    }

    #[test]
    fn the_seeds_second_example_reads_fixed_data() {
        let e = r#"invitation != null && has(invitation.fixed_data.department) && invitation.fixed_data.department == "Engineering""#;
        assert_eq!(
            evaluate(e, &invited(json!({"department": "Engineering"}))),
            Ok(true)
        );
        assert_eq!(
            evaluate(e, &invited(json!({"department": "Sales"}))),
            Ok(false)
        );
        assert_eq!(evaluate(e, &invited(json!({}))), Ok(false));
        assert_eq!(evaluate(e, &PolicyContext::default()), Ok(false));
    }

    #[test]
    fn the_seeds_third_example_reads_prompt_data() {
        let e = r#"has(prompt_data.email) && prompt_data.email.endsWith("@example.com")"#;
        let mut ctx = PolicyContext::default();
        ctx.prompt_data
            .insert("email".into(), json!("jane@example.com"));
        assert_eq!(evaluate(e, &ctx), Ok(true));
        ctx.prompt_data
            .insert("email".into(), json!("jane@example.com.evil.io"));
        assert_eq!(evaluate(e, &ctx), Ok(false));
        assert_eq!(evaluate(e, &PolicyContext::default()), Ok(false));
    }

    #[test]
    fn broken_and_non_boolean_expressions_are_errors() {
        assert!(check("invitation_in_effect &&").is_err());
        assert!(check("").is_err());
        assert!(check("1 + 1 == 2").is_ok());
        assert!(
            evaluate("1 + 1", &PolicyContext::default()).is_err(),
            "not a boolean"
        );
        assert!(
            evaluate("prompt_data.missing == 1", &PolicyContext::default()).is_err(),
            "no such key"
        );
    }
}
