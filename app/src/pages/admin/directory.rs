//! Directory → Groups and Directory → Roles: list, create, delete (with confirmation).

use super::table::ListTable;
use crate::api::admin::{
    add_group_member, create_group, create_role, delete_group, delete_role, group_members,
    list_groups, list_roles, remove_group_member,
};
use crate::error::AppError;
use crate::model::NamedItem;
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Group,
    Role,
}

impl Kind {
    fn title(self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Group => t!(l, "groups-title"),
            Self::Role => t!(l, "roles-title"),
        }
    }
    /// The create form's label: "New group name".
    fn new_name(self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Group => t!(l, "groups-new-name"),
            Self::Role => t!(l, "roles-new-name"),
        }
    }
    /// The create button: "Create group".
    fn create(self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Group => t!(l, "groups-create"),
            Self::Role => t!(l, "roles-create"),
        }
    }
    /// The empty list: "No groups yet."
    fn empty(self, l: crate::i18n::Locale) -> String {
        match self {
            Self::Group => t!(l, "groups-empty"),
            Self::Role => t!(l, "roles-empty"),
        }
    }
    /// The table's header cells.
    fn headers(self, l: crate::i18n::Locale) -> Vec<String> {
        match self {
            Self::Group => vec![
                t!(l, "groups-col-name"),
                t!(l, "groups-col-members"),
                String::new(),
            ],
            Self::Role => vec![
                t!(l, "roles-col-name"),
                t!(l, "roles-col-members"),
                String::new(),
            ],
        }
    }
}

async fn list(kind: Kind) -> Result<Vec<NamedItem>, AppError> {
    match kind {
        Kind::Group => list_groups().await,
        Kind::Role => list_roles().await,
    }
}

async fn create(kind: Kind, name: String) -> Result<NamedItem, AppError> {
    match kind {
        Kind::Group => create_group(name).await,
        Kind::Role => create_role(name).await,
    }
}

async fn delete(kind: Kind, pk: String) -> Result<(), AppError> {
    match kind {
        Kind::Group => delete_group(pk).await,
        Kind::Role => delete_role(pk).await,
    }
}

/// Directory → Groups.
#[component]
pub fn GroupsPage() -> impl IntoView {
    view! { <DirectoryPage kind=Kind::Group /> }
}

/// Directory → Roles.
#[component]
pub fn RolesPage() -> impl IntoView {
    view! {
        <DirectoryPage kind=Kind::Role />
        <super::inviters::InviterPolicies />
    }
}

#[component]
fn DirectoryPage(kind: Kind) -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let items = Resource::new(move || version.get(), move |_| list(kind));
    let name = RwSignal::new(String::new());
    let save = Action::new(move |n: &String| {
        let n = n.clone();
        async move {
            let r = create(kind, n).await;
            if r.is_ok() {
                name.set(String::new());
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <section class="page">
            <h1>{kind.title(l)}</h1>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(name.get_untracked());
            }>
                <label for="directory-name">{kind.new_name(l)}</label>
                <input id="directory-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <button type="submit">{kind.create(l)}</button>
            </form>
            {move || crate::pages::field_error(save.value().get(), "name")}
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <ListTable
                data=items
                class=""
                headers=kind.headers(l)
                empty=kind.empty(l)
                is_empty={|rows: &Vec<NamedItem>| rows.is_empty()}
                body={move |rows: Vec<NamedItem>| view! {
                    <tbody>
                        {rows.into_iter().map(|item| view! { <DirectoryRow kind item version notice /> }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}

#[component]
fn DirectoryRow(
    kind: Kind,
    item: NamedItem,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let confirming = RwSignal::new(false);
    let pk = item.pk.clone();
    let name = item.name.clone();
    let members_pk = item.pk.clone();
    view! {
        <tr data-name=item.name.clone()>
            <td>
                {item.name.clone()}
                {(kind == Kind::Group).then(|| view! { <GroupMembers pk=members_pk.clone() version notice /> })}
            </td>
            <td data-testid="member-count">{item.members}</td>
            <td class="actions">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! { <button class="danger small" on:click=move |_| confirming.set(true)>{t!(l, "groups-delete")}</button> }
                >
                    <span>{t!(l, "groups-delete-confirm", name = name.clone())} " "</span>
                    <button class="danger small" on:click={
                        let pk = pk.clone();
                        move |_| {
                            let pk = pk.clone();
                            spawn_local(async move {
                                match delete(kind, pk).await {
                                    Ok(()) => notice.set(None),
                                    Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                                }
                                version.update(|v| *v += 1);
                            });
                        }
                    }>{t!(l, "groups-confirm-delete")}</button>
                    <button class="secondary small" on:click=move |_| confirming.set(false)>{t!(l, "groups-cancel")}</button>
                </Show>
            </td>
        </tr>
    }
    .into_any()
}

/// A group's members: listed with Remove, and a field to add a user by username.
#[component]
fn GroupMembers(
    pk: String,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let pk_list = pk.clone();
    let members = Resource::new(
        move || version.get(),
        move |_| group_members(pk_list.clone()),
    );
    let username = RwSignal::new(String::new());
    let pk_add = pk.clone();
    let add = Action::new(move |u: &String| {
        let (pk, u) = (pk_add.clone(), u.clone());
        async move {
            let r = add_group_member(pk, u).await;
            if r.is_ok() {
                username.set(String::new());
                version.update(|v| *v += 1);
            }
            r
        }
    });
    view! {
        <details class="members">
            <summary>{t!(l, "groups-members")}</summary>
            <Transition fallback=|| ()>
                {move || {
                    let pk = pk.clone();
                    Suspend::new(async move {
                        match members.await {
                            Ok(list) => view! {
                                <ul class="member-list">
                                    {list.into_iter().map(|m| {
                                        let (pk, who) = (pk.clone(), m.clone());
                                        view! {
                                            <li data-member=m.clone()>{m.clone()} " "
                                                <button class="small secondary remove-member" on:click=move |_| {
                                                    let (pk, who) = (pk.clone(), who.clone());
                                                    spawn_local(async move {
                                                        match remove_group_member(pk, who).await {
                                                            Ok(()) => notice.set(None),
                                                            Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                                                        }
                                                        version.update(|v| *v += 1);
                                                    });
                                                }>{t!(l, "groups-remove-member")}</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <form class="inline-form add-member" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(username.get_untracked());
            }>
                <input class="member-username" aria-label=t!(l, "groups-username-to-add") placeholder=t!(l, "groups-username-placeholder") prop:value=username
                    on:input=move |ev| username.set(event_target_value(&ev)) />
                <button type="submit" class="small">{t!(l, "groups-add-to-group")}</button>
            </form>
            {move || crate::pages::field_error(add.value().get(), "username")}
        </details>
    }
    .into_any()
}
