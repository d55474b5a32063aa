//! Flows and stages as data (authentik's model): a flow is an ordered list of stage bindings; each
//! stage has a kind and its own settings. The built-in flows are defined in `app/flows/builtin.yaml`.

use serde::{Deserialize, Serialize};

/// A prompt field of a `prompt` stage (authentik `authentik_stages_prompt.prompt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptField {
    /// The key the value is stored under; matched against `fixed_data` keys for pre-fill.
    pub field_key: String,
    /// The label shown to the invitee.
    pub label: String,
    /// authentik's prompt type: `username`, `text`, `email`, `password`, …
    #[serde(rename = "type", alias = "prompt_type")]
    pub field_type: PromptType,
    /// Whether a value must be given.
    #[serde(default)]
    pub required: bool,
    /// Placeholder text.
    #[serde(default)]
    pub placeholder: String,
    /// Sort order within the stage (ascending).
    #[serde(default)]
    pub order: i64,
}

impl PromptField {
    /// The HTML `<input type>` for this prompt type.
    pub fn input_type(&self) -> &'static str {
        match self.field_type {
            PromptType::Password => "password",
            PromptType::Email => "email",
            PromptType::Number => "number",
            PromptType::Date => "date",
            _ => "text",
        }
    }
}

/// `user_type` of a `user_write` stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UserType {
    /// Employees: full access.
    #[default]
    Internal,
    /// Customers and partners.
    External,
}

impl UserType {
    /// `internal` or `external`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::External => "external",
        }
    }

    /// The type in `l`'s words (`user-type-…`; the stored text in English).
    pub fn label(self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Internal => crate::t!(l, "user-type-internal"),
            Self::External => crate::t!(l, "user-type-external"),
        }
    }

    /// The stored text back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "internal" => Some(Self::Internal),
            "external" => Some(Self::External),
            _ => None,
        }
    }
}

/// A stored `user_type` that is neither `internal` nor `external` (a corrupt row; readers refuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownUserType(pub String);

impl UnknownUserType {
    /// This error's message in `l` (the catalogue's `err-flow-unknown-user-type` key); its
    /// `Display` is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(
            l,
            "err-flow-unknown-user-type",
            value = format!("{:?}", self.0)
        )
    }
}

impl std::fmt::Display for UnknownUserType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for UnknownUserType {}

impl TryFrom<String> for UserType {
    type Error = UnknownUserType;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownUserType(s))
    }
}

/// authentik's prompt `type`, as far as Usher treats types differently; any other type
/// (`text_area`, `checkbox`, …) is kept as written and shown as a text input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PromptType {
    /// `username`: checked as a username and for being free.
    Username,
    /// `email`: normalised and checked against the invitation's email rules.
    Email,
    /// `password`: never trimmed, never echoed back, stored only as an argon2id hash.
    Password,
    /// `text`.
    Text,
    /// `number`.
    Number,
    /// `date`.
    Date,
    /// Any other authentik type, verbatim.
    Other(String),
}

impl PromptType {
    /// The type as authentik writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
            Self::Password => "password",
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Other(s) => s,
        }
    }
}

impl From<String> for PromptType {
    fn from(s: String) -> Self {
        match s.as_str() {
            "username" => Self::Username,
            "email" => Self::Email,
            "password" => Self::Password,
            "text" => Self::Text,
            "number" => Self::Number,
            "date" => Self::Date,
            _ => Self::Other(s),
        }
    }
}

impl From<&str> for PromptType {
    fn from(s: &str) -> Self {
        Self::from(s.to_owned())
    }
}

impl From<PromptType> for String {
    fn from(t: PromptType) -> Self {
        t.as_str().to_owned()
    }
}

