//! The audit log (authentik's events): what happened, when (UTC), by whom, from where, to what, with a
//! JSON context that never holds a secret. Stored in `audit_events` (`migrations/0024_audit_events.sql`).
//! Issue 35 item 5 brings its first action; issue 14 widens it to every change.

use serde::{Deserialize, Serialize};

/// What happened, by authentik's event action names where they exist
/// (`authentik/events/models.py`, `EventAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A request that looks like an attack: e.g. an account's sign-in failures from networks it never
    /// signed in from went past their budget ([`super::limits::LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS`]).
    SuspiciousRequest,
}

impl Action {
    /// Every action, for filters.
    pub const ALL: [Action; 1] = [Action::SuspiciousRequest];

    /// The stored text (authentik's).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuspiciousRequest => "suspicious_request",
        }
    }

    /// The action a stored text names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Usher itself (a limit, a worker).
    System,
    /// A signed-in user or someone naming an account (`pk` empty when the name matches no account).
    User {
        /// The account's pk as text, or empty.
        pk: String,
        /// The username as given.
        name: String,
    },
}

impl Actor {
    /// `(kind, pk, name)` as stored.
    pub fn parts(&self) -> (&'static str, &str, &str) {
        match self {
            Self::System => ("system", "", ""),
            Self::User { pk, name } => ("user", pk, name),
        }
    }
}

/// An event to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// What happened.
    pub action: Action,
    /// Who caused it.
    pub actor: Actor,
    /// The client's address ("" when none, e.g. a worker).
    pub client_ip: String,
    /// The kind of object it concerns (`user`, `invitation`, …; "" for none).
    pub model: &'static str,
    /// The object's pk as text ("" for none).
    pub object_pk: String,
    /// Details for people and filters: a JSON object with no secret in it.
    pub context: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_back_what_they_store() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        assert_eq!(Action::parse("nope"), None);
        assert_eq!(Action::SuspiciousRequest.as_str(), "suspicious_request");
    }

    #[test]
    fn actors_store_their_kind() {
        assert_eq!(Actor::System.parts(), ("system", "", ""));
        let u = Actor::User {
            pk: "7".into(),
            name: "jane".into(),
        };
        assert_eq!(u.parts(), ("user", "7", "jane"));
    }
}
