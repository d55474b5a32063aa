//! Who may invite (issue 17 item 1): a role can carry an *inviter policy*, which lets its members (not
//! only superusers) create invitations within limits: the flows they may invite to, the roles and groups
//! they may grant, the email rules they may set, the longest expiry, the largest quota and how many
//! invitations per 30 days. Flagsmith#6071 ("non-admins may invite, limited to the user role and to
//! groups they administer"), nextcloud/guests#1257 ("a cap on how many guests each user can invite").
//!
//! The rules here are pure: [`InviterPolicy::check`] judges one request against one policy;
//! [`allowed_by_any`] against every policy the inviter holds (a request must fit one policy whole; the
//! policies are never mixed into a looser one).

use super::email_rules::EmailRule;
use serde::{Deserialize, Serialize};

/// The window of [`InviterPolicy::per_30_days`], seconds (30 days).
pub const WINDOW_SECS: i64 = 30 * 86_400;

/// The most a policy may allow, whatever an admin types: a year of expiry, 1,000 uses, 1,000
/// invitations per window.
pub const MAX_EXPIRY_DAYS: u32 = 365;
/// See [`MAX_EXPIRY_DAYS`].
pub const MAX_QUOTA: u32 = 1_000;
/// See [`MAX_EXPIRY_DAYS`].
pub const MAX_PER_WINDOW: u32 = 1_000;

/// What members of a role may do when they invite. Stored as JSON with the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InviterPolicy {
    /// The flows (slugs) they may invite to; none listed, none allowed.
    pub flows: Vec<String>,
    /// The roles (names) their invitations may grant; never more than these, and only roles the inviter
    /// holds too (a member never grants a role above their own).
    pub roles: Vec<String>,
    /// The groups (names) their invitations may grant (the groups they manage).
    pub groups: Vec<String>,
    /// The email domains their invitations are limited to (`company.com`): every rule must be an
    /// address at one of them or `*@` one of them. Empty: any address or domain rule.
    pub email_domains: Vec<String>,
    /// Whether an invitation without email rules (open to anyone with the link) is allowed; off by
    /// default ("never public").
    pub allow_public: bool,
    /// The longest expiry, days after creation; every invitation must expire.
    pub max_expiry_days: u32,
    /// The most uses one invitation may have.
    pub max_quota: u32,
    /// How many invitations a member may create per 30 days.
    pub per_30_days: u32,
    /// Whether a use of their invitations waits for an approver's yes (item 3).
    pub requires_approval: bool,
    /// The group (name) whose members approve the uses of these invitations, besides the admins: the
    /// inviters' managers. `None`: the admins alone.
    pub approvers: Option<String>,
}

impl Default for InviterPolicy {
    /// The narrowest useful policy: single-use invitations, a week, 10 per 30 days, nothing granted,
    /// no flow (an admin names the flows).
    fn default() -> Self {
        Self {
            flows: Vec::new(),
            roles: Vec::new(),
            groups: Vec::new(),
            email_domains: Vec::new(),
            allow_public: false,
            max_expiry_days: 7,
            max_quota: 1,
            per_30_days: 10,
            requires_approval: false,
            approvers: None,
        }
    }
}

/// What an invitation asks for, as the policy judges it.
#[derive(Debug, Clone, Copy)]
pub struct InviteRequest<'a> {
    /// The flow's slug.
    pub flow: &'a str,
    /// The role names it grants.
    pub roles: &'a [String],
    /// The group names it grants.
    pub groups: &'a [String],
    /// Its email rules; empty = public.
    pub rules: &'a [EmailRule],
    /// Its expiry, UTC Unix seconds; `None` never.
    pub expires: Option<i64>,
    /// How many uses; `None` unlimited.
    pub quota: Option<u32>,
    /// The keys of its custom attributes (`fixed_data`).
    pub fixed_keys: &'a [String],
}

/// The custom attributes a member's invitation may hold: only where it is sent. The others (a path, a
/// user type, any attribute) shape accounts and are the admins' ([`Violation::FixedData`]).
pub const MEMBER_FIXED_KEYS: &[&str] = &["email"];

/// Who asks: the role names the inviter holds and how many invitations they created in the last 30
/// days; and when (`now`, UTC Unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct Inviter<'a> {
    /// The inviter's role names.
    pub roles: &'a [String],
    /// Invitations they created within [`WINDOW_SECS`] before `now`.
    pub recent: u32,
    /// Now, UTC Unix seconds.
    pub now: i64,
}

