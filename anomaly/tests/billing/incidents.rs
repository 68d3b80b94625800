//! One incident, one alert: updates, closing and stable ids.

use nexzo_anomaly::{AlertKind, AlertPhase};
use nexzo_schemas::LedgerKind;

use crate::support::{Ledger, at, detector, draft, incidents, ordinary_weeks};

#[test]
fn a_spree_going_on_is_one_incident_updated_under_one_id() {
    let mut ledger = Ledger::new();
    let history = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 42);
    let spree: Vec<_> = (0..8)
        .map(|i| {
            ledger.book(draft(
                "t1",
                "u-clerk",
                LedgerKind::WriteOff,
                -3_000,
                at(44, 11, i * 5),
            ))
        })
        .collect();

    let mut detector = detector();
    for entry in &history {
        assert!(detector.observe(entry).is_empty());
    }
    let raised: Vec<_> = spree.iter().flat_map(|e| detector.observe(e)).collect();

    assert_eq!(
        raised.len(),
        4,
        "opened at the fifth write-off, updated by the rest"
    );
    assert_eq!(raised[0].phase, AlertPhase::Opened);
    assert!(raised[1..].iter().all(|a| a.phase == AlertPhase::Updated));
    assert!(
        raised
            .iter()
            .all(|a| a.id == raised[0].id && a.ts == raised[0].ts)
    );
    assert_eq!(raised[3].last_seen, at(44, 11, 35));
}

#[test]
fn an_incident_closes_once_the_quiet_period_has_passed() {
    let mut ledger = Ledger::new();
    let refund = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        75_000,
        at(0, 10, 0),
    ));
    let mut detector = detector();
    let opened = detector.observe(&refund);
    assert_eq!(opened.len(), 1);

    assert!(
        detector.advance_to(at(1, 9, 59)).is_empty(),
        "not yet a day"
    );
    let closed = detector.advance_to(at(1, 10, 0));
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].id, opened[0].id);
    assert_eq!(closed[0].phase, AlertPhase::Closed);
    assert_eq!(closed[0].last_seen, refund.ts);
}

#[test]
fn the_same_kind_later_for_the_same_actor_is_a_new_incident() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 42);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(44, 2, 30),
    )));
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(51, 3, 10),
    )));
    let alerts = incidents(&entries);

    let off_hours: Vec<_> = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::BillingOffHours)
        .collect();
    assert_eq!(off_hours.len(), 2);
    assert_ne!(off_hours[0].id, off_hours[1].id);
    assert_eq!(off_hours[0].phase, AlertPhase::Closed);
}

#[test]
fn replaying_the_same_entries_gives_the_same_alerts() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 42);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        75_000,
        at(44, 10, 0),
    )));
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(44, 2, 30),
    )));
    let first = incidents(&entries);
    assert_eq!(first.len(), 2);
    assert_eq!(first, incidents(&entries));
}
