//! Rate limits (DESIGN.md "Security rules"; issue 12 items 6, 8 and 9): fixed-window counters kept in
//! the database, so every instance sharing it counts the same hits, and their state is one row per
//! bucket active in the last window, pruned on a schedule.
//!
//! A bucket is named by one of the functions below; every name starts with what it limits, so buckets
//! of different limits never meet. Client networks are [`network`]: an IPv4 address, or an IPv6 /64 (a
//! host usually holds a whole /64, so counting single IPv6 addresses would not limit it).
//!
//! A fixed window lets at most `2 × max` hits through around a window's edge; the budgets below are
//! chosen with that in mind.

use std::net::IpAddr;

/// At most `max` hits per `window_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Hits allowed per window.
    pub max: i64,
    /// The window, seconds.
    pub window_secs: i64,
}

/// Failed sign-ins for one account from one client network: 10 per 15 minutes. Counted per network,
/// never per account alone, so nobody can lock `admin` out from elsewhere (issue 12 item 6).
pub const LOGIN_PER_ACCOUNT_AND_NETWORK: Limit = Limit {
    max: 10,
    window_secs: 15 * 60,
};

/// Failed sign-ins from one client network, whatever accounts it tries: 50 per 15 minutes (a password
/// sprayer across many usernames).
pub const LOGIN_PER_NETWORK: Limit = Limit {
    max: 50,
    window_secs: 15 * 60,
};

/// Verification codes (new or re-sent) one client network may ask for: 20 per 10 minutes. Bounds the
/// email a public link lets anyone send, across browsers and verifications.
pub const CODES_PER_NETWORK: Limit = Limit {
    max: 20,
    window_secs: 10 * 60,
};

/// Refused REST API tokens per client network: 20 per 5 minutes; beyond, 429 instead of 401.
pub const API_TOKEN_FAILURES_PER_NETWORK: Limit = Limit {
    max: 20,
    window_secs: 5 * 60,
};

/// REST API requests per token: 600 per minute.
pub const API_REQUESTS_PER_TOKEN: Limit = Limit {
    max: 600,
    window_secs: 60,
};

/// The longest window of any limit above, seconds: a bucket is prunable once its window ended.
pub const LONGEST_WINDOW_SECS: i64 = 15 * 60;

/// Whether a hit counted as the `hits`-th of a window ending at `expires_at` (UTC Unix seconds) is
/// within `limit` at `now`.
///
/// # Errors
/// The seconds until the window ends (at least 1), when the hit is past the limit.
pub fn verdict(hits: i64, expires_at: i64, limit: Limit, now: i64) -> Result<(), i64> {
    if hits <= limit.max {
        Ok(())
    } else {
        Err((expires_at - now).max(1))
    }
}

/// The network a client address is counted under: an IPv4 address as it is (an IPv4-mapped IPv6
/// address as its IPv4 address), an IPv6 address by its /64. Text that is no address is kept as it is
/// (an in-process call has none).
pub fn network(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

/// The bucket of failed sign-ins for `username` (trimmed, lower-cased) from `network`.
pub fn login_account_bucket(username: &str, network: &str) -> String {
    format!("login:{network}:{}", username.trim().to_lowercase())
}

/// The bucket of failed sign-ins from `network`.
pub fn login_network_bucket(network: &str) -> String {
    format!("login-net:{network}")
}

/// The bucket of codes asked for from `network`.
pub fn codes_bucket(network: &str) -> String {
    format!("codes:{network}")
}

/// The bucket of refused API tokens from `network`.
pub fn api_failures_bucket(network: &str) -> String {
    format!("api-fail:{network}")
}

/// The bucket of API requests made with the token `token_pk`.
pub fn api_requests_bucket(token_pk: &str) -> String {
    format!("api:{token_pk}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_past_the_limit_waits_for_the_window_to_end() {
        let l = Limit {
            max: 3,
            window_secs: 60,
        };
        assert_eq!(verdict(3, 160, l, 100), Ok(()));
        assert_eq!(verdict(4, 160, l, 100), Err(60));
        assert_eq!(verdict(4, 160, l, 160), Err(1), "never less than a second");
    }

    #[test]
    fn ipv6_clients_count_by_network() {
        assert_eq!(network("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(network("2001:db8:1:2:bbbb::9"), network("2001:db8:1:2::1"));
        assert_ne!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
        assert_eq!(network("10.0.0.1"), "10.0.0.1");
        assert_eq!(network("::ffff:10.0.0.1"), "10.0.0.1");
        assert_eq!(network(""), "");
    }

    #[test]
    fn buckets_of_different_limits_never_meet() {
        assert_eq!(
            login_account_bucket(" Admin ", "10.0.0.1"),
            "login:10.0.0.1:admin"
        );
        let all = [
            login_account_bucket("x", "n"),
            login_network_bucket("n"),
            codes_bucket("n"),
            api_failures_bucket("n"),
            api_requests_bucket("n"),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
