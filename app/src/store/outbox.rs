//! The `outbox` table's email channel: email messages waiting for, undergoing or done with delivery.
//! The table is the job queue ([`super::jobs`]: claiming, retrying, giving up, for every channel); this
//! module writes and reads what only email has, the message in the email columns.
//!
//! A message's `status` is `queued` (due at `next_attempt_at`), `sending` (claimed until
//! `claimed_until`), `sent` or `failed`. Its recipients (`to_addrs`, `cc_addrs`, `bcc_addrs`) are JSON
//! arrays of addresses, read back as [`Addresses`]. Times are UTC Unix seconds.

use super::{DbError, Exec};
use crate::domain::jobs::Channel;
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};

/// A recipient column: a JSON array of addresses, read as a list (an unreadable value reads as none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addresses(pub Vec<String>);

impl From<Addresses> for Vec<String> {
    fn from(a: Addresses) -> Self {
        a.0
    }
}

impl Type<Any> for Addresses {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Addresses {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        Ok(Self(serde_json::from_str(&text).unwrap_or_default()))
    }
}

/// The JSON text a recipient column stores.
fn addresses_json(addrs: &[String]) -> String {
    serde_json::to_string(addrs).unwrap_or_else(|_| "[]".into())
}

/// A message to queue (see [`enqueue`]).
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    /// UUID of the new row.
    pub pk: &'a str,
    /// The invitation it belongs to, if any.
    pub invitation_pk: Option<&'a str>,
    /// The lookup digest of the invitation token the message carries, if it carries a link.
    pub itoken: Option<&'a str>,
    /// Recipients.
    pub to: &'a [String],
    /// Copies.
    pub cc: &'a [String],
    /// Blind copies.
    pub bcc: &'a [String],
    /// Subject line.
    pub subject: &'a str,
    /// Plain-text body.
    pub text: &'a str,
    /// HTML body.
    pub html: &'a str,
    /// When it is queued (also its first due time), UTC Unix seconds.
    pub created: i64,
    /// The secret the bodies carry (a verification code, an invitation token), sealed under the
    /// instance secret; the bodies hold [`SEALED_SECRET_MARK`] in its place until the message is sent
    /// ([`mark_sent`]), and then the words [`SECRET_REMOVED`].
    pub sealed_secret: Option<&'a str>,
    /// Whether `secret` is one-time (a verification code): then it is also blanked when the message
    /// is given up on ([`mark_failed`]), and the message is never resent ([`super::jobs::retry`]). An
    /// invitation link stays in a failed message so that an admin can retry it.
    pub one_time_secret: bool,
}

/// What a delivered (or abandoned) message's stored bodies say where its secret was.
pub const SECRET_REMOVED: &str = "[removed after delivery]";

/// Where a queued message's bodies carry its sealed secret ([`NewMessage::sealed_secret`]).
pub use crate::domain::outbox::SEALED_SECRET_MARK;

/// Inserts a message as a `queued` job of the email channel, due at once, with no attempt yet.
/// Committing `tx` then wakes the email worker.
///
/// # Errors
/// Database errors (a duplicate pk, an unknown invitation).
pub async fn enqueue(tx: &mut super::Tx, m: &NewMessage<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO outbox (pk, channel, invitation_pk, itoken, to_addrs, cc_addrs, bcc_addrs, subject, body_text, body_html, status, attempts, next_attempt_at, created, secret, carried_secret, secret_sealed)
         VALUES ($1, 'email', $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $10, $11, $12, $13)",
    )
    .bind(m.pk)
    .bind(m.invitation_pk)
    .bind(m.itoken)
    .bind(addresses_json(m.to))
    .bind(addresses_json(m.cc))
    .bind(addresses_json(m.bcc))
    .bind(m.subject)
    .bind(m.text)
    .bind(m.html)
    .bind(m.created)
    .bind(m.sealed_secret)
    .bind(super::Flag(m.sealed_secret.is_some() && m.one_time_secret))
    .bind(super::Flag(m.sealed_secret.is_some()))
    .execute(&mut **tx)
    .await?;
    tx.queue_job(Channel::EMAIL);
    Ok(())
}

/// One message as the admin's lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    /// UUID.
    pub pk: String,
    /// The invitation it belongs to, if any.
    pub invitation_pk: Option<String>,
    /// That invitation's name, while it exists.
    pub invitation: Option<String>,
    /// Recipients.
    #[sqlx(try_from = "Addresses")]
    pub to_addrs: Vec<String>,
    /// Copies.
    #[sqlx(try_from = "Addresses")]
    pub cc_addrs: Vec<String>,
    /// Blind copies.
    #[sqlx(try_from = "Addresses")]
    pub bcc_addrs: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// `queued`, `sending`, `sent` or `failed`.
    #[sqlx(try_from = "String")]
    pub status: crate::domain::outbox::OutboxStatus,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The last delivery error, empty when none.
    pub last_error: String,
    /// When it was queued, UTC Unix seconds.
    pub created: i64,
    /// When it was sent, UTC Unix seconds.
    pub sent_at: Option<i64>,
}

