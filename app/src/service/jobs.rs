//! The job queue (issue 36 item 3): work that must happen after a change commits — an email today,
//! webhook deliveries and reminders next — written as a job of a [`Channel`] in the change's own
//! transaction ([`enqueue`]), and run by a [`Worker`] of that channel through its [`JobHandler`].
//!
//! The queue is the `outbox` table (migration 0027 added `channel` and `payload`; see
//! [`crate::store::jobs`]). A worker claims a batch of its channel's due jobs for a lease
//! ([`LEASE_SECS`]; on PostgreSQL `FOR UPDATE SKIP LOCKED`, so several instances never claim one job),
//! runs them concurrently, and records each: done, or failed and due again after the capped backoff of
//! its [`RetryPolicy`], or — once it has been trying for the policy's give-up time
//! (`USHER_OUTBOX_GIVE_UP_HOURS`) — failed for good. A worker that dies between claiming a job and
//! recording it leaves the claim to run out, and the job runs again: at least once, never lost.
//! Committing a transaction that queued a job wakes this instance's worker of its channel at once
//! (other instances poll every second).
//!
//! Why not apalis: apalis 1.x's SQL storages (apalis-sqlite, apalis-postgres) push through their own
//! typed pool (`SqlitePool`, `PgPool`) and tables; neither can insert inside the caller's transaction
//! on the database-agnostic `AnyPool` Usher uses, which is what makes a job and the change that causes
//! it commit or roll back together. So the outbox, which already did that for email, is generalised.

use super::error::Error;
use super::{time, Db};
use crate::store::db::new_uuid;
use crate::store::{jobs, Tx};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub use crate::domain::jobs::{Channel, RetryPolicy};

/// Jobs claimed and run concurrently per round.
pub const BATCH: i64 = 20;
/// How long a claim lasts before another worker may take the job again, seconds.
pub const LEASE_SECS: i64 = 120;
/// The longest error text kept on a job, characters.
const ERROR_CHARS: usize = 1000;

/// A claimed job, as its handler runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// UUID of its row.
    pub pk: String,
    /// Its channel.
    pub channel: Channel,
    /// Its input, JSON text (`None` for an email message, whose message is in the email columns).
    pub payload: Option<String>,
    /// Attempts, this one included (1 on the first run).
    pub attempts: i64,
    /// Since when it is being tried (its creation, or an admin's retry), UTC Unix seconds.
    pub since: i64,
}

impl Job {
    /// The payload read as a `T`.
    ///
    /// # Errors
    /// A message when there is no payload or it is not a `T` (the job then fails like any other).
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, String> {
        let text = self
            .payload
            .as_deref()
            .ok_or_else(|| format!("job {} has no payload", self.pk))?;
        serde_json::from_str(text).map_err(|e| format!("job {} payload: {e}", self.pk))
    }
}

/// Writes a job of `channel` with `payload` (serialised as JSON) inside the caller's transaction: it
/// exists if and only if the transaction commits, and committing wakes this instance's worker of the
/// channel. Returns its pk. Email messages are queued by [`super::outbox::enqueue`].
///
/// # Errors
/// [`Error::Internal`] for [`Channel::EMAIL`], a channel whose name is not valid
/// ([`Channel::is_valid`]) or a payload that does not serialise; database errors.
pub async fn enqueue<T: Serialize>(
    tx: &mut Tx,
    channel: Channel,
    payload: &T,
) -> Result<String, Error> {
    if channel == Channel::EMAIL || !channel.is_valid() {
        tracing::error!(%channel, "a job cannot be queued on this channel");
        return Err(Error::Internal);
    }
    let payload = serde_json::to_string(payload).map_err(|e| {
        tracing::error!(%channel, error = %e, "a job payload does not serialise");
        Error::Internal
    })?;
    let pk = new_uuid();
    jobs::enqueue(
        tx,
        &jobs::NewJob {
            pk: &pk,
            channel,
            payload: &payload,
            created: time::now(),
        },
    )
    .await?;
    Ok(pk)
}

