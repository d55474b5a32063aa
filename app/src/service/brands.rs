//! System → Brands: the default application external users are sent to after enrolling or signing in
//! (the seed's troubleshooting case: without one, an external user would see "Permission denied").
//! Saved in `settings`; `USHER_DEFAULT_APP_URL` applies while nothing is saved.

use super::error::{Error, Problem};
use super::{Config, Db};
use crate::store::settings::{delete_setting, get_setting, put_setting};

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
    let absolute = ["https://", "http://"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .is_some_and(|rest| {
            rest.split(['/', '?', '#'])
                .next()
                .is_some_and(|host| !host.is_empty())
        });
    let path = s.starts_with('/') && !s.starts_with("//");
    if (absolute || path) && !s.chars().any(char::is_whitespace) {
        Ok(Some(s.to_owned()))
    } else {
        Err(Problem::NotAnAppUrl)
    }
}

/// Where a page's forms may lead besides Usher: the default application ([`super::auth::landing`]
/// sends external users there after sign-in and enrollment), from the environment and as saved; pages
/// name its origin in `form-action` (issue 35 item 6). Read at most every [`FormTargets::TTL_SECS`]
/// seconds rather than on every page, and forgotten at once when this instance saves a new one; a
/// default application saved through another instance reaches this one's pages within that time.
#[derive(Debug, Default)]
pub struct FormTargets(
    tokio::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Vec<String>>)>>,
);

impl FormTargets {
    /// How long the targets read are used, seconds.
    pub const TTL_SECS: u64 = 5;

    /// The URLs of the default application (the environment's and the saved one), as read within
    /// [`FormTargets::TTL_SECS`]. A failed read is logged and gives the environment's only.
    pub async fn get(&self, db: &Db, config: &Config) -> std::sync::Arc<Vec<String>> {
        let mut cached = self.0.lock().await;
        if let Some((at, targets)) = cached.as_ref() {
            if at.elapsed().as_secs() < Self::TTL_SECS {
                return targets.clone();
            }
        }
        let mut targets: Vec<String> = config.default_app_url.iter().cloned().collect();
        match get_setting(db, KEY).await {
            Ok(saved) => targets.extend(saved.filter(|s| !s.is_empty())),
            Err(e) => tracing::warn!(error = %e, "reading the default application"),
        }
        let targets = std::sync::Arc::new(targets);
        *cached = Some((std::time::Instant::now(), targets.clone()));
        targets
    }

    /// Forgets what was read (this instance saved a new default application).
    pub async fn forget(&self) {
        *self.0.lock().await = None;
    }
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

/// The default application as saved and as the environment gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DefaultApplication {
    /// The saved one (an absolute http(s) URL or a path); `None` when nothing is saved.
    pub saved: Option<String>,
    /// `USHER_DEFAULT_APP_URL`, which applies while nothing is saved; `None` when unset.
    pub from_environment: Option<String>,
}

/// The Brands page's values: the saved default application and the environment's.
///
/// # Errors
/// Database errors.
pub async fn settings(db: &Db, config: &Config) -> Result<DefaultApplication, Error> {
    Ok(DefaultApplication {
        saved: get_setting(db, KEY).await?,
        from_environment: config.default_app_url.clone(),
    })
}

/// Saves (or, when empty, clears) the default application.
///
/// # Errors
/// [`Error::Invalid`] on `default_application_url`; database errors.
pub async fn save(db: &Db, url: &str) -> Result<(), Error> {
    match validate_app_url(url).map_err(|e| Error::field("default_application_url", e))? {
        Some(u) => put_setting(db, KEY, &u).await?,
        None => delete_setting(db, KEY).await?,
    }
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
        ] {
            assert!(validate_app_url(bad).is_err(), "{bad}");
        }
    }
}
