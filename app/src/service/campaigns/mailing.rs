//! The campaign's messages: its invitation email (or reminder) rendered once per batch, with each
//! recipient's own link sealed in their row.

use crate::domain::invitation::invitation_link;
use crate::service::error::Error;
use crate::service::mail::{CampaignWords, InvitationMail};
use crate::service::{time, Config};
use crate::store::campaigns::{self as store, CampaignRow, RecipientRow};
use crate::store::db::new_uuid;
use crate::store::Tx;

/// The placeholder token the shared bodies of a batch are rendered with, then marked
/// ([`crate::domain::outbox::mark_secret`]): every message's own token is sealed in its row.
const PLACEHOLDER_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// The bodies of a campaign's invitation email, `join` or not, reminder or not, in the recipient's
/// language (`None`: the brand default), with the link's token marked for sealing.
async fn bodies(
    conn: &mut crate::store::Conn,
    config: &Config,
    c: &CampaignRow,
    join: bool,
    reminder: bool,
    locale: Option<crate::i18n::Locale>,
) -> Result<crate::service::mail::Rendered, Error> {
    let names = |g: Vec<store::GrantRow>| g.into_iter().map(|g| g.name).collect::<Vec<_>>();
    let brand = crate::service::brands::mail_brand(&mut *conn, config).await?;
    let mail = InvitationMail {
        locale: locale.unwrap_or(brand.language),
        brand,
        inviter: c.created_by_username.clone(),
        roles: names(store::roles(&mut *conn, &c.pk).await?),
        groups: names(store::groups(&mut *conn, &c.pk).await?),
        expires: c.expires,
        now: time::now(),
        link: invitation_link(&config.public_url, &c.flow_slug, PLACEHOLDER_TOKEN),
    };
    let mut m = crate::service::mail::render_campaign_invitation(
        &mail,
        &CampaignWords {
            subject: &c.email_subject,
            message: &c.email_message,
            join,
            reminder,
        },
    )?;
    m.text = crate::domain::outbox::mark_secret(&m.text, PLACEHOLDER_TOKEN);
    m.html = crate::domain::outbox::mark_secret(&m.html, PLACEHOLDER_TOKEN);
    Ok(m)
}

/// A message to queue for one recipient's invitation.
pub(super) struct Mailing {
    pub(super) invitation_pk: String,
    pub(super) email: String,
    pub(super) token: String,
    pub(super) digest: String,
    pub(super) join: bool,
    /// The recipient's language, if their invitation names one.
    pub(super) locale: Option<crate::i18n::Locale>,
}

/// Queues the invitation email (or a reminder) for each of `sends` in `tx`, in batches sharing their
/// bodies (one per kind, join or not, and language).
pub(super) async fn queue(
    tx: &mut Tx,
    config: &Config,
    c: &CampaignRow,
    sends: &[Mailing],
    reminder: bool,
    now: i64,
) -> Result<(), Error> {
    let mut kinds: Vec<(bool, Option<crate::i18n::Locale>)> =
        sends.iter().map(|s| (s.join, s.locale)).collect();
    kinds.sort_by_key(|(join, locale)| (*join, locale.map(crate::i18n::Locale::code)));
    kinds.dedup();
    for (join, locale) in kinds {
        let batch: Vec<&Mailing> = sends
            .iter()
            .filter(|s| s.join == join && s.locale == locale)
            .collect();
        let m = bodies(&mut *tx, config, c, join, reminder, locale).await?;
        let rows: Vec<store::NewMessage> = batch
            .iter()
            .map(|s| {
                let pk = new_uuid();
                store::NewMessage {
                    secret_sealed: crate::service::outbox::seal_secret(
                        &config.secret_key,
                        &pk,
                        &s.token,
                    ),
                    pk,
                    invitation_pk: s.invitation_pk.clone(),
                    itoken: s.digest.clone(),
                    to_addrs: serde_json::json!([s.email]).to_string(),
                }
            })
            .collect();
        store::insert_messages(
            tx,
            &store::SharedBodies {
                subject: &m.subject,
                text: &m.text,
                html: &m.html,
            },
            now,
            &rows,
        )
        .await?;
    }
    Ok(())
}

/// The invitation token of recipient `r`, opened from its sealed copy.
pub(super) fn send_of(config: &Config, r: &RecipientRow) -> Option<Mailing> {
    let invitation_pk = r.invitation_pk.clone()?;
    let token = crate::service::invitations::open_token(
        &config.secret_key,
        &invitation_pk,
        r.token_sealed.as_deref(),
    )?;
    Some(Mailing {
        invitation_pk,
        email: r.email.clone(),
        token,
        digest: r.token.clone()?,
        join: r.existing_user_pk.is_some(),
        locale: r
            .locale
            .as_deref()
            .and_then(|l| crate::i18n::Locale::parse(l).ok()),
    })
}
