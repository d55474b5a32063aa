//! The write path: validation of a draft, create, send, edit, patch, toggle, regenerate, delete.

use super::not_found;
use super::token::{new_token, open_token};
use crate::domain::audit::{diff, Action, Model, Who};
use crate::domain::invitation::{
    invitation_link, Invitation, InvitationDraft, InvitationError, InvitationPatch, NameError,
};
use crate::service::audit::{model_context, record};
use crate::service::error::{Context, Error, Problem, Refusal};
use crate::service::{time, Db};
use crate::store::db::new_uuid;
use crate::store::invitations::{self as store, InvitationFields};
use crate::store::{is_unique_violation, DbError, Tx};

/// Default lifetime of a new invitation: 7 days, in seconds.
pub const DEFAULT_LIFETIME_SECS: i64 = 7 * 86_400;

/// The flow an invitation gets when its draft names none (the seed's "use default-enrollment-flow").
pub const DEFAULT_FLOW_SLUG: &str = crate::service::references::DEFAULT_FLOW_SLUG;

/// Why an invitation could not be written. Each edge names it in its own words: the dashboard through
/// `crate::error`'s `From<WriteError> for AppError`, the REST API with Django REST framework's messages.
#[derive(Debug)]
pub enum WriteError {
    /// Field errors; nothing was written.
    Invalid(Vec<InvitationError>),
    /// No invitation has that pk.
    NotFound,
    /// Storage or another failure.
    Other(Error),
}

impl From<DbError> for WriteError {
    fn from(e: DbError) -> Self {
        Self::Other(e.into())
    }
}

impl From<Error> for WriteError {
    fn from(e: Error) -> Self {
        Self::Other(e)
    }
}

impl From<Vec<InvitationError>> for WriteError {
    fn from(errors: Vec<InvitationError>) -> Self {
        Self::Invalid(errors)
    }
}

/// A draft's references, resolved: the flow's pk and the role and group pks.
struct Resolved {
    flow_pk: String,
    roles: Vec<String>,
    groups: Vec<String>,
}

/// Resolves the draft's flow, roles and groups inside `tx` ([`crate::service::references::resolve`]),
/// collecting an error for each one that does not exist, after `errors`.
async fn resolve(
    tx: &mut Tx,
    draft: &InvitationDraft,
    mut errors: Vec<InvitationError>,
) -> Result<Resolved, WriteError> {
    let r =
        crate::service::references::resolve(tx, draft.flow.as_deref(), &draft.roles, &draft.groups)
            .await?;
    if r.flow_pk.is_none() {
        errors.push(InvitationError::Flow);
    }
    errors.extend(
        r.unknown_roles
            .into_iter()
            .map(InvitationError::UnknownRole),
    );
    errors.extend(
        r.unknown_groups
            .into_iter()
            .map(InvitationError::UnknownGroup),
    );
    match r.flow_pk {
        Some(flow_pk) if errors.is_empty() => Ok(Resolved {
            flow_pk,
            roles: r.roles,
            groups: r.groups,
        }),
        _ => Err(WriteError::Invalid(errors)),
    }
}

fn name_taken(e: DbError) -> WriteError {
    if is_unique_violation(&e) {
        WriteError::Invalid(vec![InvitationError::NameTaken])
    } else {
        WriteError::from(e)
    }
}

/// The stored fields of a draft with its resolved flow; the JSON columns as text.
fn fields<'a>(
    draft: &'a InvitationDraft,
    r: &'a Resolved,
    fixed_data: &'a str,
    emails: &'a str,
    reminder_days: Option<&'a str>,
) -> InvitationFields<'a> {
    InvitationFields {
        name: draft.name.as_str(),
        description: &draft.description,
        flow_pk: &r.flow_pk,
        expires: draft.expires,
        not_before: draft.not_before,
        fixed_data,
        single_use: draft.quota.is_single_use(),
        quota: draft.quota.max(),
        emails,
        enabled: draft.enabled,
        notify_creator: draft.notify_creator,
        reminder_days,
        locale: draft.locale.map(crate::i18n::Locale::code),
        requires_approval: draft.requires_approval,
    }
}

