//! How often each invitation's link was opened (`invitation_views`, migration 0029): batches counted in
//! memory on the landing page (`service::sightings`) are added here off the request path. Times are UTC
//! Unix seconds.

use crate::store::{DbError, Exec};

/// The views of one invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Views {
    /// Landing pages shown for its link.
    pub view_count: i64,
    /// The first, UTC Unix seconds.
    pub first_viewed: i64,
    /// The last, UTC Unix seconds.
    pub last_viewed: i64,
}

/// Adds `v.view_count` views seen between `v.first_viewed` and `v.last_viewed` to invitation
/// `invitation_pk`: the count grows by the batch's, the first time keeps the earlier, the last the
/// later. Nothing is written for an invitation deleted since (returns false). Batches of several
/// instances add up whatever their order.
///
/// # Errors
/// Database errors.
pub async fn add_views(ex: impl Exec<'_>, invitation_pk: &str, v: Views) -> Result<bool, DbError> {
    let done = sqlx::query(
        "INSERT INTO invitation_views (invitation_pk, view_count, first_viewed, last_viewed)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM invitations WHERE pk = $1)
         ON CONFLICT (invitation_pk) DO UPDATE SET
           view_count = invitation_views.view_count + excluded.view_count,
           first_viewed = CASE WHEN excluded.first_viewed < invitation_views.first_viewed
                               THEN excluded.first_viewed ELSE invitation_views.first_viewed END,
           last_viewed = CASE WHEN excluded.last_viewed > invitation_views.last_viewed
                              THEN excluded.last_viewed ELSE invitation_views.last_viewed END",
    )
    .bind(invitation_pk)
    .bind(v.view_count)
    .bind(v.first_viewed)
    .bind(v.last_viewed)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The views of invitation `invitation_pk`; `None` when its link was never opened (or it does not
/// exist).
///
/// # Errors
/// Database errors.
pub async fn views(ex: impl Exec<'_>, invitation_pk: &str) -> Result<Option<Views>, DbError> {
    sqlx::query_as::<_, Views>(
        "SELECT view_count, first_viewed, last_viewed FROM invitation_views WHERE invitation_pk = $1",
    )
    .bind(invitation_pk)
    .fetch_optional(ex)
    .await
    .map_err(DbError::from)
}

/// An invitation and its creator, as a notice to the creator needs them (`service::notifications`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeTarget {
    /// UUID.
    pub pk: String,
    /// Its name.
    pub name: String,
    /// Expiry, UTC Unix seconds; `None` never.
    pub expires: Option<i64>,
    /// Whether its creator asked to be told.
    #[sqlx(try_from = "crate::store::Flag")]
    pub notify_creator: bool,
    /// The creator's pk.
    pub creator_pk: i64,
    /// The creator's display name (may be empty).
    pub creator_name: String,
    /// The creator's username.
    pub creator_username: String,
    /// The creator's address (may be empty).
    pub creator_email: String,
}

const NOTICE_TARGET: &str =
    "SELECT i.pk, i.name, i.expires, i.notify_creator, u.pk AS creator_pk, u.name AS creator_name,
    u.username AS creator_username, u.email AS creator_email
    FROM invitations i JOIN users u ON u.pk = i.created_by";

/// Invitation `pk` and its creator, if it exists.
///
/// # Errors
/// Database errors.
pub async fn notice_target(ex: impl Exec<'_>, pk: &str) -> Result<Option<NoticeTarget>, DbError> {
    sqlx::query_as::<_, NoticeTarget>(&format!("{NOTICE_TARGET} WHERE i.pk = $1"))
        .bind(pk)
        .fetch_optional(ex)
        .await
        .map_err(DbError::from)
}

/// Up to `limit` invitations that expired by `now` (UTC Unix seconds) unused, whose creator asked to be
/// told and was not yet, earliest expiry first.
///
/// # Errors
/// Database errors.
pub async fn expired_unnotified(
    ex: impl Exec<'_>,
    now: i64,
    limit: i64,
) -> Result<Vec<NoticeTarget>, DbError> {
    sqlx::query_as::<_, NoticeTarget>(&format!(
        "{NOTICE_TARGET} WHERE i.notify_creator = 1 AND i.expiry_notified = 0 AND i.uses = 0
         AND i.expires IS NOT NULL AND i.expires <= $1 ORDER BY i.expires, i.pk LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(ex)
    .await
    .map_err(DbError::from)
}

/// Marks the expiry notice of invitation `pk` sent, unless it already was: returns 1 when this call
/// claimed it, 0 otherwise (another instance did, or it is gone).
///
/// # Errors
/// Database errors.
pub async fn claim_expiry_notice(ex: impl Exec<'_>, pk: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE invitations SET expiry_notified = 1 WHERE pk = $1 AND expiry_notified = 0",
    )
    .bind(pk)
    .execute(ex)
    .await?
    .rows_affected())
}
