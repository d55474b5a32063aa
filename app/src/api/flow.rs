//! The invitee's side: landing, prompt stages, and accepting as an existing user. Anonymous by design:
//! the invitation token is the authorization; accepting also needs a signed-in user.

#[cfg(feature = "ssr")]
use super::ctx::{read_cookie, request_info, request_locale, respond, session, set_cookie, state};
#[cfg(feature = "ssr")]
use crate::domain::landing::Arrival;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::{worded_in, Locale};
use crate::model::{AcceptView, FlowView};
#[cfg(feature = "ssr")]
use crate::service::enrollment::{self, FlowPlan, StageOutcome, DRAFT_COOKIE_MAX_AGE, PLAN_KEY};
#[cfg(feature = "ssr")]
use crate::service::invitations::Itoken;
#[cfg(feature = "ssr")]
use crate::service::{accept, auth};
use leptos::prelude::*;
use std::collections::HashMap;

/// Lifetime of the invitation cookie ([`crate::service::Config::invitation_cookie`]), seconds.
pub const INVITATION_COOKIE_MAX_AGE: i64 = 1800;

/// Lifetime of the language switcher's cookie ([`crate::i18n::LANG_COOKIE`]), seconds: a year.
#[cfg(feature = "ssr")]
pub const LANG_COOKIE_MAX_AGE: i64 = super::ctx::PREFERENCE_MAX_AGE;

/// The language a posted invitee form was shown in (its `lang` field), else the request's.
#[cfg(feature = "ssr")]
fn form_locale(lang: Option<&str>) -> Locale {
    lang.and_then(|l| Locale::parse(l).ok())
        .unwrap_or_else(|| request_locale(None))
}

/// Where the language switcher may send the browser back to: a path of the invitee's pages, sign-in or the
/// dashboard (`/if/…`, `/login…`, `/admin…`), never another site (`//host`, `/\host`).
pub fn switch_target(next: &str) -> Option<&str> {
    let local =
        (next.starts_with("/if/") || next.starts_with("/login") || next.starts_with("/admin"))
            && !next.contains(['\\', '\r', '\n'])
            && !next.starts_with("//");
    local.then_some(next)
}

/// The per-client limit on verification codes, for this request.
#[cfg(feature = "ssr")]
fn enrollment_gate(
    info: &crate::service::invitations::RequestInfo,
) -> crate::service::verification::CodeGate<'_> {
    crate::service::verification::CodeGate {
        client: &info.ip,
        locale: info.locale,
    }
}

#[cfg(feature = "ssr")]
async fn plan(session: &tower_sessions::Session) -> Result<Option<FlowPlan>, AppError> {
    super::ctx::session_value(session, PLAN_KEY).await
}

/// The landing view of a flow for an invitation token: the plan's current stage when this browser is in
/// this flow, else the first. Reads the session; changes nothing.
///
/// # Errors
/// 404/410 [`AppError::InvalidInvitation`].
#[server(endpoint = "flow/landing")]
pub async fn get_flow_landing(slug: String, itoken: Option<String>) -> Result<FlowView, AppError> {
    // Refusals before the invitation is known are worded in the visitor's language.
    let language = super::ctx::visitor_language();
    respond(
        worded_in(language.with(None), async {
            let st = state()?;
            // The token is read once, its digest computed once (issue 36 item 5).
            let itoken = Itoken::parse(itoken.as_deref());
            let session = session().await?;
            let user = auth::current_user(&st.db, &session).await?;
            let draft = read_cookie(st.config.draft_cookie())
                .and_then(|c| enrollment::open_draft(&st.config, &slug, itoken.as_ref(), &c));
            let landing = enrollment::landing(
                &st.db,
                &slug,
                itoken.as_ref(),
                plan(&session).await?.as_ref(),
                draft.as_ref(),
                user.as_ref(),
                &request_info().await.ip,
            )
            .await?;
            // Only a journey with a code page asks whether mail can go out (the landing page of a
            // link-mode invitation reads nothing more).
            let mail_unavailable =
                landing.code_step && !crate::service::email::configured(&st.db, &st.config).await?;
            let locale = language.with(landing.locale);
            Ok(view::flow(
                landing,
                user.as_ref(),
                crate::service::time::now(),
                mail_unavailable,
                locale,
            ))
        })
        .await,
    )
}

