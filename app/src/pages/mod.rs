//! Pages, one module each; admin pages under `admin/`.
//!
//! Every component returns its view erased (`.into_any()`): the release build, unlike cargo-leptos's
//! debug builds (`--cfg erase_components`), keeps each view's full static type, and a page built of
//! nested, unerased components (a table of rows with details and actions) overflows rustc's query depth
//! in the WASM crate. Erasing at each component boundary keeps every type as deep as one component.

pub mod admin;
pub mod approvals;
pub mod flow;
pub mod home;
pub mod login;
pub mod my_invitations;
pub mod setup;

use crate::error::AppError;
use leptos::prelude::*;

/// 404 page for unknown paths.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    let l = page_locale();
    view! {
        <leptos_meta::Html {..} lang=l.code() />
        <main class="card narrow">
            <h1>{crate::t!(l, "not-found-title")}</h1>
            <p><a href="/">{crate::t!(l, "not-found-home")}</a></p>
        </main>
    }
    .into_any()
}

/// A one-line error notice.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! { <p class="error" role="alert">{error.message(page_locale())}</p> }
}

/// The message next to a field, if the error names it.
pub fn field_error(result: Option<Result<impl Clone, AppError>>, field: &str) -> Option<AnyView> {
    let msg = result
        .and_then(|r| r.err())
        .and_then(|e| e.field_message(field))?;
    Some(view! { <p class="field-error" data-field=field.to_owned()>{msg}</p> }.into_any())
}

/// The visitor's language on a page that has no invitation to say it: on the server the request's
/// ([`crate::api::ctx::request_locale`]: the switcher's cookie, `Accept-Language`, the brand default); in
/// the browser the page's `<html lang>`.
///
/// Under a layout that has settled the language for its pages (the admin dashboard: the switcher's
/// cookie, else the account's preferred language, else `Accept-Language`), that one ([`PageLocale`]).
pub fn page_locale() -> crate::i18n::Locale {
    use_context::<PageLocale>().map_or_else(|| page_locale_with(None), |p| p.0)
}

/// The language a layout settled for the pages under it (see [`page_locale`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLocale(pub crate::i18n::Locale);

/// [`page_locale`] with an invitation's language known (`invitation`), which comes after the
/// switcher's choice and before `Accept-Language` ([`crate::i18n::choose`]).
pub fn page_locale_with(invitation: Option<crate::i18n::Locale>) -> crate::i18n::Locale {
    #[cfg(feature = "ssr")]
    {
        crate::api::ctx::request_locale(invitation)
    }
    #[cfg(not(feature = "ssr"))]
    let _ = invitation;
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| crate::i18n::Locale::parse(&l).ok())
            .unwrap_or_default()
    }
}

/// Shows each `<time data-local>` in the browser's own time zone, in the page's language, with the zone
/// named; the server's UTC text stays as its `title` (shown on hover) and is all there is without
/// JavaScript. The invitee's pages let only the inline script carrying the page's nonce run
/// ([`crate::domain::web::page_csp`]); this one is inline with that nonce. The zone it used is left in
/// `data-zone`.
const LOCAL_TIME_SCRIPT: &str = r#"document.querySelectorAll("time[data-local]").forEach(function (t) {
  var d = new Date(t.getAttribute("datetime"));
  if (isNaN(d.getTime())) { return; }
  var f = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  if (!t.title) { t.title = t.textContent; }
  t.textContent = f.format(d);
  t.setAttribute("data-zone", f.resolvedOptions().timeZone);
});"#;

/// The script of [`LOCAL_TIME_SCRIPT`], with the page's nonce; put once on a page, after its times.
#[component]
pub fn LocalTimes() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! { <script nonce=nonce inner_html=LOCAL_TIME_SCRIPT></script> }
}

/// An instant for people: `<time datetime=iso title=utc data-local>utc</time>`, shown in the browser's
/// zone by [`LocalTimes`].
#[component]
pub fn LocalTime(iso: String, utc: String) -> impl IntoView {
    let title = utc.clone();
    view! { <time datetime=iso title=title data-local="">{utc}</time> }
}

/// A [`crate::model::PageTime`] on an invitee's page: the instant as a [`LocalTime`], then the relative
/// words in brackets ("… (in 3 days)"). The page puts [`LocalTimes`] after its times.
#[component]
pub fn PageWhen(time: crate::model::PageTime) -> impl IntoView {
    view! { <LocalTime iso=time.iso utc=time.utc /> " (" {time.relative} ")" }
}

/// The brand on a page (System → Brands; issue 16 item 5).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageBrand {
    /// The title in effect: the saved one, else `USHER_BRAND_NAME`, else "Usher".
    pub title: String,
    /// The logo's address (an absolute http(s) URL or a path on this site), if one is saved.
    pub logo: Option<String>,
    /// The brand stylesheet's URL (`/brand.css?v=…`) when an accent colour is saved.
    pub stylesheet: Option<String>,
}

