//! Directory → Tokens: API tokens for `Authorization: Bearer …` on `/api/v3/`. Create (the secret is shown
//! once), list, revoke.

use super::table::ListTable;
use crate::api::admin::{create_token, list_tokens, revoke_token};
use crate::model::{ApiTokenView, NewToken, TokenForm};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The tokens table and the create form.
#[component]
pub fn TokensPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let rows = Resource::new(move || version.get(), |_| list_tokens());
    let (username, identifier, description, expires) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let created: RwSignal<Option<NewToken>> = RwSignal::new(None);
    let save = Action::new(move |form: &TokenForm| {
        let form = form.clone();
        async move {
            let r = create_token(form).await;
            if let Ok(t) = &r {
                created.set(Some(t.clone()));
                identifier.set(String::new());
                description.set(String::new());
                version.update(|v| *v += 1);
            }
            r.map(|_| ())
        }
    });
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let input = |id: &'static str, label: String, sig: RwSignal<String>, placeholder: String| {
        view! {
            <label for=id>{label}</label>
            <input id=id prop:value=sig placeholder=placeholder on:input=move |ev| sig.set(event_target_value(&ev)) />
            {move || crate::pages::field_error(save.value().get(), &id["token-".len()..])}
        }
    };
    view! {
        <section class="page">
            <h1>{t!(l, "tokens-title")}</h1>
            <p class="muted">
                {t!(l, "tokens-intro-for")} " " <code>"Authorization: Bearer …"</code> " " {t!(l, "tokens-intro-on")} " "
                <code>"/api/v3/"</code> ". " {t!(l, "tokens-intro-after")}
            </p>
            <form class="token-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(TokenForm {
                    username: username.get_untracked(),
                    identifier: identifier.get_untracked(),
                    description: description.get_untracked(),
                    expires: expires.get_untracked(),
                });
            }>
                {input("token-identifier", t!(l, "tokens-identifier"), identifier, "ci-invitations".to_owned())}
                {input("token-username", t!(l, "tokens-user"), username, "admin".to_owned())}
                {input("token-description", t!(l, "tokens-description"), description, t!(l, "tokens-description-placeholder"))}
                {input("token-expires", t!(l, "tokens-expires"), expires, "2027-01-01T00:00".to_owned())}
                <button type="submit" id="token-create">{t!(l, "tokens-create")}</button>
            </form>
            {move || match save.value().get() {
                Some(Err(e)) if !matches!(e, crate::error::AppError::Validation(_)) => {
                    Some(view! { <crate::pages::ErrorNotice error=e /> }.into_any())
                }
                _ => None,
            }}
            {move || created.get().map(|t| view! {
                <div class="secret" role="status">
                    <p>{t!(l, "tokens-created-before")} " " <strong>{t.token.identifier.clone()}</strong> " " {t!(l, "tokens-created-after")}</p>
                    <input id="token-secret" readonly value=t.secret.clone() />
                </div>
            })}
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            <ListTable
                data=rows
                class="tokens"
                headers=vec![
                    t!(l, "tokens-col-identifier"),
                    t!(l, "tokens-col-user"),
                    t!(l, "tokens-col-key"),
                    t!(l, "tokens-col-status"),
                    t!(l, "tokens-col-expires"),
                    t!(l, "tokens-col-created"),
                    t!(l, "tokens-col-description"),
                    String::new(),
                ]
                empty=t!(l, "tokens-empty")
                is_empty={|list: &Vec<ApiTokenView>| list.is_empty()}
                body={move |list: Vec<ApiTokenView>| view! {
                    <tbody>
                        {list.into_iter().map(|t| view! { <TokenLine t version notice /> }).collect_view()}
                    </tbody>
                }.into_any()}
            />
        </section>
    }
    .into_any()
}

#[component]
fn TokenLine(
    t: crate::model::ApiTokenView,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let confirming = RwSignal::new(false);
    let (pk, name) = (t.pk.clone(), t.identifier.clone());
    let active = t.status == crate::domain::token::TokenStatus::Active;
    view! {
        <tr data-identifier=t.identifier.clone() data-status=t.status.as_str()>
            <td>{t.identifier.clone()}</td>
            <td>{t.username.clone()}{(!t.superuser).then(|| format!(" {}", t!(l, "tokens-not-superuser")))}</td>
            <td><code>{format!("{}…", t.key_prefix)}</code></td>
            <td data-testid="token-status">{t.status.as_str()}</td>
            <td><super::local_time::LocalWhen at=t.expires_at display=t.expires_display.clone() /></td>
            <td><super::local_time::LocalTime at=t.created_at utc=t.created_display.clone() /></td>
            <td>{t.description.clone()}</td>
            <td class="actions">
                {active.then(|| view! {
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! { <button class="danger small revoke" on:click=move |_| confirming.set(true)>{t!(l, "tokens-revoke")}</button> }
                    >
                        <span>{t!(l, "tokens-revoke-confirm", name = name.clone())} " "</span>
                        <button class="danger small confirm-revoke" on:click={
                            let pk = pk.clone();
                            move |_| {
                                let pk = pk.clone();
                                spawn_local(async move {
                                    match revoke_token(pk).await {
                                        Ok(()) => notice.set(None),
                                        Err(e) => notice.set(Some(e.notice(crate::pages::page_locale()))),
                                    }
                                    version.update(|v| *v += 1);
                                });
                            }
                        }>{t!(l, "tokens-confirm-revoke")}</button>
                        <button class="secondary small" on:click=move |_| confirming.set(false)>{t!(l, "tokens-cancel")}</button>
                    </Show>
                })}
            </td>
        </tr>
    }
    .into_any()
}
