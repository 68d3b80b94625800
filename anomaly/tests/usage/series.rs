//! Small generated meters for the tests: an office and a home with daily
//! and weekly rhythm and multiplicative noise, from a fixed seed.

use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use nexzo_anomaly::Alert;
use nexzo_anomaly::usage::{MeterRef, UsageDetector, UsageObservation};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Monday 6 January 2025, midnight UTC.
pub(crate) fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("valid date")
}

/// A building's mean power in kW at `ts`.
pub(crate) type Shape = fn(DateTime<Utc>) -> f64;

/// Busy on weekdays from 8 to 18, a fifth of that otherwise.
pub(crate) fn office(ts: DateTime<Utc>) -> f64 {
    let weekend = matches!(ts.weekday(), Weekday::Sat | Weekday::Sun);
    let hour = ts.hour();
    if !weekend && (8..18).contains(&hour) {
        10.0
    } else {
        2.0
    }
}

/// A base load with a morning and an evening peak, every day.
pub(crate) fn home(ts: DateTime<Utc>) -> f64 {
    match ts.hour() {
        7..=8 => 1.2,
        18..=21 => 2.0,
        0..=5 => 0.3,
        _ => 0.6,
    }
}

/// `days` of intervals of `cadence_secs` from `start`: energy in kWh per
/// interval, the shape times a daily factor (weather, up to ±20 % in log)
/// times per-interval noise (up to ±`noise` in log).
pub(crate) fn generate(
    shape: Shape,
    start: DateTime<Utc>,
    days: i64,
    cadence_secs: i64,
    noise: f64,
    seed: u64,
) -> Vec<(DateTime<Utc>, f64)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let step = TimeDelta::seconds(cadence_secs);
    let count = days * 86_400 / cadence_secs;
    let mut day_factor = 1.0;
    let mut day = -1;
    (0..count)
        .map(|i| {
            let ts = start + step * i32::try_from(i).expect("fits");
            let this_day = (ts - start).num_days();
            if this_day != day {
                day = this_day;
                day_factor = rng.random_range(-0.2..0.2_f64).exp();
            }
            let wiggle = rng.random_range(-noise..=noise).exp();
            (
                ts,
                mean_energy(shape, ts, cadence_secs) * day_factor * wiggle,
            )
        })
        .collect()
}

/// Mean energy over one interval: the shape averaged hour by hour.
fn mean_energy(shape: Shape, ts: DateTime<Utc>, cadence_secs: i64) -> f64 {
    let hours = (cadence_secs / 3600).max(1);
    let total: f64 = (0..hours)
        .map(|h| shape(ts + TimeDelta::hours(h)))
        .sum::<f64>()
        / hours as f64;
    total * cadence_secs as f64 / 3600.0
}

/// A meter of tenant `t1` in no property.
pub(crate) fn meter(id: &str) -> MeterRef {
    MeterRef::new("t1", id)
}

/// Feeds `series` to `detector` as `meter`; returns every score and alert.
pub(crate) fn feed(
    detector: &mut UsageDetector,
    meter: &MeterRef,
    series: &[(DateTime<Utc>, f64)],
) -> (Vec<f64>, Vec<Alert>) {
    let mut scores = Vec::with_capacity(series.len());
    let mut alerts = Vec::new();
    for (ts, value) in series {
        let scored = detector.observe(&UsageObservation::new(meter.clone(), *ts, *value));
        scores.push(scored.score);
        alerts.extend(scored.alerts);
    }
    (scores, alerts)
}

/// Indices of `series` whose time falls in `[from, to)`.
pub(crate) fn between(
    series: &[(DateTime<Utc>, f64)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> std::ops::Range<usize> {
    let first = series.partition_point(|(ts, _)| *ts < from);
    let end = series.partition_point(|(ts, _)| *ts < to);
    first..end
}
