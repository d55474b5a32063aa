//! Directory → Outbox: every message Usher queued, with delivery status; failures first to look at.

use super::table::ListTable;
use crate::api::admin::list_outbox;
use leptos::prelude::*;

/// The outbox table, with a "failed only" filter.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let only_failed = RwSignal::new(false);
    let rows = Resource::new(move || only_failed.get(), list_outbox);
    view! {
        <section class="page">
            <h1>"Outbox"</h1>
            <label class="check" for="outbox-failed">
                <input id="outbox-failed" type="checkbox" prop:checked=only_failed on:change=move |ev| only_failed.set(event_target_checked(&ev)) />
                "Failed only"
            </label>
            <ListTable
                data=rows
                class="outbox"
                headers=&["Invitation", "To", "Status", "Attempts", "Last error", "Queued", "Sent"]
                empty="No messages.".to_owned()
                is_empty={|list: &Vec<crate::model::OutboxMessage>| list.is_empty()}
                body={|list: Vec<crate::model::OutboxMessage>| view! {
                    <tbody>
                        {list.into_iter().map(|m| view! {
                            <tr data-status=m.status.as_str()>
                                <td>{m.invitation.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>{m.to.clone()}</td>
                                <td>{m.status.as_str()}</td>
                                <td>{m.attempts}</td>
                                <td class="error">{m.last_error.clone()}</td>
                                <td>{m.created.clone()}</td>
                                <td>{m.sent.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}
