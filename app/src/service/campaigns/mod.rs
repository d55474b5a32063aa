//! Campaigns (issue 15 items 1-4): a definition (flow, expiry, start, roles, groups, `fixed_data`
//! defaults, the email's words, a reminder schedule) fanned out to recipients, each with an invitation
//! of their own: single use, limited to the recipient's exact address (so Usher's delivery of its link
//! proves the address, the rule of the invitee journeys), with the recipient's fields merged over the
//! campaign's `fixed_data`. Imports are checked first ([`dry_run`]: nothing is written) and applied in
//! one transaction ([`import`]): a crash or `kill -9` in the middle leaves no half-imported campaign.
//! Reminders ([`send_reminders`]) are claimed per recipient by a conditional update in the transaction
//! that queues them, so none is sent twice, by any instance.

mod import;
mod mailing;
mod recipients;

pub use import::*;
pub use recipients::*;

use super::error::{Context, Entity, Error, Problem};
use super::{time, Db};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::campaign::{
    count_states, CampaignDraft, CampaignError, CampaignView, MessageFact, RecipientFacts,
    RecipientState, RecipientView,
};
use crate::service::audit::{model_context, record};
use crate::store::campaigns::{self as store, CampaignRow, RecipientRow};
use crate::store::db::new_uuid;
use crate::store::{is_unique_violation, Tx};

/// The flow a campaign gets when its draft names none.
pub const DEFAULT_FLOW_SLUG: &str = super::references::DEFAULT_FLOW_SLUG;

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
    let r =
        super::references::resolve(tx, draft.flow.as_deref(), &draft.roles, &draft.groups).await?;
    if r.flow_pk.is_none() {
        errors.push(CampaignError::Flow);
    }
    errors.extend(r.unknown_roles.into_iter().map(CampaignError::UnknownRole));
    errors.extend(
        r.unknown_groups
            .into_iter()
            .map(CampaignError::UnknownGroup),
    );
    match r.flow_pk {
        Some(flow_pk) if errors.is_empty() => Ok(Resolved {
            flow_pk,
            roles: r.roles,
            groups: r.groups,
        }),
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

pub(super) fn facts(r: &RecipientRow) -> RecipientFacts {
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
pub(super) async fn find(conn: &mut crate::store::Conn, key: &str) -> Result<CampaignRow, Error> {
    match store::by_pk(&mut *conn, key).await? {
        Some(c) => Ok(c),
        None => store::by_name(&mut *conn, key)
            .await?
            .ok_or(Error::NotFound(Entity::Campaign)),
    }
}
