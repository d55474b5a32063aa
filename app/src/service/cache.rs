//! Per-instance caches of rows that many requests read and few change, each valid for one *generation*
//! of the rows it holds: a number kept in the database by triggers, in the transaction of every change
//! (migrations 0019, flows; 0020, invitations). A request reads the current generations (one query,
//! [`crate::store::generations`]) before anything else; a cached value loaded under another generation is
//! never served, so a change committed through any instance holds on every instance at its next request.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;

use crate::store::Generation;

/// Values by key as of one generation, at most `CAP` of them (a full cache starts over rather than grow).
/// Only what was found is cached: a lookup of an unknown key (a guessed token, a wrong slug) stores
/// nothing.
#[derive(Debug)]
pub struct GenerationCache<V, const CAP: usize> {
    inner: Mutex<Inner<V>>,
}

#[derive(Debug)]
struct Inner<V> {
    generation: Generation,
    values: HashMap<String, Arc<V>>,
}

impl<V, const CAP: usize> Default for GenerationCache<V, CAP> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                generation: Generation {
                    n: i64::MIN,
                    epoch: 0,
                },
                values: HashMap::new(),
            }),
        }
    }
}

impl<V, const CAP: usize> GenerationCache<V, CAP> {
    /// The value cached under `key` if it was loaded under `generation`.
    pub fn get(&self, generation: impl Into<Generation>, key: &str) -> Option<Arc<V>> {
        let generation = generation.into();
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        (inner.generation == generation)
            .then(|| inner.values.get(key).cloned())
            .flatten()
    }

    /// Caches `value`, loaded under `generation` (read before the rows were): a newer generation drops
    /// everything cached under older ones; a value loaded under an older generation than the cache's is
    /// not kept. A generation with the cache's `n` but another epoch (the database was restored) is newer.
    pub fn put(&self, generation: impl Into<Generation>, key: &str, value: Arc<V>) {
        let generation = generation.into();
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.generation != generation {
            if inner.generation.n > generation.n {
                return;
            }
            inner.generation = generation;
            inner.values.clear();
        }
        if inner.values.len() >= CAP {
            inner.values.clear();
        }
        inner.values.insert(key.to_owned(), value);
    }

    /// How many values are cached.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values
            .len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The current generations ([`crate::store::generations`]), read by a query that began after this call
/// and shared with the requests that asked meanwhile ([`ReadCoalescer`]); a failed shared read is
/// retried on its own so its error is this caller's.
///
/// # Errors
/// Database errors.
pub async fn generations(
    db: &super::Db,
) -> Result<crate::store::Generations, crate::store::DbError> {
    let pool = db.pool.clone();
    let shared = db
        .generations
        .read(move || {
            let pool = pool.clone();
            async move { crate::store::generations(&pool).await.ok() }
        })
        .await;
    match shared {
        Some(g) => Ok(g),
        None => crate::store::generations(&db.pool).await,
    }
}

/// Joins concurrent reads of one value (the generations) into as few reads as serve them all, without
/// ever answering a caller with a read that began before the caller asked: a caller waits for the next
/// read to *begin*, so whatever was committed before it asked is in its answer. At most one read runs at
/// a time; callers that arrive during it are served together by the next one. Under load this turns one
/// query per request into about one per query round trip (issue 13, P1), and an idle server pays one
/// spawned task per request.
#[derive(Debug)]
pub struct ReadCoalescer<T> {
    waiting: Mutex<Waiting<T>>,
}

#[derive(Debug)]
struct Waiting<T> {
    /// Whether a task is reading (and will serve `callers` when it is done).
    reading: bool,
    callers: Vec<oneshot::Sender<Option<T>>>,
}

impl<T> Default for ReadCoalescer<T> {
    fn default() -> Self {
        Self {
            waiting: Mutex::new(Waiting {
                reading: false,
                callers: Vec::new(),
            }),
        }
    }
}

impl<T: Clone + Send + 'static> ReadCoalescer<T> {
    /// The value as read by a `read` that began after this call: `None` when that read failed (then the
    /// caller reads on its own, to get the error) or the runtime is shutting down. `read` runs on a
    /// spawned task, so a caller that gives up does not cancel a read others wait for; a read that
    /// panics answers its callers `None` and the next caller starts afresh.
    pub async fn read<F, Fut>(self: &Arc<Self>, read: F) -> Option<T>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Option<T>> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let lead = {
            let mut w = self.lock();
            w.callers.push(tx);
            !std::mem::replace(&mut w.reading, true)
        };
        if lead {
            let mut reader = Reader {
                coalescer: self.clone(),
                finished: false,
            };
            tokio::spawn(async move {
                loop {
                    let callers = {
                        let mut w = reader.coalescer.lock();
                        if w.callers.is_empty() {
                            w.reading = false;
                            drop(w);
                            // A caller may already lead the next task: leave its state alone.
                            reader.finish();
                            return;
                        }
                        std::mem::take(&mut w.callers)
                    };
                    let value = read().await;
                    for caller in callers {
                        let _ = caller.send(value.clone());
                    }
                }
            });
        }
        rx.await.ok().flatten()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting<T>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The reading task's hold on its coalescer: when the task ends other than by finding no caller left
/// (its read panicked, or the runtime dropped it at shutdown), the next caller can start a read and the
/// callers still waiting are answered `None`.
struct Reader<T: Clone + Send + 'static> {
    coalescer: Arc<ReadCoalescer<T>>,
    /// Set when the task found no caller left and handed `reading` back itself.
    finished: bool,
}

