//! Named links of public invitations (`invitation_links`, migration 0033; issue 15 item 6): each with its
//! own token (stored as the invitation's: a lookup digest and a sealed copy), an optional share of the
//! uses, its uses, and its views (`invitation_link_views`). Times are UTC Unix seconds.

use super::{StoredToken, Views};
use crate::store::{DbError, Exec};

/// The purpose a named link's token is sealed for (`SecretKey::seal`, aad the link's pk).
pub const LINK_SEAL: &str = "usher-itoken-link";

/// A named link as the dashboard and the REST API list it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkRow {
    /// UUID.
    pub pk: String,
    /// The invitation's pk.
    pub invitation_pk: String,
    /// Its name, unique per invitation.
    pub name: String,
    /// The token sealed with the instance secret (purpose [`LINK_SEAL`], aad the link's pk).
    pub token_sealed: String,
    /// Its share: at most this many uses through it; `None` = no share of its own.
    pub quota: Option<i64>,
    /// Uses through it.
    pub uses: i64,
    /// Creation, UTC Unix seconds.
    pub created: i64,
    /// Landing pages shown for it (0 when never opened).
    pub view_count: i64,
    /// The last view, UTC Unix seconds; `None` when never opened.
    pub last_viewed: Option<i64>,
}

const SELECT_LINK: &str =
    "SELECT l.pk, l.invitation_pk, l.name, l.token_sealed, l.quota, l.uses, l.created,
    COALESCE(v.view_count, 0) AS view_count, v.last_viewed
    FROM invitation_links l LEFT JOIN invitation_link_views v ON v.link_pk = l.pk";

/// A named link to insert.
#[derive(Debug, Clone, Copy)]
pub struct NewLink<'a> {
    /// Its pk (UUID text).
    pub pk: &'a str,
    /// The invitation's pk.
    pub invitation_pk: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its token, as stored.
    pub token: StoredToken<'a>,
    /// Its share (`None`: no share of its own).
    pub quota: Option<i64>,
    /// Creation, UTC Unix seconds.
    pub created: i64,
}

/// Inserts named link `l`, with no uses, while its invitation still has the email rules `emails` (JSON
/// text, as stored; the caller read `[]`, public): an edit that limited the invitation since refuses the
/// link. Returns how many rows were inserted (0: the invitation is gone or its rules changed).
///
/// # Errors
/// A unique violation when the invitation already has a link with this name; database errors.
pub async fn insert_link(ex: impl Exec<'_>, l: NewLink<'_>, emails: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "INSERT INTO invitation_links (pk, invitation_pk, name, token, token_sealed, quota, uses, created)
         SELECT $1, i.pk, $3, $4, $5, $6, 0, $7 FROM invitations i WHERE i.pk = $2 AND i.emails = $8",
    )
    .bind(l.pk)
    .bind(l.invitation_pk)
    .bind(l.name)
    .bind(l.token.digest)
    .bind(l.token.sealed)
    .bind(l.quota)
    .bind(l.created)
    .bind(emails)
    .execute(ex)
    .await?
    .rows_affected())
}

