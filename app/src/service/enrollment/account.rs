//! The `user_write` stage: the sealed password, the policy context, and the one transaction that creates the account and uses the invitation.

use crate::domain::email_rules::allowed;
use crate::domain::invitation::UseAction;
use crate::domain::journey::{Enrolment, Journey, SEALED_PASSWORD};
use crate::domain::policy::PolicyContext;
use crate::service::approvals::Applicant;
use crate::service::error::{Error, Problem, Refusal as Refuse};
use crate::service::flows::StoredFlow;
use crate::service::invitations::{grant_in, use_in, Invitation, RequestInfo};
use crate::service::policies::FlowPolicies;
use crate::service::users::{insert_checked_user, NewUser};
use crate::service::verification::{self};
use crate::service::{hashing::hash_password, Config, Db};
use crate::store::directory;
use serde_json::{Map, Value};

/// What policies see: the invitation (`{pk, fixed_data, invited_by}`) and the prompt data: its
/// `fixed_data` overlaid with the prompt values so far (the sealed password left out).
pub(super) fn policy_context(
    inv: Option<&Invitation>,
    collected: &Map<String, Value>,
) -> PolicyContext {
    // authentik's invitation stage puts `fixed_data` into the plan's prompt data; what was typed wins.
    let mut prompt_data = inv.map(|i| i.fixed_data.clone()).unwrap_or_default();
    prompt_data.extend(collected.clone());
    prompt_data.remove(SEALED_PASSWORD);
    PolicyContext {
        invitation: inv.map(|i| {
            serde_json::json!({"pk": i.pk, "fixed_data": Value::Object(i.fixed_data.clone()), "invited_by": i.invited_by()})
        }),
        prompt_data,
    }
}

/// Enforces the flow's policies and those of all its stages.
pub(in crate::service) fn enforce_all(
    policies: &FlowPolicies,
    flow: &StoredFlow,
    inv: Option<&Invitation>,
    collected: &Map<String, Value>,
) -> Result<(), Error> {
    let names = Journey::new(&flow.def).stage_names();
    policies.enforce(&names, &policy_context(inv, collected))
}

/// `password` sealed for the plan of flow `slug` ([`SEALED_PASSWORD`]).
pub(super) fn seal_password(config: &Config, slug: &str, password: &str) -> String {
    config
        .secret_key
        .seal("enrollment-password", slug, password)
}

/// The password sealed by [`seal_password`] for flow `slug`.
///
/// # Errors
/// [`Refuse::FormExpired`] when it does not open (another flow's, or the instance secret changed since
/// it was typed): the invitee starts the prompts again.
fn open_password(config: &Config, slug: &str, sealed: &str) -> Result<String, Error> {
    config
        .secret_key
        .open("enrollment-password", slug, sealed)
        .ok_or(Error::Refused(Refuse::FormExpired))
}

fn text(ctx: &Map<String, Value>, key: &str) -> Option<String> {
    ctx.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// What [`write_user`] wrote.
#[derive(Debug, Clone, Copy)]
pub(super) struct WrittenUser {
    /// The new account's pk.
    pub pk: i64,
    /// Whether it waits for an approver (the invitation requires approval: the account is created
    /// inactive, with nothing granted).
    pub pending: bool,
    /// Whether the flow signs it in now (its `last_login` was written with it).
    pub signed_in: bool,
    /// Its type.
    pub user_type: crate::domain::flow::UserType,
}

/// The `user_write` stage: one transaction that consumes the use, creates the user, grants and records.
/// `signs_in`: whether the flow signs the new account in when it is active (a `user_login` stage, an
/// anonymous visitor); its `last_login` is then written by the insert.
#[allow(clippy::too_many_arguments)]
pub(super) async fn write_user(
    db: &Db,
    config: &Config,
    flow: &StoredFlow,
    invitation: Option<&Invitation>,
    ctx: &Map<String, Value>,
    req: &RequestInfo,
    enrolment: Enrolment,
    verification: Option<&str>,
    signs_in: bool,
) -> Result<WrittenUser, Error> {
    let ws = Journey::new(&flow.def).user_write();
    let email = text(ctx, "email").unwrap_or_default();
    if let Some(inv) = invitation {
        if !inv.emails.is_empty() && !allowed(&inv.emails, &email) {
            return Err(Error::field("email", Problem::AllowedAddressRequired));
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
    crate::i18n::keep_preferred(&mut attributes, req.locale);
    let username =
        text(ctx, "username").ok_or_else(|| Error::field("username", Problem::Missing))?;
    // A name taken since the prompt is refused before the hash, which it would otherwise buy on every
    // post of this plan.
    crate::service::users::ensure_username_free(db, &username).await?;
    // The one hash of this enrollment, outside the transaction (it holds no write lock meanwhile).
    let password_hash = match text(ctx, SEALED_PASSWORD) {
        Some(sealed) => hash_password(open_password(config, &flow.def.slug, &sealed)?).await?,
        None => String::new(),
    };
    // An invitation that requires approval: no sign-in before an approver says yes.
    let is_active = enrolment.active && !invitation.is_some_and(|i| i.requires_approval);
    let signed_in = signs_in && is_active;
    let user = NewUser {
        name: text(ctx, "name").unwrap_or_else(|| username.clone()),
        email,
        email_verified: enrolment.verified,
        password_hash,
        username,
        is_active,
        is_superuser: false,
        user_type: ws.user_type,
        path: ws.path.clone(),
        attributes: Value::Object(attributes).to_string(),
        last_login: signed_in.then(crate::service::time::now),
    };
    let mut tx = db.begin().await?;
    if let Some(pk) = verification {
        verification::consume(&mut tx, pk).await?;
    }
    // Another account may have taken the username since `ensure_username_free`: the unique keys
    // refuse it, under its field.
    let user_pk = insert_checked_user(&mut tx, &user).await?;
    crate::service::users::record_enrolled(&mut tx, user_pk, &user, &req.ip).await?;
    let mut group_pks: Vec<String> = Vec::new();
    if let Some(name) = &ws.group {
        group_pks.extend(directory::group_pk_by_name(&mut *tx, name).await?);
    }
    let mut pending = false;
    match invitation {
        Some(inv) => {
            // What the approver is shown: what was typed, never the password.
            let mut form = ctx.clone();
            form.remove(SEALED_PASSWORD);
            form.retain(|k, _| !k.starts_with("password"));
            let applicant = Applicant {
                pk: user_pk,
                username: &user.username,
                form,
                activate: enrolment.active,
            };
            pending = use_in(
                &mut tx,
                config,
                inv,
                &applicant,
                UseAction::Enrolled,
                req,
                group_pks,
            )
            .await?
            .is_some();
            crate::service::notifications::used_in(
                &mut tx,
                config.into(),
                inv,
                &user.username,
                UseAction::Enrolled,
            )
            .await?
        }
        None => grant_in(&mut tx, user_pk, None, group_pks).await?,
    }
    tx.commit().await?;
    Ok(WrittenUser {
        pk: user_pk,
        pending,
        signed_in,
        user_type: user.user_type,
    })
}
