//! Email: templates and SMTP (lettre). Messages wait in the outbox, the job queue's email channel
//! ([`super::outbox`]): written in the transaction of the change that causes them, so SMTP being down or
//! slow never fails the admin's request and never loses a message. [`Worker`] is the job queue's worker
//! ([`super::jobs::Worker`]) with [`Smtp`] as the email channel's handler: it sends each claimed message
//! over a pooled transport, and the queue retries a failure with capped backoff until it has been trying
//! for [`MailConfig::give_up_after_secs`] (72 hours by default). A crash between sending and recording
//! leads, once the claim's lease ends, to one more send — at worst a duplicate, never a loss.

use super::jobs::{Job, JobHandler, RetryPolicy};
use super::Db;
use crate::domain::jobs::Channel;
use crate::error::AppError;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use std::future::Future;
use std::time::Duration;

/// What the invitation email says (rendered by [`render_invitation`]).
#[derive(Debug, Clone, Serialize)]
pub struct InvitationMail {
    /// Brand name (`USHER_BRAND_NAME`).
    pub brand: String,
    /// Who invites.
    pub inviter: String,
    /// What the invitation grants, in words.
    pub grants: String,
    /// Expiry with its time zone, or "never".
    pub expires: String,
    /// The invitation link.
    pub link: String,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// The one-time secret the bodies carry (a verification code), if any: the outbox blanks it out of
    /// its stored copy once the message is delivered or given up on.
    pub secret: Option<String>,
}

/// A message to send: its recipients (addresses) and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Blind copies.
    pub bcc: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// Renders the invitation email from `app/templates/invitation.{txt,html}` (minijinja; HTML auto-escaped).
/// Subject: "You've been invited to join {brand}".
///
/// # Errors
/// [`AppError::Internal`] when a template fails to render.
pub fn render_invitation(m: &InvitationMail) -> Result<Rendered, AppError> {
    render(
        format!("You've been invited to join {}", m.brand),
        (
            "invitation.txt",
            include_str!("../../templates/invitation.txt"),
        ),
        (
            "invitation.html",
            include_str!("../../templates/invitation.html"),
        ),
        m,
    )
}

/// What the verification-code email says (rendered by [`render_verification`]).
#[derive(Debug, Clone, Serialize)]
pub struct VerificationMail {
    /// Brand name (`USHER_BRAND_NAME`).
    pub brand: String,
    /// The address being verified.
    pub email: String,
    /// The one-time code.
    pub code: String,
    /// Its lifetime, minutes.
    pub minutes: i64,
    /// Its expiry with the time zone.
    pub expires: String,
}

/// Renders the verification-code email from `app/templates/verification.{txt,html}`. Subject:
/// "Your {brand} verification code".
///
/// # Errors
/// [`AppError::Internal`] when a template fails to render.
pub fn render_verification(m: &VerificationMail) -> Result<Rendered, AppError> {
    let mut rendered = render(
        format!("Your {} verification code", m.brand),
        (
            "verification.txt",
            include_str!("../../templates/verification.txt"),
        ),
        (
            "verification.html",
            include_str!("../../templates/verification.html"),
        ),
        m,
    )?;
    rendered.secret = Some(m.code.clone());
    Ok(rendered)
}

fn render<T: Serialize>(
    subject: String,
    text: (&str, &str),
    html: (&str, &str),
    ctx: &T,
) -> Result<Rendered, AppError> {
    let mut env = minijinja::Environment::new();
    let fail = |e: minijinja::Error| {
        tracing::error!(error = %e, "email template");
        AppError::Internal
    };
    env.add_template(text.0, text.1).map_err(fail)?;
    env.add_template(html.0, html.1).map_err(fail)?;
    Ok(Rendered {
        subject,
        text: env
            .get_template(text.0)
            .and_then(|t| t.render(ctx))
            .map_err(fail)?,
        html: env
            .get_template(html.0)
            .and_then(|t| t.render(ctx))
            .map_err(fail)?,
        secret: None,
    })
}

/// SMTP settings.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// lettre URL: `smtp://user:pass@host:587?tls=required`, `smtps://host:465`, `smtp://127.0.0.1:2525`.
    pub smtp_url: String,
    /// `From:` mailbox, e.g. `Usher <usher@example.com>`.
    pub from: String,
    /// Base of the retry backoff, seconds.
    pub backoff_base: i64,
    /// How long a message is retried before it is marked `failed`, seconds
    /// (`USHER_OUTBOX_GIVE_UP_HOURS`; [`crate::domain::outbox::DEFAULT_GIVE_UP_AFTER_SECS`]).
    pub give_up_after_secs: i64,
}

