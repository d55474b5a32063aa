//! Flows: the overview, open enrollment, blueprint import and export. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::{ApplyReport, FlowEntryView};
#[cfg(feature = "ssr")]
use crate::service::{blueprints, flows};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Flows & Stages → Flows: every flow with its stage bindings in order.
#[server(input = Json, endpoint = "admin/flows/overview")]
pub async fn list_flow_rows() -> Result<Vec<FlowEntryView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            blueprints::list_flows(&st.db).await
        }
        .await,
    )
}

/// Flows & Stages → Flows: turns open enrollment on (visitors without an invitation may enroll) or off.
#[server(input = Json, endpoint = "admin/flows/open_enrollment")]
pub async fn set_open_enrollment(slug: String, open: bool) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            flows::set_open_enrollment(&st.db, &slug, open).await
        }
        .await,
    )
}

/// Imports an authentik blueprint (YAML text): all of it in one transaction, or nothing with an error
/// naming the entry and path. One that would change a built-in flow or stage is refused on
/// `confirm_builtin` (naming them) unless `confirm_builtin` is true.
#[server(input = Json, endpoint = "admin/flows/import")]
pub async fn import_blueprint(
    yaml: String,
    confirm_builtin: Option<bool>,
) -> Result<ApplyReport, AppError> {
    respond(
        async {
            let (st, me) = admin().await?;
            blueprints::apply(
                &st.db,
                &st.config.secret_key,
                &yaml,
                &Default::default(),
                me.pk,
                if confirm_builtin == Some(true) {
                    blueprints::BuiltinChanges::Confirmed
                } else {
                    blueprints::BuiltinChanges::Refuse
                },
            )
            .await
        }
        .await,
    )
}

/// A flow as an authentik blueprint (YAML text).
#[server(input = Json, endpoint = "admin/flows/export")]
pub async fn export_flow(slug: String) -> Result<String, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            blueprints::export(&st.db, &slug).await
        }
        .await,
    )
}
