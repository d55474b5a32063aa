//! The admin dashboard: an authentik-like sidebar and the Directory pages.

pub mod brands;
pub mod campaigns;
pub mod codes;
pub mod directory;
pub mod email;
pub mod events;
pub mod flows;
pub mod invitation_links;
pub mod invitation_preview;
pub mod invitations;
pub mod local_time;
pub mod outbox;
pub mod policies;
pub mod table;
pub mod tokens;
pub mod users;
pub mod webhooks;

use crate::api::auth::{get_current_user, Logout};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

/// Layout of `/admin/*`: superusers see the sidebar and the page; other signed-in users a 403 notice
/// (the server also answers 403); anonymous visitors are sent to `/login` by the server.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());
    let logout = ServerAction::<Logout>::new();
    let location = leptos_router::hooks::use_location();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if u.is_superuser => view! {
                        <div class="admin">
                            <nav class="sidebar" aria-label="Admin">
                                <a class="brand" href="/admin/invitations">"Usher"</a>
                                <p class="section">"Directory"</p>
                                <A href="/admin/invitations">"Invitations"</A>
                                <A href="/admin/campaigns">"Campaigns"</A>
                                <A href="/admin/users">"Users"</A>
                                <A href="/admin/groups">"Groups"</A>
                                <A href="/admin/roles">"Roles"</A>
                                <A href="/admin/outbox">"Outbox"</A>
                                <A href="/admin/tokens">"Tokens"</A>
                                <p class="section">"Flows & Stages"</p>
                                <A href="/admin/flows">"Flows"</A>
                                <A href="/admin/policies">"Policies"</A>
                                <p class="section">"System"</p>
                                <A href="/admin/brands">"Brands"</A>
                                <A href="/admin/email">"Email"</A>
                                <A href="/admin/events">"Events"</A>
                                <A href="/admin/webhooks">"Webhooks"</A>
                            </nav>
                            <div class="admin-main">
                                <header class="topbar">
                                    <span class="who">"Signed in as " <strong data-testid="admin-username">{u.username.clone()}</strong></span>
                                    <crate::pages::ThemeForm next=Signal::derive(move || location.pathname.get()) locale=crate::i18n::Locale::En />
                                    <ActionForm action=logout>
                                        <button type="submit" class="secondary small">"Sign out"</button>
                                    </ActionForm>
                                </header>
                                <email::MailBanner />
                                <codes::CodeGuessingBanner />
                                <Outlet />
                            </div>
                        </div>
                    }.into_any(),
                    Ok(Some(_)) => view! {
                        <main class="card narrow">
                            <h1>"403 — Forbidden"</h1>
                            <p>"The admin dashboard is for administrators. Your account does not have admin rights."</p>
                            <p><a href="/">"Go to your profile"</a></p>
                        </main>
                    }.into_any(),
                    _ => view! {
                        <main class="card narrow">
                            <h1>"Sign in required"</h1>
                            <p><a href="/login?next=/admin/invitations">"Sign in"</a></p>
                        </main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// A boxed admin action (a server-function call) for [`run_and_refresh`].
pub type AdminAction = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>;

/// Runs an admin action in the background, then shows its error in `notice` (or clears it) and bumps
/// `version`, which the page's list resource depends on, so the list reloads.
pub fn run_and_refresh(
    action: AdminAction,
    notice: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) {
    leptos::task::spawn_local(async move {
        match action.await {
            Ok(()) => notice.set(None),
            Err(e) => notice.set(Some(e.to_string())),
        }
        version.update(|v| *v += 1);
    });
}
