//! Who the client is behind reverse proxies: the address that limits, the usage ledger and logs count.
//!
//! A TCP peer listed in `USHER_TRUSTED_PROXIES` may tell Usher the client's address, in exactly one
//! header, the one the operator names (`USHER_FORWARDED_HEADER`): the de-facto `X-Forwarded-For` (the
//! default) or `Forwarded` (RFC 7239 §4, `for=`). The other is ignored: nginx's usual
//! `$proxy_add_x_forwarded_for` and Traefik append to `X-Forwarded-For` but pass a client's own
//! `Forwarded` through untouched, so reading both would let any client pick its address (issue 35).
//! Each proxy appends the address it received from, so the list is read from the right: hops that are
//! trusted proxies are skipped and the first one that is not is the client. Anything to its left was
//! written by the client itself and is never believed. A peer that is not trusted is the client, whatever
//! headers it sends (otherwise anyone could pick their own rate-limit bucket).

use ipnet::IpNet;
use std::net::IpAddr;

/// A list of trusted proxy networks that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadProxyList(pub String);

impl BadProxyList {
    /// This error's message in `l` (the catalogue's `err-client-bad-proxy-list` key); its `Display`
    /// is the English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        t!(
            l,
            "err-client-bad-proxy-list",
            value = format!("{:?}", self.0)
        )
    }
}

impl std::fmt::Display for BadProxyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for BadProxyList {}

/// The one header a trusted proxy tells the client's address in (`USHER_FORWARDED_HEADER`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, …` (nginx `$proxy_add_x_forwarded_for`, Caddy, Traefik).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239), for proxies that write it and drop the client's.
    Forwarded,
}

impl ForwardedHeader {
    /// The header's name, lower case.
    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        }
    }
}

impl std::str::FromStr for ForwardedHeader {
    type Err = String;

    /// `x-forwarded-for` or `forwarded`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => Err(format!(
                "USHER_FORWARDED_HEADER: {other:?} is neither x-forwarded-for nor forwarded"
            )),
        }
    }
}

/// The trusted networks wider than one site's proxies usually need (an IPv4 network wider than /24, an
/// IPv6 one wider than /64): every address in them may say who the client is, so the start-up warns.
pub fn wide_networks(trusted: &[IpNet]) -> Vec<IpNet> {
    trusted
        .iter()
        .filter(|n| match n {
            IpNet::V4(v4) => v4.prefix_len() < 24,
            IpNet::V6(v6) => v6.prefix_len() < 64,
        })
        .copied()
        .collect()
}

/// Parses `USHER_TRUSTED_PROXIES`: CIDR networks or single addresses (a /32 or /128), separated by commas
/// or white space, e.g. `"127.0.0.1, 10.0.0.0/8 fd00::/8"`. Empty text is an empty list.
///
/// # Errors
/// [`BadProxyList`] naming the first entry that is neither.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<IpNet>, BadProxyList> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map(|n| n.trunc())
                .map_err(|_| BadProxyList(s.to_owned()))
        })
        .collect()
}

/// The client's address for a request that came from `peer`, given the value of the one forwarding
/// header `header` names (each repeated header joined by `,`, as RFC 9110 §5.3 allows); the caller never
/// reads the other.
///
/// Only when `peer` is in `trusted` is the header read. Walking the hops from the right, trusted ones
/// are skipped; the first untrusted hop is the client. A hop that is no address (`unknown`, an obfuscated `_name`, garbage) ends the walk at
/// the last trusted address before it, since nothing to its left can be trusted. When every hop is
/// trusted the leftmost is the client.
pub fn client_address(
    peer: IpAddr,
    header: ForwardedHeader,
    value: Option<&str>,
    trusted: &[IpNet],
) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(&ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<Option<IpAddr>> = match (header, value) {
        (_, None) => return peer,
        (ForwardedHeader::Forwarded, Some(f)) => forwarded_for_hops(f),
        (ForwardedHeader::XForwardedFor, Some(x)) => x.split(',').map(parse_hop).collect(),
    };
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop {
            Some(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// The `for=` value of each element of a `Forwarded` header (RFC 7239 §4), left to right; an element
/// without `for=` counts as a hop that is no address.
fn forwarded_for_hops(value: &str) -> Vec<Option<IpAddr>> {
    split_unquoted(value, ',')
        .into_iter()
        .map(|element| {
            split_unquoted(element, ';').into_iter().find_map(|pair| {
                let (name, v) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| v.trim().trim_matches('"'))
            })
        })
        .map(|v| v.and_then(parse_hop))
        .collect()
}

/// Splits on `sep` outside double-quoted strings (RFC 9110 §5.6.4).
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// One hop: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    let host = if let Some(rest) = hop.strip_prefix('[') {
        rest.split_once(']')?.0
    } else {
        hop.rsplit_once(':')?.0
    };
    host.parse::<IpAddr>().ok().map(canonical)
}

