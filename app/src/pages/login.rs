//! `/login`.

use crate::api::auth::Login;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The sign-in form. `?next=` (a same-origin relative path) is where a successful sign-in goes.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<Login>::new();
    view! {
        <main class="card narrow">
            <h1>"Sign in to Usher"</h1>
            <ActionForm action=action>
                <input type="hidden" name="next" value=next />
                <label for="login-username">"Username"</label>
                <input id="login-username" name="username" autocomplete="username" required />
                <label for="login-password">"Password"</label>
                <input id="login-password" type="password" name="password" autocomplete="current-password" required />
                {move || super::general_error(action.value().get())}
                <button type="submit">"Sign in"</button>
            </ActionForm>
        </main>
    }
    .into_any()
}
