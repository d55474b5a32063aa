//! Directory → Approvals (issue 17 item 3): the uses of invitations that wait for an approver, oldest
//! first, then the decided ones; each links to its confirmation page (`/if/approval/{pk}`), where the
//! decision is taken by a posted form.

use crate::api::approvals::{list_approvals, ApprovalItem};
use crate::domain::approval::ApprovalStatus;
use crate::t;
use leptos::prelude::*;

/// The page.
#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let data = Resource::new(|| (), |_| list_approvals());
    view! {
        <section class="page approvals">
            <h1>{t!(l, "approvals-title")}</h1>
            <p class="muted">{t!(l, "approvals-intro")}</p>
            <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(items) if items.is_empty() => view! {
                            <p id="approvals-empty">{t!(l, "approvals-empty")}</p>
                        }.into_any(),
                        Ok(items) => view! { <Table items /> }.into_any(),
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Table(items: Vec<ApprovalItem>) -> impl IntoView {
    let l = crate::pages::page_locale();
    view! {
        <table class="data" id="approvals-table">
            <caption class="visually-hidden">{t!(l, "approvals-title")}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(l, "approvals-col-account")}</th>
                    <th scope="col">{t!(l, "approvals-col-invitation")}</th>
                    <th scope="col">{t!(l, "approvals-col-invited-by")}</th>
                    <th scope="col">{t!(l, "approvals-col-grants")}</th>
                    <th scope="col">{t!(l, "approvals-col-requested")}</th>
                    <th scope="col">{t!(l, "approvals-col-status")}</th>
                    <th scope="col"><span class="visually-hidden">{t!(l, "approvals-col-actions")}</span></th>
                </tr>
            </thead>
            <tbody>
                {items.into_iter().map(|a| {
                    let review = if a.status == ApprovalStatus::Pending {
                        t!(l, "approvals-review", username = a.username.clone())
                    } else {
                        t!(l, "approvals-open", username = a.username.clone())
                    };
                    view! {
                        <tr data-username=a.username.clone()>
                            <td>{a.username.clone()} <br /> <span class="muted">{a.email.clone()}</span></td>
                            <td>{a.invitation.clone()}</td>
                            <td>{a.invited_by.clone()}</td>
                            <td>{a.grants.join(", ")}</td>
                            <td><super::local_time::LocalTime at=a.created utc=a.created_display.clone() /></td>
                            <td class=format!("status status-{}", a.status.as_str())>{a.status_label.clone()}</td>
                            <td><a href=format!("/if/approval/{}", a.pk) rel="external">{review}</a></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
