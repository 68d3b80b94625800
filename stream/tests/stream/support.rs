//! Building streams, pushing readings, and printing buckets one per line so
//! that a scenario's expected result reads like a table.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use nexzo_stream::{BucketUpdate, MeterConfig, MeterStream, Outcome, latest};

pub(crate) const METER: &str = "m-0001";

/// The zone every scenario but the daylight-saving ones is indifferent to;
/// Berlin keeps the day buckets honest (they start at 23:00 UTC in winter).
pub(crate) const BERLIN: Tz = chrono_tz::Europe::Berlin;

/// An instant: a full RFC 3339 timestamp, or `HH:MM` on 2026-03-10 (UTC).
pub(crate) fn at(s: &str) -> DateTime<Utc> {
    if s.len() == 5 {
        format!("2026-03-10T{s}:00Z").parse().unwrap()
    } else {
        s.parse().unwrap()
    }
}

pub(crate) fn stream(config: MeterConfig) -> MeterStream {
    MeterStream::new(METER, config, BERLIN).unwrap()
}

pub(crate) fn with_modulus(modulus_wh: i64) -> MeterConfig {
    MeterConfig {
        register_modulus_wh: Some(modulus_wh),
        ..MeterConfig::default()
    }
}

/// Pushes each reading, insisting it is applied; returns every update.
pub(crate) fn push_all(stream: &mut MeterStream, readings: &[(&str, i64)]) -> Vec<BucketUpdate> {
    let mut updates = Vec::new();
    for &(ts, energy_wh) in readings {
        let pushed = stream.push(at(ts), energy_wh);
        assert_eq!(pushed.outcome, Outcome::Applied, "reading at {ts}");
        updates.extend(pushed.updates);
    }
    updates
}

/// Readings every 15 minutes from `first` up to and including `last`, the
/// register advancing by `step_wh` each time.
pub(crate) fn every_quarter(
    first: &str,
    last: &str,
    start_wh: i64,
    step_wh: i64,
) -> Vec<(DateTime<Utc>, i64)> {
    let (first, last) = (at(first), at(last));
    let steps = (last - first).num_minutes() / 15;
    (0..=steps)
        .map(|k| (first + TimeDelta::minutes(15 * k), start_wh + k * step_wh))
        .collect()
}

/// The value of every bucket after `updates`, one line each.
pub(crate) fn current(updates: &[BucketUpdate]) -> Vec<String> {
    render(latest(updates).values())
}

/// One line per update: width, start (UTC), Wh, then whatever is special.
pub(crate) fn render<'a>(updates: impl IntoIterator<Item = &'a BucketUpdate>) -> Vec<String> {
    updates.into_iter().map(line).collect()
}

fn line(u: &BucketUpdate) -> String {
    let f = u.flags;
    let counts = [
        ("gaps", f.gaps),
        ("rollovers", f.rollovers),
        ("resets", f.resets),
        ("implausible", f.implausible),
        ("too_long", f.too_long),
        ("conflicts", f.conflicts),
    ];
    let mut text = format!(
        "{} {} {}",
        u.width.as_str(),
        u.start.format("%m-%dT%H:%M"),
        u.energy_wh
    );
    if u.estimated {
        text.push_str(" estimated");
    }
    for (name, n) in counts.into_iter().filter(|&(_, n)| n > 0) {
        text.push_str(&format!(" {name}={n}"));
    }
    if u.is_final {
        text.push_str(" final");
    }
    text
}
