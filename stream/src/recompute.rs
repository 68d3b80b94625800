//! Rebuilding a meter's buckets over a stretch of history from its stored
//! readings: what corrects rollups after readings arrived too late for the
//! live windows, were replayed from the quarantine, or after a meter's
//! time zone changed.
//!
//! The live stream and this rebuild run the same code; the rebuild feeds
//! the readings in time order, so its result is what the live stream would
//! have produced had every reading arrived on time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::{ConfigError, MeterConfig};
use crate::consumption::Sample;
use crate::time::quarter_floor;
use crate::window::{BucketUpdate, BucketWidth, MeterStream, day_span};

/// `[from, to)` as whole local days in `tz`: both ends move back to the
/// start of the day they fall in, so every daily bucket in the result is
/// rebuilt whole, and the result never reaches later than asked (later
/// buckets may still belong to the live windows). Empty when `[from, to)`
/// holds no midnight.
pub fn whole_days(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: &Tz,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = day_span(quarter_floor(from), tz).0;
    let end = day_span(quarter_floor(to), tz).0;
    (start, end.max(start))
}

/// The buckets of `meter_id` that start in `[from, to)`, computed from its
/// `registers`.
///
/// For the buckets at the edges to come out exact, `registers` must
/// include the last reading before `from` and the first at or after `to`
/// (the ones whose intervals reach into the range); any order will do.
/// Buckets are final when a reading follows them; those after the last
/// reading do not exist, since the consumption there is not yet known.
///
/// # Errors
///
/// Every problem with `config`.
pub fn rebuild(
    meter_id: &str,
    registers: &[Sample],
    config: &MeterConfig,
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<BucketUpdate>, ConfigError> {
    let mut stream = MeterStream::new(meter_id, config.clone(), tz)?;
    let mut ordered = registers.to_vec();
    ordered.sort_by_key(|s| s.ts);

    let mut latest: BTreeMap<(BucketWidth, DateTime<Utc>), BucketUpdate> = BTreeMap::new();
    let mut keep = |updates: Vec<BucketUpdate>| {
        for update in updates {
            latest.insert((update.width, update.start), update);
        }
    };
    for sample in &ordered {
        keep(stream.push(sample.ts, sample.energy_wh).updates);
    }
    // Past the last reading by the idle timeout, the watermark reaches it
    // and everything before it is settled.
    if let Some(last) = ordered.last() {
        keep(stream.on_idle(last.ts + config.idle_timeout()));
    }

    Ok(latest
        .into_values()
        .filter(|u| u.start >= from && u.start < to)
        .collect())
}
