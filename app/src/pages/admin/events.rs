//! System → Events: the audit log (issue 14 item 3), newest first, filtered by action, actor, object
//! and time, one page of [`EVENTS_PAGE_SIZE`] at a time, with the same selection downloadable as CSV
//! or JSON.

use crate::api::admin::list_events;
use crate::domain::audit::Action;
use crate::model::{EventQuery, EVENTS_PAGE_SIZE};
use crate::t;
use leptos::prelude::*;

/// The query string of the exports for `q` (its filters, not its page), percent-encoded.
pub fn export_query(q: &EventQuery) -> String {
    let pairs = [
        ("action", &q.action),
        ("username", &q.username),
        ("context_model_name", &q.model),
        ("context_model_pk", &q.object_pk),
        ("since", &q.since),
        ("until", &q.until),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v.trim(), percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The events page.
#[component]
pub fn EventsPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let draft = RwSignal::new(EventQuery::default());
    let applied = RwSignal::new(EventQuery::default());
    let page = RwSignal::new(0u64);
    let events = Resource::new(
        move || (applied.get(), page.get()),
        |(q, page)| list_events(EventQuery { page, ..q }),
    );
    let field = move |get: fn(&EventQuery) -> String, set: fn(&mut EventQuery, String)| {
        (
            move || get(&draft.get()),
            move |ev| draft.update(|q| set(q, event_target_value(&ev))),
        )
    };
    let (username, on_username) = field(|q| q.username.clone(), |q, v| q.username = v);
    let (object_pk, on_object_pk) = field(|q| q.object_pk.clone(), |q, v| q.object_pk = v);
    let (since, on_since) = field(|q| q.since.clone(), |q, v| q.since = v);
    let (until, on_until) = field(|q| q.until.clone(), |q, v| q.until = v);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        applied.set(draft.get());
    };
    let export = move |format: &'static str| {
        let q = export_query(&applied.get());
        if q.is_empty() {
            format!("/admin/events/export.{format}")
        } else {
            format!("/admin/events/export.{format}?{q}")
        }
    };
    view! {
        <section class="page">
            <h1>{t!(l, "events-title")}</h1>
            <p class="hint">{t!(l, "events-intro")}</p>
            <form class="toolbar events-filters" on:submit=apply>
                <label>{t!(l, "events-action")}
                    <select name="action" on:change=move |ev| draft.update(|q| q.action = event_target_value(&ev))>
                        <option value="" selected=move || draft.get().action.is_empty()>{t!(l, "events-any")}</option>
                        {Action::ALL.into_iter().map(|a| view! {
                            <option value=a.as_str() selected=move || draft.get().action == a.as_str()>{a.as_str()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t!(l, "events-actor")} <input name="username" placeholder=t!(l, "events-actor-placeholder") prop:value=username on:input=on_username /></label>
                <label>{t!(l, "events-object")}
                    <select name="model" on:change=move |ev| draft.update(|q| q.model = event_target_value(&ev))>
                        <option value="">{t!(l, "events-any")}</option>
                        <option value="invitation">{t!(l, "events-object-invitation")}</option>
                        <option value="user">{t!(l, "events-object-user")}</option>
                        <option value="token">{t!(l, "events-object-token")}</option>
                        <option value="webhook">{t!(l, "events-object-webhook")}</option>
                    </select>
                </label>
                <label>{t!(l, "events-object-pk")} <input name="object_pk" prop:value=object_pk on:input=on_object_pk /></label>
                <label>{t!(l, "events-since")} <input name="since" type="datetime-local" prop:value=since on:input=on_since /></label>
                <label>{t!(l, "events-until")} <input name="until" type="datetime-local" prop:value=until on:input=on_until /></label>
                <button type="submit" class="small">{t!(l, "events-filter")}</button>
                <a class="button small secondary" id="export-csv" href=move || export("csv") download="usher-events.csv">{t!(l, "events-export-csv")}</a>
                <a class="button small secondary" id="export-json" href=move || export("json") download="usher-events.json">{t!(l, "events-export-json")}</a>
            </form>
            <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Err(e) => view! { <p class="error" role="alert">{e.notice(crate::pages::page_locale())}</p> }.into_any(),
                        Ok(p) if p.rows.is_empty() => view! { <p class="empty">{t!(l, "events-empty")}</p> }.into_any(),
                        Ok(p) => {
                            let pages = p.count.div_ceil(EVENTS_PAGE_SIZE).max(1);
                            let current = page.get_untracked();
                            view! {
                                <table class="table events">
                                    <thead><tr>
                                        <th scope="col">{t!(l, "events-col-when")}</th><th scope="col">{t!(l, "events-action")}</th><th scope="col">{t!(l, "events-actor")}</th>
                                        <th scope="col">{t!(l, "events-col-client")}</th><th scope="col">{t!(l, "events-object")}</th><th scope="col">{t!(l, "events-col-details")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|e| { let action = e.action.clone(); view! {
                                            <tr data-action=action>
                                                <td><super::local_time::LocalTime at=e.created_at utc=e.created /></td>
                                                <td><code>{e.action}</code></td>
                                                <td>{e.actor}</td>
                                                <td>{e.client_ip}</td>
                                                <td>
                                                    {(!e.model.is_empty()).then(|| format!("{} ", e.model))}
                                                    <strong>{e.object_name}</strong>
                                                    <span class="muted pk">{format!(" {}", e.object_pk)}</span>
                                                </td>
                                                <td class="details"><code>{e.details}</code></td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager" aria-label=t!(l, "events-pages")>
                                    <button type="button" class="small secondary" disabled=current == 0
                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(l, "events-previous")}</button>
                                    <span>{t!(l, "events-page", n = current + 1, total = pages, count = p.count)}</span>
                                    <button type="button" class="small secondary" disabled=current + 1 >= pages
                                        on:click=move |_| page.update(|p| *p += 1)>{t!(l, "events-next")}</button>
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exports_carry_the_filters_encoded() {
        assert_eq!(export_query(&EventQuery::default()), "");
        let q = EventQuery {
            action: "model_created".into(),
            username: "jane doe".into(),
            since: "2026-12-01T10:00".into(),
            page: 3,
            ..Default::default()
        };
        assert_eq!(
            export_query(&q),
            "action=model%5Fcreated&username=jane%20doe&since=2026%2D12%2D01T10%3A00"
        );
    }
}
