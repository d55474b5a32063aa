//! Directory → Users: a path tree (`users/external`, `users/internal/engineering`) beside the table of
//! users with type, groups, roles, active and last sign-in; a user's detail (groups and roles, the
//! invitation that created the account) with Deactivate/Activate and Delete. The table shows one page of
//! [`USERS_PAGE_SIZE`] users at the chosen path or below it, read as such from the server; the tree's
//! counts come from one count per path.

use crate::api::admin::{delete_user, list_users, set_user_active, user_paths};
use crate::domain::user::{path_tree_counted, under};
use crate::error::AppError;
use crate::model::{PathCount, UserView, USERS_PAGE_SIZE};
use crate::t;
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
    let l = crate::pages::page_locale();
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
            <h1>{t!(l, "users-title")}</h1>
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <div class="directory">
                <nav class="path-tree" aria-label=t!(l, "users-paths-label")>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let counts = paths.await.unwrap_or_default();
                            let total = users_under(&counts, "");
                            let counted: Vec<(&str, usize)> = counts.iter().map(|p| (p.path.as_str(), p.users as usize)).collect();
                            let tree = path_tree_counted(&counted);
                            view! {
                                <button class="path" class:current=move || selected.get().is_empty()
                                    on:click=move |_| choose(String::new())>{t!(l, "users-all", total = total)}</button>
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
                    <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                        {move || Suspend::new(async move {
                            match users.await {
                                Ok(rows) => view! {
                                    <table class="table users">
                                        <thead><tr>
                                            <th></th><th>{t!(l, "users-col-username")}</th><th>{t!(l, "users-col-name")}</th><th>{t!(l, "users-col-email")}</th>
                                            <th>{t!(l, "users-col-type")}</th><th>{t!(l, "users-col-path")}</th>
                                            <th>{t!(l, "users-col-groups")}</th><th>{t!(l, "users-col-active")}</th><th>{t!(l, "users-col-last-sign-in")}</th>
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
    let l = crate::pages::page_locale();
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
                            t!(
                                l,
                                "users-range",
                                from = (first + 1).to_string(),
                                to = (first + USERS_PAGE_SIZE).min(total).to_string(),
                                total = total
                            )
                        };
                        view! {
                            <nav class="pager" aria-label=t!(l, "users-pages-label")>
                                <button class="small secondary" id="users-previous" disabled=move || page.get() == 0
                                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(l, "users-previous")}</button>
                                <span class="muted" aria-live="polite">{range}</span>
                                <button class="small secondary" id="users-next" disabled=move || page.get() + 1 >= pages
                                    on:click=move |_| page.update(|p| *p += 1)>{t!(l, "users-next")}</button>
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
    let l = crate::pages::page_locale();
    let expanded = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let pk = u.pk;
    let active = u.is_active;
    let act = move |fut: super::AdminAction| super::run_and_refresh(fut, notice, version);
    let username = u.username.clone();
    view! {
        <tbody class="user" data-username=u.username.clone()>
            <tr class="summary" on:click=move |_| expanded.update(|e| *e = !*e)>
                <td><button class="expand small secondary" aria-label=t!(l, "users-expand", name = u.username.clone())
                    aria-controls=format!("user-details-{}", u.pk)
                    aria-expanded=move || expanded.get().to_string()>{move || if expanded.get() { "▾" } else { "▸" }}</button></td>
                <td>{u.username.clone()}{u.is_superuser.then(|| view! { " " <span class="badge ok">{t!(l, "users-badge-admin")}</span> })}</td>
                <td>{u.name.clone()}</td>
                <td>{u.email.clone()}</td>
                <td data-testid="user-type">{u.user_type.label(l)}</td>
                <td data-testid="user-path">{u.path.clone()}</td>
                <td data-testid="user-groups">{join(&u.groups)}</td>
                <td data-testid="user-active">{if u.is_active { t!(l, "users-active-yes") } else { t!(l, "users-active-no") }}</td>
                <td><super::local_time::LocalWhen at=u.last_login_at display=u.last_login.clone() /></td>
            </tr>
            <tr class="details" id=format!("user-details-{}", u.pk) class:hidden=move || !expanded.get()>
                <td></td>
                <td colspan="8">
                    <dl class="facts">
                        <dt>{t!(l, "users-detail-groups")}</dt><dd data-testid="detail-groups">{join(&u.groups)}</dd>
                        <dt>{t!(l, "users-detail-roles")}</dt><dd data-testid="detail-roles">{join(&u.roles)}</dd>
                        <dt>{t!(l, "users-detail-created-through")}</dt>
                        <dd data-testid="detail-invitation">{u.created_by_invitation.clone().unwrap_or_else(|| t!(l, "users-detail-not-invited"))}</dd>
                    </dl>
                    <div class="actions">
                        <button class="small secondary toggle-active" on:click=move |_| act(Box::pin(set_user_active(pk, !active)))>
                            {if active { t!(l, "users-deactivate") } else { t!(l, "users-activate") }}
                        </button>
                        <Show when=move || confirming.get()
                            fallback=move || view! { <button class="small danger delete-user" on:click=move |_| confirming.set(true)>{t!(l, "users-delete")}</button> }>
                            <span>{t!(l, "users-delete-confirm", name = username.clone())} " "</span>
                            <button class="small danger confirm-delete" on:click=move |_| act(Box::pin(delete_user(pk)))>{t!(l, "users-confirm-delete")}</button>
                            <button class="small secondary" on:click=move |_| confirming.set(false)>{t!(l, "users-cancel")}</button>
                        </Show>
                    </div>
                </td>
            </tr>
        </tbody>
    }
    .into_any()
}
