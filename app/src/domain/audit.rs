//! The audit log (authentik's events): what happened, when (UTC), by whom, from where, to what, with a
//! JSON context that never holds a secret. Stored in `audit_events` (`migrations/0024_audit_events.sql`).
//! Issue 35 item 5 brings its first action; issue 14 widens it to every change.

use serde::{Deserialize, Serialize};

/// What happened, by authentik's event action names where they exist
/// (`authentik/events/models.py`, `EventAction`), else Usher's own in the same style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A request that looks like an attack: e.g. an account's sign-in failures from networks it never
    /// signed in from went past their budget ([`super::limits::LOGIN_PER_ACCOUNT_FROM_NEW_NETWORKS`]).
    SuspiciousRequest,
    /// A sign-in with a wrong username or password, or for an inactive account (authentik's
    /// `login_failed`); the context names the username as typed, never the password.
    LoginFailed,
    /// An object was created (an invitation, a user, an API token…; the model says which).
    ModelCreated,
    /// An object was changed; the context's `diff` holds each changed field's old and new value.
    ModelUpdated,
    /// An object was deleted.
    ModelDeleted,
    /// A secret was replaced: an invitation's link regenerated (the old link stops working).
    SecretRotate,
    /// An invitation was used: an account enrolled or joined through it (authentik's `invitation_used`).
    InvitationUsed,
    /// The accounts created through an invitation were deactivated at once (Usher's own).
    InvitationDeprovisioned,
    /// An invitation's email was queued for a recipient (Usher's own; one event per recipient).
    InvitationSent,
    /// An email was delivered: the SMTP server took it (authentik's `email_sent`; one event per
    /// recipient).
    EmailSent,
    /// An email could not be delivered and is given up, with the SMTP server's answer (Usher's own; one
    /// event per recipient).
    EmailDeliveryFailed,
    /// An invitation was refused to an invitee, with the reason ([`RefusalReason`]; Usher's own). The
    /// invitee is only ever told the safe message; refusals of one invitation for one reason within a
    /// few seconds are one event with their `count` (see `service::sightings`).
    InvitationRefused,
    /// Sign-in to an account from one network was locked after too many failures, until the window
    /// ends (Usher's own; once per window, [`super::limits::LOGIN_PER_ACCOUNT_AND_NETWORK`]).
    LoginLocked,
    /// A use of an invitation that requires approval now waits for an approver (Usher's own, issue 17;
    /// the context names the request, the account and who invited).
    ApprovalRequested,
    /// An approval request was approved, denied (with the reason) or expired (Usher's own; the
    /// context's `decision`).
    ApprovalDecided,
}

impl Action {
    /// Every action, for filters.
    pub const ALL: [Action; 15] = [
        Action::SuspiciousRequest,
        Action::LoginFailed,
        Action::ModelCreated,
        Action::ModelUpdated,
        Action::ModelDeleted,
        Action::SecretRotate,
        Action::InvitationUsed,
        Action::InvitationDeprovisioned,
        Action::InvitationSent,
        Action::EmailSent,
        Action::EmailDeliveryFailed,
        Action::InvitationRefused,
        Action::LoginLocked,
        Action::ApprovalRequested,
        Action::ApprovalDecided,
    ];

