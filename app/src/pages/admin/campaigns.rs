//! Directory → Campaigns (issue 15): the campaigns with their recipients counted by state, the editor
//! of a campaign's definition, and a campaign's page: import (pasted addresses or a CSV file, a dry run
//! first, nothing written until confirmed), resend to those who have not joined, revoke one or all.

use super::table::ListTable;
use crate::api::admin::campaigns::{
    campaign_dry_run, campaign_editor_form, campaign_import, campaign_resend, campaign_revoke,
    campaign_revoke_all, delete_campaign, get_campaign, list_campaigns, save_campaign,
};
use crate::api::admin::{list_flows, list_groups, list_roles};
use crate::domain::campaign::{
    CampaignForm, CampaignPage, CampaignView, ImportSource, ImportView, RecipientState,
    RecipientView,
};
use crate::i18n::Locale;
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

/// The counts of a campaign, one cell per state.
fn count_cells(c: &CampaignView) -> impl IntoView {
    RecipientState::ALL
        .iter()
        .map(|s| {
            view! { <td class="count" data-state=s.key()>{c.count(*s)}</td> }
        })
        .collect_view()
}

/// A recipient's state in the page's language (`queued`, `delivery failed`, … in English).
fn state_label(l: Locale, s: RecipientState) -> String {
    match s {
        RecipientState::Queued => t!(l, "camp-state-queued"),
        RecipientState::Sent => t!(l, "camp-state-sent"),
        RecipientState::DeliveryFailed => t!(l, "camp-state-delivery-failed"),
        RecipientState::Viewed => t!(l, "camp-state-viewed"),
        RecipientState::Joined => t!(l, "camp-state-joined"),
        RecipientState::Expired => t!(l, "camp-state-expired"),
        RecipientState::Revoked => t!(l, "camp-state-revoked"),
    }
}

