//! `/setup?token=…`: creates the first admin with the one-time link the server logs at first start.

use crate::api::auth::{setup_status, CompleteSetup};
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
    view! {
        <main class="card narrow">
            <h1>"Set up Usher"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match valid.await {
                        Ok(true) => view! {
                            <p>"Create the first administrator account."</p>
                            <ActionForm action=action>
                                <input type="hidden" name="token" value=token />
                                <label for="setup-username">"Username"</label>
                                <input id="setup-username" name="username" required />
                                {err("username")}
                                <label for="setup-email">"Email"</label>
                                <input id="setup-email" name="email" type="email" required />
                                {err("email")}
                                <label for="setup-password">"Password"</label>
                                <input id="setup-password" name="password" type="password" required />
                                {err("password")}
                                <label for="setup-password-repeat">"Password (repeat)"</label>
                                <input id="setup-password-repeat" name="password_repeat" type="password" required />
                                {move || super::general_error(action.value().get())}
                                <button type="submit">"Create administrator"</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! {
                            <p class="error" role="alert">"This set-up link is invalid or has already been used."</p>
                            <p><a href="/login">"Sign in"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}
