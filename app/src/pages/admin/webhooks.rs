//! System → Webhooks: URLs that receive events, signed by the Standard Webhooks convention. The
//! private-address setting, create (the secret is shown once), list, enable/disable, delete, and each
//! webhook's deliveries with "Redeliver".

use super::table::ListTable;
use crate::api::admin::webhooks::{
    create_webhook, delete_webhook, list_webhooks, redeliver_webhook, set_webhook_enabled,
    set_webhooks_allow_private, webhook_deliveries,
};
use crate::model::{
    NewWebhook, WebhookDeliveries, WebhookDeliveryView, WebhookForm, WebhookView, WebhooksPage,
};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The setting, the create form and the webhooks.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let page = Resource::new(move || version.get(), |_| list_webhooks());
    let (name, url) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let all_events = RwSignal::new(true);
    let chosen: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let enabled = RwSignal::new(true);
    let created: RwSignal<Option<NewWebhook>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let save = Action::new(move |form: &WebhookForm| {
        let form = form.clone();
        async move {
            let r = create_webhook(form).await;
            if let Ok(w) = &r {
                created.set(Some(w.clone()));
                name.set(String::new());
                url.set(String::new());
                version.update(|v| *v += 1);
            }
            r.map(|_| ())
        }
    });
    let save_allow = Action::new(move |a: &bool| {
        let a = *a;
        async move {
            let r = set_webhooks_allow_private(a).await;
            version.update(|v| *v += 1);
            r
        }
    });
    let input = move |id: &'static str,
                      label: String,
                      sig: RwSignal<String>,
                      placeholder: &'static str| {
        view! {
            <label for=id>{label}</label>
            <input id=id prop:value=sig placeholder=placeholder on:input=move |ev| sig.set(event_target_value(&ev)) />
            {move || crate::pages::field_error(save.value().get(), &id["webhook-".len()..])}
        }
    };
    view! {
        <section class="page">
            <h1>{t!(l, "webhooks-title")}</h1>
            <p class="muted">
                {t!(l, "webhooks-intro")} <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code>
                ", " <code>"webhook-signature"</code> {t!(l, "webhooks-intro-end")}
            </p>
            <Suspense fallback=|| ()>
                {move || page.get().and_then(Result::ok).map(|p: WebhooksPage| {
                    // The setting as loaded; the checkbox changes only this copy until saved.
                    let allow = RwSignal::new(p.allow_private);
                    view! {
                        <form class="webhook-settings" on:submit=move |ev| {
                            ev.prevent_default();
                            save_allow.dispatch(allow.get_untracked());
                        }>
                            <label class="check" for="webhook-allow-private">
                                <input id="webhook-allow-private" type="checkbox" prop:checked=allow
                                    on:change=move |ev| allow.set(event_target_checked(&ev)) />
                                {t!(l, "webhooks-allow-private")}
                            </label>
                            <button type="submit" class="secondary small" id="webhook-allow-save">{t!(l, "webhooks-save")}</button>
                            {move || save_allow.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.notice(crate::pages::page_locale())}</p> })}
                        </form>
                        <form class="token-form webhook-form" on:submit=move |ev| {
                            ev.prevent_default();
                            save.dispatch(WebhookForm {
                                name: name.get_untracked(),
                                url: url.get_untracked(),
                                actions: if all_events.get_untracked() { vec!["*".into()] } else { chosen.get_untracked() },
                                enabled: enabled.get_untracked(),
                            });
                        }>
                            {input("webhook-name", t!(l, "webhooks-name"), name, "CRM")}
                            {input("webhook-url", t!(l, "webhooks-url"), url, "https://hooks.example.com/usher")}
                            <fieldset class="webhook-events">
                                <legend>{t!(l, "webhooks-event-types")}</legend>
                                <label class="check" for="webhook-all-events">
                                    <input id="webhook-all-events" type="checkbox" prop:checked=all_events
                                        on:change=move |ev| all_events.set(event_target_checked(&ev)) />
                                    {t!(l, "webhooks-all-events")}
                                </label>
                                {p.event_types.into_iter().map(|t| {
                                    let (id, label_for) = (format!("webhook-event-{t}"), format!("webhook-event-{t}"));
                                    let (t1, t2) = (t.clone(), t.clone());
                                    view! {
                                        <label class="check" for=label_for>
                                            <input id=id type="checkbox" value=t.clone()
                                                prop:disabled=move || all_events.get()
                                                prop:checked=move || chosen.with(|c| c.contains(&t1))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    chosen.update(|c| {
                                                        c.retain(|x| x != &t2);
                                                        if on { c.push(t2.clone()); }
                                                    });
                                                } />
                                            {t}
                                        </label>
                                    }
                                }).collect_view()}
                                {move || crate::pages::field_error(save.value().get(), "actions")}
                            </fieldset>
                            <label class="check" for="webhook-enabled">
                                <input id="webhook-enabled" type="checkbox" prop:checked=enabled
                                    on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                                {t!(l, "webhooks-enabled")}
                            </label>
                            <button type="submit" id="webhook-create">{t!(l, "webhooks-create")}</button>
                        </form>
                    }
                })}
            </Suspense>
            {move || match save.value().get() {
                Some(Err(e)) if !matches!(e, crate::error::AppError::Validation(_)) => {
                    Some(view! { <crate::pages::ErrorNotice error=e /> }.into_any())
                }
                _ => None,
            }}
            {move || created.get().map(|w| view! {
                <div class="secret" role="status">
                    <p>{format!("{} ", t!(l, "webhooks-created"))} <strong>{w.webhook.name.clone()}</strong> {format!(" {}", t!(l, "webhooks-created-secret"))}</p>
                    <input id="webhook-secret" readonly value=w.secret.clone() />
                </div>
            })}
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <ListTable
                data=page
                class="tokens webhooks"
                headers=vec![
                    t!(l, "webhooks-name"),
                    t!(l, "webhooks-url"),
                    t!(l, "webhooks-col-events"),
                    t!(l, "webhooks-enabled"),
                    t!(l, "webhooks-col-created"),
                    String::new(),
                ]
                empty=t!(l, "webhooks-empty")
                is_empty={|p: &WebhooksPage| p.webhooks.is_empty()}
                body={move |p: WebhooksPage| view! {
                    <tbody>
                        {p.webhooks.into_iter().map(|w| view! { <WebhookLine w version notice /> }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}

#[component]
fn WebhookLine(
    w: WebhookView,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let confirming = RwSignal::new(false);
    let open = RwSignal::new(false);
    let (pk, name, on) = (w.pk.clone(), w.name.clone(), w.enabled);
    let toggle = {
        let pk = pk.clone();
        move |_| {
            let pk = pk.clone();
            spawn_local(async move {
                match set_webhook_enabled(pk, !on).await {
                    Ok(()) => notice.set(None),
                    Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                }
                version.update(|v| *v += 1);
            });
        }
    };
    let delete = {
        let pk = pk.clone();
        move |_| {
            let pk = pk.clone();
            spawn_local(async move {
                match delete_webhook(pk).await {
                    Ok(()) => notice.set(None),
                    Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                }
                version.update(|v| *v += 1);
            });
        }
    };
    view! {
        <tr data-name=w.name.clone() data-enabled=on.to_string()>
            <td>{w.name.clone()}</td>
            <td><code>{w.url.clone()}</code></td>
            <td>{if w.actions.iter().any(|a| a == "*") { t!(l, "webhooks-all-events") } else { w.actions.join(", ") }}</td>
            <td>
                <button type="button" class="secondary small toggle" on:click=toggle>
                    {if on { t!(l, "webhooks-enabled-disable") } else { t!(l, "webhooks-disabled-enable") }}
                </button>
            </td>
            <td><super::local_time::LocalTime at=w.created_at utc=w.created.clone() /></td>
            <td class="actions">
                <button type="button" class="secondary small deliveries" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { t!(l, "webhooks-hide-deliveries") } else { t!(l, "webhooks-deliveries") }}
                </button>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! { <button class="danger small delete" on:click=move |_| confirming.set(true)>{t!(l, "webhooks-delete")}</button> }
                >
                    <span>{format!("{} ", t!(l, "webhooks-delete-confirm", name = name.clone()))}</span>
                    <button class="danger small confirm-delete" on:click=delete.clone()>{t!(l, "webhooks-confirm-delete")}</button>
                    <button class="secondary small" on:click=move |_| confirming.set(false)>{t!(l, "webhooks-cancel")}</button>
                </Show>
            </td>
        </tr>
        {move || open.get().then(|| view! {
            <tr class="expanded"><td colspan="6"><Deliveries webhook=pk.clone() /></td></tr>
        })}
    }
    .into_any()
}

/// One webhook's deliveries, newest first, a page at a time, with "Redeliver".
#[component]
fn Deliveries(webhook: String) -> impl IntoView {
    let l = crate::pages::page_locale();
    let page = RwSignal::new(0u64);
    let redeliver = Action::new({
        let webhook = webhook.clone();
        move |pk: &String| redeliver_webhook(webhook.clone(), pk.clone())
    });
    let rows = Resource::new(
        {
            let webhook = webhook.clone();
            move || (webhook.clone(), page.get(), redeliver.version().get())
        },
        |(w, p, _)| webhook_deliveries(w, p),
    );
    let per_page = crate::api::admin::webhooks::DELIVERIES_PER_PAGE;
    view! {
        {move || redeliver.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.notice(crate::pages::page_locale())}</p> })}
        <ListTable
            data=rows
            class="outbox webhook-deliveries"
            headers=vec![
                t!(l, "webhooks-col-event"),
                t!(l, "webhooks-col-status"),
                t!(l, "webhooks-col-attempts"),
                t!(l, "webhooks-col-response"),
                t!(l, "webhooks-col-last-error"),
                t!(l, "webhooks-col-queued"),
                t!(l, "webhooks-col-delivered"),
                String::new(),
            ]
            empty=t!(l, "webhooks-deliveries-empty")
            is_empty={|d: &WebhookDeliveries| d.deliveries.is_empty()}
            body={move |d: WebhookDeliveries| view! {
                <tbody>
                    {d.deliveries.into_iter().map(|d: WebhookDeliveryView| view! {
                        <tr data-status=d.status.clone() data-id=d.message_id.clone()>
                            <td>{d.event_type.clone()}</td>
                            <td>{crate::domain::outbox::OutboxStatus::parse(&d.status).map_or_else(|| d.status.clone(), |s| s.label(l))}</td>
                            <td>{d.attempts}</td>
                            <td>{d.response_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td class="error">{d.last_error.clone()}</td>
                            <td><super::local_time::LocalTime at=d.created_at utc=d.created.clone() /></td>
                            <td><super::local_time::MaybeLocalTime at=d.sent_at utc=d.sent.clone() missing="" /></td>
                            <td>
                                {d.redeliverable.then(|| {
                                    let pk = d.pk.clone();
                                    view! {
                                        <button type="button" class="small retry redeliver"
                                            on:click=move |_| { redeliver.dispatch(pk.clone()); }>
                                            {t!(l, "webhooks-redeliver")}
                                        </button>
                                    }
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            }.into_any()}
        />
        {move || rows.get().and_then(Result::ok).map(|d| {
            let last = d.count.saturating_sub(1) / per_page;
            (d.count > per_page).then(|| view! {
                <p class="pager">
                    <button type="button" class="secondary small" prop:disabled=move || page.get() == 0
                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(l, "webhooks-newer")}</button>
                    {format!(" {} ", t!(l, "webhooks-page", n = page.get() + 1, total = last + 1))}
                    <button type="button" class="secondary small" prop:disabled=move || page.get() >= last
                        on:click=move |_| page.update(|p| *p += 1)>{t!(l, "webhooks-older")}</button>
                </p>
            })
        })}
    }
    .into_any()
}
