//! Local days in Europe/Berlin across the clock changes of 2026: the
//! spring-forward day has 23 hours, the fall-back day 25.

use crate::support::{BERLIN, METER, at};
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_stream::{BucketUpdate, BucketWidth, MeterConfig, MeterStream, Outcome, latest};

/// A steady 1 kW (250 Wh per quarter-hour) from the UTC start of the local
/// day before to three hours past the end of the day after `day_start`, so
/// that the day of interest is final.
fn steady_kilowatt_around(day_start: &str) -> Vec<BucketUpdate> {
    let first = at(day_start) - TimeDelta::days(1);
    let mut meter = MeterStream::new(METER, MeterConfig::default(), BERLIN).unwrap();
    let mut updates = Vec::new();
    for k in 0..(3 * 96 + 12) {
        let pushed = meter.push(first + TimeDelta::minutes(15 * k), 250 * k);
        assert_eq!(pushed.outcome, Outcome::Applied);
        updates.extend(pushed.updates);
    }
    latest(&updates).into_values().collect()
}

fn bucket(buckets: &[BucketUpdate], width: BucketWidth, start: DateTime<Utc>) -> &BucketUpdate {
    buckets
        .iter()
        .find(|b| b.width == width && b.start == start)
        .unwrap()
}

fn hours_within(buckets: &[BucketUpdate], day: &BucketUpdate) -> Vec<i64> {
    let inside = |b: &&BucketUpdate| {
        b.width == BucketWidth::Hour && b.start >= day.start && b.end <= day.end
    };
    buckets.iter().filter(inside).map(|b| b.energy_wh).collect()
}

#[test]
fn the_spring_forward_day_in_berlin_has_23_hours() {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST. The local day runs from
    // 23:00 UTC the evening before to 22:00 UTC.
    let buckets = steady_kilowatt_around("2026-03-28T23:00:00Z");
    let day = bucket(&buckets, BucketWidth::Day, at("2026-03-28T23:00:00Z"));

    assert_eq!(day.end, at("2026-03-29T22:00:00Z"));
    assert_eq!(day.energy_wh, 23_000);
    assert!(day.is_final && !day.estimated);
    assert_eq!(hours_within(&buckets, day), [1_000; 23]);
}

#[test]
fn the_fall_back_day_in_berlin_has_25_hours() {
    // 25 October 2026: 03:00 CEST becomes 02:00 CET, so the hour from 02:00
    // is lived twice. The local day runs from 22:00 UTC to 23:00 UTC.
    let buckets = steady_kilowatt_around("2026-10-24T22:00:00Z");
    let day = bucket(&buckets, BucketWidth::Day, at("2026-10-24T22:00:00Z"));

    assert_eq!(day.end, at("2026-10-25T23:00:00Z"));
    assert_eq!(day.energy_wh, 25_000);
    assert!(day.is_final && !day.estimated);
    assert_eq!(hours_within(&buckets, day), [1_000; 25]);
}

#[test]
fn the_days_around_a_clock_change_keep_24_hours() {
    let buckets = steady_kilowatt_around("2026-03-28T23:00:00Z");
    let before = bucket(&buckets, BucketWidth::Day, at("2026-03-27T23:00:00Z"));
    let after = bucket(&buckets, BucketWidth::Day, at("2026-03-29T22:00:00Z"));

    assert_eq!(
        (before.end, before.energy_wh),
        (at("2026-03-28T23:00:00Z"), 24_000)
    );
    assert_eq!(
        (after.end, after.energy_wh),
        (at("2026-03-30T22:00:00Z"), 24_000)
    );
}
