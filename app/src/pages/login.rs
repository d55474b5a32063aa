//! `/login`, in the visitor's language (issue 16 item 1): an invitee sent here from an invitation's
//! "I already have an account" arrives with its language in `?lang=`.

use crate::api::auth::Login;
use crate::i18n::Locale;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::hooks::use_query_map;

/// The sign-in form. `?next=` (a same-origin relative path) is where a successful sign-in goes; `?lang=`
/// the invitation's language, which the language switcher's choice overrides
/// ([`super::page_locale_with`]).
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let asked = query
        .read_untracked()
        .get("lang")
        .and_then(|l| Locale::parse(&l).ok());
    let l = super::page_locale_with(asked);
    let here = {
        let q = query.read_untracked();
        let mut params: Vec<String> = Vec::new();
        if let Some(n) = q.get("next") {
            params.push(format!("next={}", urlencoding_lite(&n)));
        }
        if params.is_empty() {
            "/login".to_owned()
        } else {
            format!("/login?{}", params.join("&"))
        }
    };
    let brand = super::page_brand();
    let action = ServerAction::<Login>::new();
    view! {
        <Html {..} lang=l.code() />
        <main class="card narrow">
            <super::BrandBar />
            <div class="page-tools">
                <super::flow::LanguageForm locale=l next=here.clone() />
                <super::ThemeForm next=here locale=l />
            </div>
            <h1>{t!(l, "login-title", brand = brand.title)}</h1>
            <ActionForm action=action>
                <input type="hidden" name="next" value=next />
                <label for="login-username">{t!(l, "login-username")}</label>
                <input id="login-username" name="username" autocomplete="username" required />
                <label for="login-password">{t!(l, "login-password")}</label>
                <input id="login-password" type="password" name="password" autocomplete="current-password" required />
                // The refusals (wrong credentials, too many attempts) are worded here, in the page's language.
                {move || super::general_error_in(l, action.value().get())}
                <button type="submit">{t!(l, "login-submit")}</button>
            </ActionForm>
        </main>
    }
    .into_any()
}

/// Percent-encodes what would end or change a query value (`%`, `&`, `+`, `#`, `=`, space).
fn urlencoding_lite(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '&' => out.push_str("%26"),
            '+' => out.push_str("%2B"),
            '#' => out.push_str("%23"),
            '=' => out.push_str("%3D"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}
