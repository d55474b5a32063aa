//! System → Email (issue 34): the SMTP settings in effect — the environment's (`USHER_SMTP_URL`,
//! `USHER_EMAIL_FROM`), else those an admin saved here, the password sealed under the instance secret —
//! the mail status the dashboard's banner shows, the last delivery result, and a test message. The outbox
//! worker ([`super::delivery::Worker::resolving`]) reads the settings in effect before each round, so a saved
//! change reaches every instance within a second.

use super::error::{Error, Problem, Refusal};
use super::mail::{MailConfig, Transport};
use super::{time, Config, Db};
use crate::domain::smtp::{self, EnvSmtp, MailWarning, SavedSmtp};
use crate::store::settings;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `settings` key of the saved SMTP URL (without its password).
const KEY_URL: &str = "smtp_url";
/// `settings` key of the saved SMTP password, sealed ([`super::SecretKey::seal`]).
const KEY_PASSWORD: &str = "smtp_password_sealed";
/// `settings` key of the saved `From:`.
const KEY_FROM: &str = "smtp_from";
/// `settings` key of the last delivery attempt (JSON [`Delivery`]).
const KEY_LAST: &str = "mail_last_delivery";
/// The seal purpose of the SMTP password.
const SEAL: &str = "smtp-password";
/// How long System → Email waits for the SMTP server to answer, seconds.
const CONNECT_TIMEOUT_SECS: u64 = 5;

/// Backoff base of the outbox worker, seconds (5 s, doubling, at most an hour apart).
pub const BACKOFF_BASE_SECS: i64 = 5;

/// The last delivery attempt of any instance (a message of the outbox or a test email), as stored (JSON
/// under the `mail_last_delivery` setting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// When, UTC Unix seconds.
    pub at: i64,
    /// Whether the server took the message.
    pub ok: bool,
    /// The server's answer ("250 …") or the error, at most 1,000 characters.
    pub detail: String,
}

/// The mail status every admin page's banner reads (issue 34).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailStatus {
    /// Whether an SMTP server is configured (`USHER_SMTP_URL` or System → Email).
    pub configured: bool,
    /// Messages waiting in the outbox (queued or being sent).
    pub queued: i64,
    /// The error of the last delivery attempt when it failed; `None` when it succeeded or nothing was
    /// tried yet.
    pub last_failure: Option<String>,
}

/// Whether Usher can reach the SMTP server in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// No SMTP server is configured.
    NotConfigured,
    /// It answered and took the connection (the settings' TLS and authentication included).
    Connected,
    /// It could not be reached or refused: the error.
    Failed(String),
}

/// System → Email: the SMTP settings in effect, where each comes from, and what is saved here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailSettings {
    /// The SMTP URL in effect with its password masked ([`smtp::mask`]), and where it comes from;
    /// `None` when no server is configured.
    pub smtp_url: Option<(String, smtp::Source)>,
    /// The `From:` in effect and where it comes from.
    pub from: (String, smtp::Source),
    /// The brand name in emails and where it comes from (System → Brands, `USHER_BRAND_NAME`).
    pub brand: (String, smtp::Source),
    /// What is saved here; the password only as "is one saved".
    pub saved_url: Option<String>,
    /// Whether a password is saved (sealed under the instance secret, and opens with it).
    pub saved_password: bool,
    /// The `From:` saved here.
    pub saved_from: Option<String>,
    /// Whether the server can be reached with the settings in effect.
    pub connection: Connection,
    /// The last delivery attempt, if any.
    pub last_delivery: Option<Delivery>,
    /// Messages waiting in the outbox.
    pub queued: i64,
}

/// What System → Email saves, as typed. An empty URL removes the saved SMTP server (and its password);
/// an empty password keeps the saved one; an empty `From:` removes the saved one.
#[derive(Debug, Clone, Copy)]
pub struct SettingsInput<'a> {
    /// `smtp://user@host:587?tls=required`; a password in it is split off and sealed.
    pub smtp_url: &'a str,
    /// The SMTP password; empty keeps the saved one.
    pub smtp_password: &'a str,
    /// The `From:` mailbox, e.g. `Acme <id@acme.example>`.
    pub from: &'a str,
}

/// The SMTP settings saved here, the password opened with the instance secret (a password sealed under
/// another secret is treated as not saved).
///
/// # Errors
/// Database errors.
pub async fn saved(db: &Db, config: &Config) -> Result<SavedSmtp, Error> {
    let mut out = SavedSmtp::default();
    for (k, v) in settings::get_settings3(&db.pool, [KEY_URL, KEY_PASSWORD, KEY_FROM]).await? {
        match k.as_str() {
            KEY_URL => out.url = Some(v),
            KEY_PASSWORD => out.password = config.secret_key.open(SEAL, KEY_PASSWORD, &v),
            KEY_FROM => out.from = Some(v),
            _ => {}
        }
    }
    Ok(out)
}

/// The settings in effect ([`smtp::effective`]).
///
/// # Errors
/// Database errors.
pub async fn effective(db: &Db, config: &Config) -> Result<smtp::Effective, Error> {
    Ok(smtp::effective(&config.smtp, &saved(db, config).await?))
}

