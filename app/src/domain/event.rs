//! Events of an invitation that are not uses, for its admin (stored in `invitation_events`).

use serde::{Deserialize, Serialize};

/// What happened to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Its codes took [`super::limits::CODE_FAILURES_PER_INVITATION`] wrong guesses in a day, so code
    /// checks for it paused until the window ends (issue 12 item 7): someone may be guessing.
    CodesPaused,
    /// Its codes took more than half of [`super::limits::CODE_FAILURES_PER_INVITATION`] wrong guesses
    /// in a day (issue 35 item 4): someone may be guessing, and is being slowed down.
    CodeBudgetHalf,
}

impl EventKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CodesPaused => "codes_paused",
            Self::CodeBudgetHalf => "code_budget_half",
        }
    }

    /// The kind a stored text names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "codes_paused" => Some(Self::CodesPaused),
            "code_budget_half" => Some(Self::CodeBudgetHalf),
            _ => None,
        }
    }

    /// A heading for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::CodesPaused => "Codes paused",
            Self::CodeBudgetHalf => "Codes guessed at",
        }
    }
}

/// A stored kind that is none of the known ones (a corrupt row; readers refuse it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown invitation event kind {0:?}")]
pub struct UnknownKind(pub String);

/// The stored kind read back (the event row decodes it).
impl TryFrom<String> for EventKind {
    type Error = UnknownKind;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownKind(s))
    }
}

/// One event of an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When, UTC Unix seconds.
    pub at: i64,
    /// What it means, for people.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_what_they_store() {
        for k in [EventKind::CodesPaused, EventKind::CodeBudgetHalf] {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::parse("nope"), None);
    }
}
