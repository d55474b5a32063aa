//! SMTP settings (System → Email, issue 34): which settings are in effect and where each comes from, the
//! URL shown with its password masked, and the password kept apart from the URL so it can be sealed.
//! Environment variables win over what an admin saved; without either there is no SMTP server and
//! messages wait in the outbox.
//!
//! URLs are lettre's form (`smtp://user:pass@host:587?tls=required`, `smtps://user:pass@host:465`,
//! `smtp://127.0.0.1:2525`), parsed with the `url` crate (WHATWG URL).

use serde::{Deserialize, Serialize};

/// The `From:` of Usher's emails when neither `USHER_EMAIL_FROM` nor a saved value says otherwise.
pub const DEFAULT_FROM: &str = "Usher <usher@localhost>";

/// What the password of a masked URL is shown as.
pub const MASK: &str = "********";

/// Where a setting in effect comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// An environment variable or flag (`USHER_SMTP_URL`, `USHER_EMAIL_FROM`, `USHER_BRAND_NAME`); it
    /// wins over a saved value.
    Environment,
    /// Saved by an admin in System → Email.
    Saved,
    /// Usher's default.
    Default,
}

/// The SMTP settings the environment gives (each `None` when unset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvSmtp {
    /// `USHER_SMTP_URL`, with its password if it has one.
    pub url: Option<String>,
    /// `USHER_EMAIL_FROM`.
    pub from: Option<String>,
}

/// The SMTP settings an admin saved (each `None` when not saved); the password opened from its sealed
/// copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedSmtp {
    /// The URL without its password.
    pub url: Option<String>,
    /// The password.
    pub password: Option<String>,
    /// The `From:`.
    pub from: Option<String>,
}

/// The settings in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// The URL to send through, with its password, and where it comes from; `None`: no SMTP server.
    pub url: Option<(String, Source)>,
    /// The `From:` and where it comes from.
    pub from: (String, Source),
}

/// The settings in effect: the environment's URL (whole, with its own password) when set, else the
/// saved URL with the saved password; the environment's `From:`, else the saved one, else
/// [`DEFAULT_FROM`]. Blank values count as unset.
#[cfg(feature = "ssr")]
pub fn effective(env: &EnvSmtp, saved: &SavedSmtp) -> Effective {
    let set = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let url = match (set(&env.url), set(&saved.url)) {
        (Some(u), _) => Some((u, Source::Environment)),
        (None, Some(u)) => Some((
            match set(&saved.password) {
                Some(p) => with_password(&u, &p).unwrap_or(u),
                None => u,
            },
            Source::Saved,
        )),
        (None, None) => None,
    };
    let from = match (set(&env.from), set(&saved.from)) {
        (Some(f), _) => (f, Source::Environment),
        (None, Some(f)) => (f, Source::Saved),
        (None, None) => (DEFAULT_FROM.to_owned(), Source::Default),
    };
    Effective { url, from }
}

/// Which emails an invitation being edited would need while no SMTP server is configured (the form warns
/// before saving; issue 34). Both false when a server is configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailWarning {
    /// It sends an invitation email (`fixed_data` has `email`), which will wait in the outbox.
    pub sends_invitation: bool,
    /// Its invitees must confirm their address with an emailed code: it is limited by email rules (an
    /// address or `*@domain`, "email-limited means proven") or its flow binds an email stage.
    pub needs_code: bool,
}

impl MailWarning {
    /// The warning for an invitation with these traits when an SMTP server is (`configured`) or is not.
    pub fn of(
        configured: bool,
        sends_invitation: bool,
        email_limited: bool,
        flow_has_email_stage: bool,
    ) -> Self {
        Self {
            sends_invitation: !configured && sends_invitation,
            needs_code: !configured && (email_limited || flow_has_email_stage),
        }
    }

    /// Whether there is anything to warn about.
    pub fn any(&self) -> bool {
        self.sends_invitation || self.needs_code
    }
}

/// Why an SMTP URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpUrlError {
    /// Not a URL.
    NotAUrl,
    /// Another scheme than smtp or smtps.
    Scheme,
    /// No host.
    NoHost,
}

impl SmtpUrlError {
    /// This error's message in `l` (the catalogue's `err-smtp-…` keys); its `Display` is the
    /// English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::NotAUrl => t!(l, "err-smtp-not-a-url"),
            Self::Scheme => t!(l, "err-smtp-scheme"),
            Self::NoHost => t!(l, "err-smtp-no-host"),
        }
    }
}

impl std::fmt::Display for SmtpUrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for SmtpUrlError {}

