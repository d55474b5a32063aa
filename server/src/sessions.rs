//! The session store: tower-sessions' SQLx stores for SQLite or PostgreSQL behind one type, so the router
//! is the same for both backends.

use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};
use usher_app::service::Backend;

tokio::task_local! {
    /// Set when a session store call of this request failed ([`answer_busy_when_the_store_failed`]).
    static STORE_FAILED: std::cell::Cell<bool>;
}

/// Notes a failed session store call for the request running it (outside such a request, nothing).
fn note<T>(r: session_store::Result<T>) -> session_store::Result<T> {
    if let Err(e) = &r {
        tracing::warn!(error = %e, "session store call failed");
        let _ = STORE_FAILED.try_with(|f| f.set(true));
    }
    r
}

/// Runs `request` (the session layer and all inside it) noting session store failures, and answers
/// `503 Service Unavailable` with `Retry-After: 1` where tower-sessions would answer a bare 500 because
/// its store failed (SQLite busy under a write flood, a pool that ran dry, the database gone): a
/// client is told to come back, never that Usher broke (issue 35 item 3).
pub async fn answer_busy_when_the_store_failed<F>(request: F) -> axum::response::Response
where
    F: std::future::Future<Output = axum::response::Response>,
{
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let (res, failed) = STORE_FAILED
        .scope(std::cell::Cell::new(false), async {
            let res = request.await;
            (res, STORE_FAILED.with(std::cell::Cell::get))
        })
        .await;
    if failed && res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        let mut busy = (
            StatusCode::SERVICE_UNAVAILABLE,
            "Usher is busy. Try again in a moment.",
        )
            .into_response();
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return busy;
    }
    res
}

/// A database-backed session store on the same database as the rest of Usher.
#[derive(Debug, Clone)]
pub enum DbSessionStore {
    /// `tower_sessions` table in the SQLite file.
    Sqlite(SqliteStore),
    /// `tower_sessions.session` table in PostgreSQL.
    Postgres(PostgresStore),
}

impl DbSessionStore {
    /// Connects its own small pool to `url` and creates the session table if missing.
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn connect(url: &str, backend: Backend) -> Result<Self, sqlx::Error> {
        Ok(match backend {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(opts)
                    .await?;
                let store = SqliteStore::new(pool);
                store.migrate().await?;
                Self::Sqlite(store)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new().max_connections(4).connect(url).await?;
                let store = PostgresStore::new(pool);
                store.migrate().await?;
                Self::Postgres(store)
            }
        })
    }

    /// Deletes expired sessions every `period` until the task is dropped.
    pub fn spawn_cleanup(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "expired session clean-up failed");
                }
            }
        })
    }
}

/// The id a session is stored under: the first 128 bits of the BLAKE2b-512 digest of the cookie's id.
/// The sessions table then holds no cookie value, so a copy of the database or a backup signs nobody
/// in (issue 12 item 16); the cookie's id is 128 random bits, so its digest cannot be worked back.
pub fn stored_id(id: &Id) -> Id {
    let hex = usher_app::service::hashing::secret_digest("usher-session-id", &[&id.0.to_string()]);
    let bits = u128::from_str_radix(&hex[..32], 16).expect("a digest is hex");
    Id(i128::from_ne_bytes(bits.to_ne_bytes()))
}

impl DbSessionStore {
    async fn save_as_stored(&self, record: &Record) -> session_store::Result<()> {
        let stored = Record {
            id: stored_id(&record.id),
            ..record.clone()
        };
        match self {
            Self::Sqlite(s) => s.save(&stored).await,
            Self::Postgres(s) => s.save(&stored).await,
        }
    }
}

/// Sessions are stored under [`stored_id`]; the cookie carries the id itself.
#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new random id until none is stored under its digest (as the SQLx stores do with the id).
        while self.load(&record.id).await?.is_some() {
            record.id = Id::default();
        }
        note(self.save_as_stored(record).await)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        note(self.save_as_stored(record).await)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let stored = stored_id(id);
        let record = note(match self {
            Self::Sqlite(s) => s.load(&stored).await,
            Self::Postgres(s) => s.load(&stored).await,
        })?;
        Ok(record.map(|r| Record { id: *id, ..r }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let stored = stored_id(id);
        note(match self {
            Self::Sqlite(s) => s.delete(&stored).await,
            Self::Postgres(s) => s.delete(&stored).await,
        })
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}