impl MailConfig {
    /// How failed messages are retried.
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            backoff_base: self.backoff_base,
            give_up_after_secs: self.give_up_after_secs,
        }
    }
}

/// A pooled SMTP transport.
pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Builds the pooled transport from the URL.
///
/// # Errors
/// A message naming what is wrong with the URL.
pub fn transport(cfg: &MailConfig) -> Result<Transport, String> {
    transport_for(&cfg.smtp_url, Duration::from_secs(20)).map_err(|e| format!("SMTP URL: {e}"))
}

/// A pooled transport for the lettre URL `url` whose commands give up after `timeout`.
///
/// # Errors
/// lettre's message for what is wrong with the URL.
pub fn transport_for(url: &str, timeout: Duration) -> Result<Transport, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|b| b.timeout(Some(timeout)).build())
        .map_err(|e| e.to_string())
}

fn mailboxes(addrs: &[String]) -> Result<Vec<Mailbox>, String> {
    addrs
        .iter()
        .map(|a| {
            a.parse::<Mailbox>()
                .map_err(|e| format!("address {a}: {e}"))
        })
        .collect()
}

/// Builds the MIME message (multipart/alternative: text and HTML).
///
/// # Errors
/// A message for a bad address.
pub fn build_message(from: &str, m: &Outgoing) -> Result<Message, String> {
    let mut b = Message::builder()
        .from(from.parse().map_err(|e| format!("USHER_EMAIL_FROM: {e}"))?)
        .subject(&m.subject);
    for a in mailboxes(&m.to)? {
        b = b.to(a);
    }
    for a in mailboxes(&m.cc)? {
        b = b.cc(a);
    }
    for a in mailboxes(&m.bcc)? {
        b = b.bcc(a);
    }
    b.multipart(
        MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(m.text.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(m.html.clone()),
            ),
    )
    .map_err(|e| e.to_string())
}

