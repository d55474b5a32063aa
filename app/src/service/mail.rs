//! Email: templates and SMTP (lettre). Messages wait in the outbox, the job queue's email channel
//! ([`super::outbox`]): written in the transaction of the change that causes them, so SMTP being down or
//! slow never fails the admin's request and never loses a message. The email channel's worker is
//! [`super::delivery::Worker`].

use super::error::Error;
use super::jobs::RetryPolicy;
use crate::i18n::Locale;
use crate::t;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use std::time::Duration;

/// The brand in an email (System → Brands; issue 16 item 5): its title, logo and the accent colour of
/// the email's button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailBrand {
    /// The title: the saved one, else `USHER_BRAND_NAME`, else "Usher".
    pub title: String,
    /// The logo's absolute URL, if one is saved (a path is put after the public URL).
    pub logo: Option<String>,
    /// The button's colour, `#rrggbb`: the saved accent, else Usher's.
    pub accent: String,
    /// The button's text colour, `#rrggbb`: white or black, whichever reads better on the accent.
    pub accent_fg: String,
    /// The brand's default language (System → Brands, else `USHER_DEFAULT_LOCALE`): what an
    /// invitation that names none is written in.
    #[serde(skip)]
    pub language: crate::i18n::Locale,
}

impl MailBrand {
    /// Usher's accent colour, the button's while none is saved.
    pub const DEFAULT_ACCENT: crate::domain::brand::Accent =
        crate::domain::brand::Accent([0xc4, 0x32, 0x1a]);

    /// A brand of `title` with no logo and Usher's accent.
    pub fn named(title: impl Into<String>) -> Self {
        Self::new(title.into(), None, None)
    }

    /// A brand of `title`, with the logo's absolute URL and the accent (Usher's when `None`).
    pub fn new(
        title: String,
        logo: Option<String>,
        accent: Option<crate::domain::brand::Accent>,
    ) -> Self {
        let accent = accent.unwrap_or(Self::DEFAULT_ACCENT);
        Self {
            title,
            logo,
            accent: accent.hex(),
            accent_fg: accent.foreground().hex(),
            language: crate::i18n::Locale::default(),
        }
    }

    /// This brand with default language `l`.
    #[must_use]
    pub fn speaking(mut self, l: crate::i18n::Locale) -> Self {
        self.language = l;
        self
    }
}

/// What the invitation email says (rendered by [`render_invitation`]).
#[derive(Debug, Clone, Serialize)]
pub struct InvitationMail {
    /// The brand ([`MailBrand`]).
    pub brand: MailBrand,
    /// The language it is written in: the invitation's, else the brand default (issue 16 item 1).
    pub locale: Locale,
    /// Who invites.
    pub inviter: String,
    /// The names of the roles it grants.
    pub roles: Vec<String>,
    /// The names of the groups it grants.
    pub groups: Vec<String>,
    /// Expiry, UTC Unix seconds; `None` never (worded with its time zone and the time left from `now`
    /// when rendered).
    pub expires: Option<i64>,
    /// The time the message is written, UTC Unix seconds.
    pub now: i64,
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

/// Renders the invitation email from `app/templates/invitation.{txt,html}` (minijinja; HTML auto-escaped)
/// in its language ([`InvitationMail::locale`]; the words from the catalogue, [`crate::i18n`]). Subject:
/// "You've been invited to join {brand}". The expiry is worded with its time zone and the time left:
/// "in 7 days (Saturday, 28 November 2026, 12:00 UTC)".
///
/// # Errors
/// [`Error::Internal`] when a template fails to render.
pub fn render_invitation(m: &InvitationMail) -> Result<Rendered, Error> {
    render_campaign_invitation(m, &CampaignWords::default())
}

/// What a campaign adds to its invitation email (issue 15): its own subject, a message, the note that
/// the address already has an account (the recipient joins rather than enrolls), and whether it is a
/// reminder.
#[derive(Debug, Clone, Copy, Default)]
pub struct CampaignWords<'a> {
    /// The subject; empty for the default.
    pub subject: &'a str,
    /// A message (plain text; escaped in the HTML body), may be empty.
    pub message: &'a str,
    /// The recipient already has an account: they sign in to accept.
    pub join: bool,
    /// A reminder: the subject is prefixed "Reminder: " and the body says so.
    pub reminder: bool,
}

