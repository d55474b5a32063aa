//! System → Email (issue 34): the SMTP settings in effect and where each comes from, the connection status
//! and the last delivery, a form to save SMTP settings here (environment variables still win), and a test
//! email that shows the server's answer. Also the mail banner every admin page shows while no SMTP server
//! is configured or the last delivery failed.

use crate::api::admin::{
    get_email_settings, get_mail_status, save_email_settings, send_test_email,
};
use crate::domain::smtp::Source;
use crate::i18n::Locale;
use crate::model::{EmailSettingsInput, SmtpConnection};
use crate::t;
use leptos::prelude::*;

fn source_text(l: Locale, s: Source) -> String {
    match s {
        Source::Environment => t!(l, "email-source-environment"),
        Source::Saved => t!(l, "email-source-saved"),
        Source::Default => t!(l, "email-source-default"),
    }
}

/// The banner above every admin page while no SMTP server is configured, or the last delivery failed:
/// what is wrong, how many messages wait in the outbox, and links to the outbox and to System → Email.
#[component]
pub fn MailBanner() -> impl IntoView {
    let l = crate::pages::page_locale();
    let status = Resource::new(|| (), |_| get_mail_status());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = status.await.ok()?;
                let what = if !s.configured {
                    t!(l, "email-banner-not-configured")
                } else if let Some(e) = &s.last_failure {
                    t!(l, "email-banner-last-failure", error = e.clone())
                } else {
                    return None;
                };
                Some(view! {
                    <div class="banner warning" role="status" id="mail-banner">
                        <p>
                            {format!("⚠ {what} ")}
                            {format!("{} ", t!(l, "email-banner-queued", count = s.queued))}
                            <a href="/admin/outbox">{t!(l, "email-banner-open-outbox")}</a>
                            " · "
                            <a href="/admin/email">{t!(l, "email-banner-settings")}</a>
                        </p>
                        {(!s.configured).then(|| view! {
                            <p class="muted">{t!(l, "email-banner-links-work")}</p>
                        })}
                    </div>
                })
            })}
        </Suspense>
    }
}

