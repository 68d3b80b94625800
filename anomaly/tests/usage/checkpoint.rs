//! State that leaves the detector and comes back.

use chrono::TimeDelta;
use nexzo_anomaly::usage::{DETECTOR, UsageConfig, UsageDetector};
use nexzo_anomaly::{Checkpointed, StateEntry};

use crate::series::{self, feed, generate, home, monday};

fn detector(cadence_secs: u32) -> UsageDetector {
    UsageDetector::new(UsageConfig::with_cadence(cadence_secs)).expect("valid config")
}

#[test]
fn a_restored_detector_scores_exactly_like_the_one_it_was_saved_from() {
    let series = generate(home, monday(), 30, 900, 0.15, 50);
    let (before, after) = series.split_at(series.len() - 200);
    let meter = series::meter("m1");
    let mut original = detector(900);
    feed(&mut original, &meter, before);

    let entries = original.take_dirty();
    let mut restored = detector(900);
    for entry in entries.clone() {
        restored.restore(entry).expect("restores");
    }
    let (expected, expected_alerts) = feed(&mut original, &meter, after);
    let (actual, actual_alerts) = feed(&mut restored, &meter, after);

    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].detector, DETECTOR);
    assert_eq!(entries[0].key, "meter:m1");
    assert_eq!(actual, expected);
    assert_eq!(actual_alerts, expected_alerts);
}

#[test]
fn only_meters_changed_since_the_last_checkpoint_are_handed_out() {
    let mut detector = detector(900);
    let series = generate(home, monday(), 1, 900, 0.15, 51);
    feed(&mut detector, &series::meter("a"), &series);
    feed(&mut detector, &series::meter("b"), &series);
    detector.take_dirty();
    feed(
        &mut detector,
        &series::meter("a"),
        &[(series[95].0 + TimeDelta::minutes(15), 1.0)],
    );

    let keys: Vec<String> = detector.take_dirty().into_iter().map(|e| e.key).collect();

    assert_eq!(keys, vec!["meter:a".to_owned()]);
    assert!(detector.take_dirty().is_empty());
}

#[test]
fn a_meter_silent_beyond_the_retention_is_dropped_and_handed_out_as_null() {
    let mut detector = detector(900);
    let series = generate(home, monday(), 1, 900, 0.15, 52);
    feed(&mut detector, &series::meter("quiet"), &series);
    let far = monday() + TimeDelta::days(40);
    feed(&mut detector, &series::meter("busy"), &[(far, 1.0)]);

    let entries = detector.take_dirty();
    let quiet = entries
        .iter()
        .find(|e| e.key == "meter:quiet")
        .expect("quiet reported");

    assert!(quiet.state.is_null());
    assert_eq!(detector.meter_count(), 1);
}

#[test]
fn an_entry_of_another_detector_key_shape_version_or_cadence_is_refused() {
    let mut hourly = detector(3600);
    feed(
        &mut hourly,
        &series::meter("m1"),
        &generate(home, monday(), 2, 3600, 0.1, 53),
    );
    let saved = hourly.take_dirty().remove(0);
    let mut wrong_version = saved.clone();
    wrong_version.state["version"] = 99.into();
    let refused = [
        StateEntry {
            detector: "logins".into(),
            ..saved.clone()
        },
        StateEntry {
            key: "user:m1".into(),
            ..saved.clone()
        },
        wrong_version,
        StateEntry {
            state: serde_json::json!({"version": 1}),
            ..saved.clone()
        },
    ];

    let mut quarter_hourly = detector(900);
    assert!(
        quarter_hourly.restore(saved).is_err(),
        "slots of another cadence"
    );
    let mut hourly_again = detector(3600);
    for entry in refused {
        assert!(hourly_again.restore(entry).is_err());
    }
    assert_eq!(hourly_again.meter_count(), 0);
}
