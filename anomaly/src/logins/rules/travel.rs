//! Impossible travel: two successful logins of one user further apart than
//! the fastest plausible trip between them.
//!
//! Nearby places never count (geolocation is coarse), and a jump between
//! two places the user has often logged in from is taken as routine: a
//! VPN exit, or a home and an office in two countries.
//!
//! The alert is about the login that cannot be the user. When the login
//! being checked comes from the user's own device and network and the far
//! one did not, the far one was the intruder and the moment to report it
//! has passed: it is left to the rule that saw it (or, when it had no
//! earlier login to compare with, it goes unreported: a known shortcoming
//! for users who log in rarely).

use chrono::TimeDelta;
use serde_json::json;

use super::{Context, score_over};
use crate::logins::geo::distance_km;
use crate::logins::incidents::Finding;
use crate::logins::state::{Place, Success, place_of, user_key};
use crate::{AlertKind, Severity, Subject};

/// The shortest time a trip is taken to last, in seconds: two logins in
/// the same second would otherwise need infinite speed.
const MIN_TRIP_SECS: f64 = 1.0;

/// The fastest jump from an earlier (or, arriving late, a later) success.
struct Jump<'a> {
    other: &'a Success,
    other_place: &'a Place,
    km: f64,
    hours: f64,
    kmh: f64,
}

/// Reports a success that no trip from another recent success could
/// explain.
pub(super) fn on_success(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.impossible_travel;
    let event = cx.attempt.event;
    let here = place_of(event.geo.as_ref()?);
    let user = cx.user()?;
    let familiar_place =
        |place: &Place| user.places.count(&place.key()) >= config.familiar_place_min_logins_count;
    let here_familiar = familiar_place(&here);
    let from_own_device = cx.facts.known_device && cx.facts.known_network;
    let lookback = TimeDelta::seconds(i64::from(config.lookback_secs));

    let jump = user
        .successes
        .between(event.ts - lookback, event.ts + lookback)
        .filter(|s| s.event_id != event.event_id && !s.flagged)
        .filter(|s| s.familiar || !from_own_device)
        .filter_map(|s| Some((s, s.place.as_ref()?)))
        .filter(|(_, there)| !(here_familiar && familiar_place(there)))
        .map(|(other, there)| {
            let km = distance_km(here.lat, here.lon, there.lat, there.lon);
            let secs = (event.ts - other.ts).num_milliseconds().abs() as f64 / 1000.0;
            let hours = secs.max(MIN_TRIP_SECS) / 3600.0;
            Jump {
                other,
                other_place: there,
                km,
                hours,
                kmh: km / hours,
            }
        })
        .filter(|j| j.km >= config.min_distance_km && j.kmh > config.max_speed_kmh)
        .max_by(|a, b| a.kmh.total_cmp(&b.kmh))?;

    Some(finding(cx, &here, &jump))
}

fn finding(cx: &Context<'_>, here: &Place, jump: &Jump<'_>) -> Finding {
    let config = &cx.config.impossible_travel;
    let event = cx.attempt.event;
    Finding {
        kind: AlertKind::LoginImpossibleTravel,
        subject_key: user_key(&event.tenant_id, &event.user_id),
        tenant_id: event.tenant_id.clone(),
        subject: Subject::user(&event.user_id),
        severity: Severity::High,
        score: score_over(jump.kmh, config.max_speed_kmh),
        first_seen: event.ts,
        at: event.ts,
        size: 1,
        summary: format!(
            "logins {:.0} km apart within {:.1} hours ({:.0} km/h) from {} and {}",
            jump.km, jump.hours, jump.kmh, jump.other_place.country, here.country
        ),
        evidence: json!({
            "distance_km": jump.km.round(),
            "hours": (jump.hours * 100.0).round() / 100.0,
            "speed_kmh": jump.kmh.round(),
            "max_speed_kmh": config.max_speed_kmh,
            "from": {
                "country": jump.other_place.country,
                "city": jump.other_place.city,
                "ts": jump.other.ts,
                "event_id": jump.other.event_id,
            },
            "to": {
                "country": here.country,
                "city": here.city,
                "ts": event.ts,
                "event_id": event.event_id,
            },
        }),
        quiet_secs: config.quiet_secs,
    }
}
