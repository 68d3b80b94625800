//! Each staff actor against their own history and their peers', and the
//! benign look-alikes that must stay quiet.

use nexzo_anomaly::AlertKind;
use nexzo_schemas::{LedgerEntry, LedgerKind};

use crate::support::{
    Ledger, at, billing_run, draft, in_time_order, incidents, kinds, ordinary_weeks,
};

/// Six ordinary weeks of `u-clerk` in `t1`, from day 0.
fn six_weeks(ledger: &mut Ledger) -> Vec<LedgerEntry> {
    ordinary_weeks(ledger, "t1", "u-clerk", 0, 42)
}

#[test]
fn an_adjustment_ten_times_the_actors_habit_is_an_unusual_amount() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Adjustment,
        -40_000,
        at(44, 11, 0),
    )));
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingUnusualAmount]);
    assert_eq!(alerts[0].subject.actor_id.as_deref(), Some("u-clerk"));
    assert_eq!(alerts[0].evidence["own_median_minor"], 4_000.0);
}

#[test]
fn a_large_adjustment_approved_by_someone_else_is_not_unusual() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    let approved = draft(
        "t1",
        "u-clerk",
        LedgerKind::Adjustment,
        -40_000,
        at(44, 11, 0),
    );
    entries.push(ledger.book(approved.approved_by("u-manager")));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn a_newcomers_first_ordinary_week_stays_quiet() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    entries.extend(ordinary_weeks(&mut ledger, "t1", "u-peer", 0, 42));
    entries.extend(ordinary_weeks(&mut ledger, "t1", "u-newcomer", 42, 7));
    assert!(incidents(&in_time_order(entries)).is_empty());
}

#[test]
fn three_refunds_just_below_the_threshold_in_one_day_are_splitting() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    for (hour, amount) in [(10, 46_000), (11, 47_500), (13, 44_000)] {
        entries.push(ledger.book(draft(
            "t1",
            "u-clerk",
            LedgerKind::Refund,
            amount,
            at(44, hour, 30),
        )));
    }
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingThresholdSplitting]);
    assert_eq!(alerts[0].evidence["count"], 3);
    assert_eq!(alerts[0].evidence["entry_count"], 3);
    assert_eq!(alerts[0].first_seen, at(44, 10, 30));
}

#[test]
fn just_below_entries_a_week_apart_are_not_splitting() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    for day in [43, 50, 57] {
        entries.push(ledger.book(draft(
            "t1",
            "u-clerk",
            LedgerKind::Refund,
            46_000,
            at(day, 11, 30),
        )));
    }
    assert!(incidents(&in_time_order(entries)).is_empty());
}

#[test]
fn a_credit_at_half_past_two_in_the_night_is_off_hours() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(44, 2, 30),
    )));
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingOffHours]);
    assert_eq!(alerts[0].evidence["reason"], "hour_never_worked");
    assert_eq!(alerts[0].evidence["hour_utc"], 2);
}

#[test]
fn a_credit_on_a_saturday_by_a_weekday_worker_is_off_hours() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(47, 11, 0),
    )));
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingOffHours]);
    assert_eq!(alerts[0].evidence["reason"], "weekday_never_worked");
}

#[test]
fn a_slightly_longer_day_stays_quiet() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(44, 16, 50),
    )));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn working_hours_are_not_judged_before_there_is_enough_history() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 7);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(8, 2, 30),
    )));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn an_actor_back_after_two_months_moving_money_is_dormant() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 28);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        3_000,
        at(88, 10, 15),
    )));
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingDormantActor]);
    assert_eq!(alerts[0].evidence["absent_days"], 62);
}

#[test]
fn a_return_from_a_three_week_holiday_stays_quiet() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 28);
    entries.extend(ordinary_weeks(&mut ledger, "t1", "u-clerk", 49, 14));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn approving_others_entries_keeps_an_actor_from_looking_dormant() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-manager", 0, 28);
    for day in (30..88).step_by(7) {
        let approved = draft("t1", "u-clerk", LedgerKind::Refund, 60_000, at(day, 11, 0));
        entries.push(ledger.book(approved.approved_by("u-manager")));
    }
    entries.push(ledger.book(draft(
        "t1",
        "u-manager",
        LedgerKind::Credit,
        -2_000,
        at(88, 10, 15),
    )));
    assert!(incidents(&entries).is_empty());
}

#[test]
fn ten_write_offs_in_an_hour_by_someone_who_never_writes_off_are_one_spree() {
    let mut ledger = Ledger::new();
    let mut entries = six_weeks(&mut ledger);
    for minute in 0..10 {
        entries.push(ledger.book(draft(
            "t1",
            "u-clerk",
            LedgerKind::WriteOff,
            -3_000,
            at(44, 11, minute * 5),
        )));
    }
    let alerts = incidents(&entries);

    assert_eq!(kinds(&alerts), [AlertKind::BillingWriteOffSpree]);
    assert_eq!(alerts[0].evidence["entry_count"], 10);
    assert_eq!(alerts[0].first_seen, at(44, 11, 0));
}

#[test]
fn a_write_off_batch_booked_every_month_is_reported_at_most_twice() {
    let mut ledger = Ledger::new();
    let mut entries = ordinary_weeks(&mut ledger, "t1", "u-clerk", 0, 140);
    // The first Monday of February to May 2026.
    for day in [28, 56, 84, 119] {
        for minute in 0..8 {
            entries.push(ledger.book(draft(
                "t1",
                "u-clerk",
                LedgerKind::WriteOff,
                -3_000,
                at(day, 11, minute * 5),
            )));
        }
    }
    let alerts = incidents(&in_time_order(entries));
    assert!(
        alerts
            .iter()
            .all(|a| a.kind == AlertKind::BillingWriteOffSpree),
        "{alerts:?}"
    );
    let sprees = alerts.len();
    assert!((1..=2).contains(&sprees), "{sprees} sprees");
}

#[test]
fn a_service_midnight_run_stays_quiet_whatever_its_id() {
    let mut ledger = Ledger::new();
    let accounts: Vec<String> = (0..30).map(|i| format!("acc-{i}")).collect();
    let mut entries = Vec::new();
    for day in [0, 31, 59] {
        for account in &accounts {
            let charge = draft(
                "t1",
                "billing-robot",
                LedgerKind::Charge,
                90_000,
                at(day, 0, 0),
            );
            entries.push(ledger.book(charge.on_account(account)));
        }
        // The same run writes off small balances, also at midnight.
        for account in accounts.iter().take(12) {
            let write_off = draft(
                "t1",
                "billing-robot",
                LedgerKind::WriteOff,
                -150,
                at(day, 0, 0),
            );
            entries.push(ledger.book(write_off.on_account(account)));
        }
    }
    let names: Vec<&str> = accounts.iter().map(String::as_str).collect();
    entries.extend(billing_run(&mut ledger, "t1", &names, 90));
    assert!(incidents(&entries).is_empty());
}
