//! The approval rules and the cross-tenant rule.

use nexzo_anomaly::backtest::billing::final_states;
use nexzo_anomaly::billing::{BillingConfig, BillingDetector};
use nexzo_anomaly::{AlertKind, Severity};
use nexzo_schemas::LedgerKind;

use crate::support::{Ledger, at, billing_run, draft, incidents, kinds};

#[test]
fn an_unapproved_refund_above_the_threshold_is_reported_with_its_entry_and_actor() {
    let mut ledger = Ledger::new();
    let refund = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        75_000,
        at(0, 10, 0),
    ));
    let alerts = incidents(std::slice::from_ref(&refund));

    assert_eq!(kinds(&alerts), [AlertKind::BillingUnapproved]);
    let alert = &alerts[0];
    assert_eq!(
        alert.subject.entry_id.as_deref(),
        Some(refund.entry_id.as_str())
    );
    assert_eq!(alert.subject.actor_id.as_deref(), Some("u-clerk"));
    assert_eq!(alert.tenant_id, "t1");
    assert_eq!(alert.ts, refund.ts);
    assert_eq!(alert.evidence["approval_threshold_minor"], 50_000);
    assert_eq!(alert.evidence["amount_minor"], 75_000);
}

#[test]
fn each_money_moving_kind_needs_an_approver_and_the_sign_does_not_matter() {
    for kind in [
        LedgerKind::Adjustment,
        LedgerKind::Credit,
        LedgerKind::WriteOff,
    ] {
        let mut ledger = Ledger::new();
        let entry = ledger.book(draft("t1", "u-clerk", kind, -60_000, at(0, 10, 0)));
        assert_eq!(
            kinds(&incidents(&[entry])),
            [AlertKind::BillingUnapproved],
            "{kind}"
        );
    }
}

#[test]
fn an_amount_exactly_at_the_threshold_needs_no_approver() {
    let mut ledger = Ledger::new();
    let entry = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        50_000,
        at(0, 10, 0),
    ));
    assert!(incidents(&[entry]).is_empty());
}

#[test]
fn an_unapproved_amount_ten_times_the_threshold_is_critical() {
    let mut ledger = Ledger::new();
    let entry = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::WriteOff,
        -500_000,
        at(0, 10, 0),
    ));
    let alerts = incidents(&[entry]);
    assert_eq!(alerts[0].severity, Severity::Critical);
}

#[test]
fn a_large_adjustment_approved_by_someone_else_stays_quiet() {
    let mut ledger = Ledger::new();
    let entry = ledger.book(
        draft(
            "t1",
            "u-clerk",
            LedgerKind::Adjustment,
            -400_000,
            at(0, 10, 0),
        )
        .approved_by("u-manager"),
    );
    assert!(incidents(&[entry]).is_empty());
}

#[test]
fn a_charge_above_the_threshold_needs_no_approver() {
    let mut ledger = Ledger::new();
    let entries = billing_run(&mut ledger, "t1", &["acc-1", "acc-2"], 0);
    assert!(incidents(&entries).is_empty());
}

#[test]
fn an_entry_approved_by_its_own_actor_is_a_self_approval_and_nothing_else() {
    let mut ledger = Ledger::new();
    let small = ledger.book(
        draft("t1", "u-clerk", LedgerKind::Credit, -3_000, at(0, 10, 0)).approved_by("u-clerk"),
    );
    let large = ledger.book(
        draft("t1", "u-clerk", LedgerKind::Refund, 90_000, at(0, 11, 0)).approved_by("u-clerk"),
    );
    let alerts = incidents(&[small.clone(), large.clone()]);

    assert_eq!(
        kinds(&alerts),
        [
            AlertKind::BillingSelfApproval,
            AlertKind::BillingSelfApproval
        ]
    );
    assert_eq!(
        alerts[0].subject.entry_id.as_deref(),
        Some(small.entry_id.as_str())
    );
    assert_eq!(
        alerts[1].subject.entry_id.as_deref(),
        Some(large.entry_id.as_str())
    );
    assert!(alerts[1].severity > alerts[0].severity);
}

#[test]
fn the_threshold_follows_the_currency_override() {
    let mut config = BillingConfig::default();
    config
        .approval_threshold_minor_by_currency
        .insert("JPY".into(), 100_000);
    let mut detector = BillingDetector::new(config).unwrap();
    let mut ledger = Ledger::new();
    let yen = ledger
        .book(draft("t1", "u-clerk", LedgerKind::Refund, 80_000, at(0, 10, 0)).in_currency("JPY"));
    let euro = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        80_000,
        at(0, 11, 0),
    ));

    let alerts = final_states(&mut detector, &[yen, euro.clone()]);
    assert_eq!(kinds(&alerts), [AlertKind::BillingUnapproved]);
    assert_eq!(
        alerts[0].subject.entry_id.as_deref(),
        Some(euro.entry_id.as_str())
    );
}

#[test]
fn a_refund_to_another_tenants_account_is_cross_tenant() {
    let mut ledger = Ledger::new();
    let mut entries = billing_run(&mut ledger, "t2", &["acc-of-t2"], 0);
    let refund = ledger.book(
        draft("t1", "u-clerk", LedgerKind::Refund, 4_000, at(1, 10, 0)).on_account("acc-of-t2"),
    );
    entries.push(refund.clone());
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingCrossTenant]);
    let alert = &alerts[0];
    assert_eq!(alert.tenant_id, "t1");
    assert_eq!(alert.subject.account_id.as_deref(), Some("acc-of-t2"));
    assert_eq!(
        alert.subject.entry_id.as_deref(),
        Some(refund.entry_id.as_str())
    );
    assert_eq!(alert.evidence["owner_tenant_id"], "t2");
}

#[test]
fn a_refund_to_the_tenants_own_account_stays_quiet() {
    let mut ledger = Ledger::new();
    let mut entries = billing_run(&mut ledger, "t1", &["acc-own"], 0);
    entries.push(ledger.book(
        draft("t1", "u-clerk", LedgerKind::Refund, 4_000, at(1, 10, 0)).on_account("acc-own"),
    ));
    entries.push(ledger.book(
        draft("t1", "u-clerk", LedgerKind::Credit, -2_500, at(1, 11, 0)).on_account("acc-own"),
    ));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn a_charge_on_another_tenants_account_is_not_cross_tenant() {
    let mut ledger = Ledger::new();
    let mut entries = billing_run(&mut ledger, "t2", &["acc-of-t2"], 0);
    entries.push(ledger.book(
        draft("t1", "u-clerk", LedgerKind::Charge, 4_000, at(1, 10, 0)).on_account("acc-of-t2"),
    ));
    assert!(incidents(&entries).is_empty());
}

/// Ownership is learned from charges and payments: an account never
/// charged or paid is nobody's yet, so a refund to it is not judged.
#[test]
fn a_refund_to_an_account_never_charged_is_not_judged() {
    let mut ledger = Ledger::new();
    let refund = ledger.book(
        draft("t1", "u-clerk", LedgerKind::Refund, 4_000, at(1, 10, 0)).on_account("acc-new"),
    );
    assert!(incidents(&[refund]).is_empty());
}
