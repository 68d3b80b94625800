//! Labelled anomalies, written into a generated series: each kind at most
//! once per meter, on days well apart from each other and from the benign
//! look-alikes, after the meter has had time to learn.

use chrono::{TimeDelta, Timelike};
use rand::RngExt;
use rand::rngs::StdRng;

use super::buildings::Building;
use super::synth::{MeterSpec, Series};
use super::{Incident, Window};
use crate::alert::AlertKind;

/// Days between two incidents, and between an incident and a benign day,
/// so that each is judged on its own.
const SPACING_DAYS: usize = 4;

/// The kinds injected, in the order days are handed out.
const KINDS: [AlertKind; 7] = [
    AlertKind::UsageSpike,
    AlertKind::UsageDrop,
    AlertKind::UsageFlatline,
    AlertKind::UsageOffHours,
    AlertKind::UsageLevelShift,
    AlertKind::UsageMissingData,
    AlertKind::UsageRegisterBackwards,
];

/// Writes anomalies into `series` from day `warm_up_days` on and returns
/// their labels.
pub(crate) fn inject(
    spec: &MeterSpec,
    series: &mut Series,
    warm_up_days: usize,
    rng: &mut StdRng,
) -> Vec<Incident> {
    let daily = spec.cadence_secs >= 86_400;
    let spacing = if daily {
        8 * SPACING_DAYS
    } else {
        SPACING_DAYS
    };
    let benign: Vec<usize> = series
        .benign
        .iter()
        .map(|w| usize::try_from((w.from - spec.start).num_days()).unwrap_or(0))
        .collect();
    let mut incidents = Vec::new();
    let mut day = warm_up_days;
    for kind in KINDS {
        if daily && matches!(kind, AlertKind::UsageOffHours | AlertKind::UsageMissingData) {
            continue;
        }
        // A benign day next to an incident would blur which one an alert
        // was about.
        while benign.iter().any(|b| b.abs_diff(day) <= 1) {
            day += 1;
        }
        if day + spacing > spec.days {
            break;
        }
        let Some(window) = write(kind, spec, series, day, rng) else {
            break;
        };
        let last_day = usize::try_from((window.to - spec.start).num_days()).unwrap_or(day);
        incidents.push(Incident { kind, window });
        day = last_day + spacing + rng.random_range(0..3);
    }
    incidents
}

/// Writes one anomaly starting on `day`; returns its window.
fn write(
    kind: AlertKind,
    spec: &MeterSpec,
    series: &mut Series,
    day: usize,
    rng: &mut StdRng,
) -> Option<Window> {
    let daily = spec.cadence_secs >= 86_400;
    let step = TimeDelta::seconds(spec.cadence_secs.into());
    let day_start = spec.start + TimeDelta::days(day as i64);
    let busy_hour = match spec.building {
        Building::Household => rng.random_range(17..20),
        Building::Office => rng.random_range(9..13),
        Building::Shop => rng.random_range(11..16),
    };
    let at = |hours: i64| day_start + TimeDelta::hours(hours);
    let hours = |h: i64| TimeDelta::hours(h);
    let (from, to) = match kind {
        AlertKind::UsageSpike if daily => (day_start, day_start),
        AlertKind::UsageSpike => {
            let length = (step * rng.random_range(1..4)).min(hours(1)).max(step);
            let from = at(rng.random_range(8..21));
            (from, from + length - step)
        }
        AlertKind::UsageDrop if daily => (day_start, day_start + step * rng.random_range(0..2)),
        AlertKind::UsageDrop => (
            at(busy_hour),
            at(busy_hour) + hours(rng.random_range(3..7)) - step,
        ),
        AlertKind::UsageLevelShift if daily => (
            day_start,
            day_start + TimeDelta::days(rng.random_range(14..22)),
        ),
        AlertKind::UsageLevelShift => {
            let from = at(rng.random_range(0..24));
            (from, from + TimeDelta::days(rng.random_range(3..6)))
        }
        AlertKind::UsageFlatline if daily => (
            day_start,
            day_start + TimeDelta::days(rng.random_range(4..7)),
        ),
        AlertKind::UsageFlatline => {
            let from = at(busy_hour - 2);
            (from, from + hours(rng.random_range(6..16)))
        }
        AlertKind::UsageOffHours => off_hours_window(spec, day_start, rng),
        AlertKind::UsageMissingData => {
            let from = at(rng.random_range(0..24));
            (from, from + hours(rng.random_range(8..15)))
        }
        _ => (at(busy_hour), at(busy_hour)),
    };
    let first = series.times.partition_point(|t| *t < from);
    let end = series.times.partition_point(|t| *t <= to);
    if first >= end {
        return None;
    }
    apply(kind, spec, series, first, end, rng);
    Some(Window { from, to })
}

/// Nights with a load left on: one to three, in the hours the building is
/// quietest.
fn off_hours_window(
    spec: &MeterSpec,
    day_start: chrono::DateTime<chrono::Utc>,
    rng: &mut StdRng,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    let (start_hour, length) = match spec.building {
        Building::Household => (1, 4),
        Building::Office | Building::Shop => (22, 8),
    };
    let nights = rng.random_range(1..4);
    let from = day_start + TimeDelta::hours(start_hour);
    (
        from,
        from + TimeDelta::days(nights - 1) + TimeDelta::hours(length),
    )
}

fn apply(
    kind: AlertKind,
    spec: &MeterSpec,
    series: &mut Series,
    first: usize,
    end: usize,
    rng: &mut StdRng,
) {
    let mean = series.mean;
    let high = high_value(series);
    let before = series.values[..first]
        .iter()
        .rev()
        .flatten()
        .next()
        .copied()
        .unwrap_or(mean);
    let at_zero = rng.random_bool(1.0 / 3.0);
    let factor = if rng.random_bool(0.5) {
        rng.random_range(1.6..2.2)
    } else {
        rng.random_range(0.4..0.55)
    };
    let drop = rng.random_range(0.0..0.3);
    let (spike_times, spike_plus) = (rng.random_range(1.5..3.0), rng.random_range(0.8..1.6));
    let night_load =
        spec.size * rng.random_range(0.3..0.5) * 1000.0 * f64::from(spec.cadence_secs) / 3600.0;
    let is_night = |ts: chrono::DateTime<chrono::Utc>| match spec.building {
        Building::Household => (1..5).contains(&ts.hour()),
        Building::Office | Building::Shop => ts.hour() >= 22 || ts.hour() < 6,
    };
    for i in first..end {
        let ts = series.times[i];
        let Some(value) = series.values[i].as_mut() else {
            continue;
        };
        match kind {
            AlertKind::UsageSpike => *value = *value * spike_times + high * spike_plus,
            AlertKind::UsageDrop => *value *= drop,
            AlertKind::UsageLevelShift => *value *= factor,
            AlertKind::UsageFlatline => *value = if at_zero { 0.0 } else { before },
            AlertKind::UsageOffHours if is_night(ts) => *value += night_load,
            AlertKind::UsageMissingData => series.values[i] = None,
            AlertKind::UsageRegisterBackwards => *value = -value.abs().max(1.0),
            _ => {}
        }
    }
}

/// The 99th percentile of the values: a spike adds about this much, so it
/// stands out even against a home's kettle and oven.
fn high_value(series: &Series) -> f64 {
    let mut values: Vec<f64> = series.values.iter().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() * 99 / 100).copied().unwrap_or(0.0)
}
