//! An import's bulk writes: its recipients' invitations, their grants, the recipients and their
//! messages, [`BATCH`] rows per statement.

use super::placeholders;
use crate::store::{Conn, DbError};

/// Rows per multi-row statement: within SQLite's 32,766 and PostgreSQL's 65,535 bound values.
const BATCH: usize = 400;

/// One recipient's new invitation: single use, limited to the recipient's address, made from the
/// campaign's definition.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// UUID.
    pub pk: String,
    /// Unique slug.
    pub name: String,
    /// `fixed_data` JSON text.
    pub fixed_data: String,
    /// `emails` JSON text (the one exact-address rule).
    pub emails: String,
    /// The token's lookup digest.
    pub token: String,
    /// The token sealed.
    pub token_sealed: String,
    /// The recipient's language code, if their row names one.
    pub locale: Option<&'static str>,
}

/// What the recipients' invitations share.
#[derive(Debug, Clone, Copy)]
pub struct SharedFields<'a> {
    /// Description (the campaign's name).
    pub description: &'a str,
    /// Flow pk.
    pub flow_pk: &'a str,
    /// Expiry.
    pub expires: Option<i64>,
    /// Start.
    pub not_before: Option<i64>,
    /// The creator.
    pub created_by: i64,
    /// Creation time.
    pub created: i64,
}

/// Inserts the recipients' invitations (single use, quota 1, enabled), [`BATCH`] per statement, and
/// grants each the roles and groups (pks).
///
/// # Errors
/// Database errors (a taken name or token).
pub async fn insert_invitations(
    conn: &mut Conn,
    shared: &SharedFields<'_>,
    rows: &[NewInvitation],
    roles: &[String],
    groups: &[String],
) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO invitations (pk, name, fixed_data, emails, token, token_sealed, locale, description, flow_pk, expires, not_before, created_by, created, single_use, quota, uses, enabled, notify_creator) VALUES {}",
            (0..chunk.len())
                .map(|r| format!(
                    "({}, $1, $2, $3, $4, $5, $6, 1, 1, 0, 1, 0)",
                    placeholders(7 + r * 7, 7)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(shared.description)
            .bind(shared.flow_pk)
            .bind(shared.expires)
            .bind(shared.not_before)
            .bind(shared.created_by)
            .bind(shared.created);
        for r in chunk {
            q = q
                .bind(&r.pk)
                .bind(&r.name)
                .bind(&r.fixed_data)
                .bind(&r.emails)
                .bind(&r.token)
                .bind(&r.token_sealed)
                .bind(r.locale);
        }
        q.execute(&mut *conn).await?;
    }
    for (table, column, pks) in [
        ("invitation_roles", "role_pk", roles),
        ("invitation_groups", "group_pk", groups),
    ] {
        for grant in pks {
            for chunk in rows.chunks(BATCH) {
                let sql = format!(
                    "INSERT INTO {table} (invitation_pk, {column}) VALUES {}",
                    (0..chunk.len())
                        .map(|r| format!("(${}, $1)", r + 2))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let mut q = sqlx::query(&sql).bind(grant);
                for r in chunk {
                    q = q.bind(&r.pk);
                }
                q.execute(&mut *conn).await?;
            }
        }
    }
    Ok(())
}

/// A new recipient row.
#[derive(Debug, Clone)]
pub struct NewRecipient {
    /// UUID.
    pub pk: String,
    /// Normalised address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The merged `fixed_data`, JSON text.
    pub fixed_data: String,
    /// Their invitation.
    pub invitation_pk: String,
    /// The account that already has the address.
    pub existing_user_pk: Option<i64>,
}

/// Inserts recipients of campaign `campaign_pk`, [`BATCH`] per statement.
///
/// # Errors
/// Database errors (an address already a recipient).
pub async fn insert_recipients(
    conn: &mut Conn,
    campaign_pk: &str,
    created: i64,
    rows: &[NewRecipient],
) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO campaign_recipients (campaign_pk, created, pk, email, name, fixed_data, invitation_pk, existing_user_pk) VALUES {}",
            (0..chunk.len())
                .map(|r| format!("($1, $2, {})", placeholders(3 + r * 6, 6)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(&sql).bind(campaign_pk).bind(created);
        for r in chunk {
            q = q
                .bind(&r.pk)
                .bind(&r.email)
                .bind(&r.name)
                .bind(&r.fixed_data)
                .bind(&r.invitation_pk)
                .bind(r.existing_user_pk);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A new message of a recipient's invitation: bodies shared by every message of the batch (their secret
/// marked), its own recipient, token digest and sealed secret (the link's token).
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// UUID.
    pub pk: String,
    /// The invitation it carries.
    pub invitation_pk: String,
    /// The link token's digest.
    pub itoken: String,
    /// The recipient, as the `to_addrs` JSON array text.
    pub to_addrs: String,
    /// The link's token, sealed under the message's pk.
    pub secret_sealed: String,
}

/// The bodies the messages of a batch share.
#[derive(Debug, Clone, Copy)]
pub struct SharedBodies<'a> {
    /// Subject.
    pub subject: &'a str,
    /// Text with the secret marked.
    pub text: &'a str,
    /// HTML with the secret marked.
    pub html: &'a str,
}

/// Queues messages as `queued` jobs of the email channel, due at `created`, [`BATCH`] per statement;
/// committing wakes the email worker.
///
/// # Errors
/// Database errors.
pub async fn insert_messages(
    tx: &mut crate::store::Tx,
    bodies: &SharedBodies<'_>,
    created: i64,
    rows: &[NewMessage],
) -> Result<(), DbError> {
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO outbox (subject, body_text, body_html, next_attempt_at, created, pk, invitation_pk, itoken, to_addrs, secret, channel, cc_addrs, bcc_addrs, status, attempts, carried_secret, secret_sealed) VALUES {}",
            (0..chunk.len())
                .map(|r| format!(
                    "($1, $2, $3, $4, $4, {}, 'email', '[]', '[]', 'queued', 0, 0, 1)",
                    placeholders(5 + r * 5, 5)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(bodies.subject)
            .bind(bodies.text)
            .bind(bodies.html)
            .bind(created);
        for r in chunk {
            q = q
                .bind(&r.pk)
                .bind(&r.invitation_pk)
                .bind(&r.itoken)
                .bind(&r.to_addrs)
                .bind(&r.secret_sealed);
        }
        q.execute(&mut **tx).await?;
    }
    if !rows.is_empty() {
        tx.queue_job(crate::domain::jobs::Channel::EMAIL);
    }
    Ok(())
}
