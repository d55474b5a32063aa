//! Directory → Invitations: the table (search, sort, status badges), expandable rows with the link and
//! actions, and the create/edit form.

use super::invitation_links::NamedLinks;
use super::invitation_preview::InvitationChecks;
use super::table::{ListTable, SortHeader, SortState};
use crate::api::admin::{
    count_invitations, create_invitation, delete_invitation, deprovision_invitation,
    get_invitation, invitation_mail_warning, list_flows, list_groups, list_invitations, list_roles,
    new_invitation_defaults, regenerate_invitation_token, send_invitation, set_invitation_enabled,
    update_invitation, ToggleInvitation,
};
use crate::domain::invitation::InvitationStatus;
use crate::error::AppError;
use crate::model::{
    InvitationForm, InvitationSort, InvitationView, NamedItem, DASHBOARD_PAGE_SIZE,
};
use crate::pages::{field_error, general_error, ErrorNotice};
use crate::t;
use leptos::prelude::*;

/// What the editor is open for.
#[derive(Clone, PartialEq)]
enum Editing {
    Create,
    Edit(String),
}

/// The invitations page.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(InvitationSort::CreatedDesc);
    let version = RwSignal::new(0u32);
    let editing: RwSignal<Option<Editing>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let page = RwSignal::new(0u64);
    let l = crate::pages::page_locale();
    let rows = Resource::new(
        move || (search.get(), sort.get(), page.get(), version.get()),
        |(s, o, p, _)| list_invitations(s, o, Some(p)),
    );
    let count = Resource::new(
        move || (search.get(), version.get()),
        |(s, _)| count_invitations(s),
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t!(l, "inv-title")}</h1>
                <button id="create-invitation" on:click=move |_| editing.set(Some(Editing::Create))>{t!(l, "inv-create")}</button>
            </div>
            <div class="toolbar">
                <input id="invitation-search" type="search" placeholder=t!(l, "inv-search-placeholder") aria-label=t!(l, "inv-search-placeholder")
                    prop:value=search on:input=move |ev| { page.set(0); search.set(event_target_value(&ev)) } />
                <label for="invitation-sort">{t!(l, "inv-sort-label")}</label>
                <select id="invitation-sort" prop:value=move || sort_value(sort.get()) on:change=move |ev| { page.set(0); sort.set(match event_target_value(&ev).as_str() {
                    "created_asc" => InvitationSort::CreatedAsc,
                    "expires_asc" => InvitationSort::ExpiresAsc,
                    "expires_desc" => InvitationSort::ExpiresDesc,
                    _ => InvitationSort::CreatedDesc,
                }) }>
                    <option value="created_desc">{t!(l, "inv-sort-newest")}</option>
                    <option value="created_asc">{t!(l, "inv-sort-oldest")}</option>
                    <option value="expires_asc">{t!(l, "inv-sort-expiring-soonest")}</option>
                    <option value="expires_desc">{t!(l, "inv-sort-expiring-latest")}</option>
                </select>
            </div>
            // Hidden once the page has hydrated (body[data-hydrated]): what works without JavaScript.
            <p class="no-js-notice" role="note">
                {t!(l, "inv-no-js-notice")}
            </p>
            <NoScriptCreate version />
            {move || notice.get().map(|n| view! { <p class="error" role="alert">{n}</p> })}
            {move || editing.get().map(|mode| view! { <InvitationEditor mode editing version /> })}
            <ListTable
                data=rows
                class="invitations"
                headers=vec![
                    String::new(),
                    t!(l, "inv-col-name"),
                    t!(l, "inv-col-flow"),
                    t!(l, "inv-col-status"),
                    t!(l, "inv-col-uses"),
                    t!(l, "inv-col-expires"),
                    t!(l, "inv-col-created-by"),
                    t!(l, "inv-col-actions"),
                ]
                empty=t!(l, "inv-empty")
                is_empty={|rows: &Vec<InvitationView>| rows.is_empty()}
                sort=SortHeader {
                    column: 5,
                    state: Signal::derive(move || match sort.get() {
                        InvitationSort::ExpiresAsc => SortState::Ascending,
                        InvitationSort::ExpiresDesc => SortState::Descending,
                        _ => SortState::None,
                    }),
                    toggle: Callback::new(move |()| {
                        page.set(0);
                        sort.update(|s| {
                            *s = if *s == InvitationSort::ExpiresAsc {
                                InvitationSort::ExpiresDesc
                            } else {
                                InvitationSort::ExpiresAsc
                            }
                        });
                    }),
                }
                body={move |rows: Vec<InvitationView>| {
                    rows.into_iter().map(|row| view! { <InvitationRowView row editing version notice /> }).collect_view().into_any()
                }}
            />
            <Pager count page />
        </section>
    }
    .into_any()
}

/// The sort `<select>`'s value for `s`.
fn sort_value(s: InvitationSort) -> &'static str {
    match s {
        InvitationSort::CreatedDesc => "created_desc",
        InvitationSort::CreatedAsc => "created_asc",
        InvitationSort::ExpiresAsc => "expires_asc",
        InvitationSort::ExpiresDesc => "expires_desc",
    }
}

