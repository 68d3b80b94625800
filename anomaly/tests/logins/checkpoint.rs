//! Restarting from a checkpoint keeps incidents and baselines warm.

use chrono::TimeDelta;
use nexzo_anomaly::{AlertKind, AlertPhase, Checkpointed, StateEntry};

use crate::support::{Login, at_sec, detector, history, sorted};

#[test]
fn a_detector_restored_from_its_checkpoint_continues_the_same_incident() {
    let mut events = history("pat", 3);
    for n in 0..60 {
        events.push(Login::failure("pat", at_sec(n * 10), "203.0.113.50").build());
    }
    let events = sorted(events);
    let (before, after) = events.split_at(events.len() - 30);

    let mut first = detector();
    let opened: Vec<_> = before.iter().flat_map(|e| first.observe(e)).collect();
    let mut second = detector();
    for entry in first.take_dirty() {
        second.restore(entry).expect("own state restores");
    }
    let mut continued: Vec<_> = after.iter().flat_map(|e| second.observe(e)).collect();
    continued.extend(second.advance_to(at_sec(600) + TimeDelta::hours(2)));

    let first_alert = &opened[0];
    assert_eq!(first_alert.kind, AlertKind::LoginBruteForce);
    assert_eq!(first_alert.phase, AlertPhase::Opened);
    assert!(opened.iter().all(|a| a.id == first_alert.id));
    assert!(!continued.is_empty());
    assert!(
        continued
            .iter()
            .all(|a| a.id == first_alert.id && a.phase != AlertPhase::Opened)
    );
    assert_eq!(continued.last().map(|a| a.phase), Some(AlertPhase::Closed));
}

#[test]
fn entries_of_another_detector_or_shape_are_refused_and_change_nothing() {
    let mut detector = detector();
    let refused = [
        StateEntry {
            detector: "usage".to_owned(),
            key: "user/t1/pat".to_owned(),
            state: serde_json::json!({"v": 1, "state": {}}),
        },
        StateEntry {
            detector: "logins".to_owned(),
            key: "user/t1/pat".to_owned(),
            state: serde_json::json!({"v": 99, "state": {}}),
        },
        StateEntry {
            detector: "logins".to_owned(),
            key: "user/t1/pat".to_owned(),
            state: serde_json::json!({"v": 1, "state": {"failures": "not a list"}}),
        },
        StateEntry {
            detector: "logins".to_owned(),
            key: "meter/m1".to_owned(),
            state: serde_json::json!({"v": 1, "state": {}}),
        },
    ];
    for entry in refused {
        let key = entry.key.clone();
        let error = detector.restore(entry).expect_err("refused");
        assert_eq!(error.key, key);
    }
    assert!(detector.take_dirty().is_empty());
}
