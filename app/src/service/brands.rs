//! System → Brands: the default application external users are sent to after enrolling or signing in
//! (the seed's troubleshooting case: without one, an external user would see "Permission denied"), and
//! the brand's look on the invitee's pages and in emails: title, logo and accent colour (issue 16 item 5;
//! rules in [`crate::domain::brand`]), and the brand's default language (authentik's brand
//! `default_locale`): what an invitee is spoken to in when neither the invitation nor their browser
//! says (issue 16 item 1). Saved in `settings`; `USHER_DEFAULT_APP_URL`, `USHER_BRAND_NAME` and
//! `USHER_DEFAULT_LOCALE` apply while nothing is saved.

use super::error::{Error, Problem};
use super::{Config, Db};
use crate::domain::brand::{self, Accent, Look};
use crate::i18n::Locale;
use crate::store::settings::{delete_setting_in, get_setting, get_settings_in, put_setting_in};

const KEY: &str = "default_application_url";

/// Checks a default application address: an absolute `http(s)://host…` URL or a path on this site
/// (`/…`, not `//…`). Empty means none. Returns it trimmed.
///
/// # Errors
/// [`Problem::NotAnAppUrl`].
pub fn validate_app_url(raw: &str) -> Result<Option<String>, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let absolute = brand::http_authority(s).is_some();
    let path = brand::is_site_path(s);
    if (absolute || path) && !s.chars().any(char::is_whitespace) {
        Ok(Some(s.to_owned()))
    } else {
        Err(Problem::NotAnAppUrl)
    }
}

/// The settings keys of a brand's look (authentik's `branding_title`, `branding_logo`; Usher's accent).
const TITLE: &str = "branding_title";
const LOGO: &str = "branding_logo";
const ACCENT: &str = "branding_accent";
/// The settings key of the brand's default language (a [`Locale`] code).
const LOCALE: &str = "default_locale";

/// What the site's pages need of the brand, read together: the default application's URLs (pages name
/// their origin in `form-action`, issue 35 item 6) and the look (issue 16 item 5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// The default application's URLs: the environment's and the saved one.
    pub form_targets: Vec<String>,
    /// The saved default application; `None` when nothing is saved.
    pub saved_application: Option<String>,
    /// The look as saved.
    pub look: Look,
    /// The title in effect: the saved one, else `USHER_BRAND_NAME`, else "Usher".
    pub title: String,
    /// The saved default language; `None` when nothing is saved.
    pub saved_locale: Option<Locale>,
    /// The default language in effect: the saved one, else `USHER_DEFAULT_LOCALE`.
    pub default_locale: Locale,
}

impl Site {
    /// The logo when it is an absolute URL (pages must name its origin in `img-src`); `None` for a path
    /// on this site or no logo.
    pub fn external_logo(&self) -> Option<&str> {
        self.look.logo.as_deref().filter(|l| !l.starts_with('/'))
    }
}

/// The brand as the site's pages see it ([`Site`]). Read at most every [`SiteCache::TTL_SECS`] seconds
/// rather than on every page, and forgotten at once when this instance saves a new one; a brand saved
/// through another instance reaches this one's pages within that time.
#[derive(Debug, Default)]
pub struct SiteCache(tokio::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Site>)>>);

impl SiteCache {
    /// How long what was read is used, seconds.
    pub const TTL_SECS: u64 = 5;

    /// The brand as read within [`SiteCache::TTL_SECS`]. A failed read is logged and gives the
    /// environment's values only.
    pub async fn get(&self, db: &Db, config: &Config) -> std::sync::Arc<Site> {
        let mut cached = self.0.lock().await;
        if let Some((at, site)) = cached.as_ref() {
            if at.elapsed().as_secs() < Self::TTL_SECS {
                return site.clone();
            }
        }
        let site = match site_in(&db.pool, config).await {
            Ok(site) => site,
            Err(e) => {
                tracing::warn!(error = %e, "reading the brand");
                Site {
                    form_targets: config.default_app_url.iter().cloned().collect(),
                    saved_application: None,
                    look: Look::default(),
                    title: config.brand_name.clone(),
                    saved_locale: None,
                    default_locale: config.default_locale,
                }
            }
        };
        let site = std::sync::Arc::new(site);
        *cached = Some((std::time::Instant::now(), site.clone()));
        site
    }

    /// Forgets what was read (this instance saved a new brand or default application).
    pub async fn forget(&self) {
        *self.0.lock().await = None;
    }
}

/// The brand read through `ex` (a pool, or an open transaction's connection: an email rendered inside
/// one): what [`SiteCache`] holds, uncached. Saved values that no longer pass the rules are ignored.
///
/// # Errors
/// Database errors.
pub async fn site_in(
    ex: impl crate::store::Exec<'_>,
    config: &Config,
) -> Result<Site, crate::store::DbError> {
    let mut site = Site {
        form_targets: config.default_app_url.iter().cloned().collect(),
        ..Site::default()
    };
    for (k, v) in get_settings_in(ex, &[KEY, TITLE, LOGO, ACCENT, LOCALE]).await? {
        match k.as_str() {
            KEY if !v.is_empty() => {
                site.form_targets.push(v.clone());
                site.saved_application = Some(v);
            }
            TITLE => site.look.title = brand::parse_title(&v).ok().flatten(),
            LOGO => site.look.logo = brand::parse_logo(&v).ok().flatten(),
            ACCENT => site.look.accent = Accent::parse(&v).ok().flatten(),
            LOCALE => site.saved_locale = Locale::parse(&v).ok(),
            _ => {}
        }
    }
    site.default_locale = site.saved_locale.unwrap_or(config.default_locale);
    site.title = site
        .look
        .title
        .clone()
        .unwrap_or_else(|| config.brand_name.clone());
    Ok(site)
}

