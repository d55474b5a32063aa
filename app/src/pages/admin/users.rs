//! Directory → Users: a path tree (`users/external`, `users/internal/engineering`) beside the table of
//! users with type, groups, roles, active and last sign-in; a user's detail (groups and roles, the
//! invitation that created the account) with Deactivate/Activate and Delete.

use crate::api::admin::{delete_user, list_users, set_user_active};
use crate::domain::user::{path_tree, under};
use crate::model::UserRow;
use leptos::prelude::*;

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(", ")
    }
}

/// The users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let users = Resource::new(move || version.get(), |_| list_users());
    let selected = RwSignal::new(String::new());
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <section class="page">
            <h1>"Users"</h1>
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(rows) => {
                            let tree = path_tree(&rows.iter().map(|u| u.path.clone()).collect::<Vec<_>>());
                            let total = rows.len();
                            view! {
                                <div class="directory">
                                    <nav class="path-tree" aria-label="User paths">
                                        <button class="path" class:current=move || selected.get().is_empty()
                                            on:click=move |_| selected.set(String::new())>{format!("All users ({total})")}</button>
                                        {tree.into_iter().map(|(path, depth, n)| {
                                            let p = path.clone();
                                            let p2 = path.clone();
                                            let leaf = path.rsplit('/').next().unwrap_or("").to_owned();
                                            view! {
                                                <button class=format!("path depth-{}", depth.min(6)) data-path=path.clone()
                                                    class:current=move || selected.get() == p2
                                                    on:click=move |_| selected.set(p.clone())>{format!("{leaf} ({n})")}</button>
                                            }
                                        }).collect_view()}
                                    </nav>
                                    <table class="table users">
                                        <thead><tr>
                                            <th></th><th>"Username"</th><th>"Name"</th><th>"Email"</th><th>"Type"</th><th>"Path"</th>
                                            <th>"Groups"</th><th>"Active"</th><th>"Last sign-in"</th>
                                        </tr></thead>
                                        {rows.into_iter().map(|u| {
                                            let path = u.path.clone();
                                            view! {
                                                <UserLine u version notice hidden=Signal::derive(move || !under(&path, &selected.get())) />
                                            }
                                        }).collect_view()}
                                    </table>
                                </div>
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

#[component]
fn UserLine(
    u: UserRow,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    hidden: Signal<bool>,
) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let pk = u.pk;
    let active = u.is_active;
    let act = move |fut: super::AdminAction| super::run_and_refresh(fut, notice, version);
    let username = u.username.clone();
    view! {
        <tbody class="user" data-username=u.username.clone() class:hidden=move || hidden.get()>
            <tr class="summary" on:click=move |_| expanded.update(|e| *e = !*e)>
                <td><button class="expand small secondary" aria-label="Expand">{move || if expanded.get() { "▾" } else { "▸" }}</button></td>
                <td>{u.username.clone()}{u.is_superuser.then(|| view! { " " <span class="badge ok">"admin"</span> })}</td>
                <td>{u.name.clone()}</td>
                <td>{u.email.clone()}</td>
                <td data-testid="user-type">{u.user_type.as_str()}</td>
                <td data-testid="user-path">{u.path.clone()}</td>
                <td data-testid="user-groups">{join(&u.groups)}</td>
                <td data-testid="user-active">{if u.is_active { "yes" } else { "no" }}</td>
                <td>{u.last_login.clone()}</td>
            </tr>
            <tr class="details" class:hidden=move || !expanded.get()>
                <td></td>
                <td colspan="8">
                    <dl class="facts">
                        <dt>"Groups"</dt><dd data-testid="detail-groups">{join(&u.groups)}</dd>
                        <dt>"Roles"</dt><dd data-testid="detail-roles">{join(&u.roles)}</dd>
                        <dt>"Created through"</dt>
                        <dd data-testid="detail-invitation">{u.created_by_invitation.clone().unwrap_or_else(|| "— (not through an invitation)".into())}</dd>
                    </dl>
                    <div class="actions">
                        <button class="small secondary toggle-active" on:click=move |_| act(Box::pin(set_user_active(pk, !active)))>
                            {if active { "Deactivate" } else { "Activate" }}
                        </button>
                        <Show when=move || confirming.get()
                            fallback=move || view! { <button class="small danger delete-user" on:click=move |_| confirming.set(true)>"Delete"</button> }>
                            <span>"Delete " {username.clone()} " and the invitations they created? "</span>
                            <button class="small danger confirm-delete" on:click=move |_| act(Box::pin(delete_user(pk)))>"Confirm delete"</button>
                            <button class="small secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </Show>
                    </div>
                </td>
            </tr>
        </tbody>
    }
    .into_any()
}
