//! State out of and back into the detector.

use nexzo_anomaly::billing::DETECTOR_NAME;
use nexzo_anomaly::{Alert, Checkpointed, StateEntry};
use nexzo_schemas::{LedgerEntry, LedgerKind};

use crate::support::{Ledger, at, billing_run, detector, draft, in_time_order, ordinary_weeks};

/// Some weeks of work in two tenants, with an incident open at the cut.
fn history(ledger: &mut Ledger) -> Vec<LedgerEntry> {
    let mut entries = ordinary_weeks(ledger, "t1", "u-clerk", 0, 42);
    entries.extend(ordinary_weeks(ledger, "t1", "u-peer", 0, 42));
    entries.extend(billing_run(ledger, "t2", &["acc-a", "acc-b"], 27));
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::WriteOff,
        -3_000,
        at(41, 11, 0),
    )));
    in_time_order(entries)
}

/// What comes after the cut: a re-delivery, the rest of a spree, a
/// cross-tenant refund, a night credit.
fn after_cut(ledger: &mut Ledger, before: &[LedgerEntry]) -> Vec<LedgerEntry> {
    let mut entries: Vec<LedgerEntry> = before.iter().rev().take(3).cloned().collect();
    for minute in 1..8 {
        entries.push(ledger.book(draft(
            "t1",
            "u-clerk",
            LedgerKind::WriteOff,
            -3_000,
            at(41, 11, minute * 5),
        )));
    }
    entries.push(
        ledger.book(
            draft("t1", "u-peer", LedgerKind::Refund, 4_000, at(41, 12, 0)).on_account("acc-a"),
        ),
    );
    entries.push(ledger.book(draft(
        "t1",
        "u-peer",
        LedgerKind::Credit,
        -2_000,
        at(42, 3, 0),
    )));
    entries
}

#[test]
fn a_detector_restored_from_its_checkpoint_goes_on_exactly_as_the_original() {
    let mut ledger = Ledger::new();
    let before = history(&mut ledger);
    let after = after_cut(&mut ledger, &before);

    let mut original = detector();
    let mut stored: Vec<StateEntry> = Vec::new();
    for (i, entry) in before.iter().enumerate() {
        original.observe(entry);
        // Checkpoints taken now and then, as after each batch.
        if i % 25 == 0 {
            stored.extend(original.take_dirty());
        }
    }
    stored.extend(original.take_dirty());

    let mut restored = detector();
    for entry in stored {
        restored.restore(entry).unwrap();
    }
    let go_on = |detector: &mut nexzo_anomaly::billing::BillingDetector| -> Vec<Alert> {
        after.iter().flat_map(|e| detector.observe(e)).collect()
    };
    let expected = go_on(&mut original);
    assert!(expected.len() >= 3, "{expected:?}");
    assert_eq!(go_on(&mut restored), expected);
}

#[test]
fn state_idle_beyond_its_retention_is_handed_out_as_dropped() {
    let mut ledger = Ledger::new();
    let first = ledger.book(draft(
        "t1",
        "svc.billing",
        LedgerKind::Charge,
        10_000,
        at(0, 9, 0),
    ));
    let mut detector = detector();
    detector.observe(&first);
    let taken = detector.take_dirty();
    assert!(
        taken
            .iter()
            .any(|s| s.key.starts_with("entry/") && !s.state.is_null())
    );

    // Another tenant's entry a month later moves the watermark past the
    // entry memory (fourteen days).
    let later = Ledger::new().book(draft(
        "t2",
        "svc.billing",
        LedgerKind::Charge,
        10_000,
        at(30, 9, 0),
    ));
    detector.observe(&later);
    let dropped: Vec<String> = detector
        .take_dirty()
        .into_iter()
        .filter(|s| s.state.is_null())
        .map(|s| s.key)
        .collect();
    assert!(
        dropped.contains(&format!("entry/t1/{}", first.entry_id)),
        "{dropped:?}"
    );
    assert!(dropped.contains(&"tenant/t1".to_owned()), "{dropped:?}");
}

#[test]
fn every_state_entry_names_the_billing_detector_and_round_trips() {
    let mut ledger = Ledger::new();
    let mut detector = detector();
    for entry in history(&mut ledger) {
        detector.observe(&entry);
    }
    let taken = detector.take_dirty();
    assert!(taken.iter().all(|s| s.detector == DETECTOR_NAME));
    for prefix in ["tenant/", "entry/", "account/", "actor/", "incident/"] {
        assert!(taken.iter().any(|s| s.key.starts_with(prefix)), "{prefix}");
    }

    let mut copy = crate::support::detector();
    for entry in taken.clone() {
        copy.restore(entry).unwrap();
    }
    // Restoring is not a change: nothing is dirty until it observes.
    assert!(copy.take_dirty().is_empty());
}

#[test]
fn foreign_unknown_or_unreadable_state_is_refused_and_changes_nothing() {
    let mut detector = detector();
    let entry = |detector: &str, key: &str, state: serde_json::Value| StateEntry {
        detector: detector.into(),
        key: key.into(),
        state,
    };
    let refused = [
        entry(
            "logins",
            "tenant/t1",
            serde_json::json!({"v": 1, "state": {}}),
        ),
        entry(
            "billing",
            "meter/m1",
            serde_json::json!({"v": 1, "state": {}}),
        ),
        entry(
            "billing",
            "tenant/t1",
            serde_json::json!({"v": 2, "state": {}}),
        ),
        entry(
            "billing",
            "tenant/t1",
            serde_json::json!({"v": 1, "state": {"last_ts": 5}}),
        ),
    ];
    for bad in refused {
        let error = detector.restore(bad.clone()).unwrap_err();
        assert_eq!(error.key, bad.key);
    }
    assert_eq!(detector.watermark(), None);
    assert!(detector.take_dirty().is_empty());
}
