//! The outbox: each message's delivery state.

use serde::{Deserialize, Serialize};

/// How long a message done with (sent, or failed for good) stays in the outbox, seconds (30 days):
/// long enough for the admin's Outbox page and a bounce investigation. Invitation messages that carried
/// an existing invitation's current link are kept as long as it exists (their delivery proves the link
/// holder, issue 12 item 3).
pub const DONE_RETENTION_SECS: i64 = 30 * 86_400;

/// How long a message is retried before it is marked `failed`, by default, seconds (72 hours:
/// `USHER_OUTBOX_GIVE_UP_HOURS`): an SMTP outage over a long weekend loses nothing.
pub const DEFAULT_GIVE_UP_AFTER_SECS: i64 = 72 * 3600;

/// The longest wait between two attempts, seconds (an hour).
pub const BACKOFF_CAP_SECS: i64 = 3600;

/// The wait before attempt `attempts + 1`: `base · 2^(attempts-1)` seconds, at most
/// [`BACKOFF_CAP_SECS`].
pub fn backoff_secs(base: i64, attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    base.saturating_mul(1i64 << exp).min(BACKOFF_CAP_SECS)
}

/// After attempt `attempts` failed at `now`, for a message trying since `since` (UTC Unix seconds):
/// when to try again, or `None` to give up, which happens only once it has been trying for
/// `give_up_after` seconds (whatever the number of attempts).
pub fn after_failure(
    since: i64,
    attempts: i64,
    now: i64,
    base: i64,
    give_up_after: i64,
) -> Option<i64> {
    (now - since < give_up_after).then(|| now + backoff_secs(base, attempts))
}

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

    /// The stored text back (`queued`, `sending`, `sent`, `failed`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Sending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// The state in `l`'s words (`outbox-status-…`; the stored text in English).
    pub fn label(self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Queued => t!(l, "outbox-status-queued"),
            Self::Sending => t!(l, "outbox-status-sending"),
            Self::Sent => t!(l, "outbox-status-sent"),
            Self::Failed => t!(l, "outbox-status-failed"),
        }
    }
}

/// A stored status that is none of the four (a corrupt row; readers refuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl UnknownStatus {
    /// This error's message in `l` (the catalogue's `err-outbox-unknown-status` key); its `Display`
    /// is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(
            l,
            "err-outbox-unknown-status",
            value = format!("{:?}", self.0)
        )
    }
}

impl std::fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for UnknownStatus {}

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

/// A message of the outbox as an admin's list reads it (not its bodies or its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// UUID.
    pub pk: String,
    /// The invitation it belongs to, if any.
    pub invitation_pk: Option<String>,
    /// That invitation's name, while it exists.
    pub invitation: Option<String>,
    /// Recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Blind copies.
    pub bcc: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The last delivery error, empty when none.
    pub last_error: String,
    /// When it was queued, UTC Unix seconds.
    pub created: i64,
    /// When it was sent, UTC Unix seconds; `None` until then.
    pub sent_at: Option<i64>,
}

/// What a queued message's stored bodies hold where its secret (a code, an invitation token) goes: the
/// secret itself is stored only sealed, and put back when the message is sent (issue 35 item 6). Text
/// no template, brand or address produces by accident, and nothing HTML or quoted-printable changes.
pub const SEALED_SECRET_MARK: &str = "[[usher-sealed-secret]]";

/// `body` with every occurrence of `secret` replaced by [`SEALED_SECRET_MARK`] (an empty secret
/// replaces nothing).
pub fn mark_secret(body: &str, secret: &str) -> String {
    if secret.is_empty() {
        body.to_owned()
    } else {
        body.replace(secret, SEALED_SECRET_MARK)
    }
}

/// `body` with the secret put back where [`mark_secret`] marked it.
pub fn fill_secret(body: &str, secret: &str) -> String {
    body.replace(SEALED_SECRET_MARK, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_secs(5, 1), 5);
        assert_eq!(backoff_secs(5, 2), 10);
        assert_eq!(backoff_secs(5, 4), 40);
        assert_eq!(backoff_secs(5, 30), 3600);
    }

    #[test]
    fn messages_are_retried_until_they_have_tried_for_the_whole_time() {
        let h = 3600;
        let give_up = DEFAULT_GIVE_UP_AFTER_SECS;
        // However many attempts failed, within 72 hours there is a next one, at most an hour away.
        assert_eq!(after_failure(0, 1, 10, 5, give_up), Some(15));
        assert_eq!(after_failure(0, 500, 71 * h, 5, give_up), Some(72 * h));
        assert_eq!(
            after_failure(0, 3, 72 * h - 1, 5, give_up),
            Some(72 * h + 19)
        );
        // Then it is given up on.
        assert_eq!(after_failure(0, 3, 72 * h, 5, give_up), None);
        // An admin's retry starts the time again.
        assert_eq!(
            after_failure(100 * h, 1, 101 * h, 5, give_up),
            Some(101 * h + 5)
        );
    }

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

    #[test]
    fn a_secret_is_marked_and_filled_back() {
        let body = "Your code is 12345678. Again: 12345678.";
        let marked = mark_secret(body, "12345678");
        assert!(!marked.contains("12345678"));
        assert_eq!(marked.matches(SEALED_SECRET_MARK).count(), 2);
        assert_eq!(fill_secret(&marked, "12345678"), body);
        assert_eq!(mark_secret(body, ""), body);
    }
}