/// Submits a prompt stage (`fields[field_key]=value`) or the email stage (`fields[code]=…`). A refused
/// prompt stage hands what was typed (never passwords) back to the browser, sealed in the draft cookie,
/// for the page shown again. When more
/// stages follow, the flow plan moves on and the browser is sent back to the link (after the last prompt,
/// to the code page, with the code queued for sending); when the flow is done, the account exists, the new user is
/// signed in (new session id) and sent to `/` (or `USHER_DEFAULT_APP_URL` for external users).
///
/// The form says which language it was shown in (`lang`); errors are worded in it, the code's email is
/// written in it and the new account keeps it. With `switch_lang` (the language switcher's buttons in the
/// form) nothing is submitted: the language is remembered ([`crate::i18n::LANG_COOKIE`]), what was typed
/// (never passwords) goes into the draft cookie, and the browser is sent back to the same page.
///
/// # Errors
/// 404/410 [`AppError::InvalidInvitation`]; 400 [`AppError::Validation`] with field errors; 400
/// [`AppError::BadRequest`] for a stage submitted out of order.
#[server(endpoint = "flow/submit")]
pub async fn submit_stage(
    slug: String,
    itoken: Option<String>,
    stage: usize,
    fields: HashMap<String, String>,
    lang: Option<String>,
    switch_lang: Option<String>,
) -> Result<(), AppError> {
    let locale = form_locale(lang.as_deref());
    respond(
        worded_in(locale, async {
            let st = state()?;
            let itoken = Itoken::parse(itoken.as_deref());
            if let Some(to) = switch_lang.as_deref().and_then(|l| Locale::parse(l).ok()) {
                return switch_language(&st, &slug, itoken.as_ref(), stage, &fields, to).await;
            }
            let session = session().await?;
            let mut info = request_info().await;
            info.locale = locale;
            let current = plan(&session).await?;
            let user = auth::current_user(&st.db, &session).await?;
            let err = |_| AppError::Internal;
            let outcome = match enrollment::submit_stage(
                &st.db,
                &st.config,
                current,
                &slug,
                itoken.as_ref(),
                stage,
                &fields,
                &info,
                user.as_ref(),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(enrollment::Refused { error, draft }) => {
                    // The page the browser is sent back to shows what was typed (no JavaScript keeps
                    // it); the browser holds it, sealed, so nothing is written here.
                    if let Some(sealed) = draft.and_then(|d| enrollment::seal_draft(&st.config, &d))
                    {
                        set_cookie(
                            st.config.draft_cookie(),
                            &sealed,
                            DRAFT_COOKIE_MAX_AGE,
                            st.config.secure_cookies(),
                        );
                    }
                    return Err(AppError::from(error));
                }
            };
            if read_cookie(st.config.draft_cookie()).is_some() {
                set_cookie(st.config.draft_cookie(), "", 0, st.config.secure_cookies());
            }
            match outcome {
                StageOutcome::Continue(plan) => {
                    // The plan holds only the token's digest; the request's token, trimmed, was
                    // matched to an invitation (so it is UUID-shaped, safe in a URL).
                    let token = itoken
                        .as_ref()
                        .map(Itoken::given)
                        .filter(|t| crate::domain::invitation::is_token_shaped(t))
                        .unwrap_or_default();
                    let back = format!("/if/flow/{}/?itoken={token}", plan.slug);
                    session.insert(PLAN_KEY, plan).await.map_err(err)?;
                    if user.is_none() {
                        // An anonymous visitor's session holds only this plan: it goes an hour
                        // after their last step, not after the 14 days of a signed-in one.
                        auth::expire_idle_after(&session, enrollment::FLOW_PLAN_IDLE_SECS);
                    }
                    leptos_axum::redirect(&back);
                }
                StageOutcome::Enrolled {
                    user_pk,
                    login,
                    pending,
                    user_type,
                } => {
                    session.remove::<FlowPlan>(PLAN_KEY).await.map_err(err)?;
                    if login {
                        // `last_login` was written with the account.
                        auth::open_session(&session, user_pk).await?;
                    }
                    // Not signed in (no user_login stage, or an inactive account): the profile page
                    // asks them to sign in.
                    let dest = if pending {
                        crate::domain::landing::PENDING_APPROVAL.to_owned()
                    } else if login {
                        // A new account, never a superuser: its landing needs no read of it.
                        auth::landing_of(&st.db, &st.config, false, user_type, Arrival::Enrolled)
                            .await?
                    } else {
                        crate::domain::landing::PROFILE.to_owned()
                    };
                    leptos_axum::redirect(&dest);
                }
            }
            Ok(())
        })
        .await,
    )
}

