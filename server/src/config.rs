//! Command line and environment configuration (`usher --help`).

use clap::{Args, Parser, Subcommand};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;

/// Usher: self-hosted invitations and enrollment.
#[derive(Debug, Parser)]
#[command(name = "usher", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub settings: Settings,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings from flags or environment variables.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub site_addr: SocketAddr,
    /// Database URL: `sqlite://FILE` (created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://usher.db",
        global = true
    )]
    pub database_url: String,
    /// Public URL invitees reach Usher at (links, Secure cookies when https). Default: http://{site_addr}.
    #[arg(long, env = "USHER_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Secret key, at least 32 bytes (e.g. `openssl rand -hex 32`); generated and stored in the database
    /// when neither it nor `--secret-key-file` is set.
    #[arg(long, env = "USHER_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,
    /// A file holding the secret key (its first line), so the key need not appear in the environment or
    /// `ps`; not together with `--secret-key`.
    #[arg(long, env = "USHER_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<std::path::PathBuf>,
    /// Where external users land after enrolling (default: their profile page).
    #[arg(long, env = "USHER_DEFAULT_APP_URL", global = true)]
    pub default_app_url: Option<String>,
    /// SMTP server (lettre URL form): `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (implicit TLS), `smtp://127.0.0.1:2525` (plain, local); wins over
    /// System → Email. Unset and nothing saved there: messages stay queued in the outbox.
    #[arg(long, env = "USHER_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,
    /// Hours a message is retried (capped backoff, at most an hour between attempts) before it is
    /// marked failed; an admin can retry it from Directory → Outbox.
    #[arg(
        long,
        env = "USHER_OUTBOX_GIVE_UP_HOURS",
        default_value_t = 72,
        value_parser = clap::value_parser!(u32).range(1..=8760),
        global = true
    )]
    pub outbox_give_up_hours: u32,
    /// Days audit events are kept (System → Events, `/api/v3/events/events/`) before they are pruned.
    #[arg(
        long,
        env = "USHER_EVENT_RETENTION_DAYS",
        default_value_t = 365,
        value_parser = clap::value_parser!(u32).range(1..=36500),
        global = true
    )]
    pub event_retention_days: u32,
    /// Days an approval request (an invitation that requires approval) waits for an approver before it
    /// is denied as expired (Directory → Approvals).
    #[arg(
        long,
        env = "USHER_APPROVAL_EXPIRY_DAYS",
        default_value_t = 7,
        value_parser = clap::value_parser!(u32).range(1..=365),
        global = true
    )]
    pub approval_expiry_days: u32,
    /// The From: address of Usher's emails; wins over System → Email. Default: what is saved there, else
    /// `Usher <usher@localhost>`.
    #[arg(long, env = "USHER_EMAIL_FROM", global = true)]
    pub email_from: Option<String>,
    /// The name used in emails ("You've been invited to join {brand}"). Default: `Usher`.
    #[arg(long, env = "USHER_BRAND_NAME", global = true)]
    pub brand_name: Option<String>,
    /// The brand's language, `en` or `de`: invitees whose invitation names no language and whose
    /// browser asks for none Usher speaks get it, and so do the emails of such invitations.
    #[arg(
        long,
        env = "USHER_DEFAULT_LOCALE",
        global = true,
        default_value = "en",
        value_parser = clap::builder::ValueParser::new(|s: &str| usher_app::i18n::Locale::parse(s))
    )]
    pub default_locale: usher_app::i18n::Locale,
    /// Reverse proxies allowed to say who the client is (`Forwarded`, `X-Forwarded-For`): CIDR networks or
    /// addresses, separated by commas, e.g. `127.0.0.1,10.0.0.0/8`. Unset: the TCP peer is the client, and
    /// every client behind a proxy shares the proxy's rate limits.
    #[arg(long, env = "USHER_TRUSTED_PROXIES", global = true, default_value = "")]
    pub trusted_proxies: String,
    /// The one header the trusted proxies tell the client's address in: `x-forwarded-for` (nginx's
    /// `$proxy_add_x_forwarded_for`, Caddy, Traefik) or `forwarded` (RFC 7239); the other is ignored,
    /// since many proxies pass a client's own copy of it through.
    #[arg(
        long,
        env = "USHER_FORWARDED_HEADER",
        global = true,
        default_value = "x-forwarded-for",
        value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<usher_app::domain::client::ForwardedHeader>())
    )]
    pub forwarded_header: usher_app::domain::client::ForwardedHeader,
    /// The fewest characters a new password may have (enrollment, set-up, create-admin): 8 by default,
    /// as authentik; NIST SP 800-63B-4 asks 15 for a password used alone.
    #[arg(
        long,
        env = "USHER_PASSWORD_MIN_LENGTH",
        default_value_t = 8,
        value_parser = clap::value_parser!(u16).range(8..=128),
        global = true
    )]
    pub password_min_length: u16,
    /// Serves Prometheus metrics at `/metrics` on the main listener to scrapers sending
    /// `Authorization: Bearer <this token>` (401 otherwise). Unset (and no `--metrics-addr`): no
    /// `/metrics` at all.
    #[arg(
        long,
        env = "USHER_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,
    /// Serves Prometheus metrics at `/metrics` on a listener of its own at this address (e.g.
    /// `127.0.0.1:9464`), without a token: bind it where only the scraper reaches.
    #[arg(long, env = "USHER_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,
    /// Directory of the built site (WASM, JS, CSS); set by cargo-leptos.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve Usher (the default).
    Serve,
    /// Send a test message to ADDRESS through USHER_SMTP_URL and print the SMTP answer.
    TestEmail {
        /// Recipient.
        address: String,
    },
    /// Create a superuser. The password comes from USHER_ADMIN_PASSWORD or, when unset, standard input.
    CreateAdmin {
        /// Username.
        #[arg(long)]
        username: String,
        /// Email address.
        #[arg(long)]
        email: String,
    },
    /// Blueprints (authentik's format v1): `usher blueprint apply FILE [--context key=value …]`.
    Blueprint {
        /// What to do.
        #[command(subcommand)]
        action: BlueprintAction,
    },
    /// Campaigns: `usher campaign import FILE.csv --campaign NAME [--dry-run]`.
    Campaign {
        /// What to do.
        #[command(subcommand)]
        action: CampaignAction,
    },
    /// Create an API token for USERNAME and print its secret (shown once; only its hash is stored). Use it
    /// as `Authorization: Bearer <secret>` on /api/v3/; only superusers' tokens manage invitations.
    CreateToken {
        /// The token's owner.
        #[arg(long)]
        username: String,
        /// Unique identifier (letters, digits, '-', '_', '.'); default `<username>-<time>`.
        #[arg(long)]
        identifier: Option<String>,
        /// Expiry, UTC: `2027-01-01T00:00` or RFC 3339; default never.
        #[arg(long)]
        expires: Option<String>,
        /// What the token is for.
        #[arg(long, default_value = "")]
        description: String,
    },
}

