//! Invitation service: validation of the admin form, create/edit/toggle/regenerate/delete, the table, and
//! the atomic consumption of a use.

use super::{db::new_uuid, time, Db};
use crate::domain::email_rules::EmailRule;
use crate::domain::invitation::{
    invitation_link, Invitation, InvitationDraft, InvitationError, InvitationName, InvitationPatch,
    InvitationStatus, Quota,
};
use crate::error::AppError;
use crate::model::{InvitationForm, InvitationRow, InvitationSort, LedgerEntry};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// Default lifetime of a new invitation: 7 days, in seconds.
pub const DEFAULT_LIFETIME_SECS: i64 = 7 * 86_400;

/// The defaults of the create form: expiry now + 7 days, the external-users flow when present, enabled.
pub fn default_form(now: i64, flows: &[crate::model::FlowOption]) -> InvitationForm {
    let flow = flows
        .iter()
        .find(|f| f.slug == "invitation-enrollment-flow-external")
        .or_else(|| flows.first())
        .map(|f| f.pk.clone())
        .unwrap_or_default();
    InvitationForm {
        expires: time::format_input(now + DEFAULT_LIFETIME_SECS),
        flow,
        enabled: true,
        ..InvitationForm::default()
    }
}

/// The flow an invitation gets when its draft names none (the seed's "use default-enrollment-flow").
pub const DEFAULT_FLOW_SLUG: &str = "default-enrollment-flow";

/// Why an invitation could not be written. Each edge names it in its own words: the dashboard through
/// `From<WriteError> for AppError`, the REST API with Django REST framework's messages.
#[derive(Debug)]
pub enum WriteError {
    /// Field errors; nothing was written.
    Invalid(Vec<InvitationError>),
    /// No invitation has that pk.
    NotFound,
    /// Storage or another failure.
    Other(AppError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        Self::Other(e.into())
    }
}

impl From<AppError> for WriteError {
    fn from(e: AppError) -> Self {
        Self::Other(e)
    }
}

impl From<Vec<InvitationError>> for WriteError {
    fn from(errors: Vec<InvitationError>) -> Self {
        Self::Invalid(errors)
    }
}

impl From<WriteError> for AppError {
    /// The dashboard's words: each error under its form field.
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Invalid(errors) => AppError::Validation(
                errors
                    .iter()
                    .map(|e| (e.field().key().to_owned(), e.to_string()))
                    .collect(),
            ),
            WriteError::NotFound => not_found(),
            WriteError::Other(e) => e,
        }
    }
}

/// A draft's references, resolved: the flow's pk and the role and group pks.
struct Resolved {
    flow_pk: String,
    roles: Vec<String>,
    groups: Vec<String>,
}

/// Resolves the flow (by pk; the default flow when the draft names none) and the roles and groups (by pk
/// or name) inside `tx`, collecting an error for each one that does not exist, after `errors`.
async fn resolve(
    tx: &mut Transaction<'static, Any>,
    draft: &InvitationDraft,
    mut errors: Vec<InvitationError>,
) -> Result<Resolved, WriteError> {
    let flow_pk: Option<String> = match &draft.flow {
        Some(pk) => {
            sqlx::query_scalar("SELECT pk FROM flows WHERE pk = $1")
                .bind(pk)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT pk FROM flows WHERE slug = $1")
                .bind(DEFAULT_FLOW_SLUG)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    if flow_pk.is_none() {
        errors.push(InvitationError::Flow);
    }
    let mut roles = Vec::new();
    for r in &draft.roles {
        match directory_pk(tx, "directory_roles", r).await? {
            Some(pk) => roles.push(pk),
            None => errors.push(InvitationError::UnknownRole(r.clone())),
        }
    }
    let mut groups = Vec::new();
    for g in &draft.groups {
        match directory_pk(tx, "directory_groups", g).await? {
            Some(pk) => groups.push(pk),
            None => errors.push(InvitationError::UnknownGroup(g.clone())),
        }
    }
    match flow_pk {
        Some(flow_pk) if errors.is_empty() => {
            roles.sort();
            roles.dedup();
            groups.sort();
            groups.dedup();
            Ok(Resolved {
                flow_pk,
                roles,
                groups,
            })
        }
        _ => Err(WriteError::Invalid(errors)),
    }
}

/// The pk of a role or group (`table`) given by pk or by name.
async fn directory_pk(
    tx: &mut Transaction<'static, Any>,
    table: &'static str,
    pk_or_name: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT pk FROM {table} WHERE pk = $1 OR name = $1 ORDER BY CASE WHEN pk = $1 THEN 0 ELSE 1 END LIMIT 1"
    ))
    .bind(pk_or_name)
    .fetch_optional(&mut **tx)
    .await
}

fn name_taken(e: sqlx::Error) -> WriteError {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            WriteError::Invalid(vec![InvitationError::NameTaken])
        }
        e => WriteError::from(e),
    }
}

