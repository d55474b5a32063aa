//! API tokens (authentik's tokens with intent `api`): rules for identifiers, status and the secret's form.

/// Characters in a generated secret (alphanumeric, so it survives shells and headers unquoted).
pub const SECRET_LEN: usize = 48;
/// Characters of the secret kept in clear so admins can tell tokens apart.
pub const PREFIX_LEN: usize = 6;

/// A token's state at a moment; serialised as `active`, `expired` or `revoked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    /// Usable.
    Active,
    /// `expires` has passed (UTC; a token expiring at `t` is refused from `t` on).
    Expired,
    /// Revoked by an admin.
    Revoked,
}

impl TokenStatus {
    /// `active`, `expired` or `revoked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

/// A token an admin asks to create: the dashboard form and the CLI parse into this at their edge
/// (the expiry read from its text); the token service checks the rest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenDraft {
    /// The owner's username, as entered (trimmed by the service).
    pub username: String,
    /// The identifier, as entered ([`validate_identifier`] by the service).
    pub identifier: String,
    /// Free text (trimmed by the service).
    pub description: String,
    /// Expiry, UTC Unix seconds (must be in the future); `None` = never.
    pub expires: Option<i64>,
}

/// An expiry as entered: empty (after trimming) is never, else a `YYYY-MM-DDTHH:MM` UTC date and time
/// ([`crate::domain::time::parse_input`]), as UTC Unix seconds.
///
/// # Errors
/// [`crate::domain::NotADateTime`] when it is neither.
#[cfg(feature = "ssr")]
pub fn parse_expiry(raw: &str) -> Result<Option<i64>, crate::domain::NotADateTime> {
    match raw.trim() {
        "" => Ok(None),
        raw => crate::domain::time::parse_input(raw).map(Some),
    }
}

/// The status of a token revoked or not, expiring at `expires` (UTC Unix seconds, `None` = never), at `now`.
/// Revocation wins over expiry.
pub fn token_status(expires: Option<i64>, revoked: bool, now: i64) -> TokenStatus {
    if revoked {
        TokenStatus::Revoked
    } else if expires.is_some_and(|e| e <= now) {
        TokenStatus::Expired
    } else {
        TokenStatus::Active
    }
}

/// Validates a token identifier (authentik's `identifier`: a slug): 1–100 characters of ASCII letters,
/// digits, `-`, `_` and `.`. Returns it trimmed.
///
/// # Errors
/// [`IdentifierError`].
pub fn validate_identifier(raw: &str) -> Result<String, IdentifierError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(IdentifierError::Required);
    }
    if s.len() > 100 {
        return Err(IdentifierError::TooLong);
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(IdentifierError::Characters);
    }
    Ok(s.to_owned())
}

/// Why a token identifier is refused; the message is the form's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierError {
    /// Empty after trimming.
    Required,
    /// Longer than 100 characters.
    TooLong,
    /// A character that is not an ASCII letter, digit, `-`, `_` or `.`.
    Characters,
}

impl IdentifierError {
    /// This error's message in `l` (the catalogue's `err-token-…` keys); its `Display` is the
    /// English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::Required => t!(l, "err-token-identifier-required"),
            Self::TooLong => t!(l, "err-token-identifier-too-long"),
            Self::Characters => t!(l, "err-token-identifier-characters"),
        }
    }
}

impl std::fmt::Display for IdentifierError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for IdentifierError {}

/// The secret from an `Authorization` header value: `Bearer <secret>` (scheme case-insensitive, RFC 6750
/// §2.1). `None` for another scheme or an empty secret.
pub fn bearer_secret(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    let secret = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !secret.is_empty()).then_some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_revoked_then_expired_then_active() {
        assert_eq!(token_status(None, false, 100), TokenStatus::Active);
        assert_eq!(token_status(Some(101), false, 100), TokenStatus::Active);
        assert_eq!(token_status(Some(100), false, 100), TokenStatus::Expired);
        assert_eq!(token_status(Some(50), true, 100), TokenStatus::Revoked);
        assert_eq!(token_status(None, true, 100).as_str(), "revoked");
        assert_eq!(
            serde_json::to_value(TokenStatus::Expired).unwrap(),
            serde_json::json!("expired")
        );
    }

    #[test]
    fn identifiers_are_slugs() {
        assert_eq!(
            validate_identifier(" ci-bot.v2_1 "),
            Ok("ci-bot.v2_1".into())
        );
        assert!(validate_identifier("").is_err());
        assert!(validate_identifier("has space").is_err());
        assert!(validate_identifier(&"a".repeat(101)).is_err());
    }

    #[test]
    fn bearer_header_parsing() {
        assert_eq!(bearer_secret("Bearer abc"), Some("abc"));
        assert_eq!(bearer_secret("bearer   abc "), Some("abc"));
        assert_eq!(bearer_secret("Basic abc"), None);
        assert_eq!(bearer_secret("Bearer "), None);
        assert_eq!(bearer_secret("Bearer"), None);
    }
}
