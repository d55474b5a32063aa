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
    /// Its name, lowercase words joined by `_`: the `limit` label of its refusals in the metrics
    /// (`usher_limiter_refusals_total`, [`crate::service::metrics`]).
    pub name: &'static str,
    /// Hits allowed per window.
    pub max: i64,
    /// The window, seconds.
    pub window_secs: i64,
}

/// Failed sign-ins for one account from one client network: 10 per 15 minutes. Counted per network,
/// never per account alone, so nobody can lock `admin` out from elsewhere (issue 12 item 6).
pub const LOGIN_PER_ACCOUNT_AND_NETWORK: Limit = Limit {
    name: "login_per_account_and_network",
    max: 10,
    window_secs: 15 * 60,
};

/// Failed sign-ins for one account from every network it never signed in from, together: 50 per hour
/// (issue 35 item 5). An attacker who rotates networks (each with its own
/// [`LOGIN_PER_ACCOUNT_AND_NETWORK`]) runs out here, while the networks the owner signed in from before
/// are not counted and keep working, so this is no lockout. Keyed by the account's username key.
pub const LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS: Limit = Limit {
    name: "login_per_account_from_new_networks",
    max: 50,
    window_secs: 3600,
};

/// Failed sign-ins from one client network, whatever accounts it tries: 50 per 15 minutes (a password
/// sprayer across many usernames).
pub const LOGIN_PER_NETWORK: Limit = Limit {
    name: "login_per_network",
    max: 50,
    window_secs: 15 * 60,
};

/// Verification codes (new or re-sent) one client network may ask for: 20 per 10 minutes. Bounds the
/// email a public link lets anyone send, across browsers and verifications.
pub const CODES_PER_NETWORK: Limit = Limit {
    name: "codes_per_network",
    max: 20,
    window_secs: 10 * 60,
};

/// Enrollment posts that carry a password (each costs an argon2id hash, 19 MiB and tens of ms of a core)
/// from one client network: 60 per 10 minutes, counted before anything is hashed (issue 35 item 2). An
/// office behind one address enrolling its staff through a shared link stays well inside it.
pub const ENROLL_POSTS_PER_NETWORK: Limit = Limit {
    name: "enroll_posts_per_network",
    max: 60,
    window_secs: 10 * 60,
};

/// Enrollment posts that carry a password for one invitation (or one open-enrollment flow), whatever
/// networks they come from: 3,000 per 10 minutes, five a second on average. Bounds the hashing a link
/// holder who rotates networks can cause through one link to a small share of a core's (argon2id takes
/// 10–50 ms), while a crowd of hundreds signing up at once passes (and `scripts/bench.sh`'s 10-second
/// enrollment run, about a thousand accounts on one link).
pub const ENROLL_POSTS_PER_INVITATION: Limit = Limit {
    name: "enroll_posts_per_invitation",
    max: 3_000,
    window_secs: 10 * 60,
};

/// Failed guesses at the codes of one invitation, all its addresses, sessions and networks together:
/// 900 a day. This is the hard bound on a guesser's odds: past it, codes for that invitation pause until
/// the window ends and an event tells its admin (issue 12 item 7). Codes that belong to no invitation
/// (open enrollment's) share one such budget, [`OPEN_CODES_POOL`]. The budget's half is an event too
/// ([`passes_half`]; issue 35 item 4).
///
/// The arithmetic: a code is [`super::verification::CODE_DIGITS`] = 8 random decimal digits, so one
/// guess at a code the attacker never saw succeeds with probability 10⁻⁸. Rotating addresses (random
/// local parts of `*@company.com`), sessions and networks only buys more codes to guess at, never more
/// guesses: the budget counts guesses per invitation. So whatever an attacker rotates, their chance of
/// proving an address they do not own through one invitation is at most
/// (900 + 900 around a window edge) × 10⁻⁸ = 1.8 × 10⁻⁵ per day, below the 2 × 10⁻⁵ (1 in 50,000) the
/// issue asks; the 200 guesses of room cover guesses already being compared when the budget runs out.
/// 900 leaves room for the typos of a busy domain invitation (hundreds of invitees a day).
///
/// So that one guesser cannot pause an invitation for everyone, each network may use only a share of
/// it ([`CODE_FAILURES_PER_NETWORK_SHARE`]) and waits longer after each failure ([`code_delay_secs`]):
/// pausing an invitation takes [`CODE_FAILURES_PER_INVITATION`]` / `[`CODE_FAILURES_PER_NETWORK_SHARE`]
/// = 9 networks, each guessing for most of a day.
pub const CODE_FAILURES_PER_INVITATION: Limit = Limit {
    name: "code_failures_per_invitation",
    max: 900,
    window_secs: 86_400,
};