/// The language switcher on a stage's form: remembers `to`, keeps what was typed in the draft cookie
/// and sends the browser back to the stage.
#[cfg(feature = "ssr")]
async fn switch_language(
    st: &crate::service::AppState,
    slug: &str,
    itoken: Option<&Itoken>,
    stage: usize,
    fields: &HashMap<String, String>,
    to: Locale,
) -> Result<(), AppError> {
    set_cookie(
        crate::i18n::LANG_COOKIE,
        to.code(),
        LANG_COOKIE_MAX_AGE,
        st.config.secure_cookies(),
    );
    let ip = request_info().await.ip;
    let draft = enrollment::switch_draft(&st.db, slug, itoken, stage, fields, &ip).await?;
    if let Some(sealed) = draft.and_then(|d| enrollment::seal_draft(&st.config, &d)) {
        set_cookie(
            st.config.draft_cookie(),
            &sealed,
            DRAFT_COOKIE_MAX_AGE,
            st.config.secure_cookies(),
        );
    }
    let token = itoken
        .map(Itoken::given)
        .filter(|t| crate::domain::invitation::is_token_shaped(t));
    if crate::domain::flow::is_slug(slug) {
        leptos_axum::redirect(&match token {
            Some(t) => format!("/if/flow/{slug}/?itoken={t}"),
            None => format!("/if/flow/{slug}/"),
        });
    }
    Ok(())
}

/// The language switcher of the pages that have no stage form (an invalid or scheduled invitation, the
/// accept page, sign-in, the dashboard): remembers `lang` ([`crate::i18n::LANG_COOKIE`], a year) and
/// sends the browser back to `next`, a path of the invitee's pages, sign-in or the dashboard
/// ([`switch_target`]; anything else goes to `/`). It changes only the visitor's own cookie and, when they are signed in, their own
/// account's preferred language (which the dashboard and the notices to them speak).
///
/// # Errors
/// 400 [`AppError::BadRequest`] for a language Usher does not speak.
#[server(endpoint = "flow/language")]
pub async fn set_language(lang: String, next: String) -> Result<(), AppError> {
    respond(
        async {
            let to = Locale::parse(&lang)
                .map_err(|e| AppError::BadRequest(e.worded(crate::i18n::wording())))?;
            // The account keeps the choice too, best effort: the cookie alone already switches.
            let st = state()?;
            let me = crate::service::auth::current_user(&st.db, &session().await?).await;
            if let Ok(Some(me)) = me {
                if let Err(e) = crate::service::users::set_preferred_locale(&st.db, me.pk, to).await
                {
                    tracing::warn!(error = %e, "keeping the account's language");
                }
            }
            super::ctx::remember_preference(crate::i18n::LANG_COOKIE, Some(to.code()), &next, |n| {
                switch_target(n).is_some()
            })
        }
        .await,
    )
}

/// "Send a new code" on the email stage's page: replaces the code of this browser's verification and
/// sends it (at most every 30 seconds, 5 codes in all), then sends the browser back to the code page with
/// `resent=1`, where it says so.
///
/// # Errors
/// 400 [`AppError::BadRequest`] with the reason when no code may be sent; 404/410
/// [`AppError::InvalidInvitation`].
#[server(endpoint = "flow/resend_code")]
pub async fn resend_code(
    slug: String,
    itoken: Option<String>,
    lang: Option<String>,
) -> Result<(), AppError> {
    let locale = form_locale(lang.as_deref());
    respond(
        worded_in(locale, async {
            let st = state()?;
            let itoken = Itoken::parse(itoken.as_deref());
            let session = session().await?;
            let mut info = request_info().await;
            info.locale = locale;
            let gate = enrollment_gate(&info);
            enrollment::resend_code(
                &st.db,
                &st.config,
                &gate,
                plan(&session).await?.as_ref(),
                &slug,
                itoken.as_ref(),
            )
            .await?;
            // Back to the code page, which says a new code is on its way (`resent=1`).
            let token = itoken
                .as_ref()
                .map(Itoken::given)
                .filter(|t| crate::domain::invitation::is_token_shaped(t));
            let slug = crate::domain::flow::is_slug(&slug).then_some(slug.as_str());
            if let Some(slug) = slug {
                leptos_axum::redirect(&match token {
                    Some(t) => format!("/if/flow/{slug}/?itoken={t}&resent=1"),
                    None => format!("/if/flow/{slug}/?resent=1"),
                });
            }
            Ok(())
        })
        .await,
    )
}