/// Whether creating an invitation whose `fixed_data` holds an `email` queues the invitation email to it.
#[derive(Debug, Clone, Copy)]
pub enum Delivery<'a> {
    /// authentik's automatic sending (the dashboard and the REST API), with the links and brand of this
    /// configuration.
    Automatic(&'a crate::service::Config),
    /// Nothing is sent (blueprints, as authentik's blueprint importer).
    None,
}

/// Creates an invitation from a draft, as user `created_by`, with a new random token (stored as its
/// digest and sealed with `key`), inside the caller's transaction. `now` is UTC Unix seconds; a new invitation must not already be expired. With
/// [`Delivery::Automatic`] and an `email` in `fixed_data`, the invitation email to that address is
/// written to the outbox in the same transaction. Returns the new pk.
///
/// # Errors
/// [`WriteError::Invalid`] (past expiry, a start time at or after the expiry, unknown flow, role or
/// group, a taken name); storage errors.
pub async fn create_in(
    tx: &mut Tx,
    key: &crate::service::SecretKey,
    who: &Who,
    created_by: i64,
    draft: &InvitationDraft,
    now: i64,
    delivery: Delivery<'_>,
) -> Result<String, WriteError> {
    let mut errors = Vec::new();
    if draft.expires.is_some_and(|e| e <= now) {
        errors.push(InvitationError::ExpiresInPast);
    }
    errors.extend(draft.check_window().err());
    let r = resolve(tx, draft, errors).await?;
    let pk = new_uuid();
    let (fixed_data, emails) = (fixed_data_json(draft), emails_json(draft)?);
    let reminders = reminder_days_json(draft)?;
    let (_, digest, sealed) = new_token(key, &pk);
    store::insert(
        &mut **tx,
        &pk,
        &fields(draft, &r, &fixed_data, &emails, reminders.as_deref()),
        created_by,
        store::StoredToken {
            digest: &digest,
            sealed: &sealed,
        },
        now,
    )
    .await
    .map_err(name_taken)?;
    store::replace_grants(tx, &pk, &r.roles, &r.groups).await?;
    let created = load_in(tx, &pk)
        .await?
        .context("reading an invitation just created")?;
    record(
        &mut **tx,
        who.event(
            Action::ModelCreated,
            Model::Invitation,
            &pk,
            serde_json::json!({
                "model": model_context(Model::Invitation, &pk, created.name.as_str()),
                "fields": created.recorded(),
            }),
        ),
    )
    .await?;
    let email = draft.fixed_data.get("email").and_then(|e| e.as_str());
    if let (Delivery::Automatic(config), Some(email)) = (delivery, email) {
        let (mail, link) = invitation_mail(tx, config, &pk).await?;
        let msg = crate::service::mail::render_invitation(&mail)?;
        let to = [email.to_owned()];
        let message = crate::service::outbox::enqueue(
            tx,
            &config.secret_key,
            Some(&pk),
            Some(link.as_ref()),
            &to,
            &[],
            &[],
            &msg,
        )
        .await?;
        record_sent(tx, who, (&pk, created.name.as_str()), &message, &to).await?;
    }
    Ok(pk)
}

/// [`create_in`] in a transaction of its own, now. Nothing is saved on error.
///
/// # Errors
/// As [`create_in`].
#[tracing::instrument(name = "invitations.create", skip_all, fields(invitation_name = draft.name.as_str(), created_by = created_by))]
pub async fn create(
    db: &Db,
    config: &crate::service::Config,
    who: &Who,
    created_by: i64,
    draft: &InvitationDraft,
) -> Result<String, WriteError> {
    let mut tx = db.begin().await?;
    let pk = create_in(
        &mut tx,
        &config.secret_key,
        who,
        created_by,
        draft,
        time::now(),
        Delivery::Automatic(config),
    )
    .await?;
    tx.commit().await?;
    Ok(pk)
}

fn fixed_data_json(draft: &InvitationDraft) -> String {
    serde_json::Value::Object(draft.fixed_data.clone()).to_string()
}

