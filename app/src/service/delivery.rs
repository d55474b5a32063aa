//! The email channel's worker: the job queue's worker ([`super::jobs::Worker`]) with [`Smtp`] as the
//! handler of [`Channel::EMAIL`]. It sends each claimed message over a pooled transport ([`super::mail`]),
//! and the queue retries a failure with capped backoff until it has been trying for
//! [`MailConfig::give_up_after_secs`] (72 hours by default). A crash between sending and recording leads,
//! once the claim's lease ends, to one more send — at worst a duplicate, never a loss. It reads its
//! settings from System → Email ([`super::email`]), which itself only uses [`super::mail`]'s transport:
//! no cycle between the settings and the templates (issue 36 item 1).

use super::error::Error;
use super::jobs::{Job, JobHandler, RetryPolicy};
use super::mail::{build_message, send, transport, MailConfig, Transport};
use super::Db;
use crate::domain::jobs::Channel;
use std::future::Future;

/// The email worker: the job queue's worker of [`Channel::EMAIL`] sending through [`Smtp`].
pub type Worker = crate::service::jobs::Worker<Smtp>;

impl Worker {
    /// A worker on `db` sending through `cfg`, opening sealed secrets with `key`; it wakes when a
    /// transaction of this instance that queued mail commits ([`crate::store::Tx::commit`]), and polls
    /// otherwise.
    ///
    /// # Errors
    /// A bad SMTP URL.
    pub fn new(db: Db, key: crate::service::SecretKey, cfg: MailConfig) -> Result<Self, String> {
        let smtp = Smtp {
            active: Some((cfg.clone(), transport(&cfg)?)),
            key,
            public_url: String::new(),
            locale: crate::i18n::Locale::default(),
            source: SettingsSource::Fixed,
            refused: None,
        };
        Ok(Self::for_handler(db, smtp))
    }

    /// A worker that sends through the settings in effect, read before each round: `USHER_SMTP_URL`
    /// when set, else what an admin saved in System → Email (issue 34); while there are none it claims
    /// nothing and messages wait in the outbox.
    pub fn resolving(db: Db, config: std::sync::Arc<crate::service::Config>) -> Self {
        let smtp = Smtp {
            key: config.secret_key.clone(),
            public_url: config.public_url.clone(),
            locale: config.default_locale,
            source: SettingsSource::Resolving(config),
            active: None,
            refused: None,
        };
        Self::for_handler(db, smtp)
    }
}

/// The email channel's [`JobHandler`]: sends a claimed message over SMTP, blanks its secret once it is
/// sent (or, for a code, given up on), and records each round's last result as the last delivery
/// ([`crate::service::email::record_delivery`]).
pub struct Smtp {
    /// Opens the secrets the outbox keeps sealed.
    key: crate::service::SecretKey,
    /// `USHER_PUBLIC_URL`, for the dashboard link of a notice to an invitation's creator ("" for a
    /// worker made with fixed settings: a relative link).
    public_url: String,
    /// The brand default language, for a notice to a creator without a preferred one.
    locale: crate::i18n::Locale,
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
    /// The settings in effect, read before each round ([`crate::service::email::mail_config`]): the
    /// environment's, else System → Email's.
    Resolving(std::sync::Arc<crate::service::Config>),
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
        let cfg = match crate::service::email::mail_config(db, config).await {
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
            let m = crate::service::outbox::outgoing(&db, &key, &job.pk).await?;
            send(&transport, build_message(&from, &m)?).await
        }
    }

    /// Marks the message sent and blanks its secret out of the stored bodies; an invitation's message
    /// records `email_sent` for each recipient, in the same transaction.
    async fn done(&self, db: &Db, job: &Job, at: i64) -> Result<(), Error> {
        let mut tx = db.begin().await?;
        crate::store::outbox::mark_sent(&mut *tx, &job.pk, at).await?;
        record_outcome(&mut tx, &job.pk, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks the message failed and blanks a one-time secret (a code) out of the stored bodies; an
    /// invitation's message records `email_delivery_failed` with the answer for each recipient, in the
    /// same transaction.
    async fn given_up(&self, db: &Db, job: &Job, at: i64, error: &str) -> Result<(), Error> {
        let mut tx = db.begin().await?;
        crate::store::outbox::mark_failed(&mut *tx, &job.pk, at, error).await?;
        if let Some((invitation, to)) = record_outcome(&mut tx, &job.pk, Some(error)).await? {
            let with = crate::service::notifications::Notifier {
                key: &self.key,
                public_url: &self.public_url,
                locale: self.locale,
            };
            crate::service::notifications::delivery_failed_in(
                &mut tx,
                with,
                &invitation,
                to,
                error,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the round's last result as the last delivery (the dashboard's mail banner).
    async fn round_finished(&self, db: &Db, (ok, detail): (bool, String)) {
        if let Err(e) = crate::service::email::record_delivery(db, ok, &detail).await {
            tracing::warn!(error = %e, "recording the last delivery");
        }
    }
}

/// The events of a message's outcome (delivered when `error` is `None`, else given up with it), one per
/// recipient, by the system, when it is an invitation's message; none for other messages. Returns the
/// invitation's pk and the message's recipients when it is an invitation's.
async fn record_outcome(
    tx: &mut crate::store::Tx,
    pk: &str,
    error: Option<&str>,
) -> Result<Option<(String, Vec<String>)>, Error> {
    use crate::domain::audit::{Action, Model, Who};
    let Some(m) = crate::store::outbox::messages(
        &mut **tx,
        crate::store::outbox::MessageFilter::One(pk),
        None,
    )
    .await?
    .pop() else {
        return Ok(None);
    };
    let Some(invitation) = m.invitation_pk.as_deref() else {
        return Ok(None);
    };
    for to in m.to.iter().chain(&m.cc).chain(&m.bcc) {
        let (action, context) = match error {
            None => (
                Action::EmailSent,
                serde_json::json!({"message": pk, "to": to, "invitation_name": m.invitation}),
            ),
            Some(e) => (
                Action::EmailDeliveryFailed,
                serde_json::json!({"message": pk, "to": to, "invitation_name": m.invitation, "error": e}),
            ),
        };
        crate::service::audit::record(
            &mut **tx,
            Who::system().event(action, Model::Invitation, invitation, context),
        )
        .await?;
    }
    let to = m.to.iter().chain(&m.cc).chain(&m.bcc).cloned().collect();
    Ok(Some((invitation.to_owned(), to)))
}
