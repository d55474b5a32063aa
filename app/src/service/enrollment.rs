//! The invitee journey through a flow: the I/O around the pure state machine
//! [`crate::domain::journey`] (authentik's flow executor, reduced to Usher's stage kinds). A request
//! loads its flow, invitation and policies once ([`resolve`]).
//!
//! * The landing (`GET /if/flow/{slug}/?itoken=…`) resolves the flow and the invitation and shows the
//!   current prompt stage. It changes nothing: mail scanners and link previews open links.
//! * Each prompt stage is submitted by POST ([`submit_stage`]). The first submission starts a
//!   [`FlowPlan`], kept server-side in the session; later stages can only be submitted in order, for the
//!   same flow and invitation. Refresh and back are safe: the page shows the plan's current stage.
//! * When the prompts are done and the flow has an `email` stage, the invitee proves their address with a
//!   code sent to it ([`super::verification`]), unless Usher delivered this invitation, addressed to it,
//!   ([`crate::domain::verification::proof_by_delivery`]). Nothing is granted before that.
//! * Then the `user_write` stage runs in **one transaction**: it consumes a use with
//!   a conditional update (re-checking enabled, expiry, quota and email rules), creates the user with the
//!   stage's `user_type` and `user_path_template`, grants groups and roles, and writes the ledger row
//!   `enrolled`. A `user_login` stage then signs the user in.
//! * Existing users accept instead ([`super::accept`]): the same atomic rule, ledger row `joined`.

use super::flows::StoredFlow;
use super::invitations::{
    consume_use, find_by_token, grant_in, invalid, record_use_in, InvitationRecord, Itoken,
    RequestInfo,
};
use super::policies::FlowPolicies;
use super::users::{insert_user, NewUser};
use super::verification::{self, Settings};
use super::{auth::hash_password, time, Config, Db};
use crate::domain::email_rules::{allowed, normalize_email, EmailRule};
use crate::domain::fixed_data::prefill;
use crate::domain::flow::{PromptField, PromptType};
use crate::domain::invitation::InvitationStatus;
use crate::domain::invitation::UseAction;
use crate::domain::journey::{
    Closed, Enrolment, Journey, Next, Proof, Refusal, Submission, Visitor, SEALED_PASSWORD,
};
use crate::domain::policy::PolicyContext;
use crate::domain::user::{
    password_strength, validate_password_shape, validate_username, PasswordRules,
};
use crate::domain::verification::proof_by_delivery;
use crate::error::AppError;
use crate::model::{CurrentUser, FlowView};
use crate::store::{directory, users};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Session key of the flow in progress.
pub const PLAN_KEY: &str = "flow_plan";

/// Lifetime of the draft cookie ([`seal_draft`]), seconds.
pub const DRAFT_COOKIE_MAX_AGE: i64 = 600;

/// The largest sealed draft put in a cookie, bytes (browsers keep cookies up to 4,096 bytes with their
/// name); a larger draft is not kept.
const MAX_SEALED_DRAFT: usize = 3800;

/// How long an anonymous visitor's flow plan (and the session holding it) lives after their last step,
/// seconds (an hour): abandoned enrollments do not keep a session row for the 14 days of a signed-in
/// one ([`super::auth::SESSION_IDLE_SECS`]).
pub const FLOW_PLAN_IDLE_SECS: i64 = 3600;

pub use crate::domain::journey::{FlowPlan, StageDraft};

/// A flow resolved with a usable invitation.
pub struct Resolved {
    /// The flow.
    pub flow: StoredFlow,
    /// The invitation (`None` only when the flow continues without one).
    pub invitation: Option<InvitationRecord>,
    /// The policies bound to the flow and its stages.
    pub policies: FlowPolicies,
}

pub(super) fn not_found() -> AppError {
    AppError::InvalidInvitation {
        reason: None,
        gone: false,
    }
}

/// What a flow plan records of the invitation token it was started with: the token's lookup digest
/// ([`super::invitations::token_digest`]), never the token, since plans live in the sessions table.
fn plan_token(itoken: Option<&Itoken>) -> Option<&str> {
    itoken.map(Itoken::digest)
}

