//! The invitation editor's checks before sending (issue 15 item 7): "Preview email" (the subject, the
//! HTML in a sandboxed frame, the text) and "Would this address be accepted?", both for the editor's
//! current, unsaved values.

use crate::api::admin::{check_invitation_address, preview_invitation_email};
use crate::model::InvitationForm;
use crate::pages::{field_error, general_error};
use crate::t;
use leptos::prelude::*;

/// The two checks under the invitation editor. `current` reads the editor's values as they are now;
/// `pk` is the invitation being edited (`None` for a new one).
#[component]
pub fn InvitationChecks(
    current: Callback<(), InvitationForm>,
    pk: Option<String>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let address = RwSignal::new(String::new());
    let check = Action::new(move |a: &String| {
        let emails = current.run(()).emails;
        check_invitation_address(emails, a.clone())
    });
    let preview = Action::new(move |_: &()| {
        let form = current.run(());
        preview_invitation_email(pk.clone(), form)
    });
    let on_check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        check.dispatch(address.get_untracked());
    };
    view! {
        <section class="invitation-checks">
            <form class="address-check" id="address-check" on:submit=on_check novalidate>
                <label for="check-address">{t!(l, "preview-address-question")}</label>
                <div class="inline">
                    <input id="check-address" type="email" placeholder="jane@example.com"
                        prop:value=address on:input=move |ev| address.set(event_target_value(&ev)) />
                    <button type="submit" class="small secondary" id="check-address-submit">{t!(l, "preview-check")}</button>
                </div>
                {move || field_error(check.value().get(), "emails")}
                {move || match check.value().get() {
                    Some(Ok(v)) => Some(view! {
                        <p id="address-verdict" role="status"
                            class={if v.accepted { "verdict accepted" } else { "verdict refused" }}
                            data-accepted=v.accepted.to_string()>{v.sentence}</p>
                    }.into_any()),
                    Some(Err(crate::error::AppError::Validation(_))) | None => None,
                    Some(Err(e)) => Some(view! { <crate::pages::ErrorNotice error=e /> }.into_any()),
                }}
            </form>
            <div class="email-preview">
                <button type="button" class="small secondary" id="preview-email"
                    on:click=move |_| { preview.dispatch(()); }>{t!(l, "preview-email")}</button>
                {move || field_error(preview.value().get(), "expires")}
                {move || general_error(preview.value().get())}
                {move || preview.value().get().and_then(Result::ok).map(|p| view! {
                    <div class="preview" id="email-preview">
                        <p class="muted">{t!(l, "preview-note")}</p>
                        <p><strong>{format!("{} ", t!(l, "preview-subject"))}</strong><span id="preview-subject">{p.subject}</span></p>
                        <iframe id="preview-html" title=t!(l, "preview-html-title") sandbox="" srcdoc=p.html></iframe>
                        <pre id="preview-text">{p.text}</pre>
                    </div>
                })}
            </div>
        </section>
    }
    .into_any()
}