/// A stage's settings, tagged by `kind` (authentik stage models).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StageKind {
    /// `authentik_stages_invitation.invitationstage`.
    Invitation {
        /// When false, the flow cannot run without a valid invitation.
        #[serde(default)]
        continue_flow_without_invitation: bool,
    },
    /// `authentik_stages_prompt.promptstage` with its fields.
    Prompt {
        /// The fields, shown sorted by `order`.
        fields: Vec<PromptField>,
    },
    /// `authentik_stages_user_write.userwritestage`.
    UserWrite {
        /// Whether the stage creates accounts (authentik's `user_creation_mode`).
        #[serde(default)]
        user_creation_mode: UserCreationMode,
        /// The type given to created users.
        #[serde(default)]
        user_type: UserType,
        /// The path given to created users, e.g. `users/external`.
        #[serde(default = "default_path")]
        user_path_template: String,
        /// Name of a group every created user joins.
        #[serde(default)]
        create_users_group: Option<String>,
        /// Create users inactive.
        #[serde(default)]
        create_users_as_inactive: bool,
    },
    /// `authentik_stages_email.emailstage`: the invitee proves their address with a one-time code sent to
    /// it ([`crate::domain::verification`]). Wherever it is bound, Usher runs it after the prompts and
    /// before `user_write`, so nothing is granted before the proof.
    Email {
        /// Code lifetime, minutes (authentik's `token_expiry`, default 30).
        #[serde(default = "default_token_expiry")]
        token_expiry: i64,
        /// Wrong codes allowed before a new one must be asked for.
        #[serde(default = "default_max_attempts")]
        max_attempts: i64,
        /// Whether proving the address activates an account the `user_write` stage creates inactive
        /// (authentik's `activate_user_on_success`).
        #[serde(default)]
        activate_user_on_success: bool,
    },
    /// `authentik_stages_user_login.userloginstage`: signs the user in.
    UserLogin,
}

fn default_token_expiry() -> i64 {
    crate::domain::verification::DEFAULT_TOKEN_EXPIRY_MINUTES
}

fn default_max_attempts() -> i64 {
    crate::domain::verification::DEFAULT_MAX_ATTEMPTS
}

/// Whether a `user_write` stage creates accounts: authentik's `user_creation_mode`
/// (`UserCreationMode`). A flow whose `user_write` is `never_create` enrolls nobody
/// ([`crate::domain::journey::Journey::may_enroll`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserCreationMode {
    /// Create the account (authentik's default).
    #[default]
    AlwaysCreate,
    /// Create it when there is none to update (for Usher, the same: enrollment has no account yet).
    CreateWhenRequired,
    /// Never create one: the flow cannot enroll.
    NeverCreate,
}

impl UserCreationMode {
    /// Every mode, in authentik's order.
    pub const ALL: [Self; 3] = [
        Self::AlwaysCreate,
        Self::CreateWhenRequired,
        Self::NeverCreate,
    ];

    /// The stored and wire name, e.g. `never_create`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AlwaysCreate => "always_create",
            Self::CreateWhenRequired => "create_when_required",
            Self::NeverCreate => "never_create",
        }
    }

    /// The mode named `s` exactly; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

fn default_path() -> String {
    "users".into()
}

impl StageKind {
    /// The kind's name as stored: `invitation`, `prompt`, `user_write`, `email`, `user_login`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Invitation { .. } => "invitation",
            Self::Prompt { .. } => "prompt",
            Self::UserWrite { .. } => "user_write",
            Self::Email { .. } => "email",
            Self::UserLogin => "user_login",
        }
    }
}

/// A named stage definition, as in a flow file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDef {
    /// Unique stage name.
    pub name: String,
    /// Kind and settings.
    #[serde(flatten)]
    pub kind: StageKind,
}

/// A flow definition with its stages in binding order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowDef {
    /// URL slug, e.g. `default-enrollment-flow`.
    pub slug: String,
    /// Admin-facing name.
    pub name: String,
    /// Title shown to the invitee.
    pub title: String,
    /// What the flow is for (`enrollment`, `authentication`, …).
    pub designation: Designation,
    /// authentik's `authentication` requirement, e.g. `require_unauthenticated`.
    pub authentication: Authentication,
    /// Open enrollment: a visitor without an invitation may run the flow. Off unless an admin turns it on
    /// (Flows & Stages); a blueprint never does, so a flow without an invitation stage still asks for
    /// one (issue 12: "no invitation, no account").
    #[serde(default)]
    pub open_enrollment: bool,
    /// Stages in order.
    pub stages: Vec<StageDef>,
}

