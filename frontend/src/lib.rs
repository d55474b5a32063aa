//! The WASM entry point: hydrates the server-rendered page, once the chunk of the admin page it shows
//! (if it has one) is loaded (`usher_app::pages::admin::chunks::prepare`).

/// Called by the generated JS once the WASM is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    wasm_bindgen_futures::spawn_local(async move {
        match usher_app::pages::admin::chunks::prepare(&path).await {
            Ok(()) => leptos::mount::hydrate_body(usher_app::App),
            Err(_) => usher_app::pages::admin::chunks::show_failure_banner(),
        }
    });
}
