//! Campaigns (issue 15 items 1-4): a definition (flow, expiry, start, roles, groups, `fixed_data`
//! defaults, the email's words, a reminder schedule) fanned out to recipients, each with an invitation
//! of their own: single use, limited to the recipient's exact address (so Usher's delivery of its link
//! proves the address, the rule of the invitee journeys), with the recipient's fields merged over the
//! campaign's `fixed_data`. Imports are checked first ([`dry_run`]: nothing is written) and applied in
//! one transaction ([`import`]): a crash or `kill -9` in the middle leaves no half-imported campaign.
//! Reminders ([`send_reminders`]) are claimed per recipient by a conditional update in the transaction
//! that queues them, so none is sent twice, by any instance.

use super::error::{Context, Entity, Error, Problem};
use super::mail::{CampaignWords, InvitationMail};
use super::{time, Config, Db};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::campaign::{
    classify, count_states, due_reminder, recipient_fixed_data, CampaignDraft, CampaignError,
    CampaignView, ImportCounts, MessageFact, RecipientFacts, RecipientInput, RecipientState,
    RecipientView, RowReport, RowVerdict, MAX_IMPORT_ROWS,
};
use crate::domain::email_rules::EmailRule;
use crate::domain::invitation::invitation_link;
use crate::service::audit::{model_context, record};
use crate::store::campaigns::{self as store, CampaignRow, RecipientRow};
use crate::store::db::new_uuid;
use crate::store::{is_unique_violation, Tx};
use std::collections::{HashMap, HashSet};

/// The flow a campaign gets when its draft names none.
pub const DEFAULT_FLOW_SLUG: &str = super::invitations::DEFAULT_FLOW_SLUG;

/// Recipients written per step of an import (the progress it reports).
pub const IMPORT_STEP: usize = 1000;

fn invalid(errors: Vec<CampaignError>) -> Error {
    Error::Invalid(
        errors
            .into_iter()
            .map(|e| (e.field().to_owned(), Problem::Campaign(e)))
            .collect(),
    )
}

/// A draft's references resolved: the flow's pk, the role and group pks.
struct Resolved {
    flow_pk: String,
    roles: Vec<String>,
    groups: Vec<String>,
}

async fn resolve(
    tx: &mut Tx,
    draft: &CampaignDraft,
    mut errors: Vec<CampaignError>,
) -> Result<Resolved, Error> {
    let flow_pk = match &draft.flow {
        Some(pk) => crate::store::flows::existing_flow_pk(&mut **tx, pk).await?,
        None => crate::store::flows::flow_pk_by_slug(&mut **tx, DEFAULT_FLOW_SLUG).await?,
    };
    if flow_pk.is_none() {
        errors.push(CampaignError::Flow);
    }
    let mut roles = Vec::new();
    for r in &draft.roles {
        match crate::store::directory::role_pk_by_pk_or_name(&mut **tx, r).await? {
            Some(pk) => roles.push(pk),
            None => errors.push(CampaignError::UnknownRole(r.clone())),
        }
    }
    let mut groups = Vec::new();
    for g in &draft.groups {
        match crate::store::directory::group_pk_by_pk_or_name(&mut **tx, g).await? {
            Some(pk) => groups.push(pk),
            None => errors.push(CampaignError::UnknownGroup(g.clone())),
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
        _ => Err(invalid(errors)),
    }
}

/// The JSON columns of a draft.
fn texts(draft: &CampaignDraft) -> Result<(String, String), Error> {
    Ok((
        serde_json::Value::Object(draft.fixed_data.clone()).to_string(),
        serde_json::to_string(&draft.reminder_days).context("encoding reminder days")?,
    ))
}

fn fields<'a>(
    draft: &'a CampaignDraft,
    r: &'a Resolved,
    (fixed_data, reminder_days): &'a (String, String),
) -> store::CampaignFields<'a> {
    store::CampaignFields {
        name: draft.name.as_str(),
        description: &draft.description,
        flow_pk: &r.flow_pk,
        expires: draft.expires,
        not_before: draft.not_before,
        fixed_data,
        email_subject: draft.email_subject.trim(),
        email_message: draft.email_message.trim(),
        reminder_days,
        digest: draft.digest,
    }
}

