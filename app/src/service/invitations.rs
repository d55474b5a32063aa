//! Invitation service: validation of the admin form, create/edit/toggle/regenerate/delete, the table, and
//! the atomic consumption of a use.

use super::{time, Db};
use crate::domain::email_rules::EmailRule;
use crate::domain::invitation::{
    invitation_link, Invitation, InvitationDraft, InvitationError, InvitationName, InvitationPatch,
    InvitationStatus, NameError, Quota, UseAction,
};
use crate::error::{AppError, Context};
use crate::model::{InvitationForm, InvitationRow, InvitationSort, LedgerEntry};
use crate::store::db::new_uuid;
use crate::store::invitations::{self as store, Grant, InvitationFields, InvitationListRow};
use crate::store::{is_unique_violation, DbError, Tx};
use std::collections::HashMap;

/// Default lifetime of a new invitation: 7 days, in seconds.
pub const DEFAULT_LIFETIME_SECS: i64 = 7 * 86_400;

/// The lookup digest of invitation token `token` as given, what `invitations.token` stores (migration
/// 0018): BLAKE2b-512, hex. Unkeyed, as API token hashes: a token is 122 random bits, so its digest
/// cannot be turned back into a working link; showing the link needs the sealed copy
/// ([`crate::service::SecretKey::seal`]), which needs `USHER_SECRET_KEY`.
pub fn token_digest(token: &str) -> String {
    DIGESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    super::auth::secret_digest(store::TOKEN_SEAL, &[token])
}

