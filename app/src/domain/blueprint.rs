//! authentik blueprints, format v1, as the example files use them (`../shared/blueprints/`): read into a
//! [`Plan`] of Usher's objects, or refused with an error naming the entry and the path. Pure: applying a
//! plan (one transaction) is `crate::service::blueprints`.
//!
//! Supported (authentik's docs, "Blueprints → File structure" and "YAML tags"):
//! * `version: 1`, `metadata`, `context` (defaults for `!Context`), `entries`;
//! * entry keys `model`, `identifiers`, `id`, `attrs`, `state` (`present`, `created`), `conditions`;
//! * models `authentik_flows.flow`, `authentik_flows.flowstagebinding`,
//!   `authentik_stages_invitation.invitationstage`, `authentik_stages_invitation.invitation`,
//!   `authentik_stages_prompt.prompt` (`type` or `prompt_type`), `authentik_stages_prompt.promptstage`,
//!   `authentik_stages_user_write.userwritestage`, `authentik_stages_user_login.userloginstage`,
//!   `authentik_stages_email.emailstage`, `authentik_core.group`;
//! * tags `!KeyOf id`, `!Context key` / `!Context [key, default]`, `!Format [fmt, args…]` (`%s` and `%d`).
//!
//! Anything else (another model, attribute, tag, or a reference to no entry) is refused.

use super::flow::{
    Authentication, Designation, FlowDef, PromptField, StageDef, StageKind, UnknownAuthentication,
    UnknownDesignation, UserCreationMode, UserType,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use yaml_serde::Value as Y;

/// Why a blueprint was refused: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlueprintError {
    /// 1-based entry number, when the error is in an entry.
    pub entry: Option<usize>,
    /// The entry's model, when known.
    pub model: String,
    /// Path inside the entry (or the file), e.g. `attrs.fields[1]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for BlueprintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.entry {
            Some(n) if self.model.is_empty() => {
                write!(f, "entry {n}, {}: {}", self.path, self.message)
            }
            Some(n) => write!(
                f,
                "entry {n} ({}), {}: {}",
                self.model, self.path, self.message
            ),
            None if self.path.is_empty() => write!(f, "{}", self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// An invitation a blueprint defines.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationItem {
    /// Unique name.
    pub name: String,
    /// Its flow's slug.
    pub flow_slug: String,
    /// Single use.
    pub single_use: bool,
    /// Expiry (RFC 3339), or none for never.
    pub expires: Option<String>,
    /// Usher's start time (RFC 3339), or none to open at once (issue 15 item 5).
    pub not_before: Option<String>,
    /// Usher's invitee language (`en`, `de`), or none for the invitee's browser's (issue 16).
    pub locale: Option<String>,
    /// Custom attributes.
    pub fixed_data: Map<String, Value>,
}

/// What applying a blueprint did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplyReport {
    /// `metadata.name`.
    pub name: String,
    /// Objects created.
    pub created: usize,
    /// Objects that existed and were updated.
    pub updated: usize,
    /// Slugs of the flows in the file.
    pub flows: Vec<String>,
}

/// What a blueprint defines, resolved: references replaced by names and slugs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// `metadata.name`.
    pub name: String,
    /// Groups by name.
    pub groups: Vec<String>,
    /// Flows (without stages; see `bindings`).
    pub flows: Vec<FlowDef>,
    /// Stages with their settings (prompt stages with their fields).
    pub stages: Vec<StageDef>,
    /// Each flow's bindings, as `(flow slug, stage name, order)`, sorted by flow then order.
    pub bindings: Vec<(String, String, i64)>,
    /// Invitations.
    pub invitations: Vec<InvitationItem>,
}

impl Plan {
    /// The flows with their bound stages in order, as the engine runs them (flows of the file only).
    pub fn flow_defs(&self) -> Vec<FlowDef> {
        self.flows
            .iter()
            .map(|f| FlowDef {
                stages: self
                    .bindings
                    .iter()
                    .filter(|(slug, ..)| *slug == f.slug)
                    .filter_map(|(_, stage, _)| {
                        self.stages.iter().find(|s| s.name == *stage).cloned()
                    })
                    .collect(),
                ..f.clone()
            })
            .collect()
    }
}