/// Resolves a flow and an invitation token and checks the invitation stage's rules at `now`: the token
/// must exist, belong to this flow, and be active. Changes nothing.
///
/// # Errors
/// [`AppError::InvalidInvitation`] (404 for unknown/malformed/wrong-flow/missing, 410 with the reason for
/// disabled/expired/used up); database errors.
pub async fn resolve(
    db: &Db,
    slug: &str,
    itoken: Option<&Itoken>,
    now: i64,
) -> Result<Resolved, AppError> {
    // Both generations first, in one query: the flow and the invitation then come from this
    // instance's caches unless something changed since they were loaded.
    let generations = super::cache::generations(db).await?;
    let loaded = super::flows::load_with_policies(db, slug, generations.flows)
        .await?
        .ok_or_else(not_found)?;
    let flow = loaded.flow.clone();
    let invitation = match itoken {
        Some(t) => Some(find_by_token(db, t, generations.invitations).await?),
        None => None,
    };
    Journey::new(&flow.def)
        .admit(invitation.as_ref().map(|found| {
            found
                .as_ref()
                .map(|inv| (inv.flow_pk == flow.pk, inv.status(now)))
        }))
        .map_err(refused)?;
    let policies = loaded.policies.clone();
    Ok(Resolved {
        flow,
        invitation: invitation.flatten(),
        policies,
    })
}

/// The journey of `flow` for `inv`: with the implicit `email` stage when `inv` is limited by email
/// rules and the flow binds none ([`Journey::for_invitation`]).
pub(super) fn journey<'a>(flow: &'a StoredFlow, inv: Option<&InvitationRecord>) -> Journey<'a> {
    Journey::for_invitation(&flow.def, inv.is_some_and(|i| !i.emails.is_empty()))
}

/// Who `user` is to the flow's `authentication` setting.
fn visitor(user: Option<&CurrentUser>) -> Visitor {
    match user {
        None => Visitor::Anonymous,
        Some(u) => Visitor::SignedIn {
            superuser: u.is_superuser,
        },
    }
}

/// What the visitor is told when the flow's settings close it to them ([`Journey::may_enroll`]).
pub(super) fn closed_message(closed: &Closed, user: Option<&CurrentUser>) -> String {
    let name = user.map_or("", |u| u.username.as_str());
    match closed {
        Closed::NotEnrollment | Closed::NeverCreate => {
            "This flow does not create new accounts. If you already have an account, sign in to accept the invitation.".into()
        }
        Closed::SignedIn => format!(
            "You are signed in as {name}. Accept the invitation as {name}, or sign out to create a new account."
        ),
        Closed::SignInRequired => "Sign in first to continue with this flow.".into(),
        Closed::SuperuserRequired => "Only administrators can use this flow.".into(),
        Closed::Unsupported(what) => {
            tracing::warn!(authentication = %what, "a flow with an unsupported authentication requirement was opened");
            format!("This flow requires `{what}`, which Usher does not support.")
        }
    }
}

/// The invitee's error for a refusal of the journey. `NotStarted` is mapped where it happens, with a
/// message that says what to do.
fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::NotFound => not_found(),
        Refusal::Inactive(status) => invalid(status),
        Refusal::NotStarted => AppError::BadRequest(
            "This step of the enrollment was not started here. Open your invitation link again."
                .into(),
        ),
        Refusal::NoPromptStage => {
            tracing::error!("a flow without prompt stages was opened");
            AppError::Internal
        }
    }
}

pub(super) fn check_active(inv: &InvitationRecord, now: i64) -> Result<(), AppError> {
    match inv.status(now) {
        InvitationStatus::Active => Ok(()),
        status => Err(invalid(status)),
    }
}

