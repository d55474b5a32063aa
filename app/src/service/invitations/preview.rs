//! The invitation editor's preview (issue 15 item 7): the invitation email of an unsaved draft,
//! rendered by [`crate::service::mail::render_invitation`] exactly as sending would render it, with a
//! placeholder in place of the link's token (a draft has none yet, and a saved one's is not shown).

use super::write::DEFAULT_FLOW_SLUG;
use crate::domain::invitation::invitation_link;
use crate::service::directory::{self, Kind};
use crate::service::error::Error;
use crate::service::mail::{render_invitation, InvitationMail, Rendered};
use crate::service::{flows, Config, Db};

/// The token a preview's link carries instead of a real one: it is no token (the landing page answers
/// "Invalid invite/invite not found"), and it says so to whoever reads the preview.
pub const PREVIEW_TOKEN: &str = "PREVIEW-the-real-link-is-made-when-the-invitation-is-sent";

/// What the invitation email of a draft says, as the editor holds it (unsaved).
#[derive(Debug, Clone, Copy)]
pub struct MailDraft<'a> {
    /// Who invites, as invitees are told (the creator's display name, else username).
    pub inviter: &'a str,
    /// The flow's pk; empty (or unknown) previews the link of `default-enrollment-flow`.
    pub flow_pk: &'a str,
    /// Role pks (or names) granted; unknown ones are shown as given.
    pub roles: &'a [String],
    /// Group pks (or names) granted; unknown ones are shown as given.
    pub groups: &'a [String],
    /// Expiry, UTC Unix seconds; `None` never.
    pub expires: Option<i64>,
    /// The invitation's language; `None` previews the brand default.
    pub locale: Option<crate::i18n::Locale>,
}

/// The invitation email of `draft` at `now` (UTC Unix seconds), rendered as sending renders it, and its
/// link `{public_url}/if/flow/{slug}/?itoken=`[`PREVIEW_TOKEN`]. Changes nothing.
///
/// # Errors
/// [`Error::Internal`] when a template fails to render; database errors.
pub async fn preview_mail(
    db: &Db,
    config: &Config,
    draft: MailDraft<'_>,
    now: i64,
) -> Result<(Rendered, String), Error> {
    let slug = match draft.flow_pk.trim() {
        "" => None,
        pk => flows::summary_by_pk(db, pk).await?.map(|f| f.flow.slug),
    }
    .unwrap_or_else(|| DEFAULT_FLOW_SLUG.to_owned());
    let names = |kind, given: &[String]| {
        let given = given.to_vec();
        async move {
            let all = directory::list(db, kind).await?;
            let mut names: Vec<String> = given
                .iter()
                .map(|g| {
                    all.iter()
                        .find(|e| e.pk == *g || e.name == *g)
                        .map_or_else(|| g.clone(), |e| e.name.clone())
                })
                .collect();
            names.sort();
            names.dedup();
            Ok::<_, Error>(names)
        }
    };
    let link = invitation_link(&config.public_url, &slug, PREVIEW_TOKEN);
    let brand = crate::service::brands::mail_brand(&db.pool, config).await?;
    let mail = InvitationMail {
        locale: draft.locale.unwrap_or(brand.language),
        brand,
        inviter: draft.inviter.to_owned(),
        roles: names(Kind::Role, draft.roles).await?,
        groups: names(Kind::Group, draft.groups).await?,
        expires: draft.expires,
        now,
        link: link.clone(),
    };
    Ok((render_invitation(&mail)?, link))
}
