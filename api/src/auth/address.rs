//! The client's address: the peer's, or behind trusted proxies the
//! right-most `X-Forwarded-For` entry they did not add themselves.

use std::net::IpAddr;

use ipnet::IpNet;

use super::api_key::canonical;

/// The address requests are rate-limited and allowlisted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// Works out the client's address. Entries are read from the right because
/// only those appended by trusted proxies can be believed; anything to the
/// left of the first untrusted hop was written by the client itself.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |a: &IpAddr| trusted.iter().any(|net| net.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut nearest = peer;
    for entry in header.rsplit(',') {
        let Ok(hop) = entry.trim().parse::<IpAddr>() else {
            // A garbled hop ends what can be believed.
            return nearest;
        };
        let hop = canonical(hop);
        if !is_trusted(&hop) {
            return hop;
        }
        nearest = hop;
    }
    nearest
}
