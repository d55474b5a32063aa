//! The `campaigns`, `campaign_roles`, `campaign_groups` and `campaign_recipients` tables
//! (`migrations/0034_campaigns.sql`), and the bulk writes of an import: its recipients' invitations,
//! their grants, the recipients and their messages, many rows per statement. Times are UTC Unix seconds.

mod bulk;

pub use bulk::*;

use super::{Conn, DbError, Exec, Flag};

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CampaignRow {
    /// UUID.
    pub pk: String,
    /// Unique slug.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The flow's pk.
    pub flow_pk: String,
    /// The flow's slug (joined).
    pub flow_slug: String,
    /// Expiry of its invitations.
    pub expires: Option<i64>,
    /// Start of its invitations.
    pub not_before: Option<i64>,
    /// Defaults of the recipients' `fixed_data`, JSON text.
    pub fixed_data: String,
    /// Subject override, '' for the default.
    pub email_subject: String,
    /// Message added to the email, may be ''.
    pub email_message: String,
    /// JSON array of days before expiry.
    pub reminder_days: String,
    /// Whether the creator gets a digest when reminders go out.
    #[sqlx(try_from = "Flag")]
    pub digest: bool,
    /// The creator's pk.
    pub created_by: i64,
    /// The creator's username (joined).
    pub created_by_username: String,
    /// The creator's email (joined).
    pub created_by_email: String,
    /// Creation time.
    pub created: i64,
}

/// The stored fields of a campaign's definition.
#[derive(Debug, Clone, Copy)]
pub struct CampaignFields<'a> {
    /// Slug.
    pub name: &'a str,
    /// Free text.
    pub description: &'a str,
    /// Flow pk.
    pub flow_pk: &'a str,
    /// Expiry.
    pub expires: Option<i64>,
    /// Start.
    pub not_before: Option<i64>,
    /// JSON object text.
    pub fixed_data: &'a str,
    /// Subject override.
    pub email_subject: &'a str,
    /// Message.
    pub email_message: &'a str,
    /// JSON array text.
    pub reminder_days: &'a str,
    /// Digest switch.
    pub digest: bool,
}

const SELECT_CAMPAIGN: &str = "SELECT c.pk, c.name, c.description, c.flow_pk, f.slug AS flow_slug, c.expires, c.not_before, c.fixed_data, c.email_subject, c.email_message, c.reminder_days, c.digest, c.created_by, u.username AS created_by_username, u.email AS created_by_email, c.created
     FROM campaigns c JOIN flows f ON f.pk = c.flow_pk JOIN users u ON u.pk = c.created_by";

/// Inserts a campaign.
///
/// # Errors
/// [`DbError::Conflict`] for a taken name; other database errors.
pub async fn insert(
    ex: impl Exec<'_>,
    pk: &str,
    f: &CampaignFields<'_>,
    created_by: i64,
    created: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO campaigns (pk, name, description, flow_pk, expires, not_before, fixed_data, email_subject, email_message, reminder_days, digest, created_by, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(pk)
    .bind(f.name)
    .bind(f.description)
    .bind(f.flow_pk)
    .bind(f.expires)
    .bind(f.not_before)
    .bind(f.fixed_data)
    .bind(f.email_subject)
    .bind(f.email_message)
    .bind(f.reminder_days)
    .bind(Flag(f.digest))
    .bind(created_by)
    .bind(created)
    .execute(ex)
    .await?;
    Ok(())
}

/// Overwrites campaign `pk`'s definition; returns the rows changed (0 when there is none).
///
/// # Errors
/// [`DbError::Conflict`] for a taken name; other database errors.
pub async fn update(ex: impl Exec<'_>, pk: &str, f: &CampaignFields<'_>) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE campaigns SET name = $1, description = $2, flow_pk = $3, expires = $4, not_before = $5, fixed_data = $6,
         email_subject = $7, email_message = $8, reminder_days = $9, digest = $10 WHERE pk = $11",
    )
    .bind(f.name)
    .bind(f.description)
    .bind(f.flow_pk)
    .bind(f.expires)
    .bind(f.not_before)
    .bind(f.fixed_data)
    .bind(f.email_subject)
    .bind(f.email_message)
    .bind(f.reminder_days)
    .bind(Flag(f.digest))
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Replaces campaign `pk`'s roles and groups (pks); run it in a transaction.
///
/// # Errors
/// Database errors.
pub async fn replace_grants(
    conn: &mut Conn,
    pk: &str,
    roles: &[String],
    groups: &[String],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM campaign_roles WHERE campaign_pk = $1")
        .bind(pk)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM campaign_groups WHERE campaign_pk = $1")
        .bind(pk)
        .execute(&mut *conn)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO campaign_roles (campaign_pk, role_pk) VALUES ($1, $2)")
            .bind(pk)
            .bind(role)
            .execute(&mut *conn)
            .await?;
    }
    for group in groups {
        sqlx::query("INSERT INTO campaign_groups (campaign_pk, group_pk) VALUES ($1, $2)")
            .bind(pk)
            .bind(group)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Campaign `pk`.
///
/// # Errors
/// Database errors.
pub async fn by_pk(ex: impl Exec<'_>, pk: &str) -> Result<Option<CampaignRow>, DbError> {
    Ok(
        sqlx::query_as(&format!("{SELECT_CAMPAIGN} WHERE c.pk = $1"))
            .bind(pk)
            .fetch_optional(ex)
            .await?,
    )
}

/// The campaign named `name`.
///
/// # Errors
/// Database errors.
pub async fn by_name(ex: impl Exec<'_>, name: &str) -> Result<Option<CampaignRow>, DbError> {
    Ok(
        sqlx::query_as(&format!("{SELECT_CAMPAIGN} WHERE c.name = $1"))
            .bind(name)
            .fetch_optional(ex)
            .await?,
    )
}

/// Every campaign, newest first.
///
/// # Errors
/// Database errors.
pub async fn all(ex: impl Exec<'_>) -> Result<Vec<CampaignRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_CAMPAIGN} ORDER BY c.created DESC, c.name"
    ))
    .fetch_all(ex)
    .await?)
}

