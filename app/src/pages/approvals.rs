//! The pages of approval (issue 17 item 3), plain HTML that works without JavaScript:
//! `/if/pending/`, where an invitee lands when their use of an invitation waits for an approver, and
//! `/if/approval/{pk}`, the confirmation page an approver's email links to: it shows the request and
//! decides it only by its posted form (the GET changes nothing).

use crate::api::approvals::{get_approval, ApprovalItem, DecideApproval};
use crate::domain::approval::ApprovalStatus;
use crate::error::AppError;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::hooks::use_params_map;

/// `/if/pending/`: "your access waits for approval"; what comes next depends on whether Usher can email
/// the decision (without an SMTP server, the default run, it cannot: the invitee is told to ask).
#[component]
pub fn PendingPage() -> impl IntoView {
    let l = super::page_locale();
    // Read on the server as the page renders (it ships no WASM, so this never runs in a browser).
    let mail = Resource::new(
        || (),
        |_| async move {
            #[cfg(feature = "ssr")]
            {
                match crate::api::ctx::state() {
                    Ok(st) => crate::service::email::configured(&st.db, &st.config)
                        .await
                        .unwrap_or(false),
                    Err(_) => false,
                }
            }
            #[cfg(not(feature = "ssr"))]
            {
                true
            }
        },
    );
    view! {
        <Html {..} lang=l.code() />
        <main class="card narrow flow">
            <super::BrandBar />
            <super::PageTools locale=l next="/if/pending/" />
            <h1 id="pending-title">{t!(l, "pending-title")}</h1>
            <p role="status">{t!(l, "pending-body")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let next = if mail.await { t!(l, "pending-next") } else { t!(l, "pending-next-no-mail") };
                    view! { <p class="muted" id="pending-next">{next}</p> }
                })}
            </Suspense>
        </main>
    }
}

/// `/if/approval/{pk}`: an approver reviews a request and approves or denies it.
#[component]
pub fn ApprovalPage() -> impl IntoView {
    let params = use_params_map();
    let pk = move || params.read().get("pk").unwrap_or_default();
    let data = Resource::new(pk, get_approval);
    let decide = ServerAction::<DecideApproval>::new();
    view! {
        <main class="card narrow flow approval">
            <super::BrandBar />
            <Suspense fallback=|| view! { <p>{super::page_locale().tr("page-loading")}</p> }>
                {move || Suspend::new(async move {
                    let l = super::page_locale();
                    match data.await {
                        Ok(item) => view! {
                            <Html {..} lang=l.code() />
                            <super::PageTools locale=l next=format!("/if/approval/{}", pk()) />
                            <Review item decide />
                            <super::LocalTimes />
                        }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            let next = format!("/if/approval/{}", pk());
                            view! {
                                <Html {..} lang=l.code() />
                                <h1>{t!(l, "approval-title")}</h1>
                                <p><a class="button" id="approval-sign-in" href=crate::pages::login::login_url(&next)>{t!(l, "approval-sign-in")}</a></p>
                            }.into_any()
                        }
                        Err(e) => view! {
                            <Html {..} lang=l.code() />
                            <h1>{t!(l, "approval-title")}</h1>
                            <p class="error" role="alert">{e.message(l)}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// A request and, while it is pending, the form that decides it.
#[component]
fn Review(item: ApprovalItem, decide: ServerAction<DecideApproval>) -> impl IntoView {
    let l = super::page_locale();
    let pending = item.status == ApprovalStatus::Pending;
    let kind = if item.new_account {
        t!(l, "approval-kind-enrolled")
    } else {
        t!(l, "approval-kind-joined")
    };
    let grants = if item.grants.is_empty() {
        t!(l, "approval-grants-none")
    } else {
        item.grants.join(", ")
    };
    view! {
        <h1>{t!(l, "approval-title")}</h1>
        <p>{t!(l, "approval-summary", username = item.username.clone(), invitation = item.invitation.clone(), inviter = item.invited_by.clone())}</p>
        <dl class="approval-details">
            <dt>{t!(l, "approval-field-username")}</dt><dd id="approval-username">{item.username.clone()}</dd>
            <dt>{t!(l, "approval-field-email")}</dt><dd>{item.email.clone()}</dd>
            <dt>{t!(l, "approval-field-kind")}</dt><dd>{kind}</dd>
            {item.form.iter().filter(|(k, _)| k != "username" && k != "email").map(|(k, v)| view! {
                <dt>{k.clone()}</dt><dd>{v.clone()}</dd>
            }).collect_view()}
            <dt>{t!(l, "approval-field-grants")}</dt><dd id="approval-grants">{grants}</dd>
            <dt>{t!(l, "approval-field-requested")}</dt><dd><super::PageWhen time=item.requested.clone() /></dd>
            <dt>{t!(l, "approval-field-status")}</dt><dd id="approval-status">{item.status_label.clone()}</dd>
            {(!item.decided_by.is_empty()).then(|| view! {
                <dt>{t!(l, "approval-field-decided-by")}</dt><dd>{item.decided_by.clone()}</dd>
            })}
            {(!item.reason.is_empty()).then(|| view! {
                <dt>{t!(l, "approval-field-reason")}</dt><dd id="approval-reason">{item.reason.clone()}</dd>
            })}
        </dl>
        {pending.then(|| view! {
            <p class="muted">{t!(l, "approval-expires-at")} " " <super::PageWhen time=item.expires.clone() /></p>
            <ActionForm action=decide>
                <input type="hidden" name="pk" value=item.pk.clone() />
                <label for="approval-reason-input">{t!(l, "approval-reason-label")}</label>
                <textarea id="approval-reason-input" name="reason" rows="3" maxlength="500"></textarea>
                {move || super::field_error(decide.value().get(), "reason")}
                <div class="actions">
                    <button type="submit" name="decision" value="approve" id="approve">{t!(l, "approval-approve")}</button>
                    <button type="submit" name="decision" value="deny" class="danger" id="deny">{t!(l, "approval-deny")}</button>
                </div>
            </ActionForm>
        })}
        {move || super::general_error_in(l, decide.value().get())}
        <p><a href="/admin/approvals">{t!(l, "approval-all")}</a></p>
    }
}
