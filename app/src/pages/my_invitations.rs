//! `/if/user/invitations`: a member's own invitations (issue 17 item 2), for signed-in users whose roles
//! carry an inviter policy: create one within the policy, copy its link, disable, enable or delete it,
//! and see who used it. Never anyone else's (the server functions check; this page only shows).

use crate::api::inviting::{
    create_my_invitation, delete_my_invitation, my_invitations, send_my_invitation,
    set_my_invitation_enabled, MyInvitation, MyInvitationsPage,
};
use crate::error::AppError;
use crate::model::InvitationForm;
use crate::t;
use leptos::prelude::*;

/// The page.
#[component]
pub fn MyInvitationsPage() -> impl IntoView {
    let l = super::page_locale();
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| my_invitations());
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <leptos_meta::Html {..} lang=l.code() />
        <main class="card wide my-invitations">
            <super::PageTools locale=l next="/if/user/invitations" />
            <h1>{t!(l, "mine-title")}</h1>
            <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <Mine page version notice /> }.into_any(),
                        Err(AppError::Unauthenticated) => view! {
                            <p><a href="/login?next=/if/user/invitations">{t!(l, "mine-sign-in")}</a></p>
                        }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p class="warning" role="status" id="mine-forbidden">{t!(l, "inviter-no-policy")}</p>
                        }.into_any(),
                        Err(e) => view! { <super::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
        </main>
    }
}

