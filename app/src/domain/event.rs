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
}

/// A stored kind that is none of the known ones (a corrupt row; readers refuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(pub String);

impl UnknownKind {
    /// This error's message in `l` (the catalogue's `err-event-unknown-kind` key); its `Display` is
    /// the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(l, "err-event-unknown-kind", value = format!("{:?}", self.0))
    }
}

impl std::fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for UnknownKind {}

/// The stored kind read back (the event row decodes it).
impl TryFrom<String> for EventKind {
    type Error = UnknownKind;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownKind(s))
    }
}

/// The facts of a code-guessing event ([`EventKind::CodeBudgetHalf`], [`EventKind::CodesPaused`]), as
/// stored (JSON) in its `detail`; the dashboard words them (issue 36 item 4: services return facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guessing {
    /// Wrong codes tried within the day-long window so far.
    pub failures: i64,
    /// Wrong codes the invitation's codes may take in that window.
    pub limit: i64,
    /// When the window ends (codes resume), UTC Unix seconds.
    pub until: i64,
    /// Wrong codes each client network may try for it in a day.
    pub per_network: i64,
}

/// What an event says beyond its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// A code-guessing event's facts.
    Guessing(Guessing),
    /// Text for people, as releases before 2026-12-06 stored it.
    Text(String),
}

impl Detail {
    /// The detail as stored: the facts when it holds them, else the text itself.
    pub fn parse(stored: &str) -> Self {
        serde_json::from_str(stored)
            .map(Self::Guessing)
            .unwrap_or_else(|_| Self::Text(stored.to_owned()))
    }
}

/// One event of an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When, UTC Unix seconds.
    pub at: i64,
    /// What it says beyond its kind.
    pub detail: Detail,
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

    #[test]
    fn a_detail_reads_its_facts_or_keeps_an_earlier_text() {
        let g = Guessing {
            failures: 30,
            limit: 60,
            until: 1_000,
            per_network: 10,
        };
        let stored = serde_json::to_string(&g).unwrap();
        assert_eq!(Detail::parse(&stored), Detail::Guessing(g));
        assert_eq!(
            Detail::parse("30 wrong codes were tried"),
            Detail::Text("30 wrong codes were tried".into())
        );
    }
}
