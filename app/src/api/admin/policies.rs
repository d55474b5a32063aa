//! Policies: expression policies and their bindings. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
#[cfg(feature = "ssr")]
use crate::domain::policy::PolicyDraft;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::PolicyBindingView;
use crate::model::{PolicyForm, PolicyView};
#[cfg(feature = "ssr")]
use crate::service::policies;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Flows & Stages → Policies: every expression policy with its bindings.
#[server(input = Json, endpoint = "admin/policies/list")]
pub async fn list_policies() -> Result<Vec<PolicyView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            Ok(policies::list(&st.db)
                .await?
                .into_iter()
                .map(PolicyView::from)
                .collect())
        }
        .await,
    )
}

/// Creates an expression policy; a broken expression is refused.
#[server(input = Json, endpoint = "admin/policies/create")]
pub async fn create_policy(form: PolicyForm) -> Result<PolicyView, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let draft = PolicyDraft::new(&form.name, &form.expression, &form.message);
            policies::create(&st.db, &draft)
                .await
                .map(PolicyView::from)
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Deletes a policy and its bindings.
#[server(input = Json, endpoint = "admin/policies/delete")]
pub async fn delete_policy(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::delete(&st.db, &pk).await.map_err(AppError::from)
        }
        .await,
    )
}

/// Binds a policy to a flow, or to one of the flow's stages (`stage` empty for the flow).
#[server(input = Json, endpoint = "admin/policies/bind")]
pub async fn bind_policy(pk: String, flow: String, stage: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::bind(&st.db, &pk, &flow, Some(&stage))
                .await
                .map_err(AppError::from)
        }
        .await,
    )
}

/// Removes a policy binding.
#[server(input = Json, endpoint = "admin/policies/unbind")]
pub async fn unbind_policy(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            policies::unbind(&st.db, &pk).await.map_err(AppError::from)
        }
        .await,
    )
}

/// The screen's policy, with its bindings.
#[cfg(feature = "ssr")]
impl From<policies::Policy> for PolicyView {
    fn from(p: policies::Policy) -> Self {
        Self {
            pk: p.pk,
            name: p.name,
            expression: p.expression,
            message: p.message,
            bindings: p
                .bindings
                .into_iter()
                .map(|b| PolicyBindingView {
                    pk: b.pk,
                    flow_slug: b.flow_slug,
                    stage: b.stage,
                })
                .collect(),
        }
    }
}
