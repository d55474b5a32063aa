//! Named links of public invitations (issue 15 item 6): a poster, a newsletter, an event each get their
//! own link, with its own token (stored as the invitation's: a lookup digest and a copy sealed with the
//! instance secret), an optional share of the uses, and its own counts of uses and views. A use through
//! a link counts for the link and for the invitation, in the use's transaction
//! ([`super::consume_use`]); the invitation's own quota still caps the total. Adding, regenerating and
//! deleting one is a transaction with its event (`model_created`, `secret_rotate`, `model_deleted` of an
//! `invitation_link`).

use super::not_found;
use super::token::new_token_for;
use crate::domain::audit::{Action, Model, Who};
use crate::domain::invitation::{invitation_link, Invitation};
use crate::domain::invitation_link::{check_share, LinkError, LinkName, LinkUse};
use crate::service::audit::{model_context, record};
use crate::service::error::{Entity, Error, Problem};
use crate::service::{time, Db};
use crate::store::db::new_uuid;
use crate::store::invitations::{self as store, LinkRow, StoredToken, LINK_SEAL};
use crate::store::{is_unique_violation, Conn, DbError};

/// A named link as the dashboard and the REST API show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLink {
    /// UUID.
    pub pk: String,
    /// The invitation's pk.
    pub invitation_pk: String,
    /// Its name (unique per invitation).
    pub name: String,
    /// The full link (`{public_url}/if/flow/{slug}/?itoken={token}`); `None` when its token was sealed
    /// under another `USHER_SECRET_KEY` (regenerate it).
    pub url: Option<String>,
    /// Its share: at most this many uses through it; `None` = no share of its own.
    pub quota: Option<i64>,
    /// Uses through it.
    pub uses: i64,
    /// Landing pages shown for it (as written by the last flush of the views,
    /// [`crate::service::sightings`]).
    pub view_count: i64,
    /// The last view, UTC Unix seconds; `None` when never opened.
    pub last_viewed: Option<i64>,
    /// Creation, UTC Unix seconds.
    pub created: i64,
}

/// The link of `row`, on the flow `flow_slug`, its token opened with the instance secret.
fn named(config: &crate::service::Config, flow_slug: &str, row: LinkRow) -> NamedLink {
    let url = config
        .secret_key
        .open(LINK_SEAL, &row.pk, &row.token_sealed)
        .map(|t| invitation_link(&config.public_url, flow_slug, &t));
    if url.is_none() {
        tracing::warn!(
            link = row.pk,
            "a named link's token sealed with another USHER_SECRET_KEY: regenerate it"
        );
    }
    NamedLink {
        pk: row.pk,
        invitation_pk: row.invitation_pk,
        name: row.name,
        url,
        quota: row.quota,
        uses: row.uses,
        view_count: row.view_count,
        last_viewed: row.last_viewed,
        created: row.created,
    }
}

fn link_error(e: LinkError) -> Error {
    Error::field(e.field(), Problem::InvitationLink(e))
}

/// The named links of invitation `invitation_pk`, oldest first.
///
/// # Errors
/// [`Error::NotFound`] when there is no such invitation; database errors.
pub async fn links(
    db: &Db,
    config: &crate::service::Config,
    invitation_pk: &str,
) -> Result<Vec<NamedLink>, Error> {
    let mut conn = db.conn().await?;
    let inv = store::by_pk(&mut conn, invitation_pk)
        .await?
        .ok_or_else(not_found)?;
    Ok(store::links_of(&mut *conn, invitation_pk)
        .await?
        .into_iter()
        .map(|row| named(config, &inv.flow_slug, row))
        .collect())
}

/// Named link `link_pk` of invitation `invitation_pk`.
///
/// # Errors
/// [`Error::NotFound`] (of the invitation or of the link); database errors.
pub async fn find_link(
    db: &Db,
    config: &crate::service::Config,
    invitation_pk: &str,
    link_pk: &str,
) -> Result<NamedLink, Error> {
    let mut conn = db.conn().await?;
    let inv = store::by_pk(&mut conn, invitation_pk)
        .await?
        .ok_or_else(not_found)?;
    let row = store::link_of(&mut *conn, invitation_pk, link_pk)
        .await?
        .ok_or(Error::NotFound(Entity::InvitationLink))?;
    Ok(named(config, &inv.flow_slug, row))
}

