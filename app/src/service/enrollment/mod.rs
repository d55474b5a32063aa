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

mod account;
mod draft;
mod prompt;
mod stage;

pub(super) use account::enforce_all;
use account::{policy_context, seal_password, write_user, WrittenUser};
pub use draft::*;
pub use prompt::*;
use prompt::{strength_inputs, validate_prompt};
pub use stage::*;

use super::flows::StoredFlow;
use super::invitations::{find_by_token, unusable, Invitation, Itoken};
use super::policies::FlowPolicies;
use super::verification::{self};
use super::{time, Db};
use crate::domain::audit::RefusalReason;
use crate::domain::email_rules::EmailRule;
use crate::domain::fixed_data::prefill;
use crate::domain::flow::{PromptField, PromptType};
use crate::domain::invitation::InvitationStatus;
use crate::domain::journey::{Closed, Journey, Refusal, Visitor};
use crate::domain::user::CurrentUser;
use crate::domain::verification::proof_by_delivery;
use crate::service::error::{Error, Refusal as Refuse};
use serde_json::{Map, Value};

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
    pub invitation: Option<Invitation>,
    /// The policies bound to the flow and its stages.
    pub policies: FlowPolicies,
}

pub(super) fn not_found() -> Error {
    Error::InvalidInvitation(None)
}

/// What a flow plan records of the invitation token it was started with: the token's lookup digest
/// ([`super::invitations::token_digest`]), never the token, since plans live in the sessions table.
fn plan_token(itoken: Option<&Itoken>) -> Option<&str> {
    itoken.map(Itoken::digest)
}

/// Who is asking [`resolve`], for what [`crate::service::sightings`] counts: the client's address and
/// whether the request shows the link's landing page (a view).
#[derive(Debug, Clone, Copy)]
pub struct Asking<'a> {
    /// The client's address ("" when unknown, e.g. in-process).
    pub client_ip: &'a str,
    /// Whether this request shows the landing page: a view of the link is counted.
    pub view: bool,
}

impl<'a> Asking<'a> {
    /// A request from `client_ip` that shows the landing page.
    pub fn view(client_ip: &'a str) -> Self {
        Self {
            client_ip,
            view: true,
        }
    }

    /// A request from `client_ip` that submits or acts (not a view).
    pub fn act(client_ip: &'a str) -> Self {
        Self {
            client_ip,
            view: false,
        }
    }
}

/// Resolves a flow and an invitation token and checks the invitation stage's rules at `now`: the token
/// must exist, belong to this flow, and be active. Changes nothing: a view of an existing invitation's
/// link (`asking.view`) and a refusal of one (disabled, expired, used up, another flow's) are counted in
/// memory ([`crate::service::sightings`]).
///
/// # Errors
/// [`Error::InvalidInvitation`] (404 for unknown/malformed/wrong-flow/missing, 410 with the reason for
/// disabled/expired/used up); [`Error::NotYetOpen`] before its start time; database errors.
pub async fn resolve(
    db: &Db,
    slug: &str,
    itoken: Option<&Itoken>,
    now: i64,
    asking: Asking<'_>,
) -> Result<Resolved, Error> {
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
    if let Some(Some(inv)) = &invitation {
        if asking.view {
            match &inv.link {
                Some(link) => db.sightings.viewed_link(&inv.pk, &link.pk, now),
                None => db.sightings.viewed(&inv.pk, now),
            }
        }
        let reason = if inv.flow_pk != flow.pk {
            Some(RefusalReason::WrongFlow)
        } else {
            RefusalReason::of_status(inv.status(now))
        };
        if let Some(reason) = reason {
            db.sightings.refused(&inv.pk, reason, asking.client_ip, now);
        }
    }
    let not_before = invitation
        .as_ref()
        .and_then(|found| found.as_ref())
        .and_then(|inv| inv.not_before);
    Journey::new(&flow.def)
        .admit(invitation.as_ref().map(|found| {
            found
                .as_ref()
                .map(|inv| (inv.flow_pk == flow.pk, inv.status(now)))
        }))
        .map_err(|r| match r {
            // A scheduled invitation's invitee is told when it opens.
            Refusal::Inactive(status) => unusable(status, not_before),
            r => refused(r),
        })?;
    let policies = loaded.policies.clone();
    Ok(Resolved {
        flow,
        invitation: invitation.flatten(),
        policies,
    })
}