/// Failed guesses one client network may make at the codes of one invitation (or of
/// [`OPEN_CODES_POOL`]): 100 a day, a share of [`CODE_FAILURES_PER_INVITATION`]. Past it that network
/// is refused ([`CodeRefusal::Slowed`]) until the window ends, while other networks, and the people
/// holding a right code on them, go on (issue 35 item 4). The delays of [`code_delay_secs`] let a network
/// make about this many failures in a day anyway.
pub const CODE_FAILURES_PER_NETWORK_SHARE: Limit = Limit {
    name: "code_failures_per_network_share",
    max: 100,
    window_secs: 86_400,
};

/// Failures one network may make at one invitation's codes (its share's window) before each further
/// guess waits ([`code_delay_secs`]): 5, a person's typos.
pub const FREE_CODE_FAILURES: i64 = 5;

/// The longest wait between guesses of one network at one invitation's codes, seconds: 15 minutes.
pub const MAX_CODE_DELAY_SECS: i64 = 15 * 60;

/// The wait, seconds, before a network's next guess at one invitation's codes, after its `failures`-th
/// failure in its share's window: none for the first [`FREE_CODE_FAILURES`], then
/// 2^(failures − [`FREE_CODE_FAILURES`]) seconds (2, 4, 8, …), at most [`MAX_CODE_DELAY_SECS`]. A guess
/// inside the wait is refused before it is compared, so it costs the guesser time and no budget.
pub fn code_delay_secs(failures: i64) -> i64 {
    let over = failures - FREE_CODE_FAILURES;
    if over <= 0 {
        0
    } else if over >= 20 {
        MAX_CODE_DELAY_SECS
    } else {
        (1i64 << over).min(MAX_CODE_DELAY_SECS)
    }
}

/// Failed guesses at every code of this Usher (all invitations, and codes that belong to none): 10,000
/// a day. No stop (issue 35 item 4; until then it paused every code of the instance): past half of it
/// admins see a notice ([`passes_half`], [`past_half`]), and past it every network may make only
/// [`SLOWED_GUESSES_PER_NETWORK`] guesses, right or wrong, so someone holding a right code still gets
/// through at the first try. Each invitation's own budget still bounds the odds there; the instance's
/// odds grow with the networks an attacker holds, one guess a minute each.
pub const CODE_FAILURES_GLOBAL: Limit = Limit {
    name: "code_failures_global",
    max: 10_000,
    window_secs: 86_400,
};

/// Guesses (right or wrong) one network may make at any code while [`CODE_FAILURES_GLOBAL`] is passed: 1
/// a minute.
pub const SLOWED_GUESSES_PER_NETWORK: Limit = Limit {
    name: "slowed_guesses_per_network",
    max: 1,
    window_secs: 60,
};

/// Refused REST API tokens per client network: 20 per 5 minutes; beyond, 429 instead of 401.
pub const API_TOKEN_FAILURES_PER_NETWORK: Limit = Limit {
    name: "api_token_failures_per_network",
    max: 20,
    window_secs: 5 * 60,
};

/// REST API requests per token: 600 per minute.
pub const API_REQUESTS_PER_TOKEN: Limit = Limit {
    name: "api_requests_per_token",
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

/// The bucket of failed code guesses for the invitation `invitation_pk` (or [`OPEN_CODES_POOL`]).
pub fn code_failures_bucket(invitation_pk: &str) -> String {
    format!("code-fail:{invitation_pk}")
}

/// The budget that codes belonging to no invitation (open enrollment's) share, in place of an
/// invitation's pk (invitation pks are UUIDs, so it names none).
pub const OPEN_CODES_POOL: &str = "open";

/// The bucket of failed code guesses of the whole instance.
pub const CODE_FAILURES_GLOBAL_BUCKET: &str = "code-fail-all";

/// The buckets that meter guesses at a code of one invitation (or of [`OPEN_CODES_POOL`]) from one
/// network ([`network`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBuckets {
    /// The invitation's failures ([`CODE_FAILURES_PER_INVITATION`]).
    pub invitation: String,
    /// The network's failures on it ([`CODE_FAILURES_PER_NETWORK_SHARE`]).
    pub share: String,
    /// The network's current wait ([`code_delay_secs`]): a window that ends when the wait does.
    pub wait: String,
    /// The network's guesses while the instance's figure is passed ([`SLOWED_GUESSES_PER_NETWORK`]).
    pub slow: String,
}