/// The outbox worker's settings in effect; `None` when no SMTP server is configured.
///
/// # Errors
/// Database errors.
pub async fn mail_config(db: &Db, config: &Config) -> Result<Option<MailConfig>, Error> {
    let e = effective(db, config).await?;
    Ok(e.url.map(|(smtp_url, _)| MailConfig {
        smtp_url,
        from: e.from.0,
        backoff_base: BACKOFF_BASE_SECS,
        give_up_after_secs: config.outbox_give_up_after_secs,
    }))
}

/// Whether an SMTP server is configured: the environment's (no query) or one saved here.
///
/// # Errors
/// Database errors.
pub async fn configured(db: &Db, config: &Config) -> Result<bool, Error> {
    if env_url(&config.smtp).is_some() {
        return Ok(true);
    }
    Ok(saved(db, config)
        .await?
        .url
        .is_some_and(|u| !u.trim().is_empty()))
}

fn env_url(env: &EnvSmtp) -> Option<&str> {
    env.url.as_deref().filter(|u| !u.trim().is_empty())
}

/// The banner's mail status: whether a server is configured, how many messages wait, and the last
/// delivery's error when it failed.
///
/// # Errors
/// Database errors.
pub async fn status(db: &Db, config: &Config) -> Result<MailStatus, Error> {
    Ok(MailStatus {
        configured: configured(db, config).await?,
        queued: crate::store::outbox::count_waiting(&db.pool).await?,
        last_failure: last_delivery(db).await?.filter(|d| !d.ok).map(|d| d.detail),
    })
}

