//! Directory → Outbox: every message Usher queued, with delivery status; failures first to look at.

use super::table::ListTable;
use crate::api::admin::{list_outbox, retry_message};
use leptos::prelude::*;

/// The outbox table, with a "failed only" filter.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let only_failed = RwSignal::new(false);
    let retry = Action::new(|pk: &String| retry_message(pk.clone()));
    let rows = Resource::new(
        move || (only_failed.get(), retry.version().get()),
        |(failed, _)| list_outbox(failed),
    );
    view! {
        <section class="page">
            <h1>"Outbox"</h1>
            <label class="check" for="outbox-failed">
                <input id="outbox-failed" type="checkbox" prop:checked=only_failed on:change=move |ev| only_failed.set(event_target_checked(&ev)) />
                "Failed only"
            </label>
            {move || retry.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            <ListTable
                data=rows
                class="outbox"
                headers=&["Invitation", "To", "Status", "Attempts", "Last error", "Queued", "Sent", ""]
                empty="No messages.".to_owned()
                is_empty={|list: &Vec<crate::model::OutboxMessage>| list.is_empty()}
                body={move |list: Vec<crate::model::OutboxMessage>| view! {
                    <tbody>
                        {list.into_iter().map(|m| view! {
                            <tr data-status=m.status.as_str()>
                                <td>{m.invitation.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>{m.to.clone()}</td>
                                <td>{m.status.as_str()}</td>
                                <td>{m.attempts}</td>
                                <td class="error">{m.last_error.clone()}</td>
                                <td><super::local_time::LocalTime at=m.created_at utc=m.created.clone() /></td>
                                <td>{m.sent.clone()}</td>
                                <td>
                                    {(m.status == crate::domain::outbox::OutboxStatus::Failed).then(|| {
                                        let pk = m.pk.clone();
                                        view! {
                                            <button type="button" class="small retry"
                                                on:click=move |_| { retry.dispatch(pk.clone()); }>
                                                "Retry"
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
