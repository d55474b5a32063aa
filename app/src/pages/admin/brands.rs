//! System → Brands: the default application external users are sent to after enrolling or signing in,
//! and the brand's title, logo and accent colour on the invitee's pages and in emails (issue 16 item 5).

use crate::api::admin::{get_brand, save_brand, SaveBrand};
use crate::t;
use leptos::prelude::*;

/// The brand settings form: one save for all four values.
#[component]
pub fn BrandsPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let brand = Resource::new(move || version.get(), |_| get_brand());
    let url = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let logo = RwSignal::new(String::new());
    let accent = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let save = Action::new(move |input: &SaveBrand| {
        let input = input.clone();
        async move {
            let r = save_brand(
                input.default_application_url,
                input.branding_title,
                input.branding_logo,
                input.branding_accent,
                input.default_locale,
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
            default_locale: Some(language.get_untracked()),
        });
    };
    let error =
        move |field: &'static str| move || crate::pages::field_error(save.value().get(), field);
    view! {
        <section class="page">
            <h1>{t!(l, "brands-title")}</h1>
            <p class="muted">{t!(l, "brands-intro")}</p>
            <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match brand.await {
                        Ok(b) => {
                            url.set(b.default_application_url.clone());
                            title.set(b.branding_title.clone());
                            logo.set(b.branding_logo.clone());
                            accent.set(b.branding_accent.clone());
                            language.set(b.default_locale.clone());
                            let env_language = crate::i18n::Locale::parse(&b.locale_default).unwrap_or_default();
                            view! {
                                <form class="token-form" on:submit=submit>
                                    <label for="brand-default-app">{t!(l, "brands-default-app-label")}</label>
                                    <input id="brand-default-app" prop:value=url placeholder="https://apps.example.com/"
                                        on:input=move |ev| url.set(event_target_value(&ev)) />
                                    {error("default_application_url")}
                                    <label for="brand-title">{t!(l, "brands-title-label")}</label>
                                    <input id="brand-title" prop:value=title placeholder=b.title_default.clone() maxlength="64"
                                        aria-describedby="brand-title-help"
                                        on:input=move |ev| title.set(event_target_value(&ev)) />
                                    <p class="muted" id="brand-title-help">{format!("{} ", t!(l, "brands-title-help"))}
                                        <code>{b.title_default.clone()}</code> {format!(" {}", t!(l, "brands-title-help-default"))}</p>
                                    {error("branding_title")}
                                    <label for="brand-logo">{t!(l, "brands-logo-label")}</label>
                                    <input id="brand-logo" prop:value=logo placeholder="https://cdn.example.com/logo.svg"
                                        on:input=move |ev| logo.set(event_target_value(&ev)) />
                                    {error("branding_logo")}
                                    <label for="brand-accent">{t!(l, "brands-accent-label")}</label>
                                    <div class="accent-row">
                                        <input id="brand-accent" prop:value=accent placeholder="#c4321a" maxlength="7"
                                            aria-describedby="brand-accent-help"
                                            on:input=move |ev| accent.set(event_target_value(&ev)) />
                                        <input type="color" id="brand-accent-picker" aria-label=t!(l, "brands-accent-picker")
                                            prop:value=move || { let a = accent.get(); if a.len() == 7 { a } else { "#c4321a".into() } }
                                            on:input=move |ev| accent.set(event_target_value(&ev)) />
                                    </div>
                                    <p class="muted" id="brand-accent-help">{t!(l, "brands-accent-help")}</p>
                                    {error("branding_accent")}
                                    <label for="brand-locale">{t!(l, "brands-locale-label")}</label>
                                    <select id="brand-locale" aria-describedby="brand-locale-help" prop:value=language
                                        on:change=move |ev| language.set(event_target_value(&ev))>
                                        <option value="">{t!(l, "brands-locale-environment", language = env_language.native_name())}</option>
                                        {crate::i18n::Locale::ALL.into_iter().map(|o| view! {
                                            <option value=o.code()>{o.native_name()}</option>
                                        }).collect_view()}
                                    </select>
                                    <p class="muted" id="brand-locale-help">{t!(l, "brands-locale-help")}</p>
                                    {error("default_locale")}
                                    <button type="submit" id="brand-save">{t!(l, "brands-save")}</button>
                                </form>
                                {(!b.from_environment.is_empty()).then(|| view! {
                                    <p class="muted">{format!("{} ", t!(l, "brands-env-default-app"))} <code>{b.from_environment.clone()}</code></p>
                                })}
                                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status" id="brand-saved">{t!(l, "brands-saved")}</p> })}
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