/// What applying `plan` would change of Usher's built-in flows and stages (`builtin`, as shipped), given
/// what is stored now (`stored`: the stored definitions of the flows with a built-in slug): each changed
/// built-in flow as `flow <slug>` and stage as `stage <name>`, in the plan's order. A flow changes when its
/// name, title, designation, authentication or (when the plan binds stages to it) its stages would
/// differ; a stage when a stage of the same name is stored with other settings. Re-applying what is
/// already stored, or recreating a deleted built-in, changes nothing. Importing a blueprint that changes
/// a built-in needs the admin's confirmation (issue 35 item 6).
pub fn builtin_changes(plan: &Plan, stored: &[FlowDef], builtin: &[FlowDef]) -> Vec<String> {
    let mut changes = Vec::new();
    let bound: std::collections::BTreeSet<&str> = plan
        .bindings
        .iter()
        .map(|(slug, ..)| slug.as_str())
        .collect();
    for f in plan.flow_defs() {
        if !builtin.iter().any(|b| b.slug == f.slug) {
            continue;
        }
        let Some(now) = stored.iter().find(|s| s.slug == f.slug) else {
            continue;
        };
        let stages = if bound.contains(f.slug.as_str()) {
            &f.stages
        } else {
            &now.stages
        };
        if f.name != now.name
            || f.title != now.title
            || f.designation != now.designation
            || f.authentication != now.authentication
            || *stages != now.stages
        {
            changes.push(format!("flow {}", f.slug));
        }
    }
    let builtin_stage = |name: &str| {
        builtin
            .iter()
            .any(|b| b.stages.iter().any(|s| s.name == name))
    };
    for s in &plan.stages {
        if !builtin_stage(&s.name) {
            continue;
        }
        let now = stored
            .iter()
            .flat_map(|f| &f.stages)
            .find(|n| n.name == s.name);
        if now.is_some_and(|n| n.kind != s.kind) {
            changes.push(format!("stage {}", s.name));
        }
    }
    changes
}

const FLOW: &str = "authentik_flows.flow";
const BINDING: &str = "authentik_flows.flowstagebinding";
const INVITATION_STAGE: &str = "authentik_stages_invitation.invitationstage";
const INVITATION: &str = "authentik_stages_invitation.invitation";
const PROMPT: &str = "authentik_stages_prompt.prompt";
const PROMPT_STAGE: &str = "authentik_stages_prompt.promptstage";
const USER_WRITE: &str = "authentik_stages_user_write.userwritestage";
const USER_LOGIN: &str = "authentik_stages_user_login.userloginstage";
const EMAIL_STAGE: &str = "authentik_stages_email.emailstage";
const GROUP: &str = "authentik_core.group";

/// The models read, with the attributes each may have (identifiers included). Attributes Usher does not
/// use are accepted so authentik's files import unchanged.
pub const MODELS: &[(&str, &[&str])] = &[
    (
        FLOW,
        &[
            "slug",
            "name",
            "title",
            "designation",
            "authentication",
            "background",
            "policy_engine_mode",
            "compatibility_mode",
            "layout",
            "denied_action",
        ],
    ),
    (
        BINDING,
        &[
            "target",
            "stage",
            "order",
            "evaluate_on_plan",
            "re_evaluate_policies",
            "policy_engine_mode",
            "invalid_response_action",
        ],
    ),
    (
        INVITATION_STAGE,
        &["name", "continue_flow_without_invitation"],
    ),
    (
        INVITATION,
        &[
            "name",
            "flow",
            "single_use",
            "expires",
            "not_before",
            "locale",
            "fixed_data",
        ],
    ),
    (
        PROMPT,
        &[
            "name",
            "field_key",
            "label",
            "type",
            "prompt_type",
            "required",
            "placeholder",
            "placeholder_expression",
            "order",
            "sub_text",
            "initial_value",
            "initial_value_expression",
        ],
    ),
    (PROMPT_STAGE, &["name", "fields", "validation_policies"]),
    (
        USER_WRITE,
        &[
            "name",
            "user_creation_mode",
            "user_type",
            "user_path_template",
            "create_users_group",
            "create_users_as_inactive",
        ],
    ),
    (
        USER_LOGIN,
        &[
            "name",
            "session_duration",
            "remember_me_offset",
            "terminate_other_sessions",
            "geoip_binding",
            "network_binding",
        ],
    ),
    (
        EMAIL_STAGE,
        &[
            "name",
            "use_global_settings",
            "host",
            "port",
            "username",
            "password",
            "use_tls",
            "use_ssl",
            "timeout",
            "from_address",
            "token_expiry",
            "subject",
            "template",
            "activate_user_on_success",
            "recovery_max_attempts",
            "recovery_cache_timeout",
        ],
    ),
    (
        GROUP,
        &[
            "name",
            "is_superuser",
            "parent",
            "attributes",
            "users",
            "roles",
        ],
    ),
];

const STAGE_MODELS: &[&str] = &[
    INVITATION_STAGE,
    PROMPT_STAGE,
    USER_WRITE,
    USER_LOGIN,
    EMAIL_STAGE,
];

/// Marker key for a resolved `!KeyOf` inside attribute values.
const KEYOF: &str = "!KeyOf";

struct Reader<'a> {
    context: &'a BTreeMap<String, Y>,
    ids: &'a HashMap<String, (usize, String)>,
    entry: usize,
    model: String,
}