/// The rule a request breaks, named so the refusal can say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The inviter holds no role with an inviter policy.
    NoPolicy,
    /// The flow is not one the policy lists.
    Flow(String),
    /// The role is not one the policy lists.
    Role(String),
    /// The role is one the inviter does not hold.
    RoleAboveOwn(String),
    /// The group is not one the policy lists.
    Group(String),
    /// No email rules, and the policy does not allow public invitations.
    Public,
    /// An email rule outside the policy's domains.
    Address(String),
    /// No expiry.
    NeverExpires,
    /// An expiry further than the policy allows (its days).
    ExpiresTooLate(u32),
    /// More uses than the policy allows (its quota); `None` asked for unlimited.
    Quota(u32),
    /// The inviter created as many invitations as the policy allows per 30 days (its count).
    TooMany(u32),
    /// A custom attribute other than [`MEMBER_FIXED_KEYS`].
    FixedData(String),
    /// A recipient the invitation's email rules do not allow: a member emails their invitation only to
    /// addresses it is for (never a public one's, so Usher's mail is not theirs to send anywhere).
    Recipient(String),
}

impl Violation {
    /// The refusal in `l` (the catalogue's `inviter-…` keys).
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::NoPolicy => t!(l, "inviter-no-policy"),
            Self::Flow(f) => t!(l, "inviter-flow", flow = f.clone()),
            Self::Role(r) => t!(l, "inviter-role", role = r.clone()),
            Self::RoleAboveOwn(r) => t!(l, "inviter-role-above-own", role = r.clone()),
            Self::Group(g) => t!(l, "inviter-group", group = g.clone()),
            Self::Public => t!(l, "inviter-public"),
            Self::Address(a) => t!(l, "inviter-address", rule = a.clone()),
            Self::NeverExpires => t!(l, "inviter-never-expires"),
            Self::ExpiresTooLate(d) => t!(l, "inviter-expires-too-late", count = *d),
            Self::Quota(q) => t!(l, "inviter-quota", count = *q),
            Self::TooMany(n) => t!(l, "inviter-too-many", count = *n),
            Self::FixedData(k) => t!(l, "inviter-fixed-data", key = k.clone()),
            Self::Recipient(a) => t!(l, "inviter-recipient", address = a.clone()),
        }
    }

    /// The form field the refusal belongs under.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NoPolicy | Self::TooMany(_) => "name",
            Self::Flow(_) => "flow",
            Self::Role(_) | Self::RoleAboveOwn(_) => "roles",
            Self::Group(_) => "groups",
            Self::Public | Self::Address(_) => "emails",
            Self::NeverExpires | Self::ExpiresTooLate(_) => "expires",
            Self::Quota(_) => "quota",
            Self::FixedData(_) => "fixed_data",
            Self::Recipient(_) => "to",
        }
    }
}

/// Whether a member may email their invitation, limited by `rules`, to every address of `to` (`cc` and
/// `bcc` included by the caller): each must be one the rules allow ([`crate::domain::email_rules::allowed`]);
/// a public invitation (no rules) is shared by its link, never emailed by a member.
///
/// # Errors
/// [`Violation::Recipient`] naming the first address refused.
pub fn may_send_to(rules: &[EmailRule], to: &[String]) -> Result<(), Violation> {
    match to
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .find(|a| rules.is_empty() || !crate::domain::email_rules::allowed(rules, a))
    {
        Some(a) => Err(Violation::Recipient(a.to_owned())),
        None => Ok(()),
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for Violation {}

/// Why a policy an admin typed is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// A limit outside 1..=its maximum: the field and the maximum.
    OutOfRange(&'static str, u32),
    /// An email domain that is not a domain.
    Domain(String),
    /// A flow slug no flow has.
    UnknownFlow(String),
    /// A role name no role has.
    UnknownRole(String),
    /// A group name no group has.
    UnknownGroup(String),
    /// The approvers' group: no group has this name.
    UnknownApprovers(String),
}

impl PolicyError {
    /// The message in `l`.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::OutOfRange(_, max) => t!(l, "inviter-policy-range", max = max.to_string()),
            Self::Domain(d) => t!(l, "inviter-policy-domain", domain = d.clone()),
            Self::UnknownFlow(n) => t!(l, "inviter-policy-unknown-flow", name = n.clone()),
            Self::UnknownRole(n) => t!(l, "inviter-policy-unknown-role", name = n.clone()),
            Self::UnknownGroup(n) | Self::UnknownApprovers(n) => {
                t!(l, "inviter-policy-unknown-group", name = n.clone())
            }
        }
    }

    /// The form field it belongs under.
    pub fn field(&self) -> &'static str {
        match self {
            Self::OutOfRange(f, _) => f,
            Self::Domain(_) => "email_domains",
            Self::UnknownFlow(_) => "flows",
            Self::UnknownRole(_) => "roles",
            Self::UnknownGroup(_) => "groups",
            Self::UnknownApprovers(_) => "approvers",
        }
    }
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for PolicyError {}

