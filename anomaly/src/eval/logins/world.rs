//! The generated world: places, tenants, their users, and the networks
//! they log in from.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::logins::distance_km;

/// A city logins can be located in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct City {
    pub(super) country: &'static str,
    pub(super) name: &'static str,
    pub(super) lat: f64,
    pub(super) lon: f64,
}

const fn city(country: &'static str, name: &'static str, lat: f64, lon: f64) -> City {
    City {
        country,
        name,
        lat,
        lon,
    }
}

/// Where tenants and their users live.
pub(super) const HOME_CITIES: &[City] = &[
    city("DE", "Berlin", 52.52, 13.405),
    city("DE", "Potsdam", 52.39, 13.06),
    city("DE", "Leipzig", 51.34, 12.37),
    city("DE", "Hamburg", 53.55, 9.99),
    city("DE", "Munich", 48.14, 11.58),
    city("DE", "Frankfurt", 50.11, 8.68),
    city("DE", "Cologne", 50.94, 6.96),
    city("GB", "London", 51.51, -0.13),
    city("GB", "Birmingham", 52.49, -1.89),
    city("GB", "Manchester", 53.48, -2.24),
    city("GB", "Leeds", 53.80, -1.55),
    city("NL", "Amsterdam", 52.37, 4.90),
    city("NL", "Rotterdam", 51.92, 4.48),
    city("NL", "Utrecht", 52.09, 5.12),
    city("US", "New York", 40.71, -74.01),
    city("US", "Boston", 42.36, -71.06),
    city("US", "Philadelphia", 39.95, -75.17),
];

/// Where travellers fly to; no tenant lives there.
pub(super) const TRAVEL_CITIES: &[City] = &[
    city("ES", "Barcelona", 41.39, 2.17),
    city("PT", "Lisbon", 38.72, -9.14),
    city("IT", "Rome", 41.90, 12.50),
    city("JP", "Tokyo", 35.68, 139.69),
    city("SG", "Singapore", 1.35, 103.82),
    city("AE", "Dubai", 25.20, 55.27),
    city("CA", "Toronto", 43.65, -79.38),
    city("ZA", "Cape Town", -33.92, 18.42),
    city("MX", "Mexico City", 19.43, -99.13),
];

/// Where attackers' addresses are located; no user lives or travels there.
pub(super) const ATTACKER_CITIES: &[City] = &[
    city("NG", "Lagos", 6.52, 3.38),
    city("RU", "Moscow", 55.76, 37.62),
    city("BR", "Sao Paulo", -23.55, -46.63),
    city("VN", "Ho Chi Minh City", 10.82, 106.63),
    city("ID", "Jakarta", -6.21, 106.85),
    city("RO", "Bucharest", 44.43, 26.10),
    city("CN", "Beijing", 39.90, 116.40),
    city("IN", "Mumbai", 19.08, 72.88),
    city("VE", "Caracas", 10.49, -66.88),
];

/// How far a mobile address may be geolocated from its user, in km: a
/// carrier's gateway is in a nearby big city, not necessarily the user's.
const MOBILE_GEO_RADIUS_KM: f64 = 350.0;

/// The cities of a country.
pub(super) fn cities_in(country: &str) -> Vec<City> {
    HOME_CITIES
        .iter()
        .copied()
        .filter(|c| c.country == country)
        .collect()
}

/// A city near `home` where a carrier might locate a mobile address.
pub(super) fn mobile_city(home: City, rng: &mut StdRng) -> City {
    let near: Vec<City> = cities_in(home.country)
        .into_iter()
        .filter(|c| distance_km(c.lat, c.lon, home.lat, home.lon) <= MOBILE_GEO_RADIUS_KM)
        .collect();
    near.choose(rng).copied().unwrap_or(home)
}

/// Hands out /24 networks and /64 prefixes no one else uses, so that
/// attackers, offices and households never share a block by accident.
#[derive(Debug, Default)]
pub(super) struct AddressBook {
    used: HashSet<[u8; 3]>,
    next_v6: u16,
}

impl AddressBook {
    /// A fresh IPv4 /24, as its first three octets.
    pub(super) fn fresh_v4(&mut self, rng: &mut StdRng) -> [u8; 3] {
        loop {
            let prefix = [rng.random_range(11..=223), rng.random(), rng.random()];
            if prefix[0] != 127 && self.used.insert(prefix) {
                return prefix;
            }
        }
    }

    /// A fresh IPv6 /64, as its first four segments.
    pub(super) fn fresh_v6(&mut self, rng: &mut StdRng) -> [u16; 4] {
        self.next_v6 = self.next_v6.wrapping_add(1);
        [0x2a02, rng.random(), rng.random(), self.next_v6]
    }
}

/// A host in an IPv4 /24.
pub(super) fn v4_host(prefix: [u8; 3], rng: &mut StdRng) -> IpAddr {
    let [a, b, c] = prefix;
    IpAddr::V4(Ipv4Addr::new(a, b, c, rng.random_range(1..=254)))
}

/// A host in an IPv6 /64 with a random interface id, as privacy
/// extensions give.
pub(super) fn v6_host(prefix: [u16; 4], rng: &mut StdRng) -> IpAddr {
    let [a, b, c, d] = prefix;
    IpAddr::V6(Ipv6Addr::new(
        a,
        b,
        c,
        d,
        rng.random(),
        rng.random(),
        rng.random(),
        rng.random(),
    ))
}

/// The CIDR text of an IPv4 /24.
pub(super) fn v4_cidr(prefix: [u8; 3]) -> String {
    let [a, b, c] = prefix;
    format!("{a}.{b}.{c}.0/24")
}

/// A platform user.
#[derive(Debug, Clone)]
pub(super) struct User {
    pub(super) id: String,
    /// Staff log in from the office on working days; residents now and then
    /// from home or their phone.
    pub(super) staff: bool,
    pub(super) city: City,
    pub(super) home_v4: IpAddr,
    /// A household with IPv6 uses it for some logins.
    pub(super) home_v6: Option<[u16; 4]>,
    /// The first is the laptop, the last the phone.
    pub(super) devices: Vec<String>,
    pub(super) mfa: bool,
}

/// A customer of the platform.
#[derive(Debug, Clone)]
pub(super) struct Tenant {
    pub(super) id: String,
    pub(super) office: City,
    pub(super) office_ips: Vec<IpAddr>,
    /// The carriers' shared /24s in the tenant's country.
    pub(super) mobile_networks: Vec<[u8; 3]>,
    /// Hours to add to UTC for local time.
    pub(super) utc_offset_hours: i64,
    pub(super) users: Vec<User>,
}
