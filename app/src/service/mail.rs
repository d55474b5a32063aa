//! Email: templates, the outbox and its delivery worker (lettre over SMTP).
//!
//! Every message is written to the `outbox` table in the same transaction as the change that causes it
//! ([`enqueue`]); [`Worker`] claims due rows, sends them, and marks them `sent`, or schedules a retry with
//! exponential backoff (capped at an hour), or — once a message has been trying for
//! [`MailConfig::give_up_after_secs`] (72 hours by default) — marks it `failed`; an admin can queue a
//! failed one again ([`retry`]). SMTP being down or slow never
//! fails the admin's request and never loses a message. A claim is a lease (`claimed_until`): a crash
//! between sending and marking leads, once the lease ends, to one more send — at worst a duplicate, never a
//! loss. On PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so several instances never claim the same row.

use super::{time, Db};
use crate::error::AppError;
use crate::store::db::new_uuid;
use crate::store::outbox::{self, MessageFilter};
use crate::store::Tx;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use std::time::Duration;

/// Messages claimed and sent concurrently per round.
pub const BATCH: i64 = 20;
/// How long a claim lasts before another worker may take the row again, seconds.
pub const LEASE_SECS: i64 = 120;

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

/// The invitation link a message carries: its token as given and the token's lookup digest.
#[derive(Debug, Clone, Copy)]
pub struct LinkToken<'a> {
    /// The token in the link.
    pub token: &'a str,
    /// Its lookup digest (`invitations::token_digest`), what the outbox row keeps to tell later who
    /// this link was delivered to.
    pub digest: &'a str,
}

/// The purpose an outbox secret is sealed under ([`super::SecretKey::seal`]; the row's pk is the
/// associated data).
const SECRET_SEAL: &str = "outbox-secret";

/// Writes a message to the outbox inside the caller's transaction. `link` is the invitation link the
/// message carries, if any: the row keeps its digest. The secret it carries (a code in `msg.secret`,
/// which also makes the message one-time, else the link's token) is stored only sealed under `key`,
/// the bodies holding [`crate::domain::outbox::SEALED_SECRET_MARK`] in its place until the worker
/// sends the message (issue 35 item 6). Returns its pk.
///
/// # Errors
/// Database errors.
#[allow(clippy::too_many_arguments)]
pub async fn enqueue(
    tx: &mut Tx,
    key: &super::SecretKey,
    invitation_pk: Option<&str>,
    link: Option<LinkToken<'_>>,
    to: &[String],
    cc: &[String],
    bcc: &[String],
    msg: &Rendered,
) -> Result<String, AppError> {
    use crate::domain::outbox::mark_secret;
    let pk = new_uuid();
    let secret = msg.secret.as_deref().or(link.map(|l| l.token));
    let (text, html, sealed) = match secret {
        Some(s) => (
            mark_secret(&msg.text, s),
            mark_secret(&msg.html, s),
            Some(key.seal(SECRET_SEAL, &pk, s)),
        ),
        None => (msg.text.clone(), msg.html.clone(), None),
    };
    outbox::enqueue(
        tx,
        &outbox::NewMessage {
            pk: &pk,
            invitation_pk,
            itoken: link.map(|l| l.digest),
            to,
            cc,
            bcc,
            subject: &msg.subject,
            text: &text,
            html: &html,
            created: time::now(),
            sealed_secret: sealed.as_deref(),
            one_time_secret: msg.secret.is_some(),
        },
    )
    .await?;
    Ok(pk)
}

/// Outbox messages for the admin, newest first: all of them or only the failed ones, at most `limit`
/// when given.
///
/// # Errors
/// Database errors.
pub async fn list_messages(
    db: &Db,
    only_failed: bool,
    limit: Option<i64>,
) -> Result<Vec<crate::model::OutboxMessage>, AppError> {
    let filter = if only_failed {
        MessageFilter::Failed
    } else {
        MessageFilter::All
    };
    messages(db, filter, limit).await
}

