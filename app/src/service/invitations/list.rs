//! The dashboard's list of invitations and one expanded row, read in SQL a page at a time.

use super::token::open_token;
use super::{decode_stored, not_found};
use crate::domain::email_rules::EmailRule;
use crate::domain::invitation::{invitation_link, InvitationStatus, UseAction};
use crate::error::AppError;
use crate::model::{InvitationSort, InvitationView, LedgerEntry};
use crate::service::{time, Db};
use crate::store::invitations::{self as store, Grant, InvitationListRow};
use crate::store::invitations::{ListQuery, OrderField};
use std::collections::HashMap;

pub use crate::model::DASHBOARD_PAGE_SIZE;

/// The dashboard's query: the invitations whose name contains `search` (case-insensitively; empty =
/// all), in `sort` order with ties by name, page `page` (0-based) of [`DASHBOARD_PAGE_SIZE`] rows.
pub fn dashboard_query(search: &str, sort: InvitationSort, page: u64) -> ListQuery {
    let first = match sort {
        InvitationSort::CreatedDesc => (OrderField::Created, true),
        InvitationSort::CreatedAsc => (OrderField::Created, false),
        InvitationSort::ExpiresAsc => (OrderField::Expires, false),
        InvitationSort::ExpiresDesc => (OrderField::Expires, true),
    };
    ListQuery {
        name_contains: Some(search.trim().to_owned()),
        order: vec![first, (OrderField::Name, false)],
        offset: page.saturating_mul(DASHBOARD_PAGE_SIZE),
        limit: DASHBOARD_PAGE_SIZE,
        ..ListQuery::default()
    }
}

/// One page of the dashboard's invitation table ([`dashboard_query`]), run in SQL. The rows carry
/// their counts of enrolled accounts and messages, not the ledger and messages themselves: [`get`]
/// reads those when a row is expanded.
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored value does not decode.
pub async fn list(
    db: &Db,
    config: &crate::service::Config,
    search: &str,
    sort: InvitationSort,
    page: u64,
) -> Result<Vec<InvitationView>, AppError> {
    list_page(db, config, &dashboard_query(search, sort, page)).await
}

/// How many invitations a list query matches (for DRF's pagination), counted in SQL.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, q: &ListQuery) -> Result<u64, AppError> {
    Ok(u64::try_from(store::count(&db.pool, db.backend, q).await?).unwrap_or(0))
}

/// One page of invitations: filtered, searched, ordered and windowed in SQL; only the page's rows are
/// then read with their grants (not their ledger and messages: see [`get`]).
///
/// # Errors
/// Database errors; [`AppError::Internal`] when a stored value does not decode.
pub async fn list_page(
    db: &Db,
    config: &crate::service::Config,
    q: &ListQuery,
) -> Result<Vec<InvitationView>, AppError> {
    let pks = store::page_pks(&db.pool, db.backend, q, q.known_total).await?;
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let rows = store::list_rows_in(&db.pool, &pks).await?;
    let mut rows = into_rows(db, config, rows, Detail::Summary).await?;
    rows.sort_by_key(|r| pks.iter().position(|p| *p == r.pk));
    Ok(rows)
}

/// One invitation as its expanded row shows it: with its ledger (oldest first) and its messages
/// (newest first).
///
/// # Errors
/// [`AppError::NotFound`]; database errors.
pub async fn get(
    db: &Db,
    config: &crate::service::Config,
    pk: &str,
) -> Result<InvitationView, AppError> {
    let rows = store::list_row(&db.pool, pk).await?.into_iter().collect();
    into_rows(db, config, rows, Detail::Full)
        .await?
        .pop()
        .ok_or_else(not_found)
}

/// How much of an invitation a row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// A list's row: grants and counts.
    Summary,
    /// An expanded row: also the ledger and the messages.
    Full,
}

