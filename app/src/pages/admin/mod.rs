//! The admin dashboard: an authentik-like sidebar and the Directory pages.

pub mod approvals;
pub mod brands;
pub mod campaigns;
pub mod chunks;
pub mod codes;
pub mod directory;
pub mod email;
pub mod events;
pub mod flows;
pub mod invitation_links;
pub mod invitation_preview;
pub mod invitations;
pub mod inviters;
pub mod local_time;
pub mod outbox;
pub mod policies;
pub mod table;
pub mod tokens;
pub mod users;
pub mod webhooks;

use crate::api::auth::{get_current_user, Logout};
use crate::error::AppError;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

/// Layout of `/admin/*`: superusers see the sidebar and the page; other signed-in users a 403 notice
/// (the server also answers 403); anonymous visitors are sent to `/login` by the server.
///
/// The dashboard speaks the admin's language (issue 16 item 1): the switcher's choice, else the account's
/// preferred language (`attributes.settings.locale`), else `Accept-Language`, else the brand default.
/// The server writes it into `<html lang>`, which the hydrated app reads back ([`page_locale_with`]),
/// and provides it to the pages ([`crate::pages::page_locale`]).
///
/// [`page_locale_with`]: crate::pages::page_locale_with
#[component]
pub fn AdminLayout() -> impl IntoView {
    use crate::pages::{page_locale_with, PageLocale};
    let user = Resource::new(|| (), |_| get_current_user());
    let logout = ServerAction::<Logout>::new();
    let location = leptos_router::hooks::use_location();
    view! {
        <Suspense fallback=|| view! { <p>{t!(crate::pages::page_locale(), "page-loading")}</p> }>
            {move || Suspend::new(async move {
                let account = user.await;
                let l = page_locale_with(account.as_ref().ok().and_then(|u| u.as_ref()).and_then(|u| u.locale));
                provide_context(PageLocale(l));
                let here = Signal::derive(move || location.pathname.get());
                let page = match account {
                    Ok(Some(u)) if u.is_superuser => view! {
                        <div class="admin">
                            <nav class="sidebar" aria-label=t!(l, "admin-nav-label")>
                                <a class="brand" href="/admin/invitations">{crate::pages::page_brand().title}</a>
                                <p class="section">{t!(l, "admin-nav-directory")}</p>
                                <A href="/admin/invitations">{t!(l, "admin-nav-invitations")}</A>
                                <A href="/admin/campaigns">{t!(l, "admin-nav-campaigns")}</A>
                                <A href="/admin/users">{t!(l, "admin-nav-users")}</A>
                                <A href="/admin/groups">{t!(l, "admin-nav-groups")}</A>
                                <A href="/admin/roles">{t!(l, "admin-nav-roles")}</A>
                                <A href="/admin/approvals">{t!(l, "admin-nav-approvals")}</A>
                                <A href="/admin/outbox">{t!(l, "admin-nav-outbox")}</A>
                                <A href="/admin/tokens">{t!(l, "admin-nav-tokens")}</A>
                                <p class="section">{t!(l, "admin-nav-flows-stages")}</p>
                                <A href="/admin/flows">{t!(l, "admin-nav-flows")}</A>
                                <A href="/admin/policies">{t!(l, "admin-nav-policies")}</A>
                                <p class="section">{t!(l, "admin-nav-system")}</p>
                                <A href="/admin/brands">{t!(l, "admin-nav-brands")}</A>
                                <A href="/admin/email">{t!(l, "admin-nav-email")}</A>
                                <A href="/admin/events">{t!(l, "admin-nav-events")}</A>
                                <A href="/admin/webhooks">{t!(l, "admin-nav-webhooks")}</A>
                            </nav>
                            <div class="admin-main">
                                <header class="topbar">
                                    <span class="who">{t!(l, "admin-signed-in-as")} " " <strong data-testid="admin-username">{u.username.clone()}</strong></span>
                                    <crate::pages::flow::LanguageForm locale=l next=here />
                                    <crate::pages::ThemeForm next=here locale=l />
                                    <ActionForm action=logout>
                                        <button type="submit" class="secondary small">{t!(l, "admin-sign-out")}</button>
                                    </ActionForm>
                                </header>
                                <email::MailBanner />
                                <codes::CodeGuessingBanner />
                                // Until the page hydrates (body[data-hydrated] hides it): what works without
                                // JavaScript. The invitations page says it for itself.
                                {move || (here.get() != "/admin/invitations").then(|| view! {
                                    <p class="no-js-notice" role="note" id="admin-no-js-notice">{t!(l, "admin-no-js-notice")}</p>
                                })}
                                <Outlet />
                            </div>
                        </div>
                    }.into_any(),
                    Ok(Some(_)) => view! {
                        <main class="card narrow">
                            <h1>{t!(l, "admin-forbidden-title")}</h1>
                            <p>{t!(l, "admin-forbidden-body")}</p>
                            <p><a href="/">{t!(l, "admin-forbidden-profile")}</a></p>
                        </main>
                    }.into_any(),
                    _ => view! {
                        <main class="card narrow">
                            <h1>{t!(l, "admin-sign-in-required")}</h1>
                            <p><a href="/login?next=/admin/invitations">{t!(l, "admin-sign-in")}</a></p>
                        </main>
                    }.into_any(),
                };
                view! { <leptos_meta::Html {..} lang=l.code() /> {page} }
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
            Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
        }
        version.update(|v| *v += 1);
    });
}
