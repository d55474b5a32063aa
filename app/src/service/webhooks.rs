//! Webhooks (issue 14 item 5): System → Webhooks keeps URLs that receive events, each signed by the
//! Standard Webhooks convention with a secret shown once ([`create`]). Every event recorded
//! ([`super::audit::record`]) queues, in its own transaction, one delivery per enabled webhook that
//! receives its action: a job of [`Channel::WEBHOOK`] in the job queue ([`super::jobs`]), keyed by the
//! webhook so that one webhook's deliveries go one at a time, in event order. [`WebhookHandler`] posts
//! them, retried with capped backoff for 72 hours; each delivery's status, attempts, last HTTP status
//! and error are listed ([`deliveries`]) and may be sent again ([`redeliver`]).
//!
//! The SSRF guard: a webhook's URL is http(s) only; an IP-literal host that is loopback, private,
//! link-local or otherwise not public is refused at creation, and at delivery every address the host
//! resolves to is checked and the connection pinned to them (so a DNS answer cannot change between the
//! check and the request), unless the admin setting [`ALLOW_PRIVATE_SETTING`] allows them. Redirects
//! are never followed.

use super::audit::{model_context, record};
use super::error::{Entity, Error, Problem, Refusal};
use super::jobs::{Job, JobHandler, RetryPolicy};
use super::{time, Db, SecretKey};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::jobs::Channel;
use crate::domain::webhook::{self as rules, UrlError};
use crate::store::db::{new_ordered_uuid, new_uuid};
use crate::store::{is_unique_violation, jobs, settings, webhooks as store};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

/// The setting (`settings` table) that lets webhooks reach loopback and private addresses: `1` or absent.
pub const ALLOW_PRIVATE_SETTING: &str = "webhooks_allow_private";
/// The purpose a webhook's secret is sealed under ([`SecretKey::seal`]; the webhook's pk is the
/// associated data).
const SECRET_SEAL: &str = "webhook-secret";
/// How long a delivery may take, connecting and answering, seconds.
const TIMEOUT_SECS: u64 = 10;
/// The most bytes of an answer's body kept as a failed delivery's error.
const BODY_EXCERPT: usize = 1024;
/// The most deliveries one page lists.
pub const PAGE_MAX: u64 = 200;

/// A webhook as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// UUID.
    pub pk: String,
    /// Unique name.
    pub name: String,
    /// Where deliveries are posted.
    pub url: String,
    /// Event types (audit action names), or `["*"]` for every event.
    pub actions: Vec<String>,
    /// Whether deliveries are made.
    pub enabled: bool,
    /// Creation time, UTC Unix seconds.
    pub created: i64,
}

/// A webhook just created, with its secret: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The webhook.
    pub webhook: Webhook,
    /// Its signing secret, `whsec_…`.
    pub secret: String,
}

/// What an admin enters to create a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    /// Unique name.
    pub name: String,
    /// http(s) URL.
    pub url: String,
    /// Event types; none, or `*` among them, means every event.
    pub actions: Vec<String>,
    /// Whether deliveries are made.
    pub enabled: bool,
}

/// Whether webhooks may reach loopback and private addresses (System → Webhooks; off by default).
///
/// # Errors
/// Database errors.
pub async fn allow_private(db: &Db) -> Result<bool, Error> {
    Ok(settings::get_setting(db, ALLOW_PRIVATE_SETTING)
        .await?
        .is_some_and(|v| v == "1"))
}

