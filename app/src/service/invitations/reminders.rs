//! Reminders of an invitation (issue 15 item 4): with a schedule (`reminder_days`, e.g. `[7, 1]`: 7 days
//! and 1 day before expiry; none by default), each reminder that falls due goes once to every address the
//! invitation's link was delivered to whose account has not used it. A campaign's invitations have none of
//! their own: their campaign reminds ([`crate::service::campaigns::send_reminders`]).

use super::write::{invitation_mail, record_sent};
use crate::domain::audit::Who;
use crate::domain::campaign::due_reminder;
use crate::domain::email_rules::normalize_email;
use crate::service::error::{Context, Error};
use crate::service::mail::{render_campaign_invitation, CampaignWords};
use crate::service::{Config, Db};
use crate::store::invitations as store;
use std::collections::{BTreeSet, HashSet};

/// Sends the invitations' reminders due at `now` (UTC Unix seconds). Each is claimed by a conditional
/// update of the invitation's `reminders_sent` in the transaction that queues its messages, so none is
/// sent twice, by any instance; an invitation whose reminder fell due while nobody was pending claims it
/// all the same. Returns how many messages were queued.
///
/// # Errors
/// Storage errors; [`Error::Internal`] for a corrupt schedule or a template that fails.
pub async fn send_reminders(db: &Db, config: &Config, now: i64) -> Result<u64, Error> {
    let mut n = 0u64;
    for inv in store::with_reminders(&db.pool, now).await? {
        let days: Vec<u32> =
            serde_json::from_str(&inv.reminder_days).context("reading reminder days")?;
        let Some(count) = due_reminder(&days, inv.expires, now, inv.reminders_sent) else {
            continue;
        };
        let mut tx = db.begin().await?;
        if !store::claim_reminder(&mut *tx, &inv.pk, count).await? {
            continue;
        }
        let used: HashSet<String> = store::used_by_emails(&mut *tx, &inv.pk)
            .await?
            .iter()
            .filter_map(|e| normalize_email(e))
            .collect();
        let mut pending = BTreeSet::new();
        for list in store::delivered_to(&mut *tx, &inv.pk, &inv.token).await? {
            let addresses: Vec<String> =
                serde_json::from_str(&list).context("reading a message's recipients")?;
            pending.extend(
                addresses
                    .iter()
                    .filter_map(|a| normalize_email(a))
                    .filter(|a| !used.contains(a)),
            );
        }
        if !pending.is_empty() {
            let (mail, link) = invitation_mail(&mut tx, config, &inv.pk).await?;
            let msg = render_campaign_invitation(
                &mail,
                &CampaignWords {
                    reminder: true,
                    ..Default::default()
                },
            )?;
            for to in &pending {
                let to = [to.clone()];
                let message = crate::service::outbox::enqueue(
                    &mut tx,
                    &config.secret_key,
                    Some(&inv.pk),
                    Some(link.as_ref()),
                    &to,
                    &[],
                    &[],
                    &msg,
                )
                .await?;
                record_sent(&mut tx, &Who::system(), (&inv.pk, &inv.name), &message, &to).await?;
            }
        }
        tx.commit().await?;
        n += pending.len() as u64;
    }
    Ok(n)
}
