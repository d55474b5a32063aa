//! The invitee journey through a flow (authentik's flow executor, reduced to Usher's stage kinds).
//!
//! * The landing (`GET /if/flow/{slug}/?itoken=…`) resolves the flow and the invitation and shows the
//!   current prompt stage. It changes nothing: mail scanners and link previews open links.
//! * Each prompt stage is submitted by POST ([`submit_stage`]). The first submission starts a
//!   [`FlowPlan`], kept server-side in the session; later stages can only be submitted in order, for the
//!   same flow and invitation. Refresh and back are safe: the page shows the plan's current stage.
//! * When the prompts are done, the `user_write` stage runs in **one transaction**: it consumes a use with
//!   a conditional update (re-checking enabled, expiry, quota and email rules), creates the user with the
//!   stage's `user_type` and `user_path_template`, grants groups and roles, and writes the ledger row
//!   `enrolled`. A `user_login` stage then signs the user in.
//! * Existing users accept instead ([`accept`]): the same atomic rule, ledger row `joined`.

use super::flows::{load_flow, StoredFlow};
use super::invitations::{consume_use, find_by_token, invalid, InvitationRecord};
use super::users::{insert_user, NewUser};
use super::{auth::hash_password, db::new_uuid, time, Db};
use crate::domain::email_rules::{allowed, normalize_email, EmailRule};
use crate::domain::fixed_data::prefill;
use crate::domain::flow::{PromptField, StageKind, UserType};
use crate::domain::invitation::InvitationStatus;
use crate::domain::user::{validate_new_password, validate_username};
use crate::error::AppError;
use crate::model::{AcceptView, CurrentUser, FlowView};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// Session key of the flow in progress.
pub const PLAN_KEY: &str = "flow_plan";

/// A flow in progress (authentik's flow plan): which flow, with which invitation token, at which stage,
/// and what the prompts collected so far. Passwords are kept only as argon2id hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowPlan {
    /// Flow slug.
    pub slug: String,
    /// Invitation token the flow was started with.
    pub token: Option<String>,
    /// Index of the next stage to run, in the flow's bindings.
    pub stage: usize,
    /// Collected prompt values by `field_key` (`password_hash` instead of passwords).
    pub context: Map<String, Value>,
}

impl FlowPlan {
    fn is_for(&self, slug: &str, token: Option<&str>) -> bool {
        self.slug == slug && self.token.as_deref() == token
    }
}

/// A flow resolved with a usable invitation.
pub struct Resolved {
    /// The flow.
    pub flow: StoredFlow,
    /// The invitation (`None` only when the flow continues without one).
    pub invitation: Option<InvitationRecord>,
}

fn not_found() -> AppError {
    AppError::InvalidInvitation {
        reason: None,
        gone: false,
    }
}

fn clean_token(itoken: Option<&str>) -> Option<&str> {
    itoken.map(str::trim).filter(|t| !t.is_empty())
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
    itoken: Option<&str>,
    now: i64,
) -> Result<Resolved, AppError> {
    let flow = load_flow(db, slug).await?.ok_or_else(not_found)?;
    let continue_without = flow.stage(|k| match k {
        StageKind::Invitation {
            continue_flow_without_invitation,
        } => Some(*continue_flow_without_invitation),
        _ => None,
    });
    let invitation = match clean_token(itoken) {
        Some(t) => Some(find_by_token(db, t).await?.ok_or_else(not_found)?),
        None if continue_without != Some(false) => None,
        None => return Err(not_found()),
    };
    if let Some(inv) = &invitation {
        if inv.flow_pk != flow.pk {
            return Err(not_found());
        }
        check_active(inv, now)?;
    }
    Ok(Resolved { flow, invitation })
}

fn check_active(inv: &InvitationRecord, now: i64) -> Result<(), AppError> {
    match inv.status(now) {
        InvitationStatus::Active => Ok(()),
        status => Err(invalid(status)),
    }
}

/// Indexes of the flow's prompt stages, in order.
fn prompt_stages(flow: &StoredFlow) -> Vec<usize> {
    flow.def
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.kind, StageKind::Prompt { .. }))
        .map(|(i, _)| i)
        .collect()
}

fn stage_fields(flow: &StoredFlow, index: usize) -> Vec<PromptField> {
    let mut fields = match flow.def.stages.get(index).map(|s| &s.kind) {
        Some(StageKind::Prompt { fields }) => fields.clone(),
        _ => Vec::new(),
    };
    fields.sort_by_key(|f| f.order);
    fields
}