/// "51–100 of 230" with Previous and Next, when the search matches more than one page.
#[component]
fn Pager(count: Resource<Result<u64, AppError>>, page: RwSignal<u64>) -> impl IntoView {
    let l = crate::pages::page_locale();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let total = count.await.unwrap_or(0);
                let pages = total.div_ceil(DASHBOARD_PAGE_SIZE);
                (pages > 1).then(|| {
                    let range = move || {
                        let first = page.get() * DASHBOARD_PAGE_SIZE;
                        t!(l, "inv-pager-range", first = first + 1, last = (first + DASHBOARD_PAGE_SIZE).min(total), total = total)
                    };
                    view! {
                        <nav class="pager" aria-label=t!(l, "inv-pager-label")>
                            <button class="small secondary" id="invitations-previous" disabled=move || page.get() == 0
                                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(l, "inv-pager-previous")}</button>
                            <span class="muted" aria-live="polite">{range}</span>
                            <button class="small secondary" id="invitations-next" disabled=move || page.get() + 1 >= pages
                                on:click=move |_| page.update(|p| *p += 1)>{t!(l, "inv-pager-next")}</button>
                        </nav>
                    }
                })
                .into_any()
            })}
        </Transition>
    }
    .into_any()
}

/// The badge's word for a status, in the page's language.
fn status_label(l: crate::i18n::Locale, s: InvitationStatus) -> String {
    match s {
        InvitationStatus::Active => t!(l, "inv-status-active"),
        InvitationStatus::Disabled => t!(l, "inv-status-disabled"),
        InvitationStatus::NotYetOpen => t!(l, "inv-status-scheduled"),
        InvitationStatus::Expired => t!(l, "inv-status-expired"),
        InvitationStatus::UsedUp => t!(l, "inv-status-used-up"),
    }
}

fn badge_class(s: InvitationStatus) -> &'static str {
    match s {
        InvitationStatus::Active => "badge ok",
        InvitationStatus::Disabled => "badge off",
        InvitationStatus::NotYetOpen => "badge scheduled",
        InvitationStatus::Expired => "badge warn",
        InvitationStatus::UsedUp => "badge muted",
    }
}

