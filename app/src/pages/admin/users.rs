//! Directory → Users: who is there, with type, path, groups and roles.

use crate::api::admin::list_users;
use leptos::prelude::*;

/// The users table.
#[component]
pub fn UsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    let join = |v: &[String]| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.join(", ")
        }
    };
    view! {
        <section class="page">
            <h1>"Users"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(rows) => view! {
                            <table class="table users">
                                <thead><tr>
                                    <th>"Username"</th><th>"Name"</th><th>"Email"</th><th>"Type"</th><th>"Path"</th>
                                    <th>"Groups"</th><th>"Roles"</th><th>"Last sign-in"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|u| view! {
                                        <tr data-username=u.username.clone()>
                                            <td>{u.username.clone()}
                                                {u.is_superuser.then(|| view! { " " <span class="badge ok">"admin"</span> })}
                                                {(!u.is_active).then(|| view! { " " <span class="badge off">"inactive"</span> })}
                                            </td>
                                            <td>{u.name.clone()}</td>
                                            <td>{u.email.clone()}</td>
                                            <td data-testid="user-type">{u.user_type.clone()}</td>
                                            <td data-testid="user-path">{u.path.clone()}</td>
                                            <td data-testid="user-groups">{join(&u.groups)}</td>
                                            <td data-testid="user-roles">{join(&u.roles)}</td>
                                            <td>{u.last_login.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
