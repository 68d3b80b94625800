#![allow(clippy::unwrap_used)]

use chrono::TimeZone;

use super::*;
use crate::AlertPhase;

const WINDOWS_PER_DAY: i64 = 96;

fn detector() -> ExportDetector {
    ExportDetector::new(ExportConfig::default()).unwrap()
}

fn key(tenant: &str, id: &str) -> Reader {
    Reader {
        tenant_id: tenant.into(),
        credential: Credential::ApiKey(id.into()),
    }
}

/// The end of the `n`th quarter-hour window after the start of the data.
fn window(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + TimeDelta::minutes(15 * (n + 1))
}

fn counts(entries: &[(&Reader, u64)]) -> BTreeMap<Reader, u64> {
    entries.iter().map(|(r, n)| ((*r).clone(), *n)).collect()
}

/// Feeds `rows(n)` for `reader` over windows `from..to`, returning every
/// alert raised.
fn feed(
    detector: &mut ExportDetector,
    reader: &Reader,
    windows: std::ops::Range<i64>,
    rows: impl Fn(i64) -> u64,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for n in windows {
        let read = rows(n);
        let window_counts = if read == 0 {
            BTreeMap::new()
        } else {
            counts(&[(reader, read)])
        };
        alerts.extend(detector.observe_window(window(n), &window_counts));
    }
    alerts
}

/// A dashboard integration: 800 rows in every window of the working day.
fn dashboard(n: i64) -> u64 {
    let hour = (n % WINDOWS_PER_DAY) / 4;
    if (8..18).contains(&hour) { 800 } else { 0 }
}

#[test]
fn an_export_far_beyond_the_readers_own_peak_opens_one_incident_that_closes() {
    let mut detector = detector();
    let reader = key("t1", "k1");
    let warm_up = feed(&mut detector, &reader, 0..3 * WINDOWS_PER_DAY, dashboard);
    assert!(warm_up.is_empty(), "ordinary use alerted: {warm_up:#?}");

    let start = 3 * WINDOWS_PER_DAY + 40;
    let export = feed(&mut detector, &reader, start..start + 3, |_| 200_000);
    assert_eq!(export.len(), 3, "{export:#?}");
    assert_eq!(export[0].phase, AlertPhase::Opened);
    assert_eq!(export[0].kind, AlertKind::ApiMassExport);
    assert_eq!(export[0].tenant_id, "t1");
    assert_eq!(export[0].subject.api_key_id.as_deref(), Some("k1"));
    assert_eq!(export[0].evidence["peak_rows"], 800);
    assert_eq!(export[0].evidence["threshold_rows"], 20_000);
    assert_eq!(export[0].severity, Severity::High);
    assert!(export[1..].iter().all(|a| a.phase == AlertPhase::Updated));
    assert!(export.iter().all(|a| a.id == export[0].id), "one incident");

    let after = feed(&mut detector, &reader, start + 3..start + 4, |_| 800);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].phase, AlertPhase::Closed);
    assert_eq!(after[0].id, export[0].id);
}

#[test]
fn a_nightly_job_of_its_usual_size_is_its_own_normal_but_ten_times_it_is_not() {
    let mut detector = detector();
    let reader = key("t1", "nightly");
    let nightly = |size: u64| move |n: i64| if n % WINDOWS_PER_DAY == 8 { size } else { 0 };
    let learned = feed(
        &mut detector,
        &reader,
        0..2 * WINDOWS_PER_DAY,
        nightly(45_000),
    );
    assert!(learned.is_empty(), "{learned:#?}");
    let usual = feed(
        &mut detector,
        &reader,
        2 * WINDOWS_PER_DAY..4 * WINDOWS_PER_DAY,
        nightly(48_000),
    );
    assert!(
        usual.is_empty(),
        "a job of its usual size alerted: {usual:#?}"
    );

    let grown = feed(
        &mut detector,
        &reader,
        4 * WINDOWS_PER_DAY..5 * WINDOWS_PER_DAY,
        nightly(600_000),
    );
    assert_eq!(grown[0].phase, AlertPhase::Opened, "{grown:#?}");
    assert_eq!(grown[0].evidence["peak_rows"], 48_000);
    assert_eq!(
        grown[0].severity,
        Severity::Medium,
        "1.25 times the threshold"
    );
    assert_eq!(
        grown[1].phase,
        AlertPhase::Closed,
        "the next window read nothing"
    );
}

#[test]
fn a_scheduled_job_that_alerted_on_its_first_run_is_its_own_normal_afterwards() {
    let mut detector = detector();
    let reader = key("t1", "big-nightly");
    let nightly = |n: i64| if n % WINDOWS_PER_DAY == 8 { 120_000 } else { 0 };
    let alerts = feed(&mut detector, &reader, 0..6 * WINDOWS_PER_DAY, nightly);
    let phases: Vec<AlertPhase> = alerts.iter().map(|a| a.phase).collect();
    assert_eq!(
        phases,
        [AlertPhase::Opened, AlertPhase::Closed],
        "{alerts:#?}"
    );
    assert_eq!(detector.readers(), 1, "the job's reader is remembered");
}