async fn write_grants(
    tx: &mut Transaction<'static, Any>,
    pk: &str,
    r: &Resolved,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invitation_roles WHERE invitation_pk = $1")
        .bind(pk)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM invitation_groups WHERE invitation_pk = $1")
        .bind(pk)
        .execute(&mut **tx)
        .await?;
    for role in &r.roles {
        sqlx::query("INSERT INTO invitation_roles (invitation_pk, role_pk) VALUES ($1, $2)")
            .bind(pk)
            .bind(role)
            .execute(&mut **tx)
            .await?;
    }
    for group in &r.groups {
        sqlx::query("INSERT INTO invitation_groups (invitation_pk, group_pk) VALUES ($1, $2)")
            .bind(pk)
            .bind(group)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Whether creating an invitation whose `fixed_data` holds an `email` queues the invitation email to it.
#[derive(Debug, Clone, Copy)]
pub enum Delivery<'a> {
    /// authentik's automatic sending (the dashboard and the REST API), with the links and brand of this
    /// configuration.
    Automatic(&'a super::Config),
    /// Nothing is sent (blueprints, as authentik's blueprint importer).
    None,
}

/// Creates an invitation from a draft, as user `created_by`, with a new random token, inside the caller's
/// transaction. `now` is UTC Unix seconds; a new invitation must not already be expired. With
/// [`Delivery::Automatic`] and an `email` in `fixed_data`, the invitation email to that address is
/// written to the outbox in the same transaction. Returns the new pk.
///
/// # Errors
/// [`WriteError::Invalid`] (past expiry, unknown flow, role or group, a taken name); storage errors.
pub async fn create_in(
    tx: &mut Transaction<'static, Any>,
    created_by: i64,
    draft: &InvitationDraft,
    now: i64,
    delivery: Delivery<'_>,
) -> Result<String, WriteError> {
    let mut errors = Vec::new();
    if draft.expires.is_some_and(|e| e <= now) {
        errors.push(InvitationError::ExpiresInPast);
    }
    let r = resolve(tx, draft, errors).await?;
    let pk = new_uuid();
    sqlx::query(
        "INSERT INTO invitations (pk, name, description, flow_pk, expires, fixed_data, single_use, quota, uses, emails, enabled, created_by, token, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13)",
    )
    .bind(&pk)
    .bind(draft.name.as_str())
    .bind(&draft.description)
    .bind(&r.flow_pk)
    .bind(draft.expires)
    .bind(fixed_data_json(draft))
    .bind(i64::from(draft.quota.is_single_use()))
    .bind(draft.quota.max())
    .bind(emails_json(draft)?)
    .bind(i64::from(draft.enabled))
    .bind(created_by)
    .bind(new_uuid())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(name_taken)?;
    write_grants(tx, &pk, &r).await?;
    let email = draft.fixed_data.get("email").and_then(|e| e.as_str());
    if let (Delivery::Automatic(config), Some(email)) = (delivery, email) {
        let (mail, token) = invitation_mail(tx, config, &pk).await?;
        let msg = super::mail::render_invitation(&mail)?;
        super::mail::enqueue(
            tx,
            Some(&pk),
            Some(&token),
            &[email.to_owned()],
            &[],
            &[],
            &msg,
        )
        .await?;
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
    config: &super::Config,
    created_by: i64,
    draft: &InvitationDraft,
) -> Result<String, WriteError> {
    let mut tx = db.begin().await?;
    let pk = create_in(
        &mut tx,
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

fn emails_json(draft: &InvitationDraft) -> Result<String, AppError> {
    serde_json::to_string(&draft.emails).map_err(|_| AppError::Internal)
}

/// Sends (or resends) the invitation email to chosen addresses, with cc and bcc (authentik's `send_email`
/// action): one outbox message, written in one transaction. Returns the message pk.
///
/// # Errors
/// [`AppError::Validation`] on `to`, `cc` or `bcc` for a bad address or no recipient;
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.send", skip_all, fields(invitation = pk))]
pub async fn send(
    db: &Db,
    config: &super::Config,
    pk: &str,
    to: &[String],
    cc: &[String],
    bcc: &[String],
) -> Result<String, AppError> {
    let mut errors = Vec::new();
    let mut clean = |field: &str, list: &[String]| -> Vec<String> {
        let mut out = Vec::new();
        for a in list.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            match crate::domain::email_rules::normalize_email(a) {
                Some(e) => out.push(e),
                None => errors.push((
                    field.to_owned(),
                    format!("'{a}' is not a valid email address."),
                )),
            }
        }
        out
    };
    let (to, cc, bcc) = (clean("to", to), clean("cc", cc), clean("bcc", bcc));
    if to.is_empty() && !errors.iter().any(|(f, _)| f == "to") {
        errors.push(("to".into(), "Give at least one recipient.".into()));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db.begin().await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT pk FROM invitations WHERE pk = $1")
        .bind(pk)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(not_found());
    }
    let (mail, token) = invitation_mail(&mut tx, config, pk).await?;
    let id = super::mail::enqueue(
        &mut tx,
        Some(pk),
        Some(&token),
        &to,
        &cc,
        &bcc,
        &super::mail::render_invitation(&mail)?,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What the invitation email of `pk` says, and the token its link carries, read inside the transaction.
async fn invitation_mail(
    tx: &mut Transaction<'static, Any>,
    config: &super::Config,
    pk: &str,
) -> Result<(super::mail::InvitationMail, String), AppError> {
    let (slug, token, expires, name, username): (String, String, Option<i64>, String, String) = sqlx::query_as(
        "SELECT f.slug, i.token, i.expires, u.name, u.username FROM invitations i JOIN flows f ON f.pk = i.flow_pk
         JOIN users u ON u.pk = i.created_by WHERE i.pk = $1",
    )
    .bind(pk)
    .fetch_one(&mut **tx)
    .await?;
    let roles: Vec<String> = sqlx::query_scalar(
        "SELECT r.name FROM invitation_roles x JOIN directory_roles r ON r.pk = x.role_pk WHERE x.invitation_pk = $1 ORDER BY r.name",
    )
    .bind(pk)
    .fetch_all(&mut **tx)
    .await?;
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT g.name FROM invitation_groups x JOIN directory_groups g ON g.pk = x.group_pk WHERE x.invitation_pk = $1 ORDER BY g.name",
    )
    .bind(pk)
    .fetch_all(&mut **tx)
    .await?;
    let mut grants = Vec::new();
    if !roles.is_empty() {
        grants.push(format!("roles: {}", roles.join(", ")));
    }
    if !groups.is_empty() {
        grants.push(format!("groups: {}", groups.join(", ")));
    }
    grants.push("an account".to_owned());
    let mail = super::mail::InvitationMail {
        brand: config.brand_name.clone(),
        inviter: if name.is_empty() { username } else { name },
        grants: grants.join("; "),
        expires: time::format_expiry(expires, time::now()),
        link: invitation_link(&config.public_url, &slug, &token),
    };
    Ok((mail, token))
}

/// Stores a draft over invitation `pk` inside the caller's transaction; uses, token and creator are kept.
///
/// # Errors
/// [`WriteError::NotFound`]; [`WriteError::Invalid`] (unknown flow, role or group, a taken name); storage
/// errors.
pub async fn update_in(
    tx: &mut Transaction<'static, Any>,
    pk: &str,
    draft: &InvitationDraft,
) -> Result<(), WriteError> {
    let r = resolve(tx, draft, Vec::new()).await?;
    let n = sqlx::query(
        "UPDATE invitations SET name = $1, description = $2, flow_pk = $3, expires = $4, fixed_data = $5,
         single_use = $6, quota = $7, emails = $8, enabled = $9 WHERE pk = $10",
    )
    .bind(draft.name.as_str())
    .bind(&draft.description)
    .bind(&r.flow_pk)
    .bind(draft.expires)
    .bind(fixed_data_json(draft))
    .bind(i64::from(draft.quota.is_single_use()))
    .bind(draft.quota.max())
    .bind(emails_json(draft)?)
    .bind(i64::from(draft.enabled))
    .bind(pk)
    .execute(&mut **tx)
    .await
    .map_err(name_taken)?
    .rows_affected();
    if n == 0 {
        return Err(WriteError::NotFound);
    }
    write_grants(tx, pk, &r).await?;
    Ok(())
}

/// Replaces an invitation's fields with a draft, in one transaction. Nothing is saved on error.
///
/// # Errors
/// As [`update_in`].
#[tracing::instrument(name = "invitations.update", skip_all, fields(invitation = pk))]
pub async fn update(db: &Db, pk: &str, draft: &InvitationDraft) -> Result<(), WriteError> {
    let mut tx = db.begin().await?;
    update_in(&mut tx, pk, draft).await?;
    tx.commit().await?;
    Ok(())
}

/// Applies a patch to invitation `pk` (exactly the fields it carries change), reading and writing in one
/// transaction. Nothing is saved on error.
///
/// # Errors
/// [`WriteError::NotFound`]; as [`InvitationPatch::apply`] and [`update_in`].
#[tracing::instrument(name = "invitations.patch", skip_all, fields(invitation = pk))]
pub async fn patch(db: &Db, pk: &str, patch: InvitationPatch) -> Result<(), WriteError> {
    let mut tx = db.begin().await?;
    let current = load_in(&mut tx, pk).await?.ok_or(WriteError::NotFound)?;
    let draft = patch
        .apply(current.to_draft())
        .map_err(|e| WriteError::Invalid(vec![e]))?;
    update_in(&mut tx, pk, &draft).await?;
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
    tx: &mut Transaction<'static, Any>,
    created_by: i64,
    patch: InvitationPatch,
    now: i64,
) -> Result<bool, WriteError> {
    let name = patch.name.clone().ok_or_else(|| {
        WriteError::Invalid(vec![InvitationError::Name("Name is required.".into())])
    })?;
    let existing: Option<String> = sqlx::query_scalar("SELECT pk FROM invitations WHERE name = $1")
        .bind(name.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    let invalid = |e| WriteError::Invalid(vec![e]);
    match existing {
        Some(pk) => {
            let current = load_in(tx, &pk).await?.ok_or(WriteError::NotFound)?;
            let draft = patch.apply(current.to_draft()).map_err(invalid)?;
            update_in(tx, &pk, &draft).await?;
            Ok(false)
        }
        None => {
            let draft = patch.into_draft().map_err(invalid)?;
            create_in(tx, created_by, &draft, now, Delivery::None).await?;
            Ok(true)
        }
    }
}

/// The stored invitation `pk`, typed, read inside `tx`; `None` when there is none.
///
/// # Errors
/// Storage errors; [`AppError::Internal`] when a stored value does not decode (fails closed).
pub async fn load_in(
    tx: &mut Transaction<'static, Any>,
    pk: &str,
) -> Result<Option<Invitation>, AppError> {
    /// name, description, flow_pk, expires, fixed_data, quota, uses, emails, enabled, created_by, token, created
    type Row = (
        String,
        String,
        String,
        Option<i64>,
        String,
        Option<i64>,
        i64,
        String,
        i64,
        i64,
        String,
        i64,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT name, description, flow_pk, expires, fixed_data, quota, uses, emails, enabled, created_by, token, created
         FROM invitations WHERE pk = $1",
    )
    .bind(pk)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((
        name,
        description,
        flow_pk,
        expires,
        fixed,
        quota,
        uses,
        emails,
        enabled,
        created_by,
        token,
        created,
    )) = row
    else {
        return Ok(None);
    };
    let roles: Vec<String> = sqlx::query_scalar(
        "SELECT role_pk FROM invitation_roles WHERE invitation_pk = $1 ORDER BY role_pk",
    )
    .bind(pk)
    .fetch_all(&mut **tx)
    .await?;
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT group_pk FROM invitation_groups WHERE invitation_pk = $1 ORDER BY group_pk",
    )
    .bind(pk)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(Invitation {
        name: InvitationName::parse(&name).map_err(|e| {
            tracing::error!(invitation = pk, error = %e, "corrupt stored invitation name");
            AppError::Internal
        })?,
        fixed_data: decode_stored(pk, "fixed_data", &fixed)?,
        emails: decode_stored(pk, "emails", &emails)?,
        pk: pk.to_owned(),
        description,
        flow_pk,
        expires,
        quota: Quota::from_max(quota),
        uses,
        roles,
        groups,
        enabled: enabled != 0,
        created_by,
        token,
        created,
    }))
}

fn not_found() -> AppError {
    AppError::NotFound("No such invitation.".into())
}

/// Switches an invitation on or off.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.set_enabled", skip_all, fields(invitation = pk, enabled = enabled))]
pub async fn set_enabled(db: &Db, pk: &str, enabled: bool) -> Result<(), AppError> {
    let n = sqlx::query("UPDATE invitations SET enabled = $1 WHERE pk = $2")
        .bind(i64::from(enabled))
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    found(n)
}

/// Gives an invitation a new random token; the old link stops working at once.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.regenerate_token", skip_all, fields(invitation = pk))]
pub async fn regenerate_token(db: &Db, pk: &str) -> Result<(), AppError> {
    let n = sqlx::query("UPDATE invitations SET token = $1 WHERE pk = $2")
        .bind(new_uuid())
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    found(n)
}

/// Deletes an invitation (its grants and ledger rows go with it).
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.delete", skip_all, fields(invitation = pk))]
pub async fn delete(db: &Db, pk: &str) -> Result<(), AppError> {
    let n = sqlx::query("DELETE FROM invitations WHERE pk = $1")
        .bind(pk)
        .execute(&db.pool)
        .await?
        .rows_affected();
    found(n)
}

/// `Ok` when a statement touched a row, [`AppError::NotFound`] when it touched none.
fn found(rows_affected: u64) -> Result<(), AppError> {
    if rows_affected == 0 {
        Err(not_found())
    } else {
        Ok(())
    }
}

type RawRow = (
    String,      // pk
    String,      // name
    String,      // description
    String,      // flow slug
    String,      // flow pk
    Option<i64>, // expires
    String,      // fixed_data
    i64,         // single_use (0/1)
    Option<i64>, // quota
    i64,         // uses
    String,      // emails
    i64,         // enabled (0/1)
    String,      // created_by username
    String,      // token
    i64,         // created
);

const SELECT_ROWS: &str = "SELECT i.pk, i.name, i.description, f.slug, f.pk, i.expires, i.fixed_data, i.single_use, i.quota,
    i.uses, i.emails, i.enabled, u.username, i.token, i.created
    FROM invitations i JOIN flows f ON f.pk = i.flow_pk JOIN users u ON u.pk = i.created_by";

/// The invitations table: filtered by a case-insensitive name substring, sorted.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &Db,
    public_url: &str,
    search: &str,
    sort: InvitationSort,
) -> Result<Vec<InvitationRow>, AppError> {
    let order = match sort {
        InvitationSort::CreatedDesc => "i.created DESC, i.name",
        InvitationSort::CreatedAsc => "i.created ASC, i.name",
        InvitationSort::ExpiresAsc => {
            "CASE WHEN i.expires IS NULL THEN 1 ELSE 0 END, i.expires ASC, i.name"
        }
        InvitationSort::ExpiresDesc => {
            "CASE WHEN i.expires IS NULL THEN 0 ELSE 1 END, i.expires DESC, i.name"
        }
    };
    let pattern = format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let sql = format!("{SELECT_ROWS} WHERE LOWER(i.name) LIKE $1 ESCAPE '\\' ORDER BY {order}");
    let rows: Vec<RawRow> = sqlx::query_as(&sql)
        .bind(pattern)
        .fetch_all(&db.pool)
        .await?;
    into_rows(db, public_url, rows).await
}

/// A field the invitation list can be ordered by (the invitation's readable fields, as DRF's
/// `OrderingFilter` allows them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    /// `pk`.
    Pk,
    /// `name`.
    Name,
    /// `expires`; never (NULL) sorts as the largest, as PostgreSQL orders NULLs.
    Expires,
    /// The creator's username.
    CreatedBy,
    /// `single_use`.
    SingleUse,
    /// The flow's slug.
    Flow,
    /// `fixed_data`, empty first, then by its stored JSON text.
    FixedData,
}

/// One page of the invitation list: exact filters, search terms, ordering and a window, all run in SQL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Exact name.
    pub name: Option<String>,
    /// Exact flow slug.
    pub flow_slug: Option<String>,
    /// Exact creator username.
    pub created_by: Option<String>,
    /// Exact expiry, UTC Unix seconds.
    pub expires: Option<i64>,
    /// DRF's `SearchFilter`: every term must be found, case-insensitively, in the name, the creator's
    /// username, the expiry (RFC 3339, UTC) or the flow's slug.
    pub search: Vec<String>,
    /// `(field, descending)`, most significant first; ties go by pk.
    pub order: Vec<(OrderField, bool)>,
    /// Rows to skip.
    pub offset: u64,
    /// Rows at most.
    pub limit: u64,
}

enum Bind {
    Text(String),
    Int(i64),
}

/// `%term%` for `LIKE … ESCAPE '\'`, lower-cased, with `%`, `_` and `\` escaped.
fn contains_pattern(term: &str) -> String {
    format!(
        "%{}%",
        term.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The `FROM … WHERE …` of a list query, with its bound values.
fn list_where(db: &Db, q: &ListQuery) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let mut wh: Vec<String> = Vec::new();
    let mut exact = |column: &str, value: Bind, binds: &mut Vec<Bind>| {
        binds.push(value);
        wh.push(format!("{column} = ${}", binds.len()));
    };
    if let Some(v) = &q.name {
        exact("i.name", Bind::Text(v.clone()), &mut binds);
    }
    if let Some(v) = &q.flow_slug {
        exact("f.slug", Bind::Text(v.clone()), &mut binds);
    }
    if let Some(v) = &q.created_by {
        exact("u.username", Bind::Text(v.clone()), &mut binds);
    }
    if let Some(v) = q.expires {
        exact("i.expires", Bind::Int(v), &mut binds);
    }
    let expires_text = match db.backend {
        super::Backend::Sqlite => {
            "COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', i.expires, 'unixepoch'), '')"
        }
        super::Backend::Postgres => {
            "COALESCE(to_char(to_timestamp(i.expires) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
        }
    };
    for term in q.search.iter().filter(|t| !t.is_empty()) {
        binds.push(Bind::Text(contains_pattern(term)));
        let p = binds.len();
        wh.push(format!(
            "(LOWER(i.name) LIKE ${p} ESCAPE '\\' OR LOWER(u.username) LIKE ${p} ESCAPE '\\' \
             OR LOWER({expires_text}) LIKE ${p} ESCAPE '\\' OR LOWER(f.slug) LIKE ${p} ESCAPE '\\')"
        ));
    }
    let mut sql =
        "FROM invitations i JOIN flows f ON f.pk = i.flow_pk JOIN users u ON u.pk = i.created_by"
            .to_owned();
    if !wh.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&wh.join(" AND "));
    }
    (sql, binds)
}

