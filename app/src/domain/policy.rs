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

/// The longest expression, characters.
pub const MAX_LENGTH: usize = 4096;
/// The deepest nesting of brackets (`(`, `[`, `{`) and the longest run of unary operators (`!`, `-`)
/// in an expression. The CEL parser recurses once per level, on a worker thread's 2 MiB stack: a
/// `((((…))))` of a few thousand levels would overflow it and take the process down (issue 12 item 10).
pub const MAX_NESTING: usize = 32;

/// Refuses an expression over [`MAX_LENGTH`] characters or nested deeper than [`MAX_NESTING`],
/// before the parser sees it. Brackets inside string literals count too (a rare, harmless refusal).
fn within_limits(expression: &str) -> Result<(), String> {
    if expression.chars().count() > MAX_LENGTH {
        return Err(format!(
            "The expression is too long: at most {MAX_LENGTH} characters."
        ));
    }
    let (mut depth, mut deepest, mut run, mut longest_run) = (0usize, 0usize, 0usize, 0usize);
    for c in expression.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == '!' || c == '-' {
            run += 1;
            longest_run = longest_run.max(run);
        } else if !c.is_whitespace() {
            run = 0;
        }
    }
    if deepest > MAX_NESTING || longest_run > MAX_NESTING {
        return Err(format!(
            "The expression is nested too deeply: at most {MAX_NESTING} levels."
        ));
    }
    Ok(())
}

/// Checks that an expression is within [`MAX_LENGTH`] and [`MAX_NESTING`] and parses. Called when a
/// policy is saved, whatever the door (dashboard, blueprint).
///
/// # Errors
/// The reason, for the form.
pub fn check(expression: &str) -> Result<(), String> {
    if expression.trim().is_empty() {
        return Err("Expression is required.".into());
    }
    within_limits(expression)?;
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
    run(&compile(expression)?, ctx)
}

/// Compiles an expression once, for [`run`] as often as needed (issue 37: once per flow generation, not
/// once per evaluation).
///
/// # Errors
/// A message when it is beyond the limits (a policy stored before they existed is held to them too) or
/// does not parse; callers treat that as a denial.
pub fn compile(expression: &str) -> Result<cel::Program, String> {
    within_limits(expression)?;
    cel::Program::compile(expression).map_err(|e| format!("The expression does not parse: {e}"))
}

/// Runs a compiled expression ([`compile`]) against `ctx`: it passes when it yields `true`.
///
/// # Errors
/// A message when it fails (a missing key, a type error) or yields something other than a boolean;
/// callers treat that as a denial.
pub fn run(program: &cel::Program, ctx: &PolicyContext) -> Result<bool, String> {
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

/// A policy an admin asks to create, its fields trimmed: the dashboard form parses into this at its edge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyDraft {
    /// Unique name.
    pub name: String,
    /// The CEL expression.
    pub expression: String,
    /// Shown to the invitee when it denies; empty for the plain message.
    pub message: String,
}

impl PolicyDraft {
    /// A draft from what was entered, each field trimmed.
    pub fn new(name: &str, expression: &str, message: &str) -> Self {
        Self {
            name: name.trim().to_owned(),
            expression: expression.trim().to_owned(),
            message: message.trim().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_and_deeply_nested_expressions_are_refused_before_parsing() {
        let deep = format!("{}true{}", "(".repeat(5000), ")".repeat(5000));
        assert!(check(&deep).unwrap_err().contains("too long"));
        let nested = format!("{}true{}", "(".repeat(40), ")".repeat(40));
        assert!(check(&nested).unwrap_err().contains("nested too deeply"));
        assert!(check(&format!("{}true", "!".repeat(40)))
            .unwrap_err()
            .contains("nested too deeply"));
        assert!(evaluate(&nested, &PolicyContext::default()).is_err());
        let fine = format!("{}true{}", "(".repeat(10), ")".repeat(10));
        assert_eq!(check(&fine), Ok(()));
        assert_eq!(
            check("prompt_data.email.endsWith(\"@example.com\") && !false"),
            Ok(())
        );
    }
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
