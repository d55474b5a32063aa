//! Web hardening rules: which origin and host a request may name, whether a write is same-origin, the
//! Content-Security-Policy of Usher's pages, and how long a browser may keep a static asset. Pure: the
//! server's request layer applies them.

/// An origin (RFC 6454 §4): scheme, host and port, lower-cased, the port filled in from the scheme
/// (80 for http, 443 for https) when absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// The host name or address, lower-cased; an IPv6 address keeps its brackets.
    pub host: String,
    /// The port.
    pub port: u16,
}

impl Origin {
    /// The origin of an absolute http(s) URL or of an `Origin` header value, e.g.
    /// `https://id.example.com/if/flow/x/` → (`https`, `id.example.com`, 443). `None` for anything else
    /// (`null`, another scheme, no host, a bad port).
    pub fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.trim().split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        // userinfo is not part of an origin; a browser never sends it in Origin.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let (host, port) = split_authority(authority, default)?;
        Some(Self { scheme, host, port })
    }

    /// The origin as a CSP source expression: `scheme://host`, with `:port` only when it is not the
    /// scheme's default. `None` when the host holds anything a host name or a bracketed IP address
    /// cannot (a `;` or `,` would start another directive or list: CSP Level 3 §2.2).
    pub fn csp_source(&self) -> Option<String> {
        let bracketed = self
            .host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|ip| {
                !ip.is_empty()
                    && ip
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
            });
        let name = self
            .host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
        (bracketed || name).then(|| self.source())
    }

    /// The origin as text: `scheme://host`, with `:port` only when it is not the scheme's default.
    fn source(&self) -> String {
        let default = if self.scheme == "https" { 443 } else { 80 };
        if self.port == default {
            format!("{}://{}", self.scheme, self.host)
        } else {
            format!("{}://{}:{}", self.scheme, self.host, self.port)
        }
    }

    /// Whether `host` (a `Host` header value: `name[:port]`) names this origin's host and port.
    pub fn is_host(&self, host: &str) -> bool {
        let default = if self.scheme == "https" { 443 } else { 80 };
        split_authority(host.trim(), default).is_some_and(|(h, p)| h == self.host && p == self.port)
    }
}

/// `host[:port]` → (lower-cased host, port or `default`); `None` when the host is empty or the port is
/// not a number.
fn split_authority(authority: &str, default: u16) -> Option<(String, u16)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (h, rest) = authority.split_at(end + 1);
        match rest.strip_prefix(':') {
            Some(p) => (h, Some(p)),
            None if rest.is_empty() => (h, None),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    Some((host.to_ascii_lowercase(), port))
}

/// Whether a state-changing request (any method but GET and HEAD) comes from Usher's own pages, as a
/// defence against cross-site request forgery beside `SameSite=Lax` cookies:
/// - with an `Origin` header, it must be the public URL's origin exactly (scheme, host and port; `null`
///   is refused);
/// - without one, `Sec-Fetch-Site` (Fetch Metadata) must be `same-origin` or `none`;
/// - without either, a `Referer` must have the public URL's origin.
///
/// A request with none of the three is not from a browser (browsers send `Origin` on every POST, and
/// `Sec-Fetch-Site` on every request) and is allowed: scripts and API clients carry no ambient cookies
/// an attacker could ride.
pub fn write_allowed(
    public: &Origin,
    origin: Option<&str>,
    sec_fetch_site: Option<&str>,
    referer: Option<&str>,
) -> bool {
    if let Some(origin) = origin {
        return Origin::parse(origin).as_ref() == Some(public);
    }
    if let Some(site) = sec_fetch_site {
        let site = site.trim();
        return site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none");
    }
    match referer {
        Some(r) => Origin::parse(r).as_ref() == Some(public),
        None => true,
    }
}