/// The `ORDER BY` of a list query: byte order for text on both backends, ties by pk.
fn list_order(db: &Db, order: &[(OrderField, bool)]) -> String {
    let c = match db.backend {
        super::Backend::Sqlite => "",
        super::Backend::Postgres => " COLLATE \"C\"",
    };
    let mut terms: Vec<String> = order
        .iter()
        .map(|(field, desc)| {
            let d = if *desc { "DESC" } else { "ASC" };
            match field {
                OrderField::Pk => format!("i.pk{c} {d}"),
                OrderField::Name => format!("i.name{c} {d}"),
                OrderField::Expires => {
                    format!("CASE WHEN i.expires IS NULL THEN 1 ELSE 0 END {d}, i.expires {d}")
                }
                OrderField::CreatedBy => format!("u.username{c} {d}"),
                OrderField::SingleUse => format!("i.single_use {d}"),
                OrderField::Flow => format!("f.slug{c} {d}"),
                OrderField::FixedData => format!(
                    "CASE WHEN i.fixed_data = '{{}}' THEN 0 ELSE 1 END {d}, i.fixed_data{c} {d}"
                ),
            }
        })
        .collect();
    terms.push(format!("i.pk{c} ASC"));
    terms.join(", ")
}

/// How many invitations a list query matches (for DRF's pagination), counted in SQL.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, q: &ListQuery) -> Result<u64, AppError> {
    let (from, binds) = list_where(db, q);
    let sql = format!("SELECT COUNT(*) {from}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    Ok(u64::try_from(query.fetch_one(&db.pool).await?).unwrap_or(0))
}

