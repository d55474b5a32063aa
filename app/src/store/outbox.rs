//! Storage of outbox.

// --- added by store-h2 ---

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
}
