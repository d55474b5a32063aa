//! The storage layer (feature `ssr`): the only code of Usher that names `sqlx`, apart from the session
//! store's pool set-up in the server crate. One module per table group; each module's functions run SQL
//! and return `#[derive(sqlx::FromRow)]` rows or plain values, never tuples of more than three.
//!
//! Conventions:
//! - SQL is written once, in the dialect SQLite and PostgreSQL both accept (`$N` placeholders,
//!   `RETURNING`, `ON CONFLICT`); every static statement is a string literal in this module tree, so
//!   `server/tests/store_sql.rs` prepares each one against fresh SQLite and PostgreSQL schemas.
//! - A one-statement function takes any executor ([`Exec`]: `&db.pool` or `&mut *tx`); a function that
//!   runs several statements takes a connection (`&mut Conn`, e.g. `&mut tx`).
//! - Booleans are stored as `BIGINT` 0/1 on both backends and cross this boundary as [`Flag`].
//! - Times are UTC Unix seconds (`i64`).

pub mod approvals;
pub mod audit;
pub mod campaigns;
pub mod db;
pub mod directory;
pub mod enrollment;
pub mod events;
pub mod flows;
pub mod invitations;
pub mod inviters;
pub mod jobs;
pub mod limits;
pub mod migrations;
pub mod outbox;
pub mod policies;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod verification;
pub mod webhooks;

pub use db::{Backend, Db};

/// One generation of cached rows: the counter `n` of changes, and `epoch`, a random 64-bit value drawn at
/// every change (migration 0025). Equal generations have equal `n` and `epoch`; `n` orders them while
/// the database is not restored, and `epoch` tells a generation from one with the same `n` after a
/// restore from a backup, which a counter alone would repeat (issue 35 item 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    /// Changes counted, by triggers.
    pub n: i64,
    /// Random at every change.
    pub epoch: i64,
}

impl From<i64> for Generation {
    /// The generation `n` with epoch `n` (for tests that number generations).
    fn from(n: i64) -> Self {
        Self { n, epoch: n }
    }
}

/// The generations of what the per-instance caches hold ([`crate::service::cache`]), each kept by
/// triggers in the transaction of every change, by any instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generations {
    /// Of the flow definitions: flows, stages, their bindings, policies and policy bindings
    /// (migration 0019).
    pub flows: Generation,
    /// Of what an invitation's landing page reads: invitations, their roles and groups and those names,
    /// their creators' names and standing (migration 0020).
    pub invitations: Generation,
}

/// Both generations, in one query.
///
/// # Errors
/// Database errors.
pub async fn generations(ex: impl Exec<'_>) -> Result<Generations, DbError> {
    let (flows_n, flows_epoch, invitations_n, invitations_epoch): (i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT f.n, f.epoch, i.n, i.epoch FROM flow_generation f, invitation_generation i
             WHERE f.id = 1 AND i.id = 1",
        )
        .fetch_one(ex)
        .await?;
    Ok(Generations {
        flows: Generation {
            n: flows_n,
            epoch: flows_epoch,
        },
        invitations: Generation {
            n: invitations_n,
            epoch: invitations_epoch,
        },
    })
}

use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Encode, Type};
use std::sync::Arc;