fn reminder_days_json(draft: &InvitationDraft) -> Result<Option<String>, Error> {
    draft
        .reminder_days
        .as_ref()
        .map(|d| serde_json::to_string(d).context("encoding reminder days"))
        .transpose()
}

fn emails_json(draft: &InvitationDraft) -> Result<String, Error> {
    serde_json::to_string(&draft.emails).context("encoding email rules")
}

/// Sends (or resends) the invitation email to chosen addresses, with cc and bcc (authentik's `send_email`
/// action): one outbox message, written in one transaction. Returns the message pk.
///
/// # Errors
/// [`Error::Invalid`] on `to`, `cc` or `bcc` for a bad address or no recipient;
/// [`Error::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.send", skip_all, fields(invitation = pk))]
pub async fn send(
    db: &Db,
    config: &crate::service::Config,
    who: &Who,
    pk: &str,
    to: &[String],
    cc: &[String],
    bcc: &[String],
) -> Result<String, Error> {
    let mut errors = Vec::new();
    let mut clean = |field: &str, list: &[String]| -> Vec<String> {
        let mut out = Vec::new();
        for a in list.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            match crate::domain::email_rules::normalize_email(a) {
                Some(e) => out.push(e),
                None => errors.push((field.to_owned(), Problem::NotAnAddressIn(a.to_owned()))),
            }
        }
        out
    };
    let (to, cc, bcc) = (clean("to", to), clean("cc", cc), clean("bcc", bcc));
    if to.is_empty() && !errors.iter().any(|(f, _)| f == "to") {
        errors.push(("to".into(), Problem::NoRecipient));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let Some(inv) = load_in(&mut tx, pk).await? else {
        return Err(not_found());
    };
    let (mail, link) = invitation_mail(&mut tx, config, pk).await?;
    let id = crate::service::outbox::enqueue(
        &mut tx,
        &config.secret_key,
        Some(pk),
        Some(link.as_ref()),
        &to,
        &cc,
        &bcc,
        &crate::service::mail::render_invitation(&mail)?,
    )
    .await?;
    let everyone: Vec<String> = to.iter().chain(&cc).chain(&bcc).cloned().collect();
    record_sent(&mut tx, who, (pk, inv.name.as_str()), &id, &everyone).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records `invitation_sent` for each recipient of message `message` of invitation `(pk, name)`, by
/// `who`, inside the transaction that queued it.
pub(super) async fn record_sent(
    tx: &mut Tx,
    who: &Who,
    (pk, name): (&str, &str),
    message: &str,
    recipients: &[String],
) -> Result<(), Error> {
    for to in recipients {
        record(
            &mut **tx,
            who.event(
                Action::InvitationSent,
                Model::Invitation,
                pk,
                serde_json::json!({"message": message, "to": to, "invitation_name": name}),
            ),
        )
        .await?;
    }
    Ok(())
}

/// An invitation token as given, with its digest (see [`crate::service::outbox::LinkToken`]).
pub(super) struct OwnedLinkToken {
    token: String,
    digest: String,
}

impl OwnedLinkToken {
    pub(super) fn as_ref(&self) -> crate::service::outbox::LinkToken<'_> {
        crate::service::outbox::LinkToken {
            token: &self.token,
            digest: &self.digest,
        }
    }
}

/// What the invitation email of `pk` says, and the token its link carries, read inside the transaction.
///
/// # Errors
/// [`Error::Refused`] when the token was sealed under another `USHER_SECRET_KEY`; database errors.
pub(super) async fn invitation_mail(
    tx: &mut Tx,
    config: &crate::service::Config,
    pk: &str,
) -> Result<(crate::service::mail::InvitationMail, OwnedLinkToken), Error> {
    let inv = store::by_pk(tx, pk).await?.ok_or_else(not_found)?;
    let token = open_token(&config.secret_key, pk, inv.token_sealed.as_deref())
        .ok_or(Error::Refused(Refusal::LinkSealedElsewhere))?;
    let names = |g: &[crate::domain::invitation::Granted]| {
        g.iter().map(|g| g.name.clone()).collect::<Vec<_>>()
    };
    let brand = crate::service::brands::mail_brand(&mut **tx, config).await?;
    let mail = crate::service::mail::InvitationMail {
        locale: inv.locale.unwrap_or(brand.language),
        brand,
        inviter: inv.invited_by().to_owned(),
        roles: names(&inv.roles),
        groups: names(&inv.groups),
        expires: inv.expires,
        now: time::now(),
        link: invitation_link(&config.public_url, &inv.flow_slug, &token),
    };
    Ok((
        mail,
        OwnedLinkToken {
            token,
            digest: inv.token,
        },
    ))
}

