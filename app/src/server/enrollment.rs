//! The invitee journey through an enrollment flow: the landing (read-only) and the submission that
//! creates the account and consumes a use in one transaction.
//!
//! The flow's stages run in order: `invitation` (resolves and checks the token), `prompt` (the form, pre-filled
//! from `fixed_data` by `field_key`), `user_write` (creates the user), `user_login` (signs in).

use super::flows::{load_flow, StoredFlow};
use super::invitations::{consume_use, find_by_token, invalid, InvitationRecord};
use super::users::{insert_user, NewUser};
use super::{auth::hash_password, db::new_uuid, time, Db};
use crate::domain::email_rules::{allowed, normalize_email};
use crate::domain::fixed_data::prefill;
use crate::domain::flow::{PromptField, StageKind, UserType};
use crate::domain::invitation::InvitationStatus;
use crate::domain::user::{validate_new_password, validate_username};
use crate::error::AppError;
use crate::model::FlowView;
use std::collections::HashMap;

/// A flow resolved with a usable invitation.
pub struct Resolved {
    /// The flow.
    pub flow: StoredFlow,
    /// The invitation (`None` only when the flow continues without one).
    pub invitation: Option<InvitationRecord>,
}

fn not_found() -> AppError {
    AppError::InvalidInvitation { reason: None, gone: false }
}

/// Resolves a flow and an invitation token and checks the invitation stage's rules at `now`: the token
/// must exist, belong to this flow, and be active. Changes nothing.
///
/// # Errors
/// [`AppError::InvalidInvitation`] (404 for unknown/malformed/wrong-flow/missing, 410 with the reason for
/// disabled/expired/used up); database errors.
pub async fn resolve(db: &Db, slug: &str, itoken: Option<&str>, now: i64) -> Result<Resolved, AppError> {
    let flow = load_flow(db, slug).await?.ok_or_else(not_found)?;
    let continue_without = flow.stage(|k| match k {
        StageKind::Invitation { continue_flow_without_invitation } => Some(*continue_flow_without_invitation),
        _ => None,
    });
    let token = itoken.map(str::trim).filter(|t| !t.is_empty());
    let invitation = match token {
        Some(t) => Some(find_by_token(db, t).await?.ok_or_else(not_found)?),
        None if continue_without != Some(false) => None,
        None => return Err(not_found()),
    };
    if let Some(inv) = &invitation {
        if inv.flow_pk != flow.pk {
            return Err(not_found());
        }
        let status = inv.status(now);
        if status != InvitationStatus::Active {
            return Err(invalid(status));
        }
    }
    Ok(Resolved { flow, invitation })
}