/// Renders the invitation email as [`render_invitation`] with a campaign's words ([`CampaignWords`]).
///
/// # Errors
/// [`Error::Internal`] when a template fails to render.
pub fn render_campaign_invitation(
    m: &InvitationMail,
    w: &CampaignWords<'_>,
) -> Result<Rendered, Error> {
    let l = m.locale;
    let subject = if w.subject.trim().is_empty() {
        crate::t!(l, "mail-invitation-subject", brand = m.brand.title.clone())
    } else {
        w.subject.trim().to_owned()
    };
    render(
        l,
        if w.reminder {
            crate::t!(l, "mail-reminder-subject", subject = subject)
        } else {
            subject
        },
        "invitation.txt",
        "invitation.html",
        &minijinja::context! {
            brand => m.brand.title,
            logo => m.brand.logo,
            accent => m.brand.accent,
            accent_fg => m.brand.accent_fg,
            inviter => m.inviter,
            grants => l.grants(&m.roles, &m.groups, crate::i18n::AccountWords::Any),
            expires => l.expiry(m.expires, m.now),
            link => m.link,
            message => w.message.trim(),
            join => w.join,
            reminder => w.reminder,
            lang => l.code(),
        },
    )
}

/// What the verification-code email says (rendered by [`render_verification`]).
#[derive(Debug, Clone, Serialize)]
pub struct VerificationMail {
    /// The brand ([`MailBrand`]).
    pub brand: MailBrand,
    /// The language it is written in: the page's the code was asked for on (issue 16 item 1).
    pub locale: Locale,
    /// The address being verified.
    pub email: String,
    /// The one-time code.
    pub code: String,
    /// Its lifetime, minutes.
    pub minutes: i64,
    /// Its expiry, UTC Unix seconds (worded with its time zone when rendered).
    pub expires: i64,
}

/// Renders the verification-code email from `app/templates/verification.{txt,html}` in its language.
/// Subject: "Your {brand} verification code".
///
/// # Errors
/// [`Error::Internal`] when a template fails to render.
pub fn render_verification(m: &VerificationMail) -> Result<Rendered, Error> {
    let mut rendered = render(
        m.locale,
        crate::t!(m.locale, "mail-code-subject", brand = m.brand.title.clone()),
        "verification.txt",
        "verification.html",
        &minijinja::context! {
            brand => m.brand.title,
            logo => m.brand.logo,
            accent => m.brand.accent,
            accent_fg => m.brand.accent_fg,
            email => m.email,
            code => m.code,
            minutes => m.minutes,
            expires => m.locale.datetime(m.expires),
            lang => m.locale.code(),
        },
    )?;
    rendered.secret = Some(m.code.clone());
    Ok(rendered)
}

/// What happened to an invitation whose creator asked to be told (issue 14 item 6; rendered by
/// [`render_notice`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    /// An account used it: `username`, and whether it joined with an existing account (else enrolled).
    Used {
        /// The account's username.
        username: String,
        /// Joined with an existing account.
        joined: bool,
    },
    /// A message of it was given up on: its recipients and the SMTP server's last answer.
    DeliveryFailed {
        /// The recipients.
        to: Vec<String>,
        /// The last error.
        error: String,
    },
    /// It expired at `expires` (UTC Unix seconds) without being used.
    ExpiredUnused {
        /// Its expiry, UTC Unix seconds.
        expires: i64,
    },
    /// A campaign's reminders went out (the notice's `invitation` is the campaign's name): the digest of
    /// its recipients who have not joined.
    CampaignPending {
        /// How many have not joined.
        pending: usize,
        /// The first of their addresses (at most [`crate::domain::campaign::DIGEST_LIST`]).
        listed: Vec<String>,
    },
}

/// A notice to an invitation's creator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeMail {
    /// The language it is written in: the creator's preferred one, else the brand default.
    pub locale: Locale,
    /// The creator's display name, else username.
    pub creator: String,
    /// The invitation's name.
    pub invitation: String,
    /// What happened.
    pub kind: NoticeKind,
    /// The admin dashboard's invitations page (absolute URL).
    pub dashboard: String,
    /// When the notice is written, UTC Unix seconds.
    pub now: i64,
}