/// The messages of these invitations, newest first (an invitation row shows its own).
///
/// # Errors
/// Database errors.
pub async fn invitation_messages(
    db: &Db,
    invitation_pks: &[String],
) -> Result<Vec<crate::model::OutboxMessage>, AppError> {
    if invitation_pks.is_empty() {
        return Ok(Vec::new());
    }
    messages(db, MessageFilter::OfInvitations(invitation_pks), None).await
}

async fn messages(
    db: &Db,
    filter: MessageFilter<'_>,
    limit: Option<i64>,
) -> Result<Vec<crate::model::OutboxMessage>, AppError> {
    let rows = outbox::messages(&db.pool, filter, limit).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let mut rcpt = m.to_addrs.join(", ");
            for (label, l) in [("cc", &m.cc_addrs), ("bcc", &m.bcc_addrs)] {
                if !l.is_empty() {
                    rcpt.push_str(&format!("; {label}: {}", l.join(", ")));
                }
            }
            crate::model::OutboxMessage {
                pk: m.pk,
                invitation_pk: m.invitation_pk,
                invitation: m.invitation,
                to: rcpt,
                subject: m.subject,
                status: m.status,
                attempts: m.attempts,
                last_error: m.last_error,
                created: time::format_absolute(m.created),
                sent: m.sent_at.map(time::format_absolute).unwrap_or_default(),
            }
        })
        .collect())
}

/// A claimed outbox row.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// pk.
    pub pk: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Blind copies.
    pub bcc: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
    /// Attempts including this one.
    pub attempts: i64,
    /// Since when it is being tried, UTC Unix seconds.
    pub since: i64,
    /// Whether its secret (if any) opened and is in the bodies; a message that did not open cannot be
    /// sent (its secret was sealed under another `USHER_SECRET_KEY`).
    pub unsealed: bool,
}

/// Claims up to `limit` due messages (queued and due, or claimed by a worker whose lease ran out), their
/// sealed secrets opened with `key` and put back into their bodies. A message whose secret does not
/// open (sealed under another `USHER_SECRET_KEY`) comes back with `unsealed` false: it cannot be sent.
///
/// # Errors
/// Database errors.
pub async fn claim(db: &Db, key: &super::SecretKey, limit: i64) -> Result<Vec<Claimed>, AppError> {
    use crate::domain::outbox::fill_secret;
    let now = time::now();
    let rows = outbox::claim(&db.pool, db.backend, now, now + LEASE_SECS, limit).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let opened = match (&r.secret, r.secret_sealed) {
                (Some(sealed), true) => open_secret(key, &r.pk, sealed).map(Some),
                _ => Some(None),
            };
            let (text, html, unsealed) = match &opened {
                Some(Some(secret)) => (
                    fill_secret(&r.body_text, secret),
                    fill_secret(&r.body_html, secret),
                    true,
                ),
                Some(None) => (r.body_text, r.body_html, true),
                None => (r.body_text, r.body_html, false),
            };
            Claimed {
                pk: r.pk,
                to: r.to_addrs,
                cc: r.cc_addrs,
                bcc: r.bcc_addrs,
                subject: r.subject,
                text,
                html,
                attempts: r.attempts,
                since: r.since,
                unsealed,
            }
        })
        .collect())
}

/// The secret of outbox message `pk` as stored sealed in its row; `None` when it does not open under
/// `key`.
pub fn open_secret(key: &super::SecretKey, pk: &str, sealed: &str) -> Option<String> {
    key.open(SECRET_SEAL, pk, sealed)
}

