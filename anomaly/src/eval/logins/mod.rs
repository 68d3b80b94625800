//! The login detector's labelled evaluation set.
//!
//! Two weeks of logins for five tenants, from a small landlord to a large
//! housing company: staff at the office behind a NAT on working days,
//! residents now and then from home (some over IPv6) or a carrier's shared
//! addresses, with typos, forgotten passwords, MFA prompts left to time
//! out, travellers on real flights, phones retrying an old password, new
//! phones. Into it go labelled attacks of every login kind, each with its
//! own intensity (see the `attacks` module). Events reach the detector slightly out
//! of order, as they would from Kafka.
//!
//! An alert matches a labelled incident of the same kind and tenant when
//! its subject matches (the user; the address, or the network holding it;
//! for spraying the tenant alone) and it was raised between the incident's
//! start and its end, widened by [`MATCH_SLACK_SECS`]. A second alert for
//! an incident already matched counts as a false positive: one incident
//! should be one alert.

mod attacks;
mod benign;
mod calendar;
mod emit;
mod lookalikes;
mod population;
mod scoring;
mod sources;
mod world;

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::{LoginEvent, LoginOutcome};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

pub use scoring::{matches, score};

use calendar::{Busy, Calendar};

use super::KindScore;
use crate::backtest::logins::final_alerts;
use crate::logins::{LoginConfig, LoginDetector};
use crate::{Alert, AlertKind};

/// How far outside an incident's span an alert may be raised and still
/// match it, in seconds: late events and the detector's own windows can
/// put the alert a little after the last attack event.
pub const MATCH_SLACK_SECS: i64 = 1800;

/// Days of traffic in a set.
const DAYS: i64 = 14;

/// Days at the start without attacks, in which the detector learns each
/// user's devices, countries and networks.
const WARM_UP_DAYS: i64 = 3;

/// The latest an event may reach the detector after its event time, in
/// milliseconds: most within a minute, some up to five.
const MAX_DELIVERY_DELAY_MS: i64 = 300_000;

/// One injected incident: what the detector should report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledIncident {
    /// The kind of alert expected.
    pub kind: AlertKind,
    /// The tenant attacked.
    pub tenant_id: String,
    /// The account attacked, for the kinds about one user.
    pub user_id: Option<String>,
    /// The attacking address or network (CIDR), where the kind names one.
    pub ip: Option<String>,
    /// The first attack event.
    pub start: DateTime<Utc>,
    /// The last attack event.
    pub end: DateTime<Utc>,
}

/// A generated set: events in delivery order, and the incidents in them.
#[derive(Debug, Clone)]
pub struct LoginEvalSet {
    /// Every event, in the order the detector receives them.
    pub events: Vec<LoginEvent>,
    /// The injected incidents.
    pub incidents: Vec<LabelledIncident>,
}

/// The set for `seed`, its detector run with the default configuration,
/// and the score per login alert kind.
pub fn evaluate(seed: u64) -> Vec<KindScore> {
    let set = generate(seed);
    let alerts = run(&set.events);
    score(&set.incidents, &alerts)
}

/// Runs a detector with the default configuration over events in the
/// order given, and returns each incident's final alert.
pub fn run(events: &[LoginEvent]) -> Vec<Alert> {
    match LoginDetector::new(LoginConfig::default()) {
        Ok(mut detector) => final_alerts(&mut detector, events),
        Err(_) => Vec::new(),
    }
}

/// Generates the labelled set for `seed`.
pub fn generate(seed: u64) -> LoginEvalSet {
    let mut rng = StdRng::seed_from_u64(seed);
    let calendar = Calendar::new(DAYS);
    let mut book = world::AddressBook::default();
    let tenants = population::tenants(&mut rng, &mut book);

    let mut out = emit::Emitter::default();
    let mut busy = Busy::default();
    lookalikes::generate(
        &mut rng, &mut out, &tenants, &calendar, &mut busy, &mut book,
    );
    benign::traffic(&mut rng, &mut out, &tenants, &calendar, &busy);
    let history = history_of(&out.events);
    let incidents = attacks::generate(attacks::Ctx {
        rng: &mut rng,
        out: &mut out,
        book: &mut book,
        tenants: &tenants,
        calendar: &calendar,
        history: &history,
        labels: Vec::new(),
    });

    let events = delivered(&mut rng, out.events);
    LoginEvalSet { events, incidents }
}

/// Each user's ordinary successes, in time order.
fn history_of(events: &[LoginEvent]) -> attacks::History {
    let mut history: attacks::History = HashMap::new();
    for event in events.iter().filter(|e| e.outcome == LoginOutcome::Success) {
        let Some(geo) = &event.geo else { continue };
        let city = world::HOME_CITIES
            .iter()
            .chain(world::TRAVEL_CITIES)
            .find(|c| Some(c.name) == geo.city.as_deref())
            .copied();
        if let Some(city) = city {
            history
                .entry(event.user_id.clone())
                .or_default()
                .push((event.ts, city));
        }
    }
    for successes in history.values_mut() {
        successes.sort_by_key(|(ts, _)| *ts);
    }
    history
}

/// The events in the order a consumer sees them: by event time plus a
/// random delivery delay.
fn delivered(rng: &mut StdRng, events: Vec<LoginEvent>) -> Vec<LoginEvent> {
    let mut keyed: Vec<(DateTime<Utc>, LoginEvent)> = events
        .into_iter()
        .map(|event| {
            let delay = if rng.random_bool(0.9) {
                rng.random_range(0..60_000)
            } else {
                rng.random_range(0..=MAX_DELIVERY_DELAY_MS)
            };
            (event.ts + TimeDelta::milliseconds(delay), event)
        })
        .collect();
    keyed.sort_by_key(|(arrival, _)| *arrival);
    keyed.into_iter().map(|(_, event)| event).collect()
}
