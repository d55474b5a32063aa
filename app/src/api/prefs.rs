//! The visitor's display preferences, kept in cookies of their own browser: the colour theme (issue 16
//! item 5). Anonymous by design: it changes only the caller's cookie.

#[cfg(feature = "ssr")]
use super::ctx::{remember_preference, respond};
use crate::error::AppError;
use leptos::prelude::*;

/// The cookie the theme switcher sets (a year; `SameSite=Lax`): `light` or `dark`; none follows the
/// system (`prefers-color-scheme`).
pub const THEME_COOKIE: &str = "usher_theme";

/// A colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// The system's preference (`prefers-color-scheme`).
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Every theme, in the switcher's order.
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    /// `auto`, `light`, `dark`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// Reads a code; anything else is `None`.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }

    /// The value of `<html data-theme>`: none for [`Theme::Auto`].
    pub fn attribute(self) -> Option<&'static str> {
        (self != Self::Auto).then(|| self.code())
    }
}

/// The theme switcher: remembers `theme` ([`THEME_COOKIE`], a year; `auto` forgets it) and sends the
/// browser back to `next` when it is a path of this site ([`crate::domain::landing::is_safe_next`]),
/// else to `/`. A plain form post: it works without JavaScript.
///
/// # Errors
/// 400 [`AppError::BadRequest`] for an unknown theme.
#[server(endpoint = "prefs/theme")]
pub async fn set_theme(theme: String, next: String) -> Result<(), AppError> {
    respond(
        async {
            let theme = Theme::parse(&theme).ok_or_else(|| {
                AppError::BadRequest(crate::t!(crate::i18n::wording(), "theme-unknown"))
            })?;
            remember_preference(
                THEME_COOKIE,
                theme.attribute(),
                &next,
                crate::domain::landing::is_safe_next,
            )
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn themes_read_their_codes_and_auto_sets_no_attribute() {
        assert_eq!(Theme::parse("dark"), Some(Theme::Dark));
        assert_eq!(Theme::parse(" light "), Some(Theme::Light));
        assert_eq!(Theme::parse("blue"), None);
        assert_eq!(Theme::Auto.attribute(), None);
        assert_eq!(Theme::Dark.attribute(), Some("dark"));
    }
}