/// Stores a draft over invitation `pk` inside the caller's transaction; uses, token and creator are kept.
///
/// # Errors
/// [`WriteError::NotFound`]; [`WriteError::Invalid`] (a start time at or after the expiry, unknown
/// flow, role or group, a taken name); storage errors.
pub async fn update_in(
    tx: &mut Tx,
    who: &Who,
    pk: &str,
    draft: &InvitationDraft,
) -> Result<(), WriteError> {
    let before = load_in(tx, pk).await?.ok_or(WriteError::NotFound)?;
    let r = resolve(tx, draft, draft.check_window().err().into_iter().collect()).await?;
    let (fixed_data, emails) = (fixed_data_json(draft), emails_json(draft)?);
    let reminders = reminder_days_json(draft)?;
    let n = store::update(
        &mut **tx,
        pk,
        &fields(draft, &r, &fixed_data, &emails, reminders.as_deref()),
    )
    .await
    .map_err(name_taken)?;
    if n == 0 {
        return Err(WriteError::NotFound);
    }
    store::replace_grants(tx, pk, &r.roles, &r.groups).await?;
    let after = load_in(tx, pk).await?.ok_or(WriteError::NotFound)?;
    record(
        &mut **tx,
        who.event(
            Action::ModelUpdated,
            Model::Invitation,
            pk,
            serde_json::json!({
                "model": model_context(Model::Invitation, pk, after.name.as_str()),
                "diff": diff(&before.recorded(), &after.recorded()),
            }),
        ),
    )
    .await?;
    Ok(())
}

/// Replaces an invitation's fields with a draft, in one transaction. Nothing is saved on error.
///
/// # Errors
/// As [`update_in`].
#[tracing::instrument(name = "invitations.update", skip_all, fields(invitation = pk))]
pub async fn update(
    db: &Db,
    who: &Who,
    pk: &str,
    draft: &InvitationDraft,
) -> Result<(), WriteError> {
    let mut tx = db.begin().await?;
    update_in(&mut tx, who, pk, draft).await?;
    tx.commit().await?;
    Ok(())
}

