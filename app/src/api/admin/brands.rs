//! System → Brands (the default application; the title, logo and accent colour). Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::BrandSettings;
#[cfg(feature = "ssr")]
use crate::service::brands;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// System → Brands: the default application for external users and the brand's look.
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

/// Saves the default application and the brand's look, all or nothing; an empty value clears its
/// setting, a look value left out (`null` or absent) keeps the saved one. Refusals name the field
/// (`default_application_url`, `branding_title`, `branding_logo`, `branding_accent`, `default_locale`).
/// `default_locale` is the language invitees are spoken to in when neither their invitation nor their
/// browser names one Usher speaks (`en`, `de`).
#[server(input = Json, endpoint = "admin/brands/save")]
pub async fn save_brand(
    default_application_url: String,
    branding_title: Option<String>,
    branding_logo: Option<String>,
    branding_accent: Option<String>,
    default_locale: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            brands::save(
                &st.db,
                brands::BrandInput {
                    default_application_url: &default_application_url,
                    title: branding_title.as_deref(),
                    logo: branding_logo.as_deref(),
                    accent: branding_accent.as_deref(),
                    default_locale: default_locale.as_deref(),
                },
            )
            .await?;
            st.site.forget().await;
            Ok(())
        }
        .await,
    )
}

/// The screen's values: `None` shown as empty.
#[cfg(feature = "ssr")]
impl From<brands::BrandsView> for BrandSettings {
    fn from(d: brands::BrandsView) -> Self {
        Self {
            default_application_url: d.saved.unwrap_or_default(),
            from_environment: d.from_environment.unwrap_or_default(),
            branding_title: d.look.title.unwrap_or_default(),
            title_default: d.title_default,
            branding_logo: d.look.logo.unwrap_or_default(),
            branding_accent: d.look.accent.map(|a| a.hex()).unwrap_or_default(),
            default_locale: d.locale.map(|l| l.code().to_owned()).unwrap_or_default(),
            locale_default: d.locale_default.code().to_owned(),
        }
    }
}