/// Renders a notice to an invitation's creator from `app/templates/notice.{txt,html}`. Subjects:
/// "Invitation {name} was used", "Invitation {name} could not be delivered", "Invitation {name}
/// expired unused".
///
/// # Errors
/// [`Error::Internal`] when a template fails to render.
pub fn render_notice(n: &NoticeMail) -> Result<Rendered, Error> {
    let l = n.locale;
    let name = n.invitation.clone();
    let (subject, headline, detail) = match &n.kind {
        NoticeKind::Used { username, joined } => (
            t!(l, "notice-used-subject", name = name.clone()),
            t!(
                l,
                "notice-used-headline",
                name = name,
                username = username.clone()
            ),
            if *joined {
                t!(l, "notice-used-joined")
            } else {
                t!(l, "notice-used-enrolled")
            },
        ),
        NoticeKind::DeliveryFailed { to, error } => (
            t!(l, "notice-failed-subject", name = name.clone()),
            t!(l, "notice-failed-headline", name = name, to = to.join(", ")),
            t!(l, "notice-failed-detail", error = error.clone()),
        ),
        NoticeKind::ExpiredUnused { expires } => (
            t!(l, "notice-expired-subject", name = name.clone()),
            t!(l, "notice-expired-headline", name = name),
            t!(l, "notice-expired-detail", expires = l.datetime(*expires)),
        ),
        NoticeKind::CampaignPending { pending, listed } => {
            let more = pending.saturating_sub(listed.len());
            (
                t!(
                    l,
                    "notice-digest-subject",
                    name = name.clone(),
                    count = *pending
                ),
                t!(l, "notice-digest-headline", name = name, count = *pending),
                if more > 0 {
                    t!(l, "notice-digest-more", names = listed.join(", "), n = more)
                } else {
                    listed.join(", ")
                },
            )
        }
    };
    render(
        l,
        subject,
        "notice.txt",
        "notice.html",
        &minijinja::context! {
            lang => l.code(),
            creator => n.creator,
            headline => headline,
            detail => detail,
            dashboard => n.dashboard,
        },
    )
}

/// Every mail template (`app/templates/`), by name; `.html` ones are auto-escaped.
const TEMPLATES: [(&str, &str); 8] = [
    (
        "invitation.txt",
        include_str!("../../templates/invitation.txt"),
    ),
    (
        "invitation.html",
        include_str!("../../templates/invitation.html"),
    ),
    (
        "verification.txt",
        include_str!("../../templates/verification.txt"),
    ),
    (
        "verification.html",
        include_str!("../../templates/verification.html"),
    ),
    ("notice.txt", include_str!("../../templates/notice.txt")),
    ("notice.html", include_str!("../../templates/notice.html")),
    ("approval.txt", include_str!("../../templates/approval.txt")),
    (
        "approval.html",
        include_str!("../../templates/approval.html"),
    ),
];

/// One template environment per language, each with every template parsed and the `t` function of its
/// language, built once on first use (issue 37: not once per message).
static ENVIRONMENTS: std::sync::LazyLock<Vec<(Locale, minijinja::Environment<'static>)>> =
    std::sync::LazyLock::new(|| Locale::ALL.iter().map(|&l| (l, environment(l))).collect());

/// The template environment of `locale`: the templates word themselves with `t("key", name=value, …)`,
/// the catalogue's message `key` in `locale` ([`crate::i18n`]); a number argument selects plural forms.
/// A template that does not parse is logged and left out (rendering it then fails).
fn environment(locale: Locale) -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.add_function(
        "t",
        move |key: &str, kwargs: minijinja::value::Kwargs| -> Result<String, minijinja::Error> {
            let mut args = crate::i18n::Args::new();
            for name in kwargs.args() {
                let v: minijinja::Value = kwargs.get(name)?;
                match i64::try_from(v.clone()) {
                    Ok(n) if v.is_number() => args.set(name.to_owned(), crate::i18n::arg(n)),
                    _ => args.set(name.to_owned(), crate::i18n::arg(v.to_string())),
                }
            }
            Ok(locale.tr_with(key, &args))
        },
    );
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(error = %e, template = name, "email template does not parse");
        }
    }
    env
}

