//! A new meter borrows its property's rhythm until it has its own.

use chrono::TimeDelta;
use nexzo_anomaly::usage::{MeterRef, UsageConfig, UsageDetector, UsageObservation};
use nexzo_anomaly::{AlertKind, AlertPhase};

use crate::series::{between, generate, monday, office};

/// Three established offices in one property, and a newcomer that starts
/// reporting after three weeks; on its third day, its night jumps tenfold.
fn newcomer_with_night_spike(in_property: bool) -> Vec<nexzo_anomaly::Alert> {
    let mut detector = UsageDetector::new(UsageConfig::with_cadence(900)).expect("valid config");
    let days = 24;
    let peers: Vec<_> = (0..3_u64)
        .map(|i| generate(office, monday(), days, 900, 0.1, 30 + i))
        .collect();
    let joins = monday() + TimeDelta::days(21);
    let mut newcomer = generate(office, monday(), days, 900, 0.1, 40);
    newcomer.retain(|(ts, _)| *ts >= joins);
    let night = joins + TimeDelta::days(2) + TimeDelta::hours(2);
    for i in between(&newcomer, night, night + TimeDelta::hours(1)) {
        newcomer[i].1 *= 10.0;
    }

    let place = |id: &str| {
        let meter = MeterRef::new("t1", id);
        if in_property {
            meter.in_property("p1")
        } else {
            meter
        }
    };
    let mut alerts = Vec::new();
    for step in 0..peers[0].len() {
        for (i, peer) in peers.iter().enumerate() {
            let (ts, value) = peer[step];
            detector.observe(&UsageObservation::new(
                place(&format!("peer{i}")),
                ts,
                value,
            ));
        }
        let ts = peers[0][step].0;
        if let Some((_, value)) = newcomer.iter().find(|(t, _)| *t == ts) {
            let scored = detector.observe(&UsageObservation::new(place("new"), ts, *value));
            alerts.extend(scored.alerts);
        }
    }
    alerts
}

#[test]
fn a_new_meter_in_a_property_is_judged_by_its_peers_from_its_first_days() {
    let alerts = newcomer_with_night_spike(true);
    let opened: Vec<_> = alerts
        .iter()
        .filter(|a| a.phase == AlertPhase::Opened)
        .collect();

    assert_eq!(opened.len(), 1, "{alerts:#?}");
    assert_eq!(opened[0].kind, AlertKind::UsageSpike);
    assert_eq!(opened[0].evidence["borrowed_from_peers"], true);
}

#[test]
fn a_new_meter_without_peers_stays_quiet_while_it_learns() {
    let alerts = newcomer_with_night_spike(false);

    assert!(
        alerts.is_empty(),
        "a lone newcomer alarmed on day three: {alerts:#?}"
    );
}