/// `/admin/campaigns`: the campaigns and the editor of a new one.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let list = Resource::new(move || version.get(), |_| list_campaigns());
    let creating = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let headers = vec![
        t!(l, "camp-col-name"),
        t!(l, "camp-col-recipients"),
        t!(l, "camp-col-queued"),
        t!(l, "camp-col-sent"),
        t!(l, "camp-col-delivery-failed"),
        t!(l, "camp-col-viewed"),
        t!(l, "camp-col-joined"),
        t!(l, "camp-col-expired"),
        t!(l, "camp-col-revoked"),
        t!(l, "camp-col-expires"),
        t!(l, "camp-col-created"),
    ];
    view! {
        <section class="page">
            <h1>{t!(l, "camp-title")}</h1>
            <p class="muted">{t!(l, "camp-intro")}</p>
            <p>
                <button type="button" id="campaign-new" aria-expanded=move || creating.get().to_string() on:click=move |_| creating.update(|c| *c = !*c)>
                    {move || if creating.get() { t!(l, "camp-close") } else { t!(l, "camp-new") }}
                </button>
            </p>
            {move || creating.get().then(|| view! {
                <CampaignEditor pk=None on_saved=Callback::new({
                    let navigate = navigate.clone();
                    move |pk: String| {
                    navigate(&format!("/admin/campaigns/{pk}"), Default::default());
                    creating.set(false);
                    version.update(|v| *v += 1);
                }}) />
            })}
            <ListTable
                data=list
                class="campaigns"
                headers=headers
                empty=t!(l, "camp-empty")
                is_empty={|l: &Vec<CampaignView>| l.is_empty()}
                body={move |l: Vec<CampaignView>| view! {
                    <tbody>
                        {l.into_iter().map(|c| view! {
                            <tr data-name=c.name.clone()>
                                <td><a href=format!("/admin/campaigns/{}", c.pk)>{c.name.clone()}</a></td>
                                <td class="count" data-state="total">{c.total}</td>
                                {count_cells(&c)}
                                <td><super::local_time::LocalWhen at=c.expires display=c.expires_text.clone() /></td>
                                <td><super::local_time::LocalTime at=c.created utc=c.created_text.clone() /></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}

/// The editor of a campaign's definition: a new one (`pk` `None`) or campaign `pk`'s.
#[component]
fn CampaignEditor(pk: Option<String>, on_saved: Callback<String>) -> impl IntoView {
    let l = crate::pages::page_locale();
    let form = Resource::new(
        {
            let pk = pk.clone();
            move || pk.clone()
        },
        campaign_editor_form,
    );
    let flows = Resource::new(|| (), |_| list_flows());
    let roles = Resource::new(|| (), |_| list_roles());
    let groups = Resource::new(|| (), |_| list_groups());
    let save = Action::new({
        let pk = pk.clone();
        move |f: &CampaignForm| save_campaign(pk.clone(), f.clone())
    });
    // Told once the action has settled: `on_saved` may navigate away or close the editor, which
    // disposes this action, so it must not run inside the action's own future.
    Effect::new(move |_| {
        if let Some(Ok(pk)) = save.value().get() {
            on_saved.run(pk);
        }
    });
    view! {
        <Suspense fallback=move || view! { <p>{t!(l, "camp-loading")}</p> }>
            {move || form.get().and_then(Result::ok).map(|f: CampaignForm| {
                let f = RwSignal::new(f);
                let text = move |id: &'static str, label: String, field: fn(&mut CampaignForm) -> &mut String, placeholder: &'static str| {
                    view! {
                        <label for=id>{label}</label>
                        <input id=id placeholder=placeholder
                            prop:value=move || f.with(|f| field(&mut f.clone()).clone())
                            on:input=move |ev| f.update(|f| *field(f) = event_target_value(&ev)) />
                        {move || crate::pages::field_error(save.value().get(), &id["campaign-".len()..])}
                    }
                };
                view! {
                    <form class="campaign-form" on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch(f.get_untracked());
                    }>
                        {text("campaign-name", t!(l, "camp-field-name"), |f| &mut f.name, "spring-cohort")}
                        {text("campaign-description", t!(l, "camp-field-description"), |f| &mut f.description, "")}
                        <label for="campaign-flow">{t!(l, "camp-field-flow")}</label>
                        <select id="campaign-flow" on:change=move |ev| f.update(|f| f.flow = event_target_value(&ev))>
                            <option value="" selected=move || f.with(|f| f.flow.is_empty())>"default-enrollment-flow"</option>
                            {move || flows.get().and_then(Result::ok).map(|fl| fl.into_iter().map(|o| {
                                let pk = o.pk.clone();
                                view! { <option value=o.pk.clone() selected=move || f.with(|f| f.flow == pk)>{o.slug.clone()}</option> }
                            }).collect_view())}
                        </select>
                        {move || crate::pages::field_error(save.value().get(), "flow")}
                        {text("campaign-expires", t!(l, "camp-field-expires"), |f| &mut f.expires, "2027-01-31T17:00")}
                        {text("campaign-not_before", t!(l, "camp-field-not-before"), |f| &mut f.not_before, "")}
                        {text("campaign-reminder_days", t!(l, "camp-field-reminder-days"), |f| &mut f.reminder_days, "7, 1")}
                        <label class="check" for="campaign-digest">
                            <input id="campaign-digest" type="checkbox" prop:checked=move || f.with(|f| f.digest)
                                on:change=move |ev| f.update(|f| f.digest = event_target_checked(&ev)) />
                            {t!(l, "camp-field-digest")}
                        </label>
                        {text("campaign-email_subject", t!(l, "camp-field-email-subject"), |f| &mut f.email_subject, "")}
                        <label for="campaign-email_message">{t!(l, "camp-field-email-message")}</label>
                        <textarea id="campaign-email_message" rows="3"
                            prop:value=move || f.with(|f| f.email_message.clone())
                            on:input=move |ev| f.update(|f| f.email_message = event_target_value(&ev))></textarea>
                        {move || crate::pages::field_error(save.value().get(), "email_message")}
                        <label for="campaign-fixed_data">{t!(l, "camp-field-fixed-data")}</label>
                        <textarea id="campaign-fixed_data" rows="3"
                            prop:value=move || f.with(|f| f.fixed_data.clone())
                            on:input=move |ev| f.update(|f| f.fixed_data = event_target_value(&ev))></textarea>
                        {move || crate::pages::field_error(save.value().get(), "fixed_data")}
                        <fieldset>
                            <legend>{t!(l, "camp-field-roles")}</legend>
                            {move || roles.get().and_then(Result::ok).map(|l| l.into_iter().map(|r| {
                                let (p1, p2) = (r.pk.clone(), r.pk.clone());
                                let (id, label_for) = (format!("campaign-role-{}", r.name), format!("campaign-role-{}", r.name));
                                view! {
                                    <label class="check" for=label_for>
                                        <input id=id type="checkbox" prop:checked=move || f.with(|f| f.roles.contains(&p1))
                                            on:change=move |ev| { let on = event_target_checked(&ev); f.update(|f| { f.roles.retain(|x| x != &p2); if on { f.roles.push(p2.clone()); } }); } />
                                        {r.name.clone()}
                                    </label>
                                }
                            }).collect_view())}
                        </fieldset>
                        <fieldset>
                            <legend>{t!(l, "camp-field-groups")}</legend>
                            {move || groups.get().and_then(Result::ok).map(|l| l.into_iter().map(|g| {
                                let (p1, p2) = (g.pk.clone(), g.pk.clone());
                                let (id, label_for) = (format!("campaign-group-{}", g.name), format!("campaign-group-{}", g.name));
                                view! {
                                    <label class="check" for=label_for>
                                        <input id=id type="checkbox" prop:checked=move || f.with(|f| f.groups.contains(&p1))
                                            on:change=move |ev| { let on = event_target_checked(&ev); f.update(|f| { f.groups.retain(|x| x != &p2); if on { f.groups.push(p2.clone()); } }); } />
                                        {g.name.clone()}
                                    </label>
                                }
                            }).collect_view())}
                        </fieldset>
                        {move || crate::pages::field_error(save.value().get(), "roles")}
                        {move || crate::pages::field_error(save.value().get(), "groups")}
                        <button type="submit" id="campaign-save">{t!(l, "camp-save")}</button>
                        {move || match save.value().get() {
                            Some(Err(e)) if !matches!(e, crate::error::AppError::Validation(_)) => {
                                Some(view! { <crate::pages::ErrorNotice error=e /> }.into_any())
                            }
                            _ => None,
                        }}
                    </form>
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// `/admin/campaigns/:pk`: one campaign, its import, its recipients.
#[component]
pub fn CampaignDetailPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let params = use_params_map();
    let key = move || params.with(|p| p.get("pk").unwrap_or_default());
    let version = RwSignal::new(0u32);
    let page = Resource::new(move || (key(), version.get()), |(k, _)| get_campaign(k));
    let editing = RwSignal::new(false);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    // The last import's summary, kept outside the part that reloads with the recipients.
    let imported: RwSignal<Option<String>> = RwSignal::new(None);
    let confirming_all = RwSignal::new(false);
    let confirming_delete = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let resend = Action::new(move |pk: &String| {
        let pk = pk.clone();
        async move {
            let r = campaign_resend(pk).await;
            version.update(|v| *v += 1);
            r
        }
    });
    let revoke_all = Action::new(move |pk: &String| {
        let pk = pk.clone();
        async move {
            let r = campaign_revoke_all(pk).await;
            confirming_all.set(false);
            version.update(|v| *v += 1);
            r
        }
    });
    view! {
        <section class="page campaign">
            <p><a href="/admin/campaigns">{t!(l, "camp-back")}</a></p>
            {move || imported.get().map(|m| view! { <p role="status" id="campaign-imported">{m}</p> })}
            <Transition fallback=move || view! { <p>{t!(l, "camp-loading")}</p> }>
                {move || { let navigate = navigate.clone(); Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                        Ok(p) => {
                            let c = p.campaign.clone();
                            let pk = c.pk.clone();
                            let (pk1, pk2, pk3, pk4, pk5) = (pk.clone(), pk.clone(), pk.clone(), pk.clone(), pk.clone());
                            view! {
                                <h1>{t!(l, "camp-heading", name = c.name.clone())}</h1>
                                <p class="muted">{c.description.clone()}</p>
                                <dl class="campaign-summary">
                                    <dt>{t!(l, "camp-summary-flow")}</dt><dd>{c.flow_slug.clone()}</dd>
                                    <dt>{t!(l, "camp-summary-expires")}</dt><dd><super::local_time::LocalWhen at=c.expires display=c.expires_text.clone() /></dd>
                                    {(!c.not_before_text.is_empty()).then(|| view! { <dt>{t!(l, "camp-summary-opens")}</dt><dd>{c.not_before.map(|at| view! { <super::local_time::LocalTime at utc=c.not_before_text.clone() /> })}</dd> })}
                                    <dt>{t!(l, "camp-summary-grants")}</dt>
                                    <dd>{
                                        let grants = c.roles.iter().map(|(_, n)| t!(l, "camp-grant-role", name = n.clone())).chain(c.groups.iter().map(|(_, n)| t!(l, "camp-grant-group", name = n.clone()))).collect::<Vec<_>>();
                                        if grants.is_empty() { t!(l, "camp-grants-none") } else { grants.join(", ") }
                                    }</dd>
                                    <dt>{t!(l, "camp-summary-reminders")}</dt>
                                    <dd>{if c.reminder_days.is_empty() { t!(l, "camp-reminders-none") } else { t!(l, "camp-reminders-days", days = c.reminder_days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) }}</dd>
                                </dl>
                                <table class="table counts">
                                    <thead><tr><th scope="col">{t!(l, "camp-col-recipients")}</th>
                                        {RecipientState::ALL.iter().map(|s| view! { <th scope="col">{state_label(l, *s)}</th> }).collect_view()}
                                    </tr></thead>
                                    <tbody><tr id="campaign-counts"><td class="count" data-state="total">{c.total}</td>{count_cells(&c)}</tr></tbody>
                                </table>
                                <p class="actions">
                                    <button type="button" class="secondary" id="campaign-edit" aria-expanded=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>
                                        {move || if editing.get() { t!(l, "camp-close-editor") } else { t!(l, "camp-edit") }}
                                    </button>
                                    <button type="button" id="campaign-resend" on:click=move |_| { resend.dispatch(pk1.clone()); }>
                                        {t!(l, "camp-resend")}
                                    </button>
                                    <Show when=move || confirming_all.get()
                                        fallback=move || view! { <button type="button" class="danger" id="campaign-revoke-all" on:click=move |_| confirming_all.set(true)>{t!(l, "camp-revoke-all")}</button> }>
                                        <span>{format!("{} ", t!(l, "camp-revoke-all-question"))}</span>
                                        <button type="button" class="danger" id="campaign-confirm-revoke-all" on:click={
                                            let pk = pk2.clone();
                                            move |_| { revoke_all.dispatch(pk.clone()); }
                                        }>{t!(l, "camp-confirm-revoke")}</button>
                                        <button type="button" class="secondary" on:click=move |_| confirming_all.set(false)>{t!(l, "camp-cancel")}</button>
                                    </Show>
                                    <Show when=move || confirming_delete.get()
                                        fallback=move || view! { <button type="button" class="danger" id="campaign-delete" on:click=move |_| confirming_delete.set(true)>{t!(l, "camp-delete")}</button> }>
                                        <span>{format!("{} ", t!(l, "camp-delete-question"))}</span>
                                        <button type="button" class="danger" id="campaign-confirm-delete" on:click={
                                            let pk = pk3.clone();
                                            let navigate = navigate.clone();
                                            move |_| {
                                                let (pk, navigate) = (pk.clone(), navigate.clone());
                                                spawn_local(async move {
                                                    match delete_campaign(pk).await {
                                                        Ok(()) => navigate("/admin/campaigns", Default::default()),
                                                        Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                                                    }
                                                });
                                            }
                                        }>{t!(l, "camp-confirm-delete")}</button>
                                        <button type="button" class="secondary" on:click=move |_| confirming_delete.set(false)>{t!(l, "camp-cancel")}</button>
                                    </Show>
                                </p>
                                {move || resend.value().get().map(|r| match r {
                                    Ok(n) => view! { <p role="status" id="campaign-resent">{t!(l, "camp-resent", count = n)}</p> }.into_any(),
                                    Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                                })}
                                {move || revoke_all.value().get().map(|r| match r {
                                    Ok(n) => view! { <p role="status">{t!(l, "camp-revoked", count = n)}</p> }.into_any(),
                                    Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                                })}
                                {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
                                {move || editing.get().then(|| view! {
                                    <CampaignEditor pk=Some(pk4.clone()) on_saved=Callback::new(move |_| {
                                        editing.set(false);
                                        version.update(|v| *v += 1);
                                    }) />
                                })}
                                <Import pk=pk5 version imported />
                                <Recipients page=p campaign=pk.clone() version notice />
                            }.into_any()
                        }
                    }
                })}}
            </Transition>
        </section>
    }
    .into_any()
}

/// The import: paste addresses or choose a CSV file, see the dry run, confirm.
#[component]
fn Import(pk: String, version: RwSignal<u32>, imported: RwSignal<Option<String>>) -> impl IntoView {
    let l = crate::pages::page_locale();
    let pasted = RwSignal::new(String::new());
    let csv = RwSignal::new(String::new());
    let file_name = RwSignal::new(String::new());
    let source = move || ImportSource {
        pasted: pasted.get_untracked(),
        csv: csv.get_untracked(),
    };
    let dry = Action::new({
        let pk = pk.clone();
        move |s: &ImportSource| campaign_dry_run(pk.clone(), s.clone())
    });
    let apply = Action::new({
        let pk = pk.clone();
        move |s: &ImportSource| {
            let (pk, s) = (pk.clone(), s.clone());
            async move {
                let r = campaign_import(pk, s).await;
                if let Ok(d) = &r {
                    imported.set(Some(t!(
                        l,
                        "camp-imported",
                        summary = d.counts.summary_in(l)
                    )));
                    version.update(|v| *v += 1);
                }
                r
            }
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: Option<web_sys::HtmlInputElement> =
                ev.target().and_then(|t| t.dyn_into().ok());
            if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
                file_name.set(file.name());
                spawn_local(async move {
                    if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        csv.set(text.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <details class="import" open>
            <summary>{t!(l, "camp-add-recipients")}</summary>
            <form class="campaign-import" on:submit=move |ev| {
                ev.prevent_default();
                dry.dispatch(source());
            }>
                <label for="campaign-pasted">{t!(l, "camp-pasted-label")}</label>
                <textarea id="campaign-pasted" rows="4" prop:value=pasted
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                <label for="campaign-csv">{t!(l, "camp-csv-label")}</label>
                <input id="campaign-csv" type="file" accept=".csv,text/csv" on:change=on_file />
                {move || (!file_name.get().is_empty()).then(|| view! { <p class="muted">{t!(l, "camp-file", name = file_name.get())}</p> })}
                <button type="submit" id="campaign-dry-run">{t!(l, "camp-dry-run")}</button>
                {move || crate::pages::field_error(dry.value().get(), "csv")}
                {move || crate::pages::field_error(dry.value().get(), "pasted")}
                {move || crate::pages::field_error(dry.value().get(), "rows")}
            </form>
            {move || dry.value().get().and_then(Result::ok).map(|d: ImportView| {
                let adds = d.counts.new + d.counts.join;
                view! {
                    <div class="dry-run" id="campaign-dry-run-result">
                        <p role="status">{format!("{} ", t!(l, "camp-dry-run-before"))} <strong>{d.counts.summary_in(l)}</strong> {t!(l, "camp-dry-run-after")}</p>
                        <table class="table dry-run-rows">
                            <thead><tr>
                                <th scope="col">{t!(l, "camp-col-line")}</th><th scope="col">{t!(l, "camp-col-email")}</th>
                                <th scope="col">{t!(l, "camp-col-name")}</th><th scope="col">{t!(l, "camp-col-result")}</th>
                            </tr></thead>
                            <tbody>
                                {d.rows.into_iter().map(|r| view! {
                                    <tr data-kind=r.kind.clone()>
                                        <td>{r.line}</td><td>{r.email.clone()}</td><td>{r.name.clone()}</td><td>{r.explain.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <button type="button" id="campaign-confirm-import" prop:disabled=adds == 0
                            on:click=move |_| { apply.dispatch(source()); }>
                            {t!(l, "camp-confirm-import", count = adds)}
                        </button>
                    </div>
                }
            })}
            {move || apply.value().get().and_then(Result::err).map(|e| view! { <crate::pages::ErrorNotice error=e /> })}
        </details>
    }
    .into_any()
}

/// The recipients' table, with "Revoke" per recipient who has not joined.
#[component]
fn Recipients(
    page: CampaignPage,
    campaign: String,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let rows = page.recipients;
    if rows.is_empty() {
        return view! { <p class="muted">{t!(l, "camp-no-recipients")}</p> }.into_any();
    }
    view! {
        <table class="table recipients">
            <thead><tr>
                <th scope="col">{t!(l, "camp-col-email")}</th><th scope="col">{t!(l, "camp-col-name")}</th><th scope="col">{t!(l, "camp-col-state")}</th>
                <th scope="col">{t!(l, "camp-col-invitation")}</th><th scope="col">{t!(l, "camp-col-reminders")}</th><th scope="col">{t!(l, "camp-col-added")}</th><th scope="col"></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r: RecipientView| {
                    let (campaign, rpk) = (campaign.clone(), r.pk.clone());
                    let revoke = move |_| {
                        let (c, p) = (campaign.clone(), rpk.clone());
                        spawn_local(async move {
                            match campaign_revoke(c, p).await {
                                Ok(()) => notice.set(None),
                                Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                            }
                            version.update(|v| *v += 1);
                        });
                    };
                    view! {
                        <tr data-email=r.email.clone() data-state=r.state.key()>
                            <td>{r.email.clone()}</td>
                            <td>{r.name.clone()}</td>
                            <td><span class=format!("badge {}", r.state.key())>{state_label(l, r.state)}</span>
                                {r.join_as.clone().map(|u| view! { <span class="muted">{format!(" {}", t!(l, "camp-joins-as", name = u))}</span> })}</td>
                            <td><code>{r.invitation_name.clone().unwrap_or_default()}</code></td>
                            <td>{r.reminders_sent}</td>
                            <td><super::local_time::LocalTime at=r.created utc=r.created_text.clone() /></td>
                            <td>{r.state.is_pending().then(|| view! {
                                <button type="button" class="danger small revoke" on:click=revoke>{t!(l, "camp-revoke")}</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
