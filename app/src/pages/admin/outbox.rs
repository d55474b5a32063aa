//! Directory → Outbox: every message Usher queued, with delivery status; failures first to look at.

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
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No messages."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table outbox">
                                <thead><tr>
                                    <th>"Invitation"</th><th>"To"</th><th>"Status"</th><th>"Attempts"</th>
                                    <th>"Last error"</th><th>"Queued"</th><th>"Sent"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! {
                                        <tr data-status=m.status.clone()>
                                            <td>{m.invitation.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td>{m.to.clone()}</td>
                                            <td>{m.status.clone()}</td>
                                            <td>{m.attempts}</td>
                                            <td class="error">{m.last_error.clone()}</td>
                                            <td>{m.created.clone()}</td>
                                            <td>{m.sent.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
