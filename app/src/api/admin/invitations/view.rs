//! The dashboard's edge of the invitation service (issue 36 item 2): the table's query from its sort
//! and page, the create form's defaults and its parsing into a draft, and the projection of the
//! service's entities into the screen's [`InvitationView`], every time for people formatted here with
//! [`crate::domain::time`].

use crate::api::admin::outbox::message_view;
use crate::domain::audit::Event as AuditEvent;
use crate::domain::event::Event;
use crate::domain::invitation::{
    parse_quota, sorted_unique, Granted, InvitationDraft, InvitationError, InvitationName,
    ListedInvitation, Quota, Use,
};
use crate::domain::outbox::Message;
use crate::domain::time::{format_absolute, format_input};
use crate::i18n::Locale;
use crate::model::{
    FlowOption, InvitationEvent, InvitationForm, InvitationSort, InvitationView, LedgerEntry,
    TimelineEntry, DASHBOARD_PAGE_SIZE,
};
use crate::service::invitations::{
    self, InvitationDetail, ListQuery, OrderField, DEFAULT_LIFETIME_SECS,
};
use crate::t;

/// The dashboard's query: the invitations whose name contains `search` (case-insensitively; empty =
/// all), in `sort` order with ties by name, page `page` (0-based) of [`DASHBOARD_PAGE_SIZE`] rows.
pub(super) fn dashboard_query(search: &str, sort: InvitationSort, page: u64) -> ListQuery {
    let first = match sort {
        InvitationSort::CreatedDesc => (OrderField::Created, true),
        InvitationSort::CreatedAsc => (OrderField::Created, false),
        InvitationSort::ExpiresAsc => (OrderField::Expires, false),
        InvitationSort::ExpiresDesc => (OrderField::Expires, true),
    };
    ListQuery {
        name_contains: Some(search.trim().to_owned()),
        order: vec![first, (OrderField::Name, false)],
        offset: page.saturating_mul(DASHBOARD_PAGE_SIZE),
        limit: DASHBOARD_PAGE_SIZE,
        ..ListQuery::default()
    }
}

/// The defaults of the create form: expiry `now` (UTC Unix seconds) + 7 days, the external-users flow
/// when present (else the first of `flows`), enabled.
pub(super) fn default_form(now: i64, flows: &[FlowOption]) -> InvitationForm {
    let flow = flows
        .iter()
        .find(|f| f.slug == "invitation-enrollment-flow-external")
        .or_else(|| flows.first())
        .map(|f| f.pk.clone())
        .unwrap_or_default();
    InvitationForm {
        expires: format_input(now + DEFAULT_LIFETIME_SECS),
        flow,
        enabled: true,
        ..InvitationForm::default()
    }
}