impl Reader<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> BlueprintError {
        BlueprintError {
            entry: Some(self.entry),
            model: self.model.clone(),
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// Resolves tags and turns YAML into JSON; `!KeyOf x` becomes `{"!KeyOf": "x"}`.
    fn resolve(&self, y: &Y, path: &str) -> Result<Value, BlueprintError> {
        Ok(match y {
            Y::Null => Value::Null,
            Y::Bool(b) => Value::Bool(*b),
            Y::Number(n) => serde_json::to_value(n).map_err(|e| self.err(path, e.to_string()))?,
            Y::String(s) => Value::String(s.clone()),
            Y::Sequence(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.resolve(v, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Y::Mapping(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    let key = match k {
                        Y::String(s) => s.clone(),
                        other => yaml_serde::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    let p = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    out.insert(key, self.resolve(v, &p)?);
                }
                Value::Object(out)
            }
            Y::Tagged(t) => {
                let tag = t.tag.to_string();
                match tag.trim_start_matches('!') {
                    "KeyOf" => {
                        let Y::String(id) = &t.value else {
                            return Err(self.err(path, "!KeyOf needs an entry id"));
                        };
                        if !self.ids.contains_key(id) {
                            return Err(self.err(
                                path,
                                format!("unknown reference !KeyOf {id}: no entry has this id"),
                            ));
                        }
                        let mut m = Map::new();
                        m.insert(KEYOF.into(), Value::String(id.clone()));
                        Value::Object(m)
                    }
                    "Context" => {
                        let (key, default) = match &t.value {
                            Y::String(k) => (k.clone(), None),
                            Y::Sequence(s) if !s.is_empty() && s.len() <= 2 => match &s[0] {
                                Y::String(k) => (k.clone(), s.get(1)),
                                _ => return Err(self.err(path, "!Context needs a key")),
                            },
                            _ => {
                                return Err(
                                    self.err(path, "!Context needs a key, or [key, default]")
                                )
                            }
                        };
                        match (self.context.get(&key), default) {
                            (Some(v), Some(d)) => self.resolve(&coerce(v, d), path)?,
                            (Some(v), None) => self.resolve(v, path)?,
                            (None, Some(d)) => self.resolve(d, path)?,
                            (None, None) => Value::Null,
                        }
                    }
                    "Format" => {
                        let Y::Sequence(s) = &t.value else {
                            return Err(self.err(path, "!Format needs [format, args…]"));
                        };
                        let Some(Value::String(fmt)) =
                            s.first().map(|f| self.resolve(f, path)).transpose()?
                        else {
                            return Err(self.err(path, "!Format needs a format string first"));
                        };
                        let mut args = Vec::new();
                        for (i, a) in s.iter().enumerate().skip(1) {
                            args.push(match self.resolve(a, &format!("{path}[{i}]"))? {
                                Value::String(s) => s,
                                Value::Null => "None".into(),
                                Value::Bool(b) => {
                                    if b {
                                        "True".into()
                                    } else {
                                        "False".into()
                                    }
                                }
                                other => other.to_string(),
                            });
                        }
                        Value::String(format_percent(&fmt, &args).map_err(|m| self.err(path, m))?)
                    }
                    other => return Err(self.err(path, format!("unsupported tag !{other}"))),
                }
            }
        })
    }
}

fn contains_tag(y: &Y) -> bool {
    match y {
        Y::Tagged(_) => true,
        Y::Sequence(s) => s.iter().any(contains_tag),
        Y::Mapping(m) => m.iter().any(|(k, v)| contains_tag(k) || contains_tag(v)),
        _ => false,
    }
}

/// A `!Context` value given as text (from the command line) takes the type of the default.
fn coerce(v: &Y, default: &Y) -> Y {
    match (v, default) {
        (Y::String(s), Y::Bool(_)) => match s.to_lowercase().as_str() {
            "true" | "yes" | "1" => Y::Bool(true),
            "false" | "no" | "0" => Y::Bool(false),
            _ => v.clone(),
        },
        (Y::String(s), Y::Number(_)) => s
            .parse::<i64>()
            .map(|n| Y::Number(n.into()))
            .unwrap_or_else(|_| v.clone()),
        _ => v.clone(),
    }
}

/// Python's `fmt % args` for `%s`, `%d` and `%%`.
fn format_percent(fmt: &str, args: &[String]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s') | Some('d') => out.push_str(
                it.next()
                    .ok_or("!Format has fewer arguments than placeholders")?,
            ),
            other => {
                return Err(format!(
                    "!Format: unsupported placeholder %{}",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
    }
    if it.next().is_some() {
        return Err("!Format has more arguments than placeholders".into());
    }
    Ok(out)
}

struct Entry {
    index: usize,
    model: String,
    id: Option<String>,
    attrs: Map<String, Value>,
}

fn file_err(path: &str, message: impl Into<String>) -> BlueprintError {
    BlueprintError {
        entry: None,
        model: String::new(),
        path: path.into(),
        message: message.into(),
    }
}

/// The largest blueprint read, bytes (authentik's own example files are under 20 KB).
pub const MAX_BYTES: usize = 1024 * 1024;
/// The most nodes a blueprint may have with its aliases expanded (issue 12: alias bombs).
pub const MAX_NODES: usize = 200_000;

/// Reads a blueprint. `context` overrides the file's `context:` defaults (values as YAML scalars).
///
/// # Errors
/// [`BlueprintError`] naming the entry and path of the first problem: not YAML, not version 1, an
/// unknown model, attribute, tag or reference, a reference to the wrong kind of entry, a missing or
/// mistyped value; a text over [`MAX_BYTES`] or a document over [`MAX_NODES`] nodes.
pub fn parse(text: &str, context: &BTreeMap<String, String>) -> Result<Plan, BlueprintError> {
    let doc: Y = match super::yaml::parse_within(text, MAX_BYTES, MAX_NODES) {
        Ok(doc) => doc,
        Err(super::yaml::YamlError::Syntax(e)) => {
            return Err(file_err("", format!("not a YAML document: {e}")))
        }
        Err(e) => return Err(file_err("", e.to_string())),
    };
    let Y::Mapping(top) = &doc else {
        return Err(file_err(
            "",
            "a blueprint is a mapping with `version` and `entries`",
        ));
    };
    for key in top.keys() {
        let k = key.as_str().unwrap_or("");
        if !["version", "metadata", "context", "entries"].contains(&k) {
            return Err(file_err(k, "unknown key"));
        }
    }
    match top.get("version") {
        Some(Y::Number(n)) if n.as_i64() == Some(1) => {}
        _ => return Err(file_err("version", "only blueprint version 1 is supported")),
    }
    let name = top
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Y::as_str)
        .unwrap_or("")
        .to_owned();
    let mut ctx: BTreeMap<String, Y> = BTreeMap::new();
    if let Some(Y::Mapping(m)) = top.get("context") {
        for (k, v) in m {
            let Some(k) = k.as_str() else { continue };
            // Plain values only: a tag here could refer to itself and never end.
            if contains_tag(v) {
                return Err(file_err(
                    &format!("context.{k}"),
                    "context values must be plain values, without tags",
                ));
            }
            ctx.insert(k.to_owned(), v.clone());
        }
    }
    for (k, v) in context {
        ctx.insert(k.clone(), Y::String(v.clone()));
    }
    let Some(Y::Sequence(raw)) = top.get("entries") else {
        return Err(file_err("entries", "a list of entries is required"));
    };
    // Pass 1: ids, so references can point forwards too.
    let mut ids: HashMap<String, (usize, String)> = HashMap::new();
    for (i, e) in raw.iter().enumerate() {
        if let (Some(id), Some(model)) = (
            e.get("id").and_then(Y::as_str),
            e.get("model").and_then(Y::as_str),
        ) {
            if ids.insert(id.to_owned(), (i, model.to_owned())).is_some() {
                return Err(BlueprintError {
                    entry: Some(i + 1),
                    model: model.into(),
                    path: "id".into(),
                    message: format!("id {id} is used twice"),
                });
            }
        }
    }
    // Pass 2: each entry checked and resolved.
    let mut entries = Vec::new();
    for (i, e) in raw.iter().enumerate() {
        let mut r = Reader {
            context: &ctx,
            ids: &ids,
            entry: i + 1,
            model: String::new(),
        };
        let Y::Mapping(m) = e else {
            return Err(r.err("", "an entry is a mapping"));
        };
        for key in m.keys() {
            let k = key.as_str().unwrap_or("");
            if !["model", "identifiers", "id", "attrs", "state", "conditions"].contains(&k) {
                return Err(r.err(k, "unknown entry key"));
            }
        }
        let model = m
            .get("model")
            .and_then(Y::as_str)
            .ok_or_else(|| r.err("model", "missing"))?
            .to_owned();
        r.model = model.clone();
        let Some((_, allowed)) = MODELS.iter().find(|(name, _)| *name == model) else {
            return Err(r.err("model", format!("unknown model {model}")));
        };
        match m.get("state").and_then(Y::as_str) {
            None | Some("present") | Some("created") => {}
            Some(other) => {
                return Err(r.err(
                    "state",
                    format!("unsupported state {other} (present and created are)"),
                ))
            }
        }
        if m.get("conditions")
            .is_some_and(|c| !matches!(c, Y::Sequence(s) if s.is_empty()))
        {
            let c = r.resolve(m.get("conditions").unwrap_or(&Y::Null), "conditions")?;
            if c.as_array()
                .is_some_and(|l| l.iter().any(|v| v == &Value::Bool(false)))
            {
                continue; // authentik skips entries whose conditions are false.
            }
        }
        let mut attrs = Map::new();
        for part in ["identifiers", "attrs"] {
            match m.get(part) {
                None | Some(Y::Null) => {}
                Some(v @ Y::Mapping(_)) => {
                    if let Value::Object(o) = r.resolve(v, part)? {
                        for (k, v) in o {
                            if !allowed.contains(&k.as_str()) {
                                return Err(r.err(
                                    &format!("{part}.{k}"),
                                    format!("unknown attribute {k} of {model}"),
                                ));
                            }
                            attrs.insert(k, v);
                        }
                    }
                }
                Some(_) => return Err(r.err(part, "must be a mapping")),
            }
        }
        entries.push(Entry {
            index: i + 1,
            model,
            id: m.get("id").and_then(Y::as_str).map(str::to_owned),
            attrs,
        });
    }
    build(name, &entries)
}

fn get_ref(v: &Value) -> Option<&str> {
    v.as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.get(KEYOF))
        .and_then(Value::as_str)
}

fn build(name: String, entries: &[Entry]) -> Result<Plan, BlueprintError> {
    let by_id: HashMap<&str, &Entry> = entries
        .iter()
        .filter_map(|e| e.id.as_deref().map(|id| (id, e)))
        .collect();
    let mut plan = Plan {
        name,
        ..Plan::default()
    };
    for e in entries {
        let err = |path: &str, m: String| BlueprintError {
            entry: Some(e.index),
            model: e.model.clone(),
            path: format!("attrs.{path}"),
            message: m,
        };
        let text = |key: &str, required: bool| -> Result<Option<String>, BlueprintError> {
            match e.attrs.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
                None | Some(Value::Null) if !required => Ok(None),
                Some(Value::String(_)) | None | Some(Value::Null) => {
                    Err(err(key, "is required".into()))
                }
                Some(_) => Err(err(key, "must be text".into())),
            }
        };
        let flag = |key: &str, default: bool| -> Result<bool, BlueprintError> {
            match e.attrs.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(err(key, "must be true or false".into())),
            }
        };
        // A reference to an entry of one of these models, as that entry's identifying value.
        let target = |key: &str, models: &[&str], v: &Value| -> Result<String, BlueprintError> {
            let id = get_ref(v).ok_or_else(|| err(key, "must be a !KeyOf reference".into()))?;
            let t = by_id
                .get(id)
                .ok_or_else(|| err(key, format!("unknown reference !KeyOf {id}")))?;
            if !models.contains(&t.model.as_str()) {
                return Err(err(
                    key,
                    format!(
                        "!KeyOf {id} is a {}, not a {}",
                        t.model,
                        models.join(" or ")
                    ),
                ));
            }
            let ident = if t.model == FLOW { "slug" } else { "name" };
            match t.attrs.get(ident) {
                Some(Value::String(s)) => Ok(s.clone()),
                _ => Err(err(key, format!("!KeyOf {id} has no {ident}"))),
            }
        };
        let stage = |kind: StageKind| -> Result<StageDef, BlueprintError> {
            Ok(StageDef {
                name: text("name", true)?.unwrap_or_default(),
                kind,
            })
        };
        match e.model.as_str() {
            FLOW => {
                let slug = text("slug", true)?.unwrap_or_default();
                if !slug
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return Err(err(
                        "slug",
                        format!("{slug} is not a slug (letters, digits, - and _)"),
                    ));
                }
                plan.flows.push(FlowDef {
                    name: text("name", true)?.unwrap_or_default(),
                    title: text("title", false)?.unwrap_or_default(),
                    designation: {
                        let d = text("designation", true)?.unwrap_or_default();
                        Designation::parse(&d)
                            .ok_or_else(|| err("designation", UnknownDesignation(d).to_string()))?
                    },
                    authentication: {
                        let a = text("authentication", false)?.unwrap_or_default();
                        Authentication::parse(&a).ok_or_else(|| {
                            err("authentication", UnknownAuthentication(a).to_string())
                        })?
                    },
                    slug,
                    open_enrollment: false,
                    stages: Vec::new(),
                });
            }
            GROUP => plan.groups.push(text("name", true)?.unwrap_or_default()),
            PROMPT => {} // read through the prompt stages that list it
            INVITATION_STAGE => plan.stages.push(stage(StageKind::Invitation {
                continue_flow_without_invitation: flag("continue_flow_without_invitation", false)?,
            })?),
            USER_LOGIN => plan.stages.push(stage(StageKind::UserLogin)?),
            USER_WRITE => {
                let user_type = match text("user_type", false)?.as_deref() {
                    None | Some("internal") => UserType::Internal,
                    Some("external") => UserType::External,
                    Some(other) => {
                        return Err(err(
                            "user_type",
                            format!("{other} is not internal or external"),
                        ))
                    }
                };
                let mode = match text("user_creation_mode", false)? {
                    None => UserCreationMode::default(),
                    Some(m) => UserCreationMode::parse(&m)
                        .ok_or_else(|| err("user_creation_mode", format!("unknown mode {m}")))?,
                };
                let group = match e.attrs.get("create_users_group") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(target("create_users_group", &[GROUP], v)?),
                };
                plan.stages.push(stage(StageKind::UserWrite {
                    user_creation_mode: mode,
                    user_type,
                    user_path_template: text("user_path_template", false)?
                        .unwrap_or_else(|| "users".into()),
                    create_users_group: group,
                    create_users_as_inactive: flag("create_users_as_inactive", false)?,
                })?);
            }
            EMAIL_STAGE => {
                // authentik: minutes as a number, or a timedelta string like `minutes=30` / `hours=1`.
                let minutes = match e.attrs.get("token_expiry") {
                    None | Some(Value::Null) => super::verification::DEFAULT_TOKEN_EXPIRY_MINUTES,
                    Some(Value::Number(n)) => n
                        .as_i64()
                        .filter(|m| (1..=super::verification::MAX_TOKEN_EXPIRY_MINUTES).contains(m))
                        .ok_or_else(|| {
                            err("token_expiry", "must be 1 to 10080 minutes (a week)".into())
                        })?,
                    Some(Value::String(s)) => timedelta_minutes(s)
                        .filter(|m| *m <= super::verification::MAX_TOKEN_EXPIRY_MINUTES)
                        .ok_or_else(|| {
                            err(
                                "token_expiry",
                                format!(
                                    "{s} is not minutes=N, hours=N or days=N of at most a week"
                                ),
                            )
                        })?,
                    Some(_) => return Err(err("token_expiry", "must be minutes".into())),
                };
                let attempts = match e.attrs.get("recovery_max_attempts") {
                    Some(Value::Number(n)) => n
                        .as_i64()
                        .filter(|a| *a > 0)
                        .unwrap_or(super::verification::DEFAULT_MAX_ATTEMPTS),
                    _ => super::verification::DEFAULT_MAX_ATTEMPTS,
                };
                plan.stages.push(stage(StageKind::Email {
                    token_expiry: minutes,
                    max_attempts: attempts,
                    activate_user_on_success: flag("activate_user_on_success", false)?,
                })?);
            }
            PROMPT_STAGE => {
                let list = match e.attrs.get("fields") {
                    Some(Value::Array(l)) => l.clone(),
                    None | Some(Value::Null) => Vec::new(),
                    Some(_) => {
                        return Err(err("fields", "must be a list of !KeyOf references".into()))
                    }
                };
                let mut fields = Vec::new();
                for (i, v) in list.iter().enumerate() {
                    let path = format!("fields[{i}]");
                    let id = get_ref(v)
                        .ok_or_else(|| err(&path, "must be a !KeyOf reference".into()))?;
                    let p = by_id
                        .get(id)
                        .ok_or_else(|| err(&path, format!("unknown reference !KeyOf {id}")))?;
                    if p.model != PROMPT {
                        return Err(err(
                            &path,
                            format!("!KeyOf {id} is a {}, not a {PROMPT}", p.model),
                        ));
                    }
                    fields.push(prompt_field(p)?);
                }
                plan.stages.push(stage(StageKind::Prompt { fields })?);
            }
            BINDING => {
                let flow = target(
                    "target",
                    &[FLOW],
                    e.attrs.get("target").unwrap_or(&Value::Null),
                )?;
                let stage_name = target(
                    "stage",
                    STAGE_MODELS,
                    e.attrs.get("stage").unwrap_or(&Value::Null),
                )?;
                let order = e
                    .attrs
                    .get("order")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| err("order", "must be a whole number".into()))?;
                plan.bindings.push((flow, stage_name, order));
            }
            INVITATION => {
                let fixed_data = match e.attrs.get("fixed_data") {
                    None | Some(Value::Null) => Map::new(),
                    Some(Value::Object(m)) => m.clone(),
                    Some(_) => return Err(err("fixed_data", "must be a mapping".into())),
                };
                let flow_slug =
                    target("flow", &[FLOW], e.attrs.get("flow").unwrap_or(&Value::Null))?;
                plan.invitations.push(InvitationItem {
                    name: text("name", true)?.unwrap_or_default(),
                    flow_slug,
                    single_use: flag("single_use", false)?,
                    expires: text("expires", false)?,
                    not_before: text("not_before", false)?,
                    locale: text("locale", false)?,
                    fixed_data,
                });
            }
            _ => unreachable!("models are checked when read"),
        }
    }
    plan.bindings
        .sort_by(|a, b| (a.0.as_str(), a.2).cmp(&(b.0.as_str(), b.2)));
    for w in plan.bindings.windows(2) {
        if w[0].0 == w[1].0 && w[0].2 == w[1].2 && w[0].1 != w[1].1 {
            return Err(file_err(
                "entries",
                format!("flow {} binds two stages at order {}", w[0].0, w[0].2),
            ));
        }
    }
    plan.bindings.dedup();
    Ok(plan)
}