    /// The stored text (authentik's).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuspiciousRequest => "suspicious_request",
            Self::LoginFailed => "login_failed",
            Self::ModelCreated => "model_created",
            Self::ModelUpdated => "model_updated",
            Self::ModelDeleted => "model_deleted",
            Self::SecretRotate => "secret_rotate",
            Self::InvitationUsed => "invitation_used",
            Self::InvitationDeprovisioned => "invitation_deprovisioned",
            Self::InvitationSent => "invitation_sent",
            Self::EmailSent => "email_sent",
            Self::EmailDeliveryFailed => "email_delivery_failed",
            Self::InvitationRefused => "invitation_refused",
            Self::LoginLocked => "login_locked",
            Self::ApprovalRequested => "approval_requested",
            Self::ApprovalDecided => "approval_decided",
        }
    }

    /// The action a stored text names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether authentik has this action (its `EventActions`); the others are Usher's own, which
    /// authentik's API shape calls `custom_` (see `server/src/rest/events.rs`).
    pub fn is_authentiks(self) -> bool {
        matches!(
            self,
            Self::SuspiciousRequest
                | Self::LoginFailed
                | Self::ModelCreated
                | Self::ModelUpdated
                | Self::ModelDeleted
                | Self::SecretRotate
                | Self::InvitationUsed
                | Self::EmailSent
        )
    }
}

/// A stored action read back (the audit row decodes it).
impl TryFrom<String> for Action {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or_else(|| format!("unknown audit action {s:?}"))
    }
}

/// Why an invitation was refused to an invitee ([`Action::InvitationRefused`]'s `reason`), stored as
/// [`RefusalReason::as_str`]. Only the admin sees it; the invitee is told the safe message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// Switched off, or its creator's account is deactivated.
    Disabled,
    /// Past its expiry.
    Expired,
    /// No use left of its quota.
    UsedUp,
    /// Opened with a flow it does not belong to.
    WrongFlow,
    /// The address given (or the account's) is not one its email rules allow.
    EmailRule,
    /// A policy bound to its flow or a stage denied.
    Policy,
    /// Verification codes for it (or from the client's network) went past their budget.
    CodeBudget,
    /// Enrollment posts for it (or from the client's network) went past their budget.
    EnrollmentBudget,
    /// Opened before its start time (`not_before`; issue 15 item 5).
    NotYetOpen,
}

impl RefusalReason {
    /// Every reason, for filters and tests.
    pub const ALL: [RefusalReason; 9] = [
        Self::Disabled,
        Self::Expired,
        Self::UsedUp,
        Self::WrongFlow,
        Self::EmailRule,
        Self::Policy,
        Self::CodeBudget,
        Self::EnrollmentBudget,
        Self::NotYetOpen,
    ];

    /// The stored text: `disabled`, `expired`, `used_up`, `wrong_flow`, `email_rule`, `policy`,
    /// `code_budget`, `enrollment_budget`, `not_yet_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::Expired => "expired",
            Self::UsedUp => "used_up",
            Self::WrongFlow => "wrong_flow",
            Self::EmailRule => "email_rule",
            Self::Policy => "policy",
            Self::CodeBudget => "code_budget",
            Self::EnrollmentBudget => "enrollment_budget",
            Self::NotYetOpen => "not_yet_open",
        }
    }

    /// The reason a stored text names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The reason of an invitation that is not active; `None` for an active one.
    pub fn of_status(status: super::invitation::InvitationStatus) -> Option<Self> {
        use super::invitation::InvitationStatus as S;
        match status {
            S::Disabled => Some(Self::Disabled),
            S::NotYetOpen => Some(Self::NotYetOpen),
            S::Expired => Some(Self::Expired),
            S::UsedUp => Some(Self::UsedUp),
            S::Active => None,
        }
    }

    /// What an admin reads, in `l`: "it was disabled", "it had expired", …
    pub fn describe(self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Disabled => t!(l, "reason-disabled"),
            Self::Expired => t!(l, "reason-expired"),
            Self::UsedUp => t!(l, "reason-used-up"),
            Self::WrongFlow => t!(l, "reason-wrong-flow"),
            Self::EmailRule => t!(l, "reason-email-rule"),
            Self::Policy => t!(l, "reason-policy"),
            Self::CodeBudget => t!(l, "reason-code-budget"),
            Self::EnrollmentBudget => t!(l, "reason-enrollment-budget"),
            Self::NotYetOpen => t!(l, "reason-not-yet-open"),
        }
    }
}

