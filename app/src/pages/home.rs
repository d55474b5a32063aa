//! `/`: the signed-in user's profile, groups and roles, in their language (the switcher's choice, else
//! the account's preferred one, else `Accept-Language`; issue 16 item 1).

use crate::api::auth::{get_current_user, get_default_application, Logout};
use crate::i18n::Locale;
use crate::t;
use leptos::prelude::*;

/// The start page.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());
    let app = Resource::new(|| (), |_| get_default_application());
    let inviter = Resource::new(|| (), |_| crate::api::inviting::may_invite());
    let logout = ServerAction::<Logout>::new();
    view! {
        <main class="card">
            <super::BrandBar />
            <Suspense fallback=|| view! { <p>{t!(super::page_locale(), "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    let user = user.await;
                    let l = super::page_locale_with(user.as_ref().ok().and_then(|u| u.as_ref()).and_then(|u| u.locale));
                    let page = match user {
                        Ok(Some(u)) => view! {
                            <h1>{t!(l, "home-welcome", name = if u.name.is_empty() { u.username.clone() } else { u.name.clone() })}</h1>
                            <dl class="profile">
                                <dt>{t!(l, "home-username")}</dt><dd data-testid="profile-username">{u.username.clone()}</dd>
                                <dt>{t!(l, "home-name")}</dt><dd data-testid="profile-name">{u.name.clone()}</dd>
                                <dt>{t!(l, "home-email")}</dt><dd data-testid="profile-email">{u.email.clone()}</dd>
                                <dt>{t!(l, "home-user-type")}</dt><dd data-testid="profile-type">{u.user_type.label(l)}</dd>
                                <dt>{t!(l, "home-path")}</dt><dd data-testid="profile-path">{u.path.clone()}</dd>
                                <dt>{t!(l, "home-groups")}</dt><dd data-testid="profile-groups">{join_or_none(l, &u.groups)}</dd>
                                <dt>{t!(l, "home-roles")}</dt><dd data-testid="profile-roles">{join_or_none(l, &u.roles)}</dd>
                            </dl>
                            {u.is_superuser.then(|| view! { <p><a href="/admin/invitations">{t!(l, "home-open-admin")}</a></p> })}
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    inviter.await.unwrap_or(false).then(|| view! {
                                        <p><a id="my-invitations" href="/if/user/invitations">{t!(l, "home-my-invitations")}</a></p>
                                    })
                                })}
                            </Suspense>
                            {(u.user_type == crate::domain::flow::UserType::External).then(|| view! {
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        match app.await {
                                            Ok(Some(url)) => view! {
                                                <p class="notice"><a class="button" id="default-application" href=url.clone()>{t!(l, "home-continue-app")}</a></p>
                                            }.into_any(),
                                            _ => view! {
                                                <p class="warning" id="no-default-application" role="status">
                                                    {t!(l, "home-no-default-app")}
                                                </p>
                                            }.into_any(),
                                        }
                                    })}
                                </Suspense>
                            })}
                            <ActionForm action=logout>
                                <button type="submit" class="secondary">{t!(l, "home-sign-out")}</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(None) => view! {
                            <h1>{super::page_brand().title}</h1>
                            <p>{t!(l, "home-intro")}</p>
                            <p><a class="button" href="/login">{t!(l, "home-sign-in")}</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any(),
                    };
                    view! { <leptos_meta::Html {..} lang=l.code() /> <super::PageTools locale=l next="/" /> {page} }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

fn join_or_none(l: Locale, items: &[String]) -> String {
    if items.is_empty() {
        t!(l, "home-none")
    } else {
        items.join(", ")
    }
}