/// A write transaction (see [`Db::begin`]). It dereferences to its connection, so a statement runs on
/// `&mut **tx` (or `&mut *tx` when owned). When it queued jobs ([`Tx::queue_job`]: mail, or a job of
/// another channel), committing it wakes this instance's worker of each of their channels: after the
/// commit, so the worker finds the job, and whichever service wrote it (other instances sharing the
/// database poll). A transaction that rolls back wakes nobody.
pub struct Tx {
    inner: sqlx::Transaction<'static, Any>,
    wakes: Arc<db::Wakes>,
    /// The channels it queued jobs of, each once.
    queued: Vec<crate::domain::jobs::Channel>,
    /// What to do once it committed ([`Tx::after_commit`]), in order.
    after_commit: Vec<Box<dyn FnOnce() + Send + Sync>>,
    /// On SQLite, this process's turn to write ([`Db::begin`]), given back when the transaction ends.
    _turn: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Tx {
    /// Commits; then wakes the worker of each channel it queued jobs of, and runs what was asked
    /// ([`Tx::after_commit`]).
    ///
    /// # Errors
    /// Database errors (nothing is then committed, no worker is woken and nothing asked runs).
    pub async fn commit(self) -> Result<(), DbError> {
        self.inner.commit().await?;
        for channel in &self.queued {
            self.wakes.of(*channel).notify_one();
        }
        for f in self.after_commit {
            f();
        }
        Ok(())
    }

    /// Runs `f` once this transaction committed, never when it rolls back (a metric counted only for
    /// a change that happened).
    pub fn after_commit(&mut self, f: impl FnOnce() + Send + Sync + 'static) {
        self.after_commit.push(Box::new(f));
    }

    /// Marks that this transaction queued a job of `channel` (called by the store's enqueues).
    pub(crate) fn queue_job(&mut self, channel: crate::domain::jobs::Channel) {
        if !self.queued.contains(&channel) {
            self.queued.push(channel);
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.inner
    }
}

/// One database connection (a transaction dereferences to it).
pub type Conn = sqlx::AnyConnection;

/// A database failure, as the services see it, made once from `sqlx::Error` ([`From`]) at the store's
/// boundary (issue 36 item 4): the services match on what it means, never on a driver's codes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A statement that must return a row returned none (`sqlx::Error::RowNotFound`).
    #[error("no row was found")]
    NotFound,
    /// A unique constraint refused the write (SQLite 2067/1555, PostgreSQL 23505): the constraint's name
    /// where the database gives one (PostgreSQL), else the database's message (SQLite names the
    /// columns there).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Only too busy now: no pooled connection or turn to write within the wait, or SQLite's
    /// `SQLITE_BUSY` / `SQLITE_LOCKED` after its `busy_timeout` ([`is_busy`]).
    #[error("database busy: {0}")]
    Busy(#[source] sqlx::Error),
    /// Anything else: connection, decoding, a constraint other than uniqueness.
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if matches!(e, sqlx::Error::RowNotFound) {
            return Self::NotFound;
        }
        if is_busy(&e) {
            return Self::Busy(e);
        }
        if let sqlx::Error::Database(d) = &e {
            if d.is_unique_violation() {
                return Self::Conflict(
                    d.constraint()
                        .map_or_else(|| d.message().to_owned(), str::to_owned),
                );
            }
        }
        Self::Other(e)
    }
}

/// A database failure: [`Error`] (the name the store's signatures use).
pub type DbError = Error;

/// Anything a single statement can run on: the pool (`&db.pool`) or a connection or transaction
/// (`&mut *tx`).
pub trait Exec<'e>: sqlx::Executor<'e, Database = Any> {}

impl<'e, T: sqlx::Executor<'e, Database = Any>> Exec<'e> for T {}

/// Where a few statements run one after the other: the pool (`&db.pool`: one pooled connection, no
/// transaction) or a connection or transaction (`&mut *tx`). Made with `.into()` from either.
pub enum OnConn<'a> {
    /// One connection taken from the pool for the statements.
    Pool(&'a sqlx::AnyPool),
    /// This connection (a transaction's).
    Conn(&'a mut Conn),
}

impl<'a> From<&'a sqlx::AnyPool> for OnConn<'a> {
    fn from(p: &'a sqlx::AnyPool) -> Self {
        Self::Pool(p)
    }
}

impl<'a> From<&'a mut Conn> for OnConn<'a> {
    fn from(c: &'a mut Conn) -> Self {
        Self::Conn(c)
    }
}

/// A boolean column: stored as `BIGINT` 0 or 1 on both backends (the schemas have no `BOOLEAN`), read
/// as `false` for 0 and `true` for anything else. Bind it with `.bind(Flag(b))`; in a row, declare the
/// field `bool` with `#[sqlx(try_from = "Flag")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> Self {
        f.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty) || <i32 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self(<i64 as Decode<'r, Any>>::decode(value)? != 0))
    }
}

impl<'q> Encode<'q, Any> for Flag {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Any>>::encode(i64::from(self.0), buf)
    }
}

/// `%term%` for `LIKE … ESCAPE '\'`: `term` lower-cased (compare it with a lower-cased column), with
/// `%`, `_` and `\` escaped so they match themselves.
pub fn contains_pattern(term: &str) -> String {
    format!(
        "%{}%",
        term.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The seconds a request turned away by a busy database is told to wait.
pub const BUSY_RETRY_AFTER_SECS: i64 = 2;

/// Whether a database error means only "too busy now": no connection from the pool, or no turn to write
/// ([`Db::begin`]), within the wait (`PoolTimedOut`), or SQLite's `SQLITE_BUSY` / `SQLITE_LOCKED`
/// (result codes 5 and 6, and their extended codes) after its `busy_timeout`.
pub fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        // Only SQLite's: PostgreSQL's codes are SQLSTATE text, some of them digits only.
        sqlx::Error::Database(d) => {
            d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
                && (busy_code(d.code().as_deref()) || d.message().contains("database is locked"))
        }
        _ => false,
    }
}

/// Whether a SQLite result code (primary or extended: the low byte is the primary) is `SQLITE_BUSY` (5) or
/// `SQLITE_LOCKED` (6).
fn busy_code(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|n| matches!(n & 0xff, 5 | 6))
}

/// Whether a database error is a unique violation (SQLite 2067/1555, PostgreSQL 23505).
pub fn is_unique_violation(e: &DbError) -> bool {
    matches!(e, Error::Conflict(_))
}

#[cfg(test)]
mod busy_tests {
    use super::busy_code;

    #[test]
    fn sqlite_busy_and_locked_codes_are_busy_and_others_are_not() {
        for c in ["5", "6", "261", "517", "262"] {
            assert!(busy_code(Some(c)), "{c}");
        }
        for c in ["19", "2067", "1555", "23505", "40001", "x"] {
            assert!(!busy_code(Some(c)), "{c}");
        }
        assert!(!busy_code(None));
    }
}