/// The kind of object an event concerns (authentik's model names, without the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// An invitation (`authentik_stages_invitation.invitation`).
    Invitation,
    /// A user account (`authentik_core.user`).
    User,
    /// An API token (`authentik_core.token`).
    Token,
    /// A webhook of System → Webhooks (Usher's own; filed with authentik's notification transports,
    /// `authentik_events`).
    Webhook,
    /// A campaign of Directory → Campaigns (Usher's own; filed with authentik's invitations).
    Campaign,
    /// A named link of a public invitation (Usher's own, issue 15 item 6; filed with authentik's
    /// invitations, `authentik_stages_invitation`).
    InvitationLink,
}

impl Model {
    /// The stored text: `invitation`, `user`, `token`, `webhook`, `campaign`, `invitation_link`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::User => "user",
            Self::Token => "token",
            Self::Webhook => "webhook",
            Self::Campaign => "campaign",
            Self::InvitationLink => "invitation_link",
        }
    }

    /// authentik's app label of the model (`context.model.app` in its events).
    pub fn app(self) -> &'static str {
        match self {
            Self::Invitation | Self::Campaign | Self::InvitationLink => {
                "authentik_stages_invitation"
            }
            Self::User | Self::Token => "authentik_core",
            Self::Webhook => "authentik_events",
        }
    }
}

/// How long events are kept by default, days (`USHER_EVENT_RETENTION_DAYS`; issue 14 item 8).
pub const DEFAULT_RETENTION_DAYS: i64 = 365;

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Usher itself (a limit, a worker, a command run on the server).
    System,
    /// A signed-in user or someone naming an account (`pk` empty when the name matches no account).
    User {
        /// The account's pk as text, or empty.
        pk: String,
        /// The username as given.
        name: String,
    },
    /// A REST API token, for its owner.
    Token {
        /// The owner's pk as text.
        pk: String,
        /// The owner's username.
        name: String,
        /// The token's pk (recorded in the context as `token`, never its secret).
        token: String,
    },
    /// The person following an invitation link, before they have an account.
    Invitee,
}

impl Actor {
    /// `(kind, pk, name)` as stored.
    pub fn parts(&self) -> (&'static str, &str, &str) {
        match self {
            Self::System => ("system", "", ""),
            Self::User { pk, name } => ("user", pk, name),
            Self::Token { pk, name, .. } => ("token", pk, name),
            Self::Invitee => ("invitee", "", ""),
        }
    }
}

/// Who did something and from where: what a service that records events is told by its edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// Who.
    pub actor: Actor,
    /// The client's address as read behind trusted proxies; "" for none (a worker, the CLI).
    pub client_ip: String,
}

impl Who {
    /// Usher itself, from nowhere (a worker, a command on the server).
    pub fn system() -> Self {
        Self {
            actor: Actor::System,
            client_ip: String::new(),
        }
    }

    /// A signed-in user `pk` named `name`, from `client_ip`.
    pub fn user(pk: i64, name: &str, client_ip: &str) -> Self {
        Self {
            actor: Actor::User {
                pk: pk.to_string(),
                name: name.to_owned(),
            },
            client_ip: client_ip.to_owned(),
        }
    }

    /// An event by this actor about `model` `object_pk`, with `context` (a JSON object; a token's pk
    /// is added as `token`).
    pub fn event(
        &self,
        action: Action,
        model: Model,
        object_pk: &str,
        context: serde_json::Value,
    ) -> NewEvent {
        let mut context = match context {
            serde_json::Value::Object(m) => m,
            serde_json::Value::Null => serde_json::Map::new(),
            other => {
                let mut m = serde_json::Map::new();
                m.insert("value".into(), other);
                m
            }
        };
        if let Actor::Token { token, .. } = &self.actor {
            context.insert("token".into(), serde_json::Value::String(token.clone()));
        }
        NewEvent {
            action,
            actor: self.actor.clone(),
            client_ip: self.client_ip.clone(),
            model: model.as_str(),
            object_pk: object_pk.to_owned(),
            context: serde_json::Value::Object(context),
        }
    }
}