fn prompt_field(p: &Entry) -> Result<PromptField, BlueprintError> {
    let err = |path: &str, m: &str| BlueprintError {
        entry: Some(p.index),
        model: p.model.clone(),
        path: format!("attrs.{path}"),
        message: m.into(),
    };
    let s = |k: &str| p.attrs.get(k).and_then(Value::as_str).map(str::to_owned);
    let field_type = s("type")
        .or_else(|| s("prompt_type"))
        .ok_or_else(|| err("type", "is required (type or prompt_type)"))?
        .into();
    Ok(PromptField {
        field_key: s("field_key").ok_or_else(|| err("field_key", "is required"))?,
        label: s("label").unwrap_or_default(),
        field_type,
        required: p
            .attrs
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        placeholder: s("placeholder").unwrap_or_default(),
        order: p.attrs.get("order").and_then(Value::as_i64).unwrap_or(0),
    })
}

/// authentik's timedelta strings: `minutes=30`, `hours=1;minutes=30`, `days=1`.
fn timedelta_minutes(s: &str) -> Option<i64> {
    let mut total = 0;
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (unit, n) = part.split_once('=')?;
        let n: f64 = n
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0 && *n < 1e9)?;
        total += match unit.trim() {
            "seconds" => n / 60.0,
            "minutes" => n,
            "hours" => n * 60.0,
            "days" => n * 1440.0,
            "weeks" => n * 10080.0,
            _ => return None,
        } as i64;
    }
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 35 item 6, as reproduced: a blueprint of 60,000 aliases to one 500 KB string is refused by
    /// its expanded bytes (30 GB), before it is expanded.
    #[test]
    fn a_blueprint_of_aliases_to_a_long_string_is_refused() {
        let mut text = format!(
            "version: 1\ncontext:\n  big: &big \"{}\"\nentries:\n- attrs: [",
            "x".repeat(500_000)
        );
        text.push_str(&vec!["*big"; 60_000].join(","));
        text.push_str("]\n");
        assert!(text.len() <= MAX_BYTES, "{}", text.len());
        let e = parse(&text, &BTreeMap::new()).unwrap_err();
        assert!(e.to_string().contains("expands to more than"), "{e}");
    }

    fn ctx(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const SMALL: &str = r#"
version: 1
metadata: {name: small}
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: !Context [slug, small-flow]}
    attrs: {name: Small, title: !Format ["Welcome to %s", !Context [brand, Usher]], designation: enrollment}
  - model: authentik_stages_prompt.prompt
    id: field
    identifiers: {name: f}
    attrs: {field_key: username, label: Username, prompt_type: username, order: 0}
  - model: authentik_stages_prompt.promptstage
    id: stage
    identifiers: {name: small-prompt}
    attrs: {fields: [!KeyOf field]}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf stage, order: 10}
