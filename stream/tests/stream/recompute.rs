//! Rebuilding history from stored readings: the same buckets the live
//! stream would have produced had every reading been on time.

use crate::support::{BERLIN, METER, at, every_quarter, render};
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_stream::recompute::{rebuild, whole_days};
use nexzo_stream::{BucketWidth, MeterConfig, Outcome, Sample, latest};

fn samples(readings: &[(DateTime<Utc>, i64)]) -> Vec<Sample> {
    readings
        .iter()
        .map(|&(ts, energy_wh)| Sample { ts, energy_wh })
        .collect()
}

#[test]
fn a_range_is_taken_in_whole_local_days_and_never_reaches_later_than_asked() {
    // Berlin is UTC+1 in March before the change: days start at 23:00 UTC.
    let (from, to) = whole_days(
        at("2026-03-10T05:00:00Z"),
        at("2026-03-12T10:00:00Z"),
        &BERLIN,
    );
    assert_eq!(from, at("2026-03-09T23:00:00Z"));
    assert_eq!(to, at("2026-03-11T23:00:00Z"));

    let (from, to) = whole_days(
        at("2026-03-10T01:00:00Z"),
        at("2026-03-10T20:00:00Z"),
        &BERLIN,
    );
    assert_eq!(from, to, "no midnight inside: nothing to rebuild");
}

#[test]
fn a_range_over_the_spring_change_holds_a_day_of_twenty_three_hours() {
    let (from, to) = whole_days(
        at("2026-03-29T00:00:00Z"),
        at("2026-03-30T12:00:00Z"),
        &BERLIN,
    );
    assert_eq!(from, at("2026-03-28T23:00:00Z"));
    assert_eq!(to, at("2026-03-29T22:00:00Z"));
    assert_eq!(to - from, TimeDelta::hours(23));
}

#[test]
fn a_rebuild_matches_the_live_stream_that_saw_a_late_reading_in_time() {
    // A day of quarter-hourly readings; the 10:30 one arrives out of order.
    let readings = every_quarter("2026-03-10T00:00:00Z", "2026-03-11T02:00:00Z", 0, 37);
    let mut live = crate::support::stream(MeterConfig::default());
    let mut updates = Vec::new();
    let late = at("2026-03-10T10:30:00Z");
    for &(ts, wh) in readings.iter().filter(|(ts, _)| *ts != late) {
        updates.extend(live.push(ts, wh).updates);
        if ts == at("2026-03-10T11:30:00Z") {
            let (late_ts, late_wh) = readings.iter().copied().find(|(t, _)| *t == late).unwrap();
            let pushed = live.push(late_ts, late_wh);
            assert_eq!(pushed.outcome, Outcome::Applied);
            updates.extend(pushed.updates);
        }
    }

    let (from, to) = whole_days(
        at("2026-03-10T00:00:00Z"),
        at("2026-03-11T00:00:00Z"),
        &BERLIN,
    );
    let rebuilt = rebuild(
        METER,
        &samples(&readings),
        &MeterConfig::default(),
        BERLIN,
        from,
        to,
    )
    .unwrap();

    let live_in_range: Vec<_> = latest(&updates)
        .into_values()
        .filter(|u| u.start >= from && u.start < to)
        .map(|mut u| {
            u.is_final = true;
            u
        })
        .collect();
    assert!(!rebuilt.is_empty());
    assert_eq!(render(&rebuilt), render(&live_in_range));
}

#[test]
fn a_rebuild_takes_in_a_reading_the_live_stream_refused_as_too_late() {
    let mut readings = every_quarter("10:00", "14:00", 1_000, 100);
    // The meter really drew nothing from 10:00 to 10:30, then 300 Wh by
    // 10:45: a reading at 10:30 saying so arrives three hours late.
    readings.retain(|(ts, _)| *ts != at("10:15") && *ts != at("10:30"));
    let mut live = crate::support::stream(MeterConfig::default());
    for &(ts, wh) in &readings {
        live.push(ts, wh);
    }
    assert!(matches!(
        live.push(at("10:30"), 1_000).outcome,
        Outcome::TooLate { .. }
    ));

    readings.push((at("10:30"), 1_000));
    let rebuilt = rebuild(
        METER,
        &samples(&readings),
        &MeterConfig::default(),
        BERLIN,
        at("10:00"),
        at("11:00"),
    )
    .unwrap();
    let quarters: Vec<String> = render(rebuilt.iter().filter(|u| u.width == BucketWidth::Min15));
    assert_eq!(
        quarters,
        [
            "15m 03-10T10:00 0 final",
            "15m 03-10T10:15 0 final",
            "15m 03-10T10:30 300 final",
            "15m 03-10T10:45 100 final",
        ],
        "10:00–10:30 drew nothing, and says so; the hour still sums to 400"
    );
}

#[test]
fn buckets_at_the_edges_of_the_range_use_the_readings_just_outside_it() {
    // Hourly readings; the range starts mid-interval at 10:00 (the reading
    // before is at 09:30) and the reading after it is at 11:30.
    let readings = [(at("09:30"), 0), (at("10:30"), 400), (at("11:30"), 800)];
    let rebuilt = rebuild(
        METER,
        &samples(&readings),
        &MeterConfig {
            expected_cadence_secs: 3600,
            ..MeterConfig::default()
        },
        BERLIN,
        at("10:00"),
        at("11:00"),
    )
    .unwrap();
    let hours: Vec<String> = render(rebuilt.iter().filter(|u| u.width == BucketWidth::Hour));
    assert_eq!(hours, ["1h 03-10T10:00 400 final"]);
    assert!(
        rebuilt
            .iter()
            .all(|u| u.start >= at("10:00") && u.start < at("11:00")),
        "nothing outside the range"
    );
}