/// Applies a patch to invitation `pk` (exactly the fields it carries change), reading and writing in one
/// transaction. Nothing is saved on error.
///
/// # Errors
/// [`WriteError::NotFound`]; as [`InvitationPatch::apply`] and [`update_in`].
#[tracing::instrument(name = "invitations.patch", skip_all, fields(invitation = pk))]
pub async fn patch(db: &Db, who: &Who, pk: &str, patch: InvitationPatch) -> Result<(), WriteError> {
    let mut tx = db.begin().await?;
    let current = load_in(&mut tx, pk).await?.ok_or(WriteError::NotFound)?;
    let draft = patch
        .apply(current.to_draft())
        .map_err(|e| WriteError::Invalid(vec![e]))?;
    update_in(&mut tx, who, pk, &draft).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates or changes the invitation named `patch.name` inside the caller's transaction (a blueprint's
/// `identifiers: {name}` upsert): an existing one gets exactly the patch's fields, a new one is created
/// from them as `created_by`, without sending anything ([`Delivery::None`]). Returns whether it was created.
///
/// # Errors
/// [`WriteError::Invalid`] without a name, or as [`create_in`] and [`update_in`]; storage errors.
#[tracing::instrument(name = "invitations.upsert_by_name", skip_all)]
pub async fn upsert_by_name_in(
    tx: &mut Tx,
    key: &crate::service::SecretKey,
    who: &Who,
    created_by: i64,
    patch: InvitationPatch,
    now: i64,
) -> Result<bool, WriteError> {
    let name = patch
        .name
        .clone()
        .ok_or_else(|| WriteError::Invalid(vec![InvitationError::Name(NameError::Required)]))?;
    let existing = store::pk_by_name(&mut **tx, name.as_str()).await?;
    let invalid = |e| WriteError::Invalid(vec![e]);
    match existing {
        Some(pk) => {
            let current = load_in(tx, &pk).await?.ok_or(WriteError::NotFound)?;
            let draft = patch.apply(current.to_draft()).map_err(invalid)?;
            update_in(tx, who, &pk, &draft).await?;
            Ok(false)
        }
        None => {
            let draft = patch.into_draft().map_err(invalid)?;
            create_in(tx, key, who, created_by, &draft, now, Delivery::None).await?;
            Ok(true)
        }
    }
}

/// Invitation `pk`, read inside `tx` (the entity: [`crate::store::invitations::by_pk`]); `None` when
/// there is none.
///
/// # Errors
/// Storage errors, [`Error::Internal`] among them when a stored value does not decode (fails closed).
pub async fn load_in(tx: &mut Tx, pk: &str) -> Result<Option<Invitation>, Error> {
    Ok(store::by_pk(tx, pk).await?)
}

/// Invitation `pk`, the entity (with its grants, flow and creator).
///
/// # Errors
/// [`Error::NotFound`]; storage errors, [`Error::Internal`] among them when a stored value does
/// not decode.
pub async fn find(db: &Db, pk: &str) -> Result<Invitation, Error> {
    store::by_pk(&mut *db.conn().await?, pk)
        .await?
        .ok_or_else(not_found)
}

/// Switches an invitation on or off, with its event, in one transaction.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.set_enabled", skip_all, fields(invitation = pk, enabled = enabled))]
pub async fn set_enabled(db: &Db, who: &Who, pk: &str, enabled: bool) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let before = load_in(&mut tx, pk).await?.ok_or_else(not_found)?;
    found(store::set_enabled(&mut *tx, pk, enabled).await?)?;
    let mut after = before.recorded();
    after["enabled"] = serde_json::Value::Bool(enabled);
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Invitation,
            pk,
            serde_json::json!({
                "model": model_context(Model::Invitation, pk, before.name.as_str()),
                "diff": diff(&before.recorded(), &after),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives an invitation a new random token, sealed with `key`; the old link stops working at once. One
/// transaction with its event ([`Action::SecretRotate`], which names no token).
///
/// # Errors
/// [`Error::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.regenerate_token", skip_all, fields(invitation = pk))]
pub async fn regenerate_token(
    db: &Db,
    key: &crate::service::SecretKey,
    who: &Who,
    pk: &str,
) -> Result<(), Error> {
    let (_, digest, sealed) = new_token(key, pk);
    let mut tx = db.begin().await?;
    let inv = load_in(&mut tx, pk).await?.ok_or_else(not_found)?;
    found(
        store::set_token(
            &mut *tx,
            pk,
            store::StoredToken {
                digest: &digest,
                sealed: &sealed,
            },
        )
        .await?,
    )?;
    record(
        &mut *tx,
        who.event(
            Action::SecretRotate,
            Model::Invitation,
            pk,
            serde_json::json!({"model": model_context(Model::Invitation, pk, inv.name.as_str())}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an invitation (its grants go with it; its ledger rows and events stay), with its event, in
/// one transaction.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.delete", skip_all, fields(invitation = pk))]
pub async fn delete(db: &Db, who: &Who, pk: &str) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let inv = load_in(&mut tx, pk).await?.ok_or_else(not_found)?;
    found(store::delete(&mut *tx, pk).await?)?;
    record(
        &mut *tx,
        who.event(
            Action::ModelDeleted,
            Model::Invitation,
            pk,
            serde_json::json!({
                "model": model_context(Model::Invitation, pk, inv.name.as_str()),
                "fields": inv.recorded(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `Ok` when a statement touched a row, [`Error::NotFound`] when it touched none.
fn found(rows_affected: u64) -> Result<(), Error> {
    if rows_affected == 0 {
        Err(not_found())
    } else {
        Ok(())
    }
}