async fn into_rows(
    db: &Db,
    config: &crate::service::Config,
    rows: Vec<InvitationListRow>,
    detail: Detail,
) -> Result<Vec<InvitationView>, AppError> {
    // Only what these rows need: their grants, and with full detail their uses and messages.
    let pks: Vec<String> = rows.iter().map(|r| r.pk.clone()).collect();
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let by_invitation = |grants: Vec<store::GrantRow>| {
        let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for g in grants {
            map.entry(g.invitation_pk).or_default().push((g.pk, g.name));
        }
        map
    };
    let roles = by_invitation(store::grants_in(&db.pool, Grant::Role, &pks).await?);
    let groups = by_invitation(store::grants_in(&db.pool, Grant::Group, &pks).await?);
    let mut ledgers: HashMap<String, Vec<LedgerEntry>> = HashMap::new();
    let mut messages: HashMap<String, Vec<crate::model::OutboxMessage>> = HashMap::new();
    let full = detail == Detail::Full;
    let ledger_rows = if full {
        store::ledger_in(&db.pool, &pks).await?
    } else {
        Vec::new()
    };
    for u in ledger_rows {
        ledgers
            .entry(u.invitation_pk)
            .or_default()
            .push(LedgerEntry {
                user_pk: u.user_pk,
                username: u.username,
                action: UseAction::parse(&u.action).ok_or_else(|| {
                    tracing::error!(action = %u.action, "a ledger row with an unknown action");
                    AppError::Internal
                })?,
                at: u.at,
                at_display: time::format_absolute(u.at),
            });
    }
    let message_rows = if full {
        crate::service::outbox::invitation_messages(db, &pks).await?
    } else {
        Vec::new()
    };
    for (inv, m) in message_rows.into_iter().filter_map(|m| {
        let pk = m.invitation_pk.clone()?;
        Some((pk, m))
    }) {
        messages.entry(inv).or_default().push(m);
    }
    let mut events: HashMap<String, Vec<crate::model::InvitationEvent>> = HashMap::new();
    let event_rows = if full {
        crate::store::events::of_invitations(&db.pool, &pks).await?
    } else {
        Vec::new()
    };
    for e in event_rows {
        let kind = crate::domain::event::EventKind::parse(&e.kind).ok_or_else(|| {
            tracing::error!(kind = %e.kind, "an invitation event of an unknown kind");
            AppError::Internal
        })?;
        events
            .entry(e.invitation_pk)
            .or_default()
            .push(crate::model::InvitationEvent {
                kind,
                at: e.at,
                at_display: time::format_absolute(e.at),
                detail: e.detail,
            });
    }
    let now = time::now();
    rows.into_iter()
        .map(|r| {
            let InvitationListRow {
                pk,
                name,
                description,
                flow_slug,
                flow_pk,
                expires,
                fixed_data,
                single_use,
                quota,
                uses,
                emails,
                enabled,
                created_by,
                creator_active,
                token_sealed,
                created,
                enrolled_count,
                message_count,
            } = r;
            let rules: Vec<EmailRule> = decode_stored(&pk, "emails", &emails)?;
            let fixed: serde_json::Value = decode_stored(&pk, "fixed_data", &fixed_data)?;
            let (role_pks, role_names) = roles
                .get(&pk)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .unzip();
            let (group_pks, group_names) = groups
                .get(&pk)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .unzip();
            let mut send_to: Vec<String> = fixed
                .get("email")
                .and_then(|e| e.as_str())
                .map(|e| vec![e.to_owned()])
                .unwrap_or_default();
            for r in &rules {
                if let EmailRule::Address(a) = r {
                    if !send_to.contains(a) {
                        send_to.push(a.clone());
                    }
                }
            }
            Ok(InvitationView {
                messages: full.then(|| messages.remove(&pk).unwrap_or_default()),
                events: full.then(|| events.remove(&pk).unwrap_or_default()),
                send_to,
                ledger: full.then(|| ledgers.remove(&pk).unwrap_or_default()),
                enrolled_count: u64::try_from(enrolled_count).unwrap_or(0),
                message_count: u64::try_from(message_count).unwrap_or(0),
                status: InvitationStatus::compute(
                    enabled,
                    creator_active,
                    expires,
                    uses,
                    quota,
                    now,
                ),
                creator_active,
                // Empty when the token was sealed under another USHER_SECRET_KEY.
                link: open_token(&config.secret_key, &pk, token_sealed.as_deref())
                    .map(|t| invitation_link(&config.public_url, &flow_slug, &t))
                    .unwrap_or_default(),
                expires_display: time::format_expiry(expires, now),
                expires_input: expires.map(time::format_input).unwrap_or_default(),
                fixed_data: if fixed.as_object().is_some_and(|m| m.is_empty()) {
                    String::new()
                } else {
                    serde_json::to_string_pretty(&fixed).unwrap_or_default()
                },
                emails: rules.iter().map(EmailRule::to_text).collect(),
                roles: role_pks,
                role_names,
                groups: group_pks,
                group_names,
                pk,
                name,
                description,
                flow_slug,
                flow_pk,
                uses,
                quota,
                single_use,
                expires,
                created,
                created_by,
                enabled,
            })
        })
        .collect()
}