impl InviterPolicy {
    /// The policy as stored: names trimmed, deduplicated and sorted, domains lowercased.
    ///
    /// # Errors
    /// [`PolicyError`] for a limit outside `1..=` its maximum or a domain that is not one.
    pub fn normalized(mut self) -> Result<Self, PolicyError> {
        for (field, value, max) in [
            ("max_expiry_days", self.max_expiry_days, MAX_EXPIRY_DAYS),
            ("max_quota", self.max_quota, MAX_QUOTA),
            ("per_30_days", self.per_30_days, MAX_PER_WINDOW),
        ] {
            if value == 0 || value > max {
                return Err(PolicyError::OutOfRange(field, max));
            }
        }
        let tidy = |v: &mut Vec<String>| {
            for s in v.iter_mut() {
                *s = s.trim().to_owned();
            }
            v.retain(|s| !s.is_empty());
            v.sort();
            v.dedup();
        };
        tidy(&mut self.flows);
        tidy(&mut self.roles);
        tidy(&mut self.groups);
        self.approvers = self
            .approvers
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty());
        for d in &mut self.email_domains {
            *d = d.trim().trim_start_matches("*@").to_ascii_lowercase();
        }
        tidy(&mut self.email_domains);
        if let Some(bad) = self
            .email_domains
            .iter()
            .find(|d| EmailRule::parse(&format!("*@{d}")).is_err())
        {
            return Err(PolicyError::Domain(bad.clone()));
        }
        Ok(self)
    }

    /// Judges `req` by `who` against this policy: the first rule it breaks, checked in the order the
    /// form reads (flow, grants, addresses, expiry, quota), the 30-day count last.
    ///
    /// # Errors
    /// The [`Violation`].
    pub fn check(&self, req: &InviteRequest<'_>, who: &Inviter<'_>) -> Result<(), Violation> {
        if !self.flows.iter().any(|f| f == req.flow) {
            return Err(Violation::Flow(req.flow.to_owned()));
        }
        for r in req.roles {
            if !self.roles.contains(r) {
                return Err(Violation::Role(r.clone()));
            }
            if !who.roles.contains(r) {
                return Err(Violation::RoleAboveOwn(r.clone()));
            }
        }
        if let Some(g) = req.groups.iter().find(|g| !self.groups.contains(g)) {
            return Err(Violation::Group(g.clone()));
        }
        if let Some(k) = req
            .fixed_keys
            .iter()
            .find(|k| !MEMBER_FIXED_KEYS.contains(&k.as_str()))
        {
            return Err(Violation::FixedData(k.clone()));
        }
        if req.rules.is_empty() && !self.allow_public {
            return Err(Violation::Public);
        }
        if !self.email_domains.is_empty() {
            if let Some(r) = req.rules.iter().find(|r| !self.admits(r)) {
                return Err(Violation::Address(r.to_text()));
            }
        }
        match req.expires {
            None => return Err(Violation::NeverExpires),
            Some(e) if e > who.now + i64::from(self.max_expiry_days) * 86_400 => {
                return Err(Violation::ExpiresTooLate(self.max_expiry_days));
            }
            Some(_) => {}
        }
        match req.quota {
            Some(q) if q <= self.max_quota => {}
            _ => return Err(Violation::Quota(self.max_quota)),
        }
        if who.recent >= self.per_30_days {
            return Err(Violation::TooMany(self.per_30_days));
        }
        Ok(())
    }

    /// Whether `rule` stays within the policy's email domains.
    fn admits(&self, rule: &EmailRule) -> bool {
        let domain = match rule {
            EmailRule::Address(a) => a.rsplit_once('@').map_or("", |(_, d)| d),
            EmailRule::Domain(d) => d.as_str(),
        };
        self.email_domains.iter().any(|d| d == domain)
    }
}