impl CodeBuckets {
    /// The buckets of codes of `invitation_pk` (`None`: [`OPEN_CODES_POOL`]) guessed at from `network`.
    pub fn new(invitation_pk: Option<&str>, network: &str) -> Self {
        let pool = invitation_pk.unwrap_or(OPEN_CODES_POOL);
        Self {
            invitation: code_failures_bucket(pool),
            share: format!("code-fail-net:{pool}:{network}"),
            wait: format!("code-wait:{pool}:{network}"),
            slow: format!("code-slow:{network}"),
        }
    }

    /// The buckets [`guess_verdict`] and [`new_code_verdict`] read.
    pub fn to_read(&self) -> Vec<String> {
        vec![
            self.invitation.clone(),
            self.share.clone(),
            self.wait.clone(),
            CODE_FAILURES_GLOBAL_BUCKET.to_owned(),
        ]
    }
}

/// Why a guess at a code, or a new code, is refused now; each carries the seconds to wait (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// The invitation's budget ([`CODE_FAILURES_PER_INVITATION`]) is used up: for everyone.
    Paused(i64),
    /// This network used its share, waits after its failures, or had its guess of the minute while the
    /// instance's figure is passed: for this network only.
    Slowed(i64),
}

/// What a guess that may go ahead must still pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuessGate {
    /// Nothing more: compare it.
    Open,
    /// The instance's figure ([`CODE_FAILURES_GLOBAL`]) is passed: count it in the network's
    /// [`CodeBuckets::slow`] bucket and compare it only within [`SLOWED_GUESSES_PER_NETWORK`].
    SlowedDown,
}

/// The current window (hits, end) of `bucket` among `windows` (bucket, hits, window end) at `now`.
fn current(windows: &[(String, i64, i64)], bucket: &str, now: i64) -> Option<(i64, i64)> {
    windows
        .iter()
        .find(|(b, _, expires_at)| b == bucket && *expires_at > now)
        .map(|(_, hits, expires_at)| (*hits, *expires_at))
}

/// Whether a new code for the invitation of `buckets` may be sent to a client on their network, given
/// the current `windows` (bucket, hits, window end; UTC seconds) at `now`: not while the invitation's
/// budget or the network's share of it is used up.
///
/// # Errors
/// The [`CodeRefusal`] with the seconds until that window ends.
pub fn new_code_verdict(
    buckets: &CodeBuckets,
    windows: &[(String, i64, i64)],
    now: i64,
) -> Result<(), CodeRefusal> {
    let used = |bucket: &str, limit: Limit| {
        current(windows, bucket, now)
            .filter(|(hits, _)| *hits >= limit.max)
            .map(|(_, ends)| (ends - now).max(1))
    };
    if let Some(wait) = used(&buckets.invitation, CODE_FAILURES_PER_INVITATION) {
        return Err(CodeRefusal::Paused(wait));
    }
    if let Some(wait) = used(&buckets.share, CODE_FAILURES_PER_NETWORK_SHARE) {
        return Err(CodeRefusal::Slowed(wait));
    }
    Ok(())
}

/// Whether a guess at a code of the invitation of `buckets` from their network may be compared, given
/// the current `windows` (bucket, hits, window end; UTC seconds) at `now`: not while the invitation's
/// budget or the network's share is used up, nor inside the network's wait. Past the instance's figure
/// it may, metered ([`GuessGate::SlowedDown`]).
///
/// # Errors
/// The [`CodeRefusal`] with the seconds to wait.
pub fn guess_verdict(
    buckets: &CodeBuckets,
    windows: &[(String, i64, i64)],
    now: i64,
) -> Result<GuessGate, CodeRefusal> {
    new_code_verdict(buckets, windows, now)?;
    if let Some((_, ends)) = current(windows, &buckets.wait, now) {
        return Err(CodeRefusal::Slowed((ends - now).max(1)));
    }
    match current(windows, CODE_FAILURES_GLOBAL_BUCKET, now) {
        Some((hits, _)) if hits >= CODE_FAILURES_GLOBAL.max => Ok(GuessGate::SlowedDown),
        _ => Ok(GuessGate::Open),
    }
}