/// What a flow is for: authentik's `designation` (`authentik_flows.flow.designation`, the choices of
/// `FlowDesignation`). Only `enrollment` flows create accounts ([`crate::domain::journey`]); the others
/// are kept so an authentik blueprint imports as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Designation {
    /// Sign-in flows.
    Authentication,
    /// Consent flows.
    Authorization,
    /// Sign-out flows.
    Invalidation,
    /// Enrollment flows: the ones Usher runs.
    #[default]
    Enrollment,
    /// Account removal.
    Unenrollment,
    /// Recovery.
    Recovery,
    /// Stage configuration.
    StageConfiguration,
}

impl Designation {
    /// Every designation, in authentik's order.
    pub const ALL: [Self; 7] = [
        Self::Authentication,
        Self::Authorization,
        Self::Invalidation,
        Self::Enrollment,
        Self::Unenrollment,
        Self::Recovery,
        Self::StageConfiguration,
    ];

    /// The stored and wire name, e.g. `stage_configuration`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::Authorization => "authorization",
            Self::Invalidation => "invalidation",
            Self::Enrollment => "enrollment",
            Self::Unenrollment => "unenrollment",
            Self::Recovery => "recovery",
            Self::StageConfiguration => "stage_configuration",
        }
    }

    /// The designation named `s` exactly; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl std::fmt::Display for Designation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored designation that is none of authentik's ([`Designation::ALL`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDesignation(pub String);

impl UnknownDesignation {
    /// This error's message in `l` (the catalogue's `err-flow-unknown-designation` key); its
    /// `Display` is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(
            l,
            "err-flow-unknown-designation",
            value = format!("{:?}", self.0)
        )
    }
}

impl std::fmt::Display for UnknownDesignation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for UnknownDesignation {}

impl TryFrom<String> for Designation {
    type Error = UnknownDesignation;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownDesignation(s))
    }
}

/// Who may run a flow: authentik's `authentication` requirement (`FlowAuthenticationRequirement`).
/// Usher checks `none`, `require_unauthenticated`, `require_authenticated` and `require_superuser`; a
/// flow requiring what it cannot check (`require_redirect`, `require_outpost`) is closed to everyone
/// ([`crate::domain::journey::Journey::may_enroll`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authentication {
    /// Anyone.
    #[default]
    None,
    /// Only a signed-in account.
    RequireAuthenticated,
    /// Only a visitor who is not signed in.
    RequireUnauthenticated,
    /// Only a superuser.
    RequireSuperuser,
    /// Only a visitor redirected from elsewhere (Usher cannot check it: closed).
    RequireRedirect,
    /// Only through an outpost (Usher has none: closed).
    RequireOutpost,
}

impl Authentication {
    /// Every requirement, in authentik's order.
    pub const ALL: [Self; 6] = [
        Self::None,
        Self::RequireAuthenticated,
        Self::RequireUnauthenticated,
        Self::RequireSuperuser,
        Self::RequireRedirect,
        Self::RequireOutpost,
    ];

    /// The stored and wire name, e.g. `require_unauthenticated`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::RequireAuthenticated => "require_authenticated",
            Self::RequireUnauthenticated => "require_unauthenticated",
            Self::RequireSuperuser => "require_superuser",
            Self::RequireRedirect => "require_redirect",
            Self::RequireOutpost => "require_outpost",
        }
    }

    /// The requirement named `s` exactly (an empty text is `none`, as flows stored before it was
    /// checked may hold); `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        if s.is_empty() {
            return Some(Self::None);
        }
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A stored or imported `authentication` that is none of authentik's ([`Authentication::ALL`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAuthentication(pub String);