/// `usher blueprint …`.
#[derive(Debug, Subcommand)]
pub enum BlueprintAction {
    /// Apply a blueprint file in one transaction (all of it, or nothing with an error naming the entry).
    Apply {
        /// The YAML file.
        file: std::path::PathBuf,
        /// `!Context` values, as key=value (repeatable).
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// The user recorded as creator of the invitations it defines (default: the first superuser).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: Option<String>,
        /// Apply it even if it changes Usher's built-in flows or stages (without it, such a blueprint is
        /// refused with the list of what it would change).
        #[arg(long)]
        force: bool,
    },
}

/// `usher campaign …`.
#[derive(Debug, Subcommand)]
pub enum CampaignAction {
    /// Import recipients from a CSV file (`email` required; `name`, `username`, `attributes.*`
    /// optional; UTF-8 with or without BOM; comma or semicolon) into a campaign, in one transaction:
    /// all of it or nothing. Prints every refused row and a summary line.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The campaign's name (or pk); create it first in Directory → Campaigns or the REST API.
        #[arg(long)]
        campaign: String,
        /// Only show what would be done; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// The fewest bytes a configured secret key may have (256 bits of hex or better).
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// The configured secret key: `USHER_SECRET_KEY`'s text, or the first line of `USHER_SECRET_KEY_FILE`'s
/// file (`read` reads it); `None` when neither is set (Usher then keeps one in the database).
///
/// # Errors
/// Both set, an unreadable or empty file, or a key shorter than [`MIN_SECRET_KEY_BYTES`] (issue 35 item 6),
/// as a message for the operator.
pub fn configured_secret(
    key: Option<&str>,
    file: Option<&std::path::Path>,
    read: impl FnOnce(&std::path::Path) -> std::io::Result<String>,
) -> Result<Option<String>, String> {
    let key = key.filter(|k| !k.is_empty());
    let key = match (key, file) {
        (Some(_), Some(_)) => {
            return Err("set USHER_SECRET_KEY or USHER_SECRET_KEY_FILE, not both".into());
        }
        (Some(k), None) => k.to_owned(),
        (None, Some(path)) => {
            let text =
                read(path).map_err(|e| format!("USHER_SECRET_KEY_FILE {}: {e}", path.display()))?;
            text.lines().next().unwrap_or_default().trim().to_owned()
        }
        (None, None) => return Ok(None),
    };
    if key.len() < MIN_SECRET_KEY_BYTES {
        return Err(format!(
            "the secret key has {} bytes; it needs at least {MIN_SECRET_KEY_BYTES} (e.g. openssl rand -hex 32)",
            key.len()
        ));
    }
    Ok(Some(key))
}

impl Settings {
    /// The configured secret key ([`configured_secret`]).
    ///
    /// # Errors
    /// As [`configured_secret`].
    pub fn secret(&self) -> Result<Option<String>, String> {
        configured_secret(
            self.secret_key.as_deref(),
            self.secret_key_file.as_deref(),
            |p| std::fs::read_to_string(p),
        )
    }