/// Whether the `hits`-th hit of a window is the one that takes it past half of `limit` (once a
/// window: the moment an event or alert is due).
pub fn passes_half(hits: i64, limit: Limit) -> bool {
    hits == limit.max / 2 + 1
}

/// Whether a window with `hits` hits ending at `expires_at` (UTC seconds) is past half of `limit` at
/// `now` (a notice is shown meanwhile).
pub fn past_half(hits: i64, expires_at: i64, limit: Limit, now: i64) -> bool {
    expires_at > now && hits > limit.max / 2
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
            name: "test",
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
    fn the_code_budgets_keep_a_guessers_odds_below_one_in_fifty_thousand_a_day() {
        let space = 10f64.powi(super::super::verification::CODE_DIGITS as i32);
        // A fixed window lets twice its budget through around an edge.
        let per_invitation = 2.0 * CODE_FAILURES_PER_INVITATION.max as f64 / space;
        assert!(per_invitation < 1.0 / 50_000.0, "{per_invitation}");
        assert_eq!(CODE_FAILURES_PER_INVITATION.window_secs, 86_400);
        // A network's share is a share: pausing an invitation takes several networks.
        const {
            assert!(
                CODE_FAILURES_PER_INVITATION.max / CODE_FAILURES_PER_NETWORK_SHARE.max >= 5
                    && CODE_FAILURES_PER_NETWORK_SHARE.window_secs
                        == CODE_FAILURES_PER_INVITATION.window_secs
            )
        };
        const { assert!(CODE_FAILURES_GLOBAL.max > CODE_FAILURES_PER_INVITATION.max) };
        const { assert!(LONGEST_WINDOW_SECS >= CODE_FAILURES_GLOBAL.window_secs) };
    }

    #[test]
    fn waits_between_guesses_grow_after_a_few_failures() {
        assert_eq!(code_delay_secs(0), 0);
        assert_eq!(code_delay_secs(FREE_CODE_FAILURES), 0, "typos are free");
        assert_eq!(code_delay_secs(FREE_CODE_FAILURES + 1), 2);
        assert_eq!(code_delay_secs(FREE_CODE_FAILURES + 2), 4);
        assert_eq!(code_delay_secs(FREE_CODE_FAILURES + 9), 512);
        assert_eq!(
            code_delay_secs(FREE_CODE_FAILURES + 10),
            MAX_CODE_DELAY_SECS
        );
        assert_eq!(
            code_delay_secs(i64::MAX),
            MAX_CODE_DELAY_SECS,
            "no overflow"
        );
        assert_eq!(code_delay_secs(-3), 0);
        let mut last = 0;
        for n in 0..200 {
            let d = code_delay_secs(n);
            assert!(d >= last && d <= MAX_CODE_DELAY_SECS, "{n}: {d}");
            last = d;
        }
        // The waits alone let a network fail about its share in a day.
        let a_day: i64 = (1..=CODE_FAILURES_PER_NETWORK_SHARE.max)
            .map(code_delay_secs)
            .sum();
        assert!(a_day > 20 * 3600 && a_day < 2 * 86_400, "{a_day}");
    }

    fn w(bucket: &str, hits: i64, ends: i64) -> (String, i64, i64) {
        (bucket.to_owned(), hits, ends)
    }

    #[test]
    fn a_used_up_invitation_budget_pauses_its_codes_for_everyone_until_its_window_ends() {
        let b = CodeBuckets::new(Some("inv"), "10.0.0.1");
        let max = CODE_FAILURES_PER_INVITATION.max;
        let one = |hits| vec![w("code-fail:inv", hits, 500)];
        assert_eq!(guess_verdict(&b, &one(max - 1), 100), Ok(GuessGate::Open));
        assert_eq!(
            guess_verdict(&b, &one(max), 100),
            Err(CodeRefusal::Paused(400))
        );
        assert_eq!(
            new_code_verdict(&b, &one(max), 100),
            Err(CodeRefusal::Paused(400))
        );
        assert_eq!(
            guess_verdict(&b, &one(max), 500),
            Ok(GuessGate::Open),
            "it ended"
        );
        // From any network; another invitation's budget does not apply.
        let elsewhere = CodeBuckets::new(Some("inv"), "192.0.2.1");
        assert_eq!(
            guess_verdict(&elsewhere, &one(max), 100),
            Err(CodeRefusal::Paused(400))
        );
        let other = CodeBuckets::new(Some("other"), "10.0.0.1");
        assert_eq!(guess_verdict(&other, &one(max), 100), Ok(GuessGate::Open));
        // Codes of no invitation share one pool.
        let open = CodeBuckets::new(None, "10.0.0.1");
        assert_eq!(open.invitation, code_failures_bucket(OPEN_CODES_POOL));
        assert_eq!(
            guess_verdict(&open, &[w("code-fail:open", max, 500)], 100),
            Err(CodeRefusal::Paused(400))
        );
    }

    #[test]
    fn a_network_past_its_share_or_inside_its_wait_is_slowed_alone() {
        let a = CodeBuckets::new(Some("inv"), "10.0.0.1");
        let c = CodeBuckets::new(Some("inv"), "192.0.2.1");
        let share = CODE_FAILURES_PER_NETWORK_SHARE.max;
        let used = vec![w(&a.share, share, 900), w("code-fail:inv", 2 * share, 900)];
        assert_eq!(guess_verdict(&a, &used, 100), Err(CodeRefusal::Slowed(800)));
        assert_eq!(
            new_code_verdict(&a, &used, 100),
            Err(CodeRefusal::Slowed(800))
        );
        assert_eq!(guess_verdict(&c, &used, 100), Ok(GuessGate::Open));
        let under = vec![w(&a.share, share - 1, 900)];
        assert_eq!(guess_verdict(&a, &under, 100), Ok(GuessGate::Open));
        // A wait refuses guesses, not new codes, and only its network's.
        let waiting = vec![w(&a.wait, 1, 130)];
        assert_eq!(
            guess_verdict(&a, &waiting, 100),
            Err(CodeRefusal::Slowed(30))
        );
        assert_eq!(
            guess_verdict(&a, &waiting, 130),
            Ok(GuessGate::Open),
            "it ended"
        );
        assert_eq!(new_code_verdict(&a, &waiting, 100), Ok(()));
        assert_eq!(guess_verdict(&c, &waiting, 100), Ok(GuessGate::Open));
    }

    #[test]
    fn past_the_instances_figure_guesses_are_metered_not_stopped() {
        let b = CodeBuckets::new(Some("inv"), "10.0.0.1");
        let max = CODE_FAILURES_GLOBAL.max;
        let g = |hits| vec![w(CODE_FAILURES_GLOBAL_BUCKET, hits, 500)];
        assert_eq!(guess_verdict(&b, &g(max - 1), 100), Ok(GuessGate::Open));
        assert_eq!(guess_verdict(&b, &g(max), 100), Ok(GuessGate::SlowedDown));
        assert_eq!(guess_verdict(&b, &g(max), 500), Ok(GuessGate::Open));
        assert_eq!(new_code_verdict(&b, &g(10 * max), 100), Ok(()));
        // One guess a minute per network.
        assert_eq!(verdict(1, 160, SLOWED_GUESSES_PER_NETWORK, 100), Ok(()));
        assert_eq!(verdict(2, 160, SLOWED_GUESSES_PER_NETWORK, 100), Err(60));
    }

    #[test]
    fn half_a_budget_is_passed_once_and_noticed_while_its_window_lasts() {
        let l = CODE_FAILURES_PER_INVITATION;
        let passed: Vec<i64> = (1..=l.max * 2).filter(|h| passes_half(*h, l)).collect();
        assert_eq!(passed, vec![l.max / 2 + 1]);
        assert!(!past_half(l.max / 2, 500, l, 100));
        assert!(past_half(l.max / 2 + 1, 500, l, 100));
        assert!(!past_half(l.max, 500, l, 500), "the window ended");
        let odd = Limit {
            name: "odd",
            max: 5,
            window_secs: 60,
        };
        assert!(passes_half(3, odd) && past_half(3, 60, odd, 0) && !past_half(2, 60, odd, 0));
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
            CodeBuckets::new(Some("n"), "n").share,
            CodeBuckets::new(Some("n"), "n").wait,
            CodeBuckets::new(Some("n"), "n").slow,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
