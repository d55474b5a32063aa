//! Named links of a public invitation (issue 15 item 6): a poster, a newsletter and an event each get a
//! link of their own, with its own token, an optional share of the uses and its own counts. The rules
//! here are pure: the link's name, its share as typed, and what a link adds to the invitation's status.

use serde::{Deserialize, Serialize};

/// The most characters of a link's name.
pub const MAX_NAME_LEN: usize = 50;

/// Why a named link cannot be added (each error belongs to one field of the link form, [`Self::field`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkError {
    /// No name.
    NameRequired,
    /// A name longer than [`MAX_NAME_LEN`] characters.
    NameTooLong,
    /// A character other than ASCII letters, digits, `-` and `_`.
    NameNotASlug,
    /// The invitation is limited by email rules: its invitees prove their address, so a shared link
    /// would add nothing but another way in.
    NotPublic,
    /// A share that is not a whole number of at least 1.
    Share,
}

impl LinkError {
    /// This error's message in `l` (the catalogue's `err-link-…` keys); its `Display` is the
    /// English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::NameRequired => t!(l, "err-link-name-required"),
            Self::NameTooLong => t!(l, "err-link-name-too-long", max = MAX_NAME_LEN.to_string()),
            Self::NameNotASlug => t!(l, "err-link-name-not-a-slug"),
            Self::NotPublic => t!(l, "err-link-not-public"),
            Self::Share => t!(l, "err-link-share"),
        }
    }
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for LinkError {}

impl LinkError {
    /// The field of the link form (and of the REST body) the error belongs to: `name` or `quota`.
    pub fn field(self) -> &'static str {
        match self {
            Self::Share => "quota",
            Self::NameRequired | Self::NameTooLong | Self::NameNotASlug | Self::NotPublic => "name",
        }
    }
}

/// A named link's name: its label, a slug of ASCII letters, digits, `-` and `_` (as invitation names),
/// 1 to [`MAX_NAME_LEN`] characters, unique per invitation (the store's index says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkName(String);

impl LinkName {
    /// Parses a name, trimming surrounding whitespace.
    ///
    /// # Errors
    /// [`LinkError::NameRequired`], [`LinkError::NameTooLong`], [`LinkError::NameNotASlug`].
    pub fn parse(raw: &str) -> Result<Self, LinkError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(LinkError::NameRequired);
        }
        if s.chars().count() > MAX_NAME_LEN {
            return Err(LinkError::NameTooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(LinkError::NameNotASlug);
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A link's share as typed in the form: empty (`None`, no share of its own) or a whole number ≥ 1.
///
/// # Errors
/// [`LinkError::Share`].
pub fn parse_share(raw: &str) -> Result<Option<i64>, LinkError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    check_share(s.parse::<i64>().map_err(|_| LinkError::Share)?).map(Some)
}

/// A share given as a number: at least 1.
///
/// # Errors
/// [`LinkError::Share`].
pub fn check_share(share: i64) -> Result<i64, LinkError> {
    if share >= 1 {
        Ok(share)
    } else {
        Err(LinkError::Share)
    }
}

/// Whether a link with `uses` uses and share `quota` (`None`: no share of its own) may be used once
/// more. The invitation's own status decides the rest.
pub fn share_left(uses: i64, quota: Option<i64>) -> bool {
    quota.is_none_or(|q| uses < q)
}

/// The named link an invitation was found through (by its token), as the invitee journey carries it:
/// which link, the lookup digest of its token (consuming a use re-checks it, so a deleted or
/// regenerated link stops at once), its share and its uses when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    /// The link's pk (UUID).
    pub pk: String,
    /// Its name.
    pub name: String,
    /// The lookup digest of its token.
    pub token: String,
    /// Its share: at most this many uses through it; `None` = no share of its own.
    pub quota: Option<i64>,
    /// Uses through it so far.
    pub uses: i64,
}

impl LinkUse {
    /// Whether the link's share allows one more use ([`share_left`]).
    pub fn share_left(&self) -> bool {
        share_left(self.uses, self.quota)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_slugs_of_at_most_fifty_characters() {
        assert_eq!(LinkName::parse(" poster ").unwrap().as_str(), "poster");
        assert_eq!(
            LinkName::parse("news_letter-2026").unwrap().as_str(),
            "news_letter-2026"
        );
        assert_eq!(LinkName::parse("  "), Err(LinkError::NameRequired));
        assert_eq!(LinkName::parse("a b"), Err(LinkError::NameNotASlug));
        assert_eq!(LinkName::parse("affiche-été"), Err(LinkError::NameNotASlug));
        assert!(LinkName::parse(&"x".repeat(50)).is_ok());
        assert_eq!(
            LinkName::parse(&"x".repeat(51)),
            Err(LinkError::NameTooLong)
        );
    }

    #[test]
    fn shares_are_empty_or_at_least_one() {
        assert_eq!(parse_share(""), Ok(None));
        assert_eq!(parse_share(" 3 "), Ok(Some(3)));
        assert_eq!(parse_share("0"), Err(LinkError::Share));
        assert_eq!(parse_share("-2"), Err(LinkError::Share));
        assert_eq!(parse_share("two"), Err(LinkError::Share));
        assert_eq!(check_share(1), Ok(1));
    }

    #[test]
    fn a_share_is_used_up_at_its_quota() {
        assert!(share_left(0, None));
        assert!(share_left(1_000, None));
        assert!(share_left(1, Some(2)));
        assert!(!share_left(2, Some(2)));
        assert!(!share_left(3, Some(2)));
    }

    #[test]
    fn errors_belong_to_their_fields() {
        assert_eq!(LinkError::Share.field(), "quota");
        assert_eq!(LinkError::NotPublic.field(), "name");
        assert!(LinkError::NotPublic
            .to_string()
            .contains("public invitations"));
    }
}
