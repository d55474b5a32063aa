//! Server-only code (feature `ssr`): the services (domain operations over the store) and session helpers. Server functions in
//! `crate::api` stay thin and call one service function here.

pub mod accept;
pub mod auth;
pub mod blueprints;
pub mod brands;
pub mod directory;
pub mod enrollment;
pub mod flows;
pub mod invitations;
pub mod limits;
pub mod mail;
pub mod policies;
pub mod retention;
pub mod setup;
pub mod time;
pub mod tokens;
pub mod users;
pub mod verification;

pub use crate::store::{Backend, Db};

use std::sync::Arc;

/// Runtime configuration shared with the server functions.
#[derive(Debug, Clone)]
pub struct Config {
    /// The URL invitees reach Usher at, without a trailing slash, e.g. `https://id.example.com`.
    pub public_url: String,
    /// Where external users land after enrolling, when set (`USHER_DEFAULT_APP_URL`).
    pub default_app_url: Option<String>,
    /// The name in email subjects and bodies (`USHER_BRAND_NAME`).
    pub brand_name: String,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are believed
    /// (`USHER_TRUSTED_PROXIES`; see [`crate::domain::client`]). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Config {
    /// A configuration with this public URL and the defaults: brand "Usher", no default app URL.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into(),
            default_app_url: None,
            brand_name: "Usher".into(),
            trusted_proxies: Vec::new(),
        }
    }

    /// Whether cookies must carry `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The session cookie's name: `__Host-usher_session` on https, else `usher_session`. The `__Host-`
    /// prefix (RFC 6265bis §4.1.3.2) makes browsers accept the cookie only with `Secure`, `Path=/` and no
    /// `Domain`, so a sibling subdomain or a plain-http response cannot set or shadow it.
    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-usher_session"
        } else {
            "usher_session"
        }
    }

    /// The name of the cookie that carries an invitation token through sign-in (30 minutes):
    /// `__Host-usher_invitation` on https, else `usher_invitation` (see [`Config::session_cookie`]).
    pub fn invitation_cookie(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-usher_invitation"
        } else {
            "usher_invitation"
        }
    }
}

/// The client's address of a request, worked out once per request from the TCP peer and, behind a
/// trusted proxy, its forwarding headers ([`crate::domain::client::client_address`]); the server's
/// outermost layer puts it in the request's extensions for limits, the usage ledger and the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub db: Db,
    /// Configuration.
    pub config: Arc<Config>,
}

/// The [`AppState`] provided to server functions through Leptos context.
///
/// # Errors
/// [`crate::error::AppError::Internal`] when called outside a request that has it.
pub fn state() -> Result<AppState, crate::error::AppError> {
    crate::error::Context::context(
        leptos::prelude::use_context::<AppState>(),
        "reading the app state of the request",
    )
}
