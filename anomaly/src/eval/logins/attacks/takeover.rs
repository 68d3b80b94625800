//! Takeover attacks: impossible travel, a new device after failures, MFA
//! fatigue.

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::MfaOutcome;
use rand::RngExt;
use rand::seq::IndexedRandom;

use super::{Ctx, mfa_for};
use crate::AlertKind;
use crate::eval::logins::world::{ATTACKER_CITIES, City, Tenant, User, cities_in, v4_host};
use crate::logins::distance_km;

/// How much faster than the detector's limit a labelled impossible trip
/// must be, so that labels are unambiguous whatever the limit's rounding.
const IMPOSSIBLE_SPEED_KMH: f64 = 1500.0;

/// How many victims are tried before an attack of a kind is skipped: some
/// users log in too rarely to have the history an attack needs.
const VICTIM_TRIES: usize = 50;

/// An eligible victim with an ordinary success after the warm-up, and
/// that success.
fn victim_with_success(
    cx: &mut Ctx<'_>,
    eligible: fn(&User) -> bool,
) -> Option<(Tenant, User, DateTime<Utc>, City)> {
    for _ in 0..VICTIM_TRIES {
        let Some((tenant, user)) = cx.victim() else {
            continue;
        };
        if !eligible(user) {
            continue;
        }
        let (tenant, user) = (tenant.clone(), user.clone());
        let earliest = cx.calendar.attack_window().0;
        let Some(successes) = cx.history.get(&user.id) else {
            continue;
        };
        let candidates: Vec<&(DateTime<Utc>, City)> =
            successes.iter().filter(|(ts, _)| *ts >= earliest).collect();
        if successes.len() >= 3 {
            if let Some((ts, city)) = candidates.choose(cx.rng) {
                return Some((tenant, user, *ts, *city));
            }
        }
    }
    None
}

/// A success from far abroad within hours of the victim's own.
pub(super) fn impossible_travel(cx: &mut Ctx<'_>) {
    let Some((tenant, user, own_at, own_city)) = victim_with_success(cx, |_| true) else {
        return;
    };
    let minutes = cx.rng.random_range(10..300);
    let hours = f64::from(minutes) / 60.0;
    let far: Vec<City> = ATTACKER_CITIES
        .iter()
        .copied()
        .filter(|c| {
            distance_km(c.lat, c.lon, own_city.lat, own_city.lon) / hours > IMPOSSIBLE_SPEED_KMH
        })
        .collect();
    let Some(city) = far.choose(cx.rng).copied() else {
        return;
    };
    let (mut source, _) = cx.attacker();
    source.city = city;

    let at = own_at + TimeDelta::minutes(i64::from(minutes));
    cx.out
        .success(&tenant.id, &user.id, at, &source, mfa_for(&user));
    let mut last = at;
    if cx.rng.random_bool(0.3) {
        last = at + TimeDelta::minutes(cx.rng.random_range(30..180));
        cx.out
            .success(&tenant.id, &user.id, last, &source, mfa_for(&user));
    }
    cx.label(
        AlertKind::LoginImpossibleTravel,
        &tenant,
        Some(&user.id),
        None,
        (at, last),
    );
}

/// A few failed passwords from abroad, then a success from the attacker's
/// own device there.
pub(super) fn new_device_after_failures(cx: &mut Ctx<'_>) {
    let Some((tenant, user, own_at, _)) = victim_with_success(cx, |_| true) else {
        return;
    };
    let (mut source, _) = cx.attacker();
    source.device = Some(format!("atk-{}", cx.rng.random::<u32>()));
    let start = own_at + TimeDelta::minutes(cx.rng.random_range(60..2880));

    let mut at = start;
    for _ in 0..cx.rng.random_range(2..=6) {
        cx.out
            .failure(&tenant.id, &user.id, at, &source, "bad_password", None);
        at += TimeDelta::seconds(cx.rng.random_range(10..900));
    }
    cx.out
        .success(&tenant.id, &user.id, at, &source, mfa_for(&user));
    let label = AlertKind::LoginNewDeviceAfterFailures;
    cx.label(label, &tenant, Some(&user.id), None, (start, at));
}

/// Push prompts denied or ignored until the victim accepts one; the
/// attacker sits abroad or behind a proxy in the victim's country.
pub(super) fn mfa_fatigue(cx: &mut Ctx<'_>) {
    let Some((tenant, user, own_at, own_city)) = victim_with_success(cx, |user| user.mfa) else {
        return;
    };
    let (mut source, _) = cx.attacker();
    source.device = Some(format!("atk-{}", cx.rng.random::<u32>()));
    if cx.rng.random_bool(0.5) {
        source.city = *cities_in(own_city.country)
            .choose(cx.rng)
            .unwrap_or(&own_city);
        source.ip = v4_host(cx.book.fresh_v4(cx.rng), cx.rng);
    }
    let start = own_at + TimeDelta::minutes(cx.rng.random_range(60..2880));

    let mut at = start;
    for _ in 0..cx.rng.random_range(3..=15) {
        let outcome = if cx.rng.random_bool(0.5) {
            MfaOutcome::Denied
        } else {
            MfaOutcome::TimedOut
        };
        cx.out.failure(
            &tenant.id,
            &user.id,
            at,
            &source,
            "mfa_failed",
            Some(outcome),
        );
        at += TimeDelta::seconds(cx.rng.random_range(15..240));
    }
    cx.out
        .success(&tenant.id, &user.id, at, &source, Some(MfaOutcome::Passed));
    cx.label(
        AlertKind::LoginMfaFatigue,
        &tenant,
        Some(&user.id),
        None,
        (start, at),
    );
}