/// Checks an SMTP URL typed by an admin and splits off its password: returns the URL without password
/// (what is stored in the clear) and the password it carried, if any (what is sealed). Percent-encoded
/// passwords are decoded.
///
/// # Errors
/// [`SmtpUrlError`] for a text that is not an `smtp://` or `smtps://` URL with a host.
#[cfg(feature = "ssr")]
pub fn split_password(raw: &str) -> Result<(String, Option<String>), SmtpUrlError> {
    let mut url = url::Url::parse(raw.trim()).map_err(|_| SmtpUrlError::NotAUrl)?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(SmtpUrlError::Scheme);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SmtpUrlError::NoHost);
    }
    let password = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = url.set_password(None);
    Ok((url.to_string(), password.filter(|p| !p.is_empty())))
}

/// `url` with `password` set (percent-encoded as the URL needs); `None` when `url` cannot carry one (no
/// user name, or not a URL).
#[cfg(feature = "ssr")]
pub fn with_password(url: &str, password: &str) -> Option<String> {
    let mut u = url::Url::parse(url).ok()?;
    if u.username().is_empty() {
        return None;
    }
    u.set_password(Some(password)).ok()?;
    Some(u.to_string())
}

/// `url` for display: its password replaced by [`MASK`]; a text that is not a URL is shown as
/// `(not a URL)` rather than risk showing a secret.
#[cfg(feature = "ssr")]
pub fn mask(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some(MASK));
            }
            u.to_string()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_then_what_was_saved_then_the_default() {
        let saved = SavedSmtp {
            url: Some("smtp://mailer@mail.example.com:587?tls=required".into()),
            password: Some("p@ss word".into()),
            from: Some("Acme <id@acme.test>".into()),
        };
        let e = effective(&EnvSmtp::default(), &saved);
        let (url, source) = e.url.unwrap();
        assert_eq!(source, Source::Saved);
        assert_eq!(
            url,
            "smtp://mailer:p%40ss%20word@mail.example.com:587?tls=required"
        );
        assert_eq!(e.from, ("Acme <id@acme.test>".into(), Source::Saved));
        let env = EnvSmtp {
            url: Some("smtp://127.0.0.1:2525".into()),
            from: Some("Usher <u@x.test>".into()),
        };
        let e = effective(&env, &saved);
        assert_eq!(
            e.url,
            Some(("smtp://127.0.0.1:2525".into(), Source::Environment))
        );
        assert_eq!(e.from.1, Source::Environment);
        let none = effective(
            &EnvSmtp {
                url: Some("  ".into()),
                from: None,
            },
            &SavedSmtp::default(),
        );
        assert_eq!(none.url, None, "blank is unset");
        assert_eq!(none.from, (DEFAULT_FROM.into(), Source::Default));
    }

    #[test]
    fn a_typed_url_gives_up_its_password_for_sealing() {
        assert_eq!(
            split_password("smtp://mailer:s%3Acret@mail.example.com:587?tls=required"),
            Ok((
                "smtp://mailer@mail.example.com:587?tls=required".into(),
                Some("s:cret".into())
            ))
        );
        assert_eq!(
            split_password(" smtps://mail.example.com:465 "),
            Ok(("smtps://mail.example.com:465".into(), None))
        );
        assert_eq!(
            split_password("mail.example.com"),
            Err(SmtpUrlError::NotAUrl)
        );
        assert_eq!(
            split_password("https://mail.example.com"),
            Err(SmtpUrlError::Scheme)
        );
        assert!(split_password("smtp://").is_err());
    }

    #[test]
    fn the_form_warns_only_without_a_server_and_only_of_what_needs_mail() {
        assert!(!MailWarning::of(true, true, true, true).any());
        assert_eq!(
            MailWarning::of(false, true, false, false),
            MailWarning {
                sends_invitation: true,
                needs_code: false
            }
        );
        assert!(MailWarning::of(false, false, true, false).needs_code);
        assert!(MailWarning::of(false, false, false, true).needs_code);
        assert!(
            !MailWarning::of(false, false, false, false).any(),
            "link mode needs no mail"
        );
    }

    #[test]
    fn a_shown_url_never_shows_its_password() {
        assert_eq!(
            mask("smtp://mailer:hunter2@mail.example.com:587?tls=required"),
            "smtp://mailer:********@mail.example.com:587?tls=required"
        );
        assert_eq!(mask("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        assert_eq!(mask("not a url hunter2"), "(not a URL)");
        assert_eq!(with_password("smtp://h:25", "x"), None, "no user name");
    }
}
