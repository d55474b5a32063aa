//! `/if/flow/{slug}/?itoken=…`: the invitee's landing and the flow's prompt stage.

use crate::api::flow::{get_flow_landing, Enroll};
use crate::error::AppError;
use crate::model::FlowView;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The flow page: the invitation's summary and its prompt form, or the invalid-invitation page.
#[component]
pub fn FlowPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let itoken = move || query.read().get("itoken");
    let landing = Resource::new(move || (slug(), itoken()), |(s, t)| get_flow_landing(s, t));
    view! {
        <main class="card narrow flow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match landing.await {
                        Ok(v) => view! { <EnrollForm view=v itoken=itoken().unwrap_or_default() /> }.into_any(),
                        Err(e) => view! { <InvalidInvite error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// "Invalid invite/invite not found", with the reason where it is safe to tell.
#[component]
pub fn InvalidInvite(error: AppError) -> impl IntoView {
    let reason = match &error {
        AppError::InvalidInvitation { reason, .. } => reason.clone(),
        AppError::Validation(_) => None,
        other => Some(other.to_string()),
    };
    view! {
        <section class="invalid-invite">
            <h1>"Invalid invite/invite not found"</h1>
            {reason.map(|r| view! { <p class="reason">{r}</p> })}
            <p>"Ask the person who invited you for a new link."</p>
        </section>
    }
}

#[component]
fn EnrollForm(view: FlowView, itoken: String) -> impl IntoView {
    let action = ServerAction::<Enroll>::new();
    let result = action.value();
    let FlowView { slug, title, invited_by, roles, groups, user_type, expires_display, fields } = view;
    let invalid = move || match result.get() {
        Some(Err(e @ AppError::InvalidInvitation { .. })) => Some(e),
        _ => None,
    };
    let grants = {
        let mut g: Vec<String> = Vec::new();
        if !roles.is_empty() {
            g.push(format!("roles: {}", roles.join(", ")));
        }
        if !groups.is_empty() {
            g.push(format!("groups: {}", groups.join(", ")));
        }
        g.push(format!("an {user_type} account"));
        g.join("; ")
    };
    let fields_view = fields
        .into_iter()
        .map(|(f, value)| {
            let id = format!("field-{}", f.field_key);
            let for_id = id.clone();
            let key = f.field_key.clone();
            view! {
                <label for=for_id>{f.label.clone()}</label>
                <input
                    id=id
                    name=format!("fields[{}]", f.field_key)
                    type=f.input_type()
                    value=value.unwrap_or_default()
                    placeholder=f.placeholder.clone()
                    required=f.required
                    autocomplete=if f.field_type == "password" { "new-password" } else { "on" }
                />
                {move || super::field_error(result.get(), &key)}
            }
        })
        .collect_view();
    view! {
        <Show
            when=move || invalid().is_none()
            fallback=move || view! { <InvalidInvite error=invalid().unwrap_or(AppError::Internal) /> }
        >
            <h1>{title.clone()}</h1>
            <div class="invitation-summary">
                {(!invited_by.is_empty()).then(|| view! { <p>"Invited by " <strong>{invited_by.clone()}</strong></p> })}
                <p>"You will get " {grants.clone()} "."</p>
                <p class="muted">"Invitation expires: " {expires_display.clone()}</p>
            </div>
        </Show>
        <div class:hidden=move || invalid().is_some()>
            <ActionForm action=action>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="itoken" value=itoken.clone() />
                {fields_view}
                {move || match result.get() {
                    Some(Err(AppError::Validation(_))) | Some(Err(AppError::InvalidInvitation { .. })) | None | Some(Ok(_)) => None,
                    Some(Err(e)) => Some(view! { <super::ErrorNotice error=e /> }),
                }}
                <button type="submit">"Create account"</button>
            </ActionForm>
        </div>
    }
}
