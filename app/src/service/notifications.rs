//! Notifications to an invitation's creator (issue 14 item 6): with the invitation's `notify_creator`
//! on (off by default), its creator is emailed when an account uses it ([`used_in`]), when a message of
//! it is given up on ([`delivery_failed_in`]), and once when it expires unused ([`expired_unused`]).
//! Each notice is an outbox message written in the transaction of what it tells (a use that rolls back
//! sends none), with no invitation of its own, so a notice that fails is never told in turn. A creator
//! without an address gets none.

use super::error::Error;
use super::mail::{render_notice, NoticeKind, NoticeMail};
use super::{time, Config, Db, SecretKey};
use crate::domain::invitation::{Invitation, UseAction};
use crate::store::invitations as store;
use crate::store::Tx;

/// The most expired invitations one [`expired_unused`] round notifies of.
pub const EXPIRED_BATCH: i64 = 100;

/// What a notice is written with: the key the outbox seals with, and this instance's public URL (its
/// link to the dashboard; "" for a relative link).
#[derive(Clone, Copy)]
pub struct Notifier<'a> {
    /// The instance secret.
    pub key: &'a SecretKey,
    /// `USHER_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The brand default language (`USHER_DEFAULT_LOCALE`), for a creator without a preferred one.
    pub locale: crate::i18n::Locale,
}

impl<'a> From<&'a Config> for Notifier<'a> {
    fn from(c: &'a Config) -> Self {
        Self {
            key: &c.secret_key,
            public_url: &c.public_url,
            locale: c.default_locale,
        }
    }
}

fn dashboard(public_url: &str) -> String {
    format!("{}/admin/invitations", public_url.trim_end_matches('/'))
}

/// A creator's display name, else their username.
fn display(name: &str, username: &str) -> String {
    if name.trim().is_empty() {
        username
    } else {
        name
    }
    .to_owned()
}

/// Who a notice goes to: the creator's pk (whose preferred language it is written in), display name
/// and address.
struct Recipient<'a> {
    pk: i64,
    name: String,
    email: &'a str,
}

/// Queues `kind` for the creator `to` of invitation `invitation` in `tx`, in the creator's preferred
/// language (`attributes.settings.locale`, else the brand default; issue 16 item 1).
async fn queue(
    tx: &mut Tx,
    with: Notifier<'_>,
    to: Recipient<'_>,
    invitation: &str,
    kind: NoticeKind,
) -> Result<(), Error> {
    if to.email.trim().is_empty() {
        return Ok(());
    }
    let locale = crate::store::users::attributes(&mut **tx, to.pk)
        .await?
        .and_then(|a| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&a).ok())
        .and_then(|a| crate::i18n::preferred(&a))
        .unwrap_or(with.locale);
    let msg = render_notice(&NoticeMail {
        locale,
        creator: to.name,
        invitation: invitation.to_owned(),
        kind,
        dashboard: dashboard(with.public_url),
        now: time::now(),
    })?;
    super::outbox::enqueue(
        tx,
        with.key,
        None,
        None,
        &[to.email.to_owned()],
        &[],
        &[],
        &msg,
    )
    .await?;
    Ok(())
}

/// Tells `inv`'s creator, in `tx` (the use's own transaction), that account `username` used it, when
/// `inv.notify_creator` is on.
///
/// # Errors
/// [`Error::Internal`] when the notice does not render; database errors.
pub async fn used_in(
    tx: &mut Tx,
    with: Notifier<'_>,
    inv: &Invitation,
    username: &str,
    action: UseAction,
) -> Result<(), Error> {
    if !inv.notify_creator {
        return Ok(());
    }
    queue(
        tx,
        with,
        Recipient {
            pk: inv.created_by.pk,
            name: display(&inv.created_by.name, &inv.created_by.username),
            email: &inv.created_by.email,
        },
        inv.name.as_str(),
        NoticeKind::Used {
            username: username.to_owned(),
            joined: action == UseAction::Joined,
        },
    )
    .await
}

/// Tells the creator of invitation `invitation_pk`, in `tx` (the one that gives the message up), that
/// its message to `to` failed for good with `error`, when the invitation (still exists and) has
/// `notify_creator` on.
///
/// # Errors
/// As [`used_in`].
pub async fn delivery_failed_in(
    tx: &mut Tx,
    with: Notifier<'_>,
    invitation_pk: &str,
    to: Vec<String>,
    error: &str,
) -> Result<(), Error> {
    let Some(row) = store::notice_target(&mut **tx, invitation_pk).await? else {
        return Ok(());
    };
    if !row.notify_creator {
        return Ok(());
    }
    queue(
        tx,
        with,
        Recipient {
            pk: row.creator_pk,
            name: display(&row.creator_name, &row.creator_username),
            email: &row.creator_email,
        },
        &row.name,
        NoticeKind::DeliveryFailed {
            to,
            error: error.to_owned(),
        },
    )
    .await
}

/// Tells the creators of invitations that expired by `now` (UTC Unix seconds) without a use, with
/// `notify_creator` on, once each: every invitation is claimed (`expiry_notified`) by a conditional
/// update in the transaction that queues its notice, so several instances running this at once send
/// one. At most [`EXPIRED_BATCH`] per call; returns how many were notified.
///
/// # Errors
/// Database errors; [`Error::Internal`] when a notice does not render.
pub async fn expired_unused(db: &Db, config: &Config, now: i64) -> Result<u64, Error> {
    let due = store::expired_unnotified(&db.pool, now, EXPIRED_BATCH).await?;
    let mut n = 0;
    for row in due {
        let mut tx = db.begin().await?;
        if store::claim_expiry_notice(&mut *tx, &row.pk).await? == 0 {
            continue;
        }
        queue(
            &mut tx,
            config.into(),
            Recipient {
                pk: row.creator_pk,
                name: display(&row.creator_name, &row.creator_username),
                email: &row.creator_email,
            },
            &row.name,
            NoticeKind::ExpiredUnused {
                expires: row.expires.unwrap_or(now),
            },
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// Queues the digest of campaign `campaign`'s recipients who have not joined (`pending` addresses, the
/// first [`crate::domain::campaign::DIGEST_LIST`] listed) for its creator `(pk, username, email)` in `tx`
/// (issue 15 item 4). A creator without an address gets none.
///
/// # Errors
/// Storage errors; [`Error::Internal`] when the template fails.
pub async fn campaign_digest(
    tx: &mut Tx,
    with: Notifier<'_>,
    (pk, username, email): (i64, &str, &str),
    campaign: &str,
    pending: &[String],
) -> Result<(), Error> {
    queue(
        tx,
        with,
        Recipient {
            pk,
            name: username.to_owned(),
            email,
        },
        campaign,
        NoticeKind::CampaignPending {
            pending: pending.len(),
            listed: pending
                .iter()
                .take(crate::domain::campaign::DIGEST_LIST)
                .cloned()
                .collect(),
        },
    )
    .await
}