/// One page of invitations: filtered, searched, ordered and windowed in SQL; only the page's rows are
/// then read with their grants, ledger and messages.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored value does not decode.
pub async fn list_page(
    db: &Db,
    public_url: &str,
    q: &ListQuery,
) -> Result<Vec<InvitationRow>, AppError> {
    let (from, mut binds) = list_where(db, q);
    binds.push(Bind::Int(i64::try_from(q.limit).unwrap_or(i64::MAX)));
    binds.push(Bind::Int(i64::try_from(q.offset).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT i.pk {from} ORDER BY {} LIMIT ${} OFFSET ${}",
        list_order(db, &q.order),
        binds.len() - 1,
        binds.len()
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let pks = query.fetch_all(&db.pool).await?;
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT_ROWS} WHERE i.pk IN ({})",
        super::db::placeholders(1, pks.len())
    );
    let mut rows_q = sqlx::query_as::<_, RawRow>(&sql);
    for pk in &pks {
        rows_q = rows_q.bind(pk);
    }
    let mut rows = into_rows(db, public_url, rows_q.fetch_all(&db.pool).await?).await?;
    rows.sort_by_key(|r| pks.iter().position(|p| *p == r.pk));
    Ok(rows)
}

/// One invitation as the table shows it.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
pub async fn get(db: &Db, public_url: &str, pk: &str) -> Result<InvitationRow, AppError> {
    let rows: Vec<RawRow> = sqlx::query_as(&format!("{SELECT_ROWS} WHERE i.pk = $1"))
        .bind(pk)
        .fetch_all(&db.pool)
        .await?;
    into_rows(db, public_url, rows)
        .await?
        .pop()
        .ok_or_else(not_found)
}