/// The address an exact-address invitation is for: its only rule, when that rule is an address.
fn locked_email(inv: Option<&InvitationRecord>) -> Option<String> {
    match inv.map(|i| i.emails.as_slice()) {
        Some([EmailRule::Address(a)]) => Some(a.clone()),
        _ => None,
    }
}

struct WriteSettings {
    user_type: UserType,
    path: String,
    group: Option<String>,
    inactive: bool,
}

fn user_write(flow: &StoredFlow) -> WriteSettings {
    flow.stage(|k| match k {
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

/// The landing view of `/if/flow/{slug}/?itoken=…`: what the invitation grants and the current prompt
/// stage — the plan's stage when this session is in this flow with this token, else the first — with
/// values from the plan or pre-filled from `fixed_data` (never passwords). Changes nothing.
///
/// # Errors
/// As [`resolve`]; [`AppError::Internal`] for a flow without prompt stages.
pub async fn landing(
    db: &Db,
    slug: &str,
    itoken: Option<&str>,
    plan: Option<&FlowPlan>,
    user: Option<&CurrentUser>,
) -> Result<FlowView, AppError> {
    let now = time::now();
    let itoken = clean_token(itoken);
    let Resolved { flow, invitation } = resolve(db, slug, itoken, now).await?;
    let prompts = prompt_stages(&flow);
    let plan = plan.filter(|p| p.is_for(slug, itoken) && prompts.contains(&p.stage));
    let stage = match plan {
        Some(p) => p.stage,
        None => *prompts.first().ok_or(AppError::Internal)?,
    };
    let fixed = invitation
        .as_ref()
        .map(|i| i.fixed_data.clone())
        .unwrap_or_default();
    let locked = locked_email(invitation.as_ref());
    let fields = stage_fields(&flow, stage)
        .into_iter()
        .map(|f| {
            let v = if f.field_type == "password" {
                None
            } else if f.field_key == "email" && locked.is_some() {
                locked.clone()
            } else {
                plan.and_then(|p| p.context.get(&f.field_key))
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .or_else(|| prefill(&fixed, &f.field_key))
            };
            (f, v)
        })
        .collect();
    let ws = user_write(&flow);
    let position = prompts.iter().position(|i| *i == stage).unwrap_or(0);
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
        user_type: ws.user_type.as_str().to_owned(),
        expires_display: time::format_expiry(invitation.as_ref().and_then(|i| i.expires), now),
        stage,
        step: (position + 1, prompts.len()),
        fields,
        locked: locked.map(|_| vec!["email".to_owned()]).unwrap_or_default(),
        signed_in_as: invitation.as_ref().and(user).map(|u| u.username.clone()),
    })
}

/// Who is enrolling or joining, for the ledger.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// Client IP.
    pub ip: String,
    /// `User-Agent`.
    pub user_agent: String,
}