/// "I already have an account": puts the (active) invitation's token in a 30-minute HttpOnly,
/// SameSite=Lax cookie and sends the browser to sign in, then to the accept page.
///
/// # Errors
/// 404/410 [`AppError::InvalidInvitation`].
#[server(endpoint = "flow/remember")]
pub async fn remember_invitation(
    slug: String,
    itoken: String,
    lang: Option<String>,
) -> Result<(), AppError> {
    let locale = form_locale(lang.as_deref());
    respond(
        worded_in(locale, async {
            let st = state()?;
            let itoken = Itoken::parse(Some(&itoken));
            enrollment::resolve(
                &st.db,
                &slug,
                itoken.as_ref(),
                crate::service::time::now(),
                enrollment::Asking::act(&request_info().await.ip),
            )
            .await?;
            set_cookie(
                st.config.invitation_cookie(),
                itoken.as_ref().map(Itoken::given).unwrap_or_default(),
                INVITATION_COOKIE_MAX_AGE,
                st.config.secure_cookies(),
            );
            let signed_in = auth::current_user(&st.db, &session().await?)
                .await?
                .is_some();
            // Sign-in speaks the invitation page's language.
            leptos_axum::redirect(&if signed_in {
                "/if/accept/".to_owned()
            } else {
                format!("/login?next=/if/accept/&lang={}", locale.code())
            });
            Ok(())
        })
        .await,
    )
}

