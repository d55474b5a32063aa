//! The email channel of the job queue ([`super::jobs`]), the outbox: messages written in the caller's
//! transaction ([`enqueue`]), their codes and links sealed until sent, listed for the admin
//! ([`list_messages`]), queued again after they failed ([`retry`]), and read back for the SMTP worker
//! ([`outgoing`], [`super::delivery::Worker`]).

use super::error::{Error, Refusal};
use super::mail::{Outgoing, Rendered};
use super::{time, Db};
use crate::domain::jobs::Channel;
pub use crate::domain::outbox::Message;
use crate::store::db::new_uuid;
use crate::store::outbox::{self, MessageFilter};
use crate::store::Tx;

/// The invitation link a message carries: its token as given and the token's lookup digest.
#[derive(Debug, Clone, Copy)]
pub struct LinkToken<'a> {
    /// The token in the link.
    pub token: &'a str,
    /// Its lookup digest (`invitations::token_digest`), what the outbox row keeps to tell later who
    /// this link was delivered to.
    pub digest: &'a str,
}

/// The purpose an outbox secret is sealed under ([`super::SecretKey::seal`]; the row's pk is the
/// associated data).
const SECRET_SEAL: &str = "outbox-secret";

/// Writes a message to the outbox inside the caller's transaction. `link` is the invitation link the
/// message carries, if any: the row keeps its digest. The secret it carries (a code in `msg.secret`,
/// which also makes the message one-time, else the link's token) is stored only sealed under `key`,
/// the bodies holding [`crate::domain::outbox::SEALED_SECRET_MARK`] in its place until the worker
/// sends the message (issue 35 item 6). Returns its pk.
///
/// # Errors
/// Database errors.
#[allow(clippy::too_many_arguments)]
pub async fn enqueue(
    tx: &mut Tx,
    key: &super::SecretKey,
    invitation_pk: Option<&str>,
    link: Option<LinkToken<'_>>,
    to: &[String],
    cc: &[String],
    bcc: &[String],
    msg: &Rendered,
) -> Result<String, Error> {
    use crate::domain::outbox::mark_secret;
    let pk = new_uuid();
    let secret = msg.secret.as_deref().or(link.map(|l| l.token));
    let (text, html, sealed) = match secret {
        Some(s) => (
            mark_secret(&msg.text, s),
            mark_secret(&msg.html, s),
            Some(key.seal(SECRET_SEAL, &pk, s)),
        ),
        None => (msg.text.clone(), msg.html.clone(), None),
    };
    outbox::enqueue(
        tx,
        &outbox::NewMessage {
            pk: &pk,
            invitation_pk,
            itoken: link.map(|l| l.digest),
            to,
            cc,
            bcc,
            subject: &msg.subject,
            text: &text,
            html: &html,
            created: time::now(),
            sealed_secret: sealed.as_deref(),
            one_time_secret: msg.secret.is_some(),
        },
    )
    .await?;
    Ok(pk)
}

/// `secret` sealed for outbox message `pk` (what [`enqueue`] stores; [`open_secret`] opens it), for the
/// bulk writes that queue many messages at once (a campaign's import).
pub fn seal_secret(key: &super::SecretKey, pk: &str, secret: &str) -> String {
    key.seal(SECRET_SEAL, pk, secret)
}

/// Outbox messages for the admin, newest first: all of them or only the failed ones, at most `limit`
/// when given. Times are UTC Unix seconds; each edge formats them.
///
/// # Errors
/// Database errors (a corrupt stored status fails the read).
pub async fn list_messages(
    db: &Db,
    only_failed: bool,
    limit: Option<i64>,
) -> Result<Vec<Message>, Error> {
    let filter = if only_failed {
        MessageFilter::Failed
    } else {
        MessageFilter::All
    };
    Ok(outbox::messages(&db.pool, filter, limit).await?)
}

/// The messages of these invitations, newest first (an invitation row shows its own).
///
/// # Errors
/// Database errors.
pub async fn invitation_messages(
    db: &Db,
    invitation_pks: &[String],
) -> Result<Vec<Message>, Error> {
    if invitation_pks.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox::messages(&db.pool, MessageFilter::OfInvitations(invitation_pks), None).await?)
}

/// The secret of outbox message `pk` as stored sealed in its row; `None` when it does not open under
/// `key`.
pub fn open_secret(key: &super::SecretKey, pk: &str, sealed: &str) -> Option<String> {
    key.open(SECRET_SEAL, pk, sealed)
}

/// Seals the secrets of messages queued by earlier releases (stored in clear), a batch at a time;
/// returns how many were sealed. Run at start, before the worker.
///
/// # Errors
/// Database errors.
pub async fn seal_legacy_secrets(db: &Db, key: &super::SecretKey) -> Result<u64, Error> {
    use crate::domain::outbox::mark_secret;
    let mut sealed = 0;
    loop {
        let rows = outbox::legacy_secrets(&db.pool, 200).await?;
        if rows.is_empty() {
            return Ok(sealed);
        }
        let mut tx = db.begin().await?;
        for r in &rows {
            sealed += outbox::seal_secret(
                &mut *tx,
                &r.pk,
                &r.secret,
                &key.seal(SECRET_SEAL, &r.pk, &r.secret),
                &mark_secret(&r.body_text, &r.secret),
                &mark_secret(&r.body_html, &r.secret),
            )
            .await?;
        }
        tx.commit().await?;
    }
}

/// Queues failed message `pk` again, due now, with a new 72 hours (Directory → Outbox, "Retry").
///
/// # Errors
/// [`Refusal::NotRetriable`] when it is not a failed message, or carried a verification code (never
/// resent: the invitee asks for a new one); database errors.
pub async fn retry(db: &Db, pk: &str) -> Result<(), Error> {
    if !super::jobs::retry(db, Channel::EMAIL, pk).await? {
        return Err(Error::Refused(Refusal::NotRetriable));
    }
    Ok(())
}

/// Email message `pk` as the SMTP worker sends it, its sealed secret opened with `key` and put back into
/// its bodies.
///
/// # Errors
/// Why it cannot be sent, as the text its failed attempt records: it is gone, its secret was sealed
/// under another `USHER_SECRET_KEY`, or the database failed.
pub async fn outgoing(db: &Db, key: &super::SecretKey, pk: &str) -> Result<Outgoing, String> {
    use crate::domain::outbox::fill_secret;
    let row = outbox::outgoing(&db.pool, pk)
        .await
        .map_err(|e| format!("reading the message: {e}"))?
        .ok_or_else(|| "the message is no longer in the outbox".to_owned())?;
    let (text, html) = match (&row.secret, row.secret_sealed) {
        (Some(sealed), true) => {
            let secret = open_secret(key, pk, sealed).ok_or_else(|| {
                "its code or link was sealed under another USHER_SECRET_KEY and cannot be opened; send the invitation again".to_owned()
            })?;
            (
                fill_secret(&row.body_text, &secret),
                fill_secret(&row.body_html, &secret),
            )
        }
        _ => (row.body_text, row.body_html),
    };
    Ok(Outgoing {
        to: row.to_addrs,
        cc: row.cc_addrs,
        bcc: row.bcc_addrs,
        subject: row.subject,
        text,
        html,
    })
}
