//! Who is on the other end of a request: the client's address, from the
//! socket or — behind trusted proxies — from `X-Forwarded-For`, and the key
//! under which rate limits count it.
//!
//! A proxy appends the address it received the request from to whatever
//! `X-Forwarded-For` the client sent, so only the entries our own proxies
//! added can be believed: with `hops` trusted proxies in front of the
//! server, the client is the `hops`-th entry from the right. Everything to
//! its left was written by the client and is ignored.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use http::HeaderMap;

/// How the server sits behind proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyPolicy {
    /// Believe `X-Forwarded-For` at all (only behind a proxy that sets it).
    pub trust: bool,
    /// How many proxies of ours add an entry (1: one reverse proxy).
    pub hops: usize,
}

impl Default for ProxyPolicy {
    fn default() -> Self {
        ProxyPolicy {
            trust: false,
            hops: 1,
        }
    }
}

/// The client's address: the socket peer, or the right-most entry of
/// `X-Forwarded-For` that our own proxies wrote. When the header is missing,
/// too short or not an address, the peer is used (never a client's claim).
pub fn client_addr(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    policy: ProxyPolicy,
) -> Option<IpAddr> {
    let peer_ip = peer.map(|p| canonical(p.ip()));
    if !policy.trust || policy.hops == 0 {
        return peer_ip;
    }
    // Several header lines count as one list, in order.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    entries
        .len()
        .checked_sub(policy.hops)
        .and_then(|i| parse_entry(entries[i]))
        .map(canonical)
        .or(peer_ip)
}

/// An entry of `X-Forwarded-For`: `1.2.3.4`, `2001:db8::1`, and the forms
/// with a port some proxies write (`1.2.3.4:5678`, `[2001:db8::1]:5678`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// IPv4 addresses that arrive mapped into IPv6 are IPv4 addresses.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The key rate limits count an address under: an IPv4 address as it is,
/// an IPv6 address by its /64 (one subscriber usually holds a whole /64,
/// so counting single addresses would give them unlimited tries).
pub fn limit_key(addr: Option<IpAddr>) -> String {
    match addr {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn peer() -> Option<SocketAddr> {
        Some("10.0.0.2:4000".parse().unwrap())
    }

    const BEHIND_ONE: ProxyPolicy = ProxyPolicy {
        trust: true,
        hops: 1,
    };

    #[test]
    fn without_trust_the_socket_peer_is_the_client() {
        let h = headers(&["198.51.100.7"]);
        let ip = client_addr(&h, peer(), ProxyPolicy::default());
        assert_eq!(ip, Some("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn the_entry_our_proxy_added_wins_over_what_the_client_wrote() {
        // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real address.
        let h = headers(&["1.1.1.1, 203.0.113.9"]);
        assert_eq!(
            client_addr(&h, peer(), BEHIND_ONE),
            Some("203.0.113.9".parse().unwrap())
        );
        // Two proxies: the client is second from the right.
        let two = ProxyPolicy {
            trust: true,
            hops: 2,
        };
        let h = headers(&["1.1.1.1, 203.0.113.9, 10.0.0.1"]);
        assert_eq!(
            client_addr(&h, peer(), two),
            Some("203.0.113.9".parse().unwrap())
        );
        // Separate header lines are one list.
        let h = headers(&["1.1.1.1", "203.0.113.9"]);
        assert_eq!(
            client_addr(&h, peer(), BEHIND_ONE),
            Some("203.0.113.9".parse().unwrap())
        );
    }

    #[test]
    fn missing_short_or_garbled_headers_fall_back_to_the_peer() {
        let fallback = Some("10.0.0.2".parse().unwrap());
        assert_eq!(client_addr(&headers(&[]), peer(), BEHIND_ONE), fallback);
        let two = ProxyPolicy {
            trust: true,
            hops: 2,
        };
        assert_eq!(
            client_addr(&headers(&["203.0.113.9"]), peer(), two),
            fallback
        );
        assert_eq!(
            client_addr(&headers(&["1.1.1.1, not-an-address"]), peer(), BEHIND_ONE),
            fallback
        );
    }

    #[test]
    fn ports_and_mapped_addresses_are_understood() {
        let h = headers(&["198.51.100.7:5555"]);
        assert_eq!(
            client_addr(&h, peer(), BEHIND_ONE),
            Some("198.51.100.7".parse().unwrap())
        );
        let h = headers(&["[2001:db8::1]:443"]);
        assert_eq!(
            client_addr(&h, peer(), BEHIND_ONE),
            Some("2001:db8::1".parse().unwrap())
        );
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:80".parse().unwrap();
        assert_eq!(
            client_addr(&HeaderMap::new(), Some(mapped), ProxyPolicy::default()),
            Some("192.0.2.1".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let a = limit_key(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = limit_key(Some("2001:db8:1:2:ffff:1:2:3".parse().unwrap()));
        let c = limit_key(Some("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(limit_key(Some("192.0.2.1".parse().unwrap())), "192.0.2.1");
        assert_eq!(limit_key(None), "unknown");
    }
}
