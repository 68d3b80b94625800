//! Over random series of one meter: the widths agree with each other and
//! with the register to the Wh, and arrival order within the lateness does
//! not change the result.
//!
//! Series start around Berlin's spring clock change, have uneven
//! timestamps, gaps up to a day, repeated readings, and, for half of them,
//! a register that wraps at 10^6 Wh.

use crate::support::{BERLIN, METER, at};
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_stream::{
    BucketKey, BucketUpdate, BucketWidth, MeterConfig, MeterStream, Outcome, latest,
};
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::{BTreeMap, BTreeSet};

/// The default allowed lateness: arrival delays stay within it.
const LATENESS_SECS: i64 = 2 * 3600;

/// Small enough that a series of a few days wraps it, large enough that no
/// single interval (at most 20 kW for a day, 480 kWh) goes round it twice.
const MODULUS_WH: i64 = 1_000_000;

const MAX_READINGS: usize = 150;
const MAX_REPEATS: usize = 20;

#[derive(Debug, Clone)]
struct Case {
    start_offset_secs: i64,
    first_wh: i64,
    /// Seconds to the next reading and the average power over them, in W.
    steps: Vec<(i64, i64)>,
    repeats: Vec<Index>,
    delays: [Vec<i64>; 2],
    modulus: Option<i64>,
}

fn step_secs() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => 60_i64..=1_800,
        2 => 1_801_i64..=6 * 3_600,
        1 => 6 * 3_600_i64..=86_400,
    ]
}

fn delays() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(0..=LATENESS_SECS, MAX_READINGS + MAX_REPEATS + 1)
}

fn case() -> impl Strategy<Value = Case> {
    (
        0_i64..3 * 86_400,
        0_i64..1_000_000_000,
        prop::collection::vec((step_secs(), 0_i64..=20_000), 0..MAX_READINGS),
        prop::collection::vec(any::<Index>(), 0..MAX_REPEATS),
        [delays(), delays()],
        prop::option::of(Just(MODULUS_WH)),
    )
        .prop_map(
            |(start_offset_secs, first_wh, steps, repeats, delays, modulus)| Case {
                start_offset_secs,
                first_wh,
                steps,
                repeats,
                delays,
                modulus,
            },
        )
}

/// Timestamps and the true, never-wrapping register.
fn series(case: &Case) -> Vec<(DateTime<Utc>, i64)> {
    let mut ts = at("2026-03-28T12:00:00Z") + TimeDelta::seconds(case.start_offset_secs);
    let mut wh = case.first_wh;
    let mut series = vec![(ts, wh)];
    for &(secs, power_w) in &case.steps {
        ts += TimeDelta::seconds(secs);
        wh += power_w * secs / 3_600;
        series.push((ts, wh));
    }
    series
}

/// The readings and their repeats, each delayed by at most the lateness
/// and delivered in order of arrival: no reading is ever too late.
fn arrivals(
    case: &Case,
    series: &[(DateTime<Utc>, i64)],
    delays: &[i64],
) -> Vec<(DateTime<Utc>, i64)> {
    let repeats = case.repeats.iter().map(|i| series[i.index(series.len())]);
    let mut keyed: Vec<_> = series
        .iter()
        .copied()
        .chain(repeats)
        .enumerate()
        .map(|(n, (ts, wh))| (ts + TimeDelta::seconds(delays[n]), n, ts, wh))
        .collect();
    keyed.sort();
    let register = |wh: i64| case.modulus.map_or(wh, |m| wh % m);
    keyed
        .into_iter()
        .map(|(_, _, ts, wh)| (ts, register(wh)))
        .collect()
}

fn run(case: &Case, arrivals: &[(DateTime<Utc>, i64)]) -> Result<Vec<BucketUpdate>, TestCaseError> {
    let config = MeterConfig {
        register_modulus_wh: case.modulus,
        ..MeterConfig::default()
    };
    let mut meter = MeterStream::new(METER, config, BERLIN).unwrap();
    let mut updates = Vec::new();
    for &(ts, wh) in arrivals {
        let pushed = meter.push(ts, wh);
        prop_assert!(
            matches!(pushed.outcome, Outcome::Applied | Outcome::Duplicate),
            "{ts} {wh}: {:?}",
            pushed.outcome
        );
        updates.extend(pushed.updates);
    }
    Ok(updates)
}

fn total(buckets: &BTreeMap<BucketKey, BucketUpdate>, width: BucketWidth) -> i64 {
    buckets
        .values()
        .filter(|b| b.width == width)
        .map(|b| b.energy_wh)
        .sum()
}

/// Every hour and day equals the quarter-hours inside it.
fn check_widths_nest(buckets: &BTreeMap<BucketKey, BucketUpdate>) -> Result<(), TestCaseError> {
    let quarters: Vec<&BucketUpdate> = buckets
        .values()
        .filter(|b| b.width == BucketWidth::Min15)
        .collect();
    for outer in buckets.values().filter(|b| b.width != BucketWidth::Min15) {
        let inside = quarters
            .iter()
            .filter(|q| q.start >= outer.start && q.end <= outer.end);
        let sum: i64 = inside.map(|q| q.energy_wh).sum();
        prop_assert_eq!(sum, outer.energy_wh, "{:?} at {}", outer.width, outer.start);
    }
    Ok(())
}

/// A final bucket is never published again, and no bucket goes negative.
fn check_finals_stay_final(updates: &[BucketUpdate]) -> Result<(), TestCaseError> {
    let mut settled = BTreeSet::new();
    for update in updates {
        let key = BucketKey::of(update);
        prop_assert!(
            !settled.contains(&key),
            "{:?} changed after it was final",
            key
        );
        prop_assert!(update.energy_wh >= 0, "{:?}", update);
        if update.is_final {
            settled.insert(key);
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn every_width_sums_to_the_register_advance_exactly(case in case()) {
        let series = series(&case);
        let updates = run(&case, &arrivals(&case, &series, &case.delays[0]))?;
        let buckets = latest(&updates);

        let advance = series[series.len() - 1].1 - series[0].1;
        for width in BucketWidth::ALL {
            prop_assert_eq!(total(&buckets, width), advance, "{:?}", width);
        }
        check_widths_nest(&buckets)?;
        check_finals_stay_final(&updates)?;
    }

    #[test]
    fn the_result_does_not_depend_on_arrival_order_within_the_lateness(case in case()) {
        let series = series(&case);
        let in_order = latest(&run(&case, &arrivals(&case, &series, &[0; MAX_READINGS + MAX_REPEATS + 1]))?);
        for delays in &case.delays {
            let shuffled = latest(&run(&case, &arrivals(&case, &series, delays))?);
            prop_assert_eq!(&shuffled, &in_order);
        }
    }
}