/// Renders a message's two bodies from the templates named `text` and `html` ([`TEMPLATES`]) in
/// `locale`'s environment ([`ENVIRONMENTS`]).
pub(crate) fn render<T: Serialize>(
    locale: Locale,
    subject: String,
    text: &str,
    html: &str,
    ctx: &T,
) -> Result<Rendered, Error> {
    let fail = |e: minijinja::Error| {
        tracing::error!(error = %e, "email template");
        Error::Internal
    };
    let env = ENVIRONMENTS
        .iter()
        .find(|(l, _)| *l == locale)
        .map(|(_, env)| env)
        .ok_or(Error::Internal)?;
    Ok(Rendered {
        subject,
        text: env
            .get_template(text)
            .and_then(|t| t.render(ctx))
            .map_err(fail)?,
        html: env
            .get_template(html)
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

/// A pooled transport for the lettre URL `url` whose commands give up after `timeout`: as many
/// connections as the job queue runs messages at once ([`crate::service::jobs::BATCH`]; lettre's
/// default pool holds 10, so half a round waited for a connection, issue 37 item 4), each kept open
/// between messages.
///
/// # Errors
/// lettre's message for what is wrong with the URL.
pub fn transport_for(url: &str, timeout: Duration) -> Result<Transport, String> {
    let pool = lettre::transport::smtp::PoolConfig::new()
        .max_size(u32::try_from(crate::service::jobs::BATCH).unwrap_or(10));
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|b| b.timeout(Some(timeout)).pool_config(pool).build())
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
pub(super) async fn send(t: &Transport, msg: Message) -> Result<String, String> {
    let r = t.send(msg).await.map_err(|e| e.to_string())?;
    Ok(format!(
        "{} {}",
        r.code(),
        r.message().collect::<Vec<_>>().join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_in_every_language_once() {
        for (l, env) in ENVIRONMENTS.iter() {
            for (name, _) in TEMPLATES {
                assert!(env.get_template(name).is_ok(), "{name} in {l:?}");
            }
        }
        assert_eq!(ENVIRONMENTS.len(), Locale::ALL.len());
    }

    #[test]
    fn invitation_mail_names_inviter_grants_expiry_and_link() {
        let r = render_invitation(&InvitationMail {
            brand: MailBrand::named("Acme"),
            locale: Locale::En,
            inviter: "Jane <Admin>".into(),
            roles: Vec::new(),
            groups: vec!["engineering-team".into()],
            expires: Some(1_795_867_200),
            now: 1_795_867_200 - 7 * 86_400,
            link: "https://id.acme.test/if/flow/x/?itoken=t".into(),
        })
        .unwrap();
        assert_eq!(r.subject, "You've been invited to join Acme");
        for needle in [
            "Jane <Admin>",
            "engineering-team",
            "in 7 days (Saturday, 28 November 2026, 12:00 UTC)",
            "https://id.acme.test/if/flow/x/?itoken=t",
        ] {
            assert!(r.text.contains(needle), "{needle}");
        }
        assert!(r.html.contains("Jane &lt;Admin&gt;"), "HTML is escaped");
    }

    #[test]
    fn an_invitation_in_german_is_worded_in_german_subject_included() {
        let mail = InvitationMail {
            brand: MailBrand::named("Acme"),
            locale: Locale::De,
            inviter: "Jane".into(),
            roles: vec!["editor".into()],
            groups: Vec::new(),
            expires: Some(1_795_867_200),
            now: 1_795_867_200 - 86_400,
            link: "https://id.acme.test/if/flow/x/?itoken=t".into(),
        };
        let r = render_invitation(&mail).unwrap();
        assert_eq!(r.subject, "Sie wurden zu Acme eingeladen");
        for needle in [
            "Guten Tag,",
            "Jane hat Sie zu Acme eingeladen.",
            "Sie erhalten: Rollen: editor; ein Konto.",
            "in 1 Tag (Samstag, 28. November 2026, 12:00 UTC)",
        ] {
            assert!(r.text.contains(needle), "{needle}: {}", r.text);
            assert!(r.html.contains(needle), "{needle}: {}", r.html);
        }
        assert!(r.html.contains("lang=\"de\""), "{}", r.html);
        let reminder = render_campaign_invitation(
            &mail,
            &CampaignWords {
                reminder: true,
                ..CampaignWords::default()
            },
        )
        .unwrap();
        assert_eq!(
            reminder.subject,
            "Erinnerung: Sie wurden zu Acme eingeladen"
        );
        let code = render_verification(&VerificationMail {
            brand: MailBrand::named("Acme"),
            locale: Locale::De,
            email: "jane@acme.test".into(),
            code: "12345678".into(),
            minutes: 30,
            expires: 1_764_331_200,
        })
        .unwrap();
        assert_eq!(code.subject, "Ihr Bestätigungscode für Acme");
        assert!(
            code.text
                .contains("Er läuft in 30 Minuten ab (Freitag, 28. November 2025, 12:00 UTC)"),
            "{}",
            code.text
        );
    }

    #[test]
    fn verification_mail_words_its_expiry_with_the_time_zone() {
        let r = render_verification(&VerificationMail {
            brand: MailBrand::named("Acme"),
            locale: Locale::En,
            email: "jane@acme.test".into(),
            code: "123456".into(),
            minutes: 30,
            expires: 1_764_331_200,
        })
        .unwrap();
        assert_eq!(r.subject, "Your Acme verification code");
        for needle in ["123456", "Friday, 28 November 2025, 12:00 UTC"] {
            assert!(r.text.contains(needle), "{needle}: {}", r.text);
            assert!(r.html.contains(needle), "{needle}");
        }
        assert_eq!(r.secret.as_deref(), Some("123456"));
    }
}