/// Allows or forbids webhooks to reach loopback and private addresses, with its event.
///
/// # Errors
/// Database errors.
pub async fn set_allow_private(db: &Db, who: &Who, allow: bool) -> Result<(), Error> {
    let before = allow_private(db).await?;
    if before == allow {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    if allow {
        settings::put_setting_in(&mut *tx, ALLOW_PRIVATE_SETTING, "1").await?;
    } else {
        settings::delete_setting_in(&mut *tx, ALLOW_PRIVATE_SETTING).await?;
    }
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Webhook,
            "",
            serde_json::json!({
                "model": model_context(Model::Webhook, "", "webhook settings"),
                "diff": {"allow_private": {"old": before, "new": allow}},
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn url_problem(e: UrlError) -> Problem {
    match e {
        UrlError::NotHttp => Problem::NotAWebhookUrl,
        UrlError::Private => Problem::PrivateAddress,
    }
}

/// Creates a webhook; returns it with its new secret (`whsec_` and base64 of 32 random bytes), which is
/// stored only sealed with the instance key `key` and never shown again.
///
/// # Errors
/// [`Error::Invalid`] on `name` (empty, longer than 100 characters, taken), `url` (not http(s), or a
/// private IP address while those are not allowed) and `actions` (an unknown event type); database
/// errors. Nothing is written on error.
pub async fn create(db: &Db, key: &SecretKey, who: &Who, draft: &Draft) -> Result<Created, Error> {
    let mut errors = Vec::new();
    let name = rules::validate_name(&draft.name)
        .map_err(|e| {
            let p = match e {
                rules::NameError::Empty => Problem::Missing,
                rules::NameError::TooLong => Problem::TooLong("Name".into(), rules::NAME_MAX),
            };
            errors.push(("name".to_owned(), p));
        })
        .ok();
    let url = rules::validate_url(&draft.url, allow_private(db).await?)
        .map_err(|e| errors.push(("url".to_owned(), url_problem(e))))
        .ok();
    let actions = rules::validate_actions(&draft.actions)
        .map_err(|a| errors.push(("actions".to_owned(), Problem::UnknownEventType(a))))
        .ok();
    let (Some(name), Some(url), Some(actions), true) = (name, url, actions, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };
    let (pk, secret, now) = (new_uuid(), rules::new_secret(), time::now());
    let row = store::WebhookRow {
        secret_sealed: key.seal(SECRET_SEAL, &pk, &secret),
        pk: pk.clone(),
        name: name.clone(),
        url: url.clone(),
        enabled: draft.enabled,
        created: now,
    };
    let mut tx = db.begin().await?;
    store::insert(&mut *tx, &row).await.map_err(|e| {
        if is_unique_violation(&e) {
            Error::field("name", Problem::Taken(Entity::Webhook))
        } else {
            Error::from(e)
        }
    })?;
    for a in &actions {
        store::add_action(&mut *tx, &pk, a).await?;
    }
    record(
        &mut *tx,
        who.event(
            Action::ModelCreated,
            Model::Webhook,
            &pk,
            serde_json::json!({
                "model": model_context(Model::Webhook, &pk, &name),
                "fields": {"name": name, "url": url, "actions": actions, "enabled": draft.enabled},
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Created {
        webhook: Webhook {
            pk,
            name,
            url,
            actions,
            enabled: draft.enabled,
            created: now,
        },
        secret,
    })
}

/// Every webhook, by name, with its event types.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db) -> Result<Vec<Webhook>, Error> {
    let rows = store::list(&db.pool).await?;
    let actions = store::actions(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| Webhook {
            actions: actions
                .iter()
                .filter(|a| a.webhook_pk == r.pk)
                .map(|a| a.action.clone())
                .collect(),
            pk: r.pk,
            name: r.name,
            url: r.url,
            enabled: r.enabled,
            created: r.created,
        })
        .collect())
}

/// Turns webhook `pk` on or off, with its event (nothing when it already is so). A disabled webhook
/// receives no new deliveries, and those queued are done without a request ("skipped").
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn set_enabled(db: &Db, who: &Who, pk: &str, enabled: bool) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let Some(row) = store::get(&mut *tx, pk).await? else {
        return Err(Error::NotFound(Entity::Webhook));
    };
    if store::set_enabled(&mut *tx, pk, enabled).await? == 0 {
        return Ok(());
    }
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Webhook,
            pk,
            serde_json::json!({
                "model": model_context(Model::Webhook, pk, &row.name),
                "diff": {"enabled": {"old": row.enabled, "new": enabled}},
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes webhook `pk`, with its event; its deliveries stay listed in the outbox, and those still
/// queued are done without a request.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn delete(db: &Db, who: &Who, pk: &str) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let Some(row) = store::get(&mut *tx, pk).await? else {
        return Err(Error::NotFound(Entity::Webhook));
    };
    store::delete(&mut *tx, pk).await?;
    record(
        &mut *tx,
        who.event(
            Action::ModelDeleted,
            Model::Webhook,
            pk,
            serde_json::json!({"model": model_context(Model::Webhook, pk, &row.name)}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One delivery of a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The job's pk.
    pub pk: String,
    /// The `webhook-id` it is sent with (the pk of the delivery it redelivers, or its own).
    pub message_id: String,
    /// The event type (audit action name).
    pub event_type: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The HTTP status of the last answer, if one came.
    pub response_code: Option<i64>,
    /// Why the last attempt failed, or "".
    pub last_error: String,
    /// When it was queued, UTC Unix seconds.
    pub created: i64,
    /// When it was delivered.
    pub sent_at: Option<i64>,
    /// When it is tried next (queued) or was given up (failed).
    pub next_attempt_at: i64,
}

/// What a delivery job carries: the webhook, the event as sent, and, for a redelivery, the
/// `webhook-id` of the delivery it repeats.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Payload {
    webhook: String,
    event: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

fn delivery_of(r: store::DeliveryRow) -> Delivery {
    let payload: Option<Payload> = r
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok());
    Delivery {
        message_id: payload
            .as_ref()
            .and_then(|p| p.id.clone())
            .unwrap_or_else(|| r.pk.clone()),
        event_type: payload
            .as_ref()
            .and_then(|p| p.event.get("type")?.as_str().map(str::to_owned))
            .unwrap_or_default(),
        pk: r.pk,
        status: r.status,
        attempts: r.attempts,
        response_code: r.response_code,
        last_error: r.last_error,
        created: r.created,
        sent_at: r.sent_at,
        next_attempt_at: r.next_attempt_at,
    }
}

/// How many deliveries webhook `pk` has, and one page of them, newest first: `offset` skipped, at most
/// `limit` (at most [`PAGE_MAX`]).
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn deliveries(
    db: &Db,
    pk: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Delivery>), Error> {
    if store::get(&db.pool, pk).await?.is_none() {
        return Err(Error::NotFound(Entity::Webhook));
    }
    let total = store::count_deliveries(&db.pool, pk).await?.max(0) as u64;
    let rows = store::deliveries(
        &db.pool,
        pk,
        i64::try_from(offset).unwrap_or(i64::MAX),
        limit.min(PAGE_MAX) as i64,
    )
    .await?;
    Ok((total, rows.into_iter().map(delivery_of).collect()))
}

/// Sends delivery `delivery_pk` of webhook `webhook_pk` again, with its event: a failed one is queued
/// again (due now, with a new 72 hours); a delivered one is queued as a new delivery after the
/// webhook's others, with the same `webhook-id` (Standard Webhooks: the id stays when a message is
/// sent again, so a receiver that keeps the ids it handled can tell). Returns the pk of the delivery
/// queued.
///
/// # Errors
/// [`Error::NotFound`] (no such webhook or delivery); [`Refusal::NotRedeliverable`] for a delivery
/// still queued or being sent; database errors.
pub async fn redeliver(
    db: &Db,
    who: &Who,
    webhook_pk: &str,
    delivery_pk: &str,
) -> Result<String, Error> {
    let Some(hook) = store::get(&db.pool, webhook_pk).await? else {
        return Err(Error::NotFound(Entity::Webhook));
    };
    let Some(row) = store::delivery(&db.pool, webhook_pk, delivery_pk).await? else {
        return Err(Error::NotFound(Entity::Webhook));
    };
    let mut tx = db.begin().await?;
    let queued = match row.status.as_str() {
        "failed" => {
            if jobs::retry(&mut *tx, Channel::WEBHOOK, delivery_pk, time::now()).await? == 0 {
                return Err(Error::Refused(Refusal::NotRedeliverable));
            }
            delivery_pk.to_owned()
        }
        "sent" => {
            let d = delivery_of(row.clone());
            let mut payload: Payload = row
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .ok_or_else(|| {
                    tracing::error!(
                        delivery = delivery_pk,
                        "a webhook delivery's payload does not decode"
                    );
                    Error::Internal
                })?;
            payload.id = Some(d.message_id);
            let text = serde_json::to_string(&payload).map_err(|_| Error::Internal)?;
            let pk = format!("{}:{webhook_pk}", new_ordered_uuid());
            store::requeue_copy(&mut *tx, &pk, webhook_pk, &text, time::now()).await?;
            pk
        }
        _ => return Err(Error::Refused(Refusal::NotRedeliverable)),
    };
    record(
        &mut *tx,
        who.event(
            Action::ModelUpdated,
            Model::Webhook,
            webhook_pk,
            serde_json::json!({
                "model": model_context(Model::Webhook, webhook_pk, &hook.name),
                "redeliver": {"delivery": delivery_pk, "queued": queued},
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    db.wakes.of(Channel::WEBHOOK).notify_one();
    Ok(queued)
}

/// The webhook channel's [`JobHandler`]: posts a delivery to its webhook's URL, signed, after the SSRF
/// guard; records the answer's HTTP status on the delivery.
pub struct WebhookHandler {
    key: SecretKey,
    policy: RetryPolicy,
    allow_private: bool,
}

/// The webhook worker: the job queue's worker of [`Channel::WEBHOOK`] posting through
/// [`WebhookHandler`].
pub type Worker = super::jobs::Worker<WebhookHandler>;

impl WebhookHandler {
    /// A handler opening secrets with `key`, retrying by [`RetryPolicy::default`] (5 s doubling, at
    /// most an hour apart, for 72 hours).
    pub fn new(key: SecretKey) -> Self {
        Self {
            key,
            policy: RetryPolicy::default(),
            allow_private: false,
        }
    }

    /// The same handler retrying by `policy`.
    #[must_use]
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }
}

impl Worker {
    /// A webhook worker on `db` opening secrets with `key`.
    pub fn webhooks(db: Db, key: SecretKey) -> Self {
        Self::for_handler(db, WebhookHandler::new(key))
    }
}

impl JobHandler for WebhookHandler {
    fn channel(&self) -> Channel {
        Channel::WEBHOOK
    }

    fn policy(&self) -> Option<RetryPolicy> {
        Some(self.policy)
    }

    /// Rereads whether private addresses are allowed.
    async fn refresh(&mut self, db: &Db) {
        match allow_private(db).await {
            Ok(a) => self.allow_private = a,
            Err(e) => tracing::warn!(error = %e, "reading the webhook settings"),
        }
    }

    fn run(
        &self,
        db: &Db,
        job: Job,
    ) -> impl Future<Output = Result<String, String>> + Send + 'static {
        let (db, key, allow_private) = (db.clone(), self.key.clone(), self.allow_private);
        async move {
            let (outcome, code) = deliver(&db, &key, allow_private, &job).await;
            if let Err(e) = jobs::set_response_code(&db.pool, &job.pk, code).await {
                tracing::warn!(job = %job.pk, error = %e, "recording a webhook's answer");
            }
            outcome
        }
    }
}

/// Posts one delivery: its outcome, and the HTTP status answered, if any.
async fn deliver(
    db: &Db,
    key: &SecretKey,
    allow_private: bool,
    job: &Job,
) -> (Result<String, String>, Option<i64>) {
    let payload: Payload = match job.payload() {
        Ok(p) => p,
        Err(e) => return (Err(e), None),
    };
    let hook = match store::get(&db.pool, &payload.webhook).await {
        Ok(Some(h)) => h,
        Ok(None) => return (Ok("webhook deleted".into()), None),
        Err(e) => return (Err(format!("reading the webhook: {e}")), None),
    };
    if !hook.enabled {
        return (Ok("skipped: webhook disabled".into()), None);
    }
    let Some(secret) = key.open(SECRET_SEAL, &hook.pk, &hook.secret_sealed) else {
        return (
            Err("the webhook's secret was sealed under another USHER_SECRET_KEY; create the webhook again".into()),
            None,
        );
    };
    let url = match rules::parse_url(&hook.url) {
        Ok(u) => u,
        Err(_) => return (Err(format!("not an http(s) URL: {}", hook.url)), None),
    };
    let addrs = match resolve(&url, allow_private).await {
        Ok(a) => a,
        Err(e) => return (Err(e), None),
    };
    let id = payload.id.clone().unwrap_or_else(|| job.pk.clone());
    let body = payload.event.to_string();
    let timestamp = time::now();
    let Some(signature) = rules::sign(&secret, &id, timestamp, &body) else {
        return (
            Err("the webhook's secret is not a whsec_ secret".into()),
            None,
        );
    };
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(TIMEOUT_SECS))
        .timeout(Duration::from_secs(TIMEOUT_SECS))
        .user_agent(concat!("Usher-Webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(url::Host::Domain(host)) = url.host() {
        // Pinned: the connection goes to the addresses just checked, whatever DNS answers next.
        client = client.resolve_to_addrs(host, &addrs);
    }
    let client = match client.build() {
        Ok(c) => c,
        Err(e) => return (Err(format!("building the HTTP client: {e}")), None),
    };
    let sent = client
        .post(url.clone())
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let mut resp = match sent {
        Ok(r) => r,
        Err(e) => return (Err(format!("{}: {}", url, error_chain(&e))), None),
    };
    let status = resp.status();
    let code = Some(i64::from(status.as_u16()));
    if status.is_success() {
        return (Ok(format!("HTTP {}", status.as_u16())), code);
    }
    let mut excerpt = Vec::new();
    while excerpt.len() < BODY_EXCERPT {
        match resp.chunk().await {
            Ok(Some(c)) => {
                excerpt.extend_from_slice(&c[..c.len().min(BODY_EXCERPT - excerpt.len())])
            }
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&excerpt);
    let text = text.trim();
    let error = if text.is_empty() {
        format!("HTTP {}", status.as_u16())
    } else {
        format!("HTTP {}: {text}", status.as_u16())
    };
    (Err(error), code)
}

/// An error with its causes, `a: b: c` (reqwest's own message says little: "error sending request").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The addresses a delivery to `url` may connect to: its IP-literal host, or every address its host
/// name resolves to. Refused when any of them is loopback, private or otherwise not public and that is
/// not allowed.
async fn resolve(url: &url::Url, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| format!("no port for {url}"))?;
    let (host, addrs): (String, Vec<SocketAddr>) = match url.host() {
        Some(url::Host::Ipv4(ip)) => (ip.to_string(), vec![SocketAddr::new(ip.into(), port)]),
        Some(url::Host::Ipv6(ip)) => (ip.to_string(), vec![SocketAddr::new(ip.into(), port)]),
        Some(url::Host::Domain(d)) => {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((d, port))
                .await
                .map_err(|e| format!("resolving {d}: {e}"))?
                .collect();
            if found.is_empty() {
                return Err(format!("resolving {d}: no address"));
            }
            (d.to_owned(), found)
        }
        None => return Err(format!("no host in {url}")),
    };
    if !allow_private {
        if let Some(a) = addrs.iter().find(|a| rules::is_refused_ip(a.ip())) {
            return Err(format!(
                "refused: {host} is {}, a loopback or private address (allow private addresses in System → Webhooks to deliver there)",
                a.ip()
            ));
        }
    }
    Ok(addrs)
}