async fn into_rows(
    db: &Db,
    public_url: &str,
    rows: Vec<RawRow>,
) -> Result<Vec<InvitationRow>, AppError> {
    // Only what these rows need: their grants, uses and messages.
    let pks: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let within = format!(
        "x.invitation_pk IN ({})",
        super::db::placeholders(1, pks.len())
    );
    let pks_ref = &pks;
    let grants = |sql: String| async move {
        let mut q = sqlx::query_as::<_, (String, String, String)>(&sql);
        for pk in pks_ref {
            q = q.bind(pk);
        }
        let pairs = q.fetch_all(&db.pool).await?;
        let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (inv, pk, name) in pairs {
            map.entry(inv).or_default().push((pk, name));
        }
        Ok::<_, AppError>(map)
    };
    let roles = grants(format!(
        "SELECT x.invitation_pk, r.pk, r.name FROM invitation_roles x JOIN directory_roles r ON r.pk = x.role_pk WHERE {within} ORDER BY r.name"
    ))
    .await?;
    let groups = grants(format!(
        "SELECT x.invitation_pk, g.pk, g.name FROM invitation_groups x JOIN directory_groups g ON g.pk = x.group_pk WHERE {within} ORDER BY g.name"
    ))
    .await?;
    let uses_sql = format!(
        "SELECT x.invitation_pk, u.pk, u.username, x.action, x.at FROM invitation_uses x JOIN users u ON u.pk = x.user_pk WHERE {within} ORDER BY x.at, u.username"
    );
    let mut uses_q = sqlx::query_as::<_, (String, i64, String, String, i64)>(&uses_sql);
    for pk in &pks {
        uses_q = uses_q.bind(pk);
    }
    let uses = uses_q.fetch_all(&db.pool).await?;
    let mut ledgers: HashMap<String, Vec<LedgerEntry>> = HashMap::new();
    for (inv, user_pk, username, action, at) in uses {
        ledgers.entry(inv).or_default().push(LedgerEntry {
            user_pk,
            username,
            action,
            at,
            at_display: time::format_absolute(at),
        });
    }
    let mut messages: HashMap<String, Vec<crate::model::OutboxMessage>> = HashMap::new();
    for (inv, m) in super::mail::invitation_messages(db, &pks)
        .await?
        .into_iter()
        .filter_map(|m| {
            let pk = m.invitation_pk.clone()?;
            Some((pk, m))
        })
    {
        messages.entry(inv).or_default().push(m);
    }
    let now = time::now();
    rows.into_iter()
        .map(|r| {
            let (
                pk,
                name,
                description,
                flow_slug,
                flow_pk,
                expires,
                fixed_data,
                single_use,
                quota,
                uses,
                emails,
                enabled,
                created_by,
                token,
                created,
            ) = r;
            let (single_use, enabled) = (single_use != 0, enabled != 0);
            let rules: Vec<EmailRule> = decode_stored(&pk, "emails", &emails)?;
            let fixed: serde_json::Value = decode_stored(&pk, "fixed_data", &fixed_data)?;
            let (role_pks, role_names) = roles
                .get(&pk)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .unzip();
            let (group_pks, group_names) = groups
                .get(&pk)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .unzip();
            let mut send_to: Vec<String> = fixed
                .get("email")
                .and_then(|e| e.as_str())
                .map(|e| vec![e.to_owned()])
                .unwrap_or_default();
            for r in &rules {
                if let EmailRule::Address(a) = r {
                    if !send_to.contains(a) {
                        send_to.push(a.clone());
                    }
                }
            }
            Ok(InvitationRow {
                messages: messages.remove(&pk).unwrap_or_default(),
                send_to,
                ledger: ledgers.remove(&pk).unwrap_or_default(),
                status: InvitationStatus::compute(enabled, expires, uses, quota, now),
                link: invitation_link(public_url, &flow_slug, &token),
                expires_display: time::format_expiry(expires, now),
                expires_input: expires.map(time::format_input).unwrap_or_default(),
                fixed_data: if fixed.as_object().is_some_and(|m| m.is_empty()) {
                    String::new()
                } else {
                    serde_json::to_string_pretty(&fixed).unwrap_or_default()
                },
                emails: rules.iter().map(EmailRule::to_text).collect(),
                roles: role_pks,
                role_names,
                groups: group_pks,
                group_names,
                pk,
                name,
                description,
                flow_slug,
                flow_pk,
                uses,
                quota,
                single_use,
                expires,
                created,
                created_by,
                enabled,
            })
        })
        .collect()
}

