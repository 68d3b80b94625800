//! Incidents the caller reports: a register running backwards, a silence.

use chrono::TimeDelta;
use nexzo_anomaly::usage::{UsageConfig, UsageDetector};
use nexzo_anomaly::{AlertKind, AlertPhase, Severity};

use crate::series::{self, feed, generate, home, monday};

fn detector() -> UsageDetector {
    UsageDetector::new(UsageConfig::with_cadence(900)).expect("valid config")
}

#[test]
fn a_register_running_backwards_is_one_high_alert_per_spell() {
    let series = generate(home, monday(), 3, 900, 0.1, 20);
    let meter = series::meter("m1");
    let mut detector = detector();
    feed(&mut detector, &meter, &series[..100]);

    let at = series[100].0;
    let first = detector.register_backwards(&meter, at);
    let again = detector.register_backwards(&meter, at + TimeDelta::minutes(15));
    let (_, later) = feed(&mut detector, &meter, &series[101..]);

    assert_eq!(first.len(), 1);
    assert_eq!(first[0].kind, AlertKind::UsageRegisterBackwards);
    assert_eq!(first[0].severity, Severity::High);
    assert_eq!(
        again[0].id, first[0].id,
        "a second reversal is the same spell"
    );
    assert_eq!(again[0].evidence["reversals"], 2);
    let closed: Vec<_> = later
        .iter()
        .filter(|a| a.kind == AlertKind::UsageRegisterBackwards)
        .collect();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].phase, AlertPhase::Closed);
    assert_eq!(closed[0].id, first[0].id);
}

#[test]
fn a_silence_of_eight_hours_is_missing_data_closed_when_data_resumes() {
    let series = generate(home, monday(), 3, 900, 0.1, 21);
    let meter = series::meter("m1");
    let mut detector = detector();
    feed(&mut detector, &meter, &series[..100]);

    let from = series[100].0;
    let to = from + TimeDelta::hours(8);
    let opened = detector.gap(&meter, from, to);
    let resumed = series::feed(&mut detector, &meter, &[(to, series[132].1)]).1;

    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].kind, AlertKind::UsageMissingData);
    assert_eq!((opened[0].first_seen, opened[0].last_seen), (from, to));
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].phase, AlertPhase::Closed);
    assert_eq!(resumed[0].id, opened[0].id);
}

#[test]
fn a_silence_still_going_on_updates_the_same_alert() {
    let meter = series::meter("m1");
    let mut detector = detector();
    let from = monday();
    let first = detector.gap(&meter, from, from + TimeDelta::hours(7));
    let later = detector.gap(&meter, from, from + TimeDelta::hours(30));

    assert_eq!(first[0].id, later[0].id);
    assert_eq!(later[0].phase, AlertPhase::Updated);
    assert_eq!(
        later[0].severity,
        Severity::Medium,
        "a day and more is worth a look today"
    );
}

#[test]
fn a_gap_of_two_hours_is_ordinary_radio_loss() {
    let meter = series::meter("m1");
    let mut detector = detector();

    assert!(
        detector
            .gap(&meter, monday(), monday() + TimeDelta::hours(2))
            .is_empty()
    );
}
