//! The job queue's rules (issue 36 item 3): which worker runs a job (its [`Channel`]) and when a failed
//! job is tried again or given up on ([`RetryPolicy`], the outbox's capped backoff for every channel).

use super::outbox::{after_failure, DEFAULT_GIVE_UP_AFTER_SECS};

/// The kind of a job, stored in `outbox.channel`: each worker claims and runs the jobs of one channel.
/// A name of lowercase ASCII letters, digits and `-`, at most 32 bytes ([`Channel::is_valid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel(pub &'static str);

impl Channel {
    /// Email messages (the outbox's only channel before migration 0027; every earlier row is one). Their
    /// message is in the outbox's email columns, not in a payload.
    pub const EMAIL: Self = Self("email");

    /// Webhook deliveries (migration 0030): payload `{"webhook", "event", "id"?}`, one job per webhook
    /// and event, ordered per webhook by their `ordering_key`.
    pub const WEBHOOK: Self = Self("webhook");

    /// The name as stored.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Whether the name is one a channel may have: 1 to 32 bytes of `a`-`z`, `0`-`9` and `-`.
    pub fn is_valid(self) -> bool {
        (1..=32).contains(&self.0.len())
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// How a channel's failed jobs are retried: after attempt `n` fails, the next waits
/// `backoff_base · 2^(n-1)` seconds, at most an hour ([`super::outbox::backoff_secs`]), until the job has
/// been trying for `give_up_after_secs` (`USHER_OUTBOX_GIVE_UP_HOURS`), when it is marked failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failed attempt, seconds.
    pub backoff_base: i64,
    /// How long a job is retried before it is given up on, seconds (from its creation, or from an
    /// admin's retry).
    pub give_up_after_secs: i64,
}

impl Default for RetryPolicy {
    /// 5 s doubling, for 72 hours.
    fn default() -> Self {
        Self {
            backoff_base: 5,
            give_up_after_secs: DEFAULT_GIVE_UP_AFTER_SECS,
        }
    }
}

impl RetryPolicy {
    /// After attempt `attempts` of a job trying since `since` failed at `now` (UTC Unix seconds): when
    /// to try again, or `None` to give up ([`after_failure`]).
    pub fn after_failure(self, since: i64, attempts: i64, now: i64) -> Option<i64> {
        after_failure(
            since,
            attempts,
            now,
            self.backoff_base,
            self.give_up_after_secs,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_are_short_lowercase_words() {
        assert!(Channel::EMAIL.is_valid());
        assert!(Channel("webhook-delivery").is_valid());
        for bad in ["", "Email", "a b", "x'; --", &"a".repeat(33)] {
            let leaked: &'static str = Box::leak(bad.to_owned().into_boxed_str());
            assert!(!Channel(leaked).is_valid(), "{bad:?}");
        }
    }

    #[test]
    fn the_policy_is_the_outboxs_backoff() {
        let p = RetryPolicy {
            backoff_base: 5,
            give_up_after_secs: 72 * 3600,
        };
        assert_eq!(p.after_failure(0, 1, 10), Some(15));
        assert_eq!(p.after_failure(0, 30, 100), Some(3700));
        assert_eq!(p.after_failure(0, 3, 72 * 3600), None);
        assert_eq!(RetryPolicy::default(), p);
    }
}