/// The named links of invitation `invitation_pk`, oldest first (then by name).
///
/// # Errors
/// Database errors.
pub async fn links_of(ex: impl Exec<'_>, invitation_pk: &str) -> Result<Vec<LinkRow>, DbError> {
    sqlx::query_as::<_, LinkRow>(&format!(
        "{SELECT_LINK} WHERE l.invitation_pk = $1 ORDER BY l.created, l.name"
    ))
    .bind(invitation_pk)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Named link `link_pk` of invitation `invitation_pk`, if it exists.
///
/// # Errors
/// Database errors.
pub async fn link_of(
    ex: impl Exec<'_>,
    invitation_pk: &str,
    link_pk: &str,
) -> Result<Option<LinkRow>, DbError> {
    sqlx::query_as::<_, LinkRow>(&format!(
        "{SELECT_LINK} WHERE l.invitation_pk = $1 AND l.pk = $2"
    ))
    .bind(invitation_pk)
    .bind(link_pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Deletes named link `link_pk` of invitation `invitation_pk` (its token stops working; its views go
/// with it; the ledger rows that name it stay). Returns how many rows went (0 when there is none).
///
/// # Errors
/// Database errors.
pub async fn delete_link(
    ex: impl Exec<'_>,
    invitation_pk: &str,
    link_pk: &str,
) -> Result<u64, DbError> {
    Ok(
        sqlx::query("DELETE FROM invitation_links WHERE invitation_pk = $1 AND pk = $2")
            .bind(invitation_pk)
            .bind(link_pk)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Gives named link `link_pk` of invitation `invitation_pk` the token `token` (the old one stops
/// working). Returns how many rows changed (0 when there is none).
///
/// # Errors
/// Database errors.
pub async fn set_link_token(
    ex: impl Exec<'_>,
    invitation_pk: &str,
    link_pk: &str,
    token: StoredToken<'_>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE invitation_links SET token = $1, token_sealed = $2 WHERE invitation_pk = $3 AND pk = $4",
    )
    .bind(token.digest)
    .bind(token.sealed)
    .bind(invitation_pk)
    .bind(link_pk)
    .execute(ex)
    .await?
    .rows_affected())
}

/// The named link whose token has the lookup digest `token`: what the invitee journey keeps of it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkTokenRow {
    /// The link's pk.
    pub pk: String,
    /// Its invitation's pk.
    pub invitation_pk: String,
    /// Its name.
    pub name: String,
    /// The lookup digest of its token.
    pub token: String,
    /// Its share (`None`: no share of its own).
    pub quota: Option<i64>,
    /// Uses through it.
    pub uses: i64,
}

/// The named link whose token has the lookup digest `token`, if any.
///
/// # Errors
/// Database errors.
pub async fn link_by_token(
    ex: impl Exec<'_>,
    token: &str,
) -> Result<Option<LinkTokenRow>, DbError> {
    sqlx::query_as::<_, LinkTokenRow>(
        "SELECT pk, invitation_pk, name, token, quota, uses FROM invitation_links WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// Consumes one use of named link `link_pk` with one conditional update, as [`super::consume`] does for
/// the invitation (run both in the use's transaction): it matches only while the link still has the
/// token `token` (lookup digest; a deleted or regenerated link refuses) and its share is not used up.
/// Returns how many rows changed (1 consumed, 0 refused).
///
/// # Errors
/// Database errors.
pub async fn consume_link(ex: impl Exec<'_>, link_pk: &str, token: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE invitation_links SET uses = uses + 1
         WHERE pk = $1 AND token = $2 AND (quota IS NULL OR uses < quota)",
    )
    .bind(link_pk)
    .bind(token)
    .execute(ex)
    .await?
    .rows_affected())
}

/// The share and uses of named link `link_pk`, if it exists: `(quota, uses)`.
///
/// # Errors
/// Database errors.
pub async fn link_share(
    ex: impl Exec<'_>,
    link_pk: &str,
) -> Result<Option<(Option<i64>, i64)>, DbError> {
    sqlx::query_as("SELECT quota, uses FROM invitation_links WHERE pk = $1")
        .bind(link_pk)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// Adds `v.view_count` views seen between `v.first_viewed` and `v.last_viewed` to named link
/// `link_pk`, as [`super::add_views`] does for invitations. Nothing is written for a link deleted since
/// (returns false).
///
/// # Errors
/// Database errors.
pub async fn add_link_views(ex: impl Exec<'_>, link_pk: &str, v: Views) -> Result<bool, DbError> {
    let done = sqlx::query(
        "INSERT INTO invitation_link_views (link_pk, view_count, first_viewed, last_viewed)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM invitation_links WHERE pk = $1)
         ON CONFLICT (link_pk) DO UPDATE SET
           view_count = invitation_link_views.view_count + excluded.view_count,
           first_viewed = CASE WHEN excluded.first_viewed < invitation_link_views.first_viewed
                               THEN excluded.first_viewed ELSE invitation_link_views.first_viewed END,
           last_viewed = CASE WHEN excluded.last_viewed > invitation_link_views.last_viewed
                              THEN excluded.last_viewed ELSE invitation_link_views.last_viewed END",
    )
    .bind(link_pk)
    .bind(v.view_count)
    .bind(v.first_viewed)
    .bind(v.last_viewed)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() > 0)
}
