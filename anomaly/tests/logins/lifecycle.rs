//! One incident, one alert: opening, updating, closing, late and repeated
//! events, bounded state.

use chrono::TimeDelta;
use nexzo_anomaly::{AlertKind, AlertPhase, Checkpointed};
use nexzo_schemas::{LoginEvent, MfaOutcome};

use crate::support::{LAGOS, Login, at_min, at_sec, detector, history, incidents, sorted, t0};

fn brute_force(attempts: i64) -> Vec<LoginEvent> {
    let mut events = history("mia", 3);
    for n in 0..attempts {
        events.push(Login::failure("mia", at_sec(n * 10), "203.0.113.50").build());
    }
    sorted(events)
}

#[test]
fn an_incident_is_opened_once_updated_and_closed_after_its_quiet_period_under_one_id() {
    let mut detector = detector();
    let mut alerts = Vec::new();
    for event in brute_force(200) {
        alerts.extend(detector.observe(&event));
    }
    alerts.extend(detector.advance_to(at_sec(2000) + TimeDelta::hours(2)));

    let phases: Vec<AlertPhase> = alerts.iter().map(|a| a.phase).collect();
    assert_eq!(phases.first(), Some(&AlertPhase::Opened));
    assert_eq!(phases.last(), Some(&AlertPhase::Closed));
    assert!(phases.contains(&AlertPhase::Updated));
    assert!(
        alerts.len() < 20,
        "updates are throttled, not one per attempt: {}",
        alerts.len()
    );
    assert!(
        alerts
            .iter()
            .all(|a| a.id == alerts[0].id && a.ts == alerts[0].ts)
    );
    assert!(alerts.windows(2).all(|w| w[0].severity <= w[1].severity));
    assert!(
        detector
            .advance_to(at_sec(2000) + TimeDelta::hours(3))
            .is_empty()
    );
}

/// A mix of attacks with their history, for order and redelivery tests.
fn mixed() -> Vec<LoginEvent> {
    let mut events = brute_force(30);
    for n in 0..40 {
        events.push(Login::failure(&format!("s-{n}"), at_sec(n * 7), "198.18.0.9").build());
    }
    events.extend(history("noa", 3));
    events.push(
        Login::success("noa", at_min(0), "198.51.100.7")
            .device("laptop")
            .build(),
    );
    let far = Login::success("noa", at_min(45), "203.0.113.70")
        .device("x")
        .at(LAGOS);
    events.push(far.build());
    for n in 0..4 {
        let push = Login::rejected_push("noa", at_min(200 + n), "203.0.113.71", MfaOutcome::Denied);
        events.push(push.build());
    }
    let accepted = Login::success("noa", at_min(205), "203.0.113.71").mfa(MfaOutcome::Passed);
    events.push(accepted.build());
    sorted(events)
}

fn summary(events: &[LoginEvent]) -> Vec<(AlertKind, Option<String>, Option<String>)> {
    incidents(events)
        .into_values()
        .flatten()
        .map(|a| (a.kind, a.subject.user_id, a.subject.ip))
        .collect()
}

#[test]
fn events_late_by_up_to_minutes_raise_the_same_incidents_as_in_order() {
    let in_order = mixed();
    let mut late = in_order.clone();
    // Every third event arrives three minutes late.
    late.sort_by_key(|e| {
        let n: u64 = e.event_id[2..].parse().unwrap_or(0);
        e.ts + if n % 3 == 0 {
            TimeDelta::minutes(3)
        } else {
            TimeDelta::zero()
        }
    });
    assert_ne!(late, in_order);

    assert_eq!(summary(&late), summary(&in_order));
    assert_eq!(summary(&in_order).len(), 4, "{:#?}", summary(&in_order));
}

#[test]
fn redelivered_events_change_nothing() {
    let once = mixed();
    let twice: Vec<LoginEvent> = once.iter().flat_map(|e| [e.clone(), e.clone()]).collect();

    let (a, b) = (incidents(&once), incidents(&twice));

    assert_eq!(a, b);
}

#[test]
fn keys_idle_beyond_retention_are_dropped_and_handed_out_as_null() {
    let mut detector = detector();
    detector.observe(&Login::failure("oli", t0(), "203.0.113.9").build());
    let first: Vec<String> = detector.take_dirty().into_iter().map(|e| e.key).collect();
    assert!(first.contains(&"user/t1/oli".to_owned()), "{first:?}");
    assert!(
        first.contains(&"net/203.0.113.0/24".to_owned()),
        "{first:?}"
    );

    detector.advance_to(t0() + TimeDelta::days(41));
    let dropped = detector.take_dirty();

    for key in ["user/t1/oli", "net/203.0.113.0/24", "tenant/t1"] {
        let entry = dropped.iter().find(|e| e.key == key);
        assert!(
            entry.is_some_and(|e| e.state.is_null()),
            "{key}: {dropped:#?}"
        );
    }
}

#[test]
fn a_flood_against_one_account_keeps_every_window_at_its_cap() {
    let config = nexzo_anomaly::logins::LoginConfig {
        max_window_entries_count: 64,
        ..nexzo_anomaly::logins::LoginConfig::default()
    };
    let mut detector = nexzo_anomaly::logins::LoginDetector::new(config).expect("valid");
    for n in 0..2000 {
        detector.observe(&Login::failure("pia", at_sec(n), "203.0.113.50").build());
    }
    let entries = detector.take_dirty();

    let state_of = |key: &str| {
        let entry = entries.iter().find(|e| e.key == key).expect("checkpointed");
        entry.state["state"].clone()
    };
    let user = state_of("user/t1/pia");
    let network = state_of("net/203.0.113.0/24");
    assert_eq!(user["failures"].as_array().map(Vec::len), Some(64));
    assert_eq!(network["attempts"].as_array().map(Vec::len), Some(64));
    assert!(network["slow"].as_array().map_or(0, Vec::len) <= 64);
}
