//! `/setup?token=…`: creates the first admin with the one-time link the server logs at first start.

use crate::api::auth::{setup_status, CompleteSetup};
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The first-admin form, or a notice that the link is invalid or used.
#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, setup_status);
    let action = ServerAction::<CompleteSetup>::new();
    let err = move |f: &'static str| move || super::field_error(action.value().get(), f);
    // The visitor's language: the switcher's cookie, `Accept-Language`, the brand default.
    let l = super::page_locale();
    view! {
        <leptos_meta::Html {..} lang=l.code() />
        <main class="card narrow">
            <h1>{t!(l, "setup-title")}</h1>
            <Suspense fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match valid.await {
                        Ok(true) => view! {
                            <p>{t!(l, "setup-intro")}</p>
                            <ActionForm action=action>
                                <input type="hidden" name="token" value=token />
                                <label for="setup-username">{t!(l, "setup-username")}</label>
                                <input id="setup-username" name="username" autocomplete="username" required />
                                {err("username")}
                                <label for="setup-email">{t!(l, "setup-email")}</label>
                                <input id="setup-email" name="email" type="email" autocomplete="email" required />
                                {err("email")}
                                <label for="setup-password">{t!(l, "setup-password")}</label>
                                <input id="setup-password" name="password" type="password" autocomplete="new-password" required />
                                {err("password")}
                                <label for="setup-password-repeat">{t!(l, "setup-password-repeat")}</label>
                                <input id="setup-password-repeat" name="password_repeat" type="password" autocomplete="new-password" required />
                                {move || super::general_error(action.value().get())}
                                <button type="submit">{t!(l, "setup-submit")}</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! {
                            <p class="error" role="alert">{t!(l, "setup-invalid")}</p>
                            <p><a href="/login">{t!(l, "home-sign-in")}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}
