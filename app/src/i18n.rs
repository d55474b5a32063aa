//! The invitee's language (issue 16 item 1): Usher's message catalogue in Project Fluent's format
//! (`app/locales/{en,de}/usher.ftl`, read by the `fluent-bundle` crate, plurals by CLDR rules), the
//! languages it speaks ([`Locale`]) and how one is chosen for a visitor ([`choose`]).
//!
//! Every user-facing string of the invitee's pages, their errors and the emails to invitees comes from
//! the catalogue through [`t!`](crate::t). The catalogue test (`catalogue_is_complete`) fails when a
//! message is in one language and not the other, and `server/tests/i18n.rs` when the code names a key
//! the catalogue lacks.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// A message of the catalogue in a language: `t!(locale, "key")`, or with arguments
/// `t!(locale, "key", name = value, count = 3)` (text or numbers; numbers select plural forms).
#[macro_export]
macro_rules! t {
    ($locale:expr, $key:literal) => {
        $crate::i18n::Locale::tr($locale, $key)
    };
    ($locale:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $(args.set(stringify!($name), $crate::i18n::arg($value));)+
        $crate::i18n::Locale::tr_with($locale, $key, &args)
    }};
}

/// A language Usher speaks. Serialized as its BCP 47 code (`"en"`, `"de"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    /// English, the catalogue every other language is checked against.
    #[default]
    #[serde(rename = "en")]
    En,
    /// German.
    #[serde(rename = "de")]
    De,
}

/// A language code Usher does not speak: what the editor, the REST API, blueprints and campaign imports
/// refuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("'{0}' is not a language Usher speaks; choose one of: en, de.")]
pub struct UnknownLocale(pub String);

impl UnknownLocale {
    /// The refusal in `l` (`err-unknown-locale`).
    pub fn worded(&self, l: Locale) -> String {
        t!(l, "err-unknown-locale", code = self.0.clone())
    }
}

/// How [`Locale::grants`] words the account an invitation gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountWords {
    /// "an internal account" or "an external account" (the invitee's pages, which know the flow).
    Of(crate::domain::flow::UserType),
    /// "an account" (the emails, which do not name the kind).
    Any,
    /// Nothing about an account (the accept page: the invitee already has one).
    Omitted,
}

impl Locale {
    /// Every language, English first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::De];

    /// The BCP 47 code: `en`, `de` (the value of `<html lang>` and of an invitation's `locale`).
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    /// The language's name in itself ("English", "Deutsch"), for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::De => "Deutsch",
        }
    }

    /// Reads a language tag: its primary subtag decides, case-insensitively (`de`, `de-AT`, `DE_ch` →
    /// German).
    ///
    /// # Errors
    /// [`UnknownLocale`] for a tag of another language, or an empty one.
    pub fn parse(tag: &str) -> Result<Self, UnknownLocale> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .ok_or_else(|| UnknownLocale(tag.trim().to_owned()))
    }

    /// The first language of an `Accept-Language` header that Usher speaks, matched by primary subtag
    /// (`de-CH` → German); `None` when it names none. RFC 9110 §12.5.4: ranges are ordered by their
    /// quality `q` (1 when absent; ties keep their order) and `q=0` means "not acceptable".
    /// (`fluent-langneg`'s parser ignores the weights, so they are read here.)
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut ranges: Vec<(&str, f32)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';').map(str::trim);
                let tag = parts.next().filter(|t| !t.is_empty())?;
                let q = parts
                    .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0 && q <= 1.0).then_some((tag, q))
            })
            .collect();
        ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranges.iter().find_map(|(tag, _)| Self::parse(tag).ok())
    }

    /// The message `key`, without arguments. A key the catalogue lacks gives the key itself (and is
    /// logged on the server); the catalogue tests keep that from happening.
    pub fn tr(self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with its arguments (see [`t!`](crate::t)).
    pub fn tr_with(self, key: &str, args: &FluentArgs<'_>) -> String {
        self.format(key, Some(args))
    }

    /// What an invitation grants, in words: "roles: a, b; groups: c; an internal account"; with
    /// nothing at all "access". `account` says how the account is worded ([`AccountWords`]).
    pub fn grants(self, roles: &[String], groups: &[String], account: AccountWords) -> String {
        let mut g: Vec<String> = Vec::new();
        if !roles.is_empty() {
            g.push(t!(self, "grants-roles", names = roles.join(", ")));
        }
        if !groups.is_empty() {
            g.push(t!(self, "grants-groups", names = groups.join(", ")));
        }
        match account {
            AccountWords::Of(crate::domain::flow::UserType::Internal) => {
                g.push(t!(self, "grants-account-internal"));
            }
            AccountWords::Of(crate::domain::flow::UserType::External) => {
                g.push(t!(self, "grants-account-external"));
            }
            AccountWords::Any => g.push(t!(self, "grants-account")),
            AccountWords::Omitted => {}
        }
        if g.is_empty() {
            t!(self, "grants-access")
        } else {
            g.join("; ")
        }
    }

    fn format(self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &bundles()[self as usize];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            #[cfg(feature = "ssr")]
            tracing::error!(
                key,
                locale = self.code(),
                "message missing from the catalogue"
            );
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        #[cfg(feature = "ssr")]
        if !errors.is_empty() {
            tracing::error!(key, locale = self.code(), ?errors, "formatting a message");
        }
        text
    }
}

