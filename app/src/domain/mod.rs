//! Pure domain rules: no I/O, no clock reads. Every function here takes "now" (UTC Unix seconds) when it
//! needs time, so tests are exact. Rules that come from a source name it.

pub mod approval;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod blueprint;
pub mod brand;
pub mod campaign;
#[cfg(feature = "ssr")]
pub mod client;
pub mod email_rules;
pub mod event;
pub mod fixed_data;
pub mod flow;
pub mod invitation;
pub mod invitation_link;
pub mod inviter_policy;
pub mod jobs;
pub mod journey;
pub mod landing;
pub mod limits;
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod policy;
pub mod smtp;
#[cfg(feature = "ssr")]
pub mod time;
pub mod token;
pub mod user;
pub mod verification;
#[cfg(feature = "ssr")]
pub mod web;
#[cfg(feature = "ssr")]
pub mod webhook;
#[cfg(feature = "ssr")]
pub mod yaml;

/// A date-time field that holds neither `YYYY-MM-DDTHH:MM[:SS]` nor RFC 3339 (what
/// `time::parse_input` refuses); shared by browser and server, since invitation errors carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NotADateTime;

impl NotADateTime {
    /// This error's message in `l` (the catalogue's `err-datetime-invalid` key); its `Display` is
    /// the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(l, "err-datetime-invalid")
    }
}

impl std::fmt::Display for NotADateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for NotADateTime {}
