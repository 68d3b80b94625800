//! Which network an address belongs to.
//!
//! Attackers rotate addresses inside a block they rent, and carriers and
//! offices put many users behind neighbouring addresses, so several rules
//! count per network rather than per address.

use std::net::{IpAddr, Ipv6Addr};

/// The prefix length of an IPv4 network: what hosting providers and
/// carriers hand out as one block.
pub(crate) const IPV4_NETWORK_PREFIX_BITS: u8 = 24;

/// The prefix length of an IPv6 network: one subscriber's or one server's
/// block, inside which the host part changes freely.
pub(crate) const IPV6_NETWORK_PREFIX_BITS: u8 = 64;

/// The address in canonical form: an IPv4-mapped IPv6 address becomes the
/// IPv4 address it carries, so that one client is one address.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The network of an address in CIDR notation, such as `203.0.113.0/24`
/// or `2001:db8:1:2::/64`.
pub fn network_of(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/{IPV4_NETWORK_PREFIX_BITS}")
        }
        IpAddr::V6(v6) => {
            let [s0, s1, s2, s3, ..] = v6.segments();
            let network = Ipv6Addr::new(s0, s1, s2, s3, 0, 0, 0, 0);
            format!("{network}/{IPV6_NETWORK_PREFIX_BITS}")
        }
    }
}
