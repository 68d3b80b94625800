//! The hash chain: re-deliveries, rewrites, breaks, forks and reordering.

use nexzo_anomaly::billing::BillingDetector;
use nexzo_anomaly::{AlertKind, Checkpointed};
use nexzo_schemas::{GENESIS_HASH, LedgerEntry, LedgerKind};

use crate::support::{Ledger, at, billing_run, detector, draft, hashed, incidents, kinds};

/// Ten service charges in tenant `t1`, a minute apart.
fn chain_of_ten(ledger: &mut Ledger) -> Vec<LedgerEntry> {
    (0..10)
        .map(|i| {
            let account = format!("acc-{i}");
            ledger.book(
                draft("t1", "svc.billing", LedgerKind::Charge, 10_000, at(0, 9, i))
                    .on_account(&account),
            )
        })
        .collect()
}

#[test]
fn an_intact_chain_with_exact_redeliveries_stays_quiet_and_changes_no_state() {
    let mut ledger = Ledger::new();
    let entries = chain_of_ten(&mut ledger);
    let mut detector = detector();
    for entry in &entries {
        assert!(detector.observe(entry).is_empty());
    }
    detector.take_dirty();

    // Both re-sent, one straight away and one much later.
    assert!(detector.observe(&entries[9]).is_empty());
    assert!(detector.observe(&entries[2]).is_empty());
    assert!(detector.take_dirty().is_empty());
}

#[test]
fn an_entry_resent_with_a_different_amount_is_a_rewrite_and_only_that() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    let mut copy = entries[4].clone();
    copy.amount_minor = 1;
    copy.actor_id = "u-insider".into();
    entries.push(hashed(copy.clone()));
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingEntryRewritten]);
    assert_eq!(alerts[0].subject.entry_id, Some(copy.entry_id.clone()));
    assert_eq!(alerts[0].subject.actor_id.as_deref(), Some("u-insider"));
    assert_eq!(
        alerts[0].evidence["original_hash"],
        entries[4].hash.as_str()
    );
}

#[test]
fn an_entry_whose_prev_hash_points_nowhere_is_reported_once_the_lateness_has_passed() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    let mut forged = ledger.book(draft(
        "t1",
        "u-insider",
        LedgerKind::Adjustment,
        -900,
        at(0, 9, 30),
    ));
    forged.prev_hash = "ab".repeat(32);
    let forged = hashed(forged);
    entries.push(forged.clone());

    let mut detector = detector();
    let mut raised = Vec::new();
    for entry in &entries {
        raised.extend(detector.observe(entry));
    }
    assert!(raised.is_empty(), "a missing predecessor may still arrive");

    // Another tenant's entry an hour later moves the watermark on.
    let later = Ledger::new().book(draft(
        "t2",
        "svc.billing",
        LedgerKind::Charge,
        10_000,
        at(0, 10, 31),
    ));
    let alerts = detector.observe(&later);
    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(alerts[0].subject.entry_id, Some(forged.entry_id.clone()));
    assert_eq!(
        alerts[0].ts, forged.ts,
        "stamped with the entry that broke the link"
    );
    assert_eq!(alerts[0].evidence["reason"], "unknown_predecessor");
}

#[test]
fn a_deleted_entry_breaks_the_link_of_the_one_after_it() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    entries.remove(5);
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(
        alerts[0].subject.entry_id,
        Some(entries[5].entry_id.clone())
    );
}

#[test]
fn a_second_entry_claiming_the_same_predecessor_is_a_fork() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    let mut fork = ledger.book(draft(
        "t1",
        "u-insider",
        LedgerKind::Credit,
        -700,
        at(0, 9, 45),
    ));
    fork.prev_hash = entries[3].hash.clone();
    let fork = hashed(fork);
    entries.push(fork.clone());
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(alerts[0].subject.entry_id, Some(fork.entry_id.clone()));
    assert_eq!(
        alerts[0].evidence["competing_entry_id"],
        entries[4].entry_id.as_str()
    );
}

#[test]
fn an_edited_entry_and_its_orphaned_successor_are_one_incident() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    // The insider edits entry 5's link; entry 6 still names the old hash.
    entries[5].prev_hash = "cd".repeat(32);
    entries[5] = hashed(entries[5].clone());
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(
        alerts[0].subject.entry_id,
        Some(entries[5].entry_id.clone())
    );
    assert_eq!(alerts[0].evidence["entry_count"], 2);
}

#[test]
fn a_month_start_batch_delivered_in_any_order_links_without_alerts() {
    let mut ledger = Ledger::new();
    let accounts: Vec<String> = (0..40).map(|i| format!("acc-{i}")).collect();
    let names: Vec<&str> = accounts.iter().map(String::as_str).collect();
    let mut entries = billing_run(&mut ledger, "t1", &names, 0);
    // Ordered by hash: a shuffle that is the same on every run.
    entries.sort_by(|a, b| a.hash.cmp(&b.hash));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn a_detector_started_mid_chain_takes_the_first_entries_as_they_come() {
    let mut ledger = Ledger::new();
    let entries = chain_of_ten(&mut ledger);
    // It starts at entry 4, and entry 3 then arrives late.
    let mut late_start: Vec<LedgerEntry> = entries[4..].to_vec();
    late_start.insert(1, entries[3].clone());
    assert!(incidents(&late_start).is_empty());
}

/// A genesis entry by `u-insider` dated after the chain began.
fn restart() -> LedgerEntry {
    let mut restart = Ledger::new().book(draft(
        "t1",
        "u-insider",
        LedgerKind::Credit,
        -700,
        at(0, 9, 50),
    ));
    assert_eq!(restart.prev_hash, GENESIS_HASH);
    restart.entry_id = "le-restart".into();
    hashed(restart)
}

#[test]
fn restarting_a_chain_first_seen_midway_is_reported_at_once() {
    let mut ledger = Ledger::new();
    let entries = chain_of_ten(&mut ledger);
    let mut detector: BillingDetector = detector();
    for entry in &entries[3..] {
        assert!(detector.observe(entry).is_empty());
    }
    let alerts = detector.observe(&restart());
    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(alerts[0].evidence["reason"], "chain_restarted");
}

#[test]
fn a_second_genesis_entry_is_a_fork_of_the_first() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    entries.push(restart());
    let alerts = incidents(&entries);
    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(alerts[0].evidence["reason"], "predecessor_already_followed");
    assert_eq!(
        alerts[0].evidence["competing_entry_id"],
        entries[0].entry_id.as_str()
    );
}

#[test]
fn a_broken_link_still_waiting_at_the_end_of_a_file_is_reported_by_finish() {
    let mut ledger = Ledger::new();
    let mut entries = chain_of_ten(&mut ledger);
    entries.remove(8);
    let mut detector = detector();
    for entry in &entries {
        assert!(detector.observe(entry).is_empty());
    }
    let alerts = detector.finish();
    assert_eq!(kinds(&alerts), [AlertKind::BillingChainBroken]);
    assert_eq!(
        alerts[0].subject.entry_id,
        Some(entries[8].entry_id.clone())
    );
}