    /// The runtime configuration of these settings, with the instance secret's text and the trusted
    /// proxies (parsed by the caller).
    pub fn config(
        &self,
        secret_key: &str,
        trusted_proxies: Vec<ipnet::IpNet>,
    ) -> usher_app::service::Config {
        use usher_app::domain::smtp::{EnvSmtp, Source};
        let set = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let brand = set(&self.brand_name);
        usher_app::service::Config {
            public_url: self.public_url(),
            default_app_url: self.default_app_url.clone(),
            brand_source: if brand.is_some() {
                Source::Environment
            } else {
                Source::Default
            },
            brand_name: brand.unwrap_or_else(|| "Usher".into()),
            default_locale: self.default_locale,
            secret_key: usher_app::service::SecretKey::from_text(secret_key),
            trusted_proxies,
            forwarded_header: self.forwarded_header,
            smtp: EnvSmtp {
                url: set(&self.smtp_url),
                from: set(&self.email_from),
            },
            outbox_give_up_after_secs: i64::from(self.outbox_give_up_hours) * 3600,
            event_retention_secs: i64::from(self.event_retention_days) * 86_400,
            approval_expiry_days: i64::from(self.approval_expiry_days),
            password_min_length: usize::from(self.password_min_length),
            metrics_token: self
                .metrics_token
                .as_deref()
                .and_then(usher_app::service::metrics::MetricsToken::new),
        }
    }

    /// The public URL without trailing slash: `--public-url`, else `http://{site_addr}`.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("http://{}", self.site_addr))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Leptos options for this site (output name `usher`, package dir `pkg`).
    ///
    /// File hashing (`hash_files`) is on exactly when cargo-leptos's `hash-files` left its hash file
    /// (`hash.txt`, or `LEPTOS_HASH_FILE_NAME`) next to this executable, as `cargo leptos build` does
    /// beside `target/release/usher`: the page then links `usher.<hash>.js`/`.wasm`/`.css`, the names
    /// the site holds. Without the file it is off (Leptos would panic reading it, and the site holds the
    /// plain names), whatever `LEPTOS_HASH_FILES` says; `LEPTOS_HASH_FILES=false`, which cargo-leptos
    /// sets when `hash-files` is off, turns it off despite a stale file.
    pub fn leptos_options(&self) -> LeptosOptions {
        let hash_file_name = std::env::var("LEPTOS_HASH_FILE_NAME")
            .ok()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "hash.txt".into());
        let hash_file_exists = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(&hash_file_name)))
            .is_some_and(|path| path.is_file());
        let hash_files = hash_files(
            hash_file_exists,
            std::env::var("LEPTOS_HASH_FILES").ok().as_deref(),
        );
        LeptosOptions::builder()
            .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "usher".into()))
            .site_root(self.site_root.clone())
            .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
            .site_addr(self.site_addr)
            .hash_file(hash_file_name.into())
            .hash_files(hash_files)
            .build()
    }
}

/// Whether Leptos links the hashed file names: the hash file exists next to the executable, and
/// `LEPTOS_HASH_FILES` (`env`) does not say `false`.
fn hash_files(hash_file_exists: bool, env: Option<&str>) -> bool {
    hash_file_exists && !env.is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
}

#[cfg(test)]
mod tests {
    use super::{configured_secret, hash_files};

    #[test]
    fn a_secret_key_comes_from_the_environment_or_a_file_and_is_long_enough() {
        let long = "0123456789abcdef0123456789abcdef";
        let no_file = |_: &std::path::Path| -> std::io::Result<String> { unreachable!() };
        assert_eq!(configured_secret(None, None, no_file), Ok(None));
        assert_eq!(configured_secret(Some(""), None, no_file), Ok(None));
        assert_eq!(
            configured_secret(Some(long), None, no_file),
            Ok(Some(long.into()))
        );
        assert!(configured_secret(Some("short-key"), None, no_file)
            .unwrap_err()
            .contains("at least 32"));
        let path = std::path::Path::new("/run/secrets/usher");
        assert_eq!(
            configured_secret(None, Some(path), |_| Ok(format!("{long}\n"))),
            Ok(Some(long.into()))
        );
        assert!(configured_secret(None, Some(path), |_| Ok("\n".into())).is_err());
        assert!(
            configured_secret(None, Some(path), |_| Err(std::io::Error::other("gone")))
                .unwrap_err()
                .contains("/run/secrets/usher")
        );
        assert!(configured_secret(Some(long), Some(path), |_| Ok(long.into())).is_err());
    }

    #[test]
    fn file_hashing_follows_the_hash_file() {
        assert!(hash_files(true, None));
        assert!(hash_files(true, Some("true")));
        assert!(!hash_files(false, None));
        assert!(!hash_files(false, Some("true")));
        assert!(!hash_files(true, Some("false")));
    }
}
