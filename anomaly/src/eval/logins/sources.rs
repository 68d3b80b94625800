//! Where ordinary logins come from: the office, home, a carrier.

use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::emit::Source;
use super::world::{Tenant, User, mobile_city, v4_host, v6_host};

/// Share of logins from a browser the auth service does not recognise.
const UNRECOGNISED_DEVICE_RATIO: f64 = 0.02;

/// The office NAT, the office's location, the user's laptop.
pub(super) fn office_source(rng: &mut StdRng, tenant: &Tenant, user: &User) -> Source {
    Source {
        ip: *tenant.office_ips.choose(rng).unwrap_or(&user.home_v4),
        city: tenant.office,
        device: device(rng, user.devices.first()),
    }
}

/// The household's address (IPv6 where it has it), any of the user's
/// devices.
pub(super) fn home_source(rng: &mut StdRng, user: &User) -> Source {
    let ip = match user.home_v6 {
        Some(prefix) if rng.random_bool(0.6) => v6_host(prefix, rng),
        _ => user.home_v4,
    };
    let chosen = user.devices.choose(rng);
    Source {
        ip,
        city: user.city,
        device: device(rng, chosen),
    }
}

/// A carrier's shared address, located at a gateway city nearby, the
/// user's phone.
pub(super) fn mobile_source(rng: &mut StdRng, tenant: &Tenant, user: &User) -> Source {
    let ip = match tenant.mobile_networks.choose(rng) {
        Some(prefix) => v4_host(*prefix, rng),
        None => user.home_v4,
    };
    Source {
        ip,
        city: mobile_city(user.city, rng),
        device: device(rng, user.devices.last()),
    }
}

fn device(rng: &mut StdRng, device: Option<&String>) -> Option<String> {
    if rng.random_bool(UNRECOGNISED_DEVICE_RATIO) {
        return None;
    }
    device.cloned()
}