/// Judges `req` against every policy the inviter holds: `Ok` with the first policy that allows it
/// whole (its `requires_approval` applies), else the refusal of the first policy (the one listed first
/// by the caller, e.g. by role name).
///
/// # Errors
/// [`Violation::NoPolicy`] without policies; else the first policy's [`Violation`].
pub fn allowed_by_any<'p>(
    policies: &'p [InviterPolicy],
    req: &InviteRequest<'_>,
    who: &Inviter<'_>,
) -> Result<&'p InviterPolicy, Violation> {
    let mut first = None;
    for p in policies {
        match p.check(req, who) {
            Ok(()) => return Ok(p),
            Err(v) => {
                first.get_or_insert(v);
            }
        }
    }
    Err(first.unwrap_or(Violation::NoPolicy))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    fn lead() -> InviterPolicy {
        InviterPolicy {
            flows: vec!["partners".into()],
            roles: vec!["viewer".into()],
            groups: vec!["team-a".into()],
            email_domains: vec!["company.com".into()],
            allow_public: false,
            max_expiry_days: 14,
            max_quota: 5,
            per_30_days: 3,
            requires_approval: false,
            approvers: None,
        }
    }

    fn rules(text: &str) -> Vec<EmailRule> {
        crate::domain::email_rules::parse_rules(text).unwrap()
    }

    struct Case {
        flow: &'static str,
        roles: Vec<String>,
        groups: Vec<String>,
        rules: Vec<EmailRule>,
        expires: Option<i64>,
        quota: Option<u32>,
        fixed_keys: Vec<String>,
    }

    fn ok_case() -> Case {
        Case {
            flow: "partners",
            roles: vec!["viewer".into()],
            groups: vec!["team-a".into()],
            rules: rules("jane@company.com"),
            expires: Some(NOW + 7 * DAY),
            quota: Some(1),
            fixed_keys: vec!["email".into()],
        }
    }

    fn judge(p: &InviterPolicy, c: &Case, held: &[String], recent: u32) -> Result<(), Violation> {
        p.check(
            &InviteRequest {
                flow: c.flow,
                roles: &c.roles,
                groups: &c.groups,
                rules: &c.rules,
                expires: c.expires,
                quota: c.quota,
                fixed_keys: &c.fixed_keys,
            },
            &Inviter {
                roles: held,
                recent,
                now: NOW,
            },
        )
    }

    #[test]
    fn a_request_within_every_limit_is_allowed() {
        let held = vec!["viewer".to_owned(), "team-lead".to_owned()];
        assert_eq!(judge(&lead(), &ok_case(), &held, 2), Ok(()));
        let mut c = ok_case();
        c.rules = rules("*@company.com");
        c.expires = Some(NOW + 14 * DAY);
        c.quota = Some(5);
        assert_eq!(judge(&lead(), &c, &held, 0), Ok(()));
    }

    #[test]
    fn each_rule_refuses_with_its_name() {
        let held = vec!["viewer".to_owned(), "admin-ish".to_owned()];
        let p = lead();
        let mut c = ok_case();
        c.flow = "internal";
        assert_eq!(
            judge(&p, &c, &held, 0),
            Err(Violation::Flow("internal".into()))
        );
        let mut c = ok_case();
        c.roles = vec!["admin-ish".into()];
        assert_eq!(
            judge(&p, &c, &held, 0),
            Err(Violation::Role("admin-ish".into()))
        );
        let mut c = ok_case();
        c.groups = vec!["team-b".into()];
        assert_eq!(
            judge(&p, &c, &held, 0),
            Err(Violation::Group("team-b".into()))
        );
        let mut c = ok_case();
        c.rules = Vec::new();
        assert_eq!(judge(&p, &c, &held, 0), Err(Violation::Public));
        let mut c = ok_case();
        c.rules = rules("jane@company.com\n*@gmail.com");
        assert_eq!(
            judge(&p, &c, &held, 0),
            Err(Violation::Address("*@gmail.com".into()))
        );
        let mut c = ok_case();
        c.rules = rules("eve@sub.company.com");
        assert!(matches!(
            judge(&p, &c, &held, 0),
            Err(Violation::Address(_))
        ));
        let mut c = ok_case();
        c.expires = None;
        assert_eq!(judge(&p, &c, &held, 0), Err(Violation::NeverExpires));
        let mut c = ok_case();
        c.expires = Some(NOW + 14 * DAY + 1);
        assert_eq!(judge(&p, &c, &held, 0), Err(Violation::ExpiresTooLate(14)));
        let mut c = ok_case();
        c.quota = Some(6);
        assert_eq!(judge(&p, &c, &held, 0), Err(Violation::Quota(5)));
        let mut c = ok_case();
        c.quota = None;
        assert_eq!(judge(&p, &c, &held, 0), Err(Violation::Quota(5)));
        assert_eq!(judge(&p, &ok_case(), &held, 3), Err(Violation::TooMany(3)));
        let mut c = ok_case();
        c.fixed_keys = vec!["email".into(), "path".into()];
        assert_eq!(
            judge(&p, &c, &held, 0),
            Err(Violation::FixedData("path".into()))
        );
    }

    #[test]
    fn a_member_never_grants_a_role_they_do_not_hold() {
        let held = vec!["team-lead".to_owned()];
        assert_eq!(
            judge(&lead(), &ok_case(), &held, 0),
            Err(Violation::RoleAboveOwn("viewer".into()))
        );
    }

    #[test]
    fn public_and_any_address_only_when_allowed() {
        let held: Vec<String> = vec!["viewer".into()];
        let mut open = lead();
        open.allow_public = true;
        open.email_domains.clear();
        let mut c = ok_case();
        c.rules = Vec::new();
        assert_eq!(judge(&open, &c, &held, 0), Ok(()));
        c.rules = rules("*@gmail.com");
        assert_eq!(judge(&open, &c, &held, 0), Ok(()));
    }

    #[test]
    fn a_request_must_fit_one_policy_whole() {
        let held = vec!["viewer".to_owned()];
        // One policy allows the flow, the other the long expiry: neither allows both.
        let short = lead();
        let mut long_other_flow = lead();
        long_other_flow.flows = vec!["other".into()];
        long_other_flow.max_expiry_days = 60;
        let mut c = ok_case();
        c.expires = Some(NOW + 30 * DAY);
        let policies = [short.clone(), long_other_flow.clone()];
        let req = InviteRequest {
            flow: c.flow,
            roles: &c.roles,
            groups: &c.groups,
            rules: &c.rules,
            expires: c.expires,
            quota: c.quota,
            fixed_keys: &c.fixed_keys,
        };
        let who = Inviter {
            roles: &held,
            recent: 0,
            now: NOW,
        };
        assert_eq!(
            allowed_by_any(&policies, &req, &who),
            Err(Violation::ExpiresTooLate(14))
        );
        let mut approved = short;
        approved.requires_approval = true;
        let both = [long_other_flow, approved];
        let ok = InviteRequest {
            expires: Some(NOW + DAY),
            ..req
        };
        assert!(allowed_by_any(&both, &ok, &who).unwrap().requires_approval);
        assert_eq!(allowed_by_any(&[], &ok, &who), Err(Violation::NoPolicy));
    }

    #[test]
    fn a_typed_policy_is_tidied_and_its_limits_bounded() {
        let p = InviterPolicy {
            flows: vec![" partners ".into(), "partners".into(), "".into()],
            email_domains: vec!["*@Company.COM".into(), " company.com".into()],
            ..lead()
        }
        .normalized()
        .unwrap();
        assert_eq!(p.flows, vec!["partners".to_owned()]);
        assert_eq!(p.email_domains, vec!["company.com".to_owned()]);
        for bad in [
            InviterPolicy {
                max_quota: 0,
                ..lead()
            },
            InviterPolicy {
                max_expiry_days: MAX_EXPIRY_DAYS + 1,
                ..lead()
            },
            InviterPolicy {
                per_30_days: 0,
                ..lead()
            },
        ] {
            assert!(matches!(bad.normalized(), Err(PolicyError::OutOfRange(..))));
        }
        let bad = InviterPolicy {
            email_domains: vec!["not a domain".into()],
            ..lead()
        };
        assert_eq!(
            bad.normalized(),
            Err(PolicyError::Domain("not a domain".into()))
        );
        // Stored as JSON; an older or partial document reads with the defaults.
        let read: InviterPolicy = serde_json::from_str(r#"{"flows":["partners"]}"#).unwrap();
        assert_eq!(read.max_quota, 1);
        assert!(!read.allow_public);
    }

    #[test]
    fn a_member_emails_only_addresses_the_rules_allow() {
        let rules = vec![
            EmailRule::parse("*@company.com").unwrap(),
            EmailRule::parse("guest@else.io").unwrap(),
        ];
        let to = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            may_send_to(&rules, &to(&["ana@company.com", " guest@else.io ", ""])),
            Ok(())
        );
        assert_eq!(
            may_send_to(&rules, &to(&["ana@company.com", "eve@evil.io"])),
            Err(Violation::Recipient("eve@evil.io".into()))
        );
        assert_eq!(
            may_send_to(&[], &to(&["ana@company.com"])),
            Err(Violation::Recipient("ana@company.com".into()))
        );
        assert_eq!(Violation::Recipient("x".into()).field(), "to");
    }
}
