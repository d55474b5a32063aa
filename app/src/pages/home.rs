//! `/`: the signed-in user's profile, groups and roles.

use crate::api::auth::{get_current_user, get_default_application, Logout};
use leptos::prelude::*;

/// The start page.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());
    let app = Resource::new(|| (), |_| get_default_application());
    let logout = ServerAction::<Logout>::new();
    view! {
        <main class="card">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) => view! {
                            <h1>"Welcome, " {if u.name.is_empty() { u.username.clone() } else { u.name.clone() }}</h1>
                            <dl class="profile">
                                <dt>"Username"</dt><dd data-testid="profile-username">{u.username.clone()}</dd>
                                <dt>"Name"</dt><dd data-testid="profile-name">{u.name.clone()}</dd>
                                <dt>"Email"</dt><dd data-testid="profile-email">{u.email.clone()}</dd>
                                <dt>"User type"</dt><dd data-testid="profile-type">{u.user_type.as_str()}</dd>
                                <dt>"Path"</dt><dd data-testid="profile-path">{u.path.clone()}</dd>
                                <dt>"Groups"</dt><dd data-testid="profile-groups">{join_or_none(&u.groups)}</dd>
                                <dt>"Roles"</dt><dd data-testid="profile-roles">{join_or_none(&u.roles)}</dd>
                            </dl>
                            {u.is_superuser.then(|| view! { <p><a href="/admin/invitations">"Open the admin dashboard"</a></p> })}
                            {(u.user_type == crate::domain::flow::UserType::External).then(|| view! {
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        match app.await {
                                            Ok(Some(url)) => view! {
                                                <p class="notice"><a class="button" id="default-application" href=url.clone()>"Continue to your application"</a></p>
                                            }.into_any(),
                                            _ => view! {
                                                <p class="warning" id="no-default-application" role="status">
                                                    "Your account is an external account: it gives access to the applications you were invited to, "
                                                    "not to this site's dashboard. No default application is set up yet, so there is nowhere to send you. "
                                                    "Ask your administrator to set one in System → Brands."
                                                </p>
                                            }.into_any(),
                                        }
                                    })}
                                </Suspense>
                            })}
                            <ActionForm action=logout>
                                <button type="submit" class="secondary">"Sign out"</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(None) => view! {
                            <h1>"Usher"</h1>
                            <p>"Invitations and enrollment. Follow the link in your invitation, or sign in."</p>
                            <p><a class="button" href="/login">"Sign in"</a></p>
                        }.into_any(),
                        Err(e) => view! { <super::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

fn join_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
