//! Tenants and users, drawn afresh for each seed.

use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::world::{AddressBook, City, Tenant, User, cities_in, v4_host};
use crate::logins::distance_km;

/// Each tenant's country, UTC offset in hours, and size range in users:
/// from a small landlord to a large housing company, so that thresholds
/// are met by tenants of every size.
const TENANT_SHAPES: &[(&str, i64, (usize, usize))] = &[
    ("DE", 1, (30, 80)),
    ("GB", 0, (80, 200)),
    ("NL", 1, (200, 450)),
    ("US", -5, (400, 900)),
    ("DE", 1, (1000, 2000)),
];

/// How far from the office staff live, in km: a daily commute.
const STAFF_COMMUTE_KM: f64 = 200.0;

/// Carrier /24s per tenant country: few, so that many users share them.
const MOBILE_NETWORKS_PER_TENANT: usize = 4;

/// Builds the tenants of one evaluation set.
pub(super) fn tenants(rng: &mut StdRng, book: &mut AddressBook) -> Vec<Tenant> {
    TENANT_SHAPES
        .iter()
        .enumerate()
        .map(|(index, &(country, offset, (min, max)))| {
            let size = rng.random_range(min..=max);
            tenant(rng, book, index, country, offset, size)
        })
        .collect()
}

fn tenant(
    rng: &mut StdRng,
    book: &mut AddressBook,
    index: usize,
    country: &str,
    utc_offset_hours: i64,
    size: usize,
) -> Tenant {
    let cities = cities_in(country);
    let office = *cities.first().unwrap_or(&super::world::HOME_CITIES[0]);
    let office_net = book.fresh_v4(rng);
    let office_ips = (0..rng.random_range(1..=2))
        .map(|_| v4_host(office_net, rng))
        .collect();
    let mobile_networks = (0..MOBILE_NETWORKS_PER_TENANT)
        .map(|_| book.fresh_v4(rng))
        .collect();
    let staff_ratio = rng.random_range(0.15..0.4);
    let mfa_ratio = rng.random_range(0.3..0.9);
    let id = format!("t-{index}");

    let near_office: Vec<City> = cities
        .iter()
        .copied()
        .filter(|c| distance_km(c.lat, c.lon, office.lat, office.lon) <= STAFF_COMMUTE_KM)
        .collect();
    let users = (0..size)
        .map(|n| {
            let staff = rng.random_bool(staff_ratio);
            let around = if staff { &near_office } else { &cities };
            let home = if rng.random_bool(0.6) {
                office
            } else {
                *around.choose(rng).unwrap_or(&office)
            };
            user(rng, book, format!("u-{index}-{n}"), home, staff, mfa_ratio)
        })
        .collect();
    Tenant {
        id,
        office,
        office_ips,
        mobile_networks,
        utc_offset_hours,
        users,
    }
}

fn user(
    rng: &mut StdRng,
    book: &mut AddressBook,
    id: String,
    city: City,
    staff: bool,
    mfa_ratio: f64,
) -> User {
    let devices = (0..rng.random_range(1..=3))
        .map(|k| format!("d-{id}-{k}"))
        .collect();
    let home_net = book.fresh_v4(rng);
    User {
        staff,
        city,
        home_v4: v4_host(home_net, rng),
        home_v6: rng.random_bool(0.25).then(|| book.fresh_v6(rng)),
        devices,
        mfa: rng.random_bool(mfa_ratio),
        id,
    }
}