/// Times in the visitor's language (server side; the browser adds its own time zone to a page's
/// `<time data-local>` elements). Instants are UTC Unix seconds; the zone named is UTC.
#[cfg(feature = "ssr")]
impl Locale {
    /// "Friday, 5 December 2026, 17:00 UTC" / "Freitag, 5. Dezember 2026, 17:00 UTC".
    pub fn datetime(self, ts: i64) -> String {
        use chrono::{Datelike, TimeZone, Utc};
        let Some(dt) = Utc.timestamp_opt(ts, 0).single() else {
            return ts.to_string();
        };
        let weekday = t!(self, "time-weekday", n = dt.weekday().number_from_monday());
        let month = t!(self, "time-month", n = dt.month());
        t!(
            self,
            "time-datetime",
            weekday = weekday,
            day = dt.day().to_string(),
            month = month,
            year = dt.year().to_string(),
            time = dt.format("%H:%M").to_string(),
        )
    }
}

/// Relative times, on both sides: the dashboard words them in the browser too, beside each local time
/// ([`crate::pages::admin::local_time::LocalTime`]).
impl Locale {
    /// "in 3 days", "2 hours ago", "in 5 minutes", "just now", rounded to the nearest unit as
    /// [`crate::domain::time::format_relative`] does.
    pub fn relative(self, ts: i64, now: i64) -> String {
        let d = ts - now;
        let a = d.abs();
        if a < 60 {
            return t!(self, "time-just-now");
        }
        let (n, unit) = if a < 3600 - 30 {
            ((a + 30) / 60, 0)
        } else if a < 86_400 - 1800 {
            ((a + 1800) / 3600, 1)
        } else {
            ((a + 43_200) / 86_400, 2)
        };
        match (d > 0, unit) {
            (true, 0) => t!(self, "time-in-minutes", count = n),
            (true, 1) => t!(self, "time-in-hours", count = n),
            (true, _) => t!(self, "time-in-days", count = n),
            (false, 0) => t!(self, "time-minutes-ago", count = n),
            (false, 1) => t!(self, "time-hours-ago", count = n),
            (false, _) => t!(self, "time-days-ago", count = n),
        }
    }
}

#[cfg(feature = "ssr")]
impl Locale {
    /// The dashboard's shape, "in 3 days (2026-12-05 17:00 UTC)" / "in 3 Tagen (2026-12-05 17:00 UTC)",
    /// or "never" for `None`: the relative words in this language, the instant in UTC as
    /// [`crate::domain::time::format_absolute`] gives it (the dashboard shows it in the viewer's zone).
    pub fn expiry_utc(self, expires: Option<i64>, now: i64) -> String {
        match expires {
            Some(ts) => t!(
                self,
                "time-relative-absolute",
                relative = self.relative(ts, now),
                absolute = crate::domain::time::format_absolute(ts),
            ),
            None => t!(self, "time-never"),
        }
    }