/// Seals the secrets of messages queued by earlier releases (stored in clear), a batch at a time;
/// returns how many were sealed. Run at start, before the worker.
///
/// # Errors
/// Database errors.
pub async fn seal_legacy_secrets(db: &Db, key: &super::SecretKey) -> Result<u64, AppError> {
    use crate::domain::outbox::mark_secret;
    let mut sealed = 0;
    loop {
        let rows = outbox::legacy_secrets(&db.pool, 200).await?;
        if rows.is_empty() {
            return Ok(sealed);
        }
        let mut tx = db.begin().await?;
        for r in &rows {
            sealed += outbox::seal_secret(
                &mut *tx,
                &r.pk,
                &r.secret,
                &key.seal(SECRET_SEAL, &r.pk, &r.secret),
                &mark_secret(&r.body_text, &r.secret),
                &mark_secret(&r.body_html, &r.secret),
            )
            .await?;
        }
        tx.commit().await?;
    }
}

/// Marks a claimed message sent.
///
/// # Errors
/// Database errors.
pub async fn mark_sent(db: &Db, pk: &str) -> Result<(), AppError> {
    outbox::mark_sent(&db.pool, pk, time::now()).await?;
    Ok(())
}

/// Records a failed attempt: back to `queued` after the backoff
/// ([`crate::domain::outbox::after_failure`]), or `failed` once it has been trying for
/// `cfg.give_up_after_secs`.
///
/// # Errors
/// Database errors.
pub async fn mark_failed(
    db: &Db,
    m: &Claimed,
    error: &str,
    cfg: &MailConfig,
) -> Result<(), AppError> {
    let error: String = error.chars().take(1000).collect();
    let now = time::now();
    match crate::domain::outbox::after_failure(
        m.since,
        m.attempts,
        now,
        cfg.backoff_base,
        cfg.give_up_after_secs,
    ) {
        Some(next) => outbox::mark_retry(&db.pool, &m.pk, next, &error).await?,
        None => outbox::mark_failed(&db.pool, &m.pk, now, &error).await?,
    }
    Ok(())
}

