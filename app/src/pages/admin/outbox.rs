//! Directory → Outbox: every message Usher queued, with delivery status; failures first to look at.

use super::table::ListTable;
use crate::api::admin::{list_outbox, retry_message};
use crate::domain::outbox::OutboxStatus;
use crate::t;
use leptos::prelude::*;

/// The outbox table, with a "failed only" filter.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let only_failed = RwSignal::new(false);
    let retry = Action::new(|pk: &String| retry_message(pk.clone()));
    let rows = Resource::new(
        move || (only_failed.get(), retry.version().get()),
        |(failed, _)| list_outbox(failed),
    );
    view! {
        <section class="page">
            <h1>{t!(l, "outbox-title")}</h1>
            <label class="check" for="outbox-failed">
                <input id="outbox-failed" type="checkbox" prop:checked=only_failed on:change=move |ev| only_failed.set(event_target_checked(&ev)) />
                {t!(l, "outbox-failed-only")}
            </label>
            {move || retry.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.notice(crate::pages::page_locale())}</p> })}
            <ListTable
                data=rows
                class="outbox"
                headers=vec![
                    t!(l, "outbox-col-invitation"),
                    t!(l, "outbox-col-to"),
                    t!(l, "outbox-col-status"),
                    t!(l, "outbox-col-attempts"),
                    t!(l, "outbox-col-last-error"),
                    t!(l, "outbox-col-queued"),
                    t!(l, "outbox-col-sent"),
                    String::new(),
                ]
                empty=t!(l, "outbox-empty")
                is_empty={|list: &Vec<crate::model::OutboxMessage>| list.is_empty()}
                body={move |list: Vec<crate::model::OutboxMessage>| view! {
                    <tbody>
                        {list.into_iter().map(|m| view! {
                            <tr data-status=m.status.as_str()>
                                <td>{m.invitation.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>{m.to.clone()}</td>
                                <td>{m.status.label(l)}</td>
                                <td>{m.attempts}</td>
                                <td class="error">{m.last_error.clone()}</td>
                                <td><super::local_time::LocalTime at=m.created_at utc=m.created.clone() /></td>
                                <td><super::local_time::MaybeLocalTime at=m.sent_at utc=m.sent.clone() missing="" /></td>
                                <td>
                                    {(m.status == OutboxStatus::Failed).then(|| {
                                        let pk = m.pk.clone();
                                        view! {
                                            <button type="button" class="small retry"
                                                on:click=move |_| { retry.dispatch(pk.clone()); }>
                                                {t!(l, "outbox-retry")}
                                            </button>
                                        }
                                    })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}