/// Claims up to `limit` due jobs of `channel` for `lease_secs` seconds: what a worker's round starts
/// with ([`Worker::run_once`]). A job claimed and never recorded runs again once the lease ends.
///
/// # Errors
/// Database errors.
pub async fn claim(
    db: &Db,
    channel: Channel,
    lease_secs: i64,
    limit: i64,
) -> Result<Vec<Job>, Error> {
    let now = time::now();
    let rows = jobs::claim(&db.pool, db.backend, channel, now, now + lease_secs, limit).await?;
    Ok(rows
        .into_iter()
        .map(|r| Job {
            pk: r.pk,
            channel,
            payload: r.payload,
            attempts: r.attempts,
            since: r.since,
        })
        .collect())
}

/// Queues failed job `pk` of `channel` again, due now, with a new give-up time, and wakes this
/// instance's worker of the channel. Returns false when there is no such failed job (or it is an email
/// message that carried a one-time code, never resent).
///
/// # Errors
/// Database errors.
pub async fn retry(db: &Db, channel: Channel, pk: &str) -> Result<bool, Error> {
    let queued = jobs::retry(&db.pool, channel, pk, time::now()).await? > 0;
    if queued {
        db.wakes.of(channel).notify_one();
    }
    Ok(queued)
}

/// The state of one channel's queue, as [`stats`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueStats {
    /// The channel's name (`email`, `webhook`, …).
    pub channel: String,
    /// Jobs not done yet: waiting for their turn or a retry, or being run.
    pub pending: i64,
    /// Jobs failed for good.
    pub failed: i64,
    /// How long the longest-waiting pending job has been trying, seconds (0 without pending jobs).
    pub oldest_age_secs: i64,
}

/// The pending and failed jobs of every channel that has any, read from the database (the queue every
/// instance shares), for the metrics.
///
/// # Errors
/// Database errors.
pub async fn stats(db: &Db) -> Result<Vec<QueueStats>, Error> {
    let now = time::now();
    Ok(jobs::stats(&db.pool)
        .await?
        .into_iter()
        .map(|s| QueueStats {
            channel: s.channel,
            pending: s.pending,
            failed: s.failed,
            oldest_age_secs: s.oldest_since.map_or(0, |since| (now - since).max(0)),
        })
        .collect())
}

/// What runs the jobs of one channel for a [`Worker`]. The worker decides when a job runs again or is
/// given up on; the handler only runs it and, if its channel keeps more than the queue's state, says
/// how a finished job is recorded.
pub trait JobHandler: Send + Sync + 'static {
    /// The channel whose jobs it runs.
    fn channel(&self) -> Channel;

    /// How its failed jobs are retried; `None` while it cannot run jobs (email without an SMTP server):
    /// the worker then claims nothing and the jobs wait.
    fn policy(&self) -> Option<RetryPolicy>;

    /// Rereads its settings before each round of [`Worker::run`] (by default nothing).
    fn refresh(&mut self, db: &Db) -> impl Future<Output = ()> + Send {
        let _ = db;
        async {}
    }

    /// Runs one job: `Ok` with a short account of what happened (an SMTP answer), or `Err` with why it
    /// failed (the job is retried, and the text kept as its last error). The future runs on its own
    /// task, so it owns what it needs.
    fn run(
        &self,
        db: &Db,
        job: Job,
    ) -> impl Future<Output = Result<String, String>> + Send + 'static;

    /// Records job `job` done at `at` (UTC Unix seconds); by default [`jobs::mark_done`].
    ///
    /// # Errors
    /// Database errors (the job then stays claimed and runs again after its lease).
    fn done(&self, db: &Db, job: &Job, at: i64) -> impl Future<Output = Result<(), Error>> + Send {
        async move { Ok(jobs::mark_done(&db.pool, &job.pk, at).await?) }
    }

    /// Records job `job` failed for good at `at` with `error`; by default [`jobs::mark_failed`].
    ///
    /// # Errors
    /// Database errors (the job then stays claimed and runs again after its lease).
    fn given_up(
        &self,
        db: &Db,
        job: &Job,
        at: i64,
        error: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        async move { Ok(jobs::mark_failed(&db.pool, &job.pk, at, error).await?) }
    }

    /// Told after each round that ran jobs: the round's last failure (`false` and its error), else its
    /// last success (`true` and its account); by default nothing.
    fn round_finished(&self, db: &Db, last: (bool, String)) -> impl Future<Output = ()> + Send {
        let _ = (db, last);
        async {}
    }
}