/// Validates one prompt stage's values; returns the cleaned values (passwords still in clear).
async fn validate_prompt(
    db: &Db,
    fields: &[PromptField],
    values: &HashMap<String, String>,
    inv: Option<&InvitationRecord>,
) -> Result<Map<String, Value>, AppError> {
    let mut errors = Vec::new();
    let mut clean = Map::new();
    let locked = locked_email(inv);
    for f in fields {
        let raw = values.get(&f.field_key).cloned().unwrap_or_default();
        let v = if f.field_type == "password" {
            raw
        } else {
            raw.trim().to_owned()
        };
        if f.required && v.is_empty() {
            errors.push((f.field_key.clone(), format!("{} is required.", f.label)));
            continue;
        }
        let result = match f.field_type.as_str() {
            "username" => match validate_username(&v) {
                Ok(u) => {
                    let taken: Option<i64> =
                        sqlx::query_scalar("SELECT pk FROM users WHERE username = $1")
                            .bind(&u)
                            .fetch_optional(&db.pool)
                            .await?;
                    if taken.is_some() {
                        Err("This username is already taken.".to_owned())
                    } else {
                        Ok(u)
                    }
                }
                Err(e) => Err(e),
            },
            "email" if !v.is_empty() => match normalize_email(&v) {
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
        if let Err(e) = validate_new_password(p, &repeat) {
            errors.push(("password".into(), e));
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(AppError::Validation(errors))
    }
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

/// Submits the prompt stage at index `stage` of the flow. The flow's first prompt stage starts a new
/// plan; any later stage needs `plan` to be this flow, this token, at this stage ("a flow that was not
/// started cannot be jumped into mid-way"). When no prompt stage follows, runs `user_write` (see the module
/// docs) and reports the new user.
///
/// # Errors
/// [`AppError::InvalidInvitation`] when the invitation is or became unusable; [`AppError::Validation`] for
/// bad prompt values; [`AppError::BadRequest`] for an out-of-order stage; database errors. Nothing is
/// written on error.
pub async fn submit_stage(
    db: &Db,
    plan: Option<FlowPlan>,
    slug: &str,
    itoken: Option<&str>,
    stage: usize,
    values: &HashMap<String, String>,
    req: &RequestInfo,
) -> Result<StageOutcome, AppError> {
    let itoken = clean_token(itoken);
    let Resolved { flow, invitation } = resolve(db, slug, itoken, time::now()).await?;
    let prompts = prompt_stages(&flow);
    let mut plan = match plan {
        _ if prompts.first() == Some(&stage) => FlowPlan {
            slug: slug.to_owned(),
            token: itoken.map(str::to_owned),
            stage,
            context: Map::new(),
        },
        Some(p) if p.is_for(slug, itoken) && p.stage == stage => p,
        _ => return Err(AppError::BadRequest(
            "This step of the enrollment was not started here. Open your invitation link again."
                .into(),
        )),
    };
    let mut clean =
        validate_prompt(db, &stage_fields(&flow, stage), values, invitation.as_ref()).await?;
    // An empty (optional) password leaves the account without a usable password.
    if let Some(Value::String(p)) = clean.remove("password") {
        if !p.is_empty() {
            clean.insert(
                "password_hash".into(),
                Value::String(hash_password(p).await?),
            );
        }
    }
    clean.remove("password_repeat");
    plan.context.extend(clean);
    match prompts.iter().find(|i| **i > stage) {
        Some(next) => {
            plan.stage = *next;
            Ok(StageOutcome::Continue(plan))
        }
        None => {
            let user_pk = write_user(db, &flow, invitation.as_ref(), &plan.context, req).await?;
            let login = flow
                .def
                .stages
                .iter()
                .any(|s| matches!(s.kind, StageKind::UserLogin))
                && !user_write(&flow).inactive;
            Ok(StageOutcome::Enrolled { user_pk, login })
        }
    }
}

fn text(ctx: &Map<String, Value>, key: &str) -> Option<String> {
    ctx.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The `user_write` stage: one transaction that consumes the use, creates the user, grants and records.
async fn write_user(
    db: &Db,
    flow: &StoredFlow,
    invitation: Option<&InvitationRecord>,
    ctx: &Map<String, Value>,
    req: &RequestInfo,
) -> Result<i64, AppError> {
    let ws = user_write(flow);
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
    let user = NewUser {
        name: text(ctx, "name").unwrap_or_else(|| username.clone()),
        email,
        password_hash: text(ctx, "password_hash").unwrap_or_default(),
        username,
        is_active: !ws.inactive,
        is_superuser: false,
        user_type: ws.user_type.as_str().to_owned(),
        path: ws.path.clone(),
        attributes: Value::Object(attributes).to_string(),
    };
    let mut tx = db.pool.begin().await?;
    if let Some(inv) = invitation {
        consume_use(&mut tx, inv, time::now()).await?;
    }
    let user_pk = insert_user(&mut tx, &user).await?;
    let mut group_pks: Vec<String> = Vec::new();
    if let Some(name) = &ws.group {
        let pk: Option<String> =
            sqlx::query_scalar("SELECT pk FROM directory_groups WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        group_pks.extend(pk);
    }
    grant(&mut tx, user_pk, invitation, group_pks).await?;
    if let Some(inv) = invitation {
        record_use(&mut tx, inv, user_pk, "enrolled", req).await?;
    }
    tx.commit().await?;
    Ok(user_pk)
}

/// Grants the invitation's groups and roles (plus `extra_groups`) to a user, skipping what they hold. The
/// grants are read inside the transaction, so an edit that removed one a moment ago is respected.
async fn grant(
    tx: &mut Transaction<'static, Any>,
    user_pk: i64,
    invitation: Option<&InvitationRecord>,
    mut groups: Vec<String>,
) -> Result<(), AppError> {
    let inv_pk = invitation.map(|i| i.pk.clone()).unwrap_or_default();
    let granted: Vec<String> =
        sqlx::query_scalar("SELECT group_pk FROM invitation_groups WHERE invitation_pk = $1")
            .bind(&inv_pk)
            .fetch_all(&mut **tx)
            .await?;
    groups.extend(granted);
    groups.sort();
    groups.dedup();
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT role_pk FROM invitation_roles WHERE invitation_pk = $1")
            .bind(&inv_pk)
            .fetch_all(&mut **tx)
            .await?;
    for g in groups {
        sqlx::query(
            "INSERT INTO user_group_memberships (user_pk, group_pk) VALUES ($1, $2) ON CONFLICT (user_pk, group_pk) DO NOTHING",
        )
        .bind(user_pk)
        .bind(g)
        .execute(&mut **tx)
        .await?;
    }
    for r in roles {
        sqlx::query(
            "INSERT INTO user_role_memberships (user_pk, role_pk) VALUES ($1, $2) ON CONFLICT (user_pk, role_pk) DO NOTHING",
        )
        .bind(user_pk)
        .bind(r)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn record_use(
    tx: &mut Transaction<'static, Any>,
    inv: &InvitationRecord,
    user_pk: i64,
    action: &str,
    req: &RequestInfo,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO invitation_uses (pk, invitation_pk, user_pk, action, at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_uuid())
    .bind(&inv.pk)
    .bind(user_pk)
    .bind(action)
    .bind(time::now())
    .bind(&req.ip)
    .bind(req.user_agent.chars().take(512).collect::<String>())
    .execute(&mut **tx)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::BadRequest("You have already accepted this invitation.".into())
        }
        e => AppError::from(e),
    })?;
    Ok(())
}

/// An active invitation found by token alone (the existing-user path, where the flow does not run).
///
/// # Errors
/// [`AppError::InvalidInvitation`] as [`resolve`]; database errors.
pub async fn resolve_token(db: &Db, token: &str) -> Result<InvitationRecord, AppError> {
    let inv = find_by_token(db, token).await?.ok_or_else(not_found)?;
    check_active(&inv, time::now())?;
    Ok(inv)
}

/// The slug of the flow an invitation belongs to.
///
/// # Errors
/// Database errors.
pub async fn flow_slug(db: &Db, inv: &InvitationRecord) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT slug FROM flows WHERE pk = $1")
        .bind(&inv.flow_pk)
        .fetch_one(&db.pool)
        .await?)
}

/// The accept page's view for a signed-in user and an invitation token.
///
/// # Errors
/// As [`resolve_token`].
pub async fn accept_view(db: &Db, token: &str, user: &CurrentUser) -> Result<AcceptView, AppError> {
    let inv = resolve_token(db, token).await?;
    Ok(AcceptView {
        invited_by: inv.invited_by.clone(),
        roles: inv.roles.iter().map(|r| r.1.clone()).collect(),
        groups: inv.groups.iter().map(|g| g.1.clone()).collect(),
        expires_display: time::format_expiry(inv.expires, time::now()),
        username: user.username.clone(),
    })
}

/// An existing user accepts an invitation: in one transaction a use is consumed (same atomic rule as
/// enrollment), the invitation's groups and roles are granted, and the ledger row `joined` is written.
/// The user's email must satisfy the invitation's email rules; a user who already used it cannot use it
/// again.
///
/// # Errors
/// [`AppError::InvalidInvitation`]; [`AppError::BadRequest`] when the email does not match or the user
/// already used this invitation; database errors. Nothing is written on error.
pub async fn accept(
    db: &Db,
    token: &str,
    user: &CurrentUser,
    req: &RequestInfo,
) -> Result<(), AppError> {
    let inv = resolve_token(db, token).await?;
    if !allowed(&inv.emails, &user.email) {
        return Err(AppError::BadRequest(format!(
            "This invitation is not valid for your account's email address ({}).",
            user.email
        )));
    }
    let used: Option<String> = sqlx::query_scalar(
        "SELECT pk FROM invitation_uses WHERE invitation_pk = $1 AND user_pk = $2",
    )
    .bind(&inv.pk)
    .bind(user.pk)
    .fetch_optional(&db.pool)
    .await?;
    if used.is_some() {
        return Err(AppError::BadRequest(
            "You have already accepted this invitation.".into(),
        ));
    }
    let mut tx = db.pool.begin().await?;
    consume_use(&mut tx, &inv, time::now()).await?;
    grant(&mut tx, user.pk, Some(&inv), Vec::new()).await?;
    record_use(&mut tx, &inv, user.pk, "joined", req).await?;
    tx.commit().await?;
    Ok(())
}
