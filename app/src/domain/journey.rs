//! The invitee journey as a pure state machine: authentik's flow executor reduced to Usher's stage kinds.
//! From a flow definition, the invitation's standing, the plan kept in the session and a submission, it
//! decides what happens next (the next prompt, the email proof, writing the user, or a refusal with its
//! reason). The service (`crate::service::enrollment`) does the I/O around it: it loads the flow, the
//! invitation and the policies once per request, validates prompt values, sends codes and runs the
//! granting transaction.
//!
//! The order is fixed whatever the bindings say (DESIGN.md, "nothing is granted before the proof"):
//! the prompt stages in binding order, then the `email` stage when the address is not already proven by
//! Usher's delivery of the link, then `user_write`, then `user_login` when the account is active.

use crate::domain::flow::{FlowDef, PromptField, StageKind, UserType};
use crate::domain::invitation::InvitationStatus;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A flow in progress (authentik's flow plan): which flow, with which invitation token, at which stage,
/// and what the prompts collected so far. Kept server-side in the session; a password only sealed
/// under the instance secret ([`SEALED_PASSWORD`]), hashed once at the `user_write` stage.
/// The plan context key of the invitee's password, sealed (XChaCha20-Poly1305 under the instance
/// secret, bound to the flow) until the `user_write` stage hashes it: one argon2id hash per enrollment,
/// however many posts, policy refusals and code guesses come before it (issue 35 item 2). Never shown
/// to policies.
pub const SEALED_PASSWORD: &str = "password_sealed";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowPlan {
    /// Flow slug.
    pub slug: String,
    /// The lookup digest of the invitation token the flow was started with (never the token: plans
    /// are stored in the sessions table); callers compare digests ([`FlowPlan::is_for`]).
    pub token: Option<String>,
    /// Index of the next stage to run, in the flow's bindings.
    pub stage: usize,
    /// Collected prompt values by `field_key` ([`SEALED_PASSWORD`] instead of a password).
    pub context: Map<String, Value>,
    /// The email verification in progress (pk in `email_verifications`), kept when the invitee starts the
    /// prompts again in this browser, so going back does not send another code.
    #[serde(default)]
    pub verification: Option<String>,
}

impl FlowPlan {
    /// Whether this plan is for this flow and this invitation token.
    pub fn is_for(&self, slug: &str, token: Option<&str>) -> bool {
        self.slug == slug && self.token.as_deref() == token
    }

    /// The text value collected under `key`, if any.
    pub fn text(&self, key: &str) -> Option<String> {
        self.context
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

/// What a browser typed into a prompt stage that was refused (a field error), kept in the session so that
/// the page the server sends it back to shows it again: the invitee pages are plain forms without
/// JavaScript (issue 13, P5), so nothing else keeps the typed values across the redirect. Only the
/// stage's own fields, never a password, each at most `max_chars` characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageDraft {
    /// Flow slug.
    pub slug: String,
    /// The lookup digest of the invitation token (as [`FlowPlan::token`]).
    pub token: Option<String>,
    /// Index of the stage the values were typed into.
    pub stage: usize,
    /// Typed values by `field_key`.
    pub values: std::collections::BTreeMap<String, String>,
}

impl StageDraft {
    /// The draft of a submission of `values` to the stage at `stage`, which has `fields`: the declared,
    /// non-password fields, values over `max_chars` characters left out.
    pub fn new(
        slug: &str,
        token: Option<String>,
        stage: usize,
        fields: &[PromptField],
        values: &std::collections::HashMap<String, String>,
        max_chars: usize,
    ) -> Self {
        let values = fields
            .iter()
            .filter(|f| f.field_type != crate::domain::flow::PromptType::Password)
            .filter_map(|f| {
                let v = values.get(&f.field_key)?;
                (v.chars().count() <= max_chars).then(|| (f.field_key.clone(), v.clone()))
            })
            .collect();
        Self {
            slug: slug.to_owned(),
            token,
            stage,
            values,
        }
    }

    /// The value typed under `key`, when this draft is of this flow, token and stage.
    pub fn value(&self, slug: &str, token: Option<&str>, stage: usize, key: &str) -> Option<&str> {
        (self.slug == slug && self.token.as_deref() == token && self.stage == stage)
            .then(|| self.values.get(key).map(String::as_str))
            .flatten()
    }
}

/// Settings of the `email` stage's code (authentik's `token_expiry`, Usher's attempt budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeSettings {
    /// Code lifetime, minutes (at least 1).
    pub token_expiry_minutes: i64,
    /// Wrong codes allowed per code (at least 1).
    pub max_attempts: i64,
}

/// What the `user_write` stage gives a new account (defaults when the flow binds none: internal,
/// path `users`, no group, active).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSettings {
    /// `user_type`.
    pub user_type: UserType,
    /// `user_path_template`.
    pub path: String,
    /// `create_users_group`: a group every created user joins.
    pub group: Option<String>,
    /// `create_users_as_inactive`.
    pub inactive: bool,
}

