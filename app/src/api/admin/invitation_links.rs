//! Named links of public invitations (issue 15 item 6): list, add, regenerate, delete. Every function
//! requires a signed-in superuser first (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::service::invitations::{self, NamedLink};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A named link as the expanded row of its invitation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLinkView {
    /// UUID.
    pub pk: String,
    /// The invitation's pk.
    pub invitation_pk: String,
    /// Its name.
    pub name: String,
    /// The full link; empty when its token was sealed under another `USHER_SECRET_KEY` (regenerate it).
    pub url: String,
    /// Its share (`None`: no share of its own, the invitation's quota applies).
    pub quota: Option<i64>,
    /// Uses through it.
    pub uses: i64,
    /// Landing pages shown for it.
    pub view_count: i64,
    /// The last view, formatted (`YYYY-MM-DD HH:MM UTC`); empty when never opened.
    pub last_viewed: String,
    /// The last view, UTC Unix seconds; `None` when never opened.
    pub last_viewed_at: Option<i64>,
}

#[cfg(feature = "ssr")]
fn link_view(l: NamedLink) -> InvitationLinkView {
    InvitationLinkView {
        pk: l.pk,
        invitation_pk: l.invitation_pk,
        name: l.name,
        url: l.url.unwrap_or_default(),
        quota: l.quota,
        uses: l.uses,
        view_count: l.view_count,
        last_viewed: l
            .last_viewed
            .map(crate::domain::time::format_absolute)
            .unwrap_or_default(),
        last_viewed_at: l.last_viewed,
    }
}

/// The named links of invitation `pk`, oldest first.
#[server(input = Json, endpoint = "admin/invitations/links/list")]
pub async fn list_invitation_links(pk: String) -> Result<Vec<InvitationLinkView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(invitations::links(&st.db, &st.config, &pk)
                .await?
                .into_iter()
                .map(link_view)
                .collect())
        }
        .await,
    )
}

/// Adds a named link to public invitation `pk`: `name` (a slug, unique per invitation) and `quota`,
/// its share as typed (empty: none of its own). Returns the new link.
#[server(input = Json, endpoint = "admin/invitations/links/create")]
pub async fn create_invitation_link(
    pk: String,
    name: String,
    quota: String,
) -> Result<InvitationLinkView, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let quota = crate::domain::invitation_link::parse_share(&quota).map_err(|e| {
                crate::service::error::Error::field(
                    e.field(),
                    crate::service::error::Problem::InvitationLink(e),
                )
            })?;
            let link =
                invitations::create_link(&st.db, &st.config, &who(&user).await, &pk, &name, quota)
                    .await?;
            Ok(link_view(link))
        }
        .await,
    )
}

/// Gives named link `link` of invitation `pk` a new token; the old link stops working.
#[server(input = Json, endpoint = "admin/invitations/links/regenerate")]
pub async fn regenerate_invitation_link(pk: String, link: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            invitations::regenerate_link(
                &st.db,
                &st.config.secret_key,
                &who(&user).await,
                &pk,
                &link,
            )
            .await
            .map_err(AppError::from)
        }
        .await,
    )
}

/// Deletes named link `link` of invitation `pk`; its link stops working.
#[server(input = Json, endpoint = "admin/invitations/links/delete")]
pub async fn delete_invitation_link(pk: String, link: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            invitations::delete_link(&st.db, &who(&user).await, &pk, &link)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}
