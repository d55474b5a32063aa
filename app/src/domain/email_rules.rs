//! Email rules of an invitation (DESIGN.md "Security rules"; Layer5's "emails and domain patterns").
//!
//! Addresses are trimmed, the domain lower-cased and IDNA-normalised (UTS #46, via the `idna` crate), and
//! compared case-insensitively. A domain rule `*@example.com` matches addresses whose *whole parsed domain*
//! equals `example.com`: never a substring or suffix match, so `a@sub.example.com`,
//! `a@example.com.evil.io` and `a@evil-example.com` do not match.

use serde::{Deserialize, Serialize};

/// One rule: an exact address or a whole domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum EmailRule {
    /// Exactly this normalised address.
    Address(String),
    /// Any address whose normalised domain equals this one.
    Domain(String),
}

impl EmailRule {
    /// Parses `jane@example.com` or `*@example.com`.
    ///
    /// # Errors
    /// [`EmailRuleError`], naming the rule, when it is neither a valid address nor `*@` followed by a
    /// valid domain.
    pub fn parse(raw: &str) -> Result<Self, EmailRuleError> {
        let s = raw.trim();
        if let Some(domain) = s.strip_prefix("*@") {
            let d =
                normalize_domain(domain).ok_or_else(|| EmailRuleError::DomainRule(s.to_owned()))?;
            return Ok(Self::Domain(d));
        }
        normalize_email(s)
            .map(Self::Address)
            .ok_or_else(|| EmailRuleError::NotARule(s.to_owned()))
    }

    /// The rule as admins write it: the address, or `*@domain`.
    pub fn to_text(&self) -> String {
        match self {
            Self::Address(a) => a.clone(),
            Self::Domain(d) => format!("*@{d}"),
        }
    }

    /// Whether a (raw, not yet normalised) address satisfies this rule.
    pub fn matches(&self, email: &str) -> bool {
        let Some(e) = normalize_email(email) else {
            return false;
        };
        match self {
            Self::Address(a) => *a == e,
            Self::Domain(d) => e.rsplit_once('@').is_some_and(|(_, dom)| dom == d),
        }
    }
}

/// Why an email rule is refused, with the rule as written; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailRuleError {
    /// `*@` followed by something that is not a domain.
    DomainRule(String),
    /// Neither an address nor `*@domain`.
    NotARule(String),
}

impl EmailRuleError {
    /// This error's message in `l` (the catalogue's `err-rules-…` keys); its `Display` is the
    /// English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::DomainRule(rule) => t!(l, "err-rules-domain-rule", rule = rule.clone()),
            Self::NotARule(rule) => t!(l, "err-rules-not-a-rule", rule = rule.clone()),
        }
    }
}

impl std::fmt::Display for EmailRuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for EmailRuleError {}

/// Every refused line of a rule list (at least one); the message joins theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailRulesError(pub Vec<EmailRuleError>);

impl EmailRulesError {
    /// This error's message in `l`: the messages of its lines, one after another.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        self.0
            .iter()
            .map(|e| e.worded(l))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl std::fmt::Display for EmailRulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for EmailRulesError {}

/// Parses the form's rule list: one rule per line, blank lines ignored, duplicates removed.
///
/// # Errors
/// [`EmailRulesError`] with every invalid line.
pub fn parse_rules(text: &str) -> Result<Vec<EmailRule>, EmailRulesError> {
    let mut rules: Vec<EmailRule> = Vec::new();
    let mut errors = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match EmailRule::parse(line) {
            Ok(r) if !rules.contains(&r) => rules.push(r),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(EmailRulesError(errors))
    }
}

/// Whether an address is allowed by a rule list: an empty list is public (everyone).
pub fn allowed(rules: &[EmailRule], email: &str) -> bool {
    rules.is_empty() || rules.iter().any(|r| r.matches(email))
}

/// Whether an address would be accepted by a list of email rules, and why ([`explain`]; issue 15
/// item 7, "would this address be accepted?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// No rules: the invitation is public, any address may use it.
    Public,
    /// Accepted by this rule (the first in the list that matches).
    Admitted(EmailRule),
    /// The text is not an email address (every prompt refuses it, whatever the rules).
    NotAnAddress,
    /// No rule matches; these are the rules.
    NoRuleMatches(Vec<EmailRule>),
}

impl Verdict {
    /// Whether the address is accepted.
    pub fn accepted(&self) -> bool {
        matches!(self, Self::Public | Self::Admitted(_))
    }

    /// The verdict as the editor says it, naming the rule that admits, or the rules that refuse
    /// (English; [`Verdict::sentence_in`] in another language).
    pub fn sentence(&self) -> String {
        self.sentence_in(crate::i18n::Locale::En)
    }