/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const X: ForwardedHeader = ForwardedHeader::XForwardedFor;
    const F: ForwardedHeader = ForwardedHeader::Forwarded;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(s: &str) -> Vec<IpNet> {
        parse_trusted_proxies(s).unwrap()
    }

    #[test]
    fn proxy_lists_take_networks_and_addresses() {
        assert_eq!(
            nets("127.0.0.1, 10.0.0.0/8  fd00::/8,::1"),
            vec![
                "127.0.0.1/32".parse().unwrap(),
                "10.0.0.0/8".parse().unwrap(),
                "fd00::/8".parse().unwrap(),
                "::1/128".parse().unwrap(),
            ]
        );
        assert_eq!(nets("10.1.2.3/8"), vec!["10.0.0.0/8".parse().unwrap()]);
        assert!(nets(" ").is_empty());
        assert_eq!(
            parse_trusted_proxies("10.0.0.0/8, nginx"),
            Err(BadProxyList("nginx".into()))
        );
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let trusted = nets("10.0.0.0/8");
        let peer = ip("203.0.113.9");
        for (h, v) in [(F, "for=198.51.100.1"), (X, "198.51.100.2")] {
            assert_eq!(client_address(peer, h, Some(v), &trusted), peer);
        }
        assert_eq!(client_address(peer, X, Some("198.51.100.2"), &[]), peer);
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets("10.0.0.0/8");
        let proxy = ip("10.0.0.2");
        // The client wrote "1.1.1.1" itself; nginx appended the address it saw.
        assert_eq!(
            client_address(proxy, X, Some("1.1.1.1, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // Two proxies in a row: the inner one is trusted too and is skipped.
        assert_eq!(
            client_address(proxy, X, Some("1.1.1.1, 198.51.100.7, 10.0.0.5"), &trusted),
            ip("198.51.100.7")
        );
        // No header: the proxy itself.
        assert_eq!(client_address(proxy, X, None, &trusted), proxy);
        // Every hop trusted: the leftmost.
        assert_eq!(
            client_address(proxy, X, Some("10.9.9.9, 10.0.0.5"), &trusted),
            ip("10.9.9.9")
        );
    }

    #[test]
    fn forwarded_is_read_per_rfc_7239_when_the_operator_names_it() {
        let trusted = nets("10.0.0.0/8");
        let proxy = ip("10.0.0.2");
        assert_eq!(
            client_address(
                proxy,
                F,
                Some("for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\""),
                &trusted
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            client_address(proxy, F, Some("For=\"192.0.2.43:47011\""), &trusted),
            ip("192.0.2.43")
        );
        // A quoted comma does not split elements.
        assert_eq!(
            client_address(proxy, F, Some("for=192.0.2.1;x=\"a,b\""), &trusted),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn the_header_is_named_by_the_operator_and_wide_networks_are_flagged() {
        assert_eq!("X-Forwarded-For".parse(), Ok(X));
        assert_eq!(" forwarded ".parse(), Ok(F));
        assert!("x-real-ip".parse::<ForwardedHeader>().is_err());
        assert_eq!(ForwardedHeader::default(), X);
        assert_eq!(
            wide_networks(&nets(
                "127.0.0.1, 10.0.0.0/8, 192.168.1.0/24, fd00::/8, 2001:db8::/64"
            )),
            nets("10.0.0.0/8, fd00::/8")
        );
    }

    #[test]
    fn a_hop_that_is_no_address_stops_the_walk_at_the_last_trusted_one() {
        let trusted = nets("10.0.0.0/8");
        let proxy = ip("10.0.0.2");
        assert_eq!(
            client_address(proxy, F, Some("for=unknown, for=10.0.0.7"), &trusted),
            ip("10.0.0.7")
        );
        assert_eq!(
            client_address(proxy, X, Some("198.51.100.7, garbage"), &trusted),
            proxy
        );
        assert_eq!(
            client_address(proxy, F, Some("proto=https"), &trusted),
            proxy
        );
    }

    #[test]
    fn mapped_addresses_count_as_ipv4() {
        let trusted = nets("127.0.0.1");
        assert_eq!(
            client_address(
                ip("::ffff:127.0.0.1"),
                X,
                Some("::ffff:192.0.2.5"),
                &trusted
            ),
            ip("192.0.2.5")
        );
    }
}
