//! Per-instance caches of rows that many requests read and few change, each valid for one *generation*
//! of the rows it holds: a number kept in the database by triggers, in the transaction of every change
//! (migrations 0019, flows; 0020, invitations). A request reads the current generations (one query,
//! [`crate::store::generations`]) before anything else; a cached value loaded under another generation is
//! never served, so a change committed through any instance holds on every instance at its next request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Values by key as of one generation, at most `CAP` of them (a full cache starts over rather than grow).
/// Only what was found is cached: a lookup of an unknown key (a guessed token, a wrong slug) stores
/// nothing.
#[derive(Debug)]
pub struct GenerationCache<V, const CAP: usize> {
    inner: Mutex<Inner<V>>,
}

#[derive(Debug)]
struct Inner<V> {
    generation: i64,
    values: HashMap<String, Arc<V>>,
}

impl<V, const CAP: usize> Default for GenerationCache<V, CAP> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                generation: i64::MIN,
                values: HashMap::new(),
            }),
        }
    }
}

impl<V, const CAP: usize> GenerationCache<V, CAP> {
    /// The value cached under `key` if it was loaded under `generation`.
    pub fn get(&self, generation: i64, key: &str) -> Option<Arc<V>> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        (inner.generation == generation)
            .then(|| inner.values.get(key).cloned())
            .flatten()
    }

    /// Caches `value`, loaded under `generation` (read before the rows were): a newer generation drops
    /// everything cached under older ones; a value loaded under an older generation than the cache's is
    /// not kept.
    pub fn put(&self, generation: i64, key: &str, value: Arc<V>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.generation != generation {
            if inner.generation > generation {
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
    fn the_cache_stays_bounded() {
        let cache = Cache::default();
        for i in 0..17 {
            cache.put(1, &format!("k{i}"), Arc::new("x"));
        }
        assert!(cache.len() <= 8, "{}", cache.len());
        assert!(!cache.is_empty());
    }
}