impl UnknownAuthentication {
    /// This error's message in `l` (the catalogue's `err-flow-unknown-authentication` key); its
    /// `Display` is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(
            l,
            "err-flow-unknown-authentication",
            value = format!("{:?}", self.0)
        )
    }
}

impl std::fmt::Display for UnknownAuthentication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for UnknownAuthentication {}

impl TryFrom<String> for Authentication {
    type Error = UnknownAuthentication;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownAuthentication(s))
    }
}

/// The file form of flow definitions.
#[derive(Debug, Clone, Deserialize)]
pub struct FlowFile {
    /// The flows.
    pub flows: Vec<FlowDef>,
}

/// The field a blueprint import is refused on when it would change the built-in flows or stages and the
/// admin has not confirmed it (`service::blueprints::BuiltinChanges`); the import form asks on it.
pub const CONFIRM_BUILTIN_FIELD: &str = "confirm_builtin";

/// Usher's built-in flow definitions (`app/flows/builtin.yaml`).
#[cfg(feature = "ssr")]
pub fn builtin_flows() -> Vec<FlowDef> {
    let file: FlowFile = yaml_serde::from_str(include_str!("../../flows/builtin.yaml"))
        .expect("app/flows/builtin.yaml is valid (checked by a unit test)");
    file.flows
}

/// The built-in flow definitions earlier releases shipped (`app/flows/builtin-shipped-1.yaml`: each with an
/// email stage, which the current ones dropped to match authentik's examples, issue 34).
#[cfg(feature = "ssr")]
pub fn earlier_builtin_flows() -> Vec<FlowDef> {
    let file: FlowFile = yaml_serde::from_str(include_str!("../../flows/builtin-shipped-1.yaml"))
        .expect("app/flows/builtin-shipped-1.yaml is valid (checked by a unit test)");
    file.flows
}

