//! Flows: the overview, open enrollment, blueprint import and export. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
#[cfg(feature = "ssr")]
use crate::domain::flow::StageKind;
use crate::error::AppError;
use crate::model::{ApplyReport, FlowEntryView};
#[cfg(feature = "ssr")]
use crate::model::{FlowOption, StageView};
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
            Ok(flow_entries(blueprints::list_flows(&st.db).await?))
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
            flows::set_open_enrollment(&st.db, &slug, open)
                .await
                .map_err(AppError::from)
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
                (&who(&me).await, me.pk),
                if confirm_builtin == Some(true) {
                    blueprints::BuiltinChanges::Confirmed
                } else {
                    blueprints::BuiltinChanges::Refuse
                },
            )
            .await
            .map(ApplyReport::from)
            .map_err(AppError::from)
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
            blueprints::export(&st.db, &slug)
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Flows & Stages → Flows' rows: each flow with whether it binds an invitation stage, whether it runs
/// open enrollment, and its stages in order with their settings as YAML.
#[cfg(feature = "ssr")]
pub fn flow_entries(flows: Vec<flows::StoredFlow>) -> Vec<FlowEntryView> {
    flows
        .into_iter()
        .map(|f| FlowEntryView {
            has_invitation_stage: f
                .def
                .stages
                .iter()
                .any(|s| matches!(s.kind, StageKind::Invitation { .. })),
            open_enrollment: f.def.open_enrollment,
            stages: f
                .def
                .stages
                .iter()
                .map(|s| StageView {
                    name: s.name.clone(),
                    kind: s.kind.name().to_owned(),
                    settings: yaml_serde::to_string(&s.kind)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                })
                .collect(),
            pk: f.pk,
            slug: f.def.slug,
            name: f.def.name,
            title: f.def.title,
            designation: f.def.designation.as_str().to_owned(),
        })
        .collect()
}

/// The invitation form's flow selector: the enrollment flows as the service lists them.
#[cfg(feature = "ssr")]
pub(crate) fn flow_options(flows: Vec<flows::EnrollmentFlow>) -> Vec<FlowOption> {
    flows
        .into_iter()
        .map(|f| FlowOption {
            pk: f.pk,
            slug: f.slug,
            name: f.name,
            has_invitation_stage: f.has_invitation_stage,
            has_email_stage: f.has_email_stage,
        })
        .collect()
}

/// The screen's account of an import.
#[cfg(feature = "ssr")]
impl From<blueprints::ApplyReport> for ApplyReport {
    fn from(r: blueprints::ApplyReport) -> Self {
        Self {
            name: r.name,
            created: r.created,
            updated: r.updated,
            flows: r.flows,
        }
    }
}
