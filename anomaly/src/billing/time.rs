//! Saturating event-time arithmetic: a setting of `u64::MAX` seconds means
//! "forever", never a panic.

use chrono::{DateTime, TimeDelta, Utc};

/// A duration of `secs` seconds, or the longest one when out of range.
pub(crate) fn secs(secs: u64) -> TimeDelta {
    i64::try_from(secs)
        .ok()
        .and_then(TimeDelta::try_seconds)
        .unwrap_or(TimeDelta::MAX)
}

/// `span` before `ts`, or the earliest time when that is out of range.
pub(crate) fn before(ts: DateTime<Utc>, span: TimeDelta) -> DateTime<Utc> {
    ts.checked_sub_signed(span)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `span` after `ts`, or the latest time when that is out of range.
pub(crate) fn after(ts: DateTime<Utc>, span: TimeDelta) -> DateTime<Utc> {
    ts.checked_add_signed(span)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