/// Whether the stored flow `stored` is still exactly as a release shipped it (one of `shipped`, same
/// slug): the same name, title, designation, authentication and stages (names, kinds and settings) in
/// the same order. Open enrollment is a switch an admin may turn without the flow counting as edited.
pub fn is_as_shipped(stored: &FlowDef, shipped: &[FlowDef]) -> bool {
    shipped.iter().any(|s| {
        s.slug == stored.slug
            && s.name == stored.name
            && s.title == stored.title
            && s.designation == stored.designation
            && s.authentication == stored.authentication
            && s.stages == stored.stages
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn builtin_flows_parse_and_begin_with_a_strict_invitation_stage() {
        let flows = builtin_flows();
        let slugs: Vec<_> = flows.iter().map(|f| f.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "default-enrollment-flow",
                "invitation-enrollment-flow-external",
                "invitation-enrollment-flow-internal"
            ]
        );
        for f in &flows {
            assert_eq!(
                f.stages[0].kind,
                StageKind::Invitation {
                    continue_flow_without_invitation: false
                },
                "{}",
                f.slug
            );
            assert!(f
                .stages
                .iter()
                .any(|s| matches!(&s.kind, StageKind::Prompt { fields } if fields.len() == 5)));
            // authentik's examples: no email stage, so link mode needs no mail (issue 34).
            let kinds: Vec<_> = f.stages.iter().map(|s| s.kind.name()).collect();
            assert_eq!(
                kinds,
                ["invitation", "prompt", "user_write", "user_login"],
                "{}",
                f.slug
            );
        }
        let ext = flows
            .iter()
            .find(|f| f.slug == "invitation-enrollment-flow-external")
            .unwrap();
        assert!(ext.stages.iter().any(|s| matches!(&s.kind,
            StageKind::UserWrite { user_type: UserType::External, user_path_template, .. } if user_path_template == "users/external")));
    }

    #[test]
    fn earlier_builtin_flows_are_the_current_ones_with_an_email_stage() {
        let now = builtin_flows();
        let before = earlier_builtin_flows();
        assert_eq!(now.len(), before.len());
        for (n, b) in now.iter().zip(&before) {
            assert_eq!(n.slug, b.slug);
            let mut without: Vec<_> = b.stages.clone();
            without.retain(|s| !matches!(s.kind, StageKind::Email { .. }));
            assert_eq!(without, n.stages, "{}", n.slug);
            assert_eq!(b.stages.len(), n.stages.len() + 1, "{}", n.slug);
        }
    }

    #[test]
    fn a_flow_is_as_shipped_only_while_unchanged_but_for_open_enrollment() {
        let shipped = earlier_builtin_flows();
        let mut f = shipped[1].clone();
        assert!(is_as_shipped(&f, &shipped));
        f.open_enrollment = true;
        assert!(is_as_shipped(&f, &shipped), "open enrollment is a switch");
        let edits: [fn(&mut FlowDef); 5] = [
            |f| f.title.push('!'),
            |f| f.stages.truncate(4),
            |f| f.stages.swap(2, 3),
            |f| f.stages[2].name.push('x'),
            |f| {
                if let StageKind::Email { token_expiry, .. } = &mut f.stages[2].kind {
                    *token_expiry = 60;
                }
            },
        ];
        for edit in edits {
            let mut e = shipped[1].clone();
            edit(&mut e);
            assert_ne!(e, shipped[1]);
            assert!(!is_as_shipped(&e, &shipped), "{e:?}");
        }
        // Another flow's definition does not count for this slug.
        let mut other = shipped[0].clone();
        other.slug = shipped[1].slug.clone();
        assert!(!is_as_shipped(&other, &shipped));
    }

    #[test]
    fn email_stage_defaults_are_authentiks() {
        let s: StageDef = yaml_serde::from_str("name: verify\nkind: email\n").unwrap();
        assert_eq!(
            s.kind,
            StageKind::Email {
                token_expiry: 30,
                max_attempts: 5,
                activate_user_on_success: false,
            }
        );
    }

    #[test]
    fn prompt_type_alias_is_accepted() {
        let f: PromptField =
            yaml_serde::from_str("field_key: a\nlabel: A\nprompt_type: email\n").unwrap();
        assert_eq!(f.input_type(), "email");
    }
}

/// Whether `slug` is an authentik slug (`^[-a-zA-Z0-9_]+$`, the `SlugField` of its flows), and so safe in
/// a URL path as it is.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod slug_tests {
    use super::is_slug;

    #[test]
    fn slugs_are_letters_digits_dashes_and_underscores() {
        assert!(is_slug("default-enrollment-flow"));
        assert!(is_slug("a_B-9"));
        for bad in ["", "a/b", "a b", "a?x=1", "ä", "../x", "a%2F"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod designation_tests {
    use super::Designation;

    #[test]
    fn designations_round_trip_and_unknown_ones_are_refused() {
        for d in Designation::ALL {
            assert_eq!(Designation::parse(d.as_str()), Some(d));
            assert_eq!(Designation::try_from(d.as_str().to_owned()), Ok(d));
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{}\"", d.as_str()));
        }
        assert_eq!(Designation::parse("Enrollment"), None);
        assert!(Designation::try_from("signup".to_owned()).is_err());
    }

    #[test]
    fn authentication_requirements_round_trip_and_unknown_ones_are_refused() {
        use super::Authentication;
        for a in Authentication::ALL {
            assert_eq!(Authentication::parse(a.as_str()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
        }
        assert_eq!(Authentication::parse(""), Some(Authentication::None));
        assert!(Authentication::try_from("require_magic".to_owned()).is_err());
    }

    #[test]
    fn user_creation_modes_round_trip() {
        use super::UserCreationMode;
        for m in UserCreationMode::ALL {
            assert_eq!(UserCreationMode::parse(m.as_str()), Some(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
        }
        assert_eq!(UserCreationMode::parse("sometimes"), None);
    }
}
