//! The connection pool: one `sqlx::AnyPool` over SQLite (default) or PostgreSQL, migrated from
//! `migrations/` rendered for its backend ([`super::migrations`]). SQL is written once in the dialect both accept
//! (`$N` placeholders, `RETURNING`, `TRUE`/`FALSE`).

use crate::domain::jobs::Channel;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Connections in a SQLite pool. One connection serialised every query of every request through
/// one worker thread (the landing page reached 13 % of the server's SSR ceiling, issue 13); with several,
/// reads run in parallel and only writes take turns. Four is twice the cores of the reference machine:
/// each connection is a thread that blocks in SQLite, so a few more than the cores keeps them busy.
pub const SQLITE_CONNECTIONS: u32 = 4;

/// How long a write transaction waits for this process's turn to write on SQLite before the request is
/// answered 503 with `Retry-After` (issue 35 item 3), seconds.
pub const SQLITE_WRITE_WAIT_SECS: u64 = 5;

/// Which database the pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A connection pool and its backend.
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
    /// The URL connected to (with SQLite's create flag added).
    pub url: String,
    /// Wakes this instance's email worker when a transaction that queued mail commits: the email
    /// channel's wake-up of [`Db::wakes`].
    pub outbox_wake: Arc<Notify>,
    /// Wakes this instance's worker of a job channel when a transaction that queued one of its jobs
    /// commits ([`super::Tx::commit`]).
    pub wakes: Arc<Wakes>,
    /// On SQLite, the turn to write: one write transaction of this process at a time, the others
    /// waiting in order (a fair queue) for at most [`SQLITE_WRITE_WAIT_SECS`].
    pub write_turn: Arc<tokio::sync::Semaphore>,
}

/// One wake-up per job channel, made when first asked for: a channel's worker waits on it, and a
/// transaction that queued a job of the channel notifies it once committed.
#[derive(Debug, Default)]
pub struct Wakes(std::sync::Mutex<HashMap<Channel, Arc<Notify>>>);

impl Wakes {
    /// The wake-up of `channel` (the same one every time).
    pub fn of(&self, channel: Channel) -> Arc<Notify> {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(channel).or_default().clone()
    }
}

impl Backend {
    /// The backend of a `DATABASE_URL`: `postgres://`/`postgresql://` or SQLite.
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// Adds `mode=rwc` to a SQLite URL so the file is created when missing.
pub fn sqlite_url_with_create(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Db {
    /// Connects and runs the migrations.
    ///
    /// SQLite gets WAL journaling and [`SQLITE_CONNECTIONS`] pooled connections: readers run side by side
    /// (WAL lets them read while one connection writes), and writers queue on SQLite's own write lock:
    /// every write transaction starts with `BEGIN IMMEDIATE` ([`Db::begin`]) and waits up to
    /// `busy_timeout` (10 s) for the lock instead of failing with "database is locked". Several server
    /// instances need PostgreSQL.
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn connect(url: &str) -> Result<Self, super::DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Sqlite => sqlite_url_with_create(url),
            Backend::Postgres => url.to_owned(),
        };
        let opts = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            Backend::Sqlite => {
                opts.max_connections(SQLITE_CONNECTIONS)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::query("PRAGMA journal_mode = WAL")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA busy_timeout = 10000")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA foreign_keys = ON")
                                .execute(&mut *conn)
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => opts.max_connections(16).connect(&url).await?,
        };
        let wakes = Arc::new(Wakes::default());
        let db = Self {
            pool,
            backend,
            url,
            outbox_wake: wakes.of(Channel::EMAIL),
            wakes,
            write_turn: Arc::new(tokio::sync::Semaphore::new(1)),
        };
        db.migrate().await?;
        Ok(db)
    }

    /// A pooled connection, for a read of several statements outside a transaction (e.g.
    /// `store::invitations::by_pk`); it goes back to the pool when dropped.
    ///
    /// # Errors
    /// Connection errors; [`super::Error::Busy`] when none came free within the pool's wait.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, super::DbError> {
        Ok(self.pool.acquire().await?)
    }

    /// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock at
    /// once (waiting up to `busy_timeout` for it), so a transaction that reads before it writes cannot fail
    /// with "database is locked" when another connection to the file (the session store's) wrote in
    /// between; a deferred transaction would have to upgrade its stale read snapshot, which WAL refuses
    /// without waiting. On PostgreSQL it is a plain `BEGIN`.
    ///
    /// On SQLite a write transaction first takes this process's turn to write ([`Db::write_turn`]):
    /// writers queue in order in the process instead of polling SQLite's lock, and one that waits more
    /// than [`SQLITE_WRITE_WAIT_SECS`] gives up, which the caller answers 503 with `Retry-After`
    /// ([`super::is_busy`]), never a 500 (issue 35 item 3).
    ///
    /// # Errors
    /// Connection errors; [`super::Error::Busy`] when no turn to write came within the wait.
    pub async fn begin(&self) -> Result<super::Tx, super::DbError> {
        let (inner, turn) = match self.backend {
            Backend::Sqlite => {
                let turn = tokio::time::timeout(
                    Duration::from_secs(SQLITE_WRITE_WAIT_SECS),
                    self.write_turn.clone().acquire_owned(),
                )
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed)?;
                (self.pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Backend::Postgres => (self.pool.begin().await?, None),
        };
        Ok(super::Tx {
            inner,
            wakes: self.wakes.clone(),
            queued: Vec::new(),
            after_commit: Vec::new(),
            _turn: turn,
        })
    }

    async fn migrate(&self) -> Result<(), super::DbError> {
        super::migrations::migrator(self.backend)
            .await
            .map_err(sqlx::Error::from)?
            .run(&self.pool)
            .await
            .map_err(sqlx::Error::from)?;
        Ok(())
    }

    /// Whether the database answers (readiness probe).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// A new random UUID (v4) as text.
pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A new time-ordered UUID (version 7, RFC 9562), as text: later ones sort after earlier ones (by the
/// millisecond, and within one by a counter of this process), so rows keyed by it list in the order
/// they were made, where their seconds are equal.
pub fn new_ordered_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// `$from, $from+1, …` for `n` values, for an `IN (…)` list (at least one `n`).
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
