//! Password hashing (argon2id, PHC strings, a bounded queue of blocking computations) and the
//! digests of high-entropy secrets (BLAKE2b): what every service that stores or checks a secret uses,
//! apart from the session (`auth`) and the users (`users`) that call it (issue 36 item 1).

use super::error::{Context, Error};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// A BLAKE2b-512 digest, hex, of `purpose` and `parts`, each followed by a NUL: for secrets with enough
/// entropy of their own (API tokens) or guarded by attempt limits (verification codes), where a slow
/// password hash would buy nothing. The purpose keeps digests of one kind from matching another.
pub fn secret_digest(purpose: &str, parts: &[&str]) -> String {
    use blake2::{Blake2b512, Digest};
    let mut d = Blake2b512::new().chain_update(purpose).chain_update(b"\0");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            d.update(b"\0");
        }
        d.update(p);
    }
    hex::encode(d.finalize())
}

/// A PHC string that never verifies, used to spend the same time when the user does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4f3TMv0D1OQm0CCSmSSiSRXaO/0kGRcBvS8BRmXLjKk";

/// At most this many argon2 computations for enrollment and other password writes run at once per CPU:
/// each takes 19 MiB and a core, so a burst of sign-ups waits its turn instead of starting hundreds of
/// threads (memory and CPU exhaustion). Sign-in has its own share ([`SIGN_IN_HASHES_PER_CPU`]).
const HASHES_PER_CPU: usize = 1;

/// The share of hashing reserved for sign-in, per CPU (issue 35 item 2): an enrollment flood fills only
/// the other queue, so the admin can still sign in.
const SIGN_IN_HASHES_PER_CPU: usize = 1;

/// Sign-ins that may wait for a turn, per CPU; past them a sign-in is answered 503 at once.
const SIGN_IN_WAITING_PER_CPU: usize = 64;

/// At most this many more may wait for their turn, per CPU (issue 12 item 6): past them a request is
/// answered 503 with `Retry-After` at once, instead of every request stalling behind a flood of guesses.
/// A waiter costs only its password's bytes, and a full queue drains in seconds (argon2id with these
/// parameters takes about 10–50 ms on a core in a release build: 256 × 50 ms ≈ 13 s at worst). It holds
/// two crowds of 200 invitees enrolling at once on 2 CPUs (`server/tests/enrollment.rs` runs its SQLite
/// and PostgreSQL cases in one process), whose refusals must say "used up", not "busy".
const WAITING_PER_CPU: usize = 256;

/// The seconds a request turned away by a full hashing queue is told to wait.
pub const BUSY_RETRY_AFTER_SECS: i64 = 1;

/// A bounded queue in front of a CPU-bound task: `running` at a time, and at most `waiting` more
/// waiting; one more is turned away.
pub struct HashQueue {
    /// Its `queue` label in the metrics ([`super::metrics::HASHING_QUEUE_DEPTH`]), also the `limit` of
    /// its refusals.
    name: &'static str,
    permits: tokio::sync::Semaphore,
    admitted: std::sync::atomic::AtomicUsize,
    max_admitted: usize,
}

/// A place in a [`HashQueue`], given back when dropped. It moves into the blocking task that hashes, so
/// the place is held until the hash ends even when the request that asked for it is dropped (a client
/// that disconnects cannot free its place while its hash still runs; issue 35 item 2).
pub struct Turn<'a> {
    queue: &'a HashQueue,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.queue
            .admitted
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

impl HashQueue {
    /// A queue named `name` (its metrics label) running `running` tasks at once with at most `waiting`
    /// more waiting.
    pub fn new(name: &'static str, running: usize, waiting: usize) -> Self {
        Self {
            name,
            permits: tokio::sync::Semaphore::new(running.max(1)),
            admitted: std::sync::atomic::AtomicUsize::new(0),
            max_admitted: running.max(1) + waiting,
        }
    }

    /// Tasks running or waiting for their turn now.
    pub fn depth(&self) -> usize {
        self.admitted.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Waits for a turn, or refuses at once when the queue is full.
    ///
    /// # Errors
    /// [`Error::Busy`] ([`BUSY_RETRY_AFTER_SECS`]) when `running + waiting` are already admitted.
    pub async fn enter(&self) -> Result<Turn<'_>, Error> {
        use std::sync::atomic::Ordering;
        let admitted = self
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_admitted).then_some(n + 1)
            });
        if admitted.is_err() {
            tracing::warn!(
                queue = self.name,
                "password hashing queue full; answering 503"
            );
            super::metrics::limiter_refused(self.name);
            return Err(Error::Busy(BUSY_RETRY_AFTER_SECS));
        }
        match self.permits.acquire().await {
            Ok(permit) => Ok(Turn {
                queue: self,
                _permit: permit,
            }),
            Err(_) => {
                self.admitted.fetch_sub(1, Ordering::AcqRel);
                Err(Error::Internal)
            }
        }
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The process's queue for password writes: enrollment, set-up, new users ([`HASHES_PER_CPU`] running,
/// [`WAITING_PER_CPU`] waiting, per CPU).
fn hashing() -> &'static HashQueue {
    static QUEUE: std::sync::OnceLock<HashQueue> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        HashQueue::new(
            super::metrics::HASH_QUEUE_WRITES,
            cpus() * HASHES_PER_CPU,
            cpus() * WAITING_PER_CPU,
        )
    })
}