#[test]
fn a_weekly_job_an_hour_late_still_finds_last_weeks_run() {
    let mut detector = detector();
    let reader = key("t1", "weekly");
    let first = feed(&mut detector, &reader, 0..2 * WINDOWS_PER_DAY, dashboard);
    assert!(first.is_empty());
    let at = 2 * WINDOWS_PER_DAY + 8;
    let week = 7 * WINDOWS_PER_DAY;
    let run = |late: i64| move |n: i64| if n == at + late { 60_000 } else { dashboard(n) };
    let one = feed(&mut detector, &reader, 2 * WINDOWS_PER_DAY..at + 2, run(0));
    assert_eq!(
        one.len(),
        2,
        "the first run alerts once and closes: {one:#?}"
    );
    let next = feed(&mut detector, &reader, at + 2..at + week + 5, run(week + 4));
    assert!(next.is_empty(), "{next:#?}");
}

#[test]
fn a_new_reader_is_held_to_the_cold_limit_until_warmed_up() {
    let mut detector = detector();
    let reader = key("t1", "fresh");
    assert!(feed(&mut detector, &reader, 0..1, |_| 45_000).is_empty());
    let alerts = feed(&mut detector, &reader, 1..2, |_| 60_000);
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].evidence["warming_up"], true);
    assert_eq!(alerts[0].evidence["threshold_rows"], 50_000);
}

#[test]
fn small_reads_never_alert_however_quiet_the_reader_was() {
    let mut detector = detector();
    let reader = key("t1", "quiet");
    let alerts = feed(&mut detector, &reader, 0..4 * WINDOWS_PER_DAY, |n| {
        if n < 3 * WINDOWS_PER_DAY { 10 } else { 19_000 }
    });
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn an_export_going_on_does_not_become_its_own_baseline() {
    let mut detector = detector();
    let reader = key("t1", "k1");
    feed(&mut detector, &reader, 0..2 * WINDOWS_PER_DAY, dashboard);
    let start = 2 * WINDOWS_PER_DAY;
    let alerts = feed(&mut detector, &reader, start..start + 20, |_| 30_000);
    assert_eq!(alerts.len(), 20, "every window of it is reported");
    assert!(alerts.iter().all(|a| a.phase != AlertPhase::Closed));
    assert!(alerts.iter().all(|a| a.evidence["peak_rows"] == 800));
}

#[test]
fn readers_are_told_apart_by_tenant_and_credential() {
    let mut detector = detector();
    let a = key("t1", "same-id");
    let b = key("t2", "same-id");
    let user = Reader {
        tenant_id: "t1".into(),
        credential: Credential::User("same-id".into()),
    };
    for n in 0..2 * WINDOWS_PER_DAY {
        let rows = dashboard(n);
        detector.observe_window(window(n), &counts(&[(&a, rows), (&b, rows), (&user, rows)]));
    }
    let n = 2 * WINDOWS_PER_DAY + 40;
    let alerts =
        detector.observe_window(window(n), &counts(&[(&b, 90_000), (&a, 800), (&user, 800)]));
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].tenant_id, "t2");
    assert_eq!(detector.readers(), 3);

    let by_user = detector.observe_window(window(n + 1), &counts(&[(&user, 90_000)]));
    assert_eq!(
        by_user
            .iter()
            .filter(|a| a.phase == AlertPhase::Opened)
            .count(),
        1
    );
    let opened = by_user
        .iter()
        .find(|a| a.phase == AlertPhase::Opened)
        .unwrap();
    assert_eq!(opened.subject.user_id.as_deref(), Some("same-id"));
    assert_eq!(opened.subject.api_key_id, None);
}

#[test]
fn readers_quiet_for_the_whole_history_are_forgotten() {
    let mut detector = detector();
    let reader = key("t1", "gone");
    feed(&mut detector, &reader, 0..1, |_| 500);
    assert_eq!(detector.readers(), 1);
    let quiet = 8 * WINDOWS_PER_DAY + 1;
    feed(&mut detector, &reader, 1..quiet, |_| 0);
    assert_eq!(detector.readers(), 0);
}

#[test]
fn every_configuration_problem_is_reported() {
    let config = ExportConfig {
        window_secs: 5,
        factor: 0.5,
        min_rows: 0,
        ..ExportConfig::default()
    };
    let err = ExportDetector::new(config).unwrap_err();
    assert_eq!(err.problems.len(), 3, "{err}");
}
