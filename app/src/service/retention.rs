//! Storage that stops growing (issue 12 item 11): what the schedule deletes once nothing reads it. Each
//! instance runs it every few minutes; the deletes are idempotent, so several instances on one database
//! may run it at once. Expired sessions (and with them abandoned flow plans) are deleted by the session
//! store's own clean-up.

use super::error::Error;
use super::{time, Config, Db};
use crate::domain::outbox::DONE_RETENTION_SECS;
use crate::domain::verification::RETENTION_AFTER_EXPIRY_SECS;
use crate::store;

/// How many rows one pruning deleted, by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Rate-limit buckets whose window ended.
    pub limits: u64,
    /// Verifications whose code expired more than [`RETENTION_AFTER_EXPIRY_SECS`] ago.
    pub verifications: u64,
    /// Outbox messages done with more than [`DONE_RETENTION_SECS`] ago (see
    /// [`store::outbox::prune`] for the invitation messages it keeps).
    pub messages: u64,
    /// Audit events older than [`Config::event_retention_secs`].
    pub events: u64,
}

/// Deletes, as of `now` (UTC Unix seconds), every rate-limit bucket, verification and outbox message
/// that nothing reads any more, and the audit events older than `config`'s retention.
///
/// # Errors
/// Database errors (what was deleted before one stays deleted: each delete stands alone).
pub async fn prune(db: &Db, config: &Config, now: i64) -> Result<Pruned, Error> {
    Ok(Pruned {
        events: store::audit::prune(&db.pool, now - config.event_retention_secs).await?,
        limits: store::limits::prune(&db.pool, now).await?,
        verifications: store::verification::prune(&db.pool, now - RETENTION_AFTER_EXPIRY_SECS)
            .await?,
        messages: store::outbox::prune(&db.pool, now - DONE_RETENTION_SECS).await?,
    })
}

/// [`prune`] as of the current time.
///
/// # Errors
/// Database errors.
pub async fn prune_now(db: &Db, config: &Config) -> Result<Pruned, Error> {
    prune(db, config, time::now()).await
}