/// Deletes campaign `pk` and its recipients (their invitations are deleted by the service first).
///
/// # Errors
/// Database errors.
pub async fn delete(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query("DELETE FROM campaigns WHERE pk = $1")
        .bind(pk)
        .execute(ex)
        .await?
        .rows_affected())
}

/// A role or group a campaign grants: pk and name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GrantRow {
    /// pk.
    pub pk: String,
    /// Name.
    pub name: String,
}

/// The roles campaign `pk` grants, by name.
///
/// # Errors
/// Database errors.
pub async fn roles(ex: impl Exec<'_>, pk: &str) -> Result<Vec<GrantRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT r.pk, r.name FROM campaign_roles c JOIN directory_roles r ON r.pk = c.role_pk WHERE c.campaign_pk = $1 ORDER BY r.name",
    )
    .bind(pk)
    .fetch_all(ex)
    .await?)
}

/// The groups campaign `pk` grants, by name.
///
/// # Errors
/// Database errors.
pub async fn groups(ex: impl Exec<'_>, pk: &str) -> Result<Vec<GrantRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT g.pk, g.name FROM campaign_groups c JOIN directory_groups g ON g.pk = c.group_pk WHERE c.campaign_pk = $1 ORDER BY g.name",
    )
    .bind(pk)
    .fetch_all(ex)
    .await?)
}

/// The normalised addresses of campaign `pk`'s recipients.
///
/// # Errors
/// Database errors.
pub async fn recipient_emails(ex: impl Exec<'_>, pk: &str) -> Result<Vec<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT email FROM campaign_recipients WHERE campaign_pk = $1")
            .bind(pk)
            .fetch_all(ex)
            .await?,
    )
}

/// An account that has one of the addresses asked about.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRow {
    /// Its normalised address.
    pub email: String,
    /// pk.
    pub pk: i64,
    /// Username.
    pub username: String,
}

/// The accounts whose (normalised) address is one of `emails`, 500 addresses per statement.
///
/// # Errors
/// Database errors.
pub async fn accounts_with_emails(
    conn: &mut Conn,
    emails: &[String],
) -> Result<Vec<AccountRow>, DbError> {
    let mut out = Vec::new();
    for chunk in emails.chunks(500) {
        let sql = format!(
            "SELECT email, pk, username FROM users WHERE email IN ({})",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as(&sql);
        for e in chunk {
            q = q.bind(e);
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// `$from, $from+1, …` for `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
/// A recipient with what their state is computed from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecipientRow {
    /// UUID.
    pub pk: String,
    /// The campaign's pk.
    pub campaign_pk: String,
    /// Normalised address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The merged `fixed_data`, JSON text.
    pub fixed_data: String,
    /// Their invitation, `None` once deleted.
    pub invitation_pk: Option<String>,
    /// Their invitation's name.
    pub invitation_name: Option<String>,
    /// The account that had the address when they were added.
    pub existing_user_pk: Option<i64>,
    /// Its username.
    pub existing_username: Option<String>,
    /// Revoked.
    #[sqlx(try_from = "Flag")]
    pub revoked: bool,
    /// Reminders sent.
    pub reminders_sent: i64,
    /// Added at.
    pub created: i64,
    /// Their invitation's uses (0 without one).
    pub uses: i64,
    /// Their invitation's expiry.
    pub expires: Option<i64>,
    /// The status of the latest message of their invitation.
    pub last_status: Option<String>,
    /// Messages of it delivered.
    pub sent_count: i64,
    /// Times their link was opened.
    pub views: i64,
    /// Their invitation token's lookup digest.
    pub token: Option<String>,
    /// Their invitation token, sealed.
    pub token_sealed: Option<String>,
    /// Their invitation's language code, if it names one.
    pub locale: Option<String>,
}

const SELECT_RECIPIENT: &str = "SELECT r.pk, r.campaign_pk, r.email, r.name, r.fixed_data, r.invitation_pk, i.name AS invitation_name, r.existing_user_pk, u.username AS existing_username, r.revoked, r.reminders_sent, r.created,
            COALESCE(i.uses, 0) AS uses, i.expires,
            (SELECT o.status FROM outbox o WHERE o.invitation_pk = r.invitation_pk AND o.channel = 'email' ORDER BY o.created DESC, o.pk DESC LIMIT 1) AS last_status,
            (SELECT COUNT(*) FROM outbox o WHERE o.invitation_pk = r.invitation_pk AND o.channel = 'email' AND o.status = 'sent') AS sent_count,
            COALESCE(v.view_count, 0) AS views, i.token, i.token_sealed, i.locale
     FROM campaign_recipients r
     LEFT JOIN invitations i ON i.pk = r.invitation_pk
     LEFT JOIN users u ON u.pk = r.existing_user_pk
     LEFT JOIN invitation_views v ON v.invitation_pk = r.invitation_pk";

/// Every recipient of campaign `pk`, in the order they were added.
///
/// # Errors
/// Database errors.
pub async fn recipients(ex: impl Exec<'_>, pk: &str) -> Result<Vec<RecipientRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_RECIPIENT} WHERE r.campaign_pk = $1 ORDER BY r.created, r.email"
    ))
    .bind(pk)
    .fetch_all(ex)
    .await?)
}