/// One invitation: its summary line and, below it, the expandable details. The parts are separate
/// components whose views are erased (`into_any`) at their boundary: as one static view type the row is
/// too deep for rustc's query limit in the release (non-erased) WASM build.
#[component]
fn InvitationRowView(
    row: InvitationView,
    editing: RwSignal<Option<Editing>>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let name = row.name.clone();
    let pk = row.pk.clone();
    // The ledger and messages load when the row is opened (and again after each action).
    let detail = Resource::new(
        move || (expanded.get(), version.get()),
        move |(open, _)| {
            let pk = pk.clone();
            async move {
                if open {
                    get_invitation(pk).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        },
    );
    let details_id = format!("details-{}", row.pk);
    view! {
        <tbody class="invitation" data-name=name>
            <InvitationSummary row=row.clone() expanded version notice />
            <tr class="details" id=details_id class:hidden=move || !expanded.get()>
                <td colspan="8">
                    <InvitationLink pk=row.pk.clone() link=row.link.clone() />
                    <InvitationFacts row=row.clone() detail />
                    {row.emails.is_empty().then(|| view! { <NamedLinks pk=row.pk.clone() expanded version notice /> })}
                    <InvitationActions row editing version notice />
                </td>
            </tr>
        </tbody>
    }
    .into_any()
}

/// The summary line: a click toggles the details.
#[component]
fn InvitationSummary(
    row: InvitationView,
    expanded: RwSignal<bool>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let uses = match row.quota {
        Some(q) => format!("{} / {}", row.uses, q),
        None => format!("{} / ∞", row.uses),
    };
    // Why the badge says what it says, when that is not all: a deactivated creator, a start time.
    let badge_title = if !row.creator_active {
        Some(t!(
            l,
            "inv-badge-creator-inactive",
            name = row.created_by.clone()
        ))
    } else if row.status == InvitationStatus::NotYetOpen {
        Some(t!(
            l,
            "inv-badge-opens",
            when = row.not_before_display.clone()
        ))
    } else {
        None
    };
    let name = row.name.clone();
    view! {
        <tr class="summary" on:click=move |_| expanded.update(|e| *e = !*e)>
            <td><button class="expand small secondary" aria-label=t!(l, "inv-details-of", name = row.name.clone())
                aria-controls=format!("details-{}", row.pk)
                aria-expanded=move || expanded.get().to_string()>{move || if expanded.get() { "▾" } else { "▸" }}</button></td>
            <td class="name">{row.name}</td>
            <td>{row.flow_slug}</td>
            <td><span class=badge_class(row.status) data-testid="status"
                title=badge_title>
                {status_label(l, row.status)}</span></td>
            <td data-testid="uses">{uses}</td>
            <td class="expires"><super::local_time::LocalWhen at=row.expires display=row.expires_display /></td>
            <td>{row.created_by}</td>
            // A form of its own, outside the row's click: it works without JavaScript.
            <td class="quick" on:click=|ev| ev.stop_propagation()>
                <QuickToggle pk=row.pk.clone() enabled=row.enabled version notice />
                <NoScriptActions pk=row.pk name link=row.link version notice />
            </td>
        </tr>
    }
    .into_any()
}

/// Disable (or Enable) as a plain form posting to [`ToggleInvitation`]: after hydration an
/// `ActionForm` (the list reloads), before it or without JavaScript a form post the server answers by
/// sending the browser back here.
#[component]
fn QuickToggle(
    pk: String,
    enabled: bool,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let act = ServerAction::<ToggleInvitation>::new();
    reload_after(act.value(), version, notice);
    view! {
        <ActionForm action=act attr:class="quick-toggle">
            <input type="hidden" name="pk" value=pk />
            <input type="hidden" name="enabled" value=(!enabled).to_string() />
            <button type="submit" class="small secondary quick-toggle">{if enabled { t!(l, "inv-disable") } else { t!(l, "inv-enable") }}</button>
        </ActionForm>
    }
    .into_any()
}

/// Creating an invitation without JavaScript (shown until the page hydrates): a plain form with the
/// essentials, in a disclosure ([`crate::api::admin::CreatePlainInvitation`]); its refusals come back
/// in the page's URL and are shown beside their fields.
#[component]
fn NoScriptCreate(version: RwSignal<u32>) -> impl IntoView {
    let l = crate::pages::page_locale();
    let act = ServerAction::<crate::api::admin::CreatePlainInvitation>::new();
    Effect::new(move |_| {
        if matches!(act.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
        }
    });
    let flows = Resource::new(|| (), |_| list_flows());
    let refused = move || act.value().get().is_some_and(|r| r.is_err());
    let error =
        move |field: &'static str| move || crate::pages::field_error(act.value().get(), field);
    view! {
        <details class="no-js-only nojs-create" open=refused>
            <summary>{t!(l, "inv-nojs-create-summary")}</summary>
            <ActionForm action=act attr:class="token-form">
                <label for="nojs-name">{t!(l, "inv-field-name")}</label>
                <input id="nojs-name" name="name" required />
                {error("name")}
                <label for="nojs-flow">{t!(l, "inv-field-flow")}</label>
                <Suspense fallback=move || view! { <p>{t!(l, "inv-loading")}</p> }>
                    {move || Suspend::new(async move {
                        let options = flows.await.unwrap_or_default();
                        view! {
                            <select id="nojs-flow" name="flow">
                                {options.into_iter().map(|f| view! { <option value=f.pk>{f.slug}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
                {error("flow")}
                <label for="nojs-expires">{t!(l, "inv-nojs-expires-label")}</label>
                <input id="nojs-expires" name="expires" type="datetime-local" />
                {error("expires")}
                <label class="check"><input type="checkbox" name="single_use" value="on" checked />{format!(" {}", t!(l, "inv-single-use"))}</label>
                <label for="nojs-emails">{t!(l, "inv-nojs-emails-label")}</label>
                <textarea id="nojs-emails" name="emails" rows="2"></textarea>
                {error("emails")}
                <label for="nojs-fixed-data">{t!(l, "inv-nojs-fixed-data-label")}</label>
                <textarea id="nojs-fixed-data" name="fixed_data" rows="2"></textarea>
                {error("fixed_data")}
                {move || crate::pages::general_error(act.value().get())}
                <button type="submit" id="nojs-create">{t!(l, "inv-create")}</button>
            </ActionForm>
        </details>
    }
    .into_any()
}

/// Once an action's result (`value`) comes: reloads the list (`version`) on success, else puts the
/// error in `notice`.
fn reload_after(
    value: impl Get<Value = Option<Result<(), AppError>>> + 'static,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) {
    Effect::new(move |_| match value.get() {
        Some(Ok(())) => {
            notice.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => notice.set(Some(e.notice(crate::pages::page_locale()))),
        None => {}
    });
}

/// What the expanded row offers, for browsers without JavaScript (shown until the page hydrates): the
/// link in a read-only field to copy by hand, and a delete confirmed by a second button, each in a
/// disclosure (`<details>`, which needs no script). Deleting posts a plain form
/// ([`crate::api::admin::RemoveInvitation`]); once hydrated it is an `ActionForm`.
#[component]
fn NoScriptActions(
    pk: String,
    name: String,
    link: String,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let act = ServerAction::<crate::api::admin::RemoveInvitation>::new();
    reload_after(act.value(), version, notice);
    let link_id = format!("nojs-link-{pk}");
    view! {
        <span class="no-js-only">
            {(!link.is_empty()).then(|| view! {
                <details class="nojs-link">
                    <summary>{t!(l, "inv-nojs-link-summary")}</summary>
                    <label for=link_id.clone()>{t!(l, "inv-nojs-link-of", name = name.clone())}</label>
                    <input id=link_id readonly value=link />
                </details>
            })}
            <details class="nojs-delete">
                <summary>{t!(l, "inv-nojs-delete-summary")}</summary>
                <ActionForm action=act>
                    <input type="hidden" name="pk" value=pk />
                    <p>{t!(l, "inv-nojs-delete-question", name = name.clone())}</p>
                    // Not "Delete": the hydrated row's own Delete button is the one by that name.
                    <button type="submit" class="small danger">{t!(l, "inv-nojs-confirm-deletion")}</button>
                </ActionForm>
            </details>
        </span>
    }
    .into_any()
}

/// The link with its Copy button: selects the link and writes it to the clipboard (after hydration;
/// the CSP allows no inline handlers). Before hydration the read-only field can be copied by hand.
#[component]
fn InvitationLink(pk: String, link: String) -> impl IntoView {
    let l = crate::pages::page_locale();
    let id = format!("link-{pk}");
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
    if link.is_empty() {
        // The service leaves the link empty when the token was sealed under another USHER_SECRET_KEY.
        return view! {
            <p class="link-row sealed-elsewhere" role="status">
                {t!(l, "inv-link-sealed")}
            </p>
        }
        .into_any();
    }
    view! {
        <div class="link-row">
            <label for=id.clone()>{t!(l, "inv-link-label")}</label>
            <input class="invitation-link" id=id readonly value=link.clone() prop:value=link node_ref=field />
            <button type="button" class="small copy" on:click=copy>
                {move || if copied.get() { t!(l, "inv-link-copied") } else { t!(l, "inv-link-copy") }}
            </button>
            // Screen readers hear the copy happen (WCAG 4.1.3, status messages).
            <span class="copied-status" role="status">{move || copied.get().then(|| t!(l, "inv-link-copied-status"))}</span>
        </div>
    }
    .into_any()
}

/// What the invitation holds and grants, and (from `detail`, read when the row opens) its messages and
/// its ledger.
#[component]
fn InvitationFacts(
    row: InvitationView,
    detail: Resource<Result<Option<InvitationView>, AppError>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let grants = |names: &[String]| {
        if names.is_empty() {
            t!(l, "inv-facts-none")
        } else {
            names.join(", ")
        }
    };
    let description = if row.description.is_empty() {
        "—".to_owned()
    } else {
        row.description
    };
    let fixed_data = if row.fixed_data.is_empty() {
        "{}".to_owned()
    } else {
        row.fixed_data
    };
    let emails = if row.emails.is_empty() {
        t!(l, "inv-facts-anyone")
    } else {
        row.emails.join(", ")
    };
    let creator_inactive = (!row.creator_active).then(|| {
        view! {
            <dt>{t!(l, "inv-facts-disabled")}</dt>
            <dd data-testid="disabled-reason">
                {t!(l, "inv-facts-creator-inactive", name = row.created_by.clone())}
            </dd>
        }
    });
    let opens = (!row.not_before_display.is_empty()).then(|| {
        view! {
            <dt>{t!(l, "inv-facts-opens")}</dt>
            <dd data-testid="opens"><super::local_time::LocalWhen at=row.not_before display=row.not_before_display.clone() /></dd>
        }
    });
    view! {
        <dl class="facts">
            {creator_inactive}
            {opens}
            <dt>{t!(l, "inv-description")}</dt><dd>{description}</dd>
            <dt>{t!(l, "inv-facts-custom-attributes")}</dt><dd><pre>{fixed_data}</pre></dd>
            <dt>{t!(l, "inv-facts-emails")}</dt><dd>{emails}</dd>
            <dt>{t!(l, "inv-roles")}</dt><dd>{grants(&row.role_names)}</dd>
            <dt>{t!(l, "inv-groups")}</dt><dd>{grants(&row.group_names)}</dd>
            <Transition fallback=move || view! { <dt>{t!(l, "inv-facts-messages")}</dt><dd class="muted">{t!(l, "inv-loading")}</dd> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(d)) => view! {
                            <dt>{t!(l, "inv-facts-messages")}</dt><dd><MessageList messages=d.messages.unwrap_or_default() /></dd>
                            <dt>{t!(l, "inv-facts-used-by")}</dt><dd><LedgerList ledger=d.ledger.unwrap_or_default() /></dd>
                            <EventList events=d.events.unwrap_or_default() />
                            <Timeline steps=d.timeline.unwrap_or_default() />
                            {d.qr_svg.map(|svg| {
                                let (svg_href, png_href) = (
                                    format!("/admin/invitations/{}/qr.svg", d.pk),
                                    format!("/admin/invitations/{}/qr.png", d.pk),
                                );
                                view! {
                                    <dt>{t!(l, "inv-facts-qr")}</dt>
                                    <dd class="qr">
                                        // Generated by Usher from the link (service::qr): modules, no text.
                                        <div class="qr-code" role="img" aria-label=t!(l, "inv-facts-qr-label") inner_html=svg></div>
                                        <a class="qr-svg" href=svg_href download>"SVG"</a>
                                        " · "
                                        <a class="qr-png" href=png_href download>{t!(l, "inv-facts-qr-png")}</a>
                                    </dd>
                                }
                            })}
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <dt>{t!(l, "inv-facts-activity")}</dt><dd><ErrorNotice error=e /></dd> }.into_any(),
                    }
                })}
            </Transition>
        </dl>
    }
    .into_any()
}

/// An invitation's messages, newest first.
#[component]
fn MessageList(messages: Vec<crate::model::OutboxMessage>) -> impl IntoView {
    let l = crate::pages::page_locale();
    if messages.is_empty() {
        return view! { <span class="muted">{t!(l, "inv-messages-none")}</span> }.into_any();
    }
    view! {
        <ul class="messages">
            {messages.into_iter().map(|m| {
                let status = m.status.as_str();
                view! {
                <li data-status=status>
                    <super::local_time::Sentence
                        sentence=t!(l, "inv-message-line", to = m.to, status = m.status.label(l), attempts = m.attempts, created = super::local_time::time_mark(0))
                        times=vec![(m.created_at, m.created)] />
                    {m.sent_at.map(|at| view! { " " <super::local_time::Sentence sentence=t!(l, "inv-message-sent", date = super::local_time::time_mark(0)) times=vec![(at, m.sent)] /> })}
                    {(!m.last_error.is_empty()).then(|| view! { <br /><span class="error">{m.last_error}</span> })}
                </li>
                }.into_any()
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// What the admin should know of beside uses (codes paused after wrong guesses, …), oldest first;
/// nothing when there is none.
#[component]
fn EventList(events: Vec<crate::model::InvitationEvent>) -> impl IntoView {
    use crate::domain::event::EventKind;
    let l = crate::pages::page_locale();
    (!events.is_empty()).then(|| {
        view! {
            <dt>{t!(l, "inv-events")}</dt>
            <dd>
                <ul class="events">
                    {events.into_iter().map(|e| {
                        let kind = e.kind.as_str();
                        view! {
                            <li class="warning" data-kind=kind>
                                <strong>{match e.kind {
                                    EventKind::CodesPaused => t!(l, "inv-event-codes-paused"),
                                    EventKind::CodeBudgetHalf => t!(l, "inv-event-code-budget-half"),
                                }}</strong> " · " <super::local_time::LocalTime at=e.at utc=e.at_display /> <br />
                                {e.detail}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </dd>
        }
    })
}

/// The invitation's timeline, oldest first: created, edited, emailed, delivered or failed, used…
#[component]
fn Timeline(steps: Vec<crate::model::TimelineEntry>) -> impl IntoView {
    let l = crate::pages::page_locale();
    (!steps.is_empty()).then(|| {
        view! {
            <dt>{t!(l, "inv-timeline")}</dt>
            <dd>
                <ol class="timeline">
                    {steps.into_iter().map(|s| {
                        let kind = s.kind.clone();
                        view! {
                            <li data-kind=kind class:warning=s.warning>
                                <span class="muted"><super::local_time::LocalTime at=s.at utc=s.at_display /></span> " · " {s.text}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </dd>
        }
    })
}

/// Who used the invitation, oldest first.
#[component]
fn LedgerList(ledger: Vec<crate::model::LedgerEntry>) -> impl IntoView {
    use crate::domain::invitation::UseAction;
    let l = crate::pages::page_locale();
    if ledger.is_empty() {
        return view! { <span class="muted">{t!(l, "inv-ledger-none")}</span> }.into_any();
    }
    view! {
        <ul class="ledger">
            {ledger.into_iter().map(|e| {
                let username = e.username.clone();
                view! {
                    <li data-username=username>
                        <strong>{e.username}</strong> " " {match e.action {
                            UseAction::Enrolled => t!(l, "inv-ledger-enrolled"),
                            UseAction::Joined => t!(l, "inv-ledger-joined"),
                        }} " · " <super::local_time::LocalTime at=e.at utc=e.at_display />
                    </li>
                }.into_any()
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Edit, Disable/Enable, Send…, Regenerate link, Deprovision accounts… and Delete, with the send form.
#[component]
fn InvitationActions(
    row: InvitationView,
    editing: RwSignal<Option<Editing>>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let sending = RwSignal::new(false);
    let run = move |fut: super::AdminAction| super::run_and_refresh(fut, notice, version);
    let (pk, enabled) = (row.pk.clone(), row.enabled);
    let pk_toggle = pk.clone();
    let pk_regen = pk.clone();
    let pk_edit = pk.clone();
    let enrolled = row.enrolled_count;
    let send_label = if row.message_count == 0 {
        t!(l, "inv-action-send")
    } else {
        t!(l, "inv-action-resend")
    };
    let send_to = row.send_to;
    view! {
        <div class="actions">
            <button class="small" on:click=move |_| editing.set(Some(Editing::Edit(pk_edit.clone())))>{t!(l, "inv-action-edit")}</button>
            <button class="small secondary toggle" on:click=move |_| {
                let pk = pk_toggle.clone();
                run(Box::pin(async move { set_invitation_enabled(pk, !enabled).await }))
            }>{if enabled { t!(l, "inv-disable") } else { t!(l, "inv-enable") }}</button>
            <button class="small secondary send" aria-expanded=move || sending.get().to_string() on:click=move |_| sending.update(|s| *s = !*s)>{send_label}</button>
            <button class="small secondary" on:click=move |_| {
                let pk = pk_regen.clone();
                run(Box::pin(async move { regenerate_invitation_token(pk).await }))
            }>{t!(l, "inv-action-regenerate")}</button>
            {(enrolled > 0).then(|| view! { <DeprovisionButton pk=pk.clone() enrolled notice version /> })}
            <DeleteButton pk=pk.clone() name=row.name notice version />
        </div>
        <Show when=move || sending.get()>
            <SendForm pk=pk.clone() to=send_to.clone() version sending />
        </Show>
    }
    .into_any()
}

/// "Deprovision accounts…", confirmed before it deactivates the accounts the invitation created.
#[component]
fn DeprovisionButton(
    pk: String,
    enrolled: u64,
    notice: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button class="small danger deprovision" on:click=move |_| confirming.set(true)>{t!(l, "inv-deprovision")}</button>
            }
        >
            <span class="confirm">{format!("{} ", t!(l, "inv-deprovision-confirm", count = enrolled))}</span>
            <button class="small danger confirm-deprovision" on:click={
                let pk = pk.clone();
                move |_| {
                    let pk = pk.clone();
                    super::run_and_refresh(Box::pin(async move { deprovision_invitation(pk).await.map(|_| ()) }), notice, version)
                }
            }>{t!(l, "inv-deprovision-confirm-button")}</button>
            <button class="small secondary" on:click=move |_| confirming.set(false)>{t!(l, "inv-cancel")}</button>
        </Show>
    }
    .into_any()
}

/// "Delete", confirmed before the invitation is deleted.
#[component]
fn DeleteButton(
    pk: String,
    name: String,
    notice: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! { <button class="small danger" on:click=move |_| confirming.set(true)>{t!(l, "inv-delete")}</button> }
        >
            <span class="confirm">{format!("{} ", t!(l, "inv-delete-confirm", name = name.clone()))}</span>
            <button class="small danger" on:click={
                let pk = pk.clone();
                move |_| {
                    let pk = pk.clone();
                    super::run_and_refresh(Box::pin(async move { delete_invitation(pk).await }), notice, version)
                }
            }>{t!(l, "inv-delete-confirm-button")}</button>
            <button class="small secondary" on:click=move |_| confirming.set(false)>{t!(l, "inv-cancel")}</button>
        </Show>
    }
    .into_any()
}

fn split_addresses(s: &str) -> Vec<String> {
    s.split([',', '\n', ';'])
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Send / Resend: To (pre-filled), Cc, Bcc.
#[component]
fn SendForm(
    pk: String,
    to: Vec<String>,
    version: RwSignal<u32>,
    sending: RwSignal<bool>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let to = RwSignal::new(to.join(", "));
    let cc = RwSignal::new(String::new());
    let bcc = RwSignal::new(String::new());
    let send = Action::new(move |pk: &String| {
        let pk = pk.clone();
        let (t, c, b) = (
            split_addresses(&to.get_untracked()),
            split_addresses(&cc.get_untracked()),
            split_addresses(&bcc.get_untracked()),
        );
        async move { send_invitation(pk, t, c, b).await }
    });
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            version.update(|v| *v += 1);
            sending.set(false);
        }
    });
    let err = move |f: &'static str| move || field_error(send.value().get(), f);
    view! {
        <form class="send-form" on:submit=move |ev| { ev.prevent_default(); send.dispatch(pk.clone()); }>
            <label for="send-to">{t!(l, "inv-send-to")}</label>
            <input id="send-to" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) placeholder="jane@example.com, …" />
            {err("to")}
            <label for="send-cc">{t!(l, "inv-send-cc")}</label>
            <input id="send-cc" prop:value=cc on:input=move |ev| cc.set(event_target_value(&ev)) />
            {err("cc")}
            <label for="send-bcc">{t!(l, "inv-send-bcc")}</label>
            <input id="send-bcc" prop:value=bcc on:input=move |ev| bcc.set(event_target_value(&ev)) />
            {err("bcc")}
            <button type="submit" class="small" id="send-submit">{t!(l, "inv-send-submit")}</button>
        </form>
    }
    .into_any()
}

fn row_to_form(r: InvitationView) -> InvitationForm {
    InvitationForm {
        name: r.name,
        description: r.description,
        flow: r.flow_pk,
        never_expires: r.expires.is_none(),
        expires: r.expires_input,
        not_before: r.not_before_input,
        fixed_data: r.fixed_data,
        single_use: r.single_use,
        quota: r.quota.map(|q| q.to_string()).unwrap_or_default(),
        emails: r.emails.join("\n"),
        roles: r.roles,
        groups: r.groups,
        enabled: r.enabled,
        notify_creator: r.notify_creator,
        reminder_days: r
            .reminder_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        locale: r.locale.map(|l| l.code().to_owned()).unwrap_or_default(),
        requires_approval: r.requires_approval,
    }
}

#[component]
fn InvitationEditor(
    mode: Editing,
    editing: RwSignal<Option<Editing>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let mode2 = mode.clone();
    let initial = Resource::new(
        move || mode2.clone(),
        |m| async move {
            match m {
                Editing::Create => new_invitation_defaults().await,
                Editing::Edit(pk) => get_invitation(pk).await.map(row_to_form),
            }
        },
    );
    let choices = Resource::new(
        || (),
        |_| async move {
            Ok::<_, AppError>((
                list_flows().await?,
                list_roles().await?,
                list_groups().await?,
            ))
        },
    );
    view! {
        <Suspense fallback=move || view! { <p>{t!(l, "inv-loading")}</p> }>
            {move || {
                let mode = mode.clone();
                Suspend::new(async move {
                    match (initial.await, choices.await) {
                        (Ok(form), Ok((flows, roles, groups))) => view! {
                            <InvitationFormView mode form flows roles groups editing version />
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn InvitationFormView(
    mode: Editing,
    form: InvitationForm,
    flows: Vec<crate::model::FlowOption>,
    roles: Vec<NamedItem>,
    groups: Vec<NamedItem>,
    editing: RwSignal<Option<Editing>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let l = crate::pages::page_locale();
    let name = RwSignal::new(form.name);
    let description = RwSignal::new(form.description);
    let flow = RwSignal::new(form.flow);
    // The date-time inputs mean the viewer's time zone; what is saved is the UTC instant.
    use super::local_time::{local_input_to_utc, utc_input_to_local};
    let zone = super::local_time::zone().unwrap_or_else(|| "UTC".into());
    let expires = RwSignal::new(utc_input_to_local(&form.expires));
    let never = RwSignal::new(form.never_expires);
    let not_before = RwSignal::new(utc_input_to_local(&form.not_before));
    let fixed_data = RwSignal::new(form.fixed_data);
    let single_use = RwSignal::new(form.single_use);
    let quota = RwSignal::new(form.quota);
    let emails = RwSignal::new(form.emails);
    let sel_roles = RwSignal::new(form.roles);
    let sel_groups = RwSignal::new(form.groups);
    let enabled = RwSignal::new(form.enabled);
    let notify_creator = RwSignal::new(form.notify_creator);
    let reminder_days = RwSignal::new(form.reminder_days);
    let locale = RwSignal::new(form.locale);
    let requires_approval = RwSignal::new(form.requires_approval);
    // What this invitation would need from a mail server that is not configured, checked on the server
    // (it parses the custom attributes and email rules as saving does) while the form is filled in.
    let mail_warning = Resource::new(
        move || (flow.get(), emails.get(), fixed_data.get()),
        |(flow, emails, fixed_data)| invitation_mail_warning(flow, emails, fixed_data),
    );
    let title = match &mode {
        Editing::Create => t!(l, "inv-editor-title-create"),
        Editing::Edit(_) => t!(l, "inv-editor-title-edit"),
    };
    let editing_pk = match &mode {
        Editing::Create => None,
        Editing::Edit(pk) => Some(pk.clone()),
    };
    let save = Action::new(move |f: &InvitationForm| {
        let f = f.clone();
        let mode = mode.clone();
        async move {
            match mode {
                Editing::Create => create_invitation(f).await.map(|_| ()),
                Editing::Edit(pk) => update_invitation(pk, f).await,
            }
        }
    });
    // Close the editor once the action has stored its result (closing disposes the action, so it must
    // not happen inside the action's own future).
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
            editing.set(None);
        }
    });
    let err = move |f: &'static str| move || field_error(save.value().get(), f);
    // The form as typed now: what Save stores, and what the checks below it preview.
    let current = Callback::new(move |()| InvitationForm {
        name: name.get_untracked(),
        description: description.get_untracked(),
        flow: flow.get_untracked(),
        expires: local_input_to_utc(&expires.get_untracked()),
        never_expires: never.get_untracked(),
        not_before: local_input_to_utc(&not_before.get_untracked()),
        fixed_data: fixed_data.get_untracked(),
        single_use: single_use.get_untracked(),
        quota: quota.get_untracked(),
        emails: emails.get_untracked(),
        roles: sel_roles.get_untracked(),
        groups: sel_groups.get_untracked(),
        enabled: enabled.get_untracked(),
        notify_creator: notify_creator.get_untracked(),
        reminder_days: reminder_days.get_untracked(),
        locale: locale.get_untracked(),
        requires_approval: requires_approval.get_untracked(),
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(current.run(()));
    };
    let checklist = move |items: Vec<NamedItem>, sel: RwSignal<Vec<String>>, kind: &'static str| {
        if items.is_empty() {
            return view! { <p class="muted">{if kind == "role" { t!(l, "inv-editor-no-roles") } else { t!(l, "inv-editor-no-groups") }}</p> }.into_any();
        }
        items
            .into_iter()
            .map(|it| {
                let pk = it.pk.clone();
                let pk2 = it.pk.clone();
                let id = format!("{kind}-{}", it.name);
                let for_id = id.clone();
                view! {
                    <label class="check" for=for_id>
                        <input type="checkbox" id=id data-name=it.name.clone()
                            prop:checked=move || sel.get().contains(&pk)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let pk = pk2.clone();
                                sel.update(|v| { v.retain(|x| *x != pk); if on { v.push(pk); } });
                            } />
                        {it.name.clone()}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <form class="card editor" id="invitation-form" on:submit=submit novalidate>
            <h2>{title}</h2>
            {move || general_error(save.value().get())}
            <label for="invitation-name">{t!(l, "inv-field-name")}</label>
            <input id="invitation-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) placeholder="jane-smith-2026-02" />
            {err("name")}
            <label for="invitation-description">{t!(l, "inv-description")}</label>
            <textarea id="invitation-description" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) rows="2"></textarea>
            <label for="invitation-flow">{t!(l, "inv-field-flow")}</label>
            <select id="invitation-flow" on:change=move |ev| flow.set(event_target_value(&ev))>
                <option value="" selected=move || flow.get().is_empty()>{t!(l, "inv-editor-choose-flow")}</option>
                {flows.clone().into_iter().map(|f| {
                    let pk = f.pk.clone();
                    view! { <option value=f.pk.clone() selected=move || flow.get() == pk>{f.slug.clone()}</option> }
                }).collect_view()}
            </select>
            {move || {
                let selected = flow.get();
                flows.iter().any(|f| f.pk == selected && !f.has_invitation_stage).then(|| view! {
                    <p class="warning" role="status" id="no-invitation-stage">
                        {t!(l, "inv-editor-no-invitation-stage")}
                    </p>
                })
            }}
            {err("flow")}
            <label for="invitation-expires">{t!(l, "inv-editor-expires-label", zone = zone.clone())}</label>
            <input id="invitation-expires" type="datetime-local" prop:value=expires prop:disabled=never
                on:input=move |ev| expires.set(event_target_value(&ev)) />
            <label class="check" for="invitation-never">
                <input id="invitation-never" type="checkbox" role="switch" prop:checked=never on:change=move |ev| never.set(event_target_checked(&ev)) />
                {t!(l, "inv-editor-never-expires")}
            </label>
            <Show when=move || never.get()>
                <p class="warning" role="status">{t!(l, "inv-editor-never-warning")}</p>
            </Show>
            {err("expires")}
            <label for="invitation-not-before">{t!(l, "inv-editor-not-before-label", zone = zone.clone())}</label>
            <input id="invitation-not-before" type="datetime-local" prop:value=not_before
                on:input=move |ev| not_before.set(event_target_value(&ev)) />
            <p class="muted">{t!(l, "inv-editor-not-before-help")}</p>
            {err("not_before")}
            <label for="invitation-reminders">{t!(l, "inv-editor-reminders-label")}</label>
            <input id="invitation-reminders" prop:value=reminder_days placeholder="7, 1"
                on:input=move |ev| reminder_days.set(event_target_value(&ev)) />
            <p class="muted">{t!(l, "inv-editor-reminders-help")}</p>
            {err("reminder_days")}
            <label for="invitation-locale">{t!(l, "inv-editor-locale-label")}</label>
            <select id="invitation-locale" on:change=move |ev| locale.set(event_target_value(&ev))>
                <option value="" selected=move || locale.get().is_empty()>{t!(l, "inv-editor-locale-browser")}</option>
                {crate::i18n::Locale::ALL.into_iter().map(|lang| view! {
                    <option value=lang.code() selected=move || locale.get() == lang.code()>{lang.native_name()}</option>
                }).collect_view()}
            </select>
            <p class="muted">{t!(l, "inv-editor-locale-help")}</p>
            {err("locale")}
            <label for="invitation-fixed-data">{t!(l, "inv-editor-fixed-data-label")}</label>
            <textarea id="invitation-fixed-data" class="code" rows="5" placeholder="name: Jane Smith\nemail: jane.smith@company.com"
                prop:value=fixed_data on:input=move |ev| fixed_data.set(event_target_value(&ev))></textarea>
            {err("fixed_data")}
            <label class="check" for="invitation-single-use">
                <input id="invitation-single-use" type="checkbox" role="switch" prop:checked=single_use on:change=move |ev| single_use.set(event_target_checked(&ev)) />
                {t!(l, "inv-single-use")}
            </label>
            <label for="invitation-quota">{t!(l, "inv-editor-quota-label")}</label>
            <input id="invitation-quota" type="number" min="1" prop:value=quota prop:disabled=single_use
                on:input=move |ev| quota.set(event_target_value(&ev)) />
            {err("quota")}
            <label for="invitation-emails">{t!(l, "inv-editor-emails-label")}</label>
            <textarea id="invitation-emails" rows="3" prop:value=emails on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
            {err("emails")}
            {move || mail_warning.get().and_then(|w| w.ok()).filter(|w| w.any()).map(|w| view! {
                <div class="warning" role="status" id="invitation-mail-warning">
                    {w.sends_invitation.then(|| view! {
                        <p>{t!(l, "inv-editor-mail-warning-send")}</p>
                    })}
                    {w.needs_code.then(|| view! {
                        <p>{t!(l, "inv-editor-mail-warning-code")}</p>
                    })}
                </div>
            })}
            <fieldset><legend>{t!(l, "inv-roles")}</legend>{checklist(roles, sel_roles, "role")}</fieldset>
            {err("roles")}
            <fieldset><legend>{t!(l, "inv-groups")}</legend>{checklist(groups, sel_groups, "group")}</fieldset>
            {err("groups")}
            <label class="check" for="invitation-enabled">
                <input id="invitation-enabled" type="checkbox" role="switch" prop:checked=enabled on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                {t!(l, "inv-editor-enabled")}
            </label>
            <label class="check" for="invitation-notify">
                <input id="invitation-notify" type="checkbox" role="switch" prop:checked=notify_creator on:change=move |ev| notify_creator.set(event_target_checked(&ev)) />
                {t!(l, "inv-editor-notify")}
            </label>
            <label class="check" for="invitation-approval">
                <input id="invitation-approval" type="checkbox" role="switch" prop:checked=requires_approval on:change=move |ev| requires_approval.set(event_target_checked(&ev)) />
                {t!(l, "inv-editor-approval")}
            </label>
            <div class="actions">
                <button type="submit" id="invitation-save">{t!(l, "inv-editor-save")}</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>{t!(l, "inv-cancel")}</button>
            </div>
        </form>
        <InvitationChecks current pk=editing_pk />
    }
    .into_any()
}
