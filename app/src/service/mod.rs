//! Server-only code (feature `ssr`): the services (domain operations over the store) and session helpers. Server functions in
//! `crate::api` stay thin and call one service function here.

pub mod accept;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod blueprints;
pub mod brands;
pub mod cache;
pub mod campaigns;
pub mod delivery;
pub mod directory;
pub mod email;
pub mod enrollment;
pub mod error;
pub mod flows;
pub mod hashing;
pub mod invitations;
pub mod inviters;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod notifications;
pub mod outbox;
pub mod policies;
pub mod qr;
pub mod references;
pub mod retention;
pub mod setup;
pub mod sightings;
pub mod time;
pub mod tokens;
pub mod users;
pub mod verification;
pub mod webhooks;

pub use crate::store::Backend;

/// The services' handle on the database: the store's pool ([`crate::store::Db`], reached through
/// `Deref`) and this instance's caches of what the services read on every request. The caches belong
/// to the services, not the store: the store only reads and writes rows (issue 36 item 1).
#[derive(Clone, Debug)]
pub struct Db {
    store: crate::store::Db,
    /// This instance's flows, stages and policies, as of the flow definitions' generation.
    pub flow_cache: Arc<flows::FlowCache>,
    /// This instance's invitations looked up by token, as of the invitations' generation.
    pub invitation_cache: Arc<invitations::InvitationCache>,
    /// Joins this instance's concurrent reads of the generations ([`cache::generations`]).
    pub generations: Arc<cache::ReadCoalescer<crate::store::Generations>>,
    /// This instance's counted views and refusals, written every few seconds ([`sightings::run`]).
    pub sightings: Arc<sightings::Sightings>,
}

impl Db {
    /// Connects to `url` (a SQLite path or URL, or `postgres://…`) and runs the migrations
    /// ([`crate::store::Db::connect`]); the caches start empty.
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn connect(url: &str) -> Result<Self, crate::store::DbError> {
        Ok(Self::from(crate::store::Db::connect(url).await?))
    }

    /// The store underneath, for the services' calls into `crate::store`.
    pub fn store(&self) -> &crate::store::Db {
        &self.store
    }
}

impl From<crate::store::Db> for Db {
    fn from(store: crate::store::Db) -> Self {
        Self {
            store,
            flow_cache: Arc::default(),
            invitation_cache: Arc::default(),
            generations: Arc::default(),
            sightings: Arc::default(),
        }
    }
}

impl std::ops::Deref for Db {
    type Target = crate::store::Db;

    fn deref(&self) -> &Self::Target {
        &self.store
    }
}

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
    /// The brand's language (`USHER_DEFAULT_LOCALE`, English by default): what invitees whose
    /// invitation names no language and whose browser asks for none Usher speaks get
    /// ([`crate::i18n::choose`]), and the language of emails of such invitations.
    pub default_locale: crate::i18n::Locale,
    /// The instance secret (`USHER_SECRET_KEY`): keys the digests of verification codes, so a copy of
    /// the database without it cannot recover a code by trying all 10⁸, and seals the invitation tokens
    /// the database keeps for showing links ([`SecretKey::seal`]).
    pub secret_key: SecretKey,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are believed
    /// (`USHER_TRUSTED_PROXIES`; see [`crate::domain::client`]). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The one header trusted proxies tell the client's address in (`USHER_FORWARDED_HEADER`,
    /// `X-Forwarded-For` by default); the other is ignored.
    pub forwarded_header: crate::domain::client::ForwardedHeader,
    /// The SMTP settings of the environment (`USHER_SMTP_URL`, `USHER_EMAIL_FROM`); they win over what an
    /// admin saved in System → Email ([`email`]).
    pub smtp: crate::domain::smtp::EnvSmtp,
    /// Where [`Config::brand_name`] comes from (`USHER_BRAND_NAME`, or the default).
    pub brand_source: crate::domain::smtp::Source,
    /// The fewest characters a new password may have (`USHER_PASSWORD_MIN_LENGTH`; 8 by default, as
    /// authentik; NIST SP 800-63B-4 asks 15 for a password used alone). Never below
    /// [`crate::domain::user::PASSWORD_MIN`].
    pub password_min_length: usize,
    /// How long an outbox message is retried before it is marked failed, seconds
    /// (`USHER_OUTBOX_GIVE_UP_HOURS`).
    pub outbox_give_up_after_secs: i64,
    /// How long audit events are kept, seconds (`USHER_EVENT_RETENTION_DAYS`; 365 days by default).
    pub event_retention_secs: i64,
    /// How long an approval request waits for a decision before it is denied as expired, days
    /// (`USHER_APPROVAL_EXPIRY_DAYS`; [`crate::domain::approval::DEFAULT_EXPIRY_DAYS`] by default).
    pub approval_expiry_days: i64,
    /// The bearer token `/metrics` on the main listener asks for (`USHER_METRICS_TOKEN`); `None`: no
    /// `/metrics` there (404).
    pub metrics_token: Option<metrics::MetricsToken>,
}