/// Why a journey is refused. The invitee sees a safe message only (the service maps these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No usable invitation: none given to a flow that needs one, unknown, or for another flow (404,
    /// never saying which).
    NotFound,
    /// The invitation exists for this flow but is disabled, expired or used up (410 with the reason).
    Inactive(InvitationStatus),
    /// A stage was submitted that this browser's plan is not at ("a flow that was not started cannot
    /// be jumped into mid-way").
    NotStarted,
    /// The flow has no prompt stage, so there is nothing to show (a broken flow definition).
    NoPromptStage,
}

/// Who opens a flow: authentik's `authentication` setting is judged against this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visitor {
    /// Not signed in.
    Anonymous,
    /// Signed in.
    SignedIn {
        /// Whether the account is a superuser.
        superuser: bool,
    },
}

/// Why a flow cannot create an account for this visitor (its settings say so). The landing page shows
/// the reason instead of the prompt form, still offering an existing account's way in; a submission is
/// refused before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// `designation` is not `enrollment`: only enrollment flows enroll.
    NotEnrollment,
    /// The `user_write` stage says `user_creation_mode: never_create`.
    NeverCreate,
    /// `authentication: require_unauthenticated` and the visitor is signed in: they must sign out first
    /// (or accept as themselves); the flow never switches them to a new account.
    SignedIn,
    /// `require_authenticated` and the visitor is anonymous.
    SignInRequired,
    /// `require_superuser` and the visitor is not a superuser.
    SuperuserRequired,
    /// A requirement Usher cannot check (`require_redirect`, `require_outpost`, or unknown): refused,
    /// never assumed met.
    Unsupported(String),
}

/// What runs after the last prompt stage was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send a code to the entered address and show the `email` stage (at this index).
    ProveEmail {
        /// The `email` stage's index in the bindings.
        index: usize,
        /// Its code settings.
        settings: CodeSettings,
    },
    /// Write the user now.
    WriteUser(Enrolment),
}

/// How the invitee's address was proven before `user_write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// Not proven (the invitation needs no proof, or the flow asks for none).
    None,
    /// Usher delivered this invitation's current link to the address: that proves the address **for
    /// this invitation only** (issue 12: whoever holds a forwarded or copied link holds the proof), so
    /// the account's `email_verified` stays false.
    Delivery,
    /// The invitee typed the code sent to the address: the account's address is verified.
    Code,
}

/// How the account is written once every stage before `user_write` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enrolment {
    /// The account's `email_verified`: only a code proves the address beyond this invitation.
    pub verified: bool,
    /// Whether the account is created active.
    pub active: bool,
    /// Whether the invitee is signed in afterwards (a `user_login` stage and an active account).
    pub login: bool,
}

/// Which stage a submission runs, and in which plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Submission {
    /// A prompt stage; the plan is new when it is the flow's first prompt stage.
    Prompt(FlowPlan),
    /// The `email` stage's code, for the verification in progress.
    Code {
        /// The plan (at the `email` stage).
        plan: FlowPlan,
        /// The verification the code must match (pk in `email_verifications`).
        verification: String,
    },
}

/// The code settings of the implicit `email` stage (the defaults of authentik's email stage and of
/// Usher's attempt budget).
pub const IMPLICIT_CODE: CodeSettings = CodeSettings {
    token_expiry_minutes: crate::domain::verification::DEFAULT_TOKEN_EXPIRY_MINUTES,
    max_attempts: crate::domain::verification::DEFAULT_MAX_ATTEMPTS,
};

/// The journey through one flow definition.
#[derive(Debug, Clone, Copy)]
pub struct Journey<'a> {
    def: &'a FlowDef,
    /// Whether the invitation is limited by email rules, so the address must be proven even when the
    /// flow binds no `email` stage.
    email_limited: bool,
}

impl<'a> Journey<'a> {
    /// The journey of `def` without an invitation, or with one that has no email rules.
    pub fn new(def: &'a FlowDef) -> Self {
        Self {
            def,
            email_limited: false,
        }
    }

    /// The journey of `def` for an invitation that is (`email_limited`) or is not limited by email
    /// rules. **Email-limited means proven** (issue 12): when such an invitation runs on a flow that binds
    /// no `email` stage (authentik's `flows-invitation-enrollment.yaml` binds none), the journey gets
    /// one implicitly, after the flow's stages (index `stages.len()`, no name, [`IMPLICIT_CODE`]), so
    /// `*@company.com` never means "type any company address".
    pub fn for_invitation(def: &'a FlowDef, email_limited: bool) -> Self {
        Self { def, email_limited }
    }

