//! Events of an invitation that are not uses, for its admin (stored in `invitation_events`).

use serde::{Deserialize, Serialize};

/// What happened to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Its codes took [`super::limits::CODE_FAILURES_PER_INVITATION`] wrong guesses in a day, so code
    /// checks for it paused until the window ends (issue 12 item 7): someone may be guessing.
    CodesPaused,
}

impl EventKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CodesPaused => "codes_paused",
        }
    }

    /// The kind a stored text names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "codes_paused" => Some(Self::CodesPaused),
            _ => None,
        }
    }

    /// A heading for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::CodesPaused => "Codes paused",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_what_they_store() {
        let k = EventKind::CodesPaused;
        assert_eq!(EventKind::parse(k.as_str()), Some(k));
        assert_eq!(EventKind::parse("nope"), None);
    }
}