/// Runs the jobs of one channel with its handler `H`.
pub struct Worker<H> {
    db: Db,
    handler: H,
    lease_secs: i64,
    wake: Arc<Notify>,
}

impl<H: JobHandler> Worker<H> {
    /// A worker on `db` running `handler`'s channel, claiming for [`LEASE_SECS`]; it wakes when a
    /// transaction of this instance that queued one of the channel's jobs commits, and polls otherwise.
    pub fn for_handler(db: Db, handler: H) -> Self {
        let wake = db.wakes.of(handler.channel());
        Self {
            db,
            handler,
            lease_secs: LEASE_SECS,
            wake,
        }
    }

    /// The same worker, claiming jobs for `secs` seconds.
    #[must_use]
    pub fn with_lease(mut self, secs: i64) -> Self {
        self.lease_secs = secs;
        self
    }

    /// Its handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// Lets the handler reread its settings ([`JobHandler::refresh`]).
    pub async fn refresh(&mut self) {
        self.handler.refresh(&self.db).await;
    }

    /// Claims one batch and runs its jobs concurrently, each on its own task; returns how many jobs it
    /// claimed (none while the handler cannot run jobs). Each result is recorded on its own: a failed
    /// write for one job is logged and leaves it to its lease (it runs again once the lease ends), and
    /// never stops recording the others.
    ///
    /// # Errors
    /// Database errors while claiming (a job's own failure is recorded on it).
    pub async fn run_once(&self) -> Result<usize, Error> {
        let Some(policy) = self.handler.policy() else {
            return Ok(0);
        };
        let channel = self.handler.channel();
        let batch = claim(&self.db, channel, self.lease_secs, BATCH).await?;
        let n = batch.len();
        let mut runs = tokio::task::JoinSet::new();
        for job in batch {
            let run = self.handler.run(&self.db, job.clone());
            runs.spawn(async move { (job, run.await) });
        }
        let mut last: Option<(bool, String)> = None;
        while let Some(finished) = runs.join_next().await {
            let (job, outcome) = match finished {
                Ok(f) => f,
                Err(e) => {
                    tracing::error!(%channel, error = %e, "a job's task failed; the job runs again when its lease ends");
                    continue;
                }
            };
            let recorded = match outcome {
                Ok(account) => {
                    if last.as_ref().is_none_or(|(ok, _)| *ok) {
                        last = Some((true, account));
                    }
                    self.handler.done(&self.db, &job, time::now()).await
                }
                Err(e) => {
                    tracing::warn!(%channel, job = %job.pk, attempt = job.attempts, error = %e, "a job failed");
                    let r = self.failed(&job, &e, policy).await;
                    last = Some((false, e));
                    r
                }
            };
            if let Err(e) = recorded {
                tracing::error!(%channel, job = %job.pk, error = %e, "recording a job failed; it runs again when its lease ends");
            }
        }
        if let Some(last) = last {
            self.handler.round_finished(&self.db, last).await;
        }
        Ok(n)
    }

    /// Records a failed attempt: due again after the backoff, or failed for good once the job has been
    /// trying for the policy's give-up time.
    async fn failed(&self, job: &Job, error: &str, policy: RetryPolicy) -> Result<(), Error> {
        super::metrics::job_attempt_failed(job.channel);
        let error: String = error.chars().take(ERROR_CHARS).collect();
        let now = time::now();
        match policy.after_failure(job.since, job.attempts, now) {
            Some(next) => Ok(jobs::mark_retry(&self.db.pool, &job.pk, next, &error).await?),
            None => self.handler.given_up(&self.db, job, now, &error).await,
        }
    }

    /// Runs forever: a round whenever woken, and at least every second (the handler rereading its
    /// settings first).
    pub async fn run(mut self) {
        loop {
            self.refresh().await;
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(channel = %self.handler.channel(), error = %e, "job worker")
                }
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
        }
    }
}
