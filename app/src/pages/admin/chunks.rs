//! The admin pages whose code loads on demand (issue 37 item 1).
//!
//! The shell, the sidebar and the invitations page (where an admin lands) are in the main WASM; every
//! other admin page is a split point: the release build (`cargo leptos build --split`) moves the code only
//! that page reaches into its own chunk, `/pkg/<chunk>.wasm`, which the browser fetches the first time the
//! page is visited (or preloads, when the server rendered that page: leptos adds a `<link rel=preload>` for
//! it). Without `--split` the same code is one WASM file, as before.
//!
//! A chunk that fails to load (the network dropped, a deploy replaced the files) never leaves a dead page:
//! - on a navigation inside the app, the page's place shows [`ChunkFailed`]: what happened and a Reload
//!   button;
//! - when the chunk of the page the server rendered does not load, the document is not hydrated (only the
//!   chunk's code matches its HTML): the page stays as the server sent it, its links followed by the
//!   browser, and [`ChunkFailed`] is mounted as a banner at the top ([`show_failure_banner`]).
//!
//! leptos 0.8's `#[lazy_route]` panics when a chunk fails (its split points are not `fallible`), so the
//! routes here are written by hand with `wasm_split(…, fallible)`.
//!
//! The browser hydrates synchronously (`hydrate_body`), after [`prepare`] has loaded the chunk of the page
//! the server rendered: the page's code is then at hand when hydration reaches it, and when it could not be
//! loaded, nothing is hydrated against HTML that only that code matches (leptos's `hydrate_lazy` would
//! wait for the chunk inside the hydration, with no way out when it fails).

use crate::t;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A page's chunk could not be fetched or instantiated (the browser console has the details).
#[derive(Debug, Clone, Copy)]
pub struct ChunkError;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// What a lazy route renders once its chunk is settled: the page, or [`ChunkFailed`] in its place.
fn settle(page: Result<AnyView, ChunkError>) -> AnyView {
    match page {
        Ok(view) => view,
        Err(ChunkError) => view! { <ChunkFailed banner=false /> }.into_any(),
    }
}

/// Shows [`ChunkFailed`] as a banner at the top of the document, which is not hydrated: what the
/// browser does when [`prepare`] could not load the chunk of the page the server rendered. The page
/// stays as the server sent it: readable, its links followed by the browser.
#[cfg(feature = "hydrate")]
pub fn show_failure_banner() {
    if let Some(body) = document().body() {
        leptos::mount::mount_to(body, || view! { <ChunkFailed banner=true /> }).forget();
    }
}

/// The notice shown when a page's code could not be loaded: `role="alert"`, a Reload button.
/// `banner`: fixed at the top of the document (during hydration) rather than in the page's place.
#[component]
pub fn ChunkFailed(banner: bool) -> impl IntoView {
    let l = crate::pages::page_locale();
    let class = if banner {
        "card chunk-failed banner"
    } else {
        "card chunk-failed"
    };
    view! {
        <section class=class id="chunk-failed" role="alert">
            <h2>{t!(l, "chunk-failed-title")}</h2>
            <p>{t!(l, "chunk-failed-body")}</p>
            <button type="button" id="chunk-failed-reload" on:click=|_| {
                let _ = window().location().reload();
            }>{t!(l, "chunk-failed-reload")}</button>
        </section>
    }
}

/// One lazy route per page: `Route => chunk, preload, [path segments after /admin/], module::Page`. The chunk's name is the split
/// module's (`/pkg/<chunk>.<hash>.wasm` once split) and the key of leptos's split manifest, which the
/// server reads to preload the chunk of the page it rendered.
macro_rules! lazy_pages {
    ($( $(#[$doc:meta])* $route:ident => $chunk:ident, $preload:ident, $path:pat, $module:ident :: $page:ident; )*) => {
        /// Loads the chunk of the admin page at `path` (a location's path, e.g. `/admin/users`), if it
        /// has one, so that the page can be hydrated synchronously (`hydrate_body`, which cannot wait
        /// for a chunk).
        ///
        /// # Errors
        /// [`ChunkError`] when the chunk could not be loaded: the document cannot be hydrated (its HTML
        /// is the page's, which only the chunk's code matches); see [`show_failure_banner`].
        pub async fn prepare(path: &str) -> Result<(), ChunkError> {
            let Some(rest) = path.strip_prefix("/admin/") else {
                return Ok(());
            };
            let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
            match segments.as_slice() {
                $( $path => Ok($preload().await?), )*
                _ => Ok(()),
            }
        }
        $(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $route;

        #[::leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            preload(#[doc(hidden)] $preload),
            fallible
        )]
        fn $chunk() -> Result<AnyView, ChunkError> {
            use crate::pages::admin::$module::$page;
            Ok(view! { <$page /> }.into_any())
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                #[cfg(feature = "ssr")]
                leptos::prefetch_lazy_fn_on_server(stringify!($chunk));
                settle($chunk().await)
            }

            async fn preload() {
                // A failure here is met again, and shown, when the page is rendered.
                let _ = $preload().await;
            }
        }
    )* };
}

lazy_pages! {
    /// Campaigns (`/admin/campaigns`).
    Campaigns => admin_campaigns, preload_admin_campaigns, ["campaigns"], campaigns::CampaignsPage;
    /// A campaign (`/admin/campaigns/{pk}`).
    Campaign => admin_campaign, preload_admin_campaign, ["campaigns", _], campaigns::CampaignDetailPage;
    /// Directory → Users.
    Users => admin_users, preload_admin_users, ["users"], users::UsersPage;
    /// Directory → Groups.
    Groups => admin_groups, preload_admin_groups, ["groups"], directory::GroupsPage;
    /// Directory → Roles.
    Roles => admin_roles, preload_admin_roles, ["roles"], directory::RolesPage;
    /// Directory → Approvals.
    Approvals => admin_approvals, preload_admin_approvals, ["approvals"], approvals::ApprovalsPage;
    /// Events → Outbox.
    Outbox => admin_outbox, preload_admin_outbox, ["outbox"], outbox::OutboxPage;
    /// System → Tokens.
    Tokens => admin_tokens, preload_admin_tokens, ["tokens"], tokens::TokensPage;
    /// Flows.
    Flows => admin_flows, preload_admin_flows, ["flows"], flows::FlowsPage;
    /// Policies.
    Policies => admin_policies, preload_admin_policies, ["policies"], policies::PoliciesPage;
    /// System → Brands.
    Brands => admin_brands, preload_admin_brands, ["brands"], brands::BrandsPage;
    /// System → Email.
    Email => admin_email, preload_admin_email, ["email"], email::EmailPage;
    /// Events.
    Events => admin_events, preload_admin_events, ["events"], events::EventsPage;
    /// Webhooks.
    Webhooks => admin_webhooks, preload_admin_webhooks, ["webhooks"], webhooks::WebhooksPage;
}
