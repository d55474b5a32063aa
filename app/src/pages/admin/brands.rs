//! System → Brands: the default application external users are sent to after enrolling or signing in,
//! and the brand's title, logo and accent colour on the invitee's pages and in emails (issue 16 item 5).

use crate::api::admin::{get_brand, save_brand, SaveBrand};
use leptos::prelude::*;

/// The brand settings form: one save for all four values.
#[component]
pub fn BrandsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let brand = Resource::new(move || version.get(), |_| get_brand());
    let url = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let logo = RwSignal::new(String::new());
    let accent = RwSignal::new(String::new());
    let save = Action::new(move |input: &SaveBrand| {
        let input = input.clone();
        async move {
            let r = save_brand(
                input.default_application_url,
                input.branding_title,
                input.branding_logo,
                input.branding_accent,
            )
            .await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveBrand {
            default_application_url: url.get_untracked(),
            branding_title: Some(title.get_untracked()),
            branding_logo: Some(logo.get_untracked()),
            branding_accent: Some(accent.get_untracked()),
        });
    };
    let error =
        move |field: &'static str| move || crate::pages::field_error(save.value().get(), field);
    view! {
        <section class="page">
            <h1>"Brands"</h1>
            <p class="muted">"External users (customers, partners) have no use for this site's dashboard: after enrolling or "
                "signing in they are sent to the default application. Without one they see a note that none is set up. "
                "The title, logo and accent colour are shown on the invitee's pages and in the emails they get."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match brand.await {
                        Ok(b) => {
                            url.set(b.default_application_url.clone());
                            title.set(b.branding_title.clone());
                            logo.set(b.branding_logo.clone());
                            accent.set(b.branding_accent.clone());
                            view! {
                                <form class="token-form" on:submit=submit>
                                    <label for="brand-default-app">"Default application (URL or path)"</label>
                                    <input id="brand-default-app" prop:value=url placeholder="https://apps.example.com/"
                                        on:input=move |ev| url.set(event_target_value(&ev)) />
                                    {error("default_application_url")}
                                    <label for="brand-title">"Title"</label>
                                    <input id="brand-title" prop:value=title placeholder=b.title_default.clone() maxlength="64"
                                        aria-describedby="brand-title-help"
                                        on:input=move |ev| title.set(event_target_value(&ev)) />
                                    <p class="muted" id="brand-title-help">"Names the organisation on the invitee's pages and in email subjects. Empty: "
                                        <code>{b.title_default.clone()}</code> " (USHER_BRAND_NAME, else Usher)."</p>
                                    {error("branding_title")}
                                    <label for="brand-logo">"Logo (URL or path)"</label>
                                    <input id="brand-logo" prop:value=logo placeholder="https://cdn.example.com/logo.svg"
                                        on:input=move |ev| logo.set(event_target_value(&ev)) />
                                    {error("branding_logo")}
                                    <label for="brand-accent">"Accent colour"</label>
                                    <div class="accent-row">
                                        <input id="brand-accent" prop:value=accent placeholder="#c4321a" maxlength="7"
                                            aria-describedby="brand-accent-help"
                                            on:input=move |ev| accent.set(event_target_value(&ev)) />
                                        <input type="color" id="brand-accent-picker" aria-label="Pick the accent colour"
                                            prop:value=move || { let a = accent.get(); if a.len() == 7 { a } else { "#c4321a".into() } }
                                            on:input=move |ev| accent.set(event_target_value(&ev)) />
                                    </div>
                                    <p class="muted" id="brand-accent-help">"Buttons take this colour; their text turns white or black, whichever reads better (WCAG AA)."</p>
                                    {error("branding_accent")}
                                    <button type="submit" id="brand-save">"Save"</button>
                                </form>
                                {(!b.from_environment.is_empty()).then(|| view! {
                                    <p class="muted">"While no default application is saved here, USHER_DEFAULT_APP_URL applies: " <code>{b.from_environment.clone()}</code></p>
                                })}
                                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status" id="brand-saved">"Saved."</p> })}
                            }.into_any()
                        }
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