    /// [`Verdict::sentence`] in `l` (the catalogue's `rules-verdict-…` keys).
    pub fn sentence_in(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Public => t!(l, "rules-verdict-public"),
            Self::Admitted(r @ EmailRule::Address(_)) => {
                t!(l, "rules-verdict-address", rule = r.to_text())
            }
            Self::Admitted(r @ EmailRule::Domain(d)) => {
                t!(
                    l,
                    "rules-verdict-domain",
                    rule = r.to_text(),
                    domain = d.clone()
                )
            }
            Self::NotAnAddress => t!(l, "rules-verdict-not-an-address"),
            Self::NoRuleMatches(rules) => t!(
                l,
                "rules-verdict-no-match",
                rules = rules
                    .iter()
                    .map(EmailRule::to_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Whether `address` (raw, as an invitee would type it) is accepted by `rules`, and by which rule: the
/// enrollment prompt and accepting use the same [`EmailRule::matches`] through [`allowed`], so an
/// accepted verdict is exactly an address they admit (an address that does not parse is refused first,
/// as the email prompt refuses it).
pub fn explain(rules: &[EmailRule], address: &str) -> Verdict {
    if normalize_email(address).is_none() {
        return Verdict::NotAnAddress;
    }
    if rules.is_empty() {
        return Verdict::Public;
    }
    match rules.iter().find(|r| r.matches(address)) {
        Some(r) => Verdict::Admitted(r.clone()),
        None => Verdict::NoRuleMatches(rules.to_vec()),
    }
}

/// Normalises a domain: trimmed, lower-cased, IDNA (UTS #46) to ASCII, each label 1–63 of
/// `[a-z0-9-]` not starting or ending with `-`, at least two labels. `None` when invalid.
pub fn normalize_domain(raw: &str) -> Option<String> {
    let s = raw.trim().trim_end_matches('.');
    if s.is_empty() {
        return None;
    }
    let ascii = idna_to_ascii(s)?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let ok = labels.len() >= 2
        && ascii.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    ok.then_some(ascii)
}

#[cfg(feature = "ssr")]
fn idna_to_ascii(s: &str) -> Option<String> {
    idna::domain_to_ascii(s).ok()
}

#[cfg(not(feature = "ssr"))]
fn idna_to_ascii(s: &str) -> Option<String> {
    s.is_ascii().then(|| s.to_ascii_lowercase())
}

/// Normalises an address: trimmed; the local part kept as written but compared lower-cased (so the
/// result is lower-cased); the domain normalised by [`normalize_domain`]. Refuses quoted local parts,
/// whitespace, control characters, list separators (`,` `;`) and anything but one `@`. `None` when invalid.
pub fn normalize_email(raw: &str) -> Option<String> {
    let s = raw.trim();
    let (local, domain) = s.split_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return None;
    }
    let domain = normalize_domain(domain)?;
    Some(format!("{}@{}", local.to_lowercase(), domain))
}

/// The mailbox an address delivers to, for counting per mailbox (issue 35 item 4): the address
/// normalised ([`normalize_email`]; text that is no address, trimmed and lower-cased) with its local
/// part lower-cased and a `+tag` dropped, so `victim+tag@Example.com` and `victim@example.com` are one
/// mailbox (`victim@example.com`). A local part that is only a tag (`+tag@x`) is kept.
pub fn mailbox_key(email: &str) -> String {
    let address = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.to_lowercase();
            let mailbox = match local.split_once('+') {
                Some((base, _)) if !base.is_empty() => base,
                _ => local.as_str(),
            };
            format!("{mailbox}@{domain}")
        }
        None => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_is_its_address_without_case_or_tag() {
        assert_eq!(mailbox_key("victim+tag@Example.com"), "victim@example.com");
        assert_eq!(mailbox_key(" Victim@EXAMPLE.com "), "victim@example.com");
        assert_eq!(mailbox_key("victim+a+b@example.com"), "victim@example.com");
        assert_eq!(mailbox_key("victim@example.com"), "victim@example.com");
        assert_eq!(mailbox_key("+tag@example.com"), "+tag@example.com");
        assert_eq!(mailbox_key("not an address"), "not an address");
        assert_ne!(
            mailbox_key("victim@example.com"),
            mailbox_key("victim@example.org")
        );
        assert_ne!(
            mailbox_key("victim@example.com"),
            mailbox_key("victims@example.com")
        );
    }

    fn domain_rule() -> EmailRule {
        EmailRule::parse("*@company.com").unwrap()
    }

    #[test]
    fn domain_rule_matches_whole_domain_only() {
        let r = domain_rule();
        assert!(r.matches("a@company.com"));
        assert!(r.matches("  A@Company.COM "));
        assert!(!r.matches("a@company.com.evil.io"));
        assert!(!r.matches("a@evil-company.com"));
        assert!(!r.matches("a@sub.company.com"));
        assert!(!r.matches("a@company.com;b@x.io"));
        assert!(!r.matches("\"a@company.com\"@evil.io"));
        assert!(!r.matches("a@company.com@evil.io"));
    }

    #[test]
    fn address_rule_is_case_insensitive() {
        let r = EmailRule::parse("Jane@Example.com").unwrap();
        assert_eq!(r, EmailRule::Address("jane@example.com".into()));
        assert!(r.matches("JANE@example.COM"));
        assert!(!r.matches("jane@example.co"));
    }

    #[test]
    fn idna_domains_are_normalised() {
        assert_eq!(
            normalize_domain("Bücher.Example"),
            Some("xn--bcher-kva.example".into())
        );
        let r = EmailRule::parse("*@bücher.example").unwrap();
        assert!(r.matches("a@xn--bcher-kva.example"));
    }

    #[test]
    fn invalid_rules_are_refused() {
        assert!(EmailRule::parse("*@").is_err());
        assert!(EmailRule::parse("*@localhost").is_err());
        assert!(EmailRule::parse("not an email").is_err());
        assert!(EmailRule::parse("*.company.com").is_err());
        assert!(EmailRule::parse("a@b@c.com").is_err());
    }

    #[test]
    fn rule_lists() {
        let rules = parse_rules("jane@example.com\n\n *@company.com \njane@EXAMPLE.com").unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].to_text(), "*@company.com");
        assert!(parse_rules("ok@example.com\nbad")
            .unwrap_err()
            .to_string()
            .contains("'bad'"));
        assert!(allowed(&[], "anyone@anywhere.io"));
        assert!(!allowed(&rules, "x@example.com"));
        assert!(allowed(&rules, "x@company.com"));
    }