/// The accept page's view: the invitation in the cookie, for the signed-in user.
///
/// # Errors
/// 401 when nobody is signed in; 400 when the cookie is missing or expired ("open the link again");
/// 404/410 [`AppError::InvalidInvitation`] for a forged or unusable invitation.
#[server(endpoint = "flow/accept_view")]
pub async fn get_accept_view() -> Result<AcceptView, AppError> {
    let language = super::ctx::visitor_language();
    respond(
        worded_in(language.with(None), async {
            let st = state()?;
            let session = session().await?;
            let user = auth::require_user(&st.db, &session).await?;
            let token = remembered(&st)?;
            let pending = accept_verification(&session).await?;
            let summary = accept::accept_view(&st.db, &token, &user, pending.as_deref()).await?;
            let mail_unavailable = summary.verify_email.is_some()
                && !crate::service::email::configured(&st.db, &st.config).await?;
            let locale = language.with(summary.locale);
            Ok(view::accept(
                summary,
                crate::service::time::now(),
                mail_unavailable,
                locale,
            ))
        })
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn accept_verification(
    session: &tower_sessions::Session,
) -> Result<Option<String>, AppError> {
    super::ctx::session_value(session, accept::ACCEPT_VERIFICATION_KEY).await
}

/// "Send me a code" on the accept page: when the invitation is limited by email and the signed-in
/// account's address is not proven, sends a code to it (a new one at most every 30 seconds).
///
/// # Errors
/// 401 when nobody is signed in; 400 when the cookie is gone, the account does not qualify or needs no
/// code, or no code may be sent yet; 404/410 [`AppError::InvalidInvitation`].
#[server(endpoint = "flow/accept_send_code")]
pub async fn send_accept_code(lang: Option<String>) -> Result<(), AppError> {
    let locale = form_locale(lang.as_deref());
    respond(
        worded_in(locale, async {
            use crate::error::Context;
            let st = state()?;
            let session = session().await?;
            let user = auth::require_user(&st.db, &session).await?;
            let token = remembered(&st)?;
            let current = accept_verification(&session).await?;
            let mut info = request_info().await;
            info.locale = locale;
            let gate = enrollment_gate(&info);
            let pk =
                accept::send_accept_code(&st.db, &st.config, &gate, &token, &user, current).await?;
            session
                .insert(accept::ACCEPT_VERIFICATION_KEY, pk)
                .await
                .context("saving the accept verification in the session")?;
            Ok(())
        })
        .await,
    )
}

/// The invitation token this browser's invitation cookie remembers.
///
/// # Errors
/// [`AppError::BadRequest`] when there is none.
#[cfg(feature = "ssr")]
fn remembered(st: &crate::service::AppState) -> Result<Itoken, AppError> {
    read_cookie(st.config.invitation_cookie())
        .and_then(|c| Itoken::parse(Some(&c)))
        .ok_or_else(cookie_gone)
}

#[cfg(feature = "ssr")]
fn cookie_gone() -> AppError {
    AppError::BadRequest(crate::t!(
        crate::i18n::wording(),
        "refusal-invitation-forgotten"
    ))
}

/// Accepts an invitation as the signed-in user: the token given (from the landing page) or the one in the
/// invitation cookie, with `code` when the account's address must be confirmed first. Grants roles and
/// groups, records `joined`, clears the cookie, redirects to `/`. From the landing page, when a code is
/// needed, the invitation goes into the cookie and the browser to the accept page, which asks for it.
///
/// # Errors
/// 401 when nobody is signed in; 400 when there is no token, the account does not qualify or must confirm
/// its address first; 400 [`AppError::Validation`] on `code`; 404/410 [`AppError::InvalidInvitation`].
#[server(endpoint = "flow/accept")]
pub async fn accept_invitation(
    itoken: Option<String>,
    code: Option<String>,
    lang: Option<String>,
) -> Result<(), AppError> {
    let locale = form_locale(lang.as_deref());
    respond(
        worded_in(locale, async {
            let st = state()?;
            let session = session().await?;
            let user = auth::require_user(&st.db, &session).await?;
            let given = Itoken::parse(itoken.as_deref());
            if let Some(t) = given.as_ref().filter(|_| code.is_none()) {
                if accept::accept_requires_code(&st.db, t, &user).await? {
                    set_cookie(
                        st.config.invitation_cookie(),
                        t.given(),
                        INVITATION_COOKIE_MAX_AGE,
                        st.config.secure_cookies(),
                    );
                    leptos_axum::redirect("/if/accept/");
                    return Ok(());
                }
            }
            let token = match given {
                Some(t) => t,
                None => remembered(&st)?,
            };
            let pending = accept_verification(&session).await?;
            let mut info = request_info().await;
            info.locale = locale;
            let pending_approval = accept::accept(
                &st.db,
                &st.config,
                &token,
                &user,
                &info,
                code.as_deref(),
                pending.as_deref(),
            )
            .await?;
            let _ = session
                .remove::<String>(accept::ACCEPT_VERIFICATION_KEY)
                .await;
            set_cookie(
                st.config.invitation_cookie(),
                "",
                0,
                st.config.secure_cookies(),
            );
            if pending_approval {
                leptos_axum::redirect(crate::domain::landing::PENDING_APPROVAL);
            } else {
                leptos_axum::redirect(
                    &auth::landing(&st.db, &st.config, user.pk, Arrival::Joined).await?,
                );
            }
            Ok(())
        })
        .await,
    )
}

/// The projections of the invitee journey's values into the pages' views: times and refusals in words.
#[cfg(feature = "ssr")]
mod view {
    use crate::domain::user::CurrentUser;
    use crate::i18n::Locale;
    use crate::model::{AcceptView, FlowView};
    use crate::service::accept::AcceptSummary;
    use crate::service::enrollment::Landing;

    /// The flow page of a landing, for `user` at `now` (UTC Unix seconds), in `locale`.
    pub fn flow(
        l: Landing,
        user: Option<&CurrentUser>,
        now: i64,
        mail_unavailable: bool,
        locale: Locale,
    ) -> FlowView {
        FlowView {
            locale,
            expires_iso: l.expires.map(crate::domain::time::format_rfc3339),
            expires_absolute: l.expires.map(|e| locale.datetime(e)),
            expires_relative: l.expires.map(|e| locale.relative(e, now)),
            slug: l.slug,
            title: l.title,
            invited_by: l.invited_by,
            roles: l.roles,
            groups: l.groups,
            user_type: l.user_type,
            expires_display: locale.expiry(l.expires, now),
            stage: l.stage,
            step: l.step,
            fields: l.fields,
            locked: l.locked,
            signed_in_as: l.signed_in_as,
            verify_email: l.verify_email,
            closed: l.closed.map(|c| {
                crate::error::closed_message(locale, &c, user.map_or("", |u| u.username.as_str()))
            }),
            code_step: l.code_step,
            mail_unavailable,
        }
    }

    /// The accept page at `now` (UTC Unix seconds), in `locale`.
    pub fn accept(
        s: AcceptSummary,
        now: i64,
        mail_unavailable: bool,
        locale: Locale,
    ) -> AcceptView {
        AcceptView {
            locale,
            invited_by: s.invited_by,
            roles: s.roles,
            groups: s.groups,
            expires_display: locale.expiry(s.expires, now),
            expires: s
                .expires
                .map(|e| crate::model::PageTime::new(locale, e, now)),
            username: s.username,
            verify_email: s.verify_email,
            code_sent: s.code_sent,
            mail_unavailable,
        }
    }
}
