//! Webhooks' rules (issue 14 item 5): what a webhook may be ([`validate_name`], [`validate_url`],
//! [`validate_actions`]), which addresses a delivery may reach ([`is_refused_ip`], the SSRF guard), and
//! how a delivery is signed ([`sign`], the Standard Webhooks convention: <https://www.standardwebhooks.com/>).

use super::audit::Action;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The longest webhook name, characters.
pub const NAME_MAX: usize = 100;
/// The longest webhook URL, bytes.
pub const URL_MAX: usize = 2000;
/// The event type that stands for every event.
pub const ALL_ACTIONS: &str = "*";
/// The prefix of a webhook secret (Standard Webhooks: the rest is base64 of the HMAC key).
pub const SECRET_PREFIX: &str = "whsec_";

/// Why a webhook's URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute http(s) URL with a host, without user name or password (or too long).
    NotHttp,
    /// Its host is an IP address that is loopback, private, link-local or otherwise not public, and the
    /// setting that allows those is off.
    Private,
}

/// Why a webhook's name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    /// Nothing but spaces.
    Empty,
    /// Longer than [`NAME_MAX`] characters.
    TooLong,
}

/// A webhook's name, trimmed: 1 to [`NAME_MAX`] characters.
///
/// # Errors
/// [`NameError`].
pub fn validate_name(name: &str) -> Result<String, NameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > NAME_MAX {
        return Err(NameError::TooLong);
    }
    Ok(name.to_owned())
}

/// A webhook's URL, parsed: absolute `http` or `https` with a host and no user info, at most
/// [`URL_MAX`] bytes; an IP-literal host that [`is_refused_ip`] is refused unless `allow_private`. (A
/// host name is checked when a delivery resolves it.) Returns the URL as the `url` crate writes it.
///
/// # Errors
/// [`UrlError`].
pub fn validate_url(text: &str, allow_private: bool) -> Result<String, UrlError> {
    let url = parse_url(text)?;
    if !allow_private {
        if let Some(ip) = literal_ip(&url) {
            if is_refused_ip(ip) {
                return Err(UrlError::Private);
            }
        }
    }
    Ok(url.to_string())
}

/// `text` as an absolute http(s) URL with a host and no user info.
///
/// # Errors
/// [`UrlError::NotHttp`].
pub fn parse_url(text: &str) -> Result<url::Url, UrlError> {
    let text = text.trim();
    if text.len() > URL_MAX {
        return Err(UrlError::NotHttp);
    }
    let url = url::Url::parse(text).map_err(|_| UrlError::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(UrlError::NotHttp);
    }
    Ok(url)
}

/// The IP address a URL's host is written as, if it is one.
pub fn literal_ip(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(a) => Some(IpAddr::V4(a)),
        url::Host::Ipv6(a) => Some(IpAddr::V6(a)),
        url::Host::Domain(_) => None,
    }
}

/// The event types a webhook receives: each an audit action name ([`Action::as_str`]) or
/// [`ALL_ACTIONS`]; none given, or `*` among them, means every event (then only `*` is kept). Sorted,
/// each once.
///
/// # Errors
/// The first unknown name.
pub fn validate_actions(actions: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        let a = a.trim();
        if a == ALL_ACTIONS {
            return Ok(vec![ALL_ACTIONS.to_owned()]);
        }
        if Action::parse(a).is_none() {
            return Err(a.to_owned());
        }
        if !out.iter().any(|o| o == a) {
            out.push(a.to_owned());
        }
    }
    if out.is_empty() {
        return Ok(vec![ALL_ACTIONS.to_owned()]);
    }
    out.sort();
    Ok(out)
}

/// Whether a delivery may not reach `ip` unless private addresses are allowed: loopback, private
/// (10/8, 172.16/12, 192.168/16), shared (CGNAT 100.64/10), link-local (169.254/16, fe80::/10),
/// unspecified, multicast, broadcast, "this network" (0/8), benchmarking (198.18/15), documentation
/// and reserved (240/4) ranges, IPv6 unique-local (fc00::/7), and an IPv4-mapped, -compatible or
/// NAT64 (64:ff9b::/96) IPv6 address of any refused IPv4 one.
pub fn is_refused_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_refused_v4(v4),
        IpAddr::V6(v6) => is_refused_v6(v6),
    }
}

