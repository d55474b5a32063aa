//! What an invitation's reminders read and claim (`migrations/0035_invitation_reminders.sql`).

use crate::store::{DbError, Exec};

/// An invitation whose reminders may fall due: enabled, not expired, not used up, with a schedule.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReminderRow {
    /// UUID.
    pub pk: String,
    /// Name.
    pub name: String,
    /// Expiry, UTC Unix seconds.
    pub expires: Option<i64>,
    /// JSON array of days before expiry.
    pub reminder_days: String,
    /// Reminders sent so far.
    pub reminders_sent: i64,
    /// The lookup digest of its token.
    pub token: String,
}

/// Invitations with a reminder schedule that are enabled, unexpired at `now` and not used up.
///
/// # Errors
/// Database errors.
pub async fn with_reminders(ex: impl Exec<'_>, now: i64) -> Result<Vec<ReminderRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT pk, name, expires, reminder_days, reminders_sent, token FROM invitations
         WHERE reminder_days <> '[]' AND enabled = 1 AND expires IS NOT NULL AND expires > $1
           AND (quota IS NULL OR uses < quota) ORDER BY created",
    )
    .bind(now)
    .fetch_all(ex)
    .await?)
}

/// The `to_addrs` (JSON arrays) of the email messages of invitation `pk` that carried its current token
/// (`digest`) and were delivered.
///
/// # Errors
/// Database errors.
pub async fn delivered_to(
    ex: impl Exec<'_>,
    pk: &str,
    digest: &str,
) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT to_addrs FROM outbox WHERE invitation_pk = $1 AND itoken = $2 AND channel = 'email' AND status = 'sent'",
    )
    .bind(pk)
    .bind(digest)
    .fetch_all(ex)
    .await?)
}

/// The addresses of the accounts that used invitation `pk` (its ledger).
///
/// # Errors
/// Database errors.
pub async fn used_by_emails(ex: impl Exec<'_>, pk: &str) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT u.email FROM invitation_uses l JOIN users u ON u.pk = l.user_pk WHERE l.invitation_pk = $1",
    )
    .bind(pk)
    .fetch_all(ex)
    .await?)
}

/// Claims reminder number `count` of invitation `pk`: sets `reminders_sent` to `count` when it was lower;
/// returns whether this caller claimed it.
///
/// # Errors
/// Database errors.
pub async fn claim_reminder(ex: impl Exec<'_>, pk: &str, count: i64) -> Result<bool, DbError> {
    Ok(sqlx::query(
        "UPDATE invitations SET reminders_sent = $1 WHERE pk = $2 AND reminders_sent < $1",
    )
    .bind(count)
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected()
        == 1)
}
