//! Imports: the dry run and the import applied in one transaction.

use super::mailing::{queue, Mailing};
use super::{find, Error};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::campaign::{
    classify, recipient_fixed_data, ImportCounts, RecipientInput, RowReport, RowVerdict,
    MAX_IMPORT_ROWS,
};
use crate::domain::email_rules::EmailRule;
use crate::service::audit::{model_context, record};
use crate::service::error::{Context, Problem};
use crate::service::{Config, Db};
use crate::store::campaigns::{self as store, CampaignRow};
use crate::store::db::new_uuid;
use std::collections::{HashMap, HashSet};

/// Recipients written per step of an import (the progress it reports).
pub const IMPORT_STEP: usize = 1000;

/// A dry run or an applied import: every row with its verdict, and the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The campaign's pk.
    pub campaign_pk: String,
    /// Every row, in the order given.
    pub rows: Vec<RowReport>,
    /// Totals.
    pub counts: ImportCounts,
}

/// Classifies `rows` against campaign `c`'s recipients and the accounts, on `conn`.
async fn classify_on(
    conn: &mut crate::store::Conn,
    c: &CampaignRow,
    rows: Vec<RecipientInput>,
) -> Result<Import, Error> {
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(Error::field("rows", Problem::TooManyRows));
    }
    let existing: HashSet<String> = store::recipient_emails(&mut *conn, &c.pk)
        .await?
        .into_iter()
        .collect();
    let emails: Vec<String> = rows
        .iter()
        .filter_map(|r| crate::domain::email_rules::normalize_email(&r.email))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let accounts: HashMap<String, (i64, String)> = store::accounts_with_emails(&mut *conn, &emails)
        .await?
        .into_iter()
        .map(|a| (a.email, (a.pk, a.username)))
        .collect();
    let rows = classify(
        rows,
        |e| existing.contains(e),
        |e| accounts.get(e).map(|(_, u)| u.clone()),
    );
    Ok(Import {
        campaign_pk: c.pk.clone(),
        counts: ImportCounts::of(&rows),
        rows,
    })
}

/// What an import would do to campaign `key` (pk or name) with `rows`: every row as new, to join (an
/// account has the address), duplicate (already a recipient, or repeated) or invalid with the reason.
/// Writes nothing.
///
/// # Errors
/// [`Error::NotFound`]; [`Problem::TooManyRows`] under `rows`; storage errors.
pub async fn dry_run(db: &Db, key: &str, rows: Vec<RecipientInput>) -> Result<Import, Error> {
    let mut conn = db.pool.acquire().await.map_err(crate::store::Error::from)?;
    let c = find(&mut conn, key).await?;
    classify_on(&mut conn, &c, rows).await
}

/// Applies an import to campaign `key` (pk or name) at `now`, in one transaction: each new row becomes a
/// recipient with an invitation of their own (single use, limited to their exact address, the campaign's
/// flow, expiry, start, roles and groups, their fields merged over its `fixed_data`) and its email in
/// the outbox; duplicates and invalid rows are skipped. `progress(done, total)` is called after each
/// [`IMPORT_STEP`] recipients written (nothing is visible to others until the commit). One event records
/// the import. Returns every row with its verdict.
///
/// # Errors
/// [`Error::NotFound`]; [`Problem::TooManyRows`]; storage errors (nothing is then written).
pub async fn import(
    db: &Db,
    config: &Config,
    who: &Who,
    key: &str,
    rows: Vec<RecipientInput>,
    now: i64,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<Import, Error> {
    let mut tx = db.begin().await?;
    let c = find(&mut tx, key).await?;
    let report = classify_on(&mut tx, &c, rows).await?;
    let defaults: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&c.fixed_data).context("reading a campaign's fixed_data")?;
    let roles: Vec<String> = store::roles(&mut *tx, &c.pk)
        .await?
        .into_iter()
        .map(|g| g.pk)
        .collect();
    let groups: Vec<String> = store::groups(&mut *tx, &c.pk)
        .await?
        .into_iter()
        .map(|g| g.pk)
        .collect();
    let accounts: HashMap<String, i64> = {
        let joins: Vec<String> = report
            .rows
            .iter()
            .filter(|r| matches!(r.verdict, RowVerdict::Join(_)))
            .filter_map(|r| r.email.clone())
            .collect();
        store::accounts_with_emails(&mut tx, &joins)
            .await?
            .into_iter()
            .map(|a| (a.email, a.pk))
            .collect()
    };
    let adds: Vec<&RowReport> = report.rows.iter().filter(|r| r.verdict.adds()).collect();
    let shared = store::SharedFields {
        description: c.name.as_str(),
        flow_pk: &c.flow_pk,
        expires: c.expires,
        not_before: c.not_before,
        created_by: c.created_by,
        created: now,
    };
    let total = adds.len();
    for (step, chunk) in adds.chunks(IMPORT_STEP).enumerate() {
        let mut invitations = Vec::with_capacity(chunk.len());
        let mut recipients = Vec::with_capacity(chunk.len());
        let mut sends = Vec::with_capacity(chunk.len());
        for row in chunk {
            let email = row.email.clone().context("an added row's address")?;
            let pk = new_uuid();
            let (token, digest, sealed) =
                crate::service::invitations::new_token(&config.secret_key, &pk);
            let fixed_data = recipient_fixed_data(&defaults, &row.input, &email);
            let rule = EmailRule::parse(&email).context("an exact-address rule")?;
            invitations.push(store::NewInvitation {
                name: format!("{}-{}", c.name, &pk.replace('-', "")[..12]),
                fixed_data: serde_json::Value::Object(fixed_data.clone()).to_string(),
                emails: serde_json::to_string(&[rule]).context("encoding email rules")?,
                token: digest.clone(),
                token_sealed: sealed,
                pk: pk.clone(),
                locale: row.input.language().map(crate::i18n::Locale::code),
            });
            let existing_user_pk = accounts.get(&email).copied();
            recipients.push(store::NewRecipient {
                pk: new_uuid(),
                email: email.clone(),
                name: row.input.name.trim().to_owned(),
                fixed_data: serde_json::Value::Object(fixed_data).to_string(),
                invitation_pk: pk.clone(),
                existing_user_pk,
            });
            sends.push(Mailing {
                invitation_pk: pk,
                email,
                token,
                digest,
                join: existing_user_pk.is_some(),
                locale: row.input.language(),
            });
        }
        store::insert_invitations(&mut tx, &shared, &invitations, &roles, &groups).await?;
        store::insert_recipients(&mut tx, &c.pk, now, &recipients).await?;
        queue(&mut tx, config, &c, &sends, false, now).await?;
        progress((step * IMPORT_STEP + chunk.len()).min(total), total);
    }
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Campaign,
            &c.pk,
            serde_json::json!({
                "model": model_context(Model::Campaign, &c.pk, &c.name),
                "recipients_added": report.counts.added(),
                "new": report.counts.new,
                "join": report.counts.join,
                "duplicate": report.counts.duplicate,
                "invalid": report.counts.invalid,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}