/// The brand of an email, read through `ex` (emails are rendered inside the transaction that queues
/// them): the title in effect, the logo's absolute URL, the accent, and the default language (for an
/// invitation that names none).
///
/// # Errors
/// Database errors.
pub async fn mail_brand(
    ex: impl crate::store::Exec<'_>,
    config: &Config,
) -> Result<super::mail::MailBrand, crate::store::DbError> {
    let site = site_in(ex, config).await?;
    Ok(super::mail::MailBrand::new(
        site.title,
        site.look.logo_url(&config.public_url),
        site.look.accent,
    )
    .speaking(site.default_locale))
}

/// The default application: the saved one, else `USHER_DEFAULT_APP_URL`, else none.
///
/// # Errors
/// Database errors.
pub async fn default_application(db: &Db, config: &Config) -> Result<Option<String>, Error> {
    Ok(get_setting(db, KEY)
        .await?
        .filter(|s| !s.is_empty())
        .or_else(|| config.default_app_url.clone()))
}

/// System → Brands as saved and as the environment gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BrandsView {
    /// The saved default application (an absolute http(s) URL or a path); `None` when nothing is saved.
    pub saved: Option<String>,
    /// `USHER_DEFAULT_APP_URL`, which applies while nothing is saved; `None` when unset.
    pub from_environment: Option<String>,
    /// The saved look.
    pub look: Look,
    /// `USHER_BRAND_NAME` or "Usher": the title while none is saved.
    pub title_default: String,
    /// The saved default language; `None` when nothing is saved.
    pub locale: Option<Locale>,
    /// `USHER_DEFAULT_LOCALE`: the default language while none is saved.
    pub locale_default: Locale,
}

/// The Brands page's values: the saved default application and look, and the environment's, in one
/// read.
///
/// # Errors
/// Database errors.
pub async fn settings(db: &Db, config: &Config) -> Result<BrandsView, Error> {
    let site = site_in(&db.pool, config).await?;
    Ok(BrandsView {
        saved: site.saved_application,
        from_environment: config.default_app_url.clone(),
        look: site.look,
        title_default: config.brand_name.clone(),
        locale: site.saved_locale,
        locale_default: config.default_locale,
    })
}

/// What System → Brands saves, as typed; an empty value clears that setting, a look value of `None`
/// keeps the saved one.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrandInput<'a> {
    /// The default application: an absolute http(s) URL or a path on this site.
    pub default_application_url: &'a str,
    /// The title ([`brand::parse_title`]).
    pub title: Option<&'a str>,
    /// The logo ([`brand::parse_logo`]).
    pub logo: Option<&'a str>,
    /// The accent colour, `#rrggbb` ([`Accent::parse`]).
    pub accent: Option<&'a str>,
    /// The default language, a code Usher speaks (`en`, `de`) ([`Locale::parse`]).
    pub default_locale: Option<&'a str>,
}

/// Saves (or, where empty, clears) the default application and the look, all or nothing: every value is
/// checked first, then written in one transaction.
///
/// # Errors
/// [`Error::Invalid`] on the first field refused (`default_application_url`, `branding_title`,
/// `branding_logo`, `branding_accent`, `default_locale`); nothing is saved then. Database errors.
pub async fn save(db: &Db, input: BrandInput<'_>) -> Result<(), Error> {
    let app = validate_app_url(input.default_application_url)
        .map_err(|e| Error::field("default_application_url", e))?;
    let refused = |e: brand::BrandError| Error::field(e.field(), Problem::Brand(e));
    let title = input
        .title
        .map(brand::parse_title)
        .transpose()
        .map_err(refused)?;
    let logo = input
        .logo
        .map(brand::parse_logo)
        .transpose()
        .map_err(refused)?;
    let accent = input
        .accent
        .map(Accent::parse)
        .transpose()
        .map_err(refused)?
        .map(|a| a.map(Accent::hex));
    let locale = input
        .default_locale
        .map(|raw| match raw.trim() {
            "" => Ok(None),
            code => Locale::parse(code).map(|l| Some(l.code().to_owned())),
        })
        .transpose()
        .map_err(|e| Error::field("default_locale", Problem::Locale(e)))?;
    let mut tx = db.begin().await?;
    let changes = [
        (KEY, Some(app)),
        (TITLE, title),
        (LOGO, logo),
        (ACCENT, accent),
        (LOCALE, locale),
    ];
    // `None`: kept; `Some(None)`: cleared.
    for (key, value) in changes {
        match value {
            Some(Some(v)) => put_setting_in(&mut *tx, key, &v).await?,
            Some(None) => delete_setting_in(&mut *tx, key).await?,
            None => {}
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate_app_url;

    #[test]
    fn urls_and_paths() {
        assert_eq!(
            validate_app_url(" https://apps.example.com/ "),
            Ok(Some("https://apps.example.com/".into()))
        );
        assert_eq!(validate_app_url("/apps"), Ok(Some("/apps".into())));
        assert_eq!(validate_app_url(""), Ok(None));
        for bad in [
            "//evil.io",
            "javascript:alert(1)",
            "https://",
            "ftp://x",
            "apps",
            "https://a b",
            "https://apps.example.com;script-src/",
        ] {
            assert!(validate_app_url(bad).is_err(), "{bad}");
        }
    }
}