/// Adds a named link `name` (trimmed, [`LinkName`]) with share `quota` (`None`: no share of its own,
/// else at least 1) to public invitation `invitation_pk`, with a new random token, in one transaction
/// with its event. Returns the new link (its `url` the link to hand out).
///
/// # Errors
/// [`Error::Invalid`] on `name` (empty, too long, not a slug, taken by another link of this invitation,
/// or the invitation is limited by email rules: [`LinkError::NotPublic`]) or on `quota` (below 1);
/// [`Error::NotFound`]; database errors. Nothing is saved on error.
#[tracing::instrument(name = "invitations.create_link", skip_all, fields(invitation = invitation_pk))]
pub async fn create_link(
    db: &Db,
    config: &crate::service::Config,
    who: &Who,
    invitation_pk: &str,
    name: &str,
    quota: Option<i64>,
) -> Result<NamedLink, Error> {
    let mut problems = Vec::new();
    let name = LinkName::parse(name)
        .map_err(|e| problems.push((e.field().to_owned(), Problem::InvitationLink(e))))
        .ok();
    let quota = quota
        .map(check_share)
        .transpose()
        .map_err(|e| problems.push((e.field().to_owned(), Problem::InvitationLink(e))))
        .ok()
        .flatten();
    let mut tx = db.begin().await?;
    let inv = store::by_pk(&mut tx, invitation_pk)
        .await?
        .ok_or_else(not_found)?;
    if !inv.emails.is_empty() {
        problems.insert(
            0,
            (
                "name".to_owned(),
                Problem::InvitationLink(LinkError::NotPublic),
            ),
        );
    }
    let Some(name) = name.filter(|_| problems.is_empty()) else {
        return Err(Error::Invalid(problems));
    };
    let pk = new_uuid();
    let (_, digest, sealed) = new_token_for(&config.secret_key, LINK_SEAL, &pk);
    let n = store::insert_link(
        &mut *tx,
        store::NewLink {
            pk: &pk,
            invitation_pk,
            name: name.as_str(),
            token: StoredToken {
                digest: &digest,
                sealed: &sealed,
            },
            quota,
            created: time::now(),
        },
        &inv.emails_stored,
    )
    .await
    .map_err(|e: DbError| {
        if is_unique_violation(&e) {
            Error::field("name", Problem::Taken(Entity::InvitationLink))
        } else {
            Error::from(e)
        }
    })?;
    if n == 0 {
        // Limited by email rules (or deleted) since it was read: the insert's condition refused it.
        return Err(link_error(LinkError::NotPublic));
    }
    record(
        &mut *tx,
        who.event(
            Action::ModelCreated,
            Model::InvitationLink,
            &pk,
            serde_json::json!({
                "model": model_context(Model::InvitationLink, &pk, name.as_str()),
                "fields": {"name": name.as_str(), "quota": quota},
                "invitation": model_context(Model::Invitation, invitation_pk, inv.name.as_str()),
            }),
        ),
    )
    .await?;
    let row = store::link_of(&mut *tx, invitation_pk, &pk)
        .await?
        .ok_or(Error::NotFound(Entity::InvitationLink))?;
    tx.commit().await?;
    Ok(named(config, &inv.flow_slug, row))
}

/// Deletes named link `link_pk` of invitation `invitation_pk`: its token stops working at once (its
/// uses stay counted in the invitation's, and its ledger rows stay). One transaction with its event.
///
/// # Errors
/// [`Error::NotFound`] (of the invitation or of the link); database errors.
#[tracing::instrument(name = "invitations.delete_link", skip_all, fields(invitation = invitation_pk, link = link_pk))]
pub async fn delete_link(
    db: &Db,
    who: &Who,
    invitation_pk: &str,
    link_pk: &str,
) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let inv = store::by_pk(&mut tx, invitation_pk)
        .await?
        .ok_or_else(not_found)?;
    let row = store::link_of(&mut *tx, invitation_pk, link_pk)
        .await?
        .ok_or(Error::NotFound(Entity::InvitationLink))?;
    crate::service::error::touched(
        store::delete_link(&mut *tx, invitation_pk, link_pk).await?,
        Entity::InvitationLink,
    )?;
    record(
        &mut *tx,
        who.event(
            Action::ModelDeleted,
            Model::InvitationLink,
            link_pk,
            serde_json::json!({
                "model": model_context(Model::InvitationLink, link_pk, &row.name),
                "fields": {"name": row.name, "quota": row.quota, "uses": row.uses},
                "invitation": model_context(Model::Invitation, invitation_pk, inv.name.as_str()),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives named link `link_pk` of invitation `invitation_pk` a new random token: the old link stops
/// working at once; its share and counts stay. One transaction with its event
/// ([`Action::SecretRotate`], which names no token).
///
/// # Errors
/// [`Error::NotFound`] (of the invitation or of the link); database errors.
#[tracing::instrument(name = "invitations.regenerate_link", skip_all, fields(invitation = invitation_pk, link = link_pk))]
pub async fn regenerate_link(
    db: &Db,
    key: &crate::service::SecretKey,
    who: &Who,
    invitation_pk: &str,
    link_pk: &str,
) -> Result<(), Error> {
    let (_, digest, sealed) = new_token_for(key, LINK_SEAL, link_pk);
    let mut tx = db.begin().await?;
    let row = store::link_of(&mut *tx, invitation_pk, link_pk)
        .await?
        .ok_or(Error::NotFound(Entity::InvitationLink))?;
    crate::service::error::touched(
        store::set_link_token(
            &mut *tx,
            invitation_pk,
            link_pk,
            StoredToken {
                digest: &digest,
                sealed: &sealed,
            },
        )
        .await?,
        Entity::InvitationLink,
    )?;
    record(
        &mut *tx,
        who.event(
            Action::SecretRotate,
            Model::InvitationLink,
            link_pk,
            serde_json::json!({"model": model_context(Model::InvitationLink, link_pk, &row.name)}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The invitation whose named link's token has the lookup digest `digest` (see [`super::token_digest`]), read
/// as by pk, with [`Invitation::link`] saying which link (its share and uses as read now), if any.
///
/// # Errors
/// As [`store::by_pk`].
pub(super) async fn by_link_token(
    conn: &mut Conn,
    digest: &str,
) -> Result<Option<Invitation>, DbError> {
    let Some(l) = store::link_by_token(&mut *conn, digest).await? else {
        return Ok(None);
    };
    Ok(store::by_pk(conn, &l.invitation_pk)
        .await?
        .map(|inv| Invitation {
            link: Some(LinkUse {
                pk: l.pk,
                name: l.name,
                token: l.token,
                quota: l.quota,
                uses: l.uses,
            }),
            ..inv
        }))
}
