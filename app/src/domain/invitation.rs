//! Invitation rules: name syntax, status, quota, link building (DESIGN.md "Domain model").

use serde::{Deserialize, Serialize};
use std::fmt;

/// An invitation's name: a slug matching `^[-a-zA-Z0-9_]+$` (authentik's `Invitation.name` SlugField),
/// at most 50 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationName(String);

impl InvitationName {
    /// Parses a name, trimming surrounding whitespace.
    ///
    /// # Errors
    /// A message for the form when the name is empty, too long, or holds a character other than
    /// ASCII letters, digits, `-` and `_`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Name is required.".into());
        }
        if s.len() > 50 {
            return Err("Name must be at most 50 characters.".into());
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err("Name may contain only letters, digits, '-' and '_' (a slug).".into());
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The computed state of an invitation, evaluated in this order: disabled, expired, used up, active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// `enabled = false`: the admin switched it off.
    Disabled,
    /// `expires <= now`.
    Expired,
    /// `quota` is set and `uses >= quota`.
    UsedUp,
    /// Usable.
    Active,
}

impl InvitationStatus {
    /// Computes the status. `expires` and `now` are UTC Unix seconds; `quota` `None` means unlimited.
    /// An invitation whose expiry instant equals `now` is expired.
    pub fn compute(
        enabled: bool,
        expires: Option<i64>,
        uses: i64,
        quota: Option<i64>,
        now: i64,
    ) -> Self {
        if !enabled {
            Self::Disabled
        } else if expires.is_some_and(|e| e <= now) {
            Self::Expired
        } else if quota.is_some_and(|q| uses >= q) {
            Self::UsedUp
        } else {
            Self::Active
        }
    }

    /// The label shown in badges: `active`, `disabled`, `expired`, `used up`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::Expired => "expired",
            Self::UsedUp => "used up",
            Self::Active => "active",
        }
    }

    /// The reason an invitee may be told when the invitation cannot be used, `None` when active.
    pub fn refusal_reason(self) -> Option<&'static str> {
        match self {
            Self::Disabled => Some("This invitation has been disabled."),
            Self::Expired => Some("This invitation has expired."),
            Self::UsedUp => Some("This invitation has already been used."),
            Self::Active => None,
        }
    }
}

impl fmt::Display for InvitationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Reconciles `single_use` and `quota` (DESIGN.md: "single_use ⇔ quota 1").
///
/// Returns the stored `(single_use, quota)` pair: single use forces quota 1, and quota 1 means single use.
///
/// # Errors
/// A message when the quota is below 1, or single use is combined with a quota other than 1.
pub fn reconcile_quota(
    single_use: bool,
    quota: Option<i64>,
) -> Result<(bool, Option<i64>), String> {
    match (single_use, quota) {
        (_, Some(q)) if q < 1 => Err("Quota must be at least 1, or empty for unlimited.".into()),
        (true, Some(q)) if q != 1 => Err("A single-use invitation has a quota of 1.".into()),
        (true, _) => Ok((true, Some(1))),
        (false, Some(1)) => Ok((true, Some(1))),
        (false, q) => Ok((false, q)),
    }
}

/// Parses the quota field of the form: empty means unlimited.
///
/// # Errors
/// A message when the text is not a whole number.
pub fn parse_quota(raw: &str) -> Result<Option<i64>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .map(Some)
        .map_err(|_| "Quota must be a whole number, or empty for unlimited.".into())
}

/// Builds the invitation link `{public_url}/if/flow/{flow_slug}/?itoken={token}` (authentik's link form).
/// A trailing `/` on `public_url` is ignored.
pub fn invitation_link(public_url: &str, flow_slug: &str, token: &str) -> String {
    format!(
        "{}/if/flow/{}/?itoken={}",
        public_url.trim_end_matches('/'),
        flow_slug,
        token
    )
}

/// Whether `raw` has the shape of an invitation token (a hyphenated UUID). Anything else is refused
/// before any database look-up.
pub fn is_token_shaped(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_slugs() {
        assert!(InvitationName::parse("jane-smith-2026_02").is_ok());
        assert_eq!(InvitationName::parse("  ok  ").unwrap().as_str(), "ok");
        assert!(InvitationName::parse("").is_err());
        assert!(InvitationName::parse("has space").is_err());
        assert!(InvitationName::parse("émile").is_err());
        assert!(InvitationName::parse("a/b").is_err());
        assert!(InvitationName::parse(&"x".repeat(51)).is_err());
    }

    #[test]
    fn status_order_is_disabled_expired_used_up_active() {
        let now = 1_000;
        assert_eq!(
            InvitationStatus::compute(false, Some(0), 5, Some(1), now),
            InvitationStatus::Disabled
        );
        assert_eq!(
            InvitationStatus::compute(true, Some(now), 5, Some(1), now),
            InvitationStatus::Expired
        );
        assert_eq!(
            InvitationStatus::compute(true, Some(now + 1), 1, Some(1), now),
            InvitationStatus::UsedUp
        );
        assert_eq!(
            InvitationStatus::compute(true, None, 0, Some(1), now),
            InvitationStatus::Active
        );
        assert_eq!(
            InvitationStatus::compute(true, None, 99, None, now),
            InvitationStatus::Active
        );
    }

    #[test]
    fn single_use_means_quota_one() {
        assert_eq!(reconcile_quota(true, None), Ok((true, Some(1))));
        assert_eq!(reconcile_quota(false, Some(1)), Ok((true, Some(1))));
        assert_eq!(reconcile_quota(false, Some(3)), Ok((false, Some(3))));
        assert_eq!(reconcile_quota(false, None), Ok((false, None)));
        assert!(reconcile_quota(false, Some(0)).is_err());
        assert!(reconcile_quota(true, Some(3)).is_err());
    }

    #[test]
    fn quota_parsing() {
        assert_eq!(parse_quota(""), Ok(None));
        assert_eq!(parse_quota(" 3 "), Ok(Some(3)));
        assert!(parse_quota("three").is_err());
    }

    #[test]
    fn link_form() {
        assert_eq!(
            invitation_link("https://id.example.com/", "default-enrollment-flow", "t"),
            "https://id.example.com/if/flow/default-enrollment-flow/?itoken=t"
        );
    }

    #[test]
    fn token_shape() {
        assert!(is_token_shaped("0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f"));
        assert!(!is_token_shaped("0b8d3c4e1f2a4b5c8d9e0a1b2c3d4e5f"));
        assert!(!is_token_shaped("' OR 1=1 --"));
    }
}