fn prompt_fields(flow: &StoredFlow) -> Vec<PromptField> {
    let mut fields: Vec<PromptField> = flow
        .def
        .stages
        .iter()
        .filter_map(|s| match &s.kind {
            StageKind::Prompt { fields } => Some(fields.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    fields.sort_by_key(|f| f.order);
    fields
}

struct WriteSettings {
    user_type: UserType,
    path: String,
    group: Option<String>,
    inactive: bool,
}

fn user_write(flow: &StoredFlow) -> WriteSettings {
    flow.stage(|k| match k {
        StageKind::UserWrite { user_type, user_path_template, create_users_group, create_users_as_inactive, .. } => {
            Some(WriteSettings {
                user_type: *user_type,
                path: user_path_template.clone(),
                group: create_users_group.clone(),
                inactive: *create_users_as_inactive,
            })
        }
        _ => None,
    })
    .unwrap_or(WriteSettings { user_type: UserType::Internal, path: "users".into(), group: None, inactive: false })
}

/// The landing view of `/if/flow/{slug}/?itoken=…`: what the invitation grants and the prompt fields with
/// pre-filled values (never for passwords). A GET: changes nothing.
///
/// # Errors
/// As [`resolve`].
pub async fn landing(db: &Db, slug: &str, itoken: Option<&str>) -> Result<FlowView, AppError> {
    let now = time::now();
    let Resolved { flow, invitation } = resolve(db, slug, itoken, now).await?;
    let fixed = invitation.as_ref().map(|i| i.fixed_data.clone()).unwrap_or_default();
    let fields = prompt_fields(&flow)
        .into_iter()
        .map(|f| {
            let v = if f.field_type == "password" { None } else { prefill(&fixed, &f.field_key) };
            (f, v)
        })
        .collect();
    let ws = user_write(&flow);
    Ok(FlowView {
        slug: flow.def.slug.clone(),
        title: flow.def.title.clone(),
        invited_by: invitation.as_ref().map(|i| i.invited_by.clone()).unwrap_or_default(),
        roles: invitation.as_ref().map(|i| i.roles.iter().map(|r| r.1.clone()).collect()).unwrap_or_default(),
        groups: invitation.as_ref().map(|i| i.groups.iter().map(|g| g.1.clone()).collect()).unwrap_or_default(),
        user_type: ws.user_type.as_str().to_owned(),
        expires_display: time::format_expiry(invitation.as_ref().and_then(|i| i.expires), now),
        fields,
    })
}

/// Who is enrolling, for the ledger.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// Client IP.
    pub ip: String,
    /// `User-Agent`.
    pub user_agent: String,
}

/// Validates the prompt values against the flow's fields and the invitation's email rules.
fn validate_prompt(fields: &[PromptField], values: &HashMap<String, String>, inv: Option<&InvitationRecord>)
    -> Result<HashMap<String, String>, AppError> {
    let mut errors = Vec::new();
    let mut clean = HashMap::new();
    for f in fields {
        let raw = values.get(&f.field_key).cloned().unwrap_or_default();
        let v = if f.field_type == "password" { raw } else { raw.trim().to_owned() };
        if f.required && v.is_empty() {
            errors.push((f.field_key.clone(), format!("{} is required.", f.label)));
            continue;
        }
        match f.field_type.as_str() {
            "username" => match validate_username(&v) {
                Ok(u) => {
                    clean.insert(f.field_key.clone(), u);
                }
                Err(e) => errors.push((f.field_key.clone(), e)),
            },
            "email" if !v.is_empty() => match normalize_email(&v) {
                Some(e) if inv.is_none_or(|i| allowed(&i.emails, &e)) => {
                    clean.insert(f.field_key.clone(), e);
                }
                Some(_) => errors.push((f.field_key.clone(), "This invitation is not valid for this email address.".into())),
                None => errors.push((f.field_key.clone(), "Enter a valid email address.".into())),
            },
            _ => {
                clean.insert(f.field_key.clone(), v);
            }
        }
    }
    if let (Some(p), Some(r)) = (clean.get("password"), clean.get("password_repeat")) {
        if let Err(e) = validate_new_password(p, r) {
            errors.push(("password".into(), e));
        }
    }
    if inv.is_some_and(|i| !i.emails.is_empty()) && !clean.contains_key("email") {
        errors.push(("email".into(), "An email address allowed by this invitation is required.".into()));
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Runs the flow's stages for a submitted prompt: validates, then in **one transaction** consumes a use of
/// the invitation (conditional update), creates the user with the flow's `user_type` and
/// `user_path_template`, grants the invitation's roles and groups (and the stage's `create_users_group`),
/// and writes the ledger row `enrolled`. Returns the new user's pk and whether the flow signs them in.
///
/// # Errors
/// [`AppError::InvalidInvitation`] when the invitation is or became unusable; [`AppError::Validation`] for
/// bad prompt values (a taken username included); database errors. Nothing is written on error.
pub async fn enroll(
    db: &Db,
    slug: &str,
    itoken: Option<&str>,
    values: &HashMap<String, String>,
    req: &RequestInfo,
) -> Result<(i64, bool), AppError> {
    let Resolved { flow, invitation } = resolve(db, slug, itoken, time::now()).await?;
    let fields = prompt_fields(&flow);
    let clean = validate_prompt(&fields, values, invitation.as_ref())?;
    let ws = user_write(&flow);
    let mut attributes = serde_json::Map::new();
    if let Some(serde_json::Value::Object(a)) = invitation.as_ref().and_then(|i| i.fixed_data.get("attributes")) {
        attributes = a.clone();
    }
    let username = clean.get("username").cloned().unwrap_or_default();
    let user = NewUser {
        name: clean.get("name").cloned().unwrap_or_else(|| username.clone()),
        email: clean.get("email").cloned().unwrap_or_default(),
        password_hash: hash_password(clean.get("password").cloned().unwrap_or_default()).await?,
        username,
        is_active: !ws.inactive,
        is_superuser: false,
        user_type: ws.user_type.as_str().to_owned(),
        path: ws.path.clone(),
        attributes: serde_json::Value::Object(attributes).to_string(),
    };
    let mut tx = db.pool.begin().await?;
    if let Some(inv) = &invitation {
        consume_use(&mut tx, inv, time::now()).await?;
    }
    let user_pk = insert_user(&mut tx, &user).await?;
    let mut group_pks: Vec<String> = invitation.as_ref().map(|i| i.groups.iter().map(|g| g.0.clone()).collect()).unwrap_or_default();
    if let Some(name) = &ws.group {
        let pk: Option<String> = sqlx::query_scalar("SELECT pk FROM directory_groups WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        group_pks.extend(pk);
    }
    group_pks.sort();
    group_pks.dedup();
    for g in group_pks {
        sqlx::query("INSERT INTO user_group_memberships (user_pk, group_pk) VALUES ($1, $2)")
            .bind(user_pk)
            .bind(g)
            .execute(&mut *tx)
            .await?;
    }
    for (r, _) in invitation.as_ref().map(|i| i.roles.clone()).unwrap_or_default() {
        sqlx::query("INSERT INTO user_role_memberships (user_pk, role_pk) VALUES ($1, $2)")
            .bind(user_pk)
            .bind(r)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(inv) = &invitation {
        sqlx::query(
            "INSERT INTO invitation_uses (pk, invitation_pk, user_pk, action, at, ip, user_agent) VALUES ($1, $2, $3, 'enrolled', $4, $5, $6)",
        )
        .bind(new_uuid())
        .bind(&inv.pk)
        .bind(user_pk)
        .bind(time::now())
        .bind(&req.ip)
        .bind(req.user_agent.chars().take(512).collect::<String>())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let login = flow.def.stages.iter().any(|s| matches!(s.kind, StageKind::UserLogin)) && !ws.inactive;
    Ok((user_pk, login))
}