    /// "in 3 days (Friday, 5 December 2026, 17:00 UTC)", or "never" for `None`.
    pub fn expiry(self, expires: Option<i64>, now: i64) -> String {
        match expires {
            Some(ts) => t!(
                self,
                "time-relative-absolute",
                relative = self.relative(ts, now),
                absolute = self.datetime(ts),
            ),
            None => t!(self, "time-never"),
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Locale {
    type Err = UnknownLocale;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The cookie the language switcher sets (a year; `SameSite=Lax`): the code of the language the visitor
/// chose on an invitee page.
pub const LANG_COOKIE: &str = "usher_lang";

/// The prompt labels of the built-in flows and of authentik's example blueprints, by the catalogue
/// message that words them in every language.
const BUILTIN_LABELS: [(&str, &str); 6] = [
    ("Username", "field-username"),
    ("Name", "field-name"),
    ("Email", "field-email"),
    ("Password", "field-password"),
    ("Password (repeat)", "field-password-repeat"),
    ("Verification code", "field-code"),
];

impl Locale {
    /// A prompt field's label in this language: a built-in label ("Username", "Password (repeat)", …)
    /// from the catalogue; any other label as the flow's author wrote it.
    pub fn label(self, label: &str) -> String {
        match BUILTIN_LABELS.iter().find(|(en, _)| *en == label) {
            Some((_, "field-username")) => t!(self, "field-username"),
            Some((_, "field-name")) => t!(self, "field-name"),
            Some((_, "field-email")) => t!(self, "field-email"),
            Some((_, "field-password")) => t!(self, "field-password"),
            Some((_, "field-password-repeat")) => t!(self, "field-password-repeat"),
            Some(_) => t!(self, "field-code"),
            None => label.to_owned(),
        }
    }
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    static WORDING: Locale;
}

/// Runs `f` with its errors worded in `locale`: the conversion of a service's error into the wire's
/// ([`crate::error::AppError`]) reads it ([`wording`]). The invitee's server functions run in it.
#[cfg(feature = "ssr")]
pub async fn worded_in<F: std::future::Future>(locale: Locale, f: F) -> F::Output {
    WORDING.scope(locale, f).await
}

/// The language errors are worded in here: [`worded_in`]'s; else, in a server function, the language its
/// caller's pages speak (the dashboard's, which [`crate::api::ctx::admin`] settles, or the request's:
/// the switcher's cookie, `Accept-Language`, the brand default); else English (the REST API, which
/// words its errors as authentik's does, and background work).
#[cfg(feature = "ssr")]
pub fn wording() -> Locale {
    WORDING.try_with(|l| *l).unwrap_or_else(|_| {
        if let Some(p) = leptos::prelude::use_context::<crate::pages::PageLocale>() {
            return p.0;
        }
        leptos::prelude::use_context::<http::request::Parts>()
            .map(|_| crate::api::ctx::request_locale(None))
            .unwrap_or_default()
    })
}

/// The visitor's language, by precedence (issue 16 item 1): the one they chose with the language
/// switcher (`explicit`), else the invitation's `locale`, else the first of the browser's
/// `Accept-Language` that Usher speaks, else the brand default.
pub fn choose(
    explicit: Option<Locale>,
    invitation: Option<Locale>,
    accept_language: Option<&str>,
    default: Locale,
) -> Locale {
    explicit
        .or(invitation)
        .or_else(|| accept_language.and_then(Locale::from_accept_language))
        .unwrap_or(default)
}

/// Records `locale` as an account's preferred language where authentik keeps it,
/// `attributes.settings.locale`, unless the attributes name one already (an invitation's `fixed_data`
/// may set it). A `settings` that is not an object is left alone.
pub fn keep_preferred(attributes: &mut serde_json::Map<String, serde_json::Value>, locale: Locale) {
    let settings = attributes
        .entry("settings")
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    if let Some(settings) = settings.as_object_mut() {
        settings
            .entry("locale")
            .or_insert_with(|| serde_json::Value::String(locale.code().to_owned()));
    }
}

/// Records `locale` as an account's preferred language (`attributes.settings.locale`), replacing the
/// one there: the account holder chose it with the language switcher. A `settings` that is not an
/// object is left alone.
pub fn set_preferred(attributes: &mut serde_json::Map<String, serde_json::Value>, locale: Locale) {
    let settings = attributes
        .entry("settings")
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    if let Some(settings) = settings.as_object_mut() {
        settings.insert(
            "locale".to_owned(),
            serde_json::Value::String(locale.code().to_owned()),
        );
    }
}

/// The preferred language [`keep_preferred`] records (`attributes.settings.locale`), when it is one Usher
/// speaks.
pub fn preferred(attributes: &serde_json::Map<String, serde_json::Value>) -> Option<Locale> {
    attributes
        .get("settings")?
        .get("locale")?
        .as_str()
        .and_then(|l| Locale::parse(l).ok())
}

/// An argument of a message: text or a number (numbers select plural forms).
pub type Args<'a> = FluentArgs<'a>;

/// Text or a number as a message argument.
pub fn arg<'a>(v: impl Into<FluentValue<'a>>) -> FluentValue<'a> {
    v.into()
}

/// The catalogue of a language: its files (`usher.ftl` for the invitee's pages and emails, `admin-*.ftl`
/// for the dashboard, by area) joined into one Fluent source.
macro_rules! catalogue {
    ($lang:literal) => {
        concat!(
            include_str!(concat!("../locales/", $lang, "/usher.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/admin.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/admin-invitations.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/admin-campaigns.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/admin-directory.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/admin-system.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/errors-invitations.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/errors-admin.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/inviters.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/approvals.ftl")),
        )
    };
}

/// The catalogue of each language, in [`Locale::ALL`] order.
pub const SOURCES: [(Locale, &str); 2] = [
    (Locale::En, catalogue!("en")),
    (Locale::De, catalogue!("de")),
];

fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| SOURCES.map(|(locale, source)| bundle(locale, source)))
}