/// Recipient `pk` of campaign `campaign_pk`.
///
/// # Errors
/// Database errors.
pub async fn recipient(
    ex: impl Exec<'_>,
    campaign_pk: &str,
    pk: &str,
) -> Result<Option<RecipientRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_RECIPIENT} WHERE r.campaign_pk = $1 AND r.pk = $2"
    ))
    .bind(campaign_pk)
    .bind(pk)
    .fetch_optional(ex)
    .await?)
}

/// Marks recipient `pk` revoked and switches their invitation off; returns whether a recipient changed.
///
/// # Errors
/// Database errors.
pub async fn revoke(conn: &mut Conn, campaign_pk: &str, pk: &str) -> Result<bool, DbError> {
    let changed = sqlx::query(
        "UPDATE campaign_recipients SET revoked = 1 WHERE campaign_pk = $1 AND pk = $2 AND revoked = 0",
    )
    .bind(campaign_pk)
    .bind(pk)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE invitations SET enabled = 0 WHERE pk = (SELECT invitation_pk FROM campaign_recipients WHERE campaign_pk = $1 AND pk = $2)",
    )
    .bind(campaign_pk)
    .bind(pk)
    .execute(&mut *conn)
    .await?;
    Ok(changed > 0)
}

/// Revokes every recipient of campaign `campaign_pk` who has not joined (their invitation unused) and
/// switches their invitations off; returns how many were revoked.
///
/// # Errors
/// Database errors.
pub async fn revoke_pending(conn: &mut Conn, campaign_pk: &str) -> Result<u64, DbError> {
    sqlx::query(
        "UPDATE invitations SET enabled = 0 WHERE uses = 0 AND pk IN (SELECT invitation_pk FROM campaign_recipients WHERE campaign_pk = $1 AND revoked = 0)",
    )
    .bind(campaign_pk)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query(
        "UPDATE campaign_recipients SET revoked = 1 WHERE campaign_pk = $1 AND revoked = 0
           AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.pk = campaign_recipients.invitation_pk AND i.uses > 0)",
    )
    .bind(campaign_pk)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Deletes the invitations of campaign `campaign_pk`'s recipients; returns how many.
///
/// # Errors
/// Database errors.
pub async fn delete_invitations(ex: impl Exec<'_>, campaign_pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "DELETE FROM invitations WHERE pk IN (SELECT invitation_pk FROM campaign_recipients WHERE campaign_pk = $1)",
    )
    .bind(campaign_pk)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Campaigns with reminders whose invitations have not expired at `now`.
///
/// # Errors
/// Database errors.
pub async fn with_reminders(ex: impl Exec<'_>, now: i64) -> Result<Vec<CampaignRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_CAMPAIGN} WHERE c.reminder_days <> '[]' AND c.expires IS NOT NULL AND c.expires > $1 ORDER BY c.created"
    ))
    .bind(now)
    .fetch_all(ex)
    .await?)
}

/// Claims reminder number `count` for recipient `pk`: sets `reminders_sent` to `count` when it was
/// lower; returns whether this caller claimed it (another transaction or instance did otherwise).
///
/// # Errors
/// Database errors.
pub async fn claim_reminder(ex: impl Exec<'_>, pk: &str, count: i64) -> Result<bool, DbError> {
    Ok(sqlx::query(
        "UPDATE campaign_recipients SET reminders_sent = $1 WHERE pk = $2 AND reminders_sent < $1 AND revoked = 0",
    )
    .bind(count)
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected()
        == 1)
}
