//! Benign traffic that resembles an attack: real flights, a phone retrying
//! a changed password all afternoon, a new phone after a typo.

use chrono::TimeDelta;
use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::benign::session;
use super::calendar::{Busy, Calendar};
use super::emit::{Emitter, Source};
use super::sources::{home_source, mobile_source};
use super::world::{AddressBook, TRAVEL_CITIES, Tenant, User, v4_host};
use crate::logins::distance_km;

/// Share of users who take a trip by plane during the set.
const TRAVELLER_RATIO: f64 = 0.04;

/// Door-to-door speed of a trip by plane, in km/h: an airliner's 800 km/h
/// in the air, before adding hours for airports.
const FLIGHT_SPEED_KMH: f64 = 800.0;

/// Share of users with more than one device whose second device keeps an
/// old password and retries it for hours.
const STALE_DEVICE_RATIO: f64 = 0.01;

/// Share of users who start using a new phone during the set.
const NEW_PHONE_RATIO: f64 = 0.03;

/// How often a traveller mistypes on a hotel's network: higher than at home.
const TRAVEL_TYPO_RATIO: f64 = 0.2;

/// Generates the look-alikes and marks travellers busy for their trips, so
/// that ordinary traffic does not put them at home meanwhile.
pub(super) fn generate(
    rng: &mut StdRng,
    out: &mut Emitter,
    tenants: &[Tenant],
    calendar: &Calendar,
    busy: &mut Busy,
    book: &mut AddressBook,
) {
    for tenant in tenants {
        for user in &tenant.users {
            if rng.random_bool(TRAVELLER_RATIO) {
                trip(rng, out, tenant, user, calendar, busy, book);
            }
            if user.devices.len() > 1 && rng.random_bool(STALE_DEVICE_RATIO) {
                stale_device(rng, out, tenant, user, calendar, busy);
            }
            if rng.random_bool(NEW_PHONE_RATIO) {
                new_phone(rng, out, tenant, user, calendar, busy);
            }
        }
    }
}

/// Logins at home with the devices taken along, a flight, logins at the destination from hotel
/// networks with the user's own devices, a flight back, a login at home.
fn trip(
    rng: &mut StdRng,
    out: &mut Emitter,
    tenant: &Tenant,
    user: &User,
    calendar: &Calendar,
    busy: &mut Busy,
    book: &mut AddressBook,
) {
    let Some(dest) = TRAVEL_CITIES.choose(rng).copied() else {
        return;
    };
    let hours = distance_km(user.city.lat, user.city.lon, dest.lat, dest.lon) / FLIGHT_SPEED_KMH;
    let flight = minutes(hours * 60.0) + TimeDelta::minutes(rng.random_range(60..180));
    let depart_day = rng.random_range(2..calendar.days - 6);
    let depart = calendar.local(
        depart_day,
        rng.random_range(420..1080),
        tenant.utc_offset_hours,
    );

    let taken: Vec<String> = [user.devices.first(), user.devices.last()]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let evening_before = depart - TimeDelta::minutes(rng.random_range(720..1080));
    let source = Source {
        device: taken.first().cloned(),
        ..home_source(rng, user)
    };
    session(rng, out, tenant, user, evening_before, &source, 0.05);
    let before = depart - TimeDelta::minutes(rng.random_range(30..180));
    let source = Source {
        device: taken.last().cloned(),
        ..mobile_source(rng, tenant, user)
    };
    session(rng, out, tenant, user, before, &source, 0.05);

    let hotel = book.fresh_v4(rng);
    let arrive = depart + flight;
    let stay_days = rng.random_range(2..=5);
    let mut at = arrive + TimeDelta::minutes(rng.random_range(30..180));
    for _ in 0..stay_days * 2 {
        let source = Source {
            ip: v4_host(hotel, rng),
            city: dest,
            device: taken.choose(rng).cloned(),
        };
        session(rng, out, tenant, user, at, &source, TRAVEL_TYPO_RATIO);
        at += TimeDelta::minutes(rng.random_range(300..900));
    }

    let home_again = at + flight + TimeDelta::minutes(rng.random_range(60..600));
    let source = home_source(rng, user);
    session(rng, out, tenant, user, home_again, &source, 0.05);
    busy.add(
        &user.id,
        before - TimeDelta::minutes(1),
        home_again + TimeDelta::hours(1),
    );
}

/// A device the user logged in with keeps trying the old password every 10
/// to 30 minutes for hours, from home, after a password change.
fn stale_device(
    rng: &mut StdRng,
    out: &mut Emitter,
    tenant: &Tenant,
    user: &User,
    calendar: &Calendar,
    busy: &Busy,
) {
    let day = rng.random_range(5..calendar.days);
    let mut at = calendar.local(day, rng.random_range(480..1080), tenant.utc_offset_hours);
    let until = at + TimeDelta::minutes(rng.random_range(180..600));
    let last_used = at - TimeDelta::minutes(rng.random_range(1440..4320));
    if [last_used, at, until]
        .iter()
        .any(|ts| busy.is_busy(&user.id, *ts))
    {
        return;
    }
    let source = Source {
        ip: user.home_v4,
        city: user.city,
        device: user.devices.get(1).cloned(),
    };
    session(rng, out, tenant, user, last_used, &source, 0.0);
    while at < until {
        out.failure(&tenant.id, &user.id, at, &source, "bad_password", None);
        at += TimeDelta::seconds(rng.random_range(600..1800));
    }
}

/// A new phone, first used at home, often after a typo on its keyboard.
fn new_phone(
    rng: &mut StdRng,
    out: &mut Emitter,
    tenant: &Tenant,
    user: &User,
    calendar: &Calendar,
    busy: &Busy,
) {
    let day = rng.random_range(3..calendar.days);
    let at = calendar.local(day, rng.random_range(420..1380), tenant.utc_offset_hours);
    if busy.is_busy(&user.id, at) {
        return;
    }
    let source = Source {
        ip: user.home_v4,
        city: user.city,
        device: Some(format!("d-{}-new", user.id)),
    };
    session(rng, out, tenant, user, at, &source, 0.5);
}

/// Whole minutes of a duration given in minutes, at least 0 and at most a
/// million (about two years), which every generated trip stays within.
#[expect(
    clippy::cast_possible_truncation,
    reason = "the value is rounded and clamped to a range i64 holds exactly"
)]
pub(super) fn minutes(value: f64) -> TimeDelta {
    TimeDelta::minutes(value.round().clamp(0.0, 1e6) as i64)
}