/// Counts an enrollment post that is about to hash a password against its client network's budget and
/// its invitation's ([`crate::domain::limits::ENROLL_POSTS_PER_NETWORK`],
/// [`crate::domain::limits::ENROLL_POSTS_PER_INVITATION`]), before anything is hashed (issue 35 item 2).
/// A call without a client address (in-process) counts only against the invitation.
///
/// # Errors
/// [`AppError::TooManyEnrollments`] with the seconds to wait past either; database errors.
async fn enrollment_budgets(
    db: &Db,
    client_ip: &str,
    invitation_pk: Option<&str>,
    flow_slug: &str,
) -> Result<(), AppError> {
    use crate::domain::limits::{
        enroll_invitation_bucket, enroll_network_bucket, network, ENROLL_POSTS_PER_INVITATION,
        ENROLL_POSTS_PER_NETWORK,
    };
    if !client_ip.is_empty() {
        let bucket = enroll_network_bucket(&network(client_ip));
        super::limits::take(db, &bucket, ENROLL_POSTS_PER_NETWORK)
            .await?
            .map_err(AppError::TooManyEnrollments)?;
    }
    let bucket = enroll_invitation_bucket(invitation_pk, flow_slug);
    super::limits::take(db, &bucket, ENROLL_POSTS_PER_INVITATION)
        .await?
        .map_err(AppError::TooManyEnrollments)
}

/// The one field of the `email` stage's page.
fn code_field() -> PromptField {
    PromptField {
        field_key: "code".into(),
        label: "Verification code".into(),
        field_type: "text".into(),
        required: true,
        placeholder: "123456".into(),
        order: 0,
    }
}

/// The address an email-mode invitation is mailed to (`fixed_data.email`).
fn invited_address(inv: &InvitationRecord) -> Option<&str> {
    inv.fixed_data.get("email").and_then(Value::as_str)
}

/// Whether Usher's delivery of this invitation's link proves `email` (see [`proof_by_delivery`]).
pub(super) fn by_delivery(
    inv: Option<&InvitationRecord>,
    email: &str,
    delivered_to: &[String],
) -> bool {
    inv.is_some_and(|i| proof_by_delivery(&i.emails, invited_address(i), email, delivered_to))
}

/// Who Usher delivered this invitation's current link to (empty unless it is addressed to someone: an
/// exact-address rule or `fixed_data.email`, the only cases delivery can prove).
pub(super) async fn delivered(
    db: &Db,
    inv: Option<&InvitationRecord>,
) -> Result<Vec<String>, AppError> {
    match inv {
        Some(i)
            if invited_address(i).is_some()
                || i.emails.iter().any(|r| matches!(r, EmailRule::Address(_))) =>
        {
            verification::delivered_to(db, &i.pk, &i.token).await
        }
        _ => Ok(Vec::new()),
    }
}

/// The address an exact-address invitation is for: its only rule, when that rule is an address.
fn locked_email(inv: Option<&InvitationRecord>) -> Option<String> {
    match inv.map(|i| i.emails.as_slice()) {
        Some([EmailRule::Address(a)]) => Some(a.clone()),
        _ => None,
    }
}

