//! Approval of an invitation's use (issue 17 item 3, after authentik#13337's "affirmation stage"): when an
//! invitation requires approval, the account it enrolls, or the grant it gives an existing account, is
//! *pending* until an approver (an active superuser) approves or denies it, with a reason; a request left
//! undecided expires (a denial). Pure rules: a decision is taken only on a pending, unexpired request,
//! and a denial names its reason. Times are UTC Unix seconds.

use serde::{Deserialize, Serialize};

/// How long a request waits for a decision by default, days (`USHER_APPROVAL_EXPIRY_DAYS`).
pub const DEFAULT_EXPIRY_DAYS: i64 = 7;

/// The longest reason, in characters.
pub const REASON_MAX_CHARS: usize = 500;

/// Where a request stands, as stored (`approval_requests.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// Waiting for an approver: nothing granted, a new account inactive.
    Pending,
    /// Approved: the grants given, a new account activated (when its flow creates active users).
    Approved,
    /// Denied by an approver, with a reason: nothing granted.
    Denied,
    /// Not decided in time: treated as denied.
    Expired,
}

impl ApprovalStatus {
    /// The stored text: `pending`, `approved`, `denied`, `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Expired => "expired",
        }
    }

    /// The stored text back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Denied, Self::Expired]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// The status as of `now`: a pending request past `expires_at` reads as expired, even before the
    /// worker has written it so.
    pub fn at(self, expires_at: i64, now: i64) -> Self {
        if self == Self::Pending && now >= expires_at {
            Self::Expired
        } else {
            self
        }
    }

    /// The status in words, in `l`.
    pub fn label(self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Pending => t!(l, "approval-status-pending"),
            Self::Approved => t!(l, "approval-status-approved"),
            Self::Denied => t!(l, "approval-status-denied"),
            Self::Expired => t!(l, "approval-status-expired"),
        }
    }
}

/// An approver's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Grant what the invitation gives and let a new account sign in.
    Approve,
    /// Grant nothing; a new account stays inactive.
    Deny,
}

impl Decision {
    /// The status the decision leaves the request in.
    pub fn status(self) -> ApprovalStatus {
        match self {
            Self::Approve => ApprovalStatus::Approved,
            Self::Deny => ApprovalStatus::Denied,
        }
    }

    /// `approve` or `deny`, as a form posts it; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(Self::Approve),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }
}

/// Why a decision is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalError {
    /// The request was decided already (by another approver, or it expired): the stored outcome.
    AlreadyDecided(ApprovalStatus),
    /// A denial needs a reason the invitee is told.
    ReasonRequired,
    /// The reason is longer than [`REASON_MAX_CHARS`].
    ReasonTooLong,
    /// Neither `approve` nor `deny`.
    UnknownDecision,
}

impl ApprovalError {
    /// The error in words, in `l`.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::AlreadyDecided(s) => t!(l, "err-approval-decided", status = s.label(l)),
            Self::ReasonRequired => t!(l, "err-approval-reason-required"),
            Self::ReasonTooLong => t!(l, "err-approval-reason-too-long", n = REASON_MAX_CHARS),
            Self::UnknownDecision => t!(l, "err-approval-unknown-decision"),
        }
    }
}

impl std::fmt::Display for ApprovalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for ApprovalError {}

/// The reason stored when an invitation's accounts are deprovisioned, worded where it is shown
/// (`approval-reason-deprovisioned`, in the viewer's language). It starts with a control character,
/// which [`parse_reason`] strips from every typed reason, so no approver can type it.
pub const DEPROVISIONED_REASON: &str = "\u{1}deprovisioned";

/// The reason as kept: trimmed, control characters (but line breaks) refused as too odd to show.
///
/// # Errors
/// [`ApprovalError::ReasonRequired`] for a denial without one; [`ApprovalError::ReasonTooLong`].
pub fn parse_reason(decision: Decision, reason: &str) -> Result<String, ApprovalError> {
    let reason: String = reason
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(ApprovalError::ReasonTooLong);
    }
    if reason.is_empty() && decision == Decision::Deny {
        return Err(ApprovalError::ReasonRequired);
    }
    Ok(reason)
}