/// The form and the table, once the member's page is read.
#[component]
fn Mine(
    page: MyInvitationsPage,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = super::page_locale();
    let p = page.policies.first().cloned().unwrap_or_default();
    let grant_roles: Vec<String> = page.policies.iter().flat_map(|p| p.roles.clone()).collect();
    let grant_groups: Vec<String> = page
        .policies
        .iter()
        .flat_map(|p| p.groups.clone())
        .collect();
    let name = RwSignal::new(String::new());
    let flow = RwSignal::new(page.flows.first().map(|f| f.pk.clone()).unwrap_or_default());
    let emails = RwSignal::new(
        p.email_domains
            .first()
            .map(|d| format!("*@{d}"))
            .unwrap_or_default(),
    );
    // The expiry input means the member's own time zone (named once the page has hydrated); what is
    // sent is the UTC instant, as the dashboard's editor does.
    let expires = RwSignal::new(String::new());
    let zone = RwSignal::new("UTC".to_owned());
    Effect::new(move |_| {
        if let Some(z) = crate::pages::admin::local_time::zone() {
            zone.set(z);
        }
    });
    let quota = RwSignal::new("1".to_owned());
    let send_to = RwSignal::new(String::new());
    let roles: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let groups: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let create = Action::new(move |form: &InvitationForm| {
        let form = form.clone();
        async move {
            let r = create_my_invitation(form).await;
            if r.is_ok() {
                name.set(String::new());
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = send_to.get_untracked();
        create.dispatch(InvitationForm {
            name: name.get_untracked(),
            flow: flow.get_untracked(),
            expires: crate::pages::admin::local_time::local_input_to_utc(&expires.get_untracked()),
            quota: quota.get_untracked(),
            emails: emails.get_untracked(),
            roles: roles.get_untracked(),
            groups: groups.get_untracked(),
            fixed_data: if to.trim().is_empty() {
                String::new()
            } else {
                format!("email: {}", to.trim())
            },
            enabled: true,
            ..InvitationForm::default()
        });
    };
    let error = move |field: &'static str| move || super::field_error(create.value().get(), field);
    let checkbox = move |kind: &'static str, item: String, set: RwSignal<Vec<String>>| {
        let id = format!("mine-{kind}-{item}");
        let for_id = id.clone();
        let (a, b) = (item.clone(), item.clone());
        view! {
            <label class="check" for=for_id>
                <input type="checkbox" id=id
                    prop:checked=move || set.with(|s| s.contains(&a))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        set.update(|s| { s.retain(|x| x != &b); if on { s.push(b.clone()); } });
                    } />
                {item}
            </label>
        }
    };
    let policy_line = t!(
        l,
        "mine-policy",
        days = p.max_expiry_days.to_string(),
        uses = p.max_quota.to_string(),
        count = p.per_30_days
    );
    view! {
        <p class="muted">{policy_line}</p>
        <form class="token-form" id="mine-form" on:submit=submit>
            <h2>{t!(l, "mine-create")}</h2>
            <label for="mine-name">{t!(l, "mine-name")}</label>
            <input id="mine-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) required />
            {error("name")}
            <label for="mine-flow">{t!(l, "mine-flow")}</label>
            <select id="mine-flow" on:change=move |ev| flow.set(event_target_value(&ev))>
                {page.flows.iter().map(|f| view! { <option value=f.pk.clone()>{f.name.clone()} " (" {f.slug.clone()} ")"</option> }).collect_view()}
            </select>
            {error("flow")}
            <label for="mine-emails">{t!(l, "mine-emails")}</label>
            <textarea id="mine-emails" rows="2" prop:value=emails on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
            {error("emails")}
            <label for="mine-send-to">{t!(l, "mine-send-to")}</label>
            <input id="mine-send-to" type="email" prop:value=send_to on:input=move |ev| send_to.set(event_target_value(&ev)) />
            {error("fixed_data")}
            <label for="mine-expires">{move || t!(l, "mine-expires", zone = zone.get())}</label>
            <input id="mine-expires" type="datetime-local" prop:value=expires on:input=move |ev| expires.set(event_target_value(&ev)) required />
            {error("expires")}
            <label for="mine-quota">{t!(l, "mine-quota")}</label>
            <input id="mine-quota" type="number" min="1" prop:value=quota on:input=move |ev| quota.set(event_target_value(&ev)) />
            {error("quota")}
            {(!grant_roles.is_empty()).then(|| view! {
                <fieldset><legend>{t!(l, "mine-roles")}</legend>
                    {grant_roles.clone().into_iter().map(|r| checkbox("role", r, roles)).collect_view()}
                </fieldset>
            })}
            {error("roles")}
            {(!grant_groups.is_empty()).then(|| view! {
                <fieldset><legend>{t!(l, "mine-groups")}</legend>
                    {grant_groups.clone().into_iter().map(|g| checkbox("group", g, groups)).collect_view()}
                </fieldset>
            })}
            {error("groups")}
            {move || super::general_error(create.value().get())}
            <button type="submit" id="mine-save">{t!(l, "mine-save")}</button>
        </form>
        <h2>{t!(l, "mine-list")}</h2>
        {if page.invitations.is_empty() {
            view! { <p class="muted">{t!(l, "mine-empty")}</p> }.into_any()
        } else {
            view! {
                <table class="table mine">
                    <thead><tr>
                        <th scope="col">{t!(l, "mine-col-name")}</th>
                        <th scope="col">{t!(l, "mine-col-status")}</th>
                        <th scope="col">{t!(l, "mine-col-uses")}</th>
                        <th scope="col">{t!(l, "mine-col-expires")}</th>
                        <th scope="col">{t!(l, "mine-col-used-by")}</th>
                        <th scope="col">{t!(l, "mine-col-actions")}</th>
                    </tr></thead>
                    <tbody>
                        {page.invitations.into_iter().map(|i| view! { <Row i version notice /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// One of the member's invitations: its link to copy by hand, and its actions.
#[component]
fn Row(i: MyInvitation, version: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let l = super::page_locale();
    let run =
        move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
            leptos::task::spawn_local(async move {
                match call.await {
                    Ok(()) => notice.set(None),
                    Err(e) => notice.set(Some(e.message(l))),
                }
                version.update(|v| *v += 1);
            });
        };
    let (pk_toggle, pk_delete) = (i.pk.clone(), i.pk.clone());
    let enabled = i.enabled;
    let quota = i.quota.map_or_else(|| "∞".to_owned(), |q| q.to_string());
    let link_id = format!("mine-link-{}", i.name);
    let send_id = format!("mine-send-{}", i.name);
    let send_to = RwSignal::new(String::new());
    let pk_send = i.pk.clone();
    let send = Action::new(move |to: &String| send_my_invitation(pk_send.clone(), to.clone()));
    let sent = move || {
        match send.value().get() {
        Some(Ok(_)) => Some(view! { <span class="muted">{t!(l, "mine-sent")}</span> }.into_any()),
        Some(Err(e)) => Some(view! { <span class="field-error" data-field="to">{e.field_message("to").unwrap_or_else(|| e.message(l))}</span> }.into_any()),
        None => None,
    }
    };
    let can_send = !i.emails.is_empty();
    view! {
        <tr data-name=i.name.clone()>
            <td>
                <strong>{i.name.clone()}</strong>
                <br /><span class="muted">{i.flow.clone()} " · " {i.emails.join(", ")}</span>
                <br /><label class="muted" for=link_id.clone()>{t!(l, "mine-link")}</label>
                <input id=link_id class="link-field" readonly value=i.link.clone() />
                {can_send.then(|| view! {
                    <form class="mine-send" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        send.dispatch(send_to.get_untracked());
                    }>
                        <label class="muted" for=send_id.clone()>{t!(l, "mine-send-label")}</label>
                        <input id=send_id type="text" inputmode="email" prop:value=send_to
                            on:input=move |ev| send_to.set(event_target_value(&ev)) />
                        <button type="submit" class="small secondary">{t!(l, "mine-send")}</button>
                        <span role="status">{sent}</span>
                    </form>
                })}
            </td>
            <td data-status=format!("{:?}", i.status).to_lowercase()>{if enabled { t!(l, "mine-on") } else { t!(l, "mine-off") }}</td>
            <td>{format!("{} / {quota}", i.uses)}</td>
            <td><crate::pages::admin::local_time::LocalWhen at=i.expires_at display=i.expires_display.clone() /></td>
            <td class="used-by">{if i.used_by.is_empty() { "—".to_owned() } else { i.used_by.join(", ") }}</td>
            <td>
                <button type="button" class="small secondary"
                    on:click=move |_| run(Box::pin(set_my_invitation_enabled(pk_toggle.clone(), !enabled)))>
                    {if enabled { t!(l, "mine-disable") } else { t!(l, "mine-enable") }}
                </button>
                <button type="button" class="small secondary"
                    on:click=move |_| run(Box::pin(delete_my_invitation(pk_delete.clone())))>
                    {t!(l, "mine-delete")}
                </button>
            </td>
        </tr>
    }
}
