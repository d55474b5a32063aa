//! Flows & Stages → Policies: expression policies (CEL) and where they are bound.

use super::table::ListTable;
use crate::api::admin::{
    bind_policy, create_policy, delete_policy, list_flow_rows, list_policies, unbind_policy,
};
use crate::model::{FlowEntryView, PolicyForm, PolicyView};
use crate::t;
use leptos::prelude::*;

/// The policies table, the create form and the binding controls.
#[component]
pub fn PoliciesPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let data = Resource::new(
        move || version.get(),
        |_| async {
            Ok::<_, crate::error::AppError>((list_policies().await?, list_flow_rows().await?))
        },
    );
    let (name, expression, message) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let save = Action::new(move |form: &PolicyForm| {
        let form = form.clone();
        async move {
            let r = create_policy(form).await;
            if r.is_ok() {
                name.set(String::new());
                expression.set(String::new());
                message.set(String::new());
                version.update(|v| *v += 1);
            }
            r.map(|_| ())
        }
    });
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <section class="page">
            <h1>{t!(l, "policies-title")}</h1>
            <p class="muted">{t!(l, "policies-intro-over")} " " <code>"invitation_in_effect"</code> ", " <code>"invitation.fixed_data"</code>
                " " {t!(l, "policies-intro-and")} " " <code>"prompt_data"</code> ". " {t!(l, "policies-intro-bound")} " "
                {t!(l, "policies-intro-examples")} " " <code>"invitation_in_effect"</code> ", "
                <code>"invitation != null && has(invitation.fixed_data.department) && invitation.fixed_data.department == \"Engineering\""</code> ", "
                <code>"has(prompt_data.email) && prompt_data.email.endsWith(\"@example.com\")"</code> "."</p>
            <form class="policy-form token-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(PolicyForm { name: name.get_untracked(), expression: expression.get_untracked(), message: message.get_untracked() });
            }>
                <label for="policy-name">{t!(l, "policies-name")}</label>
                <input id="policy-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                {move || crate::pages::field_error(save.value().get(), "name")}
                <label for="policy-expression">{t!(l, "policies-expression")}</label>
                <textarea id="policy-expression" class="code" rows="3" prop:value=expression on:input=move |ev| expression.set(event_target_value(&ev))></textarea>
                {move || crate::pages::field_error(save.value().get(), "expression")}
                <label for="policy-message">{t!(l, "policies-message")}</label>
                <input id="policy-message" prop:value=message on:input=move |ev| message.set(event_target_value(&ev)) />
                <button type="submit" id="policy-create">{t!(l, "policies-create")}</button>
            </form>
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <ListTable
                data=data
                class="policies"
                headers=vec![
                    t!(l, "policies-col-name"),
                    t!(l, "policies-col-expression"),
                    t!(l, "policies-col-message"),
                    t!(l, "policies-col-bound-to"),
                    String::new(),
                ]
                empty=t!(l, "policies-empty")
                is_empty={|(list, _): &(Vec<PolicyView>, Vec<FlowEntryView>)| list.is_empty()}
                body={move |(list, flows): (Vec<PolicyView>, Vec<FlowEntryView>)| view! {
                    <tbody>
                        {list.into_iter().map(|p| view! { <PolicyLine p flows=flows.clone() version notice /> }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}

#[component]
fn PolicyLine(
    p: PolicyView,
    flows: Vec<FlowEntryView>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let flow = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let flows_for_stages = flows.clone();
    let stages = move || {
        let f = flow.get();
        flows_for_stages
            .iter()
            .find(|x| x.slug == f)
            .map(|x| x.stages.iter().map(|s| s.name.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let run = move |fut: super::AdminAction| super::run_and_refresh(fut, notice, version);
    let pk = p.pk.clone();
    let pk_delete = p.pk.clone();
    view! {
        <tr data-name=p.name.clone()>
            <td>{p.name.clone()}</td>
            <td><code>{p.expression.clone()}</code></td>
            <td>{p.message.clone()}</td>
            <td>
                <ul class="bindings">
                    {p.bindings.iter().map(|b| {
                        let bpk = b.pk.clone();
                        view! {
                            <li>
                                {b.flow_slug.clone()}{b.stage.clone().map(|s| format!(" → {s}"))}
                                " " <button class="small secondary unbind" on:click=move |_| run(Box::pin(unbind_policy(bpk.clone())))>{t!(l, "policies-unbind")}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <div class="bind">
                    <select class="bind-flow" aria-label=t!(l, "policies-bind-flow") on:change=move |ev| { flow.set(event_target_value(&ev)); stage.set(String::new()); }>
                        <option value="">{t!(l, "policies-bind-flow-none")}</option>
                        {flows.iter().map(|f| view! { <option value=f.slug.clone()>{f.slug.clone()}</option> }).collect_view()}
                    </select>
                    <select class="bind-stage" aria-label=t!(l, "policies-bind-stage") on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">{t!(l, "policies-bind-whole-flow")}</option>
                        {move || stages().into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                    </select>
                    <button class="small bind-button" on:click=move |_| run(Box::pin(bind_policy(pk.clone(), flow.get_untracked(), stage.get_untracked())))>{t!(l, "policies-bind")}</button>
                </div>
            </td>
            <td><button class="small danger" on:click=move |_| run(Box::pin(delete_policy(pk_delete.clone())))>{t!(l, "policies-delete")}</button></td>
        </tr>
    }
    .into_any()
}
