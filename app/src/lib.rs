//! Usher's application crate: the UI (pages and components), the `#[server]` functions, the types shared
//! by browser and server, and — behind the `ssr` feature — the server-side services and storage.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use pages::admin::chunks;

/// The stylesheet's path: `/{pkg}/{output}.css`, or with `options.hash_files` its cargo-leptos hashed name
/// `/{pkg}/{output}.{hash}.css` from the `css:` line of the hash file beside the executable (what
/// leptos_meta's `HashedStylesheet` reads on every render; read once per site here, since every page,
/// the landing page too, links it).
fn stylesheet_href(options: &LeptosOptions) -> &'static str {
    type Key = (bool, String, String);
    static HREFS: std::sync::Mutex<Vec<(Key, &'static str)>> = std::sync::Mutex::new(Vec::new());
    let key: Key = (
        options.hash_files,
        options.hash_file.to_string(),
        options.site_root.to_string(),
    );
    let mut hrefs = HREFS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, href)) = hrefs.iter().find(|(k, _)| *k == key) {
        return href;
    }
    let hash = options
        .hash_files
        .then(|| {
            let exe = std::env::current_exe().ok()?;
            let text =
                std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()?;
            text.lines()
                .filter_map(|l| l.trim().split_once(':'))
                .find(|(k, _)| k.trim() == "css")
                .map(|(_, v)| v.trim().to_owned())
        })
        .flatten();
    let href: &'static str = match hash {
        Some(h) => format!("/{}/{}.{h}.css", options.site_pkg_dir, options.output_name),
        None => format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
    }
    .leak();
    hrefs.push((key, href));
    href
}

/// The HTML document around the app (server side).
///
/// The stylesheet is `/pkg/usher.css`, or its cargo-leptos `hash-files` name (`usher.<hash>.css`, read
/// from `hash.txt` when `options.hash_files` is set), linked here once: the shell is not hydrated, so
/// the link is not a `leptos_meta` tag of [`App`].
///
/// The invitee's pages ([`domain::web::page_ships_wasm`]) are plain HTML: no hydration script or WASM, a
/// policy that lets only the inline resource-data script run, and `body[data-static]` (where the other pages get `body[data-hydrated]` once the WASM
/// has hydrated them).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let ships_wasm = use_context::<http::request::Parts>()
        .is_none_or(|parts| domain::web::page_ships_wasm(parts.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let ships_wasm = true;
    // The page's Content-Security-Policy names the nonce Leptos put on this render's scripts.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(opts)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(v) = http::HeaderValue::from_str(&domain::web::page_csp(&nonce, ships_wasm)) {
            opts.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    let stylesheet = view! { <link rel="stylesheet" id="leptos" href=stylesheet_href(&options) /> };
    // The brand's accent colour (System → Brands), after the palette it overrides; its title as the
    // application's name, which the hydrated pages read back ([`pages::page_brand`]).
    let brand = pages::page_brand();
    let brand_stylesheet = brand
        .stylesheet
        .map(|href| view! { <link rel="stylesheet" id="brand" href=href /> });
    let application_name = brand.title;
    // The theme the visitor chose (issue 16 item 5); none follows the system's.
    let theme = pages::page_theme().attribute();
    let scripts = ships_wasm.then(|| {
        view! {
            <AutoReload options=options.clone() />
            <HydrationScripts options />
        }
    });
    view! {
        <!DOCTYPE html>
        <html data-theme=theme>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="referrer" content="same-origin" />
                <meta name="application-name" content=application_name />
                <link rel="icon" href="data:," />
                {stylesheet}
                {brand_stylesheet}
                {scripts}
                <MetaTags />
            </head>
            <body data-static=(!ships_wasm).then_some("true")>
                <App />
            </body>
        </html>
    }
}

/// The application: routes of the invitee journey, sign-in, set-up and the admin dashboard.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the document once the WASM has hydrated (end-to-end tests wait for it).
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    // Every page renders in `SsrMode::Async` (all resources resolved before the first byte): pages are small,
    // status codes (403, 404, 410) must be set before the head is sent, and out-of-order streaming was seen
    // to stall under load.
    // Every page says its own language in `<html lang>` (issue 16): each sets it once it knows it.
    view! {
        <Title text="Usher" />
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/setup") view=pages::setup::SetupPage ssr=SsrMode::Async />
                <Route path=path!("/if/flow/:slug/") view=pages::flow::FlowPage ssr=SsrMode::Async />
                <Route path=path!("/if/accept/") view=pages::flow::AcceptPage ssr=SsrMode::Async />
                <Route path=path!("/if/user/invitations") view=pages::my_invitations::MyInvitationsPage ssr=SsrMode::Async />
                <Route path=path!("/if/pending/") view=pages::approvals::PendingPage ssr=SsrMode::Async />
                <Route path=path!("/if/approval/:pk") view=pages::approvals::ApprovalPage ssr=SsrMode::Async />
                <ParentRoute path=path!("/admin") view=pages::admin::AdminLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/admin/invitations" /> } />
                    <Route path=path!("invitations") view=pages::admin::invitations::InvitationsPage />
                    <Route path=path!("campaigns") view={Lazy::<chunks::Campaigns>::new()} />
                    <Route path=path!("campaigns/:pk") view={Lazy::<chunks::Campaign>::new()} />
                    <Route path=path!("users") view={Lazy::<chunks::Users>::new()} />
                    <Route path=path!("groups") view={Lazy::<chunks::Groups>::new()} />
                    <Route path=path!("roles") view={Lazy::<chunks::Roles>::new()} />
                    <Route path=path!("approvals") view={Lazy::<chunks::Approvals>::new()} />
                    <Route path=path!("outbox") view={Lazy::<chunks::Outbox>::new()} />
                    <Route path=path!("tokens") view={Lazy::<chunks::Tokens>::new()} />
                    <Route path=path!("flows") view={Lazy::<chunks::Flows>::new()} />
                    <Route path=path!("policies") view={Lazy::<chunks::Policies>::new()} />
                    <Route path=path!("brands") view={Lazy::<chunks::Brands>::new()} />
                    <Route path=path!("email") view={Lazy::<chunks::Email>::new()} />
                    <Route path=path!("events") view={Lazy::<chunks::Events>::new()} />
                    <Route path=path!("webhooks") view={Lazy::<chunks::Webhooks>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
