//! System → Brands. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::BrandSettings;
#[cfg(feature = "ssr")]
use crate::service::brands;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// System → Brands: the default application for external users.
#[server(input = Json, endpoint = "admin/brands/get")]
pub async fn get_brand() -> Result<BrandSettings, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            brands::settings(&st.db, &st.config)
                .await
                .map(BrandSettings::from)
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Saves the default application (empty clears it).
#[server(input = Json, endpoint = "admin/brands/save")]
pub async fn save_brand(default_application_url: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            brands::save(&st.db, &default_application_url).await?;
            st.form_targets.forget().await;
            Ok(())
        }
        .await,
    )
}

/// The screen's values: `None` shown as empty.
#[cfg(feature = "ssr")]
impl From<brands::DefaultApplication> for BrandSettings {
    fn from(d: brands::DefaultApplication) -> Self {
        Self {
            default_application_url: d.saved.unwrap_or_default(),
            from_environment: d.from_environment.unwrap_or_default(),
        }
    }
}