fn bundle(locale: Locale, source: &str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = locale
        .code()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The pages and emails are left-to-right; isolation marks would show up in plain-text emails.
    bundle.set_use_isolating(false);
    // A catalogue that does not parse is a build mistake the catalogue tests catch; what parses is used.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

/// The message ids of a catalogue source (for the completeness tests).
pub fn message_ids(source: &str) -> Result<Vec<String>, String> {
    use fluent_syntax::ast::Entry;
    let resource =
        fluent_syntax::parser::parse(source).map_err(|(_, errors)| format!("{errors:?}"))?;
    Ok(resource
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn catalogue_is_complete() {
        let ids: Vec<(Locale, BTreeSet<String>)> = SOURCES
            .iter()
            .map(|(l, s)| {
                let ids = message_ids(s).unwrap_or_else(|e| panic!("{l}: {e}"));
                let set: BTreeSet<String> = ids.iter().cloned().collect();
                assert_eq!(set.len(), ids.len(), "{l}: a message id is defined twice");
                (*l, set)
            })
            .collect();
        let (_, english) = &ids[0];
        assert!(english.len() > 50, "the English catalogue is loaded");
        for (l, other) in &ids[1..] {
            let missing: Vec<_> = english.difference(other).collect();
            let extra: Vec<_> = other.difference(english).collect();
            assert!(missing.is_empty(), "{l} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{l} has messages English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn every_message_formats_without_error_in_every_language() {
        // Arguments every message may use, with plural-selecting numbers.
        let mut args = Args::new();
        let numeric = ["count", "seconds", "minutes", "step", "total", "n"];
        for (_, source) in SOURCES {
            for piece in source.split('$').skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if numeric.contains(&name.as_str()) {
                    args.set(name, arg(2));
                } else {
                    args.set(name, arg("x"));
                }
            }
        }
        for (l, source) in SOURCES {
            let bundle = &bundles()[l as usize];
            for id in message_ids(source).unwrap() {
                let msg = bundle.get_message(&id).unwrap();
                let mut errors = Vec::new();
                if let Some(p) = msg.value() {
                    bundle.format_pattern(p, Some(&args), &mut errors);
                }
                assert!(errors.is_empty(), "{l} {id}: {errors:?}");
            }
        }
    }

    #[test]
    fn the_account_keeps_the_language_it_enrolled_in_unless_one_is_set() {
        let mut a = serde_json::Map::new();
        keep_preferred(&mut a, Locale::De);
        assert_eq!(
            serde_json::Value::Object(a.clone()),
            serde_json::json!({"settings": {"locale": "de"}})
        );
        let mut set = serde_json::json!({"settings": {"locale": "en", "theme": "dark"}, "x": 1});
        keep_preferred(set.as_object_mut().unwrap(), Locale::De);
        assert_eq!(
            set,
            serde_json::json!({"settings": {"locale": "en", "theme": "dark"}, "x": 1})
        );
        let mut odd = serde_json::json!({"settings": "none"});
        keep_preferred(odd.as_object_mut().unwrap(), Locale::De);
        assert_eq!(odd, serde_json::json!({"settings": "none"}));
    }

    #[test]
    fn the_preferred_language_is_read_back_when_usher_speaks_it() {
        let obj = |v: serde_json::Value| v.as_object().unwrap().clone();
        let mut a = serde_json::Map::new();
        keep_preferred(&mut a, Locale::De);
        assert_eq!(preferred(&a), Some(Locale::De));
        assert_eq!(
            preferred(&obj(serde_json::json!({"settings": {"locale": "de-AT"}}))),
            Some(Locale::De)
        );
        assert_eq!(
            preferred(&obj(serde_json::json!({"settings": {"locale": "fr"}}))),
            None
        );
        assert_eq!(
            preferred(&obj(serde_json::json!({"settings": {"locale": 3}}))),
            None
        );
        assert_eq!(preferred(&obj(serde_json::json!({"settings": "de"}))), None);
        assert_eq!(preferred(&serde_json::Map::new()), None);
    }

    #[test]
    fn a_chosen_language_replaces_the_preferred_one_and_keeps_the_other_settings() {
        let mut set = serde_json::json!({"settings": {"locale": "en", "theme": "dark"}, "x": 1});
        set_preferred(set.as_object_mut().unwrap(), Locale::De);
        assert_eq!(
            set,
            serde_json::json!({"settings": {"locale": "de", "theme": "dark"}, "x": 1})
        );
        let mut empty = serde_json::Map::new();
        set_preferred(&mut empty, Locale::De);
        assert_eq!(preferred(&empty), Some(Locale::De));
        let mut odd = serde_json::json!({"settings": "none"});
        set_preferred(odd.as_object_mut().unwrap(), Locale::De);
        assert_eq!(odd, serde_json::json!({"settings": "none"}));
    }

    #[test]
    fn built_in_labels_are_translated_and_others_kept() {
        for (en, _) in BUILTIN_LABELS {
            assert_eq!(
                Locale::En.label(en),
                en,
                "the English catalogue words {en} as the flows do"
            );
        }
        assert_eq!(
            Locale::De.label("Password (repeat)"),
            "Passwort (wiederholen)"
        );
        assert_eq!(Locale::De.label("Username"), "Benutzername");
        assert_eq!(Locale::De.label("Employee number"), "Employee number");
    }

    #[test]
    fn tags_parse_by_their_primary_subtag() {
        assert_eq!(Locale::parse("de"), Ok(Locale::De));
        assert_eq!(Locale::parse(" DE-at "), Ok(Locale::De));
        assert_eq!(Locale::parse("en_GB"), Ok(Locale::En));
        assert_eq!(Locale::parse("fr"), Err(UnknownLocale("fr".into())));
        assert!(Locale::parse("").is_err());
        assert_eq!("de".parse::<Locale>(), Ok(Locale::De));
        assert_eq!(serde_json::to_string(&Locale::De).unwrap(), "\"de\"");
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(
            Locale::from_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Some(Locale::De)
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR, de;q=0.5, en;q=0.7"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("fr, it"), None);
        assert_eq!(
            Locale::from_accept_language("de;q=0, en;q=0.1"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("*;q=0.5, de-AT"),
            Some(Locale::De)
        );
        assert_eq!(
            Locale::from_accept_language("en;q=bogus, de"),
            Some(Locale::De)
        );
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn the_choice_prefers_the_switcher_then_the_invitation_then_the_browser() {
        let de = Some(Locale::De);
        assert_eq!(
            choose(de, Some(Locale::En), Some("en"), Locale::En),
            Locale::De
        );
        assert_eq!(choose(None, de, Some("en"), Locale::En), Locale::De);
        assert_eq!(choose(None, None, Some("de-CH"), Locale::En), Locale::De);
        assert_eq!(choose(None, None, Some("fr"), Locale::De), Locale::De);
        assert_eq!(choose(None, None, None, Locale::En), Locale::En);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn times_are_worded_in_each_language_with_their_zone() {
        // 2026-12-04 17:00 UTC, a Friday.
        let at = 1_796_403_600;
        assert_eq!(
            Locale::En.datetime(at),
            "Friday, 4 December 2026, 17:00 UTC"
        );
        assert_eq!(
            Locale::De.datetime(at),
            "Freitag, 4. Dezember 2026, 17:00 UTC"
        );
        let now = at - 3 * 86_400;
        assert_eq!(
            Locale::En.expiry(Some(at), now),
            "in 3 days (Friday, 4 December 2026, 17:00 UTC)"
        );
        assert_eq!(
            Locale::De.expiry(Some(at), now),
            "in 3 Tagen (Freitag, 4. Dezember 2026, 17:00 UTC)"
        );
        assert_eq!(Locale::De.expiry(None, now), "nie");
        assert_eq!(Locale::De.relative(now, at), "vor 3 Tagen");
        assert_eq!(Locale::En.relative(at - 3600, at), "1 hour ago");
        assert_eq!(Locale::De.relative(at + 30, at), "gerade eben");
        for ts in [at - 86_400 * 400, at, at + 86_400 * 45] {
            // The English relative time is the one the rest of Usher words.
            assert_eq!(
                Locale::En.relative(ts, now),
                crate::domain::time::format_relative(ts, now)
            );
            assert_eq!(
                Locale::En.expiry_utc(Some(ts), now),
                crate::domain::time::format_expiry(Some(ts), now)
            );
        }
        assert_eq!(Locale::En.expiry_utc(None, now), "never");
        assert_eq!(
            Locale::De.expiry_utc(Some(at + 3 * 86_400), at),
            format!(
                "in 3 Tagen ({})",
                crate::domain::time::format_absolute(at + 3 * 86_400)
            )
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn grants_are_worded_in_each_language() {
        use crate::domain::flow::UserType;
        let roles = vec!["editor".to_owned()];
        let groups = vec!["eng".to_owned(), "ops".to_owned()];
        assert_eq!(
            Locale::En.grants(&roles, &groups, AccountWords::Of(UserType::Internal)),
            "roles: editor; groups: eng, ops; an internal account"
        );
        assert_eq!(
            Locale::De.grants(&roles, &[], AccountWords::Any),
            "Rollen: editor; ein Konto"
        );
        assert_eq!(Locale::De.grants(&[], &[], AccountWords::Omitted), "Zugang");
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(t!(Locale::En, "time-in-days", count = 1), "in 1 day");
        assert_eq!(t!(Locale::En, "time-in-days", count = 3), "in 3 days");
        assert_eq!(t!(Locale::De, "time-in-days", count = 1), "in 1 Tag");
        assert_eq!(t!(Locale::De, "time-in-days", count = 3), "in 3 Tagen");
        assert_eq!(Locale::De.tr("nosuchkey"), "nosuchkey");
    }
}
