//! The outbox: each message's delivery state.

use serde::{Deserialize, Serialize};

/// How long a message done with (sent, or failed for good) stays in the outbox, seconds (30 days):
/// long enough for the admin's Outbox page and a bounce investigation. Invitation messages that carried
/// an existing invitation's current link are kept as long as it exists (their delivery proves the link
/// holder, issue 12 item 3).
pub const DONE_RETENTION_SECS: i64 = 30 * 86_400;

/// Where an outbox message stands (`outbox.status`): queued → sending (claimed by a worker) → sent, or
/// back to queued for a retry, or failed after the last attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for its next attempt.
    Queued,
    /// Claimed by a worker, being sent.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Given up on; the last SMTP answer is kept.
    Failed,
}

impl OutboxStatus {
    /// The state as stored and shown: `queued`, `sending`, `sent`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// A stored status that is none of the four (a corrupt row; readers refuse it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown outbox status {0:?}")]
pub struct UnknownStatus(pub String);

impl TryFrom<String> for OutboxStatus {
    type Error = UnknownStatus;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "queued" => Ok(Self::Queued),
            "sending" => Ok(Self::Sending),
            "sent" => Ok(Self::Sent),
            "failed" => Ok(Self::Failed),
            _ => Err(UnknownStatus(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OutboxStatus;

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_refused() {
        for s in [
            OutboxStatus::Queued,
            OutboxStatus::Sending,
            OutboxStatus::Sent,
            OutboxStatus::Failed,
        ] {
            assert_eq!(OutboxStatus::try_from(s.as_str().to_owned()), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!(OutboxStatus::try_from("delivered".to_owned()).is_err());
    }
}
