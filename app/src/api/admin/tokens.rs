//! System → Tokens: API tokens. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
#[cfg(feature = "ssr")]
use crate::domain::token::{parse_expiry, TokenDraft};
use crate::error::AppError;
use crate::model::{ApiTokenView, NewToken, TokenForm};
#[cfg(feature = "ssr")]
use crate::service::{time, tokens};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Directory → Tokens: every API token (never a secret).
#[server(input = Json, endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<Vec<ApiTokenView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let now = time::now();
            Ok(tokens::list(&st.db)
                .await?
                .into_iter()
                .map(|t| token_view(t, now))
                .collect())
        }
        .await,
    )
}

/// Creates an API token; the answer carries its secret, shown once.
#[server(input = Json, endpoint = "admin/tokens/create")]
pub async fn create_token(form: TokenForm) -> Result<NewToken, AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            let draft = TokenDraft {
                expires: parse_expiry(&form.expires)
                    .map_err(|e| AppError::field("expires", e.worded(crate::i18n::wording())))?,
                username: form.username,
                identifier: form.identifier,
                description: form.description,
            };
            let created = tokens::create(&st.db, &who(&me).await, &draft).await?;
            Ok(NewToken {
                token: token_view(created.token, time::now()),
                secret: created.secret,
            })
        }
        .await,
    )
}

/// Revokes an API token at once.
#[server(input = Json, endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            tokens::revoke(&st.db, &who(&me).await, &pk)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// A token's row in Directory → Tokens at `now` (UTC Unix seconds): created as an absolute UTC time,
/// expiry relative and absolute ("never" without one).
#[cfg(feature = "ssr")]
fn token_view(t: tokens::Token, now: i64) -> ApiTokenView {
    ApiTokenView {
        pk: t.pk,
        identifier: t.identifier,
        username: t.username,
        superuser: t.superuser,
        key_prefix: t.key_prefix,
        description: t.description,
        created_display: crate::domain::time::format_absolute(t.created),
        created_at: t.created,
        expires_display: crate::i18n::wording().expiry_utc(t.expires, now),
        expires_at: t.expires,
        status: t.status,
    }
}
