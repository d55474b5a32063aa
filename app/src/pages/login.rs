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
    let here = query
        .read_untracked()
        .get("next")
        .map_or_else(|| "/login".to_owned(), |n| login_url(&n));
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

/// What a query value may not hold as is: controls, space and what would end or change it (`%`, `&`,
/// `+`, `#`, `=`; RFC 3986 §3.4, and `+` as HTML forms read it).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'#')
    .add(b'=');

/// The sign-in page that comes back to `next` after signing in: `/login?next=<next, percent-encoded>`.
pub fn login_url(next: &str) -> String {
    format!(
        "/login?next={}",
        percent_encoding::utf8_percent_encode(next, QUERY_VALUE)
    )
}

#[cfg(test)]
mod tests {
    use super::login_url;

    #[test]
    fn the_next_path_survives_the_query() {
        assert_eq!(login_url("/admin/users"), "/login?next=/admin/users");
        assert_eq!(
            login_url("/if/accept/?a=1&b=2#x"),
            "/login?next=/if/accept/?a%3D1%26b%3D2%23x"
        );
        assert_eq!(login_url("/a b+c%"), "/login?next=/a%20b%2Bc%25");
    }
}
