//! System → Email (issue 34): the SMTP settings in effect and where each comes from, the connection status
//! and the last delivery, a form to save SMTP settings here (environment variables still win), and a test
//! email that shows the server's answer. Also the mail banner every admin page shows while no SMTP server
//! is configured or the last delivery failed.

use crate::api::admin::{
    get_email_settings, get_mail_status, save_email_settings, send_test_email,
};
use crate::domain::smtp::Source;
use crate::model::{EmailSettingsInput, SmtpConnection};
use leptos::prelude::*;

fn source_text(s: Source) -> &'static str {
    match s {
        Source::Environment => "environment",
        Source::Saved => "saved here",
        Source::Default => "default",
    }
}

fn messages(n: i64) -> String {
    if n == 1 {
        "1 message waits".into()
    } else {
        format!("{n} messages wait")
    }
}

/// The banner above every admin page while no SMTP server is configured, or the last delivery failed:
/// what is wrong, how many messages wait in the outbox, and links to the outbox and to System → Email.
#[component]
pub fn MailBanner() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_mail_status());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = status.await.ok()?;
                let what = if !s.configured {
                    "No SMTP server is configured: invitation emails and verification codes cannot be sent.".to_owned()
                } else if let Some(e) = &s.last_failure {
                    format!("The last email delivery failed: {e}")
                } else {
                    return None;
                };
                Some(view! {
                    <div class="banner warning" role="status" id="mail-banner">
                        <p>
                            {format!("⚠ {what} ")}
                            {format!("{} in the outbox. ", messages(s.queued))}
                            <a href="/admin/outbox">"Open the outbox"</a>
                            " · "
                            <a href="/admin/email">"Email settings"</a>
                        </p>
                        {(!s.configured).then(|| view! {
                            <p class="muted">"Invitations shared as links (no email address in their custom attributes, no email rules) work without mail."</p>
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
            <h1>"Email"</h1>
            <p class="muted">"Usher sends invitation emails and verification codes through an SMTP server. Without one they wait in "
                <a href="/admin/outbox">"the outbox"</a>
                "; invitations shared as links need no mail."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => {
                            url.set(s.saved_url.clone());
                            from.set(s.saved_from.clone());
                            let env_url = s.smtp_url_source == Some(Source::Environment);
                            let env_from = s.from_source == Source::Environment;
                            view! {
                                <dl class="details" id="email-in-effect">
                                    <dt>"SMTP server"</dt>
                                    <dd id="email-effective-url">
                                        {if s.smtp_url.is_empty() { "none".to_owned() } else { s.smtp_url.clone() }}
                                        {s.smtp_url_source.map(|src| view! { <span class="muted">{format!(" ({})", source_text(src))}</span> })}
                                    </dd>
                                    <dt>"From"</dt>
                                    <dd id="email-effective-from">{s.from.clone()} <span class="muted">{format!(" ({})", source_text(s.from_source))}</span></dd>
                                    <dt>"Brand name"</dt>
                                    <dd>{s.brand_name.clone()} <span class="muted">{if s.brand_source == Source::Saved { " (saved in System → Brands)".to_owned() } else { format!(" ({}; USHER_BRAND_NAME, or a title in System → Brands)", source_text(s.brand_source)) }}</span></dd>
                                    <dt>"Connection"</dt>
                                    <dd id="email-connection">{match &s.connection {
                                        SmtpConnection::NotConfigured => "no SMTP server is configured".to_owned(),
                                        SmtpConnection::Connected => "connected".to_owned(),
                                        SmtpConnection::Failed(e) => format!("failed: {e}"),
                                    }}</dd>
                                    <dt>"Last delivery"</dt>
                                    <dd id="email-last-delivery">{match &s.last_delivery {
                                        None => "none yet".to_owned(),
                                        Some(d) => format!("{} — {}: {}", d.at, if d.ok { "delivered" } else { "failed" }, d.detail),
                                    }}</dd>
                                    <dt>"Waiting in the outbox"</dt>
                                    <dd>{s.queued}</dd>
                                </dl>
                                <h2>"SMTP settings saved here"</h2>
                                {(env_url || env_from).then(|| view! {
                                    <p class="notice" id="email-env-wins">"Environment variables win over what is saved here: "
                                        {match (env_url, env_from) { (true, true) => "USHER_SMTP_URL and USHER_EMAIL_FROM are set.", (true, false) => "USHER_SMTP_URL is set.", _ => "USHER_EMAIL_FROM is set." }}
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
                                    <label for="email-smtp-url">"SMTP URL (empty removes the saved server)"</label>
                                    <input id="email-smtp-url" prop:value=url placeholder="smtp://user@mail.example.com:587?tls=required"
                                        on:input=move |ev| url.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(save.value().get(), "smtp_url")}
                                    <label for="email-smtp-password">{if s.saved_password { "Password (saved; leave empty to keep it)" } else { "Password" }}</label>
                                    <input id="email-smtp-password" type="password" autocomplete="new-password" prop:value=password
                                        on:input=move |ev| password.set(event_target_value(&ev)) />
                                    <label for="email-from">"From (empty: USHER_EMAIL_FROM or the default)"</label>
                                    <input id="email-from" prop:value=from placeholder="Acme <id@acme.example>"
                                        on:input=move |ev| from.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(save.value().get(), "from")}
                                    <button type="submit" id="email-save">"Save"</button>
                                    {move || crate::pages::general_error(save.value().get())}
                                    {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status" id="email-saved">"Saved."</p> })}
                                </form>
                                <h2>"Send a test email"</h2>
                                <form class="token-form" id="email-test-form" novalidate on:submit=move |ev| {
                                    ev.prevent_default();
                                    test.dispatch(test_to.get_untracked());
                                }>
                                    <label for="email-test-to">"To"</label>
                                    <input id="email-test-to" type="email" prop:value=test_to placeholder="you@example.com"
                                        on:input=move |ev| test_to.set(event_target_value(&ev)) />
                                    {move || crate::pages::field_error(test.value().get(), "to")}
                                    <button type="submit" id="email-test-send">"Send a test email"</button>
                                </form>
                            }.into_any()
                        }
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
            {move || test.value().get().map(|r| match r {
                Ok(answer) => view! { <p class="notice" role="status" id="email-test-result">{format!("The server took the message: {answer}")}</p> }.into_any(),
                Err(crate::error::AppError::Validation(_)) => ().into_any(),
                Err(e) => view! { <p class="error" role="alert" id="email-test-result">{e.to_string()}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}
