//! Sign-in attempt limiting (DESIGN.md "Security rules": login attempts rate-limited).
//!
//! A sliding window of failed attempts per key (the lower-cased username): after `max_failures` failures
//! within `window_secs`, further attempts for that key are refused until the oldest failure leaves the
//! window. A success clears the key. Kept in memory: each server instance limits on its own.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Failed-attempt limiter. Times are UTC Unix seconds.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window_secs: i64,
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl Default for LoginLimiter {
    /// 10 failures per 15 minutes.
    fn default() -> Self {
        Self::new(10, 15 * 60)
    }
}

impl LoginLimiter {
    /// A limiter allowing `max_failures` failures per `window_secs` seconds per key.
    pub fn new(max_failures: usize, window_secs: i64) -> Self {
        Self {
            max_failures,
            window_secs,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// Reserves an attempt at `now`: it counts as a failure until [`Self::succeeded`] clears the key, so
    /// parallel guesses cannot all slip past the check. `Err` holds the seconds until an attempt may be made.
    pub fn try_begin(&self, username: &str, now: i64) -> Result<(), i64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 4096 {
            let horizon = now - self.window_secs;
            map.retain(|_, q| q.back().is_some_and(|t| *t > horizon));
        }
        let q = map.entry(Self::key(username)).or_default();
        while q.front().is_some_and(|t| *t <= now - self.window_secs) {
            q.pop_front();
        }
        if q.len() >= self.max_failures {
            let oldest = q.front().copied().unwrap_or(now);
            return Err((oldest + self.window_secs - now).max(1));
        }
        q.push_back(now);
        Ok(())
    }

    /// Clears the key after a successful sign-in.
    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Self::key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::LoginLimiter;

    #[test]
    fn refuses_after_max_failures_until_the_window_passes() {
        let l = LoginLimiter::new(3, 60);
        for t in 0..3 {
            assert!(l
                .try_begin(if t == 0 { "Admin" } else { "admin" }, 100 + t)
                .is_ok());
        }
        assert_eq!(l.try_begin("ADMIN", 110), Err(50));
        assert!(l.try_begin("someone-else", 110).is_ok());
        assert!(
            l.try_begin("admin", 160).is_ok(),
            "the oldest attempt left the window"
        );
        l.succeeded("admin");
        assert!(l.try_begin("admin", 161).is_ok());
    }
}
