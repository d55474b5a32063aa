//! The invitation lists (the dashboard's table, the REST API's pages) and one invitation's detail (its
//! ledger, messages and events), read in SQL a page at a time. Everything here is the domain's entity
//! and values, times in UTC Unix seconds: each edge projects them into its own shape.

use super::not_found;
use super::token::open_token;
use crate::domain::event::Event;
use crate::domain::invitation::{invitation_link, Invitation, ListedInvitation, Use};
use crate::domain::outbox::Message;
use crate::service::error::Error;
use crate::service::Db;
use crate::store::invitations::{self as store, ListQuery};

/// How many invitations a list query matches (for pagination), counted in SQL.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, q: &ListQuery) -> Result<u64, Error> {
    Ok(u64::try_from(store::count(&db.pool, db.backend, q).await?).unwrap_or(0))
}

/// One page of invitations, in `q`'s order: filtered, searched, ordered and windowed in SQL; only the
/// page's invitations are then read, with their grants and counts (not their ledger and messages:
/// see [`detail`]).
///
/// # Errors
/// Database errors, [`Error::Internal`] among them when a stored value does not decode.
pub async fn list_page(db: &Db, q: &ListQuery) -> Result<Vec<ListedInvitation>, Error> {
    let pks = store::page_pks(&db.pool, db.backend, q, q.known_total).await?;
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = store::listed_in(&mut *db.conn().await?, &pks).await?;
    rows.sort_by_key(|r| pks.iter().position(|p| *p == r.invitation.pk));
    Ok(rows)
}

/// One invitation with everything its expanded row shows: the entity and its counts, its ledger
/// (oldest first), its messages (newest first) and its events (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationDetail {
    /// The invitation and its counts.
    pub listed: ListedInvitation,
    /// Who used it, oldest first (then by username).
    pub ledger: Vec<Use>,
    /// Its outbox messages, newest first.
    pub messages: Vec<Message>,
    /// What its admin should know of beside its uses, oldest first.
    pub events: Vec<Event>,
    /// Its audit events (created, edited, link regenerated, used…), oldest first, at most
    /// [`HISTORY_MAX`].
    pub history: Vec<crate::domain::audit::Event>,
    /// How often its link was opened, as last written ([`crate::service::sightings`]); `None` never.
    pub views: Option<crate::service::sightings::Views>,
}

/// The most audit events an invitation's detail holds (the oldest ones).
pub const HISTORY_MAX: u64 = 500;

/// Invitation `pk` with its ledger, messages and events ([`InvitationDetail`]).
///
/// # Errors
/// [`Error::NotFound`]; database errors, [`Error::Internal`] among them when a stored value does
/// not decode.
pub async fn detail(db: &Db, pk: &str) -> Result<InvitationDetail, Error> {
    let pks = [pk.to_owned()];
    let listed = store::listed_in(&mut *db.conn().await?, &pks)
        .await?
        .pop()
        .ok_or_else(not_found)?;
    Ok(InvitationDetail {
        listed,
        ledger: ledger_of(db, &pks).await?,
        messages: crate::service::outbox::invitation_messages(db, &pks).await?,
        events: crate::store::events::of_invitations(&db.pool, &pks)
            .await?
            .into_iter()
            .map(|e| Event {
                kind: e.kind,
                at: e.at,
                detail: crate::domain::event::Detail::parse(&e.detail),
            })
            .collect(),
        history: crate::service::audit::list(
            db,
            &crate::service::audit::EventFilter {
                model: Some(crate::domain::audit::Model::Invitation.as_str().to_owned()),
                object_pk: Some(pk.to_owned()),
                ..Default::default()
            },
            crate::service::audit::EventOrder { oldest_first: true },
            0,
            HISTORY_MAX,
        )
        .await?,
        views: store::views(&db.pool, pk).await?,
    })
}

/// The accounts that used invitation `pk` (its ledger), oldest first.
///
/// # Errors
/// [`Error::NotFound`] when there is no such invitation; database errors.
pub async fn used_by(db: &Db, pk: &str) -> Result<Vec<Use>, Error> {
    if !store::exists(&db.pool, pk).await? {
        return Err(not_found());
    }
    ledger_of(db, &[pk.to_owned()]).await
}

/// The ledgers of the invitations `pks`, read in one statement: each one's uses, oldest first (an
/// invitation without uses is absent).
///
/// # Errors
/// Database errors.
pub async fn ledgers_of(
    db: &Db,
    pks: &[String],
) -> Result<std::collections::HashMap<String, Vec<Use>>, Error> {
    let mut out: std::collections::HashMap<String, Vec<Use>> = std::collections::HashMap::new();
    for u in store::ledger_in(&db.pool, pks).await? {
        out.entry(u.invitation_pk).or_default().push(Use {
            user_pk: u.user_pk,
            username: u.username,
            action: u.action,
            at: u.at,
        });
    }
    Ok(out)
}

async fn ledger_of(db: &Db, pks: &[String]) -> Result<Vec<Use>, Error> {
    Ok(store::ledger_in(&db.pool, pks)
        .await?
        .into_iter()
        .map(|u| Use {
            user_pk: u.user_pk,
            username: u.username,
            action: u.action,
            at: u.at,
        })
        .collect())
}

/// The link of invitation `inv` (`{public_url}/if/flow/{slug}/?itoken={token}`), its token opened with
/// the instance secret; `None` when the token was sealed under another `USHER_SECRET_KEY` (or not yet
/// sealed), so it cannot be shown: the link must be regenerated.
pub fn link(config: &crate::service::Config, inv: &Invitation) -> Option<String> {
    open_token(&config.secret_key, &inv.pk, inv.token_sealed.as_deref())
        .map(|t| invitation_link(&config.public_url, &inv.flow_slug, &t))
}
