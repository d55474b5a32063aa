//! Directory → Users: a path tree (`users/external`, `users/internal/engineering`) beside the table of
//! users with type, groups, roles, active and last sign-in; a user's detail (groups and roles, the
//! invitation that created the account) with Deactivate/Activate and Delete. The table shows one page of
//! [`USERS_PAGE_SIZE`] users at the chosen path or below it, read as such from the server; the tree's
//! counts come from one count per path.

use crate::api::admin::{delete_user, list_users, set_user_active, user_paths};
use crate::domain::user::{path_tree_counted, under};
use crate::error::AppError;
use crate::model::{PathCount, UserView, USERS_PAGE_SIZE};
use leptos::prelude::*;

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(", ")
    }
}

/// The users at `selected` or below it (every user for `""`), from the per-path counts.
fn users_under(paths: &[PathCount], selected: &str) -> u64 {
    paths
        .iter()
        .filter(|p| under(&p.path, selected))
        .map(|p| p.users)
        .sum()
}

/// The users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let selected = RwSignal::new(String::new());
    let page = RwSignal::new(0u64);
    let users = Resource::new(
        move || (selected.get(), page.get(), version.get()),
        |(path, page, _)| list_users(Some(path), Some(page)),
    );
    let paths = Resource::new(move || version.get(), |_| user_paths());
    let choose = move |path: String| {
        page.set(0);
        selected.set(path);
    };
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <section class="page">
            <h1>"Users"</h1>
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <div class="directory">
                <nav class="path-tree" aria-label="User paths">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let counts = paths.await.unwrap_or_default();
                            let total = users_under(&counts, "");
                            let counted: Vec<(&str, usize)> = counts.iter().map(|p| (p.path.as_str(), p.users as usize)).collect();
                            let tree = path_tree_counted(&counted);
                            view! {
                                <button class="path" class:current=move || selected.get().is_empty()
                                    on:click=move |_| choose(String::new())>{format!("All users ({total})")}</button>
                                {tree.into_iter().map(|(path, depth, n)| {
                                    let p = path.clone();
                                    let p2 = path.clone();
                                    let leaf = path.rsplit('/').next().unwrap_or("").to_owned();
                                    view! {
                                        <button class=format!("path depth-{}", depth.min(6)) data-path=path.clone()
                                            class:current=move || selected.get() == p2
                                            on:click=move |_| choose(p.clone())>{format!("{leaf} ({n})")}</button>
                                    }
                                }).collect_view()}
                            }.into_any()
                        })}
                    </Transition>
                </nav>
                <div class="users-list">
                    <Transition fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match users.await {
                                Ok(rows) => view! {
                                    <table class="table users">
                                        <thead><tr>
                                            <th></th><th>"Username"</th><th>"Name"</th><th>"Email"</th><th>"Type"</th><th>"Path"</th>
                                            <th>"Groups"</th><th>"Active"</th><th>"Last sign-in"</th>
                                        </tr></thead>
                                        {rows.into_iter().map(|u| view! { <UserLine u version notice /> }).collect_view()}
                                    </table>
                                }.into_any(),
                                Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                            }
                        })}
                    </Transition>
                    <UsersPager paths selected page />
                </div>
            </div>
        </section>
    }
    .into_any()
}

/// "51–100 of 230" with Previous and Next, when the chosen path holds more than one page of users.
#[component]
fn UsersPager(
    paths: Resource<Result<Vec<PathCount>, AppError>>,
    selected: RwSignal<String>,
    page: RwSignal<u64>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let counts = paths.await.unwrap_or_default();
                let total = Memo::new(move |_| users_under(&counts, &selected.get()));
                move || {
                    let total = total.get();
                    let pages = total.div_ceil(USERS_PAGE_SIZE);
                    (pages > 1).then(|| {
                        let range = move || {
                            let first = page.get() * USERS_PAGE_SIZE;
                            format!("{}–{} of {total}", first + 1, (first + USERS_PAGE_SIZE).min(total))
                        };
                        view! {
                            <nav class="pager" aria-label="User pages">
                                <button class="small secondary" id="users-previous" disabled=move || page.get() == 0
                                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                                <span class="muted" aria-live="polite">{range}</span>
                                <button class="small secondary" id="users-next" disabled=move || page.get() + 1 >= pages
                                    on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                            </nav>
                        }
                    })
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn UserLine(
    u: UserView,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let pk = u.pk;
    let active = u.is_active;
    let act = move |fut: super::AdminAction| super::run_and_refresh(fut, notice, version);
    let username = u.username.clone();
    view! {
        <tbody class="user" data-username=u.username.clone()>
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