/// The changes from `before` to `after`, two JSON objects of an object's recorded fields: each key
/// whose value differs, as `{"old": …, "new": …}` (a key only one side has reads as `null` on the
/// other). Keys in order. An object's secrets are never among its recorded fields
/// ([`super::invitation::Invitation::recorded`]).
pub fn diff(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let empty = Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out = Map::new();
    for k in keys {
        let (old, new) = (
            b.get(k).unwrap_or(&Value::Null),
            a.get(k).unwrap_or(&Value::Null),
        );
        if old != new {
            out.insert(k.clone(), json!({"old": old, "new": new}));
        }
    }
    Value::Object(out)
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

/// A recorded event, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// UUID.
    pub pk: String,
    /// When, UTC Unix seconds.
    pub created: i64,
    /// What happened.
    pub action: Action,
    /// `system`, `user`, `token` or `invitee`.
    pub actor_kind: String,
    /// The actor's account pk as text, or "".
    pub actor_pk: String,
    /// The actor's username, or "".
    pub actor_name: String,
    /// The client's address, or "".
    pub client_ip: String,
    /// The kind of object it concerns, or "".
    pub model: String,
    /// The object's pk, or "".
    pub object_pk: String,
    /// A JSON object with no secret in it.
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
        assert_eq!(Action::InvitationUsed.as_str(), "invitation_used");
        assert_eq!(
            Action::try_from("model_created".to_owned()),
            Ok(Action::ModelCreated)
        );
        assert!(Action::try_from("nope".to_owned()).is_err());
    }

    #[test]
    fn refusal_reasons_read_back_and_follow_the_status() {
        use crate::domain::invitation::InvitationStatus as S;
        for r in RefusalReason::ALL {
            assert_eq!(RefusalReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(RefusalReason::parse("nope"), None);
        assert_eq!(
            RefusalReason::of_status(S::Expired),
            Some(RefusalReason::Expired)
        );
        assert_eq!(
            RefusalReason::of_status(S::UsedUp),
            Some(RefusalReason::UsedUp)
        );
        assert_eq!(
            RefusalReason::of_status(S::Disabled),
            Some(RefusalReason::Disabled)
        );
        assert_eq!(RefusalReason::of_status(S::Active), None);
    }

    #[test]
    fn a_diff_holds_only_what_changed() {
        use serde_json::json;
        let before = json!({"name": "a", "quota": 1, "enabled": true, "roles": ["x"]});
        let after =
            json!({"name": "b", "quota": 1, "enabled": true, "roles": ["x", "y"], "new": 2});
        assert_eq!(
            diff(&before, &after),
            json!({
                "name": {"old": "a", "new": "b"},
                "new": {"old": null, "new": 2},
                "roles": {"old": ["x"], "new": ["x", "y"]},
            })
        );
        assert_eq!(diff(&before, &before), json!({}));
    }

    #[test]
    fn a_token_actor_names_its_token_in_the_context_and_its_owner_as_the_actor() {
        use serde_json::json;
        let who = Who {
            actor: Actor::Token {
                pk: "3".into(),
                name: "bot".into(),
                token: "t-1".into(),
            },
            client_ip: "10.0.0.1".into(),
        };
        let e = who.event(
            Action::ModelDeleted,
            Model::Invitation,
            "i-1",
            json!({"name": "n"}),
        );
        assert_eq!(e.actor.parts(), ("token", "3", "bot"));
        assert_eq!(e.context, json!({"name": "n", "token": "t-1"}));
        assert_eq!(e.model, "invitation");
        assert_eq!(
            Who::system()
                .event(
                    Action::ModelCreated,
                    Model::User,
                    "1",
                    serde_json::Value::Null
                )
                .context,
            json!({})
        );
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
