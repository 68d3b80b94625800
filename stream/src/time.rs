//! Instants and spans as exact integers, and the quarter-hour grid every
//! bucket is built from.

use chrono::{DateTime, TimeDelta, Utc};

/// The finest bucket: consumption is apportioned to quarter-hours on the
/// UTC grid, and hours and days are sums of their quarter-hours.
pub(crate) const QUARTER_SECS: i64 = 15 * 60;

/// One quarter-hour.
pub(crate) const QUARTER: TimeDelta = TimeDelta::seconds(QUARTER_SECS);

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// A span in nanoseconds; i128 holds any `TimeDelta` exactly.
pub(crate) fn nanos(span: TimeDelta) -> i128 {
    i128::from(span.num_seconds()) * NANOS_PER_SEC + i128::from(span.subsec_nanos())
}

/// The start of the quarter-hour holding `t`.
pub(crate) fn quarter_floor(t: DateTime<Utc>) -> DateTime<Utc> {
    t - into_quarter(t)
}

/// `t` if it starts a quarter-hour, else the start of the next one.
pub(crate) fn quarter_ceil(t: DateTime<Utc>) -> DateTime<Utc> {
    let into = into_quarter(t);
    if into.is_zero() {
        t
    } else {
        t - into + QUARTER
    }
}

fn into_quarter(t: DateTime<Utc>) -> TimeDelta {
    let secs = t.timestamp().rem_euclid(QUARTER_SECS);
    TimeDelta::seconds(secs) + TimeDelta::nanoseconds(t.timestamp_subsec_nanos().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn instants_round_to_the_quarter_hour_grid() {
        let cases = [
            (
                "2026-03-10T10:00:00Z",
                "2026-03-10T10:00:00Z",
                "2026-03-10T10:00:00Z",
            ),
            (
                "2026-03-10T10:14:59.999Z",
                "2026-03-10T10:00:00Z",
                "2026-03-10T10:15:00Z",
            ),
            (
                "2026-03-10T10:15:00.000000001Z",
                "2026-03-10T10:15:00Z",
                "2026-03-10T10:30:00Z",
            ),
            (
                "1969-12-31T23:59:59Z",
                "1969-12-31T23:45:00Z",
                "1970-01-01T00:00:00Z",
            ),
        ];
        for (t, floor, ceil) in cases {
            assert_eq!(quarter_floor(at(t)), at(floor), "floor of {t}");
            assert_eq!(quarter_ceil(at(t)), at(ceil), "ceil of {t}");
        }
    }

    #[test]
    fn spans_convert_to_nanoseconds_exactly_in_both_directions() {
        assert_eq!(nanos(TimeDelta::milliseconds(1500)), 1_500_000_000);
        assert_eq!(nanos(TimeDelta::milliseconds(-1500)), -1_500_000_000);
        assert_eq!(
            nanos(TimeDelta::days(365 * 400)),
            365 * 400 * 86_400 * NANOS_PER_SEC
        );
    }
}
