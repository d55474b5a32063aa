//! The invitee's pages: `/if/flow/{slug}/?itoken=…` (landing and prompt stages) and `/if/accept/`
//! (an existing user accepts after signing in).

use crate::api::flow::{
    get_accept_view, get_flow_landing, AcceptInvitation, RememberInvitation, ResendCode,
    SendAcceptCode, SubmitStage,
};
use crate::error::AppError;
use crate::model::FlowView;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The flow page: the invitation's summary, its current prompt stage, and the existing-account choices; or
/// the invalid-invitation page.
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
    view! {
        <main class="card narrow flow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match landing.await {
                        Ok(v) => view! { <FlowStage view=v itoken=itoken().unwrap_or_default() submit /> }.into_any(),
                        Err(e) => view! { <InvalidInvite error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

/// Adds the invitee's local time and time zone after each `<time data-local>` (the UTC text stays, and
/// is all there is without JavaScript). The invitee's pages let only the inline script carrying the
/// page's nonce run ([`crate::domain::web::page_csp`]); this one is inline with that nonce.
const LOCAL_TIME_SCRIPT: &str = r#"document.querySelectorAll("time[data-local]").forEach(function (t) {
  var d = new Date(t.getAttribute("datetime"));
  if (isNaN(d.getTime())) { return; }
  var f = new Intl.DateTimeFormat(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  var s = document.createElement("span");
  s.className = "local-time";
  s.textContent = " (" + f.format(d) + ", your time: " + f.resolvedOptions().timeZone + ")";
  t.after(s);
});"#;

/// "This invitation is not open yet": when it opens, in UTC in a `<time>` element, with the invitee's
/// local time added by [`LOCAL_TIME_SCRIPT`] where scripts run.
#[component]
fn NotYetOpenNotice(utc: String, iso: String) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <section class="invalid-invite not-yet-open">
            <h1>"This invitation is not open yet"</h1>
            <p class="reason" id="opens-at">
                "This invitation opens on "
                <time datetime=iso data-local="">{utc}</time>
                "."
            </p>
            <p>"Come back to this link then. Nothing is granted before."</p>
            <script nonce=nonce inner_html=LOCAL_TIME_SCRIPT></script>
        </section>
    }
}

/// "Invalid invite/invite not found", with the reason where it is safe to tell; for a scheduled
/// invitation, when it opens ([`NotYetOpenNotice`]).
#[component]
pub fn InvalidInvite(error: AppError) -> impl IntoView {
    if let AppError::NotYetOpen { utc, iso, .. } = &error {
        return view! { <NotYetOpenNotice utc=utc.clone() iso=iso.clone() /> }.into_any();
    }
    if let AppError::PolicyDenied(message) = &error {
        return view! {
            <section class="invalid-invite policy-denied">
                <h1>"Access denied"</h1>
                <p class="reason">{message.clone()}</p>
                <p>"Ask the person who invited you if you think this is a mistake."</p>
            </section>
        }
        .into_any();
    }
    let reason = match &error {
        AppError::InvalidInvitation { reason, .. } => reason.clone(),
        AppError::Validation(_) => None,
        other => Some(other.to_string()),
    };
    view! {
        <section class="invalid-invite">
            <h1>"Invalid invite/invite not found"</h1>
            {reason.map(|r| view! { <p class="reason">{r}</p> })}
            <p>"Ask the person who invited you for a new link."</p>
        </section>
    }
    .into_any()
}

fn grants_text(roles: &[String], groups: &[String], user_type: Option<&str>) -> String {
    let mut g: Vec<String> = Vec::new();
    if !roles.is_empty() {
        g.push(format!("roles: {}", roles.join(", ")));
    }
    if !groups.is_empty() {
        g.push(format!("groups: {}", groups.join(", ")));
    }
    if let Some(t) = user_type {
        g.push(format!("an {t} account"));
    }
    if g.is_empty() {
        "access".into()
    } else {
        g.join("; ")
    }
}