/// The brand of the page being rendered: on the server from the request's extensions (the server's web
/// guard puts [`crate::service::brands::Site`] there) else the configured name; in the browser the title
/// the server named the application in the document's head (`<meta name="application-name">`, which
/// the shell writes and hydration leaves alone), else "Usher".
pub fn page_brand() -> PageBrand {
    #[cfg(feature = "ssr")]
    {
        let site = use_context::<http::request::Parts>().and_then(|p| {
            p.extensions
                .get::<std::sync::Arc<crate::service::brands::Site>>()
                .cloned()
        });
        match site {
            Some(s) => PageBrand {
                title: s.title.clone(),
                logo: s.look.logo.clone(),
                stylesheet: s
                    .look
                    .accent
                    .map(|_| format!("/brand.css?v={}", s.look.stylesheet_version())),
            },
            None => PageBrand {
                title: use_context::<crate::service::AppState>()
                    .map_or_else(|| "Usher".into(), |st| st.config.brand_name.clone()),
                ..PageBrand::default()
            },
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let title = document()
            .query_selector("meta[name=application-name]")
            .ok()
            .flatten()
            .and_then(|m| m.get_attribute("content"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Usher".into());
        PageBrand {
            title,
            ..PageBrand::default()
        }
    }
}

/// The brand's logo and title at the top of an invitee's page, and the document's title. The logo is
/// decorative beside the title (`alt=""`).
#[component]
pub fn BrandBar() -> impl IntoView {
    let b = page_brand();
    view! {
        <leptos_meta::Title text=b.title.clone() />
        <header class="brand-bar">
            {b.logo.map(|src| view! { <img class="brand-logo" src=src alt="" /> })}
            <span class="brand-title">{b.title}</span>
        </header>
    }
}

/// The colour theme the visitor chose: on the server from the theme switcher's cookie
/// ([`crate::api::prefs::THEME_COOKIE`]), in the browser from `<html data-theme>`.
pub fn page_theme() -> crate::api::prefs::Theme {
    use crate::api::prefs::Theme;
    #[cfg(feature = "ssr")]
    let chosen = crate::api::ctx::read_cookie(crate::api::prefs::THEME_COOKIE);
    #[cfg(not(feature = "ssr"))]
    let chosen = document()
        .document_element()
        .and_then(|e| e.get_attribute("data-theme"));
    chosen.and_then(|t| Theme::parse(&t)).unwrap_or(Theme::Auto)
}

/// The language and theme switchers at the top of a page outside the dashboard (issue 16 items 1 and
/// 5): plain forms that remember the choice and come back to `next`; labelled in `locale`.
#[component]
pub fn PageTools(#[prop(into)] next: String, locale: crate::i18n::Locale) -> impl IntoView {
    view! {
        <div class="page-tools">
            <flow::LanguageForm locale next=next.clone() />
            <ThemeForm next locale />
        </div>
    }
}

/// The theme switcher (issue 16 item 5): Auto (the system's), Light, Dark as buttons of a plain form
/// that remembers the choice and comes back to `next`; the current one is pressed. Works without
/// JavaScript; labelled in `locale`.
#[component]
pub fn ThemeForm(#[prop(into)] next: Signal<String>, locale: crate::i18n::Locale) -> impl IntoView {
    use crate::api::prefs::Theme;
    let current = page_theme();
    view! {
        <form method="post" action="/api/prefs/theme" class="theme-switch">
            <input type="hidden" name="next" prop:value=move || next.get() value=next.get_untracked() />
            <span class="theme-label" id="theme-label">{locale.tr("theme-label")}": "</span>
            {Theme::ALL.into_iter().map(|t| view! {
                <button type="submit" class="link" name="theme" value=t.code()
                    id=format!("theme-{}", t.code())
                    aria-describedby="theme-label"
                    aria-pressed=(t == current).to_string()>
                    {match t {
                        Theme::Auto => locale.tr("theme-auto"),
                        Theme::Light => locale.tr("theme-light"),
                        Theme::Dark => locale.tr("theme-dark"),
                    }}
                </button>
            }).collect_view()}
        </form>
    }
}

/// A general error (not a field error) of an action result, in `l` (the invitee's pages).
pub fn general_error_in(
    l: crate::i18n::Locale,
    result: Option<Result<impl Clone, AppError>>,
) -> Option<AnyView> {
    match result {
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any()),
        _ => None,
    }
}

/// A general error (not a field error) of an action result, in the page's language.
pub fn general_error(result: Option<Result<impl Clone, AppError>>) -> Option<AnyView> {
    general_error_in(page_locale(), result)
}