    fn first<T>(&self, pick: impl Fn(&'a StageKind) -> Option<T>) -> Option<T> {
        self.def.stages.iter().find_map(|s| pick(&s.kind))
    }

    /// Whether a visitor without an invitation token may run the flow: only when an admin made it
    /// **open enrollment** and its invitation stage, if it binds one, has
    /// `continue_flow_without_invitation`. A flow without an invitation stage is not open by that alone:
    /// it runs an implicit invitation stage, so whatever flow or blueprint is loaded, no invitation
    /// means no account (issue 12; authentik's `flows-enrollment-2-stage.yaml` binds none).
    pub fn runs_without_invitation(&self) -> bool {
        self.def.open_enrollment
            && self.first(|k| match k {
                StageKind::Invitation {
                    continue_flow_without_invitation,
                } => Some(*continue_flow_without_invitation),
                _ => None,
            }) != Some(false)
    }

    /// Whether a signed-in account (a `superuser` or not) may accept an invitation of this flow as
    /// itself (authentik's "accept as"): the flow does not run, but its `authentication` still says who
    /// may use it (issue 35 item 6). `none`, `require_unauthenticated` (enrolling is for the anonymous;
    /// accepting is the signed-in alternative) and `require_authenticated` admit any account;
    /// `require_superuser` only superusers; what Usher cannot check (`require_redirect`,
    /// `require_outpost`, unknown) nobody.
    ///
    /// # Errors
    /// [`Closed::SuperuserRequired`] or [`Closed::Unsupported`].
    pub fn may_accept(&self, superuser: bool) -> Result<(), Closed> {
        use crate::domain::flow::Authentication as A;
        match self.def.authentication {
            A::None | A::RequireUnauthenticated | A::RequireAuthenticated => Ok(()),
            A::RequireSuperuser if superuser => Ok(()),
            A::RequireSuperuser => Err(Closed::SuperuserRequired),
            other @ (A::RequireRedirect | A::RequireOutpost) => {
                Err(Closed::Unsupported(other.as_str().to_owned()))
            }
        }
    }

    /// Whether this flow may create an account for `visitor`, by its settings: `designation`
    /// (only `enrollment`), `user_write`'s `user_creation_mode` (not `never_create`) and
    /// `authentication` (`none`, `require_unauthenticated`, `require_authenticated`,
    /// `require_superuser`; anything else is refused). Whatever flow or blueprint is loaded (issue 12).
    ///
    /// # Errors
    /// The first setting that closes the flow to `visitor`.
    pub fn may_enroll(&self, visitor: Visitor) -> Result<(), Closed> {
        if self.def.designation != crate::domain::flow::Designation::Enrollment {
            return Err(Closed::NotEnrollment);
        }
        let never_create = self.def.stages.iter().any(|s| {
            matches!(&s.kind, StageKind::UserWrite { user_creation_mode, .. } if *user_creation_mode == crate::domain::flow::UserCreationMode::NeverCreate)
        });
        if never_create {
            return Err(Closed::NeverCreate);
        }
        use crate::domain::flow::Authentication as A;
        match (self.def.authentication, visitor) {
            (A::None, _) => Ok(()),
            (A::RequireUnauthenticated, Visitor::Anonymous) => Ok(()),
            (A::RequireUnauthenticated, Visitor::SignedIn { .. }) => Err(Closed::SignedIn),
            (A::RequireAuthenticated, Visitor::SignedIn { .. }) => Ok(()),
            (A::RequireAuthenticated, Visitor::Anonymous) => Err(Closed::SignInRequired),
            (A::RequireSuperuser, Visitor::SignedIn { superuser: true }) => Ok(()),
            (A::RequireSuperuser, _) => Err(Closed::SuperuserRequired),
            (other @ (A::RequireRedirect | A::RequireOutpost), _) => {
                Err(Closed::Unsupported(other.as_str().to_owned()))
            }
        }
    }

    /// Whether the new account is signed in after `enrolment`: only when the flow says so and the
    /// visitor is anonymous: a signed-in visitor (a flow that allows them) keeps their own session.
    pub fn signs_in(&self, enrolment: Enrolment, visitor: Visitor) -> bool {
        enrolment.login && visitor == Visitor::Anonymous
    }

    /// Whether the journey may start: `invitation` is `None` when no token was given, else whether the
    /// token's invitation exists and belongs to this flow, with its status at the request's time.
    ///
    /// # Errors
    /// [`Refusal::NotFound`] (no token where one is needed, unknown, or another flow's invitation);
    /// [`Refusal::Inactive`] (disabled, expired, used up).
    pub fn admit(
        &self,
        invitation: Option<Option<(bool, InvitationStatus)>>,
    ) -> Result<(), Refusal> {
        match invitation {
            None if self.runs_without_invitation() => Ok(()),
            None | Some(None) | Some(Some((false, _))) => Err(Refusal::NotFound),
            Some(Some((true, InvitationStatus::Active))) => Ok(()),
            Some(Some((true, status))) => Err(Refusal::Inactive(status)),
        }
    }

    /// Indexes of the prompt stages, in binding order.
    pub fn prompts(&self) -> Vec<usize> {
        self.def
            .stages
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.kind, StageKind::Prompt { .. }))
            .map(|(i, _)| i)
            .collect()
    }

    /// The `email` stage: its index and code settings (expiry and attempts at least 1). For an
    /// email-limited invitation on a flow that binds none, the implicit one (see
    /// [`Journey::for_invitation`]).
    pub fn email(&self) -> Option<(usize, CodeSettings)> {
        self.def
            .stages
            .iter()
            .enumerate()
            .find_map(|(i, s)| match s.kind {
                StageKind::Email {
                    token_expiry,
                    max_attempts,
                    ..
                } => Some((
                    i,
                    CodeSettings {
                        token_expiry_minutes: token_expiry.max(1),
                        max_attempts: max_attempts.max(1),
                    },
                )),
                _ => None,
            })
            .or_else(|| {
                self.email_limited
                    .then_some((self.def.stages.len(), IMPLICIT_CODE))
            })
    }

    /// The fields of the prompt stage at `index`, sorted by `order`; empty for any other stage.
    pub fn fields(&self, index: usize) -> Vec<PromptField> {
        let mut fields = match self.def.stages.get(index).map(|s| &s.kind) {
            Some(StageKind::Prompt { fields }) => fields.clone(),
            _ => Vec::new(),
        };
        fields.sort_by_key(|f| f.order);
        fields
    }

    /// The name of the stage at `index` (`""` past the end), as policy bindings name it.
    pub fn stage_name(&self, index: usize) -> &'a str {
        self.def.stages.get(index).map_or("", |s| s.name.as_str())
    }

    /// The names of every bound stage, in order.
    pub fn stage_names(&self) -> Vec<&'a str> {
        self.def.stages.iter().map(|s| s.name.as_str()).collect()
    }

    /// The `user_write` settings (see [`WriteSettings`] for the defaults).
    pub fn user_write(&self) -> WriteSettings {
        self.first(|k| match k {
            StageKind::UserWrite {
                user_type,
                user_path_template,
                create_users_group,
                create_users_as_inactive,
                ..
            } => Some(WriteSettings {
                user_type: *user_type,
                path: user_path_template.clone(),
                group: create_users_group.clone(),
                inactive: *create_users_as_inactive,
            }),
            _ => None,
        })
        .unwrap_or(WriteSettings {
            user_type: UserType::Internal,
            path: "users".into(),
            group: None,
            inactive: false,
        })
    }

    /// The stage the landing page shows and the plan it continues: this browser's plan when it is for
    /// this flow and token and at a prompt stage (or at the `email` stage with a verification pending),
    /// else the first prompt stage and no plan. Refresh and back are safe.
    ///
    /// # Errors
    /// [`Refusal::NoPromptStage`].
    pub fn landing<'p>(
        &self,
        plan: Option<&'p FlowPlan>,
        slug: &str,
        token: Option<&str>,
    ) -> Result<(usize, Option<&'p FlowPlan>), Refusal> {
        let prompts = self.prompts();
        let email = self.email().map(|(i, _)| i);
        let plan = plan.filter(|p| {
            p.is_for(slug, token)
                && (prompts.contains(&p.stage)
                    || (Some(p.stage) == email && p.verification.is_some()))
        });
        match plan {
            Some(p) => Ok((p.stage, Some(p))),
            None => Ok((*prompts.first().ok_or(Refusal::NoPromptStage)?, None)),
        }
    }

    /// How many steps the invitee sees: `(this step, of all)`, counting the code page when one follows
    /// (`needs_code`).
    pub fn step(&self, stage: usize, needs_code: bool) -> (usize, usize) {
        let prompts = self.prompts();
        let position = prompts
            .iter()
            .position(|i| *i == stage)
            .unwrap_or(prompts.len());
        (position + 1, prompts.len() + usize::from(needs_code))
    }

    /// Which stage a submission of `stage` runs and in which plan. The first prompt stage starts a new
    /// plan (keeping this browser's pending verification for the same flow and token); any later stage
    /// needs the plan to be for this flow and token and at that stage.
    ///
    /// # Errors
    /// [`Refusal::NotStarted`].
    pub fn submission(
        &self,
        plan: Option<FlowPlan>,
        slug: &str,
        token: Option<&str>,
        stage: usize,
    ) -> Result<Submission, Refusal> {
        let prompts = self.prompts();
        let plan = match plan {
            _ if prompts.first() == Some(&stage) => FlowPlan {
                slug: slug.to_owned(),
                token: token.map(str::to_owned),
                stage,
                context: Map::new(),
                verification: plan
                    .filter(|p| p.is_for(slug, token))
                    .and_then(|p| p.verification),
            },
            Some(p) if p.is_for(slug, token) && p.stage == stage => p,
            _ => return Err(Refusal::NotStarted),
        };
        if self.email().is_some_and(|(i, _)| i == stage) {
            let verification = plan.verification.clone().ok_or(Refusal::NotStarted)?;
            return Ok(Submission::Code { plan, verification });
        }
        if prompts.contains(&stage) {
            Ok(Submission::Prompt(plan))
        } else {
            Err(Refusal::NotStarted)
        }
    }

    /// The prompt stage after the accepted prompt stage `stage`, or `None` when it was the last.
    pub fn next_prompt(&self, stage: usize) -> Option<usize> {
        self.prompts().into_iter().find(|i| *i > stage)
    }

    /// What follows the last prompt stage: the `email` stage unless `proven_by_delivery` (or the
    /// journey has none), else writing the user.
    pub fn after_prompts(&self, proven_by_delivery: bool) -> Next {
        match self.email() {
            Some((index, settings)) if !proven_by_delivery => Next::ProveEmail { index, settings },
            _ => Next::WriteUser(self.enrolment(if proven_by_delivery {
                Proof::Delivery
            } else {
                Proof::None
            })),
        }
    }

    /// How the user is written once the address is proven by `proof` (or not) and nothing else stands
    /// before `user_write`: `email_verified` only by a code; created active unless
    /// `create_users_as_inactive`, which an `email` stage with `activate_user_on_success` lifts for an
    /// address proven either way; signed in when the flow binds `user_login` and the account is active.
    pub fn enrolment(&self, proof: Proof) -> Enrolment {
        let verified = proof == Proof::Code;
        let activates = self
            .first(|k| match k {
                StageKind::Email {
                    activate_user_on_success,
                    ..
                } => Some(*activate_user_on_success),
                _ => None,
            })
            .unwrap_or(false);
        let active = !self.user_write().inactive || (activates && proof != Proof::None);
        let login = active
            && self
                .def
                .stages
                .iter()
                .any(|s| matches!(s.kind, StageKind::UserLogin));
        Enrolment {
            verified,
            active,
            login,
        }
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;
    use crate::domain::flow::PromptType;
    use std::collections::HashMap;

    fn field(key: &str, t: PromptType) -> PromptField {
        serde_json::from_value(serde_json::json!({
            "field_key": key, "label": key, "type": t, "required": true, "order": 0
        }))
        .unwrap()
    }

    #[test]
    fn a_draft_keeps_the_stage_fields_but_never_a_password_nor_an_oversized_value() {
        let fields = [
            field("username", PromptType::Username),
            field("email", PromptType::Email),
            field("password", PromptType::Password),
            field("name", PromptType::Text),
        ];
        let typed: HashMap<String, String> = [
            ("username", "jane"),
            ("email", "jane@evil.io"),
            ("password", "secret-secret"),
            ("name", &"x".repeat(17)),
            ("is_superuser", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let d = StageDraft::new("f", Some("digest".into()), 0, &fields, &typed, 16);
        assert_eq!(d.value("f", Some("digest"), 0, "username"), Some("jane"));
        assert_eq!(
            d.value("f", Some("digest"), 0, "email"),
            Some("jane@evil.io")
        );
        assert_eq!(d.value("f", Some("digest"), 0, "password"), None);
        assert_eq!(
            d.value("f", Some("digest"), 0, "name"),
            None,
            "over max_chars"
        );
        assert_eq!(
            d.value("f", Some("digest"), 0, "is_superuser"),
            None,
            "not a field"
        );
        // Only on the same flow, token and stage.
        assert_eq!(d.value("g", Some("digest"), 0, "username"), None);
        assert_eq!(d.value("f", Some("other"), 0, "username"), None);
        assert_eq!(d.value("f", None, 0, "username"), None);
        assert_eq!(d.value("f", Some("digest"), 1, "username"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::flow::StageDef;

    fn prompt(name: &str) -> StageDef {
        StageDef {
            name: name.into(),
            kind: StageKind::Prompt {
                fields: vec![PromptField {
                    field_key: "username".into(),
                    label: "Username".into(),
                    field_type: "username".into(),
                    required: true,
                    placeholder: String::new(),
                    order: 0,
                }],
            },
        }
    }

    fn email(activate: bool) -> StageDef {
        StageDef {
            name: "verify".into(),
            kind: StageKind::Email {
                token_expiry: 0,
                max_attempts: 3,
                activate_user_on_success: activate,
            },
        }
    }

    fn flow(stages: Vec<StageDef>) -> FlowDef {
        FlowDef {
            slug: "enroll".into(),
            name: "Enroll".into(),
            title: "Welcome".into(),
            designation: crate::domain::flow::Designation::Enrollment,
            authentication: crate::domain::flow::Authentication::None,
            open_enrollment: false,
            stages,
        }
    }

    fn invitation_stage(continue_without: bool) -> StageDef {
        StageDef {
            name: "invite".into(),
            kind: StageKind::Invitation {
                continue_flow_without_invitation: continue_without,
            },
        }
    }

    fn write(inactive: bool) -> StageDef {
        StageDef {
            name: "write".into(),
            kind: StageKind::UserWrite {
                user_creation_mode: crate::domain::flow::UserCreationMode::AlwaysCreate,
                user_type: UserType::External,
                user_path_template: "users/external".into(),
                create_users_group: None,
                create_users_as_inactive: inactive,
            },
        }
    }

    fn login() -> StageDef {
        StageDef {
            name: "login".into(),
            kind: StageKind::UserLogin,
        }
    }

    fn plan(stage: usize, verification: Option<&str>) -> FlowPlan {
        FlowPlan {
            slug: "enroll".into(),
            token: Some("t".into()),
            stage,
            context: Map::new(),
            verification: verification.map(str::to_owned),
        }
    }

    #[test]
    fn an_invitation_stage_without_continue_needs_a_usable_invitation_of_this_flow() {
        let def = flow(vec![invitation_stage(false), prompt("p")]);
        let j = Journey::new(&def);
        assert_eq!(j.admit(None), Err(Refusal::NotFound));
        assert_eq!(j.admit(Some(None)), Err(Refusal::NotFound));
        assert_eq!(
            j.admit(Some(Some((false, InvitationStatus::Active)))),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            j.admit(Some(Some((true, InvitationStatus::Expired)))),
            Err(Refusal::Inactive(InvitationStatus::Expired))
        );
        assert_eq!(
            j.admit(Some(Some((true, InvitationStatus::Active)))),
            Ok(())
        );
        let continues = flow(vec![invitation_stage(true), prompt("p")]);
        assert_eq!(
            Journey::new(&continues).admit(None),
            Err(Refusal::NotFound),
            "continue_flow_without_invitation alone does not open a flow"
        );
        let open = FlowDef {
            open_enrollment: true,
            ..continues
        };
        assert_eq!(Journey::new(&open).admit(None), Ok(()));
        // A token given to an open flow must still be a usable invitation.
        assert_eq!(
            Journey::new(&open).admit(Some(Some((true, InvitationStatus::UsedUp)))),
            Err(Refusal::Inactive(InvitationStatus::UsedUp))
        );
    }

    #[test]
    fn a_flow_without_an_invitation_stage_still_needs_an_invitation_unless_open() {
        let def = flow(vec![prompt("a"), prompt("b")]);
        let j = Journey::new(&def);
        assert_eq!(
            j.admit(None),
            Err(Refusal::NotFound),
            "no invitation, no account"
        );
        assert_eq!(j.admit(Some(None)), Err(Refusal::NotFound));
        assert_eq!(
            j.admit(Some(Some((true, InvitationStatus::Disabled)))),
            Err(Refusal::Inactive(InvitationStatus::Disabled))
        );
        assert_eq!(
            j.admit(Some(Some((true, InvitationStatus::Active)))),
            Ok(())
        );
        let open = FlowDef {
            open_enrollment: true,
            ..def.clone()
        };
        assert_eq!(Journey::new(&open).admit(None), Ok(()));
        let open_but_stage_refuses = FlowDef {
            open_enrollment: true,
            ..flow(vec![invitation_stage(false), prompt("a")])
        };
        assert_eq!(
            Journey::new(&open_but_stage_refuses).admit(None),
            Err(Refusal::NotFound),
            "an invitation stage without continue_flow_without_invitation still asks for one"
        );
    }

    #[test]
    fn the_landing_shows_the_plans_stage_or_the_first_prompt() {
        let def = flow(vec![
            invitation_stage(false),
            prompt("a"),
            prompt("b"),
            email(false),
        ]);
        let j = Journey::new(&def);
        assert_eq!(j.landing(None, "enroll", Some("t")), Ok((1, None)));
        let at_b = plan(2, None);
        assert_eq!(j.landing(Some(&at_b), "enroll", Some("t")).unwrap().0, 2);
        // Another token, another flow: start over.
        assert_eq!(
            j.landing(Some(&at_b), "enroll", Some("u")).unwrap(),
            (1, None)
        );
        assert_eq!(
            j.landing(Some(&at_b), "other", Some("t")).unwrap(),
            (1, None)
        );
        // The code page only while a verification is pending.
        assert_eq!(
            j.landing(Some(&plan(3, None)), "enroll", Some("t"))
                .unwrap()
                .0,
            1
        );
        assert_eq!(
            j.landing(Some(&plan(3, Some("v"))), "enroll", Some("t"))
                .unwrap()
                .0,
            3
        );
        let broken = flow(vec![invitation_stage(false)]);
        assert_eq!(
            Journey::new(&broken).landing(None, "enroll", Some("t")),
            Err(Refusal::NoPromptStage)
        );
    }

    #[test]
    fn stages_run_in_order_and_cannot_be_jumped_into() {
        let def = flow(vec![prompt("a"), prompt("b"), email(false), write(false)]);
        let j = Journey::new(&def);
        assert!(
            matches!(j.submission(None, "enroll", Some("t"), 0), Ok(Submission::Prompt(p)) if p.stage == 0)
        );
        assert_eq!(
            j.submission(None, "enroll", Some("t"), 1),
            Err(Refusal::NotStarted)
        );
        assert_eq!(
            j.submission(Some(plan(0, None)), "enroll", Some("t"), 1),
            Err(Refusal::NotStarted)
        );
        assert!(matches!(
            j.submission(Some(plan(1, None)), "enroll", Some("t"), 1),
            Ok(Submission::Prompt(_))
        ));
        assert_eq!(
            j.submission(Some(plan(1, None)), "enroll", Some("u"), 1),
            Err(Refusal::NotStarted)
        );
        // The code stage needs a pending verification.
        assert_eq!(
            j.submission(Some(plan(2, None)), "enroll", Some("t"), 2),
            Err(Refusal::NotStarted)
        );
        assert!(matches!(
            j.submission(Some(plan(2, Some("v"))), "enroll", Some("t"), 2),
            Ok(Submission::Code { verification, .. }) if verification == "v"
        ));
        // user_write is never submitted.
        assert_eq!(
            j.submission(Some(plan(3, None)), "enroll", Some("t"), 3),
            Err(Refusal::NotStarted)
        );
    }

    #[test]
    fn starting_again_keeps_this_browsers_pending_verification() {
        let def = flow(vec![prompt("a"), email(false)]);
        let j = Journey::new(&def);
        let Ok(Submission::Prompt(p)) =
            j.submission(Some(plan(1, Some("v"))), "enroll", Some("t"), 0)
        else {
            panic!("a new plan");
        };
        assert_eq!((p.stage, p.verification.as_deref()), (0, Some("v")));
        let Ok(Submission::Prompt(p)) =
            j.submission(Some(plan(1, Some("v"))), "enroll", Some("u"), 0)
        else {
            panic!("a new plan");
        };
        assert_eq!(p.verification, None);
    }

    #[test]
    fn the_email_proof_comes_after_the_last_prompt_unless_delivery_proved_the_address() {
        let def = flow(vec![
            email(false),
            prompt("a"),
            prompt("b"),
            write(false),
            login(),
        ]);
        let j = Journey::new(&def);
        assert_eq!(j.next_prompt(1), Some(2));
        assert_eq!(j.next_prompt(2), None);
        assert_eq!(
            j.after_prompts(false),
            Next::ProveEmail {
                index: 0,
                settings: CodeSettings {
                    token_expiry_minutes: 1,
                    max_attempts: 3
                }
            }
        );
        assert_eq!(
            j.after_prompts(true),
            Next::WriteUser(Enrolment {
                verified: false,
                active: true,
                login: true
            }),
            "a delivered link proves the address for its invitation, not the account's address"
        );
        let no_email = flow(vec![prompt("a")]);
        assert_eq!(
            Journey::new(&no_email).after_prompts(false),
            Next::WriteUser(Enrolment {
                verified: false,
                active: true,
                login: false
            })
        );
    }

    #[test]
    fn inactive_accounts_are_activated_only_by_a_proof_when_the_email_stage_says_so_and_never_signed_in(
    ) {
        let plain = flow(vec![prompt("a"), write(true), login()]);
        assert_eq!(
            Journey::new(&plain).enrolment(Proof::Code),
            Enrolment {
                verified: true,
                active: false,
                login: false
            }
        );
        let activating = flow(vec![prompt("a"), email(true), write(true), login()]);
        assert!(Journey::new(&activating).enrolment(Proof::Code).login);
        let delivered = Journey::new(&activating).enrolment(Proof::Delivery);
        assert!(delivered.active && delivered.login && !delivered.verified);
        assert!(!Journey::new(&activating).enrolment(Proof::None).active);
    }

    #[test]
    fn flow_settings_decide_who_may_accept_as_an_existing_account() {
        let mut def = flow(vec![prompt("a"), write(false), login()]);
        for (auth, plain, superuser) in [
            ("none", true, true),
            ("require_unauthenticated", true, true),
            ("require_authenticated", true, true),
            ("require_superuser", false, true),
            ("require_outpost", false, false),
        ] {
            def.authentication = crate::domain::flow::Authentication::parse(auth).unwrap();
            let j = Journey::new(&def);
            assert_eq!(j.may_accept(false).is_ok(), plain, "{auth}");
            assert_eq!(j.may_accept(true).is_ok(), superuser, "{auth}");
        }
    }

    #[test]
    fn flow_settings_decide_who_may_enroll() {
        let anon = Visitor::Anonymous;
        let member = Visitor::SignedIn { superuser: false };
        let admin = Visitor::SignedIn { superuser: true };
        let mut def = flow(vec![prompt("a"), write(false), login()]);
        def.authentication =
            crate::domain::flow::Authentication::parse("require_unauthenticated").unwrap();
        let j = Journey::new(&def);
        assert_eq!(j.may_enroll(anon), Ok(()));
        assert_eq!(j.may_enroll(member), Err(Closed::SignedIn));
        assert_eq!(j.may_enroll(admin), Err(Closed::SignedIn));
        def.authentication = crate::domain::flow::Authentication::parse("none").unwrap();
        assert_eq!(Journey::new(&def).may_enroll(member), Ok(()));
        def.authentication =
            crate::domain::flow::Authentication::parse("require_authenticated").unwrap();
        assert_eq!(
            Journey::new(&def).may_enroll(anon),
            Err(Closed::SignInRequired)
        );
        assert_eq!(Journey::new(&def).may_enroll(member), Ok(()));
        def.authentication =
            crate::domain::flow::Authentication::parse("require_superuser").unwrap();
        assert_eq!(
            Journey::new(&def).may_enroll(member),
            Err(Closed::SuperuserRequired)
        );
        assert_eq!(Journey::new(&def).may_enroll(admin), Ok(()));
        def.authentication = crate::domain::flow::Authentication::parse("require_outpost").unwrap();
        assert_eq!(
            Journey::new(&def).may_enroll(admin),
            Err(Closed::Unsupported("require_outpost".into()))
        );
        def.authentication = crate::domain::flow::Authentication::parse("none").unwrap();
        def.designation = crate::domain::flow::Designation::Authentication;
        assert_eq!(
            Journey::new(&def).may_enroll(anon),
            Err(Closed::NotEnrollment)
        );
        def.designation = crate::domain::flow::Designation::Enrollment;
        if let StageKind::UserWrite {
            user_creation_mode, ..
        } = &mut def.stages[1].kind
        {
            *user_creation_mode = crate::domain::flow::UserCreationMode::NeverCreate;
        }
        assert_eq!(
            Journey::new(&def).may_enroll(anon),
            Err(Closed::NeverCreate)
        );
    }

    #[test]
    fn a_signed_in_visitor_is_never_switched_to_the_new_account() {
        let def = flow(vec![prompt("a"), write(false), login()]);
        let j = Journey::new(&def);
        let e = j.enrolment(Proof::None);
        assert!(e.login);
        assert!(j.signs_in(e, Visitor::Anonymous));
        assert!(!j.signs_in(e, Visitor::SignedIn { superuser: false }));
    }

    #[test]
    fn an_email_limited_invitation_gets_an_implicit_email_stage_on_a_flow_without_one() {
        let def = flow(vec![
            invitation_stage(false),
            prompt("a"),
            prompt("b"),
            write(false),
        ]);
        let plain = Journey::for_invitation(&def, false);
        assert_eq!(plain.email(), None);
        assert!(matches!(plain.after_prompts(false), Next::WriteUser(_)));
        let limited = Journey::for_invitation(&def, true);
        assert_eq!(limited.email(), Some((4, IMPLICIT_CODE)));
        assert_eq!(
            limited.after_prompts(false),
            Next::ProveEmail {
                index: 4,
                settings: IMPLICIT_CODE
            }
        );
        assert_eq!(limited.step(2, true), (2, 3));
        let mut at_code = plan(4, Some("v1"));
        at_code.context.insert("email".into(), "a@b.c".into());
        assert_eq!(
            limited.submission(Some(at_code.clone()), "enroll", Some("t"), 4),
            Ok(Submission::Code {
                plan: at_code.clone(),
                verification: "v1".into()
            })
        );
        assert_eq!(
            limited.landing(Some(&at_code), "enroll", Some("t")),
            Ok((4, Some(&at_code)))
        );
        assert_eq!(
            plain.submission(Some(at_code), "enroll", Some("t"), 4),
            Err(Refusal::NotStarted),
            "without email rules there is no stage 4"
        );
        // A flow that binds its own email stage keeps it.
        let own = flow(vec![prompt("a"), email(false)]);
        assert_eq!(
            Journey::for_invitation(&own, true).email().map(|(i, _)| i),
            Some(1)
        );
    }

    #[test]
    fn steps_count_the_code_page_when_one_follows() {
        let def = flow(vec![prompt("a"), prompt("b"), email(false)]);
        let j = Journey::new(&def);
        assert_eq!(j.step(0, true), (1, 3));
        assert_eq!(j.step(1, false), (2, 2));
        assert_eq!(j.step(2, true), (3, 3));
    }

    #[test]
    fn user_write_defaults_to_internal_users_when_unbound() {
        let def = flow(vec![prompt("a")]);
        let ws = Journey::new(&def).user_write();
        assert_eq!(
            (ws.user_type, ws.path.as_str(), ws.inactive),
            (UserType::Internal, "users", false)
        );
        let def = flow(vec![prompt("a"), write(false)]);
        assert_eq!(
            Journey::new(&def).user_write().user_type,
            UserType::External
        );
        assert_eq!(Journey::new(&def).stage_names(), vec!["a", "write"]);
        assert_eq!(Journey::new(&def).stage_name(9), "");
    }
}