#[component]
fn FlowStage(view: FlowView, itoken: String, submit: ServerAction<SubmitStage>) -> impl IntoView {
    let result = submit.value();
    let remember = ServerAction::<RememberInvitation>::new();
    let accept = ServerAction::<AcceptInvitation>::new();
    let resend = ServerAction::<ResendCode>::new();
    let FlowView {
        slug,
        title,
        invited_by,
        roles,
        groups,
        user_type,
        expires_display,
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
    let grants = grants_text(&roles, &groups, Some(user_type.as_str()));
    let has_invitation = !itoken.is_empty();
    let fields_view = fields
        .into_iter()
        .map(|(f, value)| {
            let id = format!("field-{}", f.field_key);
            let for_id = id.clone();
            let key = f.field_key.clone();
            let readonly = locked.contains(&f.field_key);
            view! {
                <label for=for_id>{f.label.clone()}</label>
                <input
                    id=id
                    name=format!("fields[{}]", f.field_key)
                    type=f.input_type()
                    // The property too: when the next page's field takes this input's place in the DOM,
                    // what was typed before (the username) must not stay in it (the code).
                    value=value.clone().unwrap_or_default()
                    prop:value=value.unwrap_or_default()
                    placeholder=f.placeholder.clone()
                    required=f.required
                    readonly=readonly
                    autocomplete=match (&f.field_type, f.field_key.as_str()) {
                        (crate::domain::flow::PromptType::Password, _) => "new-password",
                        (_, "code") => "one-time-code",
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
            fallback=move || view! { <InvalidInvite error=invalid().unwrap_or(AppError::Internal) /> }
        >
            <h1>{title.clone()}</h1>
            {has_invitation.then(|| view! {
                <div class="invitation-summary">
                    <p>"Invited by " <strong>{invited_by.clone()}</strong></p>
                    <p>"You will get " {grants.clone()} "."</p>
                    <p class="muted">"Invitation expires: " {expires_display.clone()}</p>
                </div>
            })}
        </Show>
        <div class:hidden=move || invalid().is_some()>
            {match (has_invitation, signed_in_as.clone()) {
                (true, Some(username)) => view! {
                    <div class="choice">
                        <ActionForm action=accept>
                            <input type="hidden" name="itoken" value=itoken2.clone() />
                            <button type="submit" id="accept-invitation">{format!("Accept as {username}")}</button>
                        </ActionForm>
                        {move || super::general_error(accept.value().get())}
                        {open.then(|| view! { <p class="muted">"Or create a new account:"</p> })}
                    </div>
                }.into_any(),
                (true, None) if !verifying => view! {
                    <div class="choice">
                        <ActionForm action=remember>
                            <input type="hidden" name="slug" value=slug2.clone() />
                            <input type="hidden" name="itoken" value=itoken3.clone() />
                            <button type="submit" class="secondary" id="existing-account">"I already have an account"</button>
                        </ActionForm>
                        {open.then(|| view! { <p class="muted">"New here? Create your account:"</p> })}
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
                        <button type="submit" class="secondary" id="sign-out">"Sign out"</button>
                    </form>
                })}
            })}
            <div class:hidden=!open>
            <ActionForm action=submit>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="itoken" value=itoken.clone() />
                <input type="hidden" name="stage" value=stage.to_string() />
                {(step.1 > 1).then(|| view! { <p class="muted step">{format!("Step {} of {}", step.0, step.1)}</p> })}
                {mail_unavailable.then(|| view! { <MailUnavailable inviter=inviter.clone() /> })}
                {verify_email.clone().filter(|_| !mail_unavailable).map(|email| view! {
                    <p class="verify-note" id="verify-note">
                        "We sent an 8-digit code to " <strong>{email}</strong>
                        ". Enter it below to confirm your address; nothing is granted before that."
                    </p>
                })}
                {fields_view}
                {move || match result.get() {
                    Some(Err(AppError::Validation(_))) | Some(Err(AppError::InvalidInvitation { .. } | AppError::NotYetOpen { .. } | AppError::PolicyDenied(_))) | None | Some(Ok(_)) => None,
                    Some(Err(e)) => Some(view! { <super::ErrorNotice error=e /> }),
                }}
                <button type="submit" id="submit-stage">
                    {if verifying { "Verify and create account" } else if step.0 < step.1 { "Continue" } else { "Create account" }}
                </button>
            </ActionForm>
            </div>
            {verifying.then(|| view! {
                <ActionForm action=resend attr:class="resend">
                    <input type="hidden" name="slug" value=slug4.clone() />
                    <input type="hidden" name="itoken" value=itoken4.clone() />
                    <button type="submit" class="secondary" id="resend-code">"Send a new code"</button>
                </ActionForm>
                {move || match resend.value().get() {
                    Some(Ok(())) => Some(view! { <p class="notice" role="status">"A new code is on its way."</p> }.into_any()),
                    // Without JavaScript the server sends the browser back here with `resent=1`.
                    None if resent() => Some(view! { <p class="notice" role="status">"A new code is on its way."</p> }.into_any()),
                    other => super::general_error(other),
                }}
            })}
        </div>
    }
    .into_any()
}

/// Tells an invitee who must confirm their address with a code that no code can come (no SMTP server is
/// configured, issue 34), and whom to ask.
#[component]
fn MailUnavailable(inviter: String) -> impl IntoView {
    view! {
        <p class="warning" role="alert" id="mail-unavailable">
            "This invitation asks you to confirm your email address with a code, but this site cannot send email at the moment, so the code will not reach you. "
            "Contact the person who invited you"
            {(!inviter.is_empty()).then(|| format!(" ({inviter})"))}
            " and ask them to set up email or to send you an invitation link that needs no code."
        </p>
    }
}

/// `/if/accept/`: a signed-in user accepts the invitation remembered in this browser.
#[component]
pub fn AcceptPage() -> impl IntoView {
    let send_code = ServerAction::<SendAcceptCode>::new();
    let view_res = Resource::new(move || send_code.version().get(), |_| get_accept_view());
    let accept = ServerAction::<AcceptInvitation>::new();
    view! {
        <main class="card narrow flow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match view_res.await {
                        Ok(v) => view! {
                            <h1>"Accept your invitation"</h1>
                            <div class="invitation-summary">
                                <p>"Invited by " <strong>{v.invited_by.clone()}</strong></p>
                                <p>"You will get " {grants_text(&v.roles, &v.groups, None)} "."</p>
                                <p class="muted">"Invitation expires: " {v.expires_display.clone()}</p>
                            </div>
                            {(v.verify_email.is_some() && v.mail_unavailable).then(|| view! { <MailUnavailable inviter=v.invited_by.clone() /> })}
                            {v.verify_email.clone().map(|email| view! {
                                <p class="verify-note" id="verify-note">
                                    "This invitation is for confirmed addresses. "
                                    {if v.code_sent { "We sent an 8-digit code to " } else { "Send a code to " }}
                                    <strong>{email}</strong>
                                    {if v.code_sent { " (it may take a minute)." } else { " to confirm it is yours." }}
                                </p>
                                <ActionForm action=send_code>
                                    <button type="submit" class="secondary" id="send-code">
                                        {if v.code_sent { "Send a new code" } else { "Send me a code" }}
                                    </button>
                                </ActionForm>
                                {move || super::general_error(send_code.value().get())}
                            })}
                            {(v.verify_email.is_none() || v.code_sent).then(|| view! {
                                <ActionForm action=accept>
                                    <input type="hidden" name="itoken" value="" />
                                    {v.code_sent.then(|| view! {
                                        <label for="field-code">"Verification code"</label>
                                        <input id="field-code" name="code" type="text" inputmode="numeric"
                                            autocomplete="one-time-code" placeholder="123456" required />
                                        {move || super::field_error(accept.value().get(), "code")}
                                    })}
                                    <button type="submit" id="accept-invitation">{format!("Accept as {}", v.username)}</button>
                                </ActionForm>
                            })}
                            {move || super::general_error(accept.value().get())}
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! {
                            <h1>"Sign in to accept your invitation"</h1>
                            <p><a class="button" href="/login?next=/if/accept/">"Sign in"</a></p>
                        }.into_any(),
                        Err(e @ (AppError::InvalidInvitation { .. } | AppError::NotYetOpen { .. })) => view! { <InvalidInvite error=e /> }.into_any(),
                        Err(e) => view! {
                            <h1>"Accept your invitation"</h1>
                            <super::ErrorNotice error=e />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}
