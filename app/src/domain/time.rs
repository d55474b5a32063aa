//! Time parsing and formatting, pure: every instant is UTC Unix seconds ([`Timestamp`]) and "now" is passed
//! in; only `crate::service::time::now` reads the clock.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// An instant: UTC Unix seconds.
pub type Timestamp = i64;

/// `2026-11-28 12:00 UTC`.
pub fn format_absolute(ts: i64) -> String {
    match Utc.timestamp_opt(ts, 0).single() {
        Some(dt) => dt.format("%Y-%m-%d %H:%M UTC").to_string(),
        None => ts.to_string(),
    }
}

/// `2026-11-28T12:00:00Z`: RFC 3339 in UTC, for machines (a `<time datetime>` attribute).
pub fn format_rfc3339(ts: i64) -> String {
    match Utc.timestamp_opt(ts, 0).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => String::new(),
    }
}

/// `YYYY-MM-DDTHH:MM` (UTC), the value of an `<input type="datetime-local">`.
pub fn format_input(ts: i64) -> String {
    match Utc.timestamp_opt(ts, 0).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M").to_string(),
        None => String::new(),
    }
}

/// Parses `YYYY-MM-DDTHH:MM[:SS]` as UTC, or an RFC 3339 instant.
///
/// # Errors
/// [`super::NotADateTime`].
pub fn parse_input(raw: &str) -> Result<i64, super::NotADateTime> {
    let s = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.timestamp());
    }
    for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(dt.and_utc().timestamp());
        }
    }
    Err(super::NotADateTime)
}

/// "in 3 days", "2 hours ago", "in 5 minutes", "just now".
pub fn format_relative(ts: i64, now: i64) -> String {
    let d = ts - now;
    let a = d.abs();
    // Rounded to the nearest unit, so "now + 7 days" reads "in 7 days" a few seconds later.
    let (n, unit) = if a < 60 {
        return "just now".into();
    } else if a < 3600 - 30 {
        ((a + 30) / 60, "minute")
    } else if a < 86_400 - 1800 {
        ((a + 1800) / 3600, "hour")
    } else {
        ((a + 43_200) / 86_400, "day")
    };
    let plural = if n == 1 { "" } else { "s" };
    if d > 0 {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// Relative and absolute: "in 7 days (2026-11-28 12:00 UTC)"; "never" for `None`.
pub fn format_expiry(expires: Option<i64>, now: i64) -> String {
    match expires {
        Some(ts) => format!("{} ({})", format_relative(ts, now), format_absolute(ts)),
        None => "never".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_input() {
        let ts = parse_input("2026-11-28T12:00").unwrap();
        assert_eq!(format_input(ts), "2026-11-28T12:00");
        assert_eq!(format_absolute(ts), "2026-11-28 12:00 UTC");
        assert!(parse_input("tomorrow").is_err());
        assert_eq!(parse_input("2026-11-28T12:00:00Z").unwrap(), ts);
        assert_eq!(format_rfc3339(ts), "2026-11-28T12:00:00Z");
    }

    #[test]
    fn relative() {
        assert_eq!(format_relative(1000 + 7 * 86_400, 1000), "in 7 days");
        assert_eq!(format_relative(1000 - 3600, 1000), "1 hour ago");
        assert_eq!(format_relative(1000, 1000), "just now");
        assert_eq!(format_relative(1000 + 7 * 86_400 - 5, 1000), "in 7 days");
        assert_eq!(format_relative(1000 + 3590, 1000), "in 1 hour");
        assert_eq!(format_relative(1000 + 90, 1000), "in 2 minutes");
        assert_eq!(format_expiry(None, 0), "never");
    }
}