/// The process's queue for sign-in's password checks, apart from [`hashing`]
/// ([`SIGN_IN_HASHES_PER_CPU`] running, [`SIGN_IN_WAITING_PER_CPU`] waiting, per CPU).
fn sign_in_hashing() -> &'static HashQueue {
    static QUEUE: std::sync::OnceLock<HashQueue> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        HashQueue::new(
            super::metrics::HASH_QUEUE_SIGN_IN,
            cpus() * SIGN_IN_HASHES_PER_CPU,
            cpus() * SIGN_IN_WAITING_PER_CPU,
        )
    })
}

/// The depth ([`HashQueue::depth`]) of each of the process's two hashing queues, by name.
pub fn queue_depths() -> [(&'static str, usize); 2] {
    [
        (hashing().name, hashing().depth()),
        (sign_in_hashing().name, sign_in_hashing().depth()),
    ]
}

/// The most argon2 computations the two queues let run at once in this process.
pub fn hash_bound() -> usize {
    cpus() * (HASHES_PER_CPU + SIGN_IN_HASHES_PER_CPU)
}

/// Argon2 computations running now, and the most that ever ran at once, in this process (for tests and
/// metrics: they stay within [`hash_bound`] whatever clients do).
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// `(running now, most at once, started in all)` argon2 computations of this process.
pub fn hash_stats() -> (usize, usize, u64) {
    use std::sync::atomic::Ordering;
    (
        RUNNING.load(Ordering::Acquire),
        PEAK.load(Ordering::Acquire),
        STARTED.load(Ordering::Acquire),
    )
}

/// Runs `work` (one argon2 computation) on a blocking thread holding `turn` until it ends, counted in
/// [`hash_stats`].
async fn run_hash<T: Send + 'static>(
    turn: Turn<'static>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    use std::sync::atomic::Ordering;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        STARTED.fetch_add(1, Ordering::AcqRel);
        let now = RUNNING.fetch_add(1, Ordering::AcqRel) + 1;
        PEAK.fetch_max(now, Ordering::AcqRel);
        let out = work();
        RUNNING.fetch_sub(1, Ordering::AcqRel);
        out
    })
    .await
}

/// Hashes a password with argon2id (default parameters: m=19456 KiB, t=2, p=1) on a blocking thread,
/// a bounded number at a time ([`hashing`]).
///
/// # Errors
/// [`Error::Busy`] when the queue is full; [`Error::Internal`] if hashing fails.
pub async fn hash_password(password: String) -> Result<String, Error> {
    let turn = hashing().enter().await?;
    run_hash(turn, move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .context("joining the password hashing task")?
    .context("hashing a password")
}

/// Verifies a password against a PHC string on a blocking thread, through sign-in's share of the hashing
/// ([`sign_in_hashing`]). A stored value that is no usable hash (an account without a password) is
/// checked against a dummy hash instead and never verifies, so it takes as long as a real check (no
/// timing oracle).
///
/// # Errors
/// [`Error::Busy`] when the queue is full.
pub async fn verify_password(password: String, phc: String) -> Result<bool, Error> {
    let turn = sign_in_hashing().enter().await?;
    Ok(run_hash(turn, move || {
        let (phc, usable) = match PasswordHash::new(&phc) {
            Ok(_) => (phc, true),
            Err(_) => (DUMMY_HASH.to_owned(), false),
        };
        PasswordHash::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
                    && usable
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false))
}

/// Spends one password check against a hash that never verifies: what a sign-in for an unknown
/// account costs, so accounts cannot be probed by timing.
///
/// # Errors
/// [`Error::Busy`] when the queue is full.
pub async fn verify_nothing(password: String) -> Result<(), Error> {
    verify_password(password, DUMMY_HASH.to_owned())
        .await
        .map(|_| ())
}

#[cfg(test)]
mod digest_tests {
    use super::secret_digest;

    #[test]
    fn secret_digests_separate_purposes_and_parts() {
        assert_eq!(secret_digest("a", &["x"]).len(), 128);
        assert_ne!(secret_digest("a", &["x"]), secret_digest("b", &["x"]));
        assert_ne!(secret_digest("a", &["x", "y"]), secret_digest("a", &["xy"]));
        assert_eq!(
            secret_digest("a", &["x", "y"]),
            secret_digest("a", &["x", "y"])
        );
    }
}

#[cfg(test)]
mod tests {
    use super::HashQueue;
    use crate::service::error::Error;

    #[tokio::test]
    async fn a_full_hashing_queue_answers_busy_at_once_and_frees_its_places() {
        let q2 = std::sync::Arc::new(HashQueue::new("test", 1, 1));
        let running = q2.enter().await.expect("a free permit");
        let waiting = {
            let q = q2.clone();
            tokio::spawn(async move { q.enter().await.map(|_| ()) })
        };
        // The waiter holds the last place; one more is turned away without waiting.
        for _ in 0..100 {
            if q2.depth() == 2 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(matches!(q2.enter().await, Err(Error::Busy(1))));
        drop(running);
        waiting.await.unwrap().expect("the waiter gets its turn");
        assert!(q2.enter().await.is_ok(), "places are given back");
    }
}