/// An invitation as the invitee journey needs it.
#[derive(Debug, Clone)]
pub struct InvitationRecord {
    /// UUID.
    pub pk: String,
    /// Bound flow's pk.
    pub flow_pk: String,
    /// The token it was found by.
    pub token: String,
    /// Expiry, UTC Unix seconds.
    pub expires: Option<i64>,
    /// `fixed_data` object.
    pub fixed_data: serde_json::Map<String, serde_json::Value>,
    /// Max uses.
    pub quota: Option<i64>,
    /// Consumed uses.
    pub uses: i64,
    /// Email rules JSON as stored (compared again at consumption).
    pub emails_json: String,
    /// Parsed email rules.
    pub emails: Vec<EmailRule>,
    /// Enabled.
    pub enabled: bool,
    /// Creator's display name (or username).
    pub invited_by: String,
    /// Granted role pks and names.
    pub roles: Vec<(String, String)>,
    /// Granted group pks and names.
    pub groups: Vec<(String, String)>,
}

impl InvitationRecord {
    /// Status now.
    pub fn status(&self, now: i64) -> InvitationStatus {
        InvitationStatus::compute(self.enabled, self.expires, self.uses, self.quota, now)
    }
}

/// Decodes a JSON column of invitation `pk`. A stored value that does not parse fails closed: the caller
/// gets [`AppError::Internal`] (and the log names the invitation and column), never a default: an empty
/// list of email rules would admit everyone.
///
/// # Errors
/// [`AppError::Internal`] when `raw` is not the JSON of a `T`.
fn decode_stored<T: serde::de::DeserializeOwned>(
    pk: &str,
    column: &str,
    raw: &str,
) -> Result<T, AppError> {
    serde_json::from_str(raw).map_err(|e| {
        tracing::error!(invitation = pk, column, error = %e, "corrupt stored invitation value");
        AppError::Internal
    })
}

