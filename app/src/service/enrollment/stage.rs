//! Submitting a stage: running it against the flow plan, refusals with their draft, codes.

use super::{
    by_delivery, closed_error, delivered, enforce_all, enrollment_budgets, journey, plan_token,
    policy_context, refused, resolve, seal_password, strength_inputs, validate_prompt, visitor,
    write_user, Asking, FlowPlan, Resolved, StageDraft, WrittenUser,
};
use crate::domain::email_rules::normalize_email;
use crate::domain::journey::{Next, Proof, Submission, SEALED_PASSWORD};
use crate::domain::user::password_strength;
use crate::domain::user::CurrentUser;
use crate::service::error::{Error, Problem, Refusal as Refuse};
use crate::service::invitations::{Invitation, Itoken, RequestInfo};
use crate::service::verification::{self, Settings};
use crate::service::{time, Config, Db};
use serde_json::Value;
use std::collections::HashMap;

/// What a stage submission led to.
#[derive(Debug, Clone, PartialEq)]
pub enum StageOutcome {
    /// More prompt stages follow; the plan (to store in the session) is at the next one.
    Continue(FlowPlan),
    /// The account was created; sign in when `login`.
    Enrolled {
        /// The new user's pk.
        user_pk: i64,
        /// Whether the flow has a `user_login` stage (never while the account waits for approval).
        login: bool,
        /// Whether the account waits for an approver (the invitation requires approval).
        pending: bool,
        /// The new account's type, which (with it never being a superuser) is all its landing page
        /// needs to know.
        user_type: crate::domain::flow::UserType,
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
/// [`Refused`]: [`Error::InvalidInvitation`] when the invitation is or became unusable;
/// [`Error::Invalid`] for bad prompt values (with the draft of what was typed) or a wrong, expired
/// or exhausted code (on `code`); [`Error::Refused`] for an out-of-order stage; database errors.
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
    let resolved = resolve(db, slug, itoken, time::now(), Asking::act(&req.ip)).await?;
    let fields = journey(&resolved.flow, resolved.invitation.as_ref()).fields(stage);
    let invitation_pk = resolved.invitation.as_ref().map(|i| i.pk.clone());
    // A refusal that concerns the invitation (its rules, a policy, a budget) is counted for it.
    let note = |e: Error| match &invitation_pk {
        Some(pk) => crate::service::sightings::note_refusal(db, pk, &req.ip, e),
        None => e,
    };
    let submitted = Submitted {
        plan,
        slug,
        itoken,
        stage,
        values,
    };
    match run_stage(db, config, resolved, submitted, req, user)
        .await
        .map_err(note)
    {
        Err(error @ Error::Invalid(_)) => Err(Refused {
            draft: super::draft_of(slug, itoken, stage, &fields, values),
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
    pub error: Error,
    /// What was typed, when the stage is a prompt stage and its values were refused.
    pub draft: Option<StageDraft>,
}

impl From<Error> for Refused {
    fn from(error: Error) -> Self {
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
) -> Result<StageOutcome, Error> {
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
        .map_err(|c| closed_error(&c, user))?;
    let mut plan = match journey
        .submission(plan, slug, plan_token(itoken), stage)
        .map_err(refused)?
    {
        Submission::Code { plan, verification } => {
            let address = plan.text("email").unwrap_or_default();
            verification::check(
                db,
                config,
                &verification::CodeGate {
                    client: &req.ip,
                    locale: req.locale,
                },
                &verification,
                &address,
                values.get("code").map(String::as_str).unwrap_or_default(),
            )
            .await?;
            enforce_all(&policies, &flow, invitation.as_ref(), &plan.context)?;
            let enrolment = journey.enrolment(Proof::Code);
            let written = write_user(
                db,
                config,
                &flow,
                invitation.as_ref(),
                &plan.context,
                req,
                enrolment,
                Some(&verification),
                journey.signs_in(enrolment, visitor),
            )
            .await?;
            return Ok(enrolled(written));
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
                .map_err(|e| Error::field("password", Problem::Password(e)))?;
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
            let address =
                normalize_email(&address).ok_or(Error::Refused(Refuse::NoAddressEntered))?;
            plan.verification = Some(
                start_or_reuse(
                    db,
                    config,
                    &verification::CodeGate {
                        client: &req.ip,
                        locale: req.locale,
                    },
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
            let written = write_user(
                db,
                config,
                &flow,
                invitation.as_ref(),
                &plan.context,
                req,
                enrolment,
                None,
                journey.signs_in(enrolment, visitor),
            )
            .await?;
            Ok(enrolled(written))
        }
    }
}

fn enrolled(written: WrittenUser) -> StageOutcome {
    StageOutcome::Enrolled {
        user_pk: written.pk,
        login: written.signed_in,
        pending: written.pending,
        user_type: written.user_type,
    }
}

/// The verification to send the invitee to: this browser's pending one when it is for the same address
/// (no second code for going back and forth), else a new one with a code sent.
async fn start_or_reuse(
    db: &Db,
    config: &Config,
    gate: &verification::CodeGate<'_>,
    current: Option<String>,
    inv: Option<&Invitation>,
    address: &str,
    settings: Settings,
) -> Result<String, Error> {
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
/// [`Error::Refused`] when the plan is not at this flow's `email` stage, or no code may be sent yet
/// (with the reason); [`Error::InvalidInvitation`]; database errors.
#[tracing::instrument(name = "enrollment.resend_code", skip_all, fields(flow = slug))]
pub async fn resend_code(
    db: &Db,
    config: &Config,
    gate: &verification::CodeGate<'_>,
    plan: Option<&FlowPlan>,
    slug: &str,
    itoken: Option<&Itoken>,
) -> Result<(), Error> {
    let Resolved {
        flow, invitation, ..
    } = resolve(db, slug, itoken, time::now(), Asking::act(gate.client)).await?;
    let journey = journey(&flow, invitation.as_ref());
    let not_started = || Error::Refused(Refuse::CodeNotSentHere);
    let (index, settings) = journey.email().ok_or_else(not_started)?;
    let pk = plan
        .filter(|p| p.is_for(slug, plan_token(itoken)) && p.stage == index)
        .and_then(|p| p.verification.as_deref())
        .ok_or_else(not_started)?;
    verification::resend(db, config, gate, pk, settings)
        .await
        .map_err(|e| match &invitation {
            Some(inv) => crate::service::sightings::note_refusal(db, &inv.pk, gate.client, e),
            None => e,
        })
}
