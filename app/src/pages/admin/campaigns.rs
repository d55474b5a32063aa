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

/// `/admin/campaigns`: the campaigns and the editor of a new one.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = Resource::new(move || version.get(), |_| list_campaigns());
    let creating = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let headers: &'static [&'static str] = &[
        "Name",
        "Recipients",
        "Queued",
        "Sent",
        "Delivery failed",
        "Viewed",
        "Joined",
        "Expired",
        "Revoked",
        "Expires",
        "Created",
    ];
    view! {
        <section class="page">
            <h1>"Campaigns"</h1>
            <p class="muted">
                "A campaign sends one invitation definition to many people: each recipient gets their own single-use link, "
                "limited to their address. Import recipients from a list or a CSV file, see who has joined, remind or revoke."
            </p>
            <p>
                <button type="button" id="campaign-new" on:click=move |_| creating.update(|c| *c = !*c)>
                    {move || if creating.get() { "Close" } else { "New campaign" }}
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
                empty="No campaigns yet.".to_owned()
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
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || form.get().and_then(Result::ok).map(|f: CampaignForm| {
                let f = RwSignal::new(f);
                let text = move |id: &'static str, label: &'static str, field: fn(&mut CampaignForm) -> &mut String, placeholder: &'static str| {
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
                        {text("campaign-name", "Name", |f| &mut f.name, "spring-cohort")}
                        {text("campaign-description", "Description", |f| &mut f.description, "")}
                        <label for="campaign-flow">"Flow"</label>
                        <select id="campaign-flow" on:change=move |ev| f.update(|f| f.flow = event_target_value(&ev))>
                            <option value="" selected=move || f.with(|f| f.flow.is_empty())>"default-enrollment-flow"</option>
                            {move || flows.get().and_then(Result::ok).map(|fl| fl.into_iter().map(|o| {
                                let pk = o.pk.clone();
                                view! { <option value=o.pk.clone() selected=move || f.with(|f| f.flow == pk)>{o.slug.clone()}</option> }
                            }).collect_view())}
                        </select>
                        {move || crate::pages::field_error(save.value().get(), "flow")}
                        {text("campaign-expires", "Expires (UTC, YYYY-MM-DD HH:MM; empty: never)", |f| &mut f.expires, "2027-01-31T17:00")}
                        {text("campaign-not_before", "Opens at (UTC; empty: at once)", |f| &mut f.not_before, "")}
                        {text("campaign-reminder_days", "Reminders: days before expiry (e.g. 7, 1; empty: none)", |f| &mut f.reminder_days, "7, 1")}
                        <label class="check" for="campaign-digest">
                            <input id="campaign-digest" type="checkbox" prop:checked=move || f.with(|f| f.digest)
                                on:change=move |ev| f.update(|f| f.digest = event_target_checked(&ev)) />
                            "Email me a digest of who has not joined when reminders go out"
                        </label>
                        {text("campaign-email_subject", "Email subject (empty: the default)", |f| &mut f.email_subject, "")}
                        <label for="campaign-email_message">"Message in the email"</label>
                        <textarea id="campaign-email_message" rows="3"
                            prop:value=move || f.with(|f| f.email_message.clone())
                            on:input=move |ev| f.update(|f| f.email_message = event_target_value(&ev))></textarea>
                        {move || crate::pages::field_error(save.value().get(), "email_message")}
                        <label for="campaign-fixed_data">"Custom attributes for every recipient (JSON or YAML)"</label>
                        <textarea id="campaign-fixed_data" rows="3"
                            prop:value=move || f.with(|f| f.fixed_data.clone())
                            on:input=move |ev| f.update(|f| f.fixed_data = event_target_value(&ev))></textarea>
                        {move || crate::pages::field_error(save.value().get(), "fixed_data")}
                        <fieldset>
                            <legend>"Roles"</legend>
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
                            <legend>"Groups"</legend>
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
                        <button type="submit" id="campaign-save">"Save campaign"</button>
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
            <p><a href="/admin/campaigns">"← Campaigns"</a></p>
            {move || imported.get().map(|m| view! { <p role="status" id="campaign-imported">{m}</p> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || { let navigate = navigate.clone(); Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                        Ok(p) => {
                            let c = p.campaign.clone();
                            let pk = c.pk.clone();
                            let (pk1, pk2, pk3, pk4, pk5) = (pk.clone(), pk.clone(), pk.clone(), pk.clone(), pk.clone());
                            view! {
                                <h1>"Campaign " {c.name.clone()}</h1>
                                <p class="muted">{c.description.clone()}</p>
                                <dl class="campaign-summary">
                                    <dt>"Flow"</dt><dd>{c.flow_slug.clone()}</dd>
                                    <dt>"Expires"</dt><dd><super::local_time::LocalWhen at=c.expires display=c.expires_text.clone() /></dd>
                                    {(!c.not_before_text.is_empty()).then(|| view! { <dt>"Opens"</dt><dd>{c.not_before.map(|at| view! { <super::local_time::LocalTime at utc=c.not_before_text.clone() /> })}</dd> })}
                                    <dt>"Grants"</dt>
                                    <dd>{
                                        let grants = c.roles.iter().map(|(_, n)| format!("role {n}")).chain(c.groups.iter().map(|(_, n)| format!("group {n}"))).collect::<Vec<_>>();
                                        if grants.is_empty() { "an account only".to_owned() } else { grants.join(", ") }
                                    }</dd>
                                    <dt>"Reminders"</dt>
                                    <dd>{if c.reminder_days.is_empty() { "none".to_owned() } else { format!("{} days before expiry", c.reminder_days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) }}</dd>
                                </dl>
                                <table class="table counts">
                                    <thead><tr><th scope="col">"Recipients"</th>
                                        {RecipientState::ALL.iter().map(|s| view! { <th scope="col">{s.label()}</th> }).collect_view()}
                                    </tr></thead>
                                    <tbody><tr id="campaign-counts"><td class="count" data-state="total">{c.total}</td>{count_cells(&c)}</tr></tbody>
                                </table>
                                <p class="actions">
                                    <button type="button" class="secondary" id="campaign-edit" on:click=move |_| editing.update(|e| *e = !*e)>
                                        {move || if editing.get() { "Close editor" } else { "Edit definition" }}
                                    </button>
                                    <button type="button" id="campaign-resend" on:click=move |_| { resend.dispatch(pk1.clone()); }>
                                        "Resend to those not joined"
                                    </button>
                                    <Show when=move || confirming_all.get()
                                        fallback=move || view! { <button type="button" class="danger" id="campaign-revoke-all" on:click=move |_| confirming_all.set(true)>"Revoke all not joined"</button> }>
                                        <span>"Revoke every recipient who has not joined? Their links stop working. "</span>
                                        <button type="button" class="danger" id="campaign-confirm-revoke-all" on:click={
                                            let pk = pk2.clone();
                                            move |_| { revoke_all.dispatch(pk.clone()); }
                                        }>"Confirm revoke"</button>
                                        <button type="button" class="secondary" on:click=move |_| confirming_all.set(false)>"Cancel"</button>
                                    </Show>
                                    <Show when=move || confirming_delete.get()
                                        fallback=move || view! { <button type="button" class="danger" id="campaign-delete" on:click=move |_| confirming_delete.set(true)>"Delete campaign"</button> }>
                                        <span>"Delete the campaign and all its invitations? "</span>
                                        <button type="button" class="danger" id="campaign-confirm-delete" on:click={
                                            let pk = pk3.clone();
                                            let navigate = navigate.clone();
                                            move |_| {
                                                let (pk, navigate) = (pk.clone(), navigate.clone());
                                                spawn_local(async move {
                                                    match delete_campaign(pk).await {
                                                        Ok(()) => navigate("/admin/campaigns", Default::default()),
                                                        Err(e) => notice.set(Some(e.to_string())),
                                                    }
                                                });
                                            }
                                        }>"Confirm delete"</button>
                                        <button type="button" class="secondary" on:click=move |_| confirming_delete.set(false)>"Cancel"</button>
                                    </Show>
                                </p>
                                {move || resend.value().get().map(|r| match r {
                                    Ok(n) => view! { <p role="status" id="campaign-resent">{format!("Sent again to {n} recipient{}.", if n == 1 { "" } else { "s" })}</p> }.into_any(),
                                    Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                                })}
                                {move || revoke_all.value().get().map(|r| match r {
                                    Ok(n) => view! { <p role="status">{format!("Revoked {n}.")}</p> }.into_any(),
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
                    imported.set(Some(format!("Imported: {}.", d.counts.summary())));
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
            <summary>"Add recipients"</summary>
            <form class="campaign-import" on:submit=move |ev| {
                ev.prevent_default();
                dry.dispatch(source());
            }>
                <label for="campaign-pasted">"Paste addresses (one per line, or separated by commas; \"Name <address>\" works)"</label>
                <textarea id="campaign-pasted" rows="4" prop:value=pasted
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                <label for="campaign-csv">"…or a CSV file (columns: email, name, username, attributes.<name>; comma or semicolon)"</label>
                <input id="campaign-csv" type="file" accept=".csv,text/csv" on:change=on_file />
                {move || (!file_name.get().is_empty()).then(|| view! { <p class="muted">"File: " {file_name.get()}</p> })}
                <button type="submit" id="campaign-dry-run">"Check (dry run)"</button>
                {move || crate::pages::field_error(dry.value().get(), "csv")}
                {move || crate::pages::field_error(dry.value().get(), "pasted")}
                {move || crate::pages::field_error(dry.value().get(), "rows")}
            </form>
            {move || dry.value().get().and_then(Result::ok).map(|d: ImportView| {
                let adds = d.counts.new + d.counts.join;
                view! {
                    <div class="dry-run" id="campaign-dry-run-result">
                        <p role="status">"Dry run: " <strong>{d.counts.summary()}</strong> ". Nothing is written until you confirm."</p>
                        <table class="table dry-run-rows">
                            <thead><tr><th scope="col">"Line"</th><th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"Result"</th></tr></thead>
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
                            {format!("Confirm: add {adds} recipient{}", if adds == 1 { "" } else { "s" })}
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
    let rows = page.recipients;
    if rows.is_empty() {
        return view! { <p class="muted">"No recipients yet."</p> }.into_any();
    }
    view! {
        <table class="table recipients">
            <thead><tr>
                <th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"State"</th>
                <th scope="col">"Invitation"</th><th scope="col">"Reminders"</th><th scope="col">"Added"</th><th scope="col"></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r: RecipientView| {
                    let (campaign, rpk) = (campaign.clone(), r.pk.clone());
                    let revoke = move |_| {
                        let (c, p) = (campaign.clone(), rpk.clone());
                        spawn_local(async move {
                            match campaign_revoke(c, p).await {
                                Ok(()) => notice.set(None),
                                Err(e) => notice.set(Some(e.to_string())),
                            }
                            version.update(|v| *v += 1);
                        });
                    };
                    view! {
                        <tr data-email=r.email.clone() data-state=r.state.key()>
                            <td>{r.email.clone()}</td>
                            <td>{r.name.clone()}</td>
                            <td><span class=format!("badge {}", r.state.key())>{r.state.label()}</span>
                                {r.join_as.clone().map(|u| view! { <span class="muted">" (joins as " {u} ")"</span> })}</td>
                            <td><code>{r.invitation_name.clone().unwrap_or_default()}</code></td>
                            <td>{r.reminders_sent}</td>
                            <td><super::local_time::LocalTime at=r.created utc=r.created_text.clone() /></td>
                            <td>{r.state.is_pending().then(|| view! {
                                <button type="button" class="danger small revoke" on:click=revoke>"Revoke"</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