/// Finds an invitation by its token. Malformed tokens are not looked up.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when its stored `emails` or `fixed_data` does not decode.
pub async fn find_by_token(db: &Db, token: &str) -> Result<Option<InvitationRecord>, AppError> {
    if !crate::domain::invitation::is_token_shaped(token) {
        return Ok(None);
    }
    /// pk, flow_pk, expires, fixed_data, quota, uses, emails, enabled (0/1), creator name, creator username.
    type TokenRow = (
        String,
        String,
        Option<i64>,
        String,
        Option<i64>,
        i64,
        String,
        i64,
        String,
        String,
    );
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT i.pk, i.flow_pk, i.expires, i.fixed_data, i.quota, i.uses, i.emails, i.enabled, u.name, u.username
         FROM invitations i JOIN users u ON u.pk = i.created_by WHERE i.token = $1",
    )
    .bind(token)
    .fetch_optional(&db.pool)
    .await?;
    let Some((pk, flow_pk, expires, fixed_data, quota, uses, emails_json, enabled, name, username)) =
        row
    else {
        return Ok(None);
    };
    let roles: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.pk, r.name FROM invitation_roles x JOIN directory_roles r ON r.pk = x.role_pk WHERE x.invitation_pk = $1 ORDER BY r.name",
    )
    .bind(&pk)
    .fetch_all(&db.pool)
    .await?;
    let groups: Vec<(String, String)> = sqlx::query_as(
        "SELECT g.pk, g.name FROM invitation_groups x JOIN directory_groups g ON g.pk = x.group_pk WHERE x.invitation_pk = $1 ORDER BY g.name",
    )
    .bind(&pk)
    .fetch_all(&db.pool)
    .await?;
    Ok(Some(InvitationRecord {
        fixed_data: decode_stored(&pk, "fixed_data", &fixed_data)?,
        emails: decode_stored(&pk, "emails", &emails_json)?,
        invited_by: if name.is_empty() { username } else { name },
        token: token.to_owned(),
        pk,
        flow_pk,
        expires,
        quota,
        uses,
        emails_json,
        enabled: enabled != 0,
        roles,
        groups,
    }))
}