fn name_taken(e: crate::store::DbError) -> Error {
    if is_unique_violation(&e) {
        invalid(vec![CampaignError::NameTaken])
    } else {
        e.into()
    }
}

/// Creates a campaign from a draft as user `created_by`, at `now` (UTC Unix seconds). Returns its pk.
///
/// # Errors
/// [`Error::Invalid`] with [`Problem::Campaign`] under each field (past expiry, a start after the expiry,
/// reminders without expiry, unknown flow, role or group, a taken name); storage errors.
pub async fn create(
    db: &Db,
    who: &Who,
    created_by: i64,
    draft: &CampaignDraft,
    now: i64,
) -> Result<String, Error> {
    let mut tx = db.begin().await?;
    let r = resolve(&mut tx, draft, draft.check(now)).await?;
    let pk = new_uuid();
    let t = texts(draft)?;
    store::insert(&mut *tx, &pk, &fields(draft, &r, &t), created_by, now)
        .await
        .map_err(name_taken)?;
    store::replace_grants(&mut tx, &pk, &r.roles, &r.groups).await?;
    record(
        &mut *tx,
        who.event(
            Action::ModelCreated,
            Model::Campaign,
            &pk,
            serde_json::json!({"model": model_context(Model::Campaign, &pk, draft.name.as_str())}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(pk)
}

/// Stores a draft over campaign `pk`'s definition. Recipients added later get the new definition; the
/// invitations already made keep theirs.
///
/// # Errors
/// As [`create`] (the expiry may stay in the past for an existing campaign only if unchanged);
/// [`Error::NotFound`].
pub async fn update(db: &Db, who: &Who, pk: &str, draft: &CampaignDraft) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let before = store::by_pk(&mut *tx, pk)
        .await?
        .ok_or(Error::NotFound(Entity::Campaign))?;
    let mut errors = draft.check(time::now());
    if draft.expires == before.expires {
        errors.retain(|e| *e != CampaignError::ExpiresInPast);
    }
    let r = resolve(&mut tx, draft, errors).await?;
    let t = texts(draft)?;
    store::update(&mut *tx, pk, &fields(draft, &r, &t))
        .await
        .map_err(name_taken)?;
    store::replace_grants(&mut tx, pk, &r.roles, &r.groups).await?;
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Campaign,
            pk,
            serde_json::json!({"model": model_context(Model::Campaign, pk, draft.name.as_str())}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes campaign `pk`, its recipients and their invitations (the ledger of uses is kept), in one
/// transaction.
///
/// # Errors
/// [`Error::NotFound`]; storage errors.
pub async fn delete(db: &Db, who: &Who, pk: &str) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let c = store::by_pk(&mut *tx, pk)
        .await?
        .ok_or(Error::NotFound(Entity::Campaign))?;
    store::delete_invitations(&mut *tx, pk).await?;
    store::delete(&mut *tx, pk).await?;
    record(
        &mut *tx,
        who.event(
            Action::ModelDeleted,
            Model::Campaign,
            pk,
            serde_json::json!({"model": model_context(Model::Campaign, pk, &c.name)}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn facts(r: &RecipientRow) -> RecipientFacts {
    RecipientFacts {
        revoked: r.revoked,
        has_invitation: r.invitation_pk.is_some(),
        uses: r.uses,
        expires: r.expires,
        last_message: r.last_status.as_deref().map(|s| match s {
            "sent" => MessageFact::Sent,
            "failed" => MessageFact::Failed,
            _ => MessageFact::Waiting,
        }),
        ever_sent: r.sent_count > 0,
        viewed: r.views > 0,
    }
}

fn recipient_view(r: &RecipientRow, now: i64) -> RecipientView {
    RecipientView {
        pk: r.pk.clone(),
        email: r.email.clone(),
        name: r.name.clone(),
        state: RecipientState::compute(&facts(r), now),
        invitation_pk: r.invitation_pk.clone(),
        invitation_name: r.invitation_name.clone(),
        join_as: r.existing_username.clone(),
        reminders_sent: r.reminders_sent,
        views: r.views,
        created: r.created,
        created_text: String::new(),
    }
}

async fn view_of(
    ex: &mut crate::store::Conn,
    c: CampaignRow,
    states: &[RecipientState],
) -> Result<CampaignView, Error> {
    let roles = store::roles(&mut *ex, &c.pk).await?;
    let groups = store::groups(&mut *ex, &c.pk).await?;
    Ok(CampaignView {
        reminder_days: serde_json::from_str(&c.reminder_days).context("reading reminder days")?,
        pk: c.pk,
        name: c.name,
        description: c.description,
        flow_pk: c.flow_pk,
        flow_slug: c.flow_slug,
        expires: c.expires,
        not_before: c.not_before,
        fixed_data: c.fixed_data,
        email_subject: c.email_subject,
        email_message: c.email_message,
        digest: c.digest,
        roles: roles.into_iter().map(|g| (g.pk, g.name)).collect(),
        groups: groups.into_iter().map(|g| (g.pk, g.name)).collect(),
        created_by: c.created_by_username,
        created: c.created,
        counts: count_states(states.iter().copied()),
        total: states.len(),
        expires_text: String::new(),
        not_before_text: String::new(),
        created_text: String::new(),
    })
}

/// Every campaign, newest first, with its recipients counted by state at `now`.
///
/// # Errors
/// Storage errors.
pub async fn list(db: &Db, now: i64) -> Result<Vec<CampaignView>, Error> {
    let mut conn = db.pool.acquire().await.map_err(crate::store::Error::from)?;
    let mut out = Vec::new();
    for c in store::all(&mut *conn).await? {
        let states: Vec<RecipientState> = store::recipients(&mut *conn, &c.pk)
            .await?
            .iter()
            .map(|r| RecipientState::compute(&facts(r), now))
            .collect();
        out.push(view_of(&mut conn, c, &states).await?);
    }
    Ok(out)
}

/// Campaign `pk` (by pk or name) with its recipients and their states at `now`.
///
/// # Errors
/// [`Error::NotFound`]; storage errors.
pub async fn get(db: &Db, pk: &str, now: i64) -> Result<(CampaignView, Vec<RecipientView>), Error> {
    let mut conn = db.pool.acquire().await.map_err(crate::store::Error::from)?;
    let c = match store::by_pk(&mut *conn, pk).await? {
        Some(c) => c,
        None => store::by_name(&mut *conn, pk)
            .await?
            .ok_or(Error::NotFound(Entity::Campaign))?,
    };
    let recipients: Vec<RecipientView> = store::recipients(&mut *conn, &c.pk)
        .await?
        .iter()
        .map(|r| recipient_view(r, now))
        .collect();
    let states: Vec<RecipientState> = recipients.iter().map(|r| r.state).collect();
    Ok((view_of(&mut conn, c, &states).await?, recipients))
}

/// The campaign with pk or name `key`.
async fn find(conn: &mut crate::store::Conn, key: &str) -> Result<CampaignRow, Error> {
    match store::by_pk(&mut *conn, key).await? {
        Some(c) => Ok(c),
        None => store::by_name(&mut *conn, key)
            .await?
            .ok_or(Error::NotFound(Entity::Campaign)),
    }
}

/// A dry run or an applied import: every row with its verdict, and the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The campaign's pk.
    pub campaign_pk: String,
    /// Every row, in the order given.
    pub rows: Vec<RowReport>,
    /// Totals.
    pub counts: ImportCounts,
}

/// Classifies `rows` against campaign `c`'s recipients and the accounts, on `conn`.
async fn classify_on(
    conn: &mut crate::store::Conn,
    c: &CampaignRow,
    rows: Vec<RecipientInput>,
) -> Result<Import, Error> {
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(Error::field("rows", Problem::TooManyRows));
    }
    let existing: HashSet<String> = store::recipient_emails(&mut *conn, &c.pk)
        .await?
        .into_iter()
        .collect();
    let emails: Vec<String> = rows
        .iter()
        .filter_map(|r| crate::domain::email_rules::normalize_email(&r.email))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let accounts: HashMap<String, (i64, String)> = store::accounts_with_emails(&mut *conn, &emails)
        .await?
        .into_iter()
        .map(|a| (a.email, (a.pk, a.username)))
        .collect();
    let rows = classify(
        rows,
        |e| existing.contains(e),
        |e| accounts.get(e).map(|(_, u)| u.clone()),
    );
    Ok(Import {
        campaign_pk: c.pk.clone(),
        counts: ImportCounts::of(&rows),
        rows,
    })
}

/// What an import would do to campaign `key` (pk or name) with `rows`: every row as new, to join (an
/// account has the address), duplicate (already a recipient, or repeated) or invalid with the reason.
/// Writes nothing.
///
/// # Errors
/// [`Error::NotFound`]; [`Problem::TooManyRows`] under `rows`; storage errors.
pub async fn dry_run(db: &Db, key: &str, rows: Vec<RecipientInput>) -> Result<Import, Error> {
    let mut conn = db.pool.acquire().await.map_err(crate::store::Error::from)?;
    let c = find(&mut conn, key).await?;
    classify_on(&mut conn, &c, rows).await
}

/// The placeholder token the shared bodies of a batch are rendered with, then marked
/// ([`crate::domain::outbox::mark_secret`]): every message's own token is sealed in its row.
const PLACEHOLDER_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// The bodies of a campaign's invitation email, `join` or not, reminder or not, with the link's token
/// marked for sealing.
async fn bodies(
    conn: &mut crate::store::Conn,
    config: &Config,
    c: &CampaignRow,
    join: bool,
    reminder: bool,
) -> Result<super::mail::Rendered, Error> {
    let names = |g: Vec<store::GrantRow>| g.into_iter().map(|g| g.name).collect::<Vec<_>>();
    let mail = InvitationMail {
        brand: config.brand_name.clone(),
        inviter: c.created_by_username.clone(),
        roles: names(store::roles(&mut *conn, &c.pk).await?),
        groups: names(store::groups(&mut *conn, &c.pk).await?),
        expires: c.expires,
        now: time::now(),
        link: invitation_link(&config.public_url, &c.flow_slug, PLACEHOLDER_TOKEN),
    };
    let mut m = super::mail::render_campaign_invitation(
        &mail,
        &CampaignWords {
            subject: &c.email_subject,
            message: &c.email_message,
            join,
            reminder,
        },
    )?;
    m.text = crate::domain::outbox::mark_secret(&m.text, PLACEHOLDER_TOKEN);
    m.html = crate::domain::outbox::mark_secret(&m.html, PLACEHOLDER_TOKEN);
    Ok(m)
}

/// A message to queue for one recipient's invitation.
struct Mailing {
    invitation_pk: String,
    email: String,
    token: String,
    digest: String,
    join: bool,
}

/// Queues the invitation email (or a reminder) for each of `sends` in `tx`, in batches sharing their
/// bodies.
async fn queue(
    tx: &mut Tx,
    config: &Config,
    c: &CampaignRow,
    sends: &[Mailing],
    reminder: bool,
    now: i64,
) -> Result<(), Error> {
    for join in [false, true] {
        let batch: Vec<&Mailing> = sends.iter().filter(|s| s.join == join).collect();
        if batch.is_empty() {
            continue;
        }
        let m = bodies(&mut *tx, config, c, join, reminder).await?;
        let rows: Vec<store::NewMessage> = batch
            .iter()
            .map(|s| {
                let pk = new_uuid();
                store::NewMessage {
                    secret_sealed: super::outbox::seal_secret(&config.secret_key, &pk, &s.token),
                    pk,
                    invitation_pk: s.invitation_pk.clone(),
                    itoken: s.digest.clone(),
                    to_addrs: serde_json::json!([s.email]).to_string(),
                }
            })
            .collect();
        store::insert_messages(
            tx,
            &store::SharedBodies {
                subject: &m.subject,
                text: &m.text,
                html: &m.html,
            },
            now,
            &rows,
        )
        .await?;
    }
    Ok(())
}

/// Applies an import to campaign `key` (pk or name) at `now`, in one transaction: each new row becomes a
/// recipient with an invitation of their own (single use, limited to their exact address, the campaign's
/// flow, expiry, start, roles and groups, their fields merged over its `fixed_data`) and its email in
/// the outbox; duplicates and invalid rows are skipped. `progress(done, total)` is called after each
/// [`IMPORT_STEP`] recipients written (nothing is visible to others until the commit). One event records
/// the import. Returns every row with its verdict.
///
/// # Errors
/// [`Error::NotFound`]; [`Problem::TooManyRows`]; storage errors (nothing is then written).
pub async fn import(
    db: &Db,
    config: &Config,
    who: &Who,
    key: &str,
    rows: Vec<RecipientInput>,
    now: i64,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<Import, Error> {
    let mut tx = db.begin().await?;
    let c = find(&mut tx, key).await?;
    let report = classify_on(&mut tx, &c, rows).await?;
    let defaults: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&c.fixed_data).context("reading a campaign's fixed_data")?;
    let roles: Vec<String> = store::roles(&mut *tx, &c.pk)
        .await?
        .into_iter()
        .map(|g| g.pk)
        .collect();
    let groups: Vec<String> = store::groups(&mut *tx, &c.pk)
        .await?
        .into_iter()
        .map(|g| g.pk)
        .collect();
    let accounts: HashMap<String, i64> = {
        let joins: Vec<String> = report
            .rows
            .iter()
            .filter(|r| matches!(r.verdict, RowVerdict::Join(_)))
            .filter_map(|r| r.email.clone())
            .collect();
        store::accounts_with_emails(&mut tx, &joins)
            .await?
            .into_iter()
            .map(|a| (a.email, a.pk))
            .collect()
    };
    let adds: Vec<&RowReport> = report.rows.iter().filter(|r| r.verdict.adds()).collect();
    let shared = store::SharedFields {
        description: c.name.as_str(),
        flow_pk: &c.flow_pk,
        expires: c.expires,
        not_before: c.not_before,
        created_by: c.created_by,
        created: now,
    };
    let total = adds.len();
    for (step, chunk) in adds.chunks(IMPORT_STEP).enumerate() {
        let mut invitations = Vec::with_capacity(chunk.len());
        let mut recipients = Vec::with_capacity(chunk.len());
        let mut sends = Vec::with_capacity(chunk.len());
        for row in chunk {
            let email = row.email.clone().context("an added row's address")?;
            let pk = new_uuid();
            let (token, digest, sealed) = super::invitations::new_token(&config.secret_key, &pk);
            let fixed_data = recipient_fixed_data(&defaults, &row.input, &email);
            let rule = EmailRule::parse(&email).context("an exact-address rule")?;
            invitations.push(store::NewInvitation {
                name: format!("{}-{}", c.name, &pk.replace('-', "")[..12]),
                fixed_data: serde_json::Value::Object(fixed_data.clone()).to_string(),
                emails: serde_json::to_string(&[rule]).context("encoding email rules")?,
                token: digest.clone(),
                token_sealed: sealed,
                pk: pk.clone(),
            });
            let existing_user_pk = accounts.get(&email).copied();
            recipients.push(store::NewRecipient {
                pk: new_uuid(),
                email: email.clone(),
                name: row.input.name.trim().to_owned(),
                fixed_data: serde_json::Value::Object(fixed_data).to_string(),
                invitation_pk: pk.clone(),
                existing_user_pk,
            });
            sends.push(Mailing {
                invitation_pk: pk,
                email,
                token,
                digest,
                join: existing_user_pk.is_some(),
            });
        }
        store::insert_invitations(&mut tx, &shared, &invitations, &roles, &groups).await?;
        store::insert_recipients(&mut tx, &c.pk, now, &recipients).await?;
        queue(&mut tx, config, &c, &sends, false, now).await?;
        progress((step * IMPORT_STEP + chunk.len()).min(total), total);
    }
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Campaign,
            &c.pk,
            serde_json::json!({
                "model": model_context(Model::Campaign, &c.pk, &c.name),
                "recipients_added": report.counts.added(),
                "new": report.counts.new,
                "join": report.counts.join,
                "duplicate": report.counts.duplicate,
                "invalid": report.counts.invalid,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The invitation token of recipient `r`, opened from its sealed copy.
fn send_of(config: &Config, r: &RecipientRow) -> Option<Mailing> {
    let invitation_pk = r.invitation_pk.clone()?;
    let token = super::invitations::open_token(
        &config.secret_key,
        &invitation_pk,
        r.token_sealed.as_deref(),
    )?;
    Some(Mailing {
        invitation_pk,
        email: r.email.clone(),
        token,
        digest: r.token.clone()?,
        join: r.existing_user_pk.is_some(),
    })
}

/// Sends the invitation email again to every recipient of campaign `key` who has not joined and is not
/// revoked or expired (queued, sent, delivery failed or viewed), in one transaction. Returns how many.
///
/// # Errors
/// [`Error::NotFound`]; storage errors.
pub async fn resend(db: &Db, config: &Config, who: &Who, key: &str) -> Result<usize, Error> {
    let now = time::now();
    let mut tx = db.begin().await?;
    let c = find(&mut tx, key).await?;
    let sends: Vec<Mailing> = store::recipients(&mut *tx, &c.pk)
        .await?
        .iter()
        .filter(|r| RecipientState::compute(&facts(r), now).is_pending())
        .filter_map(|r| send_of(config, r))
        .collect();
    queue(&mut tx, config, &c, &sends, false, now).await?;
    record(
        &mut *tx,
        who.event(
            Action::InvitationSent,
            Model::Campaign,
            &c.pk,
            serde_json::json!({
                "model": model_context(Model::Campaign, &c.pk, &c.name),
                "campaign_name": c.name,
                "recipients": sends.len(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(sends.len())
}

/// Revokes recipient `recipient_pk` of campaign `key`: their invitation is switched off at once.
///
/// # Errors
/// [`Error::NotFound`] (of the campaign or the recipient); storage errors.
pub async fn revoke(db: &Db, who: &Who, key: &str, recipient_pk: &str) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let c = find(&mut tx, key).await?;
    let r = store::recipient(&mut *tx, &c.pk, recipient_pk)
        .await?
        .ok_or(Error::NotFound(Entity::Recipient))?;
    store::revoke(&mut tx, &c.pk, recipient_pk).await?;
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Campaign,
            &c.pk,
            serde_json::json!({
                "model": model_context(Model::Campaign, &c.pk, &c.name),
                "revoked": r.email,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes every recipient of campaign `key` who has not joined. Returns how many were revoked.
///
/// # Errors
/// [`Error::NotFound`]; storage errors.
pub async fn revoke_all(db: &Db, who: &Who, key: &str) -> Result<u64, Error> {
    let mut tx = db.begin().await?;
    let c = find(&mut tx, key).await?;
    let n = store::revoke_pending(&mut tx, &c.pk).await?;
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Campaign,
            &c.pk,
            serde_json::json!({
                "model": model_context(Model::Campaign, &c.pk, &c.name),
                "revoked_all": n,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// The most pending addresses a digest lists.
pub const DIGEST_LIST: usize = 50;

/// Sends the reminders due at `now` (UTC Unix seconds): for each campaign with a schedule, each
/// recipient who has not joined (and is not revoked or expired) whose next reminder fell due gets one
/// reminder email, claimed by a conditional update in the transaction that queues it (never twice, by
/// any instance; a recipient added late gets only the latest due). A campaign with `digest` on then
/// sends its creator one digest of the pending recipients. Returns how many reminders were queued.
///
/// # Errors
/// Storage errors.
pub async fn send_reminders(db: &Db, config: &Config, now: i64) -> Result<u64, Error> {
    let mut n = 0u64;
    for c in store::with_reminders(&db.pool, now).await? {
        let days: Vec<u32> =
            serde_json::from_str(&c.reminder_days).context("reading reminder days")?;
        let mut tx = db.begin().await?;
        let mut sends = Vec::new();
        let mut pending = Vec::new();
        for r in store::recipients(&mut *tx, &c.pk).await? {
            if !RecipientState::compute(&facts(&r), now).is_pending() {
                continue;
            }
            pending.push(r.email.clone());
            let Some(count) = due_reminder(&days, c.expires, now, r.reminders_sent) else {
                continue;
            };
            if !store::claim_reminder(&mut *tx, &r.pk, count).await? {
                continue;
            }
            if let Some(s) = send_of(config, &r) {
                sends.push(s);
            }
        }
        if sends.is_empty() {
            continue;
        }
        queue(&mut tx, config, &c, &sends, true, now).await?;
        if c.digest {
            super::notifications::campaign_digest(
                &mut tx,
                config.into(),
                (&c.created_by_username, &c.created_by_email),
                &c.name,
                &pending,
            )
            .await?;
        }
        record(
            &mut *tx,
            Who::system().event(
                Action::InvitationSent,
                Model::Campaign,
                &c.pk,
                serde_json::json!({
                    "model": model_context(Model::Campaign, &c.pk, &c.name),
                    "campaign_name": c.name,
                    "reminders": sends.len(),
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        n += sends.len() as u64;
    }
    Ok(n)
}
