//! Rate limits (DESIGN.md "Security rules"; issue 12 items 6, 8 and 9): fixed-window counters kept in
//! the database, so every instance sharing it counts the same hits, and their state is one row per
//! bucket active in the last window, pruned on a schedule.
//!
//! A bucket is named by one of the functions below; every name starts with what it limits, so buckets
//! of different limits never meet. Client networks are [`network`]: an IPv4 address, or an IPv6 /48 (a
//! host usually holds a whole /64 and a site a /48, so counting single IPv6 addresses, or /64s, would
//! let one customer of one provider rotate through 65,536 networks).
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

/// Failed sign-ins for one account from every network it never signed in from, together: 50 per hour
/// (issue 35 item 5). An attacker who rotates networks (each with its own
/// [`LOGIN_PER_ACCOUNT_AND_NETWORK`]) runs out here, while the networks the owner signed in from before
/// are not counted and keep working, so this is no lockout. Keyed by the account's username key.
pub const LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS: Limit = Limit {
    max: 50,
    window_secs: 3600,
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

/// Enrollment posts that carry a password (each costs an argon2id hash, 19 MiB and tens of ms of a core)
/// from one client network: 60 per 10 minutes, counted before anything is hashed (issue 35 item 2). An
/// office behind one address enrolling its staff through a shared link stays well inside it.
pub const ENROLL_POSTS_PER_NETWORK: Limit = Limit {
    max: 60,
    window_secs: 10 * 60,
};

/// Enrollment posts that carry a password for one invitation (or one open-enrollment flow), whatever
/// networks they come from: 3,000 per 10 minutes, five a second on average. Bounds the hashing a link
/// holder who rotates networks can cause through one link to a small share of a core's (argon2id takes
/// 10–50 ms), while a crowd of hundreds signing up at once passes (and `scripts/bench.sh`'s 10-second
/// enrollment run, about a thousand accounts on one link).
pub const ENROLL_POSTS_PER_INVITATION: Limit = Limit {
    max: 3_000,
    window_secs: 10 * 60,
};

/// Failed guesses at the codes of one invitation, all its addresses, sessions and networks together:
/// 1,000 a day. Past it, codes for that invitation pause until the window ends and an event tells its
/// admin (issue 12 item 7).
///
/// The arithmetic: a code is [`super::verification::CODE_DIGITS`] = 8 random decimal digits, so one
/// guess at a code the attacker never saw succeeds with probability 10⁻⁸. Rotating addresses (random
/// local parts of `*@company.com`), sessions and networks only buys more codes to guess at, never more
/// guesses: the budget counts guesses per invitation. So whatever an attacker rotates, their chance of
/// proving an address they do not own through one invitation is at most
/// (1,000 + 1,000 around a window edge) × 10⁻⁸ = 2 × 10⁻⁵ per day, below the 10⁻⁴ the issue asks.
/// 1,000 leaves room for the typos of a busy domain invitation (hundreds of invitees a day).
pub const CODE_FAILURES_PER_INVITATION: Limit = Limit {
    max: 1_000,
    window_secs: 86_400,
};

/// Failed guesses at every code of this Usher (all invitations, and codes that belong to none): 10,000
/// a day. Bounds an attacker who spreads guesses over many invitations: at most
/// 2 × 10,000 × 10⁻⁸ = 2 × 10⁻⁴ successes a day for the whole instance. Past it, code checks pause for
/// everyone until the window ends (they fail closed).
pub const CODE_FAILURES_GLOBAL: Limit = Limit {
    max: 10_000,
    window_secs: 86_400,
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
pub const LONGEST_WINDOW_SECS: i64 = 86_400;

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
/// address as its IPv4 address), an IPv6 address by its /48. Text that is no address is kept as it is
/// (an in-process call has none).
pub fn network(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

/// The bucket of failed sign-ins for the account `username_key` ([`crate::domain::user::username_key`]:
/// `ADMIN` and `ａｄｍｉｎ` are one account) from `network`.
pub fn login_account_bucket(username_key: &str, network: &str) -> String {
    format!("login:{network}:{username_key}")
}

/// The bucket of failed sign-ins for the account `username_key` from networks it never signed in from.
pub fn login_new_networks_bucket(username_key: &str) -> String {
    format!("login-new:{username_key}")
}

/// The bucket of failed sign-ins from `network`.
pub fn login_network_bucket(network: &str) -> String {
    format!("login-net:{network}")
}

/// The bucket of codes asked for from `network`.
pub fn codes_bucket(network: &str) -> String {
    format!("codes:{network}")
}

/// The bucket of failed code guesses for the invitation `invitation_pk`.
pub fn code_failures_bucket(invitation_pk: &str) -> String {
    format!("code-fail:{invitation_pk}")
}

/// The bucket of failed code guesses of the whole instance.
pub const CODE_FAILURES_GLOBAL_BUCKET: &str = "code-fail-all";

/// The budgets of failed code guesses that apply to a code of invitation `invitation_pk` (none for a
/// code that belongs to no invitation, such as open enrollment's): its own, and the instance's.
pub fn code_failure_budgets(invitation_pk: Option<&str>) -> Vec<(String, Limit)> {
    let mut budgets = vec![(CODE_FAILURES_GLOBAL_BUCKET.to_owned(), CODE_FAILURES_GLOBAL)];
    if let Some(pk) = invitation_pk {
        budgets.push((code_failures_bucket(pk), CODE_FAILURES_PER_INVITATION));
    }
    budgets
}

/// Whether any of `budgets` is used up by its current window (`windows`: bucket, hits, window end) at
/// `now`: the seconds until the last used-up one's window ends (at least 1), else `None`.
pub fn exhausted(
    windows: &[(String, i64, i64)],
    budgets: &[(String, Limit)],
    now: i64,
) -> Option<i64> {
    windows
        .iter()
        .filter(|(bucket, hits, expires_at)| {
            *expires_at > now
                && budgets
                    .iter()
                    .any(|(b, limit)| b == bucket && *hits >= limit.max)
        })
        .map(|(_, _, expires_at)| (expires_at - now).max(1))
        .max()
}

/// The bucket of enrollment posts from `network`.
pub fn enroll_network_bucket(network: &str) -> String {
    format!("enroll-net:{network}")
}

/// The bucket of enrollment posts for the invitation `invitation_pk`, or, without one (open
/// enrollment), for the flow `flow_slug`.
pub fn enroll_invitation_bucket(invitation_pk: Option<&str>, flow_slug: &str) -> String {
    match invitation_pk {
        Some(pk) => format!("enroll-inv:{pk}"),
        None => format!("enroll-flow:{flow_slug}"),
    }
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
        // Per /48 (issue 12 item 7; this test said /64 before): the /64s of one site count together.
        assert_eq!(network("2001:db8:1:2:aaaa::1"), "2001:db8:1::/48");
        assert_eq!(network("2001:db8:1:2:bbbb::9"), network("2001:db8:1:2::1"));
        assert_eq!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
        assert_ne!(network("2001:db8:2:2::1"), network("2001:db8:1:2::1"));
        assert_eq!(network("10.0.0.1"), "10.0.0.1");
        assert_eq!(network("::ffff:10.0.0.1"), "10.0.0.1");
        assert_eq!(network(""), "");
    }

    #[test]
    fn the_code_budgets_keep_a_guessers_odds_below_one_in_ten_thousand_a_day() {
        let space = 10f64.powi(super::super::verification::CODE_DIGITS as i32);
        // A fixed window lets twice its budget through around an edge.
        let per_invitation = 2.0 * CODE_FAILURES_PER_INVITATION.max as f64 / space;
        assert!(per_invitation < 1e-4, "{per_invitation}");
        assert_eq!(CODE_FAILURES_PER_INVITATION.window_secs, 86_400);
        const { assert!(CODE_FAILURES_GLOBAL.max > CODE_FAILURES_PER_INVITATION.max) };
        const { assert!(LONGEST_WINDOW_SECS >= CODE_FAILURES_GLOBAL.window_secs) };
    }

    #[test]
    fn a_used_up_code_budget_pauses_until_its_window_ends() {
        let budgets = code_failure_budgets(Some("inv"));
        let max = CODE_FAILURES_PER_INVITATION.max;
        let w = |hits| vec![("code-fail:inv".to_owned(), hits, 500)];
        assert_eq!(exhausted(&w(max - 1), &budgets, 100), None);
        assert_eq!(exhausted(&w(max), &budgets, 100), Some(400));
        assert_eq!(exhausted(&w(max), &budgets, 500), None, "the window ended");
        // Another invitation's budget does not apply.
        assert_eq!(
            exhausted(&w(max), &code_failure_budgets(Some("other")), 100),
            None
        );
        // The instance's budget applies to every code, an invitation's or not.
        let global = vec![(
            CODE_FAILURES_GLOBAL_BUCKET.to_owned(),
            CODE_FAILURES_GLOBAL.max,
            200,
        )];
        assert_eq!(
            exhausted(&global, &code_failure_budgets(None), 100),
            Some(100)
        );
        assert_eq!(code_failure_budgets(None).len(), 1);
    }

    #[test]
    fn buckets_of_different_limits_never_meet() {
        // The caller passes the username key (domain::user::username_key), which folds case and width.
        assert_eq!(
            login_account_bucket("admin", "10.0.0.1"),
            "login:10.0.0.1:admin"
        );
        let all = [
            login_account_bucket("x", "n"),
            login_new_networks_bucket("n"),
            enroll_network_bucket("n"),
            enroll_invitation_bucket(Some("n"), "n"),
            enroll_invitation_bucket(None, "n"),
            login_network_bucket("n"),
            codes_bucket("n"),
            api_failures_bucket("n"),
            api_requests_bucket("n"),
            code_failures_bucket("n"),
            CODE_FAILURES_GLOBAL_BUCKET.to_owned(),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