fn is_refused_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
}

fn is_refused_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_refused_v4(v4);
    }
    // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) carry an IPv4 address too.
    if s[..6] == [0, 0, 0, 0, 0, 0] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return ip.is_loopback() || ip.is_unspecified() || is_refused_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] == 0x2001 && s[1] == 0x0db8)
}

/// The Standard Webhooks signature header value of a message: `v1,` and base64 of
/// HMAC-SHA256(key, `"{id}.{timestamp}.{body}"`), where the key is the base64 after `whsec_` in
/// `secret`; `None` when `secret` is not `whsec_` and base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", b64.encode(mac.finalize().into_bytes())))
}

/// A new secret: `whsec_` and base64 of 32 random bytes.
pub fn new_secret() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_to_a_hundred_characters() {
        assert_eq!(validate_name("  CRM  "), Ok("CRM".to_owned()));
        assert_eq!(validate_name("   "), Err(NameError::Empty));
        assert!(validate_name(&"é".repeat(100)).is_ok());
        assert_eq!(validate_name(&"é".repeat(101)), Err(NameError::TooLong));
    }

    #[test]
    fn urls_are_absolute_http_with_a_host_and_no_user() {
        assert_eq!(
            validate_url("https://hooks.example.com/usher", false),
            Ok("https://hooks.example.com/usher".to_owned())
        );
        assert!(validate_url("http://hooks.example.com:8080/x?y=1", false).is_ok());
        for bad in [
            "ftp://example.com/",
            "example.com/hook",
            "/hook",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "",
        ] {
            assert_eq!(validate_url(bad, true), Err(UrlError::NotHttp), "{bad}");
        }
    }

    #[test]
    fn private_ip_literals_are_refused_unless_allowed() {
        for bad in [
            "http://127.0.0.1:9000/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00::1]/",
            "http://0.0.0.0/",
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            assert_eq!(validate_url(bad, false), Err(UrlError::Private), "{bad}");
            assert!(validate_url(bad, true).is_ok(), "{bad}");
        }
        assert!(validate_url("http://93.184.215.14/", false).is_ok());
        assert!(validate_url("http://[2606:4700::1111]/", false).is_ok());
    }

    #[test]
    fn the_ssrf_guard_refuses_every_non_public_range() {
        let refused = [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "198.18.0.1",
            "240.0.0.1",
            "192.0.0.8",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fdff::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ];
        for ip in refused {
            assert!(is_refused_ip(ip.parse().unwrap()), "{ip}");
        }
        let allowed = [
            "93.184.215.14",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::101:101",
        ];
        for ip in allowed {
            assert!(!is_refused_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn actions_are_known_names_or_all() {
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            validate_actions(&v(&["model_created", "invitation_used", "model_created"])),
            Ok(v(&["invitation_used", "model_created"]))
        );
        assert_eq!(validate_actions(&v(&[])), Ok(v(&["*"])));
        assert_eq!(validate_actions(&v(&["model_created", "*"])), Ok(v(&["*"])));
        assert_eq!(
            validate_actions(&v(&["model_created", "nope"])),
            Err("nope".to_owned())
        );
    }

    /// The vector is computed independently with Python's hmac, hashlib and base64:
    /// `base64.b64encode(hmac.new(base64.b64decode(key), f"{id}.{ts}.{body}".encode(),
    /// hashlib.sha256).digest())`.
    #[test]
    fn the_signature_is_standard_webhooks() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let sig = sign(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(sign("MfKQ9r8G", "x", 1, "").is_none());
        assert!(sign("whsec_***", "x", 1, "").is_none());
        let fresh = new_secret();
        assert!(fresh.starts_with("whsec_") && sign(&fresh, "x", 1, "{}").is_some());
    }
}
