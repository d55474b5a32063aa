//! The named links of a public invitation, in its expanded row (issue 15 item 6): each link's name, the
//! full link with a Copy button, its QR code downloads, its uses against its share and its views, with
//! Regenerate and Delete; and the form that adds one (name, optional share).

use crate::api::admin::{
    create_invitation_link, delete_invitation_link, list_invitation_links,
    regenerate_invitation_link, InvitationLinkView,
};
use crate::pages::{field_error, ErrorNotice};
use crate::t;
use leptos::prelude::*;

/// The "Named links" section of invitation `pk`'s expanded row: loads when the row is opened
/// (`expanded`) and again after each change here or of the row (`version`).
#[component]
pub fn NamedLinks(
    pk: String,
    expanded: RwSignal<bool>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let changed = RwSignal::new(0u32);
    let pk_list = pk.clone();
    let links = Resource::new(
        move || (expanded.get(), version.get(), changed.get()),
        move |(open, _, _)| {
            let pk = pk_list.clone();
            async move {
                if open {
                    list_invitation_links(pk).await
                } else {
                    Ok(Vec::new())
                }
            }
        },
    );
    view! {
        <section class="named-links" aria-label=t!(l, "links-title")>
            <h4>{t!(l, "links-title")}</h4>
            <p class="muted">{t!(l, "links-intro")}</p>
            <Transition fallback=move || view! { <p class="muted">{t!(l, "links-loading")}</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted no-links">{t!(l, "links-empty")}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="links">
                                <thead><tr>
                                    <th>{t!(l, "links-col-name")}</th><th>{t!(l, "links-col-link")}</th><th>{t!(l, "links-col-qr")}</th>
                                    <th>{t!(l, "links-col-uses")}</th><th>{t!(l, "links-col-views")}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|link| view! { <NamedLinkRow link changed notice /> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
            <AddLinkForm pk changed />
        </section>
    }
    .into_any()
}

/// One named link: name, link with Copy, QR downloads, uses / share, views, Regenerate, Delete.
#[component]
fn NamedLinkRow(
    link: InvitationLinkView,
    changed: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let field = NodeRef::<leptos::html::Input>::new();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = field.get() {
            input.select();
            let promise = window().navigator().clipboard().write_text(&input.value());
            leptos::task::spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            });
        }
    };
    let uses = match link.quota {
        Some(q) => format!("{} / {}", link.uses, q),
        None => format!("{} / –", link.uses),
    };
    let views = match link.last_viewed_at {
        None => link.view_count.to_string().into_any(),
        Some(at) => view! {
            <super::local_time::Sentence
                sentence=t!(l, "links-views-last", count = link.view_count, when = super::local_time::time_mark(0))
                times=vec![(at, link.last_viewed.clone())] />
        }
        .into_any(),
    };
    let base = format!("/admin/invitations/{}", link.invitation_pk);
    let (svg_href, png_href) = (
        format!("{base}/qr.svg?link={}", link.pk),
        format!("{base}/qr.png?link={}", link.pk),
    );
    let id = format!("named-link-{}", link.pk);
    let confirming = RwSignal::new(false);
    let run = move |fut: super::AdminAction| super::run_and_refresh(fut, notice, changed);
    let (pk_regen, pk_delete) = (
        (link.invitation_pk.clone(), link.pk.clone()),
        (link.invitation_pk.clone(), link.pk.clone()),
    );
    let link_cell = if link.url.is_empty() {
        view! {
            <td class="sealed-elsewhere">{t!(l, "links-sealed-elsewhere")}</td>
        }
        .into_any()
    } else {
        view! {
            <td class="link-row">
                <input class="named-link" id=id aria-label=t!(l, "links-link-aria", name = link.name.clone()) readonly value=link.url.clone() prop:value=link.url.clone() node_ref=field />
                <button type="button" class="small copy-named-link" on:click=copy>
                    {move || if copied.get() { t!(l, "links-copied") } else { t!(l, "links-copy") }}
                </button>
                // Screen readers hear the copy happen (WCAG 4.1.3, status messages).
                <span class="copied-status" role="status">{move || copied.get().then(|| t!(l, "inv-link-copied-status"))}</span>
            </td>
        }
        .into_any()
    };
    view! {
        <tr class="named-link-row" data-link-name=link.name.clone()>
            <td class="name">{link.name.clone()}</td>
            {link_cell}
            <td class="qr">
                <a class="qr-svg" href=svg_href download>"SVG"</a>
                " · "
                <a class="qr-png" href=png_href download>"PNG"</a>
            </td>
            <td data-testid="link-uses">{uses}</td>
            <td data-testid="link-views">{views}</td>
            <td class="actions">
                <button class="small secondary regenerate-link" on:click=move |_| {
                    let (pk, l) = pk_regen.clone();
                    run(Box::pin(async move { regenerate_invitation_link(pk, l).await }))
                }>{t!(l, "links-regenerate")}</button>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! { <button class="small danger delete-link" on:click=move |_| confirming.set(true)>{t!(l, "links-delete")}</button> }
                >
                    <button class="small danger confirm-delete-link" on:click={
                        let (pk, l) = pk_delete.clone();
                        move |_| {
                            let (pk, l) = (pk.clone(), l.clone());
                            run(Box::pin(async move { delete_invitation_link(pk, l).await }))
                        }
                    }>{t!(l, "links-confirm-delete")}</button>
                    <button class="small secondary" on:click=move |_| confirming.set(false)>{t!(l, "links-cancel")}</button>
                </Show>
            </td>
        </tr>
    }
    .into_any()
}

/// "Add link": a name and an optional share.
#[component]
fn AddLinkForm(pk: String, changed: RwSignal<u32>) -> impl IntoView {
    let l = crate::pages::page_locale();
    let name = RwSignal::new(String::new());
    let quota = RwSignal::new(String::new());
    let add = Action::new(move |pk: &String| {
        let (pk, n, q) = (pk.clone(), name.get_untracked(), quota.get_untracked());
        async move { create_invitation_link(pk, n, q).await }
    });
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            name.set(String::new());
            quota.set(String::new());
            changed.update(|v| *v += 1);
        }
    });
    let err = move |f: &'static str| move || field_error(add.value().get(), f);
    let (name_id, quota_id) = (format!("link-name-{pk}"), format!("link-quota-{pk}"));
    view! {
        <form class="add-link" on:submit=move |ev| { ev.prevent_default(); add.dispatch(pk.clone()); }>
            <label for=name_id.clone()>{t!(l, "links-name-label")}</label>
            <input id=name_id class="link-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) placeholder="poster" maxlength="50" />
            {err("name")}
            <label for=quota_id.clone()>{t!(l, "links-share-label")}</label>
            <input id=quota_id class="link-quota" inputmode="numeric" prop:value=quota on:input=move |ev| quota.set(event_target_value(&ev)) placeholder=t!(l, "links-share-placeholder") />
            {err("quota")}
            <button type="submit" class="small add-link-submit">{t!(l, "links-add")}</button>
        </form>
    }
    .into_any()
}