/// Sends one message now (the `usher test-email` command); returns the SMTP answer ("250 …").
///
/// # Errors
/// The transport's error as text.
pub async fn send_now(
    cfg: &MailConfig,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<String, String> {
    let t = transport(cfg)?;
    let m = Outgoing {
        to: vec![to.to_owned()],
        cc: vec![],
        bcc: vec![],
        subject: subject.to_owned(),
        text: text.to_owned(),
        html: format!("<p>{}</p>", text.replace('&', "&amp;").replace('<', "&lt;")),
    };
    let msg = build_message(&cfg.from, &m)?;
    send(&t, msg).await
}

/// Sends `msg` over `t`; returns the SMTP answer ("250 …").
///
/// # Errors
/// The transport's error as text.
async fn send(t: &Transport, msg: Message) -> Result<String, String> {
    let r = t.send(msg).await.map_err(|e| e.to_string())?;
    Ok(format!(
        "{} {}",
        r.code(),
        r.message().collect::<Vec<_>>().join(" ")
    ))
}

/// The email worker: the job queue's worker of [`Channel::EMAIL`] sending through [`Smtp`].
pub type Worker = super::jobs::Worker<Smtp>;

impl Worker {
    /// A worker on `db` sending through `cfg`, opening sealed secrets with `key`; it wakes when a
    /// transaction of this instance that queued mail commits ([`crate::store::Tx::commit`]), and polls
    /// otherwise.
    ///
    /// # Errors
    /// A bad SMTP URL.
    pub fn new(db: Db, key: super::SecretKey, cfg: MailConfig) -> Result<Self, String> {
        let smtp = Smtp {
            active: Some((cfg.clone(), transport(&cfg)?)),
            key,
            source: SettingsSource::Fixed,
            refused: None,
        };
        Ok(Self::for_handler(db, smtp))
    }

    /// A worker that sends through the settings in effect, read before each round: `USHER_SMTP_URL`
    /// when set, else what an admin saved in System → Email (issue 34); while there are none it claims
    /// nothing and messages wait in the outbox.
    pub fn resolving(db: Db, config: std::sync::Arc<super::Config>) -> Self {
        let smtp = Smtp {
            key: config.secret_key.clone(),
            source: SettingsSource::Resolving(config),
            active: None,
            refused: None,
        };
        Self::for_handler(db, smtp)
    }
}

/// The email channel's [`JobHandler`]: sends a claimed message over SMTP, blanks its secret once it is
/// sent (or, for a code, given up on), and records each round's last result as the last delivery
/// ([`super::email::record_delivery`]).
pub struct Smtp {
    /// Opens the secrets the outbox keeps sealed.
    key: super::SecretKey,
    /// Where its settings come from.
    source: SettingsSource,
    /// The settings and transport it sends with; `None` while no SMTP server is configured.
    active: Option<(MailConfig, Transport)>,
    /// The last SMTP URL refused as unusable (warned about once).
    refused: Option<String>,
}

/// Where an [`Smtp`] handler's settings come from.
enum SettingsSource {
    /// Fixed when it was made ([`Worker::new`]).
    Fixed,
    /// The settings in effect, read before each round ([`super::email::mail_config`]): the
    /// environment's, else System → Email's.
    Resolving(std::sync::Arc<super::Config>),
}

impl JobHandler for Smtp {
    fn channel(&self) -> Channel {
        Channel::EMAIL
    }

    /// The settings' policy; `None` while no SMTP server is configured.
    fn policy(&self) -> Option<RetryPolicy> {
        self.active.as_ref().map(|(cfg, _)| cfg.policy())
    }

    /// Reads the settings in effect (a resolving handler) and rebuilds the transport when they changed.
    async fn refresh(&mut self, db: &Db) {
        let SettingsSource::Resolving(config) = &self.source else {
            return;
        };
        let cfg = match super::email::mail_config(db, config).await {
            Ok(cfg) => cfg,
            Err(e) => {
                tracing::warn!(error = %e, "reading the SMTP settings");
                return;
            }
        };
        let Some(cfg) = cfg else {
            self.active = None;
            return;
        };
        let same = self
            .active
            .as_ref()
            .is_some_and(|(c, _)| c.smtp_url == cfg.smtp_url && c.from == cfg.from);
        if same {
            return;
        }
        match transport(&cfg) {
            Ok(t) => {
                self.refused = None;
                self.active = Some((cfg, t));
            }
            Err(e) => {
                if self.refused.as_deref() != Some(cfg.smtp_url.as_str()) {
                    tracing::warn!(error = %e, "the SMTP URL in effect cannot be used; messages wait in the outbox");
                    self.refused = Some(cfg.smtp_url.clone());
                }
                self.active = None;
            }
        }
    }

    /// Reads the message, opens its secret, and sends it; `Ok` with the SMTP answer.
    fn run(
        &self,
        db: &Db,
        job: Job,
    ) -> impl Future<Output = Result<String, String>> + Send + 'static {
        let (db, key) = (db.clone(), self.key.clone());
        let active = self
            .active
            .as_ref()
            .map(|(cfg, t)| (cfg.from.clone(), t.clone()));
        async move {
            let (from, transport) = active.ok_or("no SMTP server is configured")?;
            let m = super::outbox::outgoing(&db, &key, &job.pk).await?;
            send(&transport, build_message(&from, &m)?).await
        }
    }

    /// Marks the message sent and blanks its secret out of the stored bodies.
    async fn done(&self, db: &Db, job: &Job, at: i64) -> Result<(), AppError> {
        Ok(crate::store::outbox::mark_sent(&db.pool, &job.pk, at).await?)
    }

    /// Marks the message failed and blanks a one-time secret (a code) out of the stored bodies.
    async fn given_up(&self, db: &Db, job: &Job, at: i64, error: &str) -> Result<(), AppError> {
        Ok(crate::store::outbox::mark_failed(&db.pool, &job.pk, at, error).await?)
    }

    /// Records the round's last result as the last delivery (the dashboard's mail banner).
    async fn round_finished(&self, db: &Db, (ok, detail): (bool, String)) {
        if let Err(e) = super::email::record_delivery(db, ok, &detail).await {
            tracing::warn!(error = %e, "recording the last delivery");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_mail_names_inviter_grants_expiry_and_link() {
        let r = render_invitation(&InvitationMail {
            brand: "Acme".into(),
            inviter: "Jane <Admin>".into(),
            grants: "groups: engineering-team".into(),
            expires: "in 7 days (2026-11-28 12:00 UTC)".into(),
            link: "https://id.acme.test/if/flow/x/?itoken=t".into(),
        })
        .unwrap();
        assert_eq!(r.subject, "You've been invited to join Acme");
        for needle in [
            "Jane <Admin>",
            "engineering-team",
            "2026-11-28 12:00 UTC",
            "https://id.acme.test/if/flow/x/?itoken=t",
        ] {
            assert!(r.text.contains(needle), "{needle}");
        }
        assert!(r.html.contains("Jane &lt;Admin&gt;"), "HTML is escaped");
    }
}