/// The journey of `flow` for `inv`: with the implicit `email` stage when `inv` is limited by email
/// rules and the flow binds none ([`Journey::for_invitation`]).
pub(super) fn journey<'a>(flow: &'a StoredFlow, inv: Option<&Invitation>) -> Journey<'a> {
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

/// The error of a submission or an acceptance the flow's settings close to the visitor
/// ([`Journey::may_enroll`], [`Journey::may_accept`]), worded by [`crate::error::closed_message`].
pub(super) fn closed_error(closed: &Closed, user: Option<&CurrentUser>) -> Error {
    if let Closed::Unsupported(what) = closed {
        tracing::warn!(authentication = %what, "a flow with an unsupported authentication requirement was opened");
    }
    Error::Refused(Refuse::FlowClosed(
        closed.clone(),
        user.map_or_else(String::new, |u| u.username.clone()),
    ))
}

/// The invitee's error for a refusal of the journey. `NotStarted` is mapped where it happens, with a
/// message that says what to do.
fn refused(r: Refusal) -> Error {
    match r {
        Refusal::NotFound => not_found(),
        Refusal::Inactive(status) => unusable(status, None),
        Refusal::NotStarted => Error::Refused(Refuse::StepNotStarted),
        Refusal::NoPromptStage => {
            tracing::error!("a flow without prompt stages was opened");
            Error::Internal
        }
    }
}

/// Whether `inv` is usable at `now` (UTC Unix seconds).
///
/// # Errors
/// [`Error::InvalidInvitation`] with its status, or [`Error::NotYetOpen`] when it is scheduled.
pub(super) fn check_active(inv: &Invitation, now: i64) -> Result<(), Error> {
    match inv.status(now) {
        InvitationStatus::Active => Ok(()),
        status => Err(unusable(status, inv.not_before)),
    }
}