/// Queues failed message `pk` again, due now, with a new 72 hours (Directory → Outbox, "Retry").
///
/// # Errors
/// [`AppError::BadRequest`] when it is not a failed message, or carried a verification code (never
/// resent: the invitee asks for a new one); database errors.
pub async fn retry(db: &Db, pk: &str) -> Result<(), AppError> {
    if outbox::retry(&db.pool, pk, time::now()).await? == 0 {
        return Err(AppError::BadRequest(
            "Only a failed message can be retried, and never one that carried a verification code (the invitee asks for a new code).".into(),
        ));
    }
    db.outbox_wake.notify_one();
    Ok(())
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
pub fn build_message(from: &str, m: &Claimed) -> Result<Message, String> {
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
    let m = Claimed {
        pk: String::new(),
        to: vec![to.to_owned()],
        cc: vec![],
        bcc: vec![],
        subject: subject.to_owned(),
        text: text.to_owned(),
        html: format!("<p>{}</p>", text.replace('&', "&amp;").replace('<', "&lt;")),
        attempts: 1,
        since: time::now(),
        unsealed: true,
    };
    let msg = build_message(&cfg.from, &m)?;
    let r = t.send(msg).await.map_err(|e| e.to_string())?;
    Ok(format!(
        "{} {}",
        r.code(),
        r.message().collect::<Vec<_>>().join(" ")
    ))
}

/// The outbox delivery worker.
pub struct Worker {
    db: Db,
    /// Opens the secrets the outbox keeps sealed.
    key: super::SecretKey,
    /// Where its settings come from.
    source: SettingsSource,
    /// The settings and transport it sends with; `None` while no SMTP server is configured.
    active: Option<(MailConfig, Transport)>,
    /// The last SMTP URL refused as unusable (warned about once).
    refused: Option<String>,
}

/// Where a [`Worker`]'s SMTP settings come from.
enum SettingsSource {
    /// Fixed when it was made ([`Worker::new`]).
    Fixed,
    /// The settings in effect, read before each round ([`super::email::mail_config`]): the
    /// environment's, else System → Email's.
    Resolving(std::sync::Arc<super::Config>),
}

impl Worker {
    /// A worker on `db` sending through `cfg`, opening sealed secrets with `key`; it wakes when a transaction of this instance that queued
    /// mail commits ([`crate::store::Tx::commit`]), and polls otherwise.
    ///
    /// # Errors
    /// A bad SMTP URL.
    pub fn new(db: Db, key: super::SecretKey, cfg: MailConfig) -> Result<Self, String> {
        Ok(Self {
            active: Some((cfg.clone(), transport(&cfg)?)),
            db,
            key,
            source: SettingsSource::Fixed,
            refused: None,
        })
    }

    /// A worker that sends through the settings in effect, read before each round: `USHER_SMTP_URL`
    /// when set, else what an admin saved in System → Email (issue 34); while there are none it claims
    /// nothing and messages wait in the outbox.
    pub fn resolving(db: Db, config: std::sync::Arc<super::Config>) -> Self {
        Self {
            db,
            key: config.secret_key.clone(),
            source: SettingsSource::Resolving(config),
            active: None,
            refused: None,
        }
    }

    /// Reads the settings in effect (a resolving worker) and rebuilds the transport when they changed.
    pub async fn refresh(&mut self) {
        let SettingsSource::Resolving(config) = &self.source else {
            return;
        };
        let cfg = match super::email::mail_config(&self.db, config).await {
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

    /// Claims one batch and sends its messages concurrently over the pooled transport; returns how many
    /// messages it handled (none while no SMTP server is configured). The batch's last failure, else its
    /// last success, is recorded as the last delivery ([`super::email::record_delivery`]).
    ///
    /// # Errors
    /// Database errors (send errors are recorded on the message).
    pub async fn run_once(&self) -> Result<usize, AppError> {
        let Some((cfg, transport)) = &self.active else {
            return Ok(0);
        };
        let batch = claim(&self.db, &self.key, BATCH).await?;
        let n = batch.len();
        let mut sends = tokio::task::JoinSet::new();
        for m in batch {
            let (transport, from) = (transport.clone(), cfg.from.clone());
            sends.spawn(async move {
                let message = if m.unsealed {
                    build_message(&from, &m)
                } else {
                    Err("its code or link was sealed under another USHER_SECRET_KEY and cannot be opened; send the invitation again".to_owned())
                };
                let sent = match message {
                    Ok(msg) => transport
                        .send(msg)
                        .await
                        .map(|r| {
                            format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" "))
                        })
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                (m, sent)
            });
        }
        let mut last: Option<(bool, String)> = None;
        // Each result is recorded on its own: a failed write for one message is logged and leaves it
        // to its lease (it comes back once the lease ends), and never stops recording the others.
        while let Some(done) = sends.join_next().await {
            let (m, sent) = match done {
                Ok(d) => d,
                Err(e) => {
                    tracing::error!(error = %e, "an outbox send task failed");
                    continue;
                }
            };
            let recorded = match sent {
                Ok(answer) => {
                    if last.as_ref().is_none_or(|(ok, _)| *ok) {
                        last = Some((true, answer));
                    }
                    mark_sent(&self.db, &m.pk).await
                }
                Err(e) => {
                    tracing::warn!(message = %m.pk, attempt = m.attempts, error = %e, "email delivery failed");
                    let r = mark_failed(&self.db, &m, &e, cfg).await;
                    last = Some((false, e));
                    r
                }
            };
            if let Err(e) = recorded {
                tracing::error!(message = %m.pk, error = %e, "recording an outbox delivery failed; the message comes back when its lease ends");
            }
        }
        if let Some((ok, detail)) = last {
            if let Err(e) = super::email::record_delivery(&self.db, ok, &detail).await {
                tracing::warn!(error = %e, "recording the last delivery");
            }
        }
        Ok(n)
    }

    /// Runs forever: a batch whenever woken, and at least every second (reading the settings in effect
    /// first).
    pub async fn run(mut self) {
        loop {
            self.refresh().await;
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox worker"),
            }
            let _ =
                tokio::time::timeout(Duration::from_secs(1), self.db.outbox_wake.notified()).await;
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