"#;

    #[test]
    fn an_invitation_entry_may_carry_a_start_time() {
        let text = format!(
            "{SMALL}  - model: authentik_stages_invitation.invitation\n    identifiers: {{name: cohort}}\n    attrs: {{flow: !KeyOf flow, expires: \"2099-02-01T00:00:00Z\", not_before: \"2099-01-01T12:00:00Z\"}}\n"
        );
        let p = parse(&text, &BTreeMap::new()).unwrap();
        assert_eq!(p.invitations[0].name, "cohort");
        assert_eq!(
            p.invitations[0].not_before.as_deref(),
            Some("2099-01-01T12:00:00Z")
        );
        let without = text.replace(", not_before: \"2099-01-01T12:00:00Z\"", "");
        assert_eq!(
            parse(&without, &BTreeMap::new()).unwrap().invitations[0].not_before,
            None
        );
    }

    #[test]
    fn tags_resolve_with_context_and_defaults() {
        let p = parse(SMALL, &BTreeMap::new()).unwrap();
        assert_eq!(p.flows[0].slug, "small-flow");
        assert_eq!(p.flows[0].title, "Welcome to Usher");
        let p = parse(SMALL, &ctx(&[("slug", "other"), ("brand", "Acme")])).unwrap();
        assert_eq!(
            (p.flows[0].slug.as_str(), p.flows[0].title.as_str()),
            ("other", "Welcome to Acme")
        );
        assert_eq!(
            p.bindings,
            vec![("other".to_owned(), "small-prompt".to_owned(), 10)]
        );
        let defs = p.flow_defs();
        assert!(
            matches!(&defs[0].stages[0].kind, StageKind::Prompt { fields } if fields[0].field_type == crate::domain::flow::PromptType::Username)
        );
    }

    #[test]
    fn errors_name_the_entry_and_the_path() {
        let bad = SMALL.replace(
            "fields: [!KeyOf field]",
            "fields: [!KeyOf field, !KeyOf nowhere]",
        );
        let e = parse(&bad, &BTreeMap::new()).unwrap_err();
        assert_eq!((e.entry, e.path.as_str()), (Some(3), "attrs.fields[1]"));
        assert!(
            e.to_string().contains("unknown reference !KeyOf nowhere"),
            "{e}"
        );
        let e = parse(
            &SMALL.replace(
                "designation: enrollment",
                "designation: enrollment, colour: red",
            ),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!((e.entry, e.path.as_str()), (Some(1), "attrs.colour"));
        let e = parse(
            &SMALL.replace("designation: enrollment", "designation: signup"),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!((e.entry, e.path.as_str()), (Some(1), "attrs.designation"));
        assert!(e.message.contains("not a flow designation"), "{e}");
        let e = parse(
            &SMALL.replace(
                "authentik_stages_prompt.promptstage",
                "authentik_stages_captcha.captchastage",
            ),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!((e.entry, e.path.as_str()), (Some(3), "model"));
        assert!(e.to_string().contains("unknown model"));
        let e = parse(
            &SMALL.replace("!KeyOf stage, order", "!KeyOf field, order"),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(e.message.contains("not a"), "{e}");
        let e = parse(
            &SMALL.replace("!Context [slug", "!Env [slug"),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(e.message.contains("unsupported tag !Env"), "{e}");
        assert!(parse("version: 2\nentries: []\n", &BTreeMap::new())
            .unwrap_err()
            .message
            .contains("version 1"));
        assert!(parse(": : :", &BTreeMap::new()).is_err());
        let looping = SMALL.replace(
            "metadata: {name: small}",
            "metadata: {name: small}\ncontext: {slug: !Context slug}",
        );
        assert_eq!(
            parse(&looping, &BTreeMap::new()).unwrap_err().path,
            "context.slug"
        );
        let huge = SMALL.replace(
            "  - model: authentik_flows.flowstagebinding",
            "  - model: authentik_stages_email.emailstage\n    identifiers: {name: e}\n    attrs: {token_expiry: 9223372036854775807}\n  - model: authentik_flows.flowstagebinding",
        );
        assert!(parse(&huge, &BTreeMap::new())
            .unwrap_err()
            .message
            .contains("a week"));
    }

    #[test]
    fn percent_format_and_timedeltas() {
        assert_eq!(
            format_percent("users/%s", &["external".into()]),
            Ok("users/external".into())
        );
        assert_eq!(
            format_percent("100%% %s", &["a".into()]),
            Ok("100% a".into())
        );
        assert!(format_percent("%s %s", &["a".into()]).is_err());
        assert!(format_percent("%s", &["a".into(), "b".into()]).is_err());
        assert_eq!(timedelta_minutes("minutes=30"), Some(30));
        assert_eq!(timedelta_minutes("hours=1;minutes=30"), Some(90));
        assert_eq!(timedelta_minutes("fortnights=1"), None);
        assert_eq!(timedelta_minutes("days=1e300"), None);
    }

    #[test]
    fn context_text_takes_the_defaults_type() {
        assert_eq!(
            coerce(&Y::String("true".into()), &Y::Bool(false)),
            Y::Bool(true)
        );
        assert_eq!(
            coerce(&Y::String("7".into()), &Y::Number(1.into())),
            Y::Number(7.into())
        );
        assert_eq!(
            coerce(&Y::String("x".into()), &Y::String("d".into())),
            Y::String("x".into())
        );
    }

    #[test]
    fn changes_to_builtins_are_named_and_reapplying_them_is_none() {
        let builtin = crate::domain::flow::builtin_flows();
        let slug = "default-enrollment-flow";
        let stored: Vec<FlowDef> = builtin.clone();
        let mine = stored.iter().find(|f| f.slug == slug).unwrap().clone();
        // A plan that restates the stored flow exactly changes nothing.
        let same = Plan {
            name: "same".into(),
            groups: vec![],
            flows: vec![FlowDef {
                stages: vec![],
                ..mine.clone()
            }],
            stages: mine.stages.clone(),
            bindings: mine
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| (slug.to_owned(), s.name.clone(), i as i64 * 10))
                .collect(),
            invitations: vec![],
        };
        assert_eq!(
            builtin_changes(&same, &stored, &builtin),
            Vec::<String>::new()
        );
        // Another title, and one stage fewer: the flow changes.
        let mut other = same.clone();
        other.flows[0].title = "Join us".into();
        assert_eq!(
            builtin_changes(&other, &stored, &builtin),
            vec![format!("flow {slug}")]
        );
        let mut fewer = same.clone();
        fewer.bindings.pop();
        assert_eq!(
            builtin_changes(&fewer, &stored, &builtin),
            vec![format!("flow {slug}")]
        );
        // A flow of another slug, or a deleted built-in recreated, is no change to a built-in.
        let mut elsewhere = same.clone();
        elsewhere.flows[0].slug = "my-own-flow".into();
        for b in &mut elsewhere.bindings {
            b.0 = "my-own-flow".into();
        }
        assert!(builtin_changes(&elsewhere, &stored, &builtin).is_empty());
        assert!(builtin_changes(&other, &[], &builtin).is_empty());
        // A built-in stage stored with other settings.
        let mut stage = elsewhere.clone();
        let first = stage.stages[0].name.clone();
        stage.stages[0].kind = crate::domain::flow::StageKind::Invitation {
            continue_flow_without_invitation: true,
        };
        assert_eq!(
            builtin_changes(&stage, &stored, &builtin),
            vec![format!("stage {first}")]
        );
    }
}