/// The form, as typed, parsed into a draft. An empty flow is "Choose a flow." (the REST API's default
/// flow does not apply to the form).
///
/// # Errors
/// Every field's error, collected.
pub(crate) fn draft_of(form: &InvitationForm) -> Result<InvitationDraft, Vec<InvitationError>> {
    use InvitationError as E;
    let mut errors = Vec::new();
    let name = InvitationName::parse(&form.name)
        .map_err(|e| errors.push(E::Name(e)))
        .ok();
    if form.flow.trim().is_empty() {
        errors.push(E::Flow);
    }
    let expires = if form.never_expires {
        Some(None)
    } else {
        crate::domain::time::parse_input(&form.expires)
            .map(Some)
            .map_err(|e| errors.push(E::ExpiresInvalid(e)))
            .ok()
    };
    let not_before = if form.not_before.trim().is_empty() {
        Some(None)
    } else {
        crate::domain::time::parse_input(&form.not_before)
            .map(Some)
            .map_err(|_| errors.push(E::NotBeforeInvalid))
            .ok()
    };
    let fixed_data = crate::domain::fixed_data::parse_fixed_data(&form.fixed_data)
        .map_err(|e| errors.push(E::FixedData(e)))
        .ok();
    let quota = parse_quota(&form.quota)
        .map_err(E::Quota)
        .and_then(|q| Quota::new(form.single_use, q))
        .map_err(|e| errors.push(e))
        .ok();
    let emails = crate::domain::email_rules::parse_rules(&form.emails)
        .map_err(|e| errors.push(E::Emails(e)))
        .ok();
    let reminder_days = crate::domain::campaign::parse_reminder_days(&form.reminder_days)
        .map_err(|e| errors.push(E::Reminders(e)))
        .unwrap_or_default();
    let locale = match form.locale.trim() {
        "" => None,
        tag => crate::i18n::Locale::parse(tag)
            .map_err(|e| errors.push(E::Locale(e)))
            .ok(),
    };
    match (name, (expires, not_before), fixed_data, quota, emails) {
        (
            Some(name),
            (Some(expires), Some(not_before)),
            Some(fixed_data),
            Some(quota),
            Some(emails),
        ) if errors.is_empty() => Ok(InvitationDraft {
            name,
            description: form.description.trim().to_owned(),
            flow: Some(form.flow.trim().to_owned()),
            expires,
            not_before,
            fixed_data,
            quota,
            emails,
            roles: sorted_unique(form.roles.clone()),
            groups: sorted_unique(form.groups.clone()),
            enabled: form.enabled,
            notify_creator: Some(form.notify_creator),
            reminder_days: Some(reminder_days),
            locale,
            requires_approval: Some(form.requires_approval),
        }),
        _ => Err(errors),
    }
}

/// The smallest side of the expanded row's QR code, pixels.
pub const QR_MIN_PX: u32 = 160;

/// Invitation `d` as its expanded row shows it at `now` (UTC Unix seconds): the table's row with its
/// ledger, messages and events.
pub(super) fn detail_view(
    config: &crate::service::Config,
    d: InvitationDetail,
    now: i64,
) -> InvitationView {
    let steps = timeline(crate::i18n::wording(), &d.history, d.views);
    let extra = (d.ledger, d.messages, d.events);
    let mut v = invitation_view(config, d.listed, Some(extra), now);
    v.timeline = Some(steps);
    v.qr_svg = (!v.link.is_empty())
        .then(|| crate::service::qr::svg(&v.link, QR_MIN_PX))
        .flatten();
    v
}

/// Who did an audit event, for people, in `l`.
fn actor(l: Locale, e: &AuditEvent) -> String {
    match e.actor_kind.as_str() {
        "system" => "Usher".into(),
        "token" => t!(l, "timeline-actor-token", name = e.actor_name.clone()),
        _ if e.actor_name.is_empty() => t!(l, "timeline-actor-someone"),
        _ => e.actor_name.clone(),
    }
}