/// System → Email.
#[component]
pub fn EmailPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let settings = Resource::new(move || version.get(), |_| get_email_settings());
    let url = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let test_to = RwSignal::new(String::new());
    let save = Action::new(move |input: &EmailSettingsInput| {
        let input = input.clone();
        async move {
            let r = save_email_settings(input).await;
            if r.is_ok() {
                password.set(String::new());
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let test = Action::new(move |to: &String| {
        let to = to.clone();
        async move {
            let r = send_test_email(to).await;
            version.update(|v| *v += 1);
            r
        }
    });
    view! {
        <section class="page">
            <h1>{t!(l, "email-title")}</h1>
            <p class="muted">{format!("{} ", t!(l, "email-intro"))}
                <a href="/admin/outbox">{t!(l, "email-intro-outbox")}</a>
                {t!(l, "email-intro-end")}</p>
            <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => {
                            url.set(s.saved_url.clone());
                            from.set(s.saved_from.clone());
                            let env_url = s.smtp_url_source == Some(Source::Environment);
                            let env_from = s.from_source == Source::Environment;
                            view! {
                                <dl class="details" id="email-in-effect">
                                    <dt>{t!(l, "email-smtp-server")}</dt>
                                    <dd id="email-effective-url">
                                        {if s.smtp_url.is_empty() { t!(l, "email-none") } else { s.smtp_url.clone() }}
                                        {s.smtp_url_source.map(|src| view! { <span class="muted">{format!(" ({})", source_text(l, src))}</span> })}
                                    </dd>
                                    <dt>{t!(l, "email-from")}</dt>
                                    <dd id="email-effective-from">{s.from.clone()} <span class="muted">{format!(" ({})", source_text(l, s.from_source))}</span></dd>
                                    <dt>{t!(l, "email-brand-name")}</dt>
                                    <dd>{s.brand_name.clone()} <span class="muted">{if s.brand_source == Source::Saved { format!(" ({})", t!(l, "email-brand-saved")) } else { format!(" ({})", t!(l, "email-brand-source", source = source_text(l, s.brand_source))) }}</span></dd>
                                    <dt>{t!(l, "email-connection")}</dt>
                                    <dd id="email-connection">{match &s.connection {
                                        SmtpConnection::NotConfigured => t!(l, "email-connection-not-configured"),
                                        SmtpConnection::Connected => t!(l, "email-connection-connected"),
                                        SmtpConnection::Failed(e) => t!(l, "email-connection-failed", error = e.clone()),
                                    }}</dd>
                                    <dt>{t!(l, "email-last-delivery")}</dt>
                                    <dd id="email-last-delivery">{match &s.last_delivery {
                                        None => t!(l, "email-last-delivery-none").into_any(),
                                        Some(d) => view! {
                                            <super::local_time::LocalTime at=d.at utc=d.at_display.clone() />
                                            {format!(" — {}: {}", if d.ok { t!(l, "email-last-delivery-ok") } else { t!(l, "email-last-delivery-failed") }, d.detail)}
                                        }.into_any(),
                                    }}</dd>
                                    <dt>{t!(l, "email-queued")}</dt>
                                    <dd>{s.queued}</dd>
                                </dl>
                                <h2>{t!(l, "email-saved-settings")}</h2>
                                {(env_url || env_from).then(|| view! {
                                    <p class="notice" id="email-env-wins">{format!("{} ", t!(l, "email-env-wins"))}
                                        {match (env_url, env_from) { (true, true) => t!(l, "email-env-both"), (true, false) => t!(l, "email-env-url"), _ => t!(l, "email-env-from") }}
                                    </p>
                                })}
                                <form class="token-form" id="email-form" novalidate on:submit=move |ev| {
                                    ev.prevent_default();
                                    save.dispatch(EmailSettingsInput {
                                        smtp_url: url.get_untracked(),
                                        smtp_password: password.get_untracked(),
                                        from: from.get_untracked(),
                                    });
                                }>
                                    <label for="email-smtp-url">{t!(l, "email-smtp-url-label")}</label>
                                    <input id="email-smtp-url" prop:value=url placeholder="smtp://user@mail.example.com:587?tls=required"
                                        on:input=move |ev| url.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(save.value().get(), "smtp_url")}
                                    <label for="email-smtp-password">{if s.saved_password { t!(l, "email-password-saved-label") } else { t!(l, "email-password-label") }}</label>
                                    <input id="email-smtp-password" type="password" autocomplete="new-password" prop:value=password
                                        on:input=move |ev| password.set(event_target_value(&ev)) />
                                    <label for="email-from">{t!(l, "email-from-label")}</label>
                                    <input id="email-from" prop:value=from placeholder="Acme <id@acme.example>"
                                        on:input=move |ev| from.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(save.value().get(), "from")}
                                    <button type="submit" id="email-save">{t!(l, "email-save")}</button>
                                    {move || crate::pages::general_error(save.value().get())}
                                    {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status" id="email-saved">{t!(l, "email-saved")}</p> })}
                                </form>
                                <h2>{t!(l, "email-test-title")}</h2>
                                <form class="token-form" id="email-test-form" novalidate on:submit=move |ev| {
                                    ev.prevent_default();
                                    test.dispatch(test_to.get_untracked());
                                }>
                                    <label for="email-test-to">{t!(l, "email-test-to")}</label>
                                    <input id="email-test-to" type="email" prop:value=test_to placeholder="you@example.com"
                                        on:input=move |ev| test_to.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(test.value().get(), "to")}
                                    <button type="submit" id="email-test-send">{t!(l, "email-test-send")}</button>
                                </form>
                            }.into_any()
                        }
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
            {move || test.value().get().map(|r| match r {
                Ok(answer) => view! { <p class="notice" role="status" id="email-test-result">{t!(l, "email-test-ok", answer = answer)}</p> }.into_any(),
                Err(crate::error::AppError::Validation(_)) => ().into_any(),
                Err(e) => view! { <p class="error" role="alert" id="email-test-result">{e.notice(crate::pages::page_locale())}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}