impl<T: Clone + Send + 'static> Reader<T> {
    /// The task found no caller left and handed `reading` back itself.
    fn finish(&mut self) {
        self.finished = true;
    }
}

impl<T: Clone + Send + 'static> Drop for Reader<T> {
    fn drop(&mut self) {
        if !self.finished {
            let mut w = self.coalescer.lock();
            w.reading = false;
            w.callers.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Cache = GenerationCache<&'static str, 8>;

    #[test]
    fn a_value_is_served_only_for_its_generation() {
        let cache = Cache::default();
        cache.put(3, "a", Arc::new("a"));
        assert_eq!(cache.get(3, "a").as_deref(), Some(&"a"));
        assert!(cache.get(3, "b").is_none(), "unknown keys are not cached");
        assert!(cache.get(4, "a").is_none(), "a newer generation misses");
        // Loading under the newer generation drops everything cached under the older one.
        cache.put(4, "b", Arc::new("b"));
        assert!(cache.get(4, "a").is_none());
        assert!(cache.get(4, "b").is_some());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn values_loaded_under_an_older_generation_never_replace_newer_ones() {
        let cache = Cache::default();
        cache.put(5, "a", Arc::new("a"));
        cache.put(4, "b", Arc::new("b"));
        assert!(cache.get(5, "a").is_some());
        assert!(cache.get(5, "b").is_none());
        assert!(cache.get(4, "b").is_none());
    }

    #[test]
    fn a_restored_database_never_gets_values_from_before_the_restore() {
        let cache = Cache::default();
        let before = Generation { n: 7, epoch: 11 };
        cache.put(before, "a", Arc::new("before"));
        // Restored at n = 5 and changed twice: n = 7 again, under another epoch.
        let after = Generation { n: 7, epoch: -3 };
        assert!(cache.get(after, "a").is_none());
        cache.put(after, "a", Arc::new("after"));
        assert_eq!(cache.get(after, "a").as_deref(), Some(&"after"));
        assert!(cache.get(before, "a").is_none());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = Cache::default();
        for i in 0..17 {
            cache.put(1, &format!("k{i}"), Arc::new("x"));
        }
        assert!(cache.len() <= 8, "{}", cache.len());
        assert!(!cache.is_empty());
    }

    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
    use std::time::Duration;

    /// A reader of `version` that takes 5 ms and counts its reads.
    fn slow_reader(
        version: &Arc<AtomicI64>,
        reads: &Arc<AtomicUsize>,
    ) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Option<i64>> + Send>> + Send + 'static
    {
        let (version, reads) = (version.clone(), reads.clone());
        move || {
            let (version, reads) = (version.clone(), reads.clone());
            Box::pin(async move {
                reads.fetch_add(1, Ordering::SeqCst);
                let v = version.load(Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                Some(v)
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_caller_sees_what_was_committed_before_it_asked_and_reads_are_shared() {
        let coalescer = Arc::new(ReadCoalescer::<i64>::default());
        let version = Arc::new(AtomicI64::new(0));
        let reads = Arc::new(AtomicUsize::new(0));
        let callers: Vec<_> = (0..200)
            .map(|i| {
                let (coalescer, version) = (coalescer.clone(), version.clone());
                let read = slow_reader(&version, &reads);
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_micros(100 * (i % 50))).await;
                    // A change commits, then this caller asks: its answer must include the change.
                    let committed = version.fetch_add(1, Ordering::SeqCst) + 1;
                    let seen = coalescer.read(read).await.expect("a value");
                    assert!(
                        seen >= committed,
                        "read {seen}, committed {committed} before asking"
                    );
                })
            })
            .collect();
        for c in callers {
            c.await.expect("a caller");
        }
        let n = reads.load(Ordering::SeqCst);
        assert!(n < 100, "{n} reads for 200 concurrent callers");
        assert!(n >= 2, "{n} reads");
    }

    #[tokio::test]
    async fn a_failed_or_panicking_read_answers_none_and_the_next_caller_reads_again() {
        let coalescer = Arc::new(ReadCoalescer::<i64>::default());
        assert_eq!(coalescer.read(|| async { None }).await, None);
        assert_eq!(
            coalescer.read(|| async { panic!("a broken read") }).await,
            None
        );
        assert_eq!(coalescer.read(|| async { Some(7) }).await, Some(7));
    }
}