/// Whether a request stored as `status`, expiring at `expires_at`, may be decided at `now`.
///
/// # Errors
/// [`ApprovalError::AlreadyDecided`] with the outcome (expired when pending past `expires_at`).
pub fn may_decide(status: ApprovalStatus, expires_at: i64, now: i64) -> Result<(), ApprovalError> {
    match status.at(expires_at, now) {
        ApprovalStatus::Pending => Ok(()),
        other => Err(ApprovalError::AlreadyDecided(other)),
    }
}

/// When a request made at `now` expires, `days` later.
pub fn expires_at(now: i64, days: i64) -> i64 {
    now + days.max(1) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_typed_reason_reads_as_the_deprovisioned_marker() {
        let typed = parse_reason(Decision::Deny, DEPROVISIONED_REASON).unwrap();
        assert_eq!(typed, "deprovisioned");
        assert_ne!(typed, DEPROVISIONED_REASON);
    }

    #[test]
    fn statuses_round_trip_and_pending_expires_with_time() {
        for s in [
            ApprovalStatus::Pending,
            ApprovalStatus::Approved,
            ApprovalStatus::Denied,
            ApprovalStatus::Expired,
        ] {
            assert_eq!(ApprovalStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ApprovalStatus::parse("maybe"), None);
        assert_eq!(ApprovalStatus::Pending.at(100, 99), ApprovalStatus::Pending);
        assert_eq!(
            ApprovalStatus::Pending.at(100, 100),
            ApprovalStatus::Expired
        );
        assert_eq!(
            ApprovalStatus::Approved.at(100, 500),
            ApprovalStatus::Approved
        );
    }

    #[test]
    fn only_a_pending_unexpired_request_is_decided() {
        assert_eq!(may_decide(ApprovalStatus::Pending, 100, 50), Ok(()));
        assert_eq!(
            may_decide(ApprovalStatus::Pending, 100, 100),
            Err(ApprovalError::AlreadyDecided(ApprovalStatus::Expired))
        );
        assert_eq!(
            may_decide(ApprovalStatus::Denied, 100, 50),
            Err(ApprovalError::AlreadyDecided(ApprovalStatus::Denied))
        );
        assert_eq!(
            may_decide(ApprovalStatus::Approved, 100, 50),
            Err(ApprovalError::AlreadyDecided(ApprovalStatus::Approved))
        );
    }

    #[test]
    fn a_denial_names_its_reason_and_reasons_are_bounded() {
        assert_eq!(parse_reason(Decision::Approve, "  "), Ok(String::new()));
        assert_eq!(
            parse_reason(Decision::Deny, " \t "),
            Err(ApprovalError::ReasonRequired)
        );
        assert_eq!(
            parse_reason(Decision::Deny, " Not on the team\u{7}\n list "),
            Ok("Not on the team\n list".to_owned())
        );
        let long = "x".repeat(REASON_MAX_CHARS + 1);
        assert_eq!(
            parse_reason(Decision::Approve, &long),
            Err(ApprovalError::ReasonTooLong)
        );
        assert!(parse_reason(Decision::Deny, &"x".repeat(REASON_MAX_CHARS)).is_ok());
    }

    #[test]
    fn decisions_parse_and_expiry_is_days_later() {
        assert_eq!(Decision::parse("approve"), Some(Decision::Approve));
        assert_eq!(Decision::parse("deny"), Some(Decision::Deny));
        assert_eq!(Decision::parse("yes"), None);
        assert_eq!(Decision::Deny.status(), ApprovalStatus::Denied);
        assert_eq!(expires_at(1_000, 7), 1_000 + 7 * 86_400);
        assert_eq!(expires_at(1_000, 0), 1_000 + 86_400);
    }
}
