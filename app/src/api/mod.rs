//! Server functions: each is a public POST endpoint under `/api/…`. Each one authorizes first, calls one
//! service function in `crate::service`, and maps its typed error (status set from [`AppError::status`]).

pub mod admin;
pub mod approvals;
pub mod auth;
pub mod flow;
pub mod inviting;
pub mod prefs;

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    use crate::error::{AppError, Context};
    use crate::model::CurrentUser;
    use crate::service::{auth, AppState};
    use tower_sessions::Session;

    /// The [`AppState`] provided to server functions through Leptos context.
    ///
    /// # Errors
    /// [`AppError::Internal`] when called outside a request that has it.
    pub fn state() -> Result<AppState, AppError> {
        leptos::prelude::use_context::<AppState>().context("reading the app state of the request")
    }

    /// The request's session.
    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>()
            .await
            .context("reading the request's session")
    }

    /// The session value under `key`: `Ok(None)` only when there is none. A session store failure is
    /// an error (logged, [`AppError::Internal`]), never read as "nothing there". A value that no longer
    /// decodes (written by an older Usher whose plan shape differed) is dropped from the session and
    /// logged, so the visitor starts that step again instead of being stuck.
    ///
    /// # Errors
    /// [`AppError::Internal`] when the session store fails.
    pub async fn session_value<T: serde::de::DeserializeOwned>(
        session: &Session,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        match session.get::<T>(key).await {
            Ok(v) => Ok(v),
            Err(tower_sessions::session::Error::SerdeJson(e)) => {
                tracing::warn!(error = %e, key, "dropping a session value that does not decode");
                session
                    .remove_value(key)
                    .await
                    .map_err(|e| store_error(&e))?;
                Ok(None)
            }
            Err(e) => Err(store_error(&e)),
        }
    }

    fn store_error(e: &tower_sessions::session::Error) -> AppError {
        tracing::error!(error = %e, "session store error");
        AppError::Internal
    }

    /// Sets the response status from the error, passing the result through.
    ///
    /// A plain form post (a browser without JavaScript: `POST` with `Accept: text/html`) keeps the framework's
    /// redirect back to the page it came from, which carries the error in its query (`__path`,
    /// `__err`) for the page to show: an error status would leave the browser on the bare error body.
    pub fn respond<T>(r: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &r {
            if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                // A page rendered on the server (GET) keeps the status: only a posted form redirects.
                let plain_form = leptos::prelude::use_context::<http::request::Parts>()
                    .is_some_and(|p| {
                        p.method == http::Method::POST
                            && p.headers
                                .get(http::header::ACCEPT)
                                .and_then(|v| v.to_str().ok())
                                .is_some_and(|v| v.contains("text/html"))
                    });
                if let Ok(code) = http::StatusCode::from_u16(e.status()) {
                    if !plain_form {
                        opts.set_status(code);
                    }
                }
                if let AppError::TooManyAttempts(secs)
                | AppError::TooManyCodes(secs)
                | AppError::CodesPaused(secs)
                | AppError::CodesSlowed(secs)
                | AppError::TooManyEnrollments(secs)
                | AppError::Busy(secs) = e
                {
                    if let Ok(v) = http::HeaderValue::from_str(&secs.to_string()) {
                        opts.insert_header(http::header::RETRY_AFTER, v);
                    }
                }
            }
        }
        r
    }

    /// Who the signed-in `user` is for the events a change records: them, from the request's client
    /// address.
    pub async fn who(user: &CurrentUser) -> crate::domain::audit::Who {
        crate::domain::audit::Who::user(user.pk, &user.username, &request_info().await.ip)
    }

    /// State and the signed-in user, whoever they are, or 401; their errors speak their language.
    pub async fn member() -> Result<(AppState, CurrentUser), AppError> {
        let st = state()?;
        let session = session().await?;
        let user = auth::require_user(&st.db, &session).await?;
        leptos::prelude::provide_context(crate::pages::PageLocale(request_locale(user.locale)));
        Ok((st, user))
    }

    /// State and the signed-in superuser, or 401/403.
    pub async fn admin() -> Result<(AppState, CurrentUser), AppError> {
        let st = state()?;
        let session = session().await?;
        let user = auth::require_admin(&st.db, &session).await?;
        // Its errors speak the dashboard's language ([`crate::i18n::wording`]).
        leptos::prelude::provide_context(crate::pages::PageLocale(request_locale(user.locale)));
        Ok((st, user))
    }

    /// The value of a request cookie (parsed by the `cookie` crate, RFC 6265; an empty value is none).
    pub fn read_cookie(name: &str) -> Option<String> {
        use tower_sessions::cookie::Cookie;
        let parts: Option<http::request::Parts> = leptos::prelude::use_context();
        let parts = parts?;
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == name && !c.value().is_empty())
            .map(|c| c.value().to_owned())
    }

    /// How long a display preference (language, theme) is remembered, seconds: a year.
    pub const PREFERENCE_MAX_AGE: i64 = 365 * 86_400;

    /// Remembers a display preference of this browser (issue 16): sets cookie `name` to `value` for
    /// [`PREFERENCE_MAX_AGE`] (`None` deletes it), then redirects to `next` when `safe` accepts it, else
    /// to `/` (never off-site: each caller's rule says which of its pages it may return to).
    ///
    /// # Errors
    /// [`AppError::Internal`] without the server's state.
    pub fn remember_preference(
        name: &str,
        value: Option<&str>,
        next: &str,
        safe: impl Fn(&str) -> bool,
    ) -> Result<(), AppError> {
        let secure = state()?.config.secure_cookies();
        match value {
            Some(v) => set_cookie(name, v, PREFERENCE_MAX_AGE, secure),
            None => set_cookie(name, "", 0, secure),
        }
        leptos_axum::redirect(if safe(next) { next } else { "/" });
        Ok(())
    }

    /// Sets (or, with `max_age` 0, deletes) a cookie: `Path=/; HttpOnly; SameSite=Lax`, `Secure` when
    /// asked; `max_age` in seconds. Built by the `cookie` crate.
    pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) {
        use tower_sessions::cookie::{time::Duration, Cookie, SameSite};
        let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let cookie = Cookie::build((name, value))
            .path("/")
            .max_age(Duration::seconds(max_age))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .build();
        if let Ok(v) = http::HeaderValue::from_str(&cookie.to_string()) {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// The visitor's language for this request ([`crate::i18n::choose`]): the switcher's cookie
    /// ([`crate::i18n::LANG_COOKIE`]), else `invitation`'s, else the request's `Accept-Language`, else
    /// the brand default (System → Brands, else `USHER_DEFAULT_LOCALE`).
    pub fn request_locale(invitation: Option<crate::i18n::Locale>) -> crate::i18n::Locale {
        visitor_language().with(invitation)
    }

    /// What this request says of the visitor's language, read once (the cookie, `Accept-Language`,
    /// the brand default: the one System → Brands saved, which the server's web guard put in the
    /// request's extensions with the rest of the brand, else `USHER_DEFAULT_LOCALE`): a page asks
    /// [`VisitorLanguage::with`] before and after it knows the invitation without reading the request
    /// again.
    pub fn visitor_language() -> VisitorLanguage {
        let parts: Option<http::request::Parts> = leptos::prelude::use_context();
        let accept = parts.as_ref().and_then(|p| {
            p.headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::i18n::Locale::from_accept_language)
        });
        let explicit =
            read_cookie(crate::i18n::LANG_COOKIE).and_then(|c| crate::i18n::Locale::parse(&c).ok());
        let brand = parts.as_ref().and_then(|p| {
            p.extensions
                .get::<std::sync::Arc<crate::service::brands::Site>>()
                .map(|s| s.default_locale)
        });
        let default = brand
            .or_else(|| state().ok().map(|s| s.config.default_locale))
            .unwrap_or_default();
        VisitorLanguage {
            explicit,
            accept,
            default,
        }
    }

    /// A request's language preferences ([`visitor_language`]).
    #[derive(Debug, Clone, Copy)]
    pub struct VisitorLanguage {
        explicit: Option<crate::i18n::Locale>,
        accept: Option<crate::i18n::Locale>,
        default: crate::i18n::Locale,
    }

    impl VisitorLanguage {
        /// The language with `invitation`'s known ([`crate::i18n::choose`]'s precedence).
        pub fn with(self, invitation: Option<crate::i18n::Locale>) -> crate::i18n::Locale {
            self.explicit
                .or(invitation)
                .or(self.accept)
                .unwrap_or(self.default)
        }
    }

    /// Client IP (the server's [`crate::service::ClientAddr`]: the TCP peer, or behind a trusted proxy the
    /// address it forwarded; empty for an in-process call) and User-Agent.
    pub async fn request_info() -> crate::service::invitations::RequestInfo {
        let parts: Option<http::request::Parts> = leptos::prelude::use_context();
        let Some(parts) = parts else {
            return Default::default();
        };
        let header = |n: &str| {
            parts
                .headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let ip = parts
            .extensions
            .get::<crate::service::ClientAddr>()
            .map(|c| c.0.to_string())
            .unwrap_or_default();
        crate::service::invitations::RequestInfo {
            ip,
            user_agent: header("user-agent"),
            // The pages that know their language say it (`lang` of their forms).
            locale: crate::i18n::Locale::default(),
        }
    }
}
