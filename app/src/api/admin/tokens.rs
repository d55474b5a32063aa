//! System → Tokens: API tokens. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::{ApiTokenView, NewToken, TokenForm};
#[cfg(feature = "ssr")]
use crate::service::tokens;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Directory → Tokens: every API token (never a secret).
#[server(input = Json, endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<Vec<ApiTokenView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            tokens::list(&st.db).await
        }
        .await,
    )
}

/// Creates an API token; the answer carries its secret, shown once.
#[server(input = Json, endpoint = "admin/tokens/create")]
pub async fn create_token(form: TokenForm) -> Result<NewToken, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            tokens::create(&st.db, &form).await
        }
        .await,
    )
}

/// Revokes an API token at once.
#[server(input = Json, endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            tokens::revoke(&st.db, &pk).await
        }
        .await,
    )
}