/// The landing view of `/if/flow/{slug}/?itoken=…`: what the invitation grants and the current prompt
/// stage — the plan's stage when this session is in this flow with this token, else the first — with
/// values typed into this stage before it was refused (`draft`), else from the plan, else pre-filled from
/// `fixed_data` (never passwords). Changes nothing.
///
/// # Errors
/// As [`resolve`]; [`AppError::Internal`] for a flow without prompt stages.
#[tracing::instrument(name = "enrollment.landing", skip_all, fields(flow = slug))]
pub async fn landing(
    db: &Db,
    slug: &str,
    itoken: Option<&Itoken>,
    plan: Option<&FlowPlan>,
    draft: Option<&StageDraft>,
    user: Option<&CurrentUser>,
) -> Result<FlowView, AppError> {
    let now = time::now();
    let Resolved {
        flow,
        invitation,
        policies,
    } = resolve(db, slug, itoken, now).await?;
    let journey = journey(&flow, invitation.as_ref());
    let email_idx = journey.email().map(|(i, _)| i);
    let (stage, plan) = journey
        .landing(plan, slug, plan_token(itoken))
        .map_err(refused)?;
    let empty = Map::new();
    let ctx = policy_context(invitation.as_ref(), plan.map_or(&empty, |p| &p.context));
    // Flow-level policies only: a stage's own policies run when it is submitted, with its values.
    policies.enforce(&[], &ctx)?;
    let fixed = invitation
        .as_ref()
        .map(|i| i.fixed_data.clone())
        .unwrap_or_default();
    let locked = locked_email(invitation.as_ref());
    // The code page, while this browser's verification is pending.
    let verify_email = match plan
        .and_then(|p| p.verification.as_deref())
        .filter(|_| Some(stage) == email_idx)
    {
        Some(pk) => verification::pending_email(db, pk).await?,
        None => None,
    };
    // Whether a code page follows: the flow has an email stage and delivery does not prove the address
    // (known from the plan, the locked address or the pre-filled `fixed_data.email`; assumed not proven
    // while unknown).
    let known_email = plan
        .and_then(|p| p.text("email"))
        .or_else(|| locked.clone())
        .or_else(|| {
            invitation
                .as_ref()
                .and_then(invited_address)
                .map(str::to_owned)
        });
    let needs_code = match (email_idx, &known_email) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(_), Some(e)) => {
            let to = delivered(db, invitation.as_ref()).await?;
            !by_delivery(invitation.as_ref(), e, &to)
        }
    };
    let digest = plan_token(itoken);
    let fields = if Some(stage) == email_idx {
        vec![(code_field(), None)]
    } else {
        journey
            .fields(stage)
            .into_iter()
            .map(|f| {
                let v = if f.field_type == PromptType::Password {
                    None
                } else if f.field_key == "email" && locked.is_some() {
                    locked.clone()
                } else {
                    draft
                        .and_then(|d| d.value(slug, digest, stage, &f.field_key))
                        .map(str::to_owned)
                        .or_else(|| {
                            plan.and_then(|p| p.context.get(&f.field_key))
                                .and_then(|v| v.as_str().map(str::to_owned))
                        })
                        .or_else(|| prefill(&fixed, &f.field_key))
                };
                (f, v)
            })
            .collect()
    };
    let ws = journey.user_write();
    Ok(FlowView {
        slug: flow.def.slug.clone(),
        title: flow.def.title.clone(),
        invited_by: invitation
            .as_ref()
            .map(|i| i.invited_by.clone())
            .unwrap_or_default(),
        roles: invitation
            .as_ref()
            .map(|i| i.roles.iter().map(|r| r.1.clone()).collect())
            .unwrap_or_default(),
        groups: invitation
            .as_ref()
            .map(|i| i.groups.iter().map(|g| g.1.clone()).collect())
            .unwrap_or_default(),
        user_type: ws.user_type,
        expires_display: time::format_expiry(invitation.as_ref().and_then(|i| i.expires), now),
        stage,
        step: journey.step(stage, needs_code),
        fields,
        locked: locked.map(|_| vec!["email".to_owned()]).unwrap_or_default(),
        signed_in_as: invitation.as_ref().and(user).map(|u| u.username.clone()),
        verify_email,
        closed: journey
            .may_enroll(visitor(user))
            .err()
            .map(|c| closed_message(&c, user)),
        code_step: needs_code,
        mail_unavailable: false,
    })
}

/// `draft` sealed for the draft cookie ([`Config::draft_cookie`]): the browser holds it, so a refused
/// submission writes nothing on the server (no session is started for it), and only this instance's
/// secret key opens it, bound to the flow and token it was typed for. `None` when it would not fit in a
/// cookie.
pub fn seal_draft(config: &Config, draft: &StageDraft) -> Option<String> {
    let json = serde_json::to_string(draft).ok()?;
    let sealed = config.secret_key.seal(
        "flow-draft",
        &draft_aad(&draft.slug, draft.token.as_deref()),
        &json,
    );
    (sealed.len() <= MAX_SEALED_DRAFT).then_some(sealed)
}

/// The draft in the draft cookie's value `sealed`, when it opens for this flow and token (`itoken`, as
/// the request gives it); `None` otherwise.
pub fn open_draft(
    config: &Config,
    slug: &str,
    itoken: Option<&Itoken>,
    sealed: &str,
) -> Option<StageDraft> {
    let token = plan_token(itoken);
    let json = config
        .secret_key
        .open("flow-draft", &draft_aad(slug, token), sealed)?;
    serde_json::from_str(&json).ok()
}