/// The last delivery attempt of any instance, if one was recorded.
///
/// # Errors
/// Database errors.
pub async fn last_delivery(db: &Db) -> Result<Option<Delivery>, Error> {
    Ok(settings::get_setting(db, KEY_LAST)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

/// Records the result of a delivery attempt as the last one (any instance's; the last writer wins).
///
/// # Errors
/// Database errors.
pub async fn record_delivery(db: &Db, ok: bool, detail: &str) -> Result<(), Error> {
    let d = Delivery {
        at: time::now(),
        ok,
        detail: detail.chars().take(1000).collect(),
    };
    let json = serde_json::to_string(&d).map_err(|_| Error::Internal)?;
    settings::put_setting(db, KEY_LAST, &json).await?;
    Ok(())
}

/// System → Email's page: the settings in effect with their sources (the URL's password masked), what
/// is saved here, whether the server answers (within 5 s), the last delivery and the waiting messages.
///
/// # Errors
/// Database errors.
pub async fn view(db: &Db, config: &Config) -> Result<EmailSettings, Error> {
    let saved = saved(db, config).await?;
    let e = smtp::effective(&config.smtp, &saved);
    let connection = match &e.url {
        None => Connection::NotConfigured,
        Some((url, _)) => connection(url).await,
    };
    Ok(EmailSettings {
        smtp_url: e.url.as_ref().map(|(u, s)| (smtp::mask(u), *s)),
        from: e.from,
        brand: brand_title(db, config).await?,
        saved_url: saved.url,
        saved_password: saved.password.is_some(),
        saved_from: saved.from,
        connection,
        last_delivery: last_delivery(db).await?,
        queued: crate::store::outbox::count_waiting(&db.pool).await?,
    })
}

/// The brand title in emails and where it comes from: System → Brands ([`smtp::Source::Saved`]), else
/// `USHER_BRAND_NAME`, else "Usher".
async fn brand_title(db: &Db, config: &Config) -> Result<(String, smtp::Source), Error> {
    let site = super::brands::site_in(&db.pool, config).await?;
    Ok(match site.look.title {
        Some(t) => (t, smtp::Source::Saved),
        None => (config.brand_name.clone(), config.brand_source),
    })
}

/// A transport for `url` that gives up after [`CONNECT_TIMEOUT_SECS`].
fn quick_transport(url: &str) -> Result<Transport, String> {
    super::mail::transport_for(url, Duration::from_secs(CONNECT_TIMEOUT_SECS))
}

async fn connection(url: &str) -> Connection {
    let t = match quick_transport(url) {
        Ok(t) => t,
        Err(e) => return Connection::Failed(e),
    };
    match tokio::time::timeout(
        Duration::from_secs(CONNECT_TIMEOUT_SECS + 1),
        t.test_connection(),
    )
    .await
    {
        Ok(Ok(true)) => Connection::Connected,
        Ok(Ok(false)) => Connection::Failed("the server did not answer NOOP".into()),
        Ok(Err(e)) => Connection::Failed(e.to_string()),
        Err(_) => Connection::Failed(format!("no answer within {CONNECT_TIMEOUT_SECS} seconds")),
    }
}

/// Saves System → Email's settings in one transaction: the URL without its password, the password
/// (typed, or carried in the URL) sealed under the instance secret with an empty one keeping the saved
/// password, and the `From:`. An empty URL removes the saved server and its password; an empty `From:`
/// the saved one. Environment variables still win ([`smtp::effective`]). The outbox worker picks the
/// change up before its next round.
///
/// # Errors
/// [`Error::Invalid`] on `smtp_url` (not an smtp/smtps URL with a host, or a password without a
/// user name) or `from` (not a mailbox); nothing is saved then. Database errors.
pub async fn save(db: &Db, config: &Config, input: SettingsInput<'_>) -> Result<(), Error> {
    let raw_url = input.smtp_url.trim();
    let parsed = if raw_url.is_empty() {
        None
    } else {
        Some(
            smtp::split_password(raw_url)
                .map_err(|e| Error::field("smtp_url", Problem::SmtpUrl(e)))?,
        )
    };
    let from = input.from.trim();
    if !from.is_empty() {
        from.parse::<lettre::message::Mailbox>()
            .map_err(|_| Error::field("from", Problem::NotAMailbox))?;
    }
    let typed_password = (!input.smtp_password.is_empty()).then(|| input.smtp_password.to_owned());
    let mut tx = db.begin().await?;
    match parsed {
        None => {
            settings::delete_setting_in(&mut *tx, KEY_URL).await?;
            settings::delete_setting_in(&mut *tx, KEY_PASSWORD).await?;
        }
        Some((url, in_url)) => {
            let password = typed_password.or(in_url);
            let check = match &password {
                Some(p) => smtp::with_password(&url, p)
                    .ok_or_else(|| Error::field("smtp_url", Problem::PasswordWithoutUser))?,
                None => url.clone(),
            };
            quick_transport(&check)
                .map_err(|e| Error::field("smtp_url", Problem::SmtpTransport(e)))?;
            settings::put_setting_in(&mut *tx, KEY_URL, &url).await?;
            if let Some(p) = password {
                let sealed = config.secret_key.seal(SEAL, KEY_PASSWORD, &p);
                settings::put_setting_in(&mut *tx, KEY_PASSWORD, &sealed).await?;
            }
        }
    }
    if from.is_empty() {
        settings::delete_setting_in(&mut *tx, KEY_FROM).await?;
    } else {
        settings::put_setting_in(&mut *tx, KEY_FROM, from).await?;
    }
    tx.commit().await?;
    db.outbox_wake.notify_one();
    Ok(())
}

/// Sends a test message to `to` now through the settings in effect, worded in `locale` (the admin's
/// language), and returns the server's answer ("250 …"); the result is recorded as the last delivery.
///
/// # Errors
/// [`Error::Invalid`] on `to` for a bad address; [`Error::Refused`] when no server is configured ([`Refusal::NoSmtpServer`]),
/// or with the server's answer or the connection error when it did not take the message
/// ([`Refusal::TestMessageRefused`]).
pub async fn send_test(
    db: &Db,
    config: &Config,
    to: &str,
    locale: crate::i18n::Locale,
) -> Result<String, Error> {
    let to = to.trim();
    if to.parse::<lettre::message::Mailbox>().is_err() {
        return Err(Error::field("to", Problem::NotAnAddress));
    }
    let Some(cfg) = mail_config(db, config).await? else {
        return Err(Error::Refused(Refusal::NoSmtpServer));
    };
    let sent = super::mail::send_now(
        &cfg,
        to,
        &crate::t!(
            locale,
            "email-test-subject",
            brand = brand_title(db, config).await?.0
        ),
        &crate::t!(locale, "email-test-body"),
    )
    .await;
    match sent {
        Ok(answer) => {
            record_delivery(db, true, &answer).await?;
            Ok(answer)
        }
        Err(e) => {
            record_delivery(db, false, &e).await?;
            Err(Error::Refused(Refusal::TestMessageRefused(e)))
        }
    }
}

/// What the invitation form warns of before saving (issue 34): the invitation email that would wait in
/// the outbox (`fixed_data` has `email`) and the emailed code its invitees would need (email rules, or
/// an email stage on its flow), when no SMTP server is configured. Text that does not parse warns of
/// nothing (saving reports it).
///
/// # Errors
/// Database errors.
pub async fn form_warning(
    db: &Db,
    config: &Config,
    flow_pk: &str,
    emails: &str,
    fixed_data: &str,
) -> Result<MailWarning, Error> {
    if configured(db, config).await? {
        return Ok(MailWarning::default());
    }
    let sends_invitation = crate::domain::fixed_data::parse_fixed_data(fixed_data)
        .ok()
        .is_some_and(|m| m.get("email").and_then(|v| v.as_str()).is_some());
    let email_limited = crate::domain::email_rules::parse_rules(emails)
        .ok()
        .is_some_and(|r| !r.is_empty());
    let flow_has_email_stage = match super::flows::load_flow_by_pk(db, flow_pk).await {
        Ok(Some(f)) => f
            .def
            .stages
            .iter()
            .any(|s| matches!(s.kind, crate::domain::flow::StageKind::Email { .. })),
        _ => false,
    };
    Ok(MailWarning::of(
        false,
        sends_invitation,
        email_limited,
        flow_has_email_stage,
    ))
}
