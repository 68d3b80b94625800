//! What the detector says about ordinary weeks, the incidents it exists
//! for, and the days that only look like incidents.

use chrono::TimeDelta;
use nexzo_anomaly::usage::{UsageConfig, UsageDetector};
use nexzo_anomaly::{AlertKind, AlertPhase};

use crate::series::{self, between, feed, generate, home, monday, office};

/// Four weeks to learn, then the incident.
const LEARN_DAYS: i64 = 28;

fn detector(cadence_secs: u32) -> UsageDetector {
    UsageDetector::new(UsageConfig::with_cadence(cadence_secs)).expect("valid config")
}

fn opened(alerts: &[nexzo_anomaly::Alert]) -> Vec<AlertKind> {
    alerts
        .iter()
        .filter(|a| a.phase == AlertPhase::Opened)
        .map(|a| a.kind)
        .collect()
}

#[test]
fn eight_ordinary_weeks_of_an_office_raise_no_alert_and_score_low() {
    let series = generate(office, monday(), 56, 900, 0.1, 1);
    let mut detector = detector(900);
    let (scores, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert!(alerts.is_empty(), "alerts on ordinary data: {alerts:#?}");
    let low = scores.iter().filter(|s| **s < 0.3).count();
    assert!(
        low as f64 >= 0.99 * scores.len() as f64,
        "only {low} of {} below 0.3",
        scores.len()
    );
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
}

#[test]
fn a_tenfold_hour_in_an_office_afternoon_is_one_spike_alert_opened_and_closed() {
    let mut series = generate(office, monday(), LEARN_DAYS + 3, 900, 0.1, 2);
    let at = monday() + TimeDelta::days(LEARN_DAYS + 1) + TimeDelta::hours(14);
    for i in between(&series, at, at + TimeDelta::hours(1)) {
        series[i].1 *= 10.0;
    }
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert_eq!(opened(&alerts), vec![AlertKind::UsageSpike]);
    let closed: Vec<_> = alerts
        .iter()
        .filter(|a| a.phase == AlertPhase::Closed)
        .collect();
    assert_eq!(closed.len(), 1);
    assert!(
        alerts.iter().all(|a| a.id == alerts[0].id),
        "one incident, one id"
    );
    assert_eq!(alerts[0].ts, at);
    assert!(closed[0].last_seen < at + TimeDelta::hours(2));
    let evidence = &alerts[0].evidence;
    assert!(
        evidence["observed"].as_f64().expect("observed")
            > evidence["expected"].as_f64().expect("expected") * 5.0
    );
    assert_eq!(evidence["baseline"], "weekly");
}

#[test]
fn an_office_that_reads_zero_all_working_day_is_a_flatline() {
    let mut series = generate(office, monday(), LEARN_DAYS + 3, 900, 0.1, 3);
    let day = monday() + TimeDelta::days(LEARN_DAYS + 1);
    for i in between(
        &series,
        day + TimeDelta::hours(9),
        day + TimeDelta::hours(17),
    ) {
        series[i].1 = 0.0;
    }
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert_eq!(opened(&alerts), vec![AlertKind::UsageFlatline]);
}

#[test]
fn a_value_stuck_for_an_afternoon_where_it_normally_varies_is_a_flatline() {
    let mut series = generate(home, monday(), LEARN_DAYS + 3, 900, 0.15, 4);
    let day = monday() + TimeDelta::days(LEARN_DAYS + 1);
    let range = between(
        &series,
        day + TimeDelta::hours(12),
        day + TimeDelta::hours(20),
    );
    let stuck = series[range.start - 1].1;
    for i in range {
        series[i].1 = stuck;
    }
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert_eq!(opened(&alerts), vec![AlertKind::UsageFlatline]);
    let first = &alerts[0];
    assert!(
        first.first_seen < first.ts,
        "the run began before the alert"
    );
}

#[test]
fn a_heater_left_on_over_an_office_night_is_off_hours_usage() {
    let mut series = generate(office, monday(), LEARN_DAYS + 3, 900, 0.1, 5);
    let night = monday() + TimeDelta::days(LEARN_DAYS + 1) + TimeDelta::hours(20);
    for i in between(&series, night, night + TimeDelta::hours(10)) {
        series[i].1 += 1.0;
    }
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert_eq!(opened(&alerts), vec![AlertKind::UsageOffHours]);
}

#[test]
fn a_noisy_home_that_halves_its_use_for_days_is_a_level_shift() {
    // Noisy enough that no single hour gives it away.
    let mut series = generate(home, monday(), LEARN_DAYS + 6, 3600, 0.5, 6);
    let from = monday() + TimeDelta::days(LEARN_DAYS) + TimeDelta::hours(10);
    for i in between(&series, from, from + TimeDelta::days(5)) {
        series[i].1 *= 0.45;
    }
    let mut detector = detector(3600);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    let kinds = opened(&alerts);
    assert!(!kinds.is_empty(), "the shift went unnoticed");
    assert!(kinds.contains(&AlertKind::UsageLevelShift), "{kinds:?}");
    assert!(
        alerts[0].ts < from + TimeDelta::days(2),
        "noticed late: {}",
        alerts[0].ts
    );
}

#[test]
fn a_public_holiday_on_a_wednesday_raises_no_alert() {
    let mut series = generate(office, monday(), LEARN_DAYS + 7, 900, 0.1, 7);
    // The Wednesday looks like the Sunday before it.
    let wednesday = monday() + TimeDelta::days(LEARN_DAYS + 2);
    let per_day = 96;
    for i in between(&series, wednesday, wednesday + TimeDelta::days(1)) {
        series[i].1 = series[i - 3 * per_day].1;
    }
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert!(alerts.is_empty(), "a holiday alarmed: {alerts:#?}");
}

#[test]
fn a_day_as_busy_as_the_busiest_ordinary_days_raises_no_alert() {
    // Ordinary days vary by up to ±20 % (in log); this one is made 22 %
    // busier than the average of its weekday over the four weeks before.
    let mut series = generate(home, monday(), LEARN_DAYS + 7, 900, 0.15, 8);
    let day = monday() + TimeDelta::days(LEARN_DAYS + 2);
    let total = |from| -> f64 {
        series[between(&series, from, from + TimeDelta::days(1))]
            .iter()
            .map(|(_, v)| v)
            .sum()
    };
    let usual = (1..=4)
        .map(|w| total(day - TimeDelta::weeks(w)))
        .sum::<f64>()
        / 4.0;
    let factor = 0.2_f64.exp() * usual / total(day);
    for i in between(&series, day, day + TimeDelta::days(1)) {
        series[i].1 *= factor;
    }
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert!(alerts.is_empty(), "a busy day alarmed: {alerts:#?}");
}

#[test]
fn the_first_weekend_of_a_new_office_meter_raises_no_alert() {
    let series = generate(office, monday(), 14, 900, 0.1, 9);
    let mut detector = detector(900);
    let (_, alerts) = feed(&mut detector, &series::meter("m1"), &series);

    assert!(alerts.is_empty(), "warm-up alarmed: {alerts:#?}");
}

#[test]
fn every_cadence_from_a_minute_to_a_day_learns_its_rhythm_and_sees_a_spike() {
    // (cadence, days of history, noise): a day's meter needs weeks more to
    // learn its weekdays than a minute's.
    let cases = [
        (60, 21, 0.1),
        (900, 28, 0.1),
        (3600, 35, 0.1),
        (86_400, 120, 0.05),
    ];
    for (cadence, days, noise) in cases {
        let seed = u64::try_from(cadence).expect("positive");
        let mut series = generate(office, monday(), days, cadence, noise, seed);
        let at = series.len() - 20.min(series.len() / 10);
        let clean = series.clone();
        series[at].1 *= 8.0;

        let mut quiet = detector(u32::try_from(cadence).expect("fits"));
        let (_, ordinary) = feed(&mut quiet, &series::meter("m1"), &clean);
        let mut watched = detector(u32::try_from(cadence).expect("fits"));
        let (scores, alerts) = feed(&mut watched, &series::meter("m1"), &series);

        assert!(
            ordinary.is_empty(),
            "cadence {cadence}: ordinary data alarmed: {ordinary:#?}"
        );
        assert!(
            scores[at] >= 0.7,
            "cadence {cadence}: spike scored {}",
            scores[at]
        );
        assert_eq!(
            opened(&alerts),
            vec![AlertKind::UsageSpike],
            "cadence {cadence}"
        );
    }
}

#[test]
fn scores_stay_in_the_unit_interval_whatever_arrives() {
    let mut series = generate(home, monday(), 10, 3600, 0.15, 10);
    let odd = [0.0, 1e12, f64::NAN, -5.0, f64::INFINITY, 1e-12];
    for (i, value) in odd.iter().enumerate() {
        series[100 + 7 * i].1 = *value;
    }
    let mut detector = detector(3600);
    let (scores, _) = feed(&mut detector, &series::meter("m1"), &series);

    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)), "{scores:?}");
    assert!(scores[100 + 7] > 0.9, "a trillion kWh is news");
}

#[test]
fn a_late_interval_is_scored_but_changes_nothing() {
    let series = generate(home, monday(), 20, 3600, 0.15, 11);
    let mut detector = detector(3600);
    feed(&mut detector, &series::meter("m1"), &series);
    let (late_time, _) = series[series.len() / 2];
    let late = series::feed(&mut detector, &series::meter("m1"), &[(late_time, 1e6)]);

    assert!(late.0[0] > 0.9);
    assert!(late.1.is_empty(), "a late interval opened an alert");
}