impl From<MessageRow> for crate::domain::outbox::Message {
    fn from(m: MessageRow) -> Self {
        Self {
            pk: m.pk,
            invitation_pk: m.invitation_pk,
            invitation: m.invitation,
            to: m.to_addrs,
            cc: m.cc_addrs,
            bcc: m.bcc_addrs,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created: m.created,
            sent_at: m.sent_at,
        }
    }
}

/// Which messages [`messages`] lists.
#[derive(Debug, Clone, Copy)]
pub enum MessageFilter<'a> {
    /// Every message.
    All,
    /// The `failed` ones.
    Failed,
    /// Those of these invitations (at least one pk).
    OfInvitations(&'a [String]),
    /// The one with this pk.
    One(&'a str),
}

/// Messages (jobs of the email channel), newest first (then by pk), at most `limit` when given (a
/// negative limit reads none), each read from its [`MessageRow`].
///
/// # Errors
/// Database errors (a stored status none of the four among them).
pub async fn messages(
    ex: impl Exec<'_>,
    filter: MessageFilter<'_>,
    limit: Option<i64>,
) -> Result<Vec<crate::domain::outbox::Message>, DbError> {
    let filter_sql = match filter {
        MessageFilter::All => String::new(),
        MessageFilter::Failed => " AND o.status = 'failed'".to_owned(),
        MessageFilter::OfInvitations(pks) => format!(
            " AND o.invitation_pk IN ({})",
            super::db::placeholders(1, pks.len())
        ),
        MessageFilter::One(_) => " AND o.pk = $1".to_owned(),
    };
    let limit_sql = limit
        .map(|n| format!(" LIMIT {}", n.max(0)))
        .unwrap_or_default();
    let sql = format!(
        "SELECT o.pk, o.invitation_pk, i.name AS invitation, o.to_addrs, o.cc_addrs, o.bcc_addrs, o.subject, o.status, o.attempts, o.last_error, o.created, o.sent_at
         FROM outbox o LEFT JOIN invitations i ON i.pk = o.invitation_pk WHERE o.channel = 'email'{filter_sql} ORDER BY o.created DESC, o.pk{limit_sql}"
    );
    let mut q = sqlx::query_as::<_, MessageRow>(&sql);
    match filter {
        MessageFilter::OfInvitations(pks) => {
            for pk in pks {
                q = q.bind(pk);
            }
        }
        MessageFilter::One(pk) => q = q.bind(pk),
        MessageFilter::All | MessageFilter::Failed => {}
    }
    let rows = q.fetch_all(ex).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// A message as the email worker sends it (see [`outgoing`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutgoingRow {
    /// Recipients.
    #[sqlx(try_from = "Addresses")]
    pub to_addrs: Vec<String>,
    /// Copies.
    #[sqlx(try_from = "Addresses")]
    pub cc_addrs: Vec<String>,
    /// Blind copies.
    #[sqlx(try_from = "Addresses")]
    pub bcc_addrs: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// The secret its bodies carry: sealed (when `secret_sealed`), or in clear in a row of an
    /// earlier release.
    pub secret: Option<String>,
    /// Whether `secret` is sealed and the bodies hold [`SEALED_SECRET_MARK`].
    #[sqlx(try_from = "super::Flag")]
    pub secret_sealed: bool,
}

/// Email message `pk` as stored, to send it (a job the email worker claimed, [`super::jobs::claim`]);
/// `None` when there is no such message.
///
/// # Errors
/// Database errors.
pub async fn outgoing(ex: impl Exec<'_>, pk: &str) -> Result<Option<OutgoingRow>, DbError> {
    sqlx::query_as(
        "SELECT to_addrs, cc_addrs, bcc_addrs, subject, body_text, body_html, secret, secret_sealed
         FROM outbox WHERE pk = $1 AND channel = 'email'",
    )
    .bind(pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Marks a message `sent` at `sent_at`, releasing its claim, clearing its last error and blanking its
/// secret out of the stored bodies (what [`super::jobs::mark_done`] does for other channels, and the
/// blanking).
///
/// # Errors
/// Database errors.
pub async fn mark_sent(ex: impl Exec<'_>, pk: &str, sent_at: i64) -> Result<(), DbError> {
    // `$1` is SECRET_REMOVED: where the secret was (its mark, or in an earlier release's row the secret
    // itself) both bodies now say so.
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = '',
         body_text = COALESCE(REPLACE(body_text, CASE WHEN secret_sealed = 1 THEN $4 ELSE secret END, $1), body_text),
         body_html = COALESCE(REPLACE(body_html, CASE WHEN secret_sealed = 1 THEN $4 ELSE secret END, $1), body_html),
         secret = NULL WHERE pk = $3")
        .bind(SECRET_REMOVED)
        .bind(sent_at)
        .bind(pk)
        .bind(SEALED_SECRET_MARK)
        .execute(ex)
        .await?;
    Ok(())
}

/// Marks a message `failed` for good at `at` (kept as its `next_attempt_at`), releasing its claim,
/// recording `error` and blanking a one-time secret (a code: nobody will read it now) out of the stored
/// bodies; an invitation link stays for an admin's retry ([`super::jobs::retry`]).
///
/// # Errors
/// Database errors.
pub async fn mark_failed(ex: impl Exec<'_>, pk: &str, at: i64, error: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE outbox SET status = 'failed', next_attempt_at = $2, claimed_until = NULL, last_error = $3,
         body_text = CASE WHEN carried_secret = 1 THEN COALESCE(REPLACE(body_text, CASE WHEN secret_sealed = 1 THEN $5 ELSE secret END, $1), body_text) ELSE body_text END,
         body_html = CASE WHEN carried_secret = 1 THEN COALESCE(REPLACE(body_html, CASE WHEN secret_sealed = 1 THEN $5 ELSE secret END, $1), body_html) ELSE body_html END,
         secret = CASE WHEN carried_secret = 1 THEN NULL ELSE secret END WHERE pk = $4")
        .bind(SECRET_REMOVED)
        .bind(at)
        .bind(error)
        .bind(pk)
        .bind(SEALED_SECRET_MARK)
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes the jobs of every channel done with (`sent` or `failed`) whose last event (`sent_at`, or for
/// a failed one `next_attempt_at`) is before `before`, except invitation messages that carried the current link
/// of an invitation that still exists (their delivery is what proves the link holder; see
/// [`sent_recipients`]). Returns how many were deleted.
///
/// # Errors
/// Database errors.
pub async fn prune(ex: impl Exec<'_>, before: i64) -> Result<u64, DbError> {
    let done = sqlx::query(
        "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, next_attempt_at) < $1
           AND NOT (itoken IS NOT NULL AND EXISTS (SELECT 1 FROM invitations i WHERE i.pk = outbox.invitation_pk AND i.token = outbox.itoken))",
    )
    .bind(before)
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}

/// The recipient lists of one outbox message, each a JSON array of addresses (text).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientsRow {
    /// `To` addresses.
    pub to_addrs: String,
    /// `Cc` addresses.
    pub cc_addrs: String,
    /// `Bcc` addresses.
    pub bcc_addrs: String,
}

/// The recipients of the sent messages of invitation `invitation_pk` that carried the link with `itoken`.
///
/// # Errors
/// Database errors.
pub async fn sent_recipients(
    ex: impl super::Exec<'_>,
    invitation_pk: &str,
    itoken: &str,
) -> Result<Vec<RecipientsRow>, super::DbError> {
    sqlx::query_as(
        "SELECT to_addrs, cc_addrs, bcc_addrs FROM outbox WHERE invitation_pk = $1 AND itoken = $2 AND status = 'sent'",
    )
    .bind(invitation_pk)
    .bind(itoken)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// How many email messages wait to be sent (queued, or claimed and being sent).
///
/// # Errors
/// Database errors.
pub async fn count_waiting(ex: impl Exec<'_>) -> Result<i64, DbError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND status IN ('queued', 'sending')",
    )
    .fetch_one(ex)
    .await
    .map_err(DbError::from)
}

/// A queued or failed message of an earlier release whose secret is stored in clear (see
/// `migrations/0026_outbox_sealed_secret.sql`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LegacySecretRow {
    /// UUID.
    pub pk: String,
    /// The secret, in clear.
    pub secret: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
}

/// Up to `limit` messages not yet delivered (or failed, kept for a retry) whose secret is in clear.
///
/// # Errors
/// Database errors.
pub async fn legacy_secrets(
    ex: impl Exec<'_>,
    limit: i64,
) -> Result<Vec<LegacySecretRow>, DbError> {
    sqlx::query_as(
        "SELECT pk, secret, body_text, body_html FROM outbox
         WHERE secret IS NOT NULL AND secret_sealed = 0 ORDER BY pk LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Stores message `pk`'s secret sealed (`sealed`) and its bodies with the mark in its place, if the
/// secret is still the clear `was`. Returns how many rows changed.
///
/// # Errors
/// Database errors.
pub async fn seal_secret(
    ex: impl Exec<'_>,
    pk: &str,
    was: &str,
    sealed: &str,
    text: &str,
    html: &str,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE outbox SET secret = $1, secret_sealed = 1, body_text = $2, body_html = $3
         WHERE pk = $4 AND secret = $5 AND secret_sealed = 0",
    )
    .bind(sealed)
    .bind(text)
    .bind(html)
    .bind(pk)
    .bind(was)
    .execute(ex)
    .await?
    .rows_affected())
}