/// Consumes one use inside the caller's transaction with a conditional update that re-checks, atomically,
/// that the invitation is still enabled, unexpired at `now`, under quota, still has the token and flow the
/// caller resolved (a regenerated link or a moved invitation stops at once), and has the same email rules
/// the caller checked (`emails_json`).
///
/// # Errors
/// [`AppError::InvalidInvitation`] when the update matched nothing (the reason is computed afresh);
/// database errors.
pub async fn consume_use(
    tx: &mut Transaction<'static, Any>,
    inv: &InvitationRecord,
    now: i64,
) -> Result<(), AppError> {
    let n = sqlx::query(
        "UPDATE invitations SET uses = uses + 1
         WHERE pk = $1 AND enabled = 1 AND (expires IS NULL OR expires > $2)
           AND (quota IS NULL OR uses < quota) AND emails = $3 AND token = $4 AND flow_pk = $5",
    )
    .bind(&inv.pk)
    .bind(now)
    .bind(&inv.emails_json)
    .bind(&inv.token)
    .bind(&inv.flow_pk)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 {
        return Ok(());
    }
    let row: Option<(i64, Option<i64>, i64, Option<i64>)> =
        sqlx::query_as("SELECT enabled, expires, uses, quota FROM invitations WHERE pk = $1")
            .bind(&inv.pk)
            .fetch_optional(&mut **tx)
            .await?;
    Err(match row {
        Some((enabled, expires, uses, quota)) => invalid(InvitationStatus::compute(
            enabled != 0,
            expires,
            uses,
            quota,
            now,
        )),
        None => invalid(InvitationStatus::Active),
    })
}

/// The invitee-facing error for a status: a reason for disabled/expired/used up (410), and a plain
/// not-found (404) otherwise.
pub fn invalid(status: InvitationStatus) -> AppError {
    match status.refusal_reason() {
        Some(r) => AppError::InvalidInvitation {
            reason: Some(r.into()),
            gone: true,
        },
        None => AppError::InvalidInvitation {
            reason: None,
            gone: false,
        },
    }
}

/// Deprovisions every account created through an invitation (its ledger's `enrolled` rows): deactivates
/// them, in one statement. Accounts that only joined keep their state. Returns how many were deactivated.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.deprovision", skip_all, fields(invitation = pk))]
pub async fn deprovision(db: &Db, pk: &str) -> Result<u64, AppError> {
    let exists: Option<String> = sqlx::query_scalar("SELECT pk FROM invitations WHERE pk = $1")
        .bind(pk)
        .fetch_optional(&db.pool)
        .await?;
    exists.ok_or_else(not_found)?;
    Ok(sqlx::query(
        "UPDATE users SET is_active = 0 WHERE is_active = 1 AND is_superuser = 0
         AND pk IN (SELECT user_pk FROM invitation_uses WHERE invitation_pk = $1 AND action = 'enrolled')",
    )
    .bind(pk)
    .execute(&db.pool)
    .await?
    .rows_affected())
}