fn draft_aad(slug: &str, token: Option<&str>) -> String {
    format!("{slug}\n{}", token.unwrap_or(""))
}

/// The longest value a prompt field takes, characters (passwords included: the hashing input is
/// bounded too; issue 12 item 10).
pub const MAX_PROMPT_VALUE: usize = 1024;

/// Validates one prompt stage's values; returns the cleaned values (passwords still in clear).
async fn validate_prompt(
    db: &Db,
    fields: &[PromptField],
    values: &HashMap<String, String>,
    inv: Option<&InvitationRecord>,
    rules: &PasswordRules,
) -> Result<Map<String, Value>, AppError> {
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
            errors.push((f.field_key.clone(), format!("{} is required.", f.label)));
            continue;
        }
        if v.chars().count() > MAX_PROMPT_VALUE {
            errors.push((
                f.field_key.clone(),
                format!("{} must be at most {MAX_PROMPT_VALUE} characters.", f.label),
            ));
            continue;
        }
        let result = match f.field_type {
            PromptType::Username => match validate_username(&v) {
                Ok(u) => {
                    if users::username_taken(&db.pool, &u).await? {
                        Err("This username is already taken.".to_owned())
                    } else {
                        Ok(u)
                    }
                }
                Err(e) => Err(e.to_string()),
            },
            PromptType::Email if !v.is_empty() => match normalize_email(&v) {
                Some(e) if locked.as_ref().is_some_and(|l| *l != e) => {
                    Err("This invitation is for another email address.".to_owned())
                }
                Some(e) if inv.is_none_or(|i| allowed(&i.emails, &e)) => Ok(e),
                Some(_) => Err("This invitation is not valid for this email address.".to_owned()),
                None => Err("Enter a valid email address.".to_owned()),
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
            errors.push(("password".into(), e.to_string()));
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The words an attacker would try first for an invitee's password ([`password_strength`]'s user
/// inputs): their username, email and name from this stage (`clean`), earlier ones (`context`) and the
/// invitation's `fixed_data`, and the brand name.
fn strength_inputs(
    clean: &Map<String, Value>,
    context: &Map<String, Value>,
    inv: Option<&InvitationRecord>,
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

/// What a stage submission led to.
#[derive(Debug, Clone, PartialEq)]
pub enum StageOutcome {
    /// More prompt stages follow; the plan (to store in the session) is at the next one.
    Continue(FlowPlan),
    /// The account was created; sign in when `login`.
    Enrolled {
        /// The new user's pk.
        user_pk: i64,
        /// Whether the flow has a `user_login` stage.
        login: bool,
    },
}

/// Submits the stage at index `stage` of the flow: a prompt stage (`values` by `field_key`) or the
/// `email` stage (`values["code"]`). The flow's first prompt stage starts a new plan; any later stage
/// needs `plan` to be this flow, this token, at this stage ("a flow that was not started cannot be jumped
/// into mid-way"). After the last prompt stage, a flow with an `email` stage sends a code (queued in the
/// outbox) and moves the plan to it, unless Usher's delivery proves the address; once the address is
/// proven (or there is no `email` stage), runs `user_write` (see the module docs) and reports the new user.
///
/// # Errors
/// [`Refused`]: [`AppError::InvalidInvitation`] when the invitation is or became unusable;
/// [`AppError::Validation`] for bad prompt values (with the draft of what was typed) or a wrong, expired
/// or exhausted code (on `code`); [`AppError::BadRequest`] for an out-of-order stage; database errors.
/// Nothing is granted on error.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(name = "enrollment.submit_stage", skip_all, fields(flow = slug, stage = stage))]
pub async fn submit_stage(
    db: &Db,
    config: &Config,
    plan: Option<FlowPlan>,
    slug: &str,
    itoken: Option<&Itoken>,
    stage: usize,
    values: &HashMap<String, String>,
    req: &RequestInfo,
    user: Option<&CurrentUser>,
) -> Result<StageOutcome, Refused> {
    let resolved = resolve(db, slug, itoken, time::now()).await?;
    let fields = journey(&resolved.flow, resolved.invitation.as_ref()).fields(stage);
    let submitted = Submitted {
        plan,
        slug,
        itoken,
        stage,
        values,
    };
    match run_stage(db, config, resolved, submitted, req, user).await {
        Err(error @ AppError::Validation(_)) => Err(Refused {
            draft: (!fields.is_empty()).then(|| {
                StageDraft::new(
                    slug,
                    plan_token(itoken).map(str::to_owned),
                    stage,
                    &fields,
                    values,
                    MAX_PROMPT_VALUE,
                )
            }),
            error,
        }),
        other => other.map_err(Refused::from),
    }
}

/// A refused stage submission: why, and, for bad prompt values, the draft of what was typed (never
/// passwords; see [`StageDraft`]) for the browser to keep ([`seal_draft`]) until the stage is accepted,
/// so the caller needs nothing more from this module to show the page again (issue 36 item 5).
#[derive(Debug)]
pub struct Refused {
    /// Why.
    pub error: AppError,
    /// What was typed, when the stage is a prompt stage and its values were refused.
    pub draft: Option<StageDraft>,
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Self {
        Self { error, draft: None }
    }
}

/// A stage submission as it came in.
struct Submitted<'a> {
    plan: Option<FlowPlan>,
    slug: &'a str,
    itoken: Option<&'a Itoken>,
    stage: usize,
    values: &'a HashMap<String, String>,
}

/// [`submit_stage`] once the flow and invitation are resolved.
async fn run_stage(
    db: &Db,
    config: &Config,
    resolved: Resolved,
    submitted: Submitted<'_>,
    req: &RequestInfo,
    user: Option<&CurrentUser>,
) -> Result<StageOutcome, AppError> {
    let Resolved {
        flow,
        invitation,
        policies,
    } = resolved;
    let Submitted {
        plan,
        slug,
        itoken,
        stage,
        values,
    } = submitted;
    let journey = journey(&flow, invitation.as_ref());
    let visitor = visitor(user);
    journey
        .may_enroll(visitor)
        .map_err(|c| AppError::BadRequest(closed_message(&c, user)))?;
    let mut plan = match journey
        .submission(plan, slug, plan_token(itoken), stage)
        .map_err(refused)?
    {
        Submission::Code { plan, verification } => {
            let address = plan.text("email").unwrap_or_default();
            verification::check(
                db,
                config,
                &verification::CodeGate { client: &req.ip },
                &verification,
                &address,
                values.get("code").map(String::as_str).unwrap_or_default(),
            )
            .await?;
            enforce_all(&policies, &flow, invitation.as_ref(), &plan.context)?;
            let enrolment = journey.enrolment(Proof::Code);
            let user_pk = write_user(
                db,
                config,
                &flow,
                invitation.as_ref(),
                &plan.context,
                req,
                enrolment,
                Some(&verification),
            )
            .await?;
            return Ok(enrolled(user_pk, journey.signs_in(enrolment, visitor)));
        }
        Submission::Prompt(plan) => plan,
    };
    let mut clean = validate_prompt(
        db,
        &journey.fields(stage),
        values,
        invitation.as_ref(),
        &config.password_rules(),
    )
    .await?;
    // An empty (optional) password leaves the account without a usable password.
    if let Some(Value::String(p)) = clean.remove("password") {
        if !p.is_empty() {
            enrollment_budgets(
                db,
                &req.ip,
                invitation.as_ref().map(|i| i.pk.as_str()),
                slug,
            )
            .await?;
            // zxcvbn costs CPU: only for a post within its budget.
            let inputs = strength_inputs(&clean, &plan.context, invitation.as_ref(), config);
            let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            password_strength(&p, &inputs)
                .map_err(|e| AppError::field("password", e.to_string()))?;
            clean.insert(
                SEALED_PASSWORD.into(),
                Value::String(seal_password(config, slug, &p)),
            );
        }
    }
    clean.remove("password_repeat");
    plan.context.extend(clean);
    let ctx = policy_context(invitation.as_ref(), &plan.context);
    policies.enforce(&[journey.stage_name(stage)], &ctx)?;
    if let Some(next) = journey.next_prompt(stage) {
        plan.stage = next;
        return Ok(StageOutcome::Continue(plan));
    }
    // The rest of the flow runs now: every policy bound to it must pass first.
    enforce_all(&policies, &flow, invitation.as_ref(), &plan.context)?;
    let address = plan.text("email").unwrap_or_default();
    let to = delivered(db, invitation.as_ref()).await?;
    match journey.after_prompts(by_delivery(invitation.as_ref(), &address, &to)) {
        Next::ProveEmail { index, settings } => {
            let address = normalize_email(&address).ok_or_else(|| {
                AppError::BadRequest(
                    "This flow verifies an email address, but none was entered.".into(),
                )
            })?;
            plan.verification = Some(
                start_or_reuse(
                    db,
                    config,
                    &verification::CodeGate { client: &req.ip },
                    plan.verification.take(),
                    invitation.as_ref(),
                    &address,
                    settings,
                )
                .await?,
            );
            plan.stage = index;
            Ok(StageOutcome::Continue(plan))
        }
        Next::WriteUser(enrolment) => {
            let user_pk = write_user(
                db,
                config,
                &flow,
                invitation.as_ref(),
                &plan.context,
                req,
                enrolment,
                None,
            )
            .await?;
            Ok(enrolled(user_pk, journey.signs_in(enrolment, visitor)))
        }
    }
}

fn enrolled(user_pk: i64, login: bool) -> StageOutcome {
    StageOutcome::Enrolled { user_pk, login }
}

/// The verification to send the invitee to: this browser's pending one when it is for the same address
/// (no second code for going back and forth), else a new one with a code sent.
async fn start_or_reuse(
    db: &Db,
    config: &Config,
    gate: &verification::CodeGate<'_>,
    current: Option<String>,
    inv: Option<&InvitationRecord>,
    address: &str,
    settings: Settings,
) -> Result<String, AppError> {
    if let Some(pk) = current {
        if verification::pending_email_if_known(db, &pk)
            .await?
            .as_deref()
            == Some(address)
        {
            return Ok(pk);
        }
    }
    let mut tx = db.begin().await?;
    let pk = verification::start(
        &mut tx,
        config,
        gate,
        inv.map(|i| i.pk.as_str()),
        address,
        settings,
    )
    .await?;
    tx.commit().await?;
    Ok(pk)
}

/// Sends a new code for the verification this browser's plan is at (the "Send a new code" button).
///
/// # Errors
/// [`AppError::BadRequest`] when the plan is not at this flow's `email` stage, or no code may be sent yet
/// (with the reason); [`AppError::InvalidInvitation`]; database errors.
#[tracing::instrument(name = "enrollment.resend_code", skip_all, fields(flow = slug))]
pub async fn resend_code(
    db: &Db,
    config: &Config,
    gate: &verification::CodeGate<'_>,
    plan: Option<&FlowPlan>,
    slug: &str,
    itoken: Option<&Itoken>,
) -> Result<(), AppError> {
    let Resolved {
        flow, invitation, ..
    } = resolve(db, slug, itoken, time::now()).await?;
    let journey = journey(&flow, invitation.as_ref());
    let not_started = || {
        AppError::BadRequest(
            "No code was sent in this browser. Open your invitation link again.".into(),
        )
    };
    let (index, settings) = journey.email().ok_or_else(not_started)?;
    let pk = plan
        .filter(|p| p.is_for(slug, plan_token(itoken)) && p.stage == index)
        .and_then(|p| p.verification.as_deref())
        .ok_or_else(not_started)?;
    verification::resend(db, config, gate, pk, settings).await
}

/// What policies see: the invitation (`{pk, fixed_data, invited_by}`) and the prompt data: its
/// `fixed_data` overlaid with the prompt values so far (the sealed password left out).
fn policy_context(inv: Option<&InvitationRecord>, collected: &Map<String, Value>) -> PolicyContext {
    // authentik's invitation stage puts `fixed_data` into the plan's prompt data; what was typed wins.
    let mut prompt_data = inv.map(|i| i.fixed_data.clone()).unwrap_or_default();
    prompt_data.extend(collected.clone());
    prompt_data.remove(SEALED_PASSWORD);
    PolicyContext {
        invitation: inv.map(|i| {
            serde_json::json!({"pk": i.pk, "fixed_data": Value::Object(i.fixed_data.clone()), "invited_by": i.invited_by})
        }),
        prompt_data,
    }
}

/// Enforces the flow's policies and those of all its stages.
pub(super) fn enforce_all(
    policies: &FlowPolicies,
    flow: &StoredFlow,
    inv: Option<&InvitationRecord>,
    collected: &Map<String, Value>,
) -> Result<(), AppError> {
    let names = Journey::new(&flow.def).stage_names();
    policies.enforce(&names, &policy_context(inv, collected))
}

/// `password` sealed for the plan of flow `slug` ([`SEALED_PASSWORD`]).
fn seal_password(config: &Config, slug: &str, password: &str) -> String {
    config
        .secret_key
        .seal("enrollment-password", slug, password)
}

/// The password sealed by [`seal_password`] for flow `slug`.
///
/// # Errors
/// [`AppError::BadRequest`] when it does not open (another flow's, or the instance secret changed since
/// it was typed): the invitee starts the prompts again.
fn open_password(config: &Config, slug: &str, sealed: &str) -> Result<String, AppError> {
    config
        .secret_key
        .open("enrollment-password", slug, sealed)
        .ok_or_else(|| {
            AppError::BadRequest("This form has expired. Enter your details again.".into())
        })
}

fn text(ctx: &Map<String, Value>, key: &str) -> Option<String> {
    ctx.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The `user_write` stage: one transaction that consumes the use, creates the user, grants and records.
#[allow(clippy::too_many_arguments)]
async fn write_user(
    db: &Db,
    config: &Config,
    flow: &StoredFlow,
    invitation: Option<&InvitationRecord>,
    ctx: &Map<String, Value>,
    req: &RequestInfo,
    enrolment: Enrolment,
    verification: Option<&str>,
) -> Result<i64, AppError> {
    let ws = Journey::new(&flow.def).user_write();
    let email = text(ctx, "email").unwrap_or_default();
    if let Some(inv) = invitation {
        if !inv.emails.is_empty() && !allowed(&inv.emails, &email) {
            return Err(AppError::field(
                "email",
                "An email address allowed by this invitation is required.",
            ));
        }
    }
    // Attributes: the invitation's `attributes` object, then prompt fields keyed `attributes.<name>`.
    let mut attributes = match invitation.and_then(|i| i.fixed_data.get("attributes")) {
        Some(Value::Object(a)) => a.clone(),
        _ => Map::new(),
    };
    for (k, v) in ctx {
        if let Some(name) = k.strip_prefix("attributes.") {
            attributes.insert(name.to_owned(), v.clone());
        }
    }
    let username = text(ctx, "username")
        .ok_or_else(|| AppError::field("username", "Username is required."))?;
    // The one hash of this enrollment, outside the transaction (it holds no write lock meanwhile).
    let password_hash = match text(ctx, SEALED_PASSWORD) {
        Some(sealed) => hash_password(open_password(config, &flow.def.slug, &sealed)?).await?,
        None => String::new(),
    };
    let user = NewUser {
        name: text(ctx, "name").unwrap_or_else(|| username.clone()),
        email,
        email_verified: enrolment.verified,
        password_hash,
        username,
        is_active: enrolment.active,
        is_superuser: false,
        user_type: ws.user_type,
        path: ws.path.clone(),
        attributes: Value::Object(attributes).to_string(),
    };
    let mut tx = db.begin().await?;
    if let Some(pk) = verification {
        verification::consume(&mut tx, pk).await?;
    }
    if let Some(inv) = invitation {
        consume_use(&mut tx, inv, time::now()).await?;
    }
    let user_pk = insert_user(&mut tx, &user).await?;
    let mut group_pks: Vec<String> = Vec::new();
    if let Some(name) = &ws.group {
        group_pks.extend(directory::group_pk_by_name(&mut *tx, name).await?);
    }
    grant_in(&mut tx, user_pk, invitation, group_pks).await?;
    if let Some(inv) = invitation {
        record_use_in(&mut tx, inv, user_pk, UseAction::Enrolled, req).await?;
    }
    tx.commit().await?;
    Ok(user_pk)
}