/// Counts an enrollment post that is about to hash a password against its client network's budget and
/// its invitation's ([`crate::domain::limits::ENROLL_POSTS_PER_NETWORK`],
/// [`crate::domain::limits::ENROLL_POSTS_PER_INVITATION`]), before anything is hashed (issue 35 item 2).
/// A call without a client address (in-process) counts only against the invitation.
///
/// # Errors
/// [`Error::TooManyEnrollments`] with the seconds to wait past either; database errors.
async fn enrollment_budgets(
    db: &Db,
    client_ip: &str,
    invitation_pk: Option<&str>,
    flow_slug: &str,
) -> Result<(), Error> {
    use crate::domain::limits::{
        enroll_invitation_bucket, enroll_network_bucket, network, ENROLL_POSTS_PER_INVITATION,
        ENROLL_POSTS_PER_NETWORK,
    };
    if !client_ip.is_empty() {
        let bucket = enroll_network_bucket(&network(client_ip));
        super::limits::take(db, &bucket, ENROLL_POSTS_PER_NETWORK)
            .await?
            .map_err(Error::TooManyEnrollments)?;
    }
    let bucket = enroll_invitation_bucket(invitation_pk, flow_slug);
    super::limits::take(db, &bucket, ENROLL_POSTS_PER_INVITATION)
        .await?
        .map_err(Error::TooManyEnrollments)
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
fn invited_address(inv: &Invitation) -> Option<&str> {
    inv.fixed_data.get("email").and_then(Value::as_str)
}

/// Whether Usher's delivery of this invitation's link proves `email` (see [`proof_by_delivery`]).
pub(super) fn by_delivery(inv: Option<&Invitation>, email: &str, delivered_to: &[String]) -> bool {
    inv.is_some_and(|i| proof_by_delivery(&i.emails, invited_address(i), email, delivered_to))
}

/// Who Usher delivered this invitation's current link to (empty unless it is addressed to someone: an
/// exact-address rule or `fixed_data.email`, the only cases delivery can prove).
pub(super) async fn delivered(db: &Db, inv: Option<&Invitation>) -> Result<Vec<String>, Error> {
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
fn locked_email(inv: Option<&Invitation>) -> Option<String> {
    match inv.map(|i| i.emails.as_slice()) {
        Some([EmailRule::Address(a)]) => Some(a.clone()),
        _ => None,
    }
}

/// What the landing page of a flow shows: the invitation's summary and the current prompt stage (or the
/// `email` stage's code page). Times are UTC Unix seconds; the page words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing {
    /// Flow slug.
    pub slug: String,
    /// Flow title.
    pub title: String,
    /// Who created the invitation: their display name, else username (empty without an invitation).
    pub invited_by: String,
    /// Role names granted.
    pub roles: Vec<String>,
    /// Group names granted.
    pub groups: Vec<String>,
    /// The `user_write` stage's user type.
    pub user_type: crate::domain::flow::UserType,
    /// The invitation's expiry, UTC Unix seconds; `None` never (or no invitation).
    pub expires: Option<i64>,
    /// Index of the stage shown, in the flow's stage bindings.
    pub stage: usize,
    /// 1-based number of this page and how many there are.
    pub step: (usize, usize),
    /// The stage's prompt fields with their values (never passwords).
    pub fields: Vec<(PromptField, Option<String>)>,
    /// Field keys the invitee cannot change (the email of an exact-address invitation).
    pub locked: Vec<String>,
    /// The signed-in user's username, who may accept instead of enrolling.
    pub signed_in_as: Option<String>,
    /// On the `email` stage's page: the address the code was sent to.
    pub verify_email: Option<String>,
    /// Why the flow cannot create an account for this visitor; `None` when it can.
    pub closed: Option<Closed>,
    /// Whether this journey has a code page.
    pub code_step: bool,
    /// The invitation's language, if it names one.
    pub locale: Option<crate::i18n::Locale>,
}

/// The landing view of `/if/flow/{slug}/?itoken=…`: what the invitation grants and the current prompt
/// stage — the plan's stage when this session is in this flow with this token, else the first — with
/// values typed into this stage before it was refused (`draft`), else from the plan, else pre-filled from
/// `fixed_data` (never passwords). Changes nothing; counts a view of the link, and a refusal, in memory
/// ([`resolve`]). `client_ip` is the client's address ("" when unknown).
///
/// # Errors
/// As [`resolve`]; [`Error::Internal`] for a flow without prompt stages.
#[tracing::instrument(name = "enrollment.landing", skip_all, fields(flow = slug))]
pub async fn landing(
    db: &Db,
    slug: &str,
    itoken: Option<&Itoken>,
    plan: Option<&FlowPlan>,
    draft: Option<&StageDraft>,
    user: Option<&CurrentUser>,
    client_ip: &str,
) -> Result<Landing, Error> {
    let now = time::now();
    let Resolved {
        flow,
        invitation,
        policies,
    } = resolve(db, slug, itoken, now, Asking::view(client_ip)).await?;
    let journey = journey(&flow, invitation.as_ref());
    let email_idx = journey.email().map(|(i, _)| i);
    let (stage, plan) = journey
        .landing(plan, slug, plan_token(itoken))
        .map_err(refused)?;
    let empty = Map::new();
    let ctx = policy_context(invitation.as_ref(), plan.map_or(&empty, |p| &p.context));
    // Flow-level policies only: a stage's own policies run when it is submitted, with its values.
    policies.enforce(&[], &ctx).map_err(|e| match &invitation {
        Some(inv) => crate::service::sightings::note_refusal(db, &inv.pk, client_ip, e),
        None => e,
    })?;
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
    let closed = journey.may_enroll(visitor(user)).err();
    if let Some(Closed::Unsupported(what)) = &closed {
        tracing::warn!(authentication = %what, "a flow with an unsupported authentication requirement was opened");
    }
    Ok(Landing {
        slug: flow.def.slug.clone(),
        title: flow.def.title.clone(),
        invited_by: invitation
            .as_ref()
            .map(|i| i.invited_by().to_owned())
            .unwrap_or_default(),
        roles: invitation
            .as_ref()
            .map(|i| i.roles.iter().map(|r| r.name.clone()).collect())
            .unwrap_or_default(),
        groups: invitation
            .as_ref()
            .map(|i| i.groups.iter().map(|g| g.name.clone()).collect())
            .unwrap_or_default(),
        user_type: ws.user_type,
        expires: invitation.as_ref().and_then(|i| i.expires),
        stage,
        step: journey.step(stage, needs_code),
        fields,
        locked: locked.map(|_| vec!["email".to_owned()]).unwrap_or_default(),
        signed_in_as: invitation.as_ref().and(user).map(|u| u.username.clone()),
        verify_email,
        closed,
        code_step: needs_code,
        locale: invitation.as_ref().and_then(|i| i.locale),
    })
}
