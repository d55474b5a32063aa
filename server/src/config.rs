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
    /// Secret key; generated and stored in the database when unset.
    #[arg(long, env = "USHER_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,
    /// Where external users land after enrolling (default: their profile page).
    #[arg(long, env = "USHER_DEFAULT_APP_URL", global = true)]
    pub default_app_url: Option<String>,
    /// SMTP server (lettre URL form): `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (implicit TLS), `smtp://127.0.0.1:2525` (plain, local). Unset: messages
    /// stay queued in the outbox.
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
    /// The From: address of Usher's emails.
    #[arg(
        long,
        env = "USHER_EMAIL_FROM",
        default_value = "Usher <usher@localhost>",
        global = true
    )]
    pub email_from: String,
    /// The name used in emails ("You've been invited to join {brand}").
    #[arg(long, env = "USHER_BRAND_NAME", default_value = "Usher", global = true)]
    pub brand_name: String,
    /// Reverse proxies allowed to say who the client is (`Forwarded`, `X-Forwarded-For`): CIDR networks or
    /// addresses, separated by commas, e.g. `127.0.0.1,10.0.0.0/8`. Unset: the TCP peer is the client, and
    /// every client behind a proxy shares the proxy's rate limits.
    #[arg(long, env = "USHER_TRUSTED_PROXIES", global = true, default_value = "")]
    pub trusted_proxies: String,
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
    },
}

impl Settings {
    /// The SMTP settings, when `USHER_SMTP_URL` is set.
    pub fn mail(&self) -> Option<usher_app::service::mail::MailConfig> {
        self.smtp_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .map(|smtp_url| usher_app::service::mail::MailConfig {
                smtp_url,
                from: self.email_from.clone(),
                backoff_base: 5,
                give_up_after_secs: i64::from(self.outbox_give_up_hours) * 3600,
            })
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
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "usher".into()))
            .site_root(self.site_root.clone())
            .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
            .site_addr(self.site_addr)
            .build()
    }
}