/// Whether the page at `path` (a URL path, no query) ships the WASM and its JavaScript, or is served as
/// plain HTML whose forms post to the server functions and follow their redirects.
///
/// The invitee's pages (issue 13, P5: "the invitee pages load ≤ 30 KB of WASM and JS, or none, and still
/// work without JavaScript") ship none: the landing page and its stages (`/if/flow/{slug}/`), accepting
/// as an existing user (`/if/accept/`), sign-in (`/login`), the start page (`/`, where an enrolled
/// invitee arrives), the page saying an approver must decide first (`/if/pending/`) and the approver's
/// confirmation page (`/if/approval/{pk}`, a plain form, as its emailed link is opened anywhere). Every other page (the admin dashboard, set-up, unknown paths) hydrates.
pub fn page_ships_wasm(path: &str) -> bool {
    let static_page = matches!(
        path,
        "/" | "/login" | "/login/" | "/if/accept/" | "/if/accept" | "/if/pending/" | "/if/pending"
    ) || path
        .strip_prefix("/if/approval/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        || path
            .strip_prefix("/if/flow/")
            .is_some_and(|rest| !rest.is_empty() && !rest.trim_end_matches('/').contains('/'));
    !static_page
}

/// The Content-Security-Policy of Usher's HTML pages, for the per-response `nonce` that Leptos puts on
/// its hydration and resource scripts: scripts only from Usher itself or carrying the nonce (and
/// `'wasm-unsafe-eval'` so the hydration WASM can compile), styles and everything else from Usher only
/// (no inline styles or handlers), the favicon's `data:` URL, no plugins, no `<base>`, and no framing
/// (`frame-ancestors 'none'`, against clickjacking). A page that ships no WASM (`ships_wasm` false, see
/// [`page_ships_wasm`]) may run only the inline script carrying the nonce (Leptos's serialized resource
/// data), nothing Usher serves and no WASM, and connects nowhere.
pub fn page_csp(nonce: &str, ships_wasm: bool) -> String {
    let (scripts, connect) = if ships_wasm {
        (
            format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
            "'self'",
        )
    } else {
        (format!("'nonce-{nonce}'"), "'none'")
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src {connect}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The Content-Security-Policy of every other response (JSON, redirects, static files): nothing may
/// load and nothing may frame it.
pub const NON_PAGE_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The query parameters with which Leptos's server functions send a refused plain-form post's error
/// back to its page (`server_fn::error::ServerFnUrlError`): the function's path and the error, base64.
pub const FORM_ERROR_PARAMS: [&str; 2] = ["__path", "__err"];

/// The decoded value of the `__err` parameter of a URL query (`query` without its `?`), if any.
#[cfg(feature = "ssr")]
pub fn form_error(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "__err")
        .map(|(_, v)| v.into_owned())
}

/// `path` with `query` minus the [`FORM_ERROR_PARAMS`] (a URL to send a browser to when the error in
/// its query was not sent by Usher; issue 35 item 6), the other parameters kept in order.
#[cfg(feature = "ssr")]
pub fn without_form_error(path: &str, query: &str) -> String {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            !kv.is_empty() && !FORM_ERROR_PARAMS.contains(&key)
        })
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// A page's Content-Security-Policy with `form-action` added: forms may post to Usher itself, and to
/// the `origins` its posts redirect to (the default application's, after sign-in or enrollment:
/// browsers check `form-action` on a form post's redirects too, CSP Level 3 §6.4.1). `origins` that are
/// not http(s) origins are left out.
pub fn with_form_action(csp: &str, origins: &[String]) -> String {
    let mut sources = vec!["'self'".to_owned()];
    for text in origins
        .iter()
        .filter_map(|o| Origin::parse(o))
        .filter_map(|o| o.csp_source())
    {
        if !sources.contains(&text) {
            sources.push(text);
        }
    }
    format!("{csp}; form-action {}", sources.join(" "))
}

/// A page's Content-Security-Policy with the origin of `logo` (the brand's logo, an absolute http(s)
/// URL; System → Brands) added to its `img-src`; unchanged without one, for a logo that is not an
/// http(s) URL, or for a policy without `img-src`.
pub fn with_img_src(csp: &str, logo: Option<&str>) -> String {
    let Some(source) = logo.and_then(Origin::parse).and_then(|o| o.csp_source()) else {
        return csp.to_owned();
    };
    csp.split("; ")
        .map(|d| {
            if d.starts_with("img-src ") {
                format!("{d} {source}")
            } else {
                d.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `Strict-Transport-Security` (RFC 6797) when the public URL is https: one year, this host only (other
/// hosts of the domain may not be https).
pub const HSTS: &str = "max-age=31536000";

/// `Cache-Control` of a static asset under `/pkg`, by its file name (the last segment of the URL path).
///
/// cargo-leptos's `hash-files` renames the site's JS, WASM and CSS to `{stem}.{hash}.{ext}`, the hash
/// being the file's MD5 in unpadded base64url: exactly 22 characters of `[A-Za-z0-9_-]`
/// (`usher.Xk3_9aZQ-0bP1cDeFgHiJk.wasm`). Such a name never changes content, so it is
/// `public, max-age=31536000, immutable`: a year, and no revalidation on reload (RFC 9111 §5.2.2.1
/// `max-age`, §5.2.2.9 `public`; `immutable` is RFC 8246). Any other file (unhashed names, the
/// wasm-bindgen `snippets/`, a build without `hash-files`) is `no-cache` (RFC 9111 §5.2.2.4): stored,
/// but revalidated before every use, so a new release is picked up at once. cargo-leptos's unhashed
/// placeholder (22 underscores, `__wasm_split.______________________.js`) is not a hash.
pub fn asset_cache_control(file_name: &str) -> &'static str {
    if is_hashed_asset_name(file_name) {
        ASSET_IMMUTABLE
    } else {
        ASSET_REVALIDATE
    }
}

/// `Cache-Control` of a hashed asset (see [`asset_cache_control`]).
pub const ASSET_IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of every other asset (see [`asset_cache_control`]).
pub const ASSET_REVALIDATE: &str = "no-cache";

/// Whether `file_name` is `{stem}.{hash}.{ext}` as cargo-leptos's `hash-files` writes it: a non-empty
/// stem (which may hold dots), then a segment of exactly 22 base64url characters, then a non-empty
/// extension.
fn is_hashed_asset_name(file_name: &str) -> bool {
    let mut segments = file_name.rsplit('.');
    let (Some(ext), Some(hash)) = (segments.next(), segments.next()) else {
        return false;
    };
    let stem_ok = segments.next().is_some_and(|s| !s.is_empty());
    stem_ok
        && !ext.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !hash.bytes().all(|b| b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public() -> Origin {
        Origin::parse("https://id.example.com/").unwrap()
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(
            Origin::parse("HTTPS://ID.Example.com:443/x?y"),
            Some(public())
        );
        assert_eq!(
            Origin::parse("http://[::1]:3000"),
            Some(Origin {
                scheme: "http".into(),
                host: "[::1]".into(),
                port: 3000
            })
        );
        assert_ne!(Origin::parse("http://id.example.com"), Some(public()));
        assert_ne!(Origin::parse("https://id.example.com:8443"), Some(public()));
        assert_ne!(
            Origin::parse("https://id.example.com.evil.io"),
            Some(public())
        );
        assert_eq!(Origin::parse("null"), None);
        assert_eq!(Origin::parse("ftp://id.example.com"), None);
        assert_eq!(Origin::parse("https://"), None);
        assert_eq!(Origin::parse("https://id.example.com:x"), None);
        assert_eq!(
            Origin::parse("https://user@id.example.com/"),
            Some(public())
        );
    }

    #[test]
    fn hosts_must_name_the_public_url() {
        let p = public();
        assert!(p.is_host("id.example.com"));
        assert!(p.is_host("ID.EXAMPLE.COM:443"));
        assert!(!p.is_host("id.example.com:80"));
        assert!(!p.is_host("evil.io"));
        assert!(!p.is_host(""));
        let local = Origin::parse("http://127.0.0.1:3000").unwrap();
        assert!(local.is_host("127.0.0.1:3000"));
        assert!(!local.is_host("localhost:3000"));
        assert!(!local.is_host("127.0.0.1"));
        let v6 = Origin::parse("http://[::1]:3000").unwrap();
        assert!(v6.is_host("[::1]:3000"));
    }

    #[test]
    fn writes_must_come_from_the_public_origin() {
        let p = public();
        assert!(write_allowed(
            &p,
            Some("https://id.example.com"),
            None,
            None
        ));
        // Origin decides when present, whatever the others say.
        assert!(!write_allowed(
            &p,
            Some("https://evil.io"),
            Some("same-origin"),
            Some("https://id.example.com/")
        ));
        assert!(!write_allowed(
            &p,
            Some("http://id.example.com"),
            None,
            None
        ));
        assert!(!write_allowed(&p, Some("null"), None, None));
        // No Origin: Fetch Metadata.
        assert!(write_allowed(&p, None, Some("same-origin"), None));
        assert!(write_allowed(&p, None, Some("none"), None));
        assert!(!write_allowed(&p, None, Some("cross-site"), None));
        assert!(!write_allowed(
            &p,
            None,
            Some("same-site"),
            Some("https://id.example.com/")
        ));
        // Neither: the Referer.
        assert!(write_allowed(
            &p,
            None,
            None,
            Some("https://id.example.com/admin")
        ));
        assert!(!write_allowed(&p, None, None, Some("https://evil.io/")));
        // None of them: not a browser.
        assert!(write_allowed(&p, None, None, None));
    }

    #[test]
    fn the_invitee_pages_ship_no_wasm_and_the_admin_does() {
        for path in [
            "/",
            "/login",
            "/if/flow/default-enrollment-flow/",
            "/if/flow/x",
            "/if/accept/",
            "/if/pending/",
            "/if/approval/0190b3c6-1111-7000-8000-000000000000",
        ] {
            assert!(!page_ships_wasm(path), "{path}");
        }
        for path in [
            "/admin/invitations",
            "/admin",
            "/setup",
            "/if/flow/",
            "/if/flow/a/b/",
            "/if/admin/",
            "/no-such-page",
            "/loginx",
        ] {
            assert!(page_ships_wasm(path), "{path}");
        }
    }

    #[test]
    fn hashed_asset_names_are_immutable_and_the_rest_revalidated() {
        for name in [
            "usher.Xk3_9aZQ-0bP1cDeFgHiJk.wasm",
            "usher.AAAAAAAAAAAAAAAAAAAAAA.js",
            "usher.0123456789abcdefABCDEF.css",
            "chunk_1.AAAAAAAAAAAAAAAAAAAAAA.wasm",
            "__wasm_split.Xk3_9aZQ-0bP1cDeFgHiJk.js",
            "my.lib.Xk3_9aZQ-0bP1cDeFgHiJk.js",
        ] {
            assert_eq!(
                asset_cache_control(name),
                "public, max-age=31536000, immutable",
                "{name}"
            );
        }
        for name in [
            "usher.js",
            "usher.wasm",
            "usher_bg.wasm",
            "usher.css",
            "other.css",
            "",
            "usher",
            // 21 and 23 characters.
            "usher.Xk3_9aZQ-0bP1cDeFgHiJ.wasm",
            "usher.Xk3_9aZQ-0bP1cDeFgHiJkL.wasm",
            // Not base64url.
            "usher.Xk3_9aZQ+0bP1cDeFgHiJk.wasm",
            "usher.Xk3_9aZQ/0bP1cDeFgHiJk.wasm",
            "usher.Xk3_9aZQ=0bP1cDeFgHiJk.wasm",
            // No stem, no extension, or the hash is the stem or the extension.
            ".Xk3_9aZQ-0bP1cDeFgHiJk.wasm",
            "usher.Xk3_9aZQ-0bP1cDeFgHiJk.",
            "usher.Xk3_9aZQ-0bP1cDeFgHiJk",
            "Xk3_9aZQ-0bP1cDeFgHiJk.wasm",
            // The hash not just before the extension.
            "usher.Xk3_9aZQ-0bP1cDeFgHiJk.min.js",
            // cargo-leptos's placeholder for a name it has not hashed.
            "__wasm_split.______________________.js",
        ] {
            assert_eq!(asset_cache_control(name), "no-cache", "{name}");
        }
    }

    #[test]
    fn a_page_without_wasm_runs_only_its_nonce_script() {
        let csp = page_csp("abc123", false);
        assert!(csp.contains("script-src 'nonce-abc123';"), "{csp}");
        assert!(!csp.contains("wasm-unsafe-eval"), "{csp}");
        assert!(csp.contains("connect-src 'none'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn the_page_policy_carries_the_nonce_and_forbids_inline_and_framing() {
        let csp = page_csp("abc123", true);
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(NON_PAGE_CSP.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn form_errors_are_read_and_removed_from_queries() {
        let q = "next=%2Fadmin&__path=%2Fapi%2Fauth%2Flogin&__err=eyJh%3D%3D";
        assert_eq!(form_error(q).as_deref(), Some("eyJh=="));
        assert_eq!(form_error("next=1"), None);
        assert_eq!(without_form_error("/login", q), "/login?next=%2Fadmin");
        assert_eq!(without_form_error("/login", "__err=x&__path=y"), "/login");
        assert_eq!(without_form_error("/x", "a=1&&__err=2&b=3"), "/x?a=1&b=3");
    }

    #[test]
    fn form_action_allows_self_and_the_redirect_origins() {
        let csp = with_form_action(
            "default-src 'self'",
            &[
                "https://apps.example.com/start?x=1".into(),
                "http://localhost:8080/".into(),
                "/local/path".into(),
                "https://apps.example.com/other".into(),
            ],
        );
        assert_eq!(
            csp,
            "default-src 'self'; form-action 'self' https://apps.example.com http://localhost:8080"
        );
        assert_eq!(with_form_action("x", &[]), "x; form-action 'self'");
        let csp = page_csp("n", false);
        assert_eq!(with_img_src(&csp, None), csp);
        assert_eq!(with_img_src(&csp, Some("/static/logo.png")), csp);
        let branded = with_img_src(&csp, Some("https://CDN.example.com:443/logo.svg"));
        assert!(
            branded.contains("; img-src 'self' data: https://cdn.example.com; "),
            "{branded}"
        );
        assert_eq!(branded.len(), csp.len() + " https://cdn.example.com".len());
        // A host that would smuggle a directive in is left out of both.
        for evil in [
            "https://a.com;script-src/x.png",
            "https://a.com,b.com/x.png",
        ] {
            assert_eq!(with_img_src(&csp, Some(evil)), csp, "{evil}");
            assert_eq!(
                with_form_action("x", &[evil.into()]),
                "x; form-action 'self'"
            );
        }
        assert!(with_img_src(&csp, Some("http://[::1]:8080/l.png"))
            .contains("img-src 'self' data: http://[::1]:8080;"));
    }
}