/// An invitation's timeline (issue 14 item 3): its audit events (`history`, oldest first: created,
/// edited, emailed per recipient, delivered or failed, used…), each worded for people in `l`.
pub fn timeline(
    l: Locale,
    history: &[AuditEvent],
    views: Option<crate::service::sightings::Views>,
) -> Vec<TimelineEntry> {
    use crate::domain::audit::Action;
    let text = |e: &AuditEvent, key: &str| {
        e.context
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let mut steps: Vec<TimelineEntry> = history
        .iter()
        .filter_map(|e| {
            let who = actor(l, e);
            let (kind, line, warning) = match e.action {
                Action::ModelCreated => ("created", t!(l, "timeline-created", who = who), false),
                Action::ModelUpdated => {
                    let diff = e.context.get("diff").and_then(|d| d.as_object());
                    let fields: Vec<&str> = diff
                        .map(|d| d.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let on = diff
                        .and_then(|d| d.get("enabled"))
                        .and_then(|v| v.get("new"))
                        .and_then(|v| v.as_bool());
                    match (fields.as_slice(), on) {
                        (["enabled"], Some(true)) => {
                            ("enabled", t!(l, "timeline-enabled", who = who), false)
                        }
                        (["enabled"], _) => {
                            ("disabled", t!(l, "timeline-disabled", who = who), false)
                        }
                        ([], _) => (
                            "edited",
                            t!(l, "timeline-saved-unchanged", who = who),
                            false,
                        ),
                        _ => (
                            "edited",
                            t!(l, "timeline-edited", who = who, fields = fields.join(", ")),
                            false,
                        ),
                    }
                }
                Action::SecretRotate => (
                    "link_regenerated",
                    t!(l, "timeline-link-regenerated", who = who),
                    false,
                ),
                Action::InvitationSent => (
                    "sent",
                    t!(l, "timeline-sent", to = text(e, "to"), who = who),
                    false,
                ),
                Action::EmailSent => (
                    "delivered",
                    t!(l, "timeline-delivered", to = text(e, "to")),
                    false,
                ),
                Action::EmailDeliveryFailed => (
                    "failed",
                    t!(
                        l,
                        "timeline-failed",
                        to = text(e, "to"),
                        error = text(e, "error")
                    ),
                    true,
                ),
                Action::InvitationUsed => {
                    let line = match text(e, "use").as_str() {
                        "joined" => t!(l, "timeline-used-joined", who = who),
                        _ => t!(l, "timeline-used-enrolled", who = who),
                    };
                    ("used", line, false)
                }
                Action::InvitationDeprovisioned => {
                    let n = e
                        .context
                        .get("deactivated")
                        .and_then(|n| n.as_u64())
                        .unwrap_or(0);
                    (
                        "deprovisioned",
                        t!(l, "timeline-deprovisioned", who = who, count = n),
                        false,
                    )
                }
                Action::InvitationRefused => {
                    let n = e.context.get("count").and_then(|n| n.as_i64()).unwrap_or(1);
                    let reason = crate::domain::audit::RefusalReason::parse(&text(e, "reason"))
                        .map_or_else(|| t!(l, "reason-refused"), |r| r.describe(l));
                    let line = if e.client_ip.is_empty() {
                        t!(l, "timeline-refused", count = n, reason = reason)
                    } else {
                        t!(
                            l,
                            "timeline-refused-from",
                            count = n,
                            reason = reason,
                            ip = e.client_ip.clone()
                        )
                    };
                    ("refused", line, true)
                }
                Action::ApprovalRequested => (
                    "approval_requested",
                    t!(l, "timeline-approval-requested", who = text(e, "username")),
                    false,
                ),
                Action::ApprovalDecided => {
                    let username = text(e, "username");
                    let line = match text(e, "decision").as_str() {
                        "approved" => t!(
                            l,
                            "timeline-approval-approved",
                            username = username,
                            who = who
                        ),
                        "denied" => t!(
                            l,
                            "timeline-approval-denied",
                            username = username,
                            who = who,
                            reason = text(e, "reason")
                        ),
                        _ => t!(l, "timeline-approval-expired", username = username),
                    };
                    ("approval_decided", line, false)
                }
                Action::ModelDeleted
                | Action::LoginFailed
                | Action::LoginLocked
                | Action::SuspiciousRequest => return None,
            };
            Some(TimelineEntry {
                at: e.created,
                at_display: format_absolute(e.created),
                kind: kind.to_owned(),
                text: line,
                warning,
            })
        })
        .collect();
    // Its link's views, as one step at the first view (issue 14 item 2).
    if let Some(v) = views {
        let text = if v.view_count == 1 {
            t!(l, "timeline-viewed-once")
        } else {
            t!(
                l,
                "timeline-viewed",
                count = v.view_count,
                last = format_absolute(v.last_viewed)
            )
        };
        // After what came before it; before a use or refusal of the same second (a link is opened
        // before it is used).
        let at = steps
            .iter()
            .position(|s| {
                s.at > v.first_viewed
                    || (s.at == v.first_viewed && matches!(s.kind.as_str(), "used" | "refused"))
            })
            .unwrap_or(steps.len());
        steps.insert(
            at,
            TimelineEntry {
                at: v.first_viewed,
                at_display: format_absolute(v.first_viewed),
                kind: "viewed".to_owned(),
                text,
                warning: false,
            },
        );
    }
    steps
}

/// Invitation `r` as the table shows it at `now` (UTC Unix seconds); with `detail` (its ledger, oldest
/// first, messages, newest first, and events, oldest first), as its expanded row shows it, else those
/// are `None`.
pub(super) fn invitation_view(
    config: &crate::service::Config,
    r: ListedInvitation,
    detail: Option<(Vec<Use>, Vec<Message>, Vec<Event>)>,
    now: i64,
) -> InvitationView {
    let ListedInvitation {
        invitation: inv,
        enrolled_count,
        message_count,
    } = r;
    let (ledger, messages, events) = match detail {
        Some((ledger, messages, events)) => (
            Some(ledger.into_iter().map(ledger_entry).collect()),
            Some(messages.into_iter().map(message_view).collect()),
            Some(events.into_iter().map(event_view).collect()),
        ),
        None => (None, None, None),
    };
    let split = |g: &[Granted]| -> (Vec<String>, Vec<String>) {
        g.iter().map(|g| (g.pk.clone(), g.name.clone())).unzip()
    };
    let (roles, role_names) = split(&inv.roles);
    let (groups, group_names) = split(&inv.groups);
    InvitationView {
        status: inv.status(now),
        // Empty when the token was sealed under another USHER_SECRET_KEY.
        link: invitations::link(config, &inv).unwrap_or_default(),
        send_to: inv.send_to(),
        expires_display: crate::i18n::wording().expiry_utc(inv.expires, now),
        expires_input: inv.expires.map(format_input).unwrap_or_default(),
        not_before: inv.not_before,
        not_before_display: inv
            .not_before
            .map(|n| crate::i18n::wording().expiry_utc(Some(n), now))
            .unwrap_or_default(),
        not_before_input: inv.not_before.map(format_input).unwrap_or_default(),
        fixed_data: if inv.fixed_data.is_empty() {
            String::new()
        } else {
            serde_json::to_string_pretty(&inv.fixed_data).unwrap_or_default()
        },
        emails: inv.emails.iter().map(|r| r.to_text()).collect(),
        single_use: inv.quota.is_single_use(),
        quota: inv.quota.max(),
        creator_active: inv.created_by.may_invite,
        created_by: inv.created_by.username,
        name: inv.name.as_str().to_owned(),
        pk: inv.pk,
        description: inv.description,
        flow_slug: inv.flow_slug,
        flow_pk: inv.flow_pk,
        uses: inv.uses,
        expires: inv.expires,
        created: inv.created,
        enabled: inv.enabled,
        notify_creator: inv.notify_creator,
        reminder_days: inv.reminder_days.clone(),
        locale: inv.locale,
        requires_approval: inv.requires_approval,
        roles,
        role_names,
        groups,
        group_names,
        ledger,
        enrolled_count,
        message_count,
        messages,
        events,
        timeline: None,
        qr_svg: None,
    }
}

/// A ledger row for people.
fn ledger_entry(u: Use) -> LedgerEntry {
    LedgerEntry {
        user_pk: u.user_pk,
        username: u.username,
        action: u.action,
        at: u.at,
        at_display: format_absolute(u.at),
    }
}

/// An event for people.
fn event_view(e: Event) -> InvitationEvent {
    InvitationEvent {
        detail: event_detail(crate::i18n::wording(), e.kind, &e.detail),
        kind: e.kind,
        at: e.at,
        at_display: format_absolute(e.at),
    }
}

/// What an invitation's event means, for people, in `l` (an earlier release's stored text as it is).
fn event_detail(
    l: Locale,
    kind: crate::domain::event::EventKind,
    detail: &crate::domain::event::Detail,
) -> String {
    use crate::domain::event::{Detail, EventKind};
    let g = match detail {
        Detail::Text(t) => return t.clone(),
        Detail::Guessing(g) => g,
    };
    match kind {
        EventKind::CodeBudgetHalf => t!(
            l,
            "event-codes-half",
            failures = g.failures.to_string(),
            limit = g.limit.to_string(),
            until = format_absolute(g.until),
            per_network = g.per_network.to_string()
        ),
        EventKind::CodesPaused => t!(
            l,
            "event-codes-paused",
            limit = g.limit.to_string(),
            until = format_absolute(g.until)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(
        action: crate::domain::audit::Action,
        at: i64,
        who: &str,
        context: serde_json::Value,
    ) -> AuditEvent {
        AuditEvent {
            pk: format!("e-{at}"),
            created: at,
            action,
            actor_kind: "user".into(),
            actor_pk: "1".into(),
            actor_name: who.into(),
            client_ip: String::new(),
            model: "invitation".into(),
            object_pk: "i-1".into(),
            context,
        }
    }

    #[test]
    fn the_timeline_tells_each_step_with_failures_marked() {
        use crate::domain::audit::Action;
        use serde_json::json;
        let history = vec![
            audit(Action::ModelCreated, 100, "admin", json!({})),
            audit(
                Action::ModelUpdated,
                200,
                "admin",
                json!({"diff": {"enabled": {"old": true, "new": false}}}),
            ),
            audit(
                Action::ModelUpdated,
                300,
                "admin",
                json!({"diff": {"description": {}, "quota": {}}}),
            ),
            audit(Action::SecretRotate, 400, "admin", json!({})),
            audit(
                Action::InvitationSent,
                500,
                "admin",
                json!({"to": "jane@example.com"}),
            ),
            audit(
                Action::EmailSent,
                600,
                "",
                json!({"to": "jane@example.com"}),
            ),
            audit(
                Action::EmailDeliveryFailed,
                650,
                "",
                json!({"to": "bob@example.com", "error": "550 no such user"}),
            ),
            audit(
                Action::InvitationUsed,
                700,
                "jane",
                json!({"use": "enrolled"}),
            ),
            audit(Action::ModelDeleted, 800, "admin", json!({})),
        ];
        let t = timeline(Locale::En, &history, None);
        let kinds: Vec<&str> = t.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "created",
                "disabled",
                "edited",
                "link_regenerated",
                "sent",
                "delivered",
                "failed",
                "used"
            ]
        );
        assert_eq!(t[2].text, "Edited by admin: description, quota");
        assert_eq!(t[4].text, "Emailed to jane@example.com by admin");
        assert_eq!(
            t[6].text,
            "Delivery to bob@example.com failed: 550 no such user"
        );
        assert!(t[6].warning && !t[5].warning);
        assert_eq!(t[7].text, "Used by jane: enrolled");
        assert_eq!(t[0].at_display, format_absolute(100));
    }

    #[test]
    fn views_are_one_step_at_the_first_and_refusals_say_why() {
        use crate::domain::audit::Action;
        use serde_json::json;
        let mut refused = audit(
            Action::InvitationRefused,
            900,
            "",
            json!({"reason": "expired", "count": 3}),
        );
        refused.client_ip = "198.51.100.7".into();
        let history = vec![
            audit(Action::ModelCreated, 100, "admin", json!({})),
            audit(
                Action::InvitationUsed,
                700,
                "jane",
                json!({"use": "enrolled"}),
            ),
            refused,
        ];
        let views = crate::service::sightings::Views {
            view_count: 4,
            first_viewed: 300,
            last_viewed: 800,
        };
        let t = timeline(Locale::En, &history, Some(views));
        let kinds: Vec<&str> = t.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, ["created", "viewed", "used", "refused"]);
        assert_eq!(
            t[1].text,
            format!("Link opened 4 times, last on {}", format_absolute(800))
        );
        assert_eq!(
            t[3].text,
            "Refused 3 times: it had expired, last from 198.51.100.7"
        );
        assert!(t[3].warning && !t[1].warning);
        let once = crate::service::sightings::Views {
            view_count: 1,
            first_viewed: 50,
            last_viewed: 50,
        };
        let t = timeline(Locale::En, &history[..1], Some(once));
        assert_eq!(t[0].kind, "viewed");
        assert_eq!(t[0].text, "Link opened once");
        let same_second = crate::service::sightings::Views {
            view_count: 1,
            first_viewed: 700,
            last_viewed: 700,
        };
        let kinds: Vec<String> = timeline(Locale::En, &history, Some(same_second))
            .into_iter()
            .map(|s| s.kind)
            .collect();
        assert_eq!(kinds, ["created", "viewed", "used", "refused"]);
    }

    #[test]
    fn the_dashboard_query_sorts_then_breaks_ties_by_name_a_page_at_a_time() {
        let q = dashboard_query("  jane ", InvitationSort::ExpiresAsc, 2);
        assert_eq!(q.name_contains.as_deref(), Some("jane"));
        assert_eq!(
            q.order,
            vec![(OrderField::Expires, false), (OrderField::Name, false)]
        );
        assert_eq!(q.offset, 2 * DASHBOARD_PAGE_SIZE);
        assert_eq!(q.limit, DASHBOARD_PAGE_SIZE);
    }

    #[test]
    fn the_form_defaults_to_the_external_flow_and_seven_days() {
        let flow = |pk: &str, slug: &str| FlowOption {
            pk: pk.into(),
            slug: slug.into(),
            name: slug.into(),
            has_invitation_stage: true,
            has_email_stage: false,
        };
        let flows = [
            flow("a", "default-enrollment-flow"),
            flow("b", "invitation-enrollment-flow-external"),
        ];
        let f = default_form(0, &flows);
        assert_eq!(f.flow, "b");
        assert_eq!(f.expires, format_input(DEFAULT_LIFETIME_SECS));
        assert!(f.enabled);
        assert_eq!(default_form(0, &flows[..1]).flow, "a");
    }

    #[test]
    fn a_form_without_a_flow_or_name_collects_both_errors() {
        let errors = draft_of(&InvitationForm {
            never_expires: true,
            ..InvitationForm::default()
        })
        .unwrap_err();
        assert!(errors.contains(&InvitationError::Flow), "{errors:?}");
        assert!(
            errors.iter().any(|e| matches!(e, InvitationError::Name(_))),
            "{errors:?}"
        );
    }

    #[test]
    fn the_language_is_optional_and_must_be_one_usher_speaks() {
        let form = |locale: &str| InvitationForm {
            name: "jane".into(),
            flow: "f".into(),
            never_expires: true,
            locale: locale.into(),
            ..InvitationForm::default()
        };
        assert_eq!(draft_of(&form("")).unwrap().locale, None);
        assert_eq!(
            draft_of(&form("de")).unwrap().locale,
            Some(crate::i18n::Locale::De)
        );
        assert_eq!(
            draft_of(&form("fr")).unwrap_err(),
            vec![InvitationError::Locale(crate::i18n::UnknownLocale(
                "fr".into()
            ))]
        );
    }

    #[test]
    fn opens_at_is_optional_and_parsed_like_the_expiry() {
        let form = |not_before: &str| InvitationForm {
            name: "jane".into(),
            flow: "f".into(),
            never_expires: true,
            not_before: not_before.into(),
            ..InvitationForm::default()
        };
        assert_eq!(draft_of(&form("")).unwrap().not_before, None);
        assert_eq!(
            draft_of(&form("2026-11-28T12:00")).unwrap().not_before,
            Some(1_795_867_200)
        );
        assert_eq!(
            draft_of(&form("soon")).unwrap_err(),
            vec![InvitationError::NotBeforeInvalid]
        );
    }
}
