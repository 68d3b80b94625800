//! The JSON-lines backtest.

use std::io::Cursor;

use nexzo_anomaly::backtest::billing::{BillingBacktestError, run};
use nexzo_anomaly::billing::BillingConfig;
use nexzo_anomaly::{Alert, AlertKind, AlertPhase};
use nexzo_schemas::{LedgerEntry, LedgerKind, RejectCode};

use crate::support::{Ledger, at, draft, ordinary_weeks, wire};

/// Runs the backtest over `lines` and returns the summary and the alerts
/// written.
fn backtest(
    lines: &[String],
) -> (
    nexzo_anomaly::backtest::billing::BillingBacktestSummary,
    Vec<Alert>,
) {
    let input = lines.join("\n");
    let mut output = Vec::new();
    let mut progress = Vec::new();
    let summary = run(
        BillingConfig::default(),
        Cursor::new(input),
        &mut output,
        |n| progress.push(n),
    )
    .unwrap();
    assert_eq!(progress.last().copied(), Some(summary.lines));
    let alerts = String::from_utf8(output)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (summary, alerts)
}

fn incident_entries(ledger: &mut Ledger) -> Vec<LedgerEntry> {
    let mut entries = ordinary_weeks(ledger, "t1", "u-clerk", 0, 42);
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Credit,
        -2_000,
        at(44, 2, 30),
    )));
    for minute in 0..6 {
        entries.push(ledger.book(draft(
            "t1",
            "u-clerk",
            LedgerKind::WriteOff,
            -3_000,
            at(44, 11, minute),
        )));
    }
    entries.push(ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        75_000,
        at(44, 12, 0),
    )));
    entries
}

#[test]
fn a_file_gives_one_line_per_incident_in_its_final_state_ordered_by_time() {
    let mut ledger = Ledger::new();
    let lines: Vec<String> = incident_entries(&mut ledger).iter().map(wire).collect();
    let (summary, alerts) = backtest(&lines);

    let kinds: Vec<AlertKind> = alerts.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AlertKind::BillingOffHours,
            AlertKind::BillingWriteOffSpree,
            AlertKind::BillingUnapproved
        ]
    );
    assert!(alerts.windows(2).all(|w| w[0].ts <= w[1].ts));
    let spree = &alerts[1];
    assert_eq!(
        spree.phase,
        AlertPhase::Updated,
        "the spree's last state, not its opening"
    );
    assert_eq!(spree.evidence["entry_count"], 6);
    assert_eq!(summary.entries, lines.len() as u64);
    assert_eq!(summary.incidents, 3);
    assert_eq!(summary.refused(), 0);
}

#[test]
fn the_alert_lines_carry_kind_severity_tenant_and_subject_at_the_top_level() {
    let mut ledger = Ledger::new();
    let refund = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        75_000,
        at(0, 10, 0),
    ));
    let mut output = Vec::new();
    run(
        BillingConfig::default(),
        Cursor::new(wire(&refund)),
        &mut output,
        |_| {},
    )
    .unwrap();
    let line: serde_json::Value = serde_json::from_slice(&output).unwrap();

    assert_eq!(line["kind"], "billing_unapproved");
    assert_eq!(line["severity"], "high");
    assert_eq!(line["tenant_id"], "t1");
    assert_eq!(line["actor_id"], "u-clerk");
    assert_eq!(line["entry_id"], refund.entry_id.as_str());
    assert_eq!(line["ts"], "2026-01-05T10:00:00Z");
}

#[test]
fn refused_lines_are_counted_by_reason_and_do_not_stop_the_run() {
    let mut ledger = Ledger::new();
    let good = ledger.book(draft(
        "t1",
        "u-clerk",
        LedgerKind::Refund,
        75_000,
        at(0, 10, 0),
    ));
    let mut tampered: serde_json::Value = serde_json::from_str(&wire(&good)).unwrap();
    tampered["amount_minor"] = 1.into();
    let lines = vec![
        "{not json".to_owned(),
        String::new(),
        tampered.to_string(),
        r#"{"schema_version": 1}"#.to_owned(),
        wire(&good),
    ];
    let (summary, alerts) = backtest(&lines);

    assert_eq!(summary.lines, 5);
    assert_eq!(summary.blank_lines, 1);
    assert_eq!(summary.entries, 1);
    assert_eq!(summary.refused(), 3);
    assert_eq!(summary.refused_by_reason.get("hash_mismatch"), Some(&1));
    assert_eq!(summary.refused_by_reason.get("malformed_json"), Some(&1));
    assert_eq!(summary.refused_by_reason.get("schema_violation"), Some(&1));
    assert_eq!(summary.first_refused[1].line, 3);
    assert_eq!(summary.first_refused[1].code, RejectCode::HashMismatch);
    assert_eq!(alerts.len(), 1);
}

#[test]
fn lines_out_of_time_order_are_sorted_before_detection() {
    let mut ledger = Ledger::new();
    let mut lines: Vec<String> = incident_entries(&mut ledger).iter().map(wire).collect();
    let sorted = backtest(&lines).1;
    lines.reverse();
    assert_eq!(backtest(&lines).1, sorted);
}

#[test]
fn an_unreadable_input_is_an_error_naming_its_line() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    let input = std::io::BufReader::new(Broken);
    let error = run(BillingConfig::default(), input, Vec::new(), |_| {}).unwrap_err();
    assert!(
        matches!(error, BillingBacktestError::Read { line: 1, .. }),
        "{error:?}"
    );
}
