//! What happens to recipients after their import: resending, revoking, reminders.

use super::mailing::{queue, send_of, Mailing};
use super::{facts, find, Entity, Error};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::campaign::{due_reminder, RecipientState};
use crate::service::audit::{model_context, record};
use crate::service::error::Context;
use crate::service::{time, Config, Db};
use crate::store::campaigns as store;

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
            crate::service::notifications::campaign_digest(
                &mut tx,
                config.into(),
                (c.created_by, &c.created_by_username, &c.created_by_email),
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
