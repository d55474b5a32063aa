//! The invitee's pages: `/if/flow/{slug}/?itoken=…` (landing and prompt stages) and `/if/accept/`
//! (an existing user accepts after signing in).

use super::{LocalTime, LocalTimes};
use crate::api::flow::{
    get_accept_view, get_flow_landing, AcceptInvitation, RememberInvitation, ResendCode,
    SendAcceptCode, SubmitStage,
};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::FlowView;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The flow page: the invitation's summary, its current prompt stage, and the existing-account choices; or
/// the invalid-invitation page. It speaks the invitee's language ([`FlowView::locale`]; issue 16).
#[component]
pub fn FlowPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let itoken = move || query.read().get("itoken");
    let submit = ServerAction::<SubmitStage>::new();
    // After a stage is accepted the plan moves on: load the landing again to show the next stage.
    let advanced = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(submit.value().get(), Some(Ok(()))) {
            advanced.update(|n| *n += 1);
        }
    });
    let landing = Resource::new(
        move || (slug(), itoken(), advanced.get()),
        |(s, t, _)| get_flow_landing(s, t),
    );
    let here = move || match itoken() {
        Some(t) => format!("/if/flow/{}/?itoken={t}", slug()),
        None => format!("/if/flow/{}/", slug()),
    };
    view! {
        <main class="card narrow flow">
            <super::BrandBar />
            <Suspense fallback=|| view! { <p>{super::page_locale().tr("page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match landing.await {
                        Ok(v) => view! {
                            <Html {..} lang=v.locale.code() />
                            <div class="page-tools"><super::ThemeForm next=here() locale=v.locale /></div>
                            <FlowStage view=v itoken=itoken().unwrap_or_default() submit />
                        }.into_any(),
                        Err(e) => {
                            let locale = super::page_locale();
                            view! {
                                <Html {..} lang=locale.code() />
                                <div class="page-tools">
                                    <LanguageForm locale next=here() />
                                    <super::ThemeForm next=here() locale />
                                </div>
                                <InvalidInvite error=e locale />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

/// The language switcher of a page without a stage form: a plain form that remembers the choice and
/// comes back to `next` ([`crate::api::flow::set_language`]); works without JavaScript.
#[component]
pub fn LanguageForm(locale: Locale, #[prop(into)] next: Signal<String>) -> impl IntoView {
    view! {
        <form method="post" action="/api/flow/language" class="lang-switch">
            <input type="hidden" name="next" prop:value=move || next.get() value=next.get_untracked() />
            <LanguageButtons locale name="lang" />
        </form>
    }
}

/// The languages as buttons named `name` (`lang` or, in a stage's form, `switch_lang`), the current one
/// marked and disabled; each labelled in its own language.
#[component]
fn LanguageButtons(locale: Locale, name: &'static str) -> impl IntoView {
    view! {
        <span class="lang-label" id=format!("lang-label-{name}")>{t!(locale, "lang-switch-label")}": "</span>
        {Locale::ALL.into_iter().map(|l| view! {
            <button type="submit" class="link" name=name value=l.code() lang=l.code()
                formnovalidate=true
                aria-describedby=format!("lang-label-{name}")
                aria-current=(l == locale).then_some("true")
                disabled=l == locale
                id=format!("lang-{}", l.code())>
                {l.native_name()}
            </button>
        }).collect_view()}
    }
}

/// "This invitation is not open yet": when it opens, in UTC in a `<time>` element, shown in the
/// invitee's own time zone by [`LocalTimes`] where scripts run.
#[component]
fn NotYetOpenNotice(utc: String, iso: String, locale: Locale) -> impl IntoView {
    view! {
        <section class="invalid-invite not-yet-open">
            <h1>{t!(locale, "flow-not-open-title")}</h1>
            <p class="reason" id="opens-at">
                {t!(locale, "flow-not-open-opens")} " "
                <LocalTime iso utc />
                "."
            </p>
            <p>{t!(locale, "flow-not-open-come-back")}</p>
            <LocalTimes />
        </section>
    }
}

/// "Invalid invite/invite not found", with the reason where it is safe to tell; for a scheduled
/// invitation, when it opens ([`NotYetOpenNotice`]). In `locale`.
#[component]
pub fn InvalidInvite(error: AppError, locale: Locale) -> impl IntoView {
    if let AppError::NotYetOpen { utc, iso, .. } = &error {
        return view! { <NotYetOpenNotice utc=utc.clone() iso=iso.clone() locale /> }.into_any();
    }
    if let AppError::PolicyDenied(message) = &error {
        return view! {
            <section class="invalid-invite policy-denied">
                <h1>{t!(locale, "flow-denied-title")}</h1>
                <p class="reason">{message.clone()}</p>
                <p>{t!(locale, "flow-denied-ask")}</p>
            </section>
        }
        .into_any();
    }
    let reason = match &error {
        AppError::InvalidInvitation { reason, .. } => reason.clone(),
        AppError::Validation(_) => None,
        other => Some(other.message(locale)),
    };
    view! {
        <section class="invalid-invite">
            <h1>{t!(locale, "flow-invalid-title")}</h1>
            {reason.map(|r| view! { <p class="reason">{r}</p> })}
            <p>{t!(locale, "flow-invalid-ask")}</p>
        </section>
    }
    .into_any()
}

#[component]
fn FlowStage(view: FlowView, itoken: String, submit: ServerAction<SubmitStage>) -> impl IntoView {
    let result = submit.value();
    let remember = ServerAction::<RememberInvitation>::new();
    let accept = ServerAction::<AcceptInvitation>::new();
    let resend = ServerAction::<ResendCode>::new();
    let FlowView {
        locale,
        expires_iso,
        expires_absolute,
        expires_relative,
        slug,
        title,
        invited_by,
        roles,
        groups,
        user_type,
        expires_display: _,
        stage,
        step,
        fields,
        locked,
        signed_in_as,
        verify_email,
        closed,
        code_step: _,
        mail_unavailable,
    } = view;
    let here = if itoken.is_empty() {
        format!("/if/flow/{slug}/")
    } else {
        format!("/if/flow/{slug}/?itoken={itoken}")
    };
    let open = closed.is_none();
    let inviter = invited_by.clone();
    let verifying = verify_email.is_some();
    let query = use_query_map();
    let resent = move || query.read().get("resent").is_some_and(|v| v == "1");
    let invalid = move || {
        [
            submit.value().get(),
            remember.value().get(),
            accept.value().get(),
            resend.value().get(),
        ]
        .into_iter()
        .find_map(|r| match r {
            Some(Err(
                e @ (AppError::InvalidInvitation { .. }
                | AppError::NotYetOpen { .. }
                | AppError::PolicyDenied(_)),
            )) => Some(e),
            _ => None,
        })
    };
    let grants = locale.grants(&roles, &groups, crate::i18n::AccountWords::Of(user_type));
    let has_invitation = !itoken.is_empty();
    let fields_view = fields
        .into_iter()
        .map(|(f, value)| {
            let id = format!("field-{}", f.field_key);
            let for_id = id.clone();
            let label = locale.label(&f.label);
            let key = f.field_key.clone();
            let readonly = locked.contains(&f.field_key);
            view! {
                <label for=for_id>{label}</label>
                <input
                    id=id
                    name=format!("fields[{}]", f.field_key)
                    type=f.input_type()
                    // The property too: when the next page's field takes this input's place in the DOM,
                    // what was typed before (the username) must not stay in it (the code).
                    value=value.clone().unwrap_or_default()
                    prop:value=value.unwrap_or_default()
                    placeholder=locale.label(&f.placeholder)
                    required=f.required
                    readonly=readonly
                    autocomplete=match (&f.field_type, f.field_key.as_str()) {
                        (crate::domain::flow::PromptType::Password, _) => "new-password",
                        (crate::domain::flow::PromptType::Username, _) | (_, "username") => "username",
                        (crate::domain::flow::PromptType::Email, _) | (_, "email") => "email",
                        (_, "code") => "one-time-code",
                        (_, "name") => "name",
                        _ => "on",
                    }
                    inputmode=(f.field_key == "code").then_some("numeric")
                />
                {move || super::field_error(result.get(), &key)}
            }
        })
        .collect_view();
    let (slug2, itoken2, itoken3) = (slug.clone(), itoken.clone(), itoken.clone());
    let (slug4, itoken4) = (slug.clone(), itoken.clone());
    view! {
        <Show
            when=move || invalid().is_none()
            fallback=move || view! { <InvalidInvite error=invalid().unwrap_or(AppError::Internal) locale /> }
        >
            <h1>{title.clone()}</h1>
            {has_invitation.then(|| view! {
                <div class="invitation-summary">
                    <p>{t!(locale, "flow-invited-by")} " " <strong>{invited_by.clone()}</strong></p>
                    <p>{t!(locale, "flow-you-will-get", grants = grants.clone())}</p>
                    <p class="muted" id="invitation-expires">
                        {t!(locale, "flow-expires")} " "
                        {match (expires_iso.clone(), expires_absolute.clone()) {
                            (Some(iso), Some(utc)) => view! {
                                <LocalTime iso utc />
                                " (" {expires_relative.clone()} ")"
                            }.into_any(),
                            _ => view! { {t!(locale, "time-never")} }.into_any(),
                        }}
                    </p>
                </div>
            })}
        </Show>
        <div class:hidden=move || invalid().is_some()>
            {match (has_invitation, signed_in_as.clone()) {
                (true, Some(username)) => view! {
                    <div class="choice">
                        <ActionForm action=accept>
                            <input type="hidden" name="itoken" value=itoken2.clone() />
                            <input type="hidden" name="lang" value=locale.code() />
                            <button type="submit" id="accept-invitation">{t!(locale, "flow-accept-as", username = username.clone())}</button>
                        </ActionForm>
                        {move || super::general_error_in(locale, accept.value().get())}
                        {open.then(|| view! { <p class="muted">{t!(locale, "flow-or-create")}</p> })}
                    </div>
                }.into_any(),
                (true, None) if !verifying => view! {
                    <div class="choice">
                        <ActionForm action=remember>
                            <input type="hidden" name="slug" value=slug2.clone() />
                            <input type="hidden" name="itoken" value=itoken3.clone() />
                            <input type="hidden" name="lang" value=locale.code() />
                            <button type="submit" class="secondary" id="existing-account">{t!(locale, "flow-existing-account")}</button>
                        </ActionForm>
                        {open.then(|| view! { <p class="muted">{t!(locale, "flow-new-here")}</p> })}
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {closed.clone().map(|why| view! {
                <p class="notice" id="enroll-closed" role="status">{why}</p>
                {signed_in_as.is_some().then(|| view! {
                    // A plain form, not an ActionForm: the page must load again from the server once
                    // signed out (the router would keep this view for the same URL), and the server
                    // function answers a browser's form post with its redirect to `next`.
                    <form method="post" action="/api/auth/logout">
                        <input type="hidden" name="next" value=here.clone() />
                        <button type="submit" class="secondary" id="sign-out">{t!(locale, "flow-sign-out")}</button>
                    </form>
                })}
            })}
            <div class:hidden=!open>
            <ActionForm action=submit>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="itoken" value=itoken.clone() />
                <input type="hidden" name="stage" value=stage.to_string() />
                <input type="hidden" name="lang" value=locale.code() />
                <p class="lang-switch"><LanguageButtons locale name="switch_lang" /></p>
                {(step.1 > 1).then(|| view! { <p class="muted step">{t!(locale, "flow-step", step = step.0 as i64, total = step.1 as i64)}</p> })}
                {mail_unavailable.then(|| view! { <MailUnavailable inviter=inviter.clone() locale /> })}
                {verify_email.clone().filter(|_| !mail_unavailable).map(|email| view! {
                    <p class="verify-note" id="verify-note">
                        {t!(locale, "flow-code-sent-to")} " " <strong>{email}</strong>
                        {t!(locale, "flow-code-enter-below")}
                    </p>
                })}
                {fields_view}
                {move || match result.get() {
                    Some(Err(AppError::Validation(_))) | Some(Err(AppError::InvalidInvitation { .. } | AppError::NotYetOpen { .. } | AppError::PolicyDenied(_))) | None | Some(Ok(_)) => None,
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(locale)}</p> }),
                }}
                <button type="submit" id="submit-stage">
                    {if verifying { t!(locale, "flow-submit-verify") } else if step.0 < step.1 { t!(locale, "flow-submit-continue") } else { t!(locale, "flow-submit-create") }}
                </button>
            </ActionForm>
            </div>
            {verifying.then(|| view! {
                <ActionForm action=resend attr:class="resend">
                    <input type="hidden" name="slug" value=slug4.clone() />
                    <input type="hidden" name="itoken" value=itoken4.clone() />
                    <input type="hidden" name="lang" value=locale.code() />
                    <button type="submit" class="secondary" id="resend-code">{t!(locale, "flow-resend")}</button>
                </ActionForm>
                {move || match resend.value().get() {
                    Some(Ok(())) => Some(view! { <p class="notice" role="status">{t!(locale, "flow-resent")}</p> }.into_any()),
                    // Without JavaScript the server sends the browser back here with `resent=1`.
                    None if resent() => Some(view! { <p class="notice" role="status">{t!(locale, "flow-resent")}</p> }.into_any()),
                    other => super::general_error_in(locale, other),
                }}
            })}
        </div>
        <LocalTimes />
    }
    .into_any()
}

/// Tells an invitee who must confirm their address with a code that no code can come (no SMTP server is
/// configured, issue 34), and whom to ask.
#[component]
fn MailUnavailable(inviter: String, locale: Locale) -> impl IntoView {
    let text = if inviter.is_empty() {
        t!(locale, "flow-mail-unavailable")
    } else {
        t!(locale, "flow-mail-unavailable-inviter", name = inviter)
    };
    view! { <p class="warning" role="alert" id="mail-unavailable">{text}</p> }
}

/// `/if/accept/`: a signed-in user accepts the invitation remembered in this browser, in the invitation's
/// language (else the visitor's).
#[component]
pub fn AcceptPage() -> impl IntoView {
    let send_code = ServerAction::<SendAcceptCode>::new();
    let view_res = Resource::new(move || send_code.version().get(), |_| get_accept_view());
    let accept = ServerAction::<AcceptInvitation>::new();
    view! {
        <main class="card narrow flow">
            <super::BrandBar />
            <Suspense fallback=|| view! { <p>{super::page_locale().tr("page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match view_res.await {
                        Ok(v) => {
                            let l = v.locale;
                            view! {
                            <Html {..} lang=l.code() />
                            <super::PageTools locale=l next="/if/accept/" />
                            <h1>{t!(l, "accept-title")}</h1>
                            <div class="invitation-summary">
                                <p>{t!(l, "flow-invited-by")} " " <strong>{v.invited_by.clone()}</strong></p>
                                <p>{t!(l, "flow-you-will-get", grants = l.grants(&v.roles, &v.groups, crate::i18n::AccountWords::Omitted))}</p>
                                <p class="muted" id="accept-expires">{t!(l, "flow-expires")} " " {match v.expires.clone() {
                                    Some(time) => view! { <super::PageWhen time /> }.into_any(),
                                    None => t!(l, "time-never").into_any(),
                                }}</p>
                            </div>
                            <LocalTimes />
                            {(v.verify_email.is_some() && v.mail_unavailable).then(|| view! { <MailUnavailable inviter=v.invited_by.clone() locale=l /> })}
                            {v.verify_email.clone().map(|email| view! {
                                <p class="verify-note" id="verify-note">
                                    {t!(l, "accept-confirmed-only")} " "
                                    {if v.code_sent { t!(l, "accept-code-sent-to") } else { t!(l, "accept-code-send-to") }} " "
                                    <strong>{email}</strong> " "
                                    {if v.code_sent { t!(l, "accept-code-sent-wait") } else { t!(l, "accept-code-send-why") }}
                                </p>
                                <ActionForm action=send_code>
                                    <input type="hidden" name="lang" value=l.code() />
                                    <button type="submit" class="secondary" id="send-code">
                                        {if v.code_sent { t!(l, "accept-send-new") } else { t!(l, "accept-send-code") }}
                                    </button>
                                </ActionForm>
                                {move || super::general_error_in(l, send_code.value().get())}
                            })}
                            {(v.verify_email.is_none() || v.code_sent).then(|| view! {
                                <ActionForm action=accept>
                                    <input type="hidden" name="itoken" value="" />
                                    <input type="hidden" name="lang" value=l.code() />
                                    {v.code_sent.then(|| view! {
                                        <label for="field-code">{t!(l, "accept-code-label")}</label>
                                        <input id="field-code" name="code" type="text" inputmode="numeric"
                                            autocomplete="one-time-code" placeholder="123456" required />
                                        {move || super::field_error(accept.value().get(), "code")}
                                    })}
                                    <button type="submit" id="accept-invitation">{t!(l, "flow-accept-as", username = v.username.clone())}</button>
                                </ActionForm>
                            })}
                            {move || super::general_error_in(l, accept.value().get())}
                        }.into_any()
                        }
                        Err(AppError::Unauthenticated) => {
                            let l = super::page_locale();
                            view! {
                                <Html {..} lang=l.code() />
                                <h1>{t!(l, "accept-sign-in-title")}</h1>
                                <p><a class="button" href="/login?next=/if/accept/">{t!(l, "accept-sign-in")}</a></p>
                            }.into_any()
                        }
                        Err(e @ (AppError::InvalidInvitation { .. } | AppError::NotYetOpen { .. })) => {
                            let l = super::page_locale();
                            view! { <Html {..} lang=l.code() /> <InvalidInvite error=e locale=l /> }.into_any()
                        }
                        Err(e) => {
                            let l = super::page_locale();
                            view! {
                                <Html {..} lang=l.code() />
                                <super::PageTools locale=l next="/if/accept/" />
                                <h1>{t!(l, "accept-title")}</h1>
                                <p class="error" role="alert">{e.message(l)}</p>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}