/// Token digests computed by this process ([`token_digest`]), for tests and metrics: the landing page
/// computes one per request (issue 36 item 5).
static DIGESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many token digests this process computed ([`token_digest`]).
pub fn digests_computed() -> u64 {
    DIGESTS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An invitation token as a request gave it (`?itoken=`, a form's `itoken`), trimmed, with its lookup
/// digest computed once, at the edge (issue 36 item 5): the services take this, never the raw text, so
/// a request hashes its token once however many layers look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Itoken {
    given: String,
    digest: String,
}

impl Itoken {
    /// The token in `raw`, trimmed; `None` when it is missing or blank.
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        let given = raw.map(str::trim).filter(|t| !t.is_empty())?;
        Some(Self {
            given: given.to_owned(),
            digest: token_digest(given),
        })
    }

    /// The token as given (trimmed): what a link carries.
    pub fn given(&self) -> &str {
        &self.given
    }

    /// Its lookup digest ([`token_digest`]): what the database and flow plans keep.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// A new random token for invitation `pk`: `(token, digest, sealed)`.
fn new_token(key: &super::SecretKey, pk: &str) -> (String, String, String) {
    let token = new_uuid();
    let digest = token_digest(&token);
    let sealed = key.seal(store::TOKEN_SEAL, pk, &token);
    (token, digest, sealed)
}

/// The token of invitation `pk` from its sealed copy; `None` when there is none or it was sealed under
/// another `USHER_SECRET_KEY` (the link must then be regenerated).
fn open_token(key: &super::SecretKey, pk: &str, sealed: Option<&str>) -> Option<String> {
    let token = key.open(store::TOKEN_SEAL, pk, sealed?);
    if token.is_none() {
        tracing::warn!(
            invitation = pk,
            "an invitation token sealed with another USHER_SECRET_KEY: regenerate its link"
        );
    }
    token
}

/// Rewrites the invitations stored before migration 0018 (token as given, not sealed): each gets its
/// token's digest and sealed copy, and the outbox rows that carried it the digest, so their links keep
/// working. Run at start-up, before serving; idempotent, and safe with several instances starting on
/// one database. Returns how many it rewrote.
///
/// # Errors
/// Database errors.
pub async fn seal_legacy_tokens(db: &Db, key: &super::SecretKey) -> Result<u64, AppError> {
    let mut done = 0;
    loop {
        let batch = store::legacy_tokens(&db.pool, 500).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let mut tx = db.begin().await?;
        for (pk, given) in &batch {
            let digest = token_digest(given);
            let sealed = key.seal(store::TOKEN_SEAL, pk, given);
            done += store::seal_legacy_token(
                &mut tx,
                pk,
                given,
                store::StoredToken {
                    digest: &digest,
                    sealed: &sealed,
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
}

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

impl From<DbError> for WriteError {
    fn from(e: DbError) -> Self {
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
    tx: &mut Tx,
    draft: &InvitationDraft,
    mut errors: Vec<InvitationError>,
) -> Result<Resolved, WriteError> {
    let flow_pk = match &draft.flow {
        Some(pk) => crate::store::flows::existing_flow_pk(&mut **tx, pk).await?,
        None => crate::store::flows::flow_pk_by_slug(&mut **tx, DEFAULT_FLOW_SLUG).await?,
    };
    if flow_pk.is_none() {
        errors.push(InvitationError::Flow);
    }
    let mut roles = Vec::new();
    for r in &draft.roles {
        match crate::store::directory::role_pk_by_pk_or_name(&mut **tx, r).await? {
            Some(pk) => roles.push(pk),
            None => errors.push(InvitationError::UnknownRole(r.clone())),
        }
    }
    let mut groups = Vec::new();
    for g in &draft.groups {
        match crate::store::directory::group_pk_by_pk_or_name(&mut **tx, g).await? {
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
) -> InvitationFields<'a> {
    InvitationFields {
        name: draft.name.as_str(),
        description: &draft.description,
        flow_pk: &r.flow_pk,
        expires: draft.expires,
        fixed_data,
        single_use: draft.quota.is_single_use(),
        quota: draft.quota.max(),
        emails,
        enabled: draft.enabled,
    }
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

/// Creates an invitation from a draft, as user `created_by`, with a new random token (stored as its
/// digest and sealed with `key`), inside the caller's transaction. `now` is UTC Unix seconds; a new invitation must not already be expired. With
/// [`Delivery::Automatic`] and an `email` in `fixed_data`, the invitation email to that address is
/// written to the outbox in the same transaction. Returns the new pk.
///
/// # Errors
/// [`WriteError::Invalid`] (past expiry, unknown flow, role or group, a taken name); storage errors.
pub async fn create_in(
    tx: &mut Tx,
    key: &super::SecretKey,
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
    let (fixed_data, emails) = (fixed_data_json(draft), emails_json(draft)?);
    let (_, digest, sealed) = new_token(key, &pk);
    store::insert(
        &mut **tx,
        &pk,
        &fields(draft, &r, &fixed_data, &emails),
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
    let email = draft.fixed_data.get("email").and_then(|e| e.as_str());
    if let (Delivery::Automatic(config), Some(email)) = (delivery, email) {
        let (mail, link) = invitation_mail(tx, config, &pk).await?;
        let msg = super::mail::render_invitation(&mail)?;
        super::outbox::enqueue(
            tx,
            &config.secret_key,
            Some(&pk),
            Some(link.as_ref()),
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
        &config.secret_key,
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
    serde_json::to_string(&draft.emails).context("encoding email rules")
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
    if !store::exists(&mut *tx, pk).await? {
        return Err(not_found());
    }
    let (mail, link) = invitation_mail(&mut tx, config, pk).await?;
    let id = super::outbox::enqueue(
        &mut tx,
        &config.secret_key,
        Some(pk),
        Some(link.as_ref()),
        &to,
        &cc,
        &bcc,
        &super::mail::render_invitation(&mail)?,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An invitation token as given, with its digest (see [`super::outbox::LinkToken`]).
struct OwnedLinkToken {
    token: String,
    digest: String,
}

impl OwnedLinkToken {
    fn as_ref(&self) -> super::outbox::LinkToken<'_> {
        super::outbox::LinkToken {
            token: &self.token,
            digest: &self.digest,
        }
    }
}

/// What the invitation email of `pk` says, and the token its link carries, read inside the transaction.
///
/// # Errors
/// [`AppError::BadRequest`] when the token was sealed under another `USHER_SECRET_KEY`; database errors.
async fn invitation_mail(
    tx: &mut Tx,
    config: &super::Config,
    pk: &str,
) -> Result<(super::mail::InvitationMail, OwnedLinkToken), AppError> {
    let row = store::mail_row(&mut **tx, pk).await?;
    let token = open_token(&config.secret_key, pk, row.token_sealed.as_deref()).ok_or_else(|| {
        AppError::BadRequest(
            "This invitation's link was sealed with another USHER_SECRET_KEY: regenerate the link, then send it.".into(),
        )
    })?;
    let roles = store::grant_names(&mut **tx, Grant::Role, pk).await?;
    let groups = store::grant_names(&mut **tx, Grant::Group, pk).await?;
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
        inviter: if row.creator_name.is_empty() {
            row.creator_username
        } else {
            row.creator_name
        },
        grants: grants.join("; "),
        expires: time::format_expiry(row.expires, time::now()),
        link: invitation_link(&config.public_url, &row.flow_slug, &token),
    };
    Ok((
        mail,
        OwnedLinkToken {
            token,
            digest: row.token,
        },
    ))
}

/// Stores a draft over invitation `pk` inside the caller's transaction; uses, token and creator are kept.
///
/// # Errors
/// [`WriteError::NotFound`]; [`WriteError::Invalid`] (unknown flow, role or group, a taken name); storage
/// errors.
pub async fn update_in(tx: &mut Tx, pk: &str, draft: &InvitationDraft) -> Result<(), WriteError> {
    let r = resolve(tx, draft, Vec::new()).await?;
    let (fixed_data, emails) = (fixed_data_json(draft), emails_json(draft)?);
    let n = store::update(&mut **tx, pk, &fields(draft, &r, &fixed_data, &emails))
        .await
        .map_err(name_taken)?;
    if n == 0 {
        return Err(WriteError::NotFound);
    }
    store::replace_grants(tx, pk, &r.roles, &r.groups).await?;
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
    tx: &mut Tx,
    key: &super::SecretKey,
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
            update_in(tx, &pk, &draft).await?;
            Ok(false)
        }
        None => {
            let draft = patch.into_draft().map_err(invalid)?;
            create_in(tx, key, created_by, &draft, now, Delivery::None).await?;
            Ok(true)
        }
    }
}

/// The stored invitation `pk`, typed, read inside `tx`; `None` when there is none.
///
/// # Errors
/// Storage errors; [`AppError::Internal`] when a stored value does not decode (fails closed).
pub async fn load_in(tx: &mut Tx, pk: &str) -> Result<Option<Invitation>, AppError> {
    let Some(row) = store::stored(&mut **tx, pk).await? else {
        return Ok(None);
    };
    let roles = store::grant_pks(&mut **tx, Grant::Role, pk).await?;
    let groups = store::grant_pks(&mut **tx, Grant::Group, pk).await?;
    Ok(Some(Invitation {
        name: InvitationName::parse(&row.name).map_err(|e| {
            tracing::error!(invitation = pk, error = %e, "corrupt stored invitation name");
            AppError::Internal
        })?,
        fixed_data: decode_stored(pk, "fixed_data", &row.fixed_data)?,
        emails: decode_stored(pk, "emails", &row.emails)?,
        pk: pk.to_owned(),
        description: row.description,
        flow_pk: row.flow_pk,
        expires: row.expires,
        quota: Quota::from_max(row.quota),
        uses: row.uses,
        roles,
        groups,
        enabled: row.enabled,
        created_by: row.created_by,
        token: row.token,
        created: row.created,
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
    found(store::set_enabled(&db.pool, pk, enabled).await?)
}

/// Gives an invitation a new random token, sealed with `key`; the old link stops working at once.
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.regenerate_token", skip_all, fields(invitation = pk))]
pub async fn regenerate_token(db: &Db, key: &super::SecretKey, pk: &str) -> Result<(), AppError> {
    let (_, digest, sealed) = new_token(key, pk);
    found(
        store::set_token(
            &db.pool,
            pk,
            store::StoredToken {
                digest: &digest,
                sealed: &sealed,
            },
        )
        .await?,
    )
}

/// Deletes an invitation (its grants and ledger rows go with it).
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
#[tracing::instrument(name = "invitations.delete", skip_all, fields(invitation = pk))]
pub async fn delete(db: &Db, pk: &str) -> Result<(), AppError> {
    found(store::delete(&db.pool, pk).await?)
}

/// `Ok` when a statement touched a row, [`AppError::NotFound`] when it touched none.
fn found(rows_affected: u64) -> Result<(), AppError> {
    if rows_affected == 0 {
        Err(not_found())
    } else {
        Ok(())
    }
}

pub use crate::model::DASHBOARD_PAGE_SIZE;

/// The dashboard's query: the invitations whose name contains `search` (case-insensitively; empty =
/// all), in `sort` order with ties by name, page `page` (0-based) of [`DASHBOARD_PAGE_SIZE`] rows.
pub fn dashboard_query(search: &str, sort: InvitationSort, page: u64) -> ListQuery {
    let first = match sort {
        InvitationSort::CreatedDesc => (OrderField::Created, true),
        InvitationSort::CreatedAsc => (OrderField::Created, false),
        InvitationSort::ExpiresAsc => (OrderField::Expires, false),
        InvitationSort::ExpiresDesc => (OrderField::Expires, true),
    };
    ListQuery {
        name_contains: Some(search.trim().to_owned()),
        order: vec![first, (OrderField::Name, false)],
        offset: page.saturating_mul(DASHBOARD_PAGE_SIZE),
        limit: DASHBOARD_PAGE_SIZE,
        ..ListQuery::default()
    }
}

/// One page of the dashboard's invitation table ([`dashboard_query`]), run in SQL. The rows carry
/// their counts of enrolled accounts and messages, not the ledger and messages themselves: [`get`]
/// reads those when a row is expanded.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored value does not decode.
pub async fn list(
    db: &Db,
    config: &super::Config,
    search: &str,
    sort: InvitationSort,
    page: u64,
) -> Result<Vec<InvitationRow>, AppError> {
    list_page(db, config, &dashboard_query(search, sort, page)).await
}

/// A field the invitation list can be ordered by (the invitation's readable fields, as DRF's
/// `OrderingFilter` allows them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    /// `pk`.
    Pk,
    /// `name`.
    Name,
    /// Creation time.
    Created,
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
    /// The name contains this, case-insensitively (the dashboard's search box; empty = all).
    pub name_contains: Option<String>,
    /// DRF's `SearchFilter`: every term must be found, case-insensitively, in the name, the creator's
    /// username, the expiry (RFC 3339, UTC) or the flow's slug.
    pub search: Vec<String>,
    /// `(field, descending)`, most significant first; ties go by pk.
    pub order: Vec<(OrderField, bool)>,
    /// Rows to skip.
    pub offset: u64,
    /// How many rows the query matches, when the caller counted them already (the REST API does, for
    /// its pagination): a page in the second half is then read from the end.
    pub known_total: Option<u64>,
    /// Rows at most.
    pub limit: u64,
}

impl ListQuery {
    /// Whether the query keeps every invitation: no exact filter, no name part, no search term (an
    /// empty string is no filter).
    #[must_use]
    pub fn filters_nothing(&self) -> bool {
        self.name.is_none()
            && self.flow_slug.is_none()
            && self.created_by.is_none()
            && self.expires.is_none()
            && self.name_contains.as_deref().is_none_or(str::is_empty)
            && self.search.iter().all(String::is_empty)
    }
}

/// How many invitations a list query matches (for DRF's pagination), counted in SQL.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, q: &ListQuery) -> Result<u64, AppError> {
    Ok(u64::try_from(store::count(&db.pool, db.backend, q).await?).unwrap_or(0))
}

/// One page of invitations: filtered, searched, ordered and windowed in SQL; only the page's rows are
/// then read with their grants (not their ledger and messages: see [`get`]).
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored value does not decode.
pub async fn list_page(
    db: &Db,
    config: &super::Config,
    q: &ListQuery,
) -> Result<Vec<InvitationRow>, AppError> {
    let pks = store::page_pks(&db.pool, db.backend, q, q.known_total).await?;
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let rows = store::list_rows_in(&db.pool, &pks).await?;
    let mut rows = into_rows(db, config, rows, Detail::Summary).await?;
    rows.sort_by_key(|r| pks.iter().position(|p| *p == r.pk));
    Ok(rows)
}

/// One invitation as its expanded row shows it: with its ledger (oldest first) and its messages
/// (newest first).
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
pub async fn get(db: &Db, config: &super::Config, pk: &str) -> Result<InvitationRow, AppError> {
    let rows = store::list_row(&db.pool, pk).await?.into_iter().collect();
    into_rows(db, config, rows, Detail::Full)
        .await?
        .pop()
        .ok_or_else(not_found)
}

/// How much of an invitation a row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// A list's row: grants and counts.
    Summary,
    /// An expanded row: also the ledger and the messages.
    Full,
}

async fn into_rows(
    db: &Db,
    config: &super::Config,
    rows: Vec<InvitationListRow>,
    detail: Detail,
) -> Result<Vec<InvitationRow>, AppError> {
    // Only what these rows need: their grants, and with full detail their uses and messages.
    let pks: Vec<String> = rows.iter().map(|r| r.pk.clone()).collect();
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let by_invitation = |grants: Vec<store::GrantRow>| {
        let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for g in grants {
            map.entry(g.invitation_pk).or_default().push((g.pk, g.name));
        }
        map
    };
    let roles = by_invitation(store::grants_in(&db.pool, Grant::Role, &pks).await?);
    let groups = by_invitation(store::grants_in(&db.pool, Grant::Group, &pks).await?);
    let mut ledgers: HashMap<String, Vec<LedgerEntry>> = HashMap::new();
    let mut messages: HashMap<String, Vec<crate::model::OutboxMessage>> = HashMap::new();
    let full = detail == Detail::Full;
    let ledger_rows = if full {
        store::ledger_in(&db.pool, &pks).await?
    } else {
        Vec::new()
    };
    for u in ledger_rows {
        ledgers
            .entry(u.invitation_pk)
            .or_default()
            .push(LedgerEntry {
                user_pk: u.user_pk,
                username: u.username,
                action: UseAction::parse(&u.action).ok_or_else(|| {
                    tracing::error!(action = %u.action, "a ledger row with an unknown action");
                    AppError::Internal
                })?,
                at: u.at,
                at_display: time::format_absolute(u.at),
            });
    }
    let message_rows = if full {
        super::outbox::invitation_messages(db, &pks).await?
    } else {
        Vec::new()
    };
    for (inv, m) in message_rows.into_iter().filter_map(|m| {
        let pk = m.invitation_pk.clone()?;
        Some((pk, m))
    }) {
        messages.entry(inv).or_default().push(m);
    }
    let mut events: HashMap<String, Vec<crate::model::InvitationEvent>> = HashMap::new();
    let event_rows = if full {
        crate::store::events::of_invitations(&db.pool, &pks).await?
    } else {
        Vec::new()
    };
    for e in event_rows {
        let kind = crate::domain::event::EventKind::parse(&e.kind).ok_or_else(|| {
            tracing::error!(kind = %e.kind, "an invitation event of an unknown kind");
            AppError::Internal
        })?;
        events
            .entry(e.invitation_pk)
            .or_default()
            .push(crate::model::InvitationEvent {
                kind,
                at: e.at,
                at_display: time::format_absolute(e.at),
                detail: e.detail,
            });
    }
    let now = time::now();
    rows.into_iter()
        .map(|r| {
            let InvitationListRow {
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
                creator_active,
                token_sealed,
                created,
                enrolled_count,
                message_count,
            } = r;
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
                messages: full.then(|| messages.remove(&pk).unwrap_or_default()),
                events: full.then(|| events.remove(&pk).unwrap_or_default()),
                send_to,
                ledger: full.then(|| ledgers.remove(&pk).unwrap_or_default()),
                enrolled_count: u64::try_from(enrolled_count).unwrap_or(0),
                message_count: u64::try_from(message_count).unwrap_or(0),
                status: InvitationStatus::compute(
                    enabled,
                    creator_active,
                    expires,
                    uses,
                    quota,
                    now,
                ),
                creator_active,
                // Empty when the token was sealed under another USHER_SECRET_KEY.
                link: open_token(&config.secret_key, &pk, token_sealed.as_deref())
                    .map(|t| invitation_link(&config.public_url, &flow_slug, &t))
                    .unwrap_or_default(),
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
    /// The lookup digest of the token it was found by ([`token_digest`]).
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
    /// Whether the creator's account is active.
    pub creator_active: bool,
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
        InvitationStatus::compute(
            self.enabled,
            self.creator_active,
            self.expires,
            self.uses,
            self.quota,
            now,
        )
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

/// The invitations this instance has looked up by token (keyed by the token's lookup digest), as of one
/// generation of the invitations (kept by triggers in the transaction of every change, see
/// [`super::cache`]): the landing page and each stage read one row instead of the invitation, its
/// creator and its grants (issue 13). At most 4,096; tokens that match nothing are not cached.
pub type InvitationCache = super::cache::GenerationCache<InvitationRecord, 4096>;

/// Finds an invitation by its token, from this instance's [`InvitationCache`] while the invitations'
/// generation (`generation`, read by the caller with [`crate::store::generations`] before this) is
/// unchanged. Malformed tokens are not looked up.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when its stored `emails` or `fixed_data` does not decode.
pub async fn find_by_token(
    db: &Db,
    token: &Itoken,
    generation: crate::store::Generation,
) -> Result<Option<InvitationRecord>, AppError> {
    if !crate::domain::invitation::is_token_shaped(token.given()) {
        return Ok(None);
    }
    let digest = token.digest();
    if let Some(hit) = db.invitation_cache.get(generation, digest) {
        return Ok(Some(InvitationRecord::clone(&hit)));
    }
    let Some(row) = store::by_token(&db.pool, digest).await? else {
        return Ok(None);
    };
    let (roles, groups): (Vec<_>, Vec<_>) = store::all_grants(&db.pool, &row.pk)
        .await?
        .into_iter()
        .partition(|(kind, _, _)| kind == "role");
    let pair = |v: Vec<(String, String, String)>| -> Vec<(String, String)> {
        v.into_iter().map(|(_, pk, name)| (pk, name)).collect()
    };
    let (roles, groups) = (pair(roles), pair(groups));
    let found = InvitationRecord {
        fixed_data: decode_stored(&row.pk, "fixed_data", &row.fixed_data)?,
        emails: decode_stored(&row.pk, "emails", &row.emails)?,
        invited_by: if row.creator_name.is_empty() {
            row.creator_username
        } else {
            row.creator_name
        },
        token: digest.to_owned(),
        pk: row.pk,
        flow_pk: row.flow_pk,
        expires: row.expires,
        quota: row.quota,
        uses: row.uses,
        emails_json: row.emails,
        enabled: row.enabled,
        creator_active: row.creator_active,
        roles,
        groups,
    };
    db.invitation_cache
        .put(generation, &found.token, std::sync::Arc::new(found.clone()));
    Ok(Some(found))
}

/// Consumes one use inside the caller's transaction with a conditional update that re-checks, atomically,
/// that the invitation is still enabled, unexpired at `now`, under quota, still has the token and flow the
/// caller resolved (a regenerated link or a moved invitation stops at once), and has the same email rules
/// the caller checked (`emails_json`).
///
/// # Errors
/// [`AppError::InvalidInvitation`] when the update matched nothing (the reason is computed afresh);
/// database errors.
pub async fn consume_use(tx: &mut Tx, inv: &InvitationRecord, now: i64) -> Result<(), AppError> {
    let n = store::consume(
        &mut **tx,
        &inv.pk,
        now,
        &inv.emails_json,
        &inv.token,
        &inv.flow_pk,
    )
    .await?;
    if n == 1 {
        return Ok(());
    }
    Err(match store::status(&mut **tx, &inv.pk).await? {
        Some(s) => invalid(InvitationStatus::compute(
            s.enabled,
            s.creator_active,
            s.expires,
            s.uses,
            s.quota,
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
/// them, in one statement. Accounts that only joined keep their state. Works for a deleted invitation
/// too, whose ledger stays. Returns how many were deactivated.
///
/// # Errors
/// [`AppError::NotFound`] when `pk` is neither an invitation nor in the ledger; database errors.
#[tracing::instrument(name = "invitations.deprovision", skip_all, fields(invitation = pk))]
pub async fn deprovision(db: &Db, pk: &str) -> Result<u64, AppError> {
    if !store::known(&db.pool, pk).await? {
        return Err(not_found());
    }
    Ok(store::deactivate_enrolled(&db.pool, pk).await?)
}

/// Who is enrolling or joining, for the ledger.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// Client IP.
    pub ip: String,
    /// `User-Agent`.
    pub user_agent: String,
}

/// Grants the invitation's groups and roles (plus `extra_groups`) to a user, skipping what they hold. The
/// grants are read inside the transaction, so an edit that removed one a moment ago is respected.
pub(crate) async fn grant_in(
    tx: &mut Tx,
    user_pk: i64,
    invitation: Option<&InvitationRecord>,
    mut groups: Vec<String>,
) -> Result<(), AppError> {
    let inv_pk = invitation.map(|i| i.pk.clone()).unwrap_or_default();
    groups.extend(store::granted_group_pks(&mut **tx, &inv_pk).await?);
    groups.sort();
    groups.dedup();
    let roles = store::granted_role_pks(&mut **tx, &inv_pk).await?;
    for g in groups {
        crate::store::users::add_group(&mut **tx, user_pk, &g).await?;
    }
    for r in roles {
        crate::store::users::add_role(&mut **tx, user_pk, &r).await?;
    }
    Ok(())
}

/// Writes the ledger row of a use (`action`) of `inv` by `user_pk`, inside the caller's granting
/// transaction, with the client's address and `User-Agent` (truncated to 512 characters).
///
/// # Errors
/// [`AppError::BadRequest`] when this user already used this invitation (one use per account); database
/// errors.
pub(crate) async fn record_use_in(
    tx: &mut Tx,
    inv: &InvitationRecord,
    user_pk: i64,
    action: UseAction,
    req: &RequestInfo,
) -> Result<(), AppError> {
    let user_agent: String = req.user_agent.chars().take(512).collect();
    store::insert_use(
        &mut **tx,
        &store::NewUse {
            pk: &new_uuid(),
            invitation_pk: &inv.pk,
            user_pk,
            action: action.as_str(),
            at: time::now(),
            ip: &req.ip,
            user_agent: &user_agent,
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::BadRequest("You have already accepted this invitation.".into())
        } else {
            AppError::from(e)
        }
    })
}