impl Config {
    /// A configuration with this public URL and the defaults: brand "Usher", no default app URL, a random
    /// secret key, no SMTP server in the environment.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into(),
            default_app_url: None,
            brand_name: "Usher".into(),
            default_locale: crate::i18n::Locale::En,
            secret_key: SecretKey::random(),
            trusted_proxies: Vec::new(),
            forwarded_header: crate::domain::client::ForwardedHeader::XForwardedFor,
            smtp: crate::domain::smtp::EnvSmtp::default(),
            brand_source: crate::domain::smtp::Source::Default,
            outbox_give_up_after_secs: crate::domain::outbox::DEFAULT_GIVE_UP_AFTER_SECS,
            password_min_length: crate::domain::user::PASSWORD_MIN,
            event_retention_secs: crate::domain::audit::DEFAULT_RETENTION_DAYS * 86_400,
            approval_expiry_days: crate::domain::approval::DEFAULT_EXPIRY_DAYS,
            metrics_token: None,
        }
    }

    /// What new passwords must be ([`Config::password_min_length`], the brand name).
    pub fn password_rules(&self) -> crate::domain::user::PasswordRules {
        crate::domain::user::PasswordRules {
            min_chars: self.password_min_length,
            brand: self.brand_name.clone(),
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

    /// The name of the cookie that carries a refused prompt stage's typed values back to the page
    /// ([`enrollment::seal_draft`], 10 minutes): `__Host-usher_draft` on https, else `usher_draft`.
    pub fn draft_cookie(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-usher_draft"
        } else {
            "usher_draft"
        }
    }

    /// The name of the cookie that proves a refused plain-form post's error (`__err` in the page's URL)
    /// was Usher's (a minute): `__Host-usher_form_error` on https, else `usher_form_error`.
    pub fn form_error_cookie(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-usher_form_error"
        } else {
            "usher_form_error"
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

/// The instance secret key, as a 512-bit BLAKE2b key derived from `USHER_SECRET_KEY`'s text. Its
/// `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey([u8; 64]);

impl SecretKey {
    /// The key of a configured secret (any text; BLAKE2b-512 of it).
    pub fn from_text(secret: &str) -> Self {
        use blake2::{Blake2b512, Digest};
        let mut key = [0u8; 64];
        key.copy_from_slice(&Blake2b512::new_with_prefix(secret.as_bytes()).finalize());
        Self(key)
    }

    /// A random key (tests, and configurations built in code).
    pub fn random() -> Self {
        use rand::RngCore;
        let mut key = [0u8; 64];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// A keyed BLAKE2b-512 digest (MAC), hex, of `purpose` and `parts`, each followed by a NUL. Without
    /// the key, a stored digest of a low-entropy secret (an 8-digit code) cannot be matched offline.
    pub fn digest(&self, purpose: &str, parts: &[&str]) -> String {
        use blake2::digest::Mac;
        let mut mac = <blake2::Blake2bMac512 as Mac>::new_from_slice(&self.0)
            .expect("a 64-byte key is a valid key");
        Mac::update(&mut mac, purpose.as_bytes());
        for p in parts {
            Mac::update(&mut mac, b"\0");
            Mac::update(&mut mac, p.as_bytes());
        }
        hex::encode(Mac::finalize(mac).into_bytes())
    }
}

impl SecretKey {
    /// The 256-bit XChaCha20-Poly1305 key of `purpose`: the first 32 bytes of the keyed BLAKE2b-512 of
    /// it (BLAKE2b keyed is a PRF, RFC 7693 §2.9).
    fn seal_key(&self, purpose: &str) -> chacha20poly1305::Key {
        use blake2::digest::Mac;
        let mut mac = <blake2::Blake2bMac512 as Mac>::new_from_slice(&self.0)
            .expect("a 64-byte key is a valid key");
        Mac::update(&mut mac, b"usher-seal\0");
        Mac::update(&mut mac, purpose.as_bytes());
        let out = Mac::finalize(mac).into_bytes();
        *chacha20poly1305::Key::from_slice(&out[..32])
    }

    /// Encrypts `plaintext` for storage with XChaCha20-Poly1305 (RustCrypto `chacha20poly1305`) under
    /// the key of `purpose`, bound to `aad` (e.g. the row's pk, so a sealed value moved to another row
    /// does not open). Returns hex of a random 24-byte nonce followed by the ciphertext and its 16-byte
    /// tag.
    pub fn seal(&self, purpose: &str, aad: &str, plaintext: &str) -> String {
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        use rand::RngCore;
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.seal_key(purpose));
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(
                chacha20poly1305::XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message under 256 GiB");
        let mut out = Vec::with_capacity(nonce.len() + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// Decrypts what [`SecretKey::seal`] made for `purpose` and `aad`. `None` when `sealed` is not
    /// such hex, was sealed under another key (another `USHER_SECRET_KEY`), purpose or `aad`, or was
    /// altered.
    pub fn open(&self, purpose: &str, aad: &str, sealed: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        if !sealed.len().is_multiple_of(2) || !sealed.is_ascii() {
            return None;
        }
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < 24 + 16 {
            return None;
        }
        let (nonce, ct) = bytes.split_at(24);
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.seal_key(purpose));
        let plain = cipher
            .decrypt(
                chacha20poly1305::XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
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
    /// The brand as pages see it: its look and where their forms may lead besides Usher
    /// ([`brands::SiteCache`]).
    pub site: Arc<brands::SiteCache>,
}

#[cfg(test)]
mod tests {
    use super::SecretKey;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_purpose_and_aad() {
        let k = SecretKey::from_text("k");
        let sealed = k.seal("p", "row-1", "0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f");
        assert_eq!(
            k.open("p", "row-1", &sealed).as_deref(),
            Some("0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f")
        );
        // The same key from the same text on another instance.
        assert!(SecretKey::from_text("k")
            .open("p", "row-1", &sealed)
            .is_some());
        assert_eq!(
            SecretKey::from_text("other").open("p", "row-1", &sealed),
            None
        );
        assert_eq!(k.open("q", "row-1", &sealed), None);
        assert_eq!(k.open("p", "row-2", &sealed), None);
        // A random nonce each time: the same plaintext never seals the same way.
        assert_ne!(
            sealed,
            k.seal("p", "row-1", "0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f")
        );
        // Altered, truncated or not hex: nothing.
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            k.open("p", "row-1", std::str::from_utf8(&altered).unwrap()),
            None
        );
        assert_eq!(k.open("p", "row-1", &sealed[..40]), None);
        assert_eq!(k.open("p", "row-1", "zz"), None);
        assert_eq!(k.open("p", "row-1", "é"), None);
        assert_eq!(k.open("p", "row-1", ""), None);
    }
}
