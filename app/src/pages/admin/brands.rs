//! System → Brands: the default application external users are sent to after enrolling or signing in.

use crate::api::admin::{get_brand, save_brand};
use leptos::prelude::*;

/// The brand settings form.
#[component]
pub fn BrandsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let brand = Resource::new(move || version.get(), |_| get_brand());
    let url = RwSignal::new(String::new());
    let save = Action::new(move |u: &String| {
        let u = u.clone();
        async move {
            let r = save_brand(u).await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    view! {
        <section class="page">
            <h1>"Brands"</h1>
            <p class="muted">"External users (customers, partners) have no use for this site's dashboard: after enrolling or "
                "signing in they are sent to the default application. Without one they see a note that none is set up."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match brand.await {
                        Ok(b) => {
                            url.set(b.default_application_url.clone());
                            view! {
                                <form class="token-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(url.get_untracked()); }>
                                    <label for="brand-default-app">"Default application (URL or path)"</label>
                                    <input id="brand-default-app" prop:value=url placeholder="https://apps.example.com/"
                                        on:input=move |ev| url.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(save.value().get(), "default_application_url")}
                                    <button type="submit" id="brand-save">"Save"</button>
                                </form>
                                {(!b.from_environment.is_empty()).then(|| view! {
                                    <p class="muted">"While nothing is saved here, USHER_DEFAULT_APP_URL applies: " <code>{b.from_environment.clone()}</code></p>
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