    #[test]
    fn explain_names_the_rule_that_admits() {
        let rules = parse_rules("jane@example.com\n*@company.com").unwrap();
        assert_eq!(
            explain(&rules, " Jane@EXAMPLE.com "),
            Verdict::Admitted(EmailRule::Address("jane@example.com".into()))
        );
        let by_domain = explain(&rules, "bob@Company.com");
        assert_eq!(
            by_domain,
            Verdict::Admitted(EmailRule::Domain("company.com".into()))
        );
        assert_eq!(
            by_domain.sentence(),
            "Accepted by the rule *@company.com: any address at company.com."
        );
        assert_eq!(
            explain(&rules, "jane@example.com").sentence(),
            "Accepted by the rule jane@example.com: that exact address."
        );
        assert_eq!(explain(&[], "anyone@anywhere.io"), Verdict::Public);
        assert!(explain(&[], "anyone@anywhere.io").accepted());
    }

    #[test]
    fn explain_refuses_with_the_rules_or_as_not_an_address() {
        let rules = parse_rules("jane@example.com\n*@company.com").unwrap();
        let refused = explain(&rules, "a@sub.company.com");
        assert_eq!(refused, Verdict::NoRuleMatches(rules.clone()));
        assert!(!refused.accepted());
        assert_eq!(
            refused.sentence(),
            "Refused: no rule matches. The rules are: jane@example.com, *@company.com."
        );
        assert_eq!(explain(&rules, "not an address"), Verdict::NotAnAddress);
        assert_eq!(explain(&[], "a@company.com@evil.io"), Verdict::NotAnAddress);
        assert_eq!(
            explain(&[], "nope").sentence(),
            "Refused: this is not an email address."
        );
    }

    #[test]
    fn explain_agrees_with_the_rule_the_engine_enforces() {
        let lists = [
            Vec::new(),
            parse_rules("jane@example.com").unwrap(),
            parse_rules("*@company.com\nbob@example.org").unwrap(),
            parse_rules("*@bücher.example").unwrap(),
        ];
        let addresses = [
            "jane@example.com",
            "JANE@example.com",
            "x@company.com",
            "x@company.com.evil.io",
            "x@evil-company.com",
            "bob@example.org",
            "a@xn--bcher-kva.example",
            "a@b@c.com",
            "",
            "plain",
        ];
        for rules in &lists {
            for a in addresses {
                let admitted = normalize_email(a).is_some() && allowed(rules, a);
                assert_eq!(explain(rules, a).accepted(), admitted, "{rules:?} {a:?}");
            }
        }
    }
}
