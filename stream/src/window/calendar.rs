//! Which hour and which day a quarter-hour belongs to, on the property's
//! local clock.
//!
//! Hours and days follow the wall clock of the property's IANA time zone,
//! so a daylight-saving day has 23 or 25 hours and an hour in India starts
//! at half past the UTC hour. Every zone in use today is offset from UTC by
//! whole quarter-hours, so local hours and days are unions of UTC
//! quarter-hours. Historical offsets that are not (local mean time before
//! standard time) have their edges moved up to the next quarter-hour: a
//! quarter-hour belongs to the hour or day its start falls in.

use super::BucketWidth;
use crate::time::{QUARTER, QUARTER_SECS, quarter_ceil};
use chrono::{DateTime, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The quarter-hours in a day without a clock change; the search for a
/// day's first instant gives up after this many steps past midnight.
const QUARTERS_PER_DAY: i32 = 96;

/// A bucket's extent, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
}

/// The bucket of `width` holding the quarter-hour starting at `quarter`.
pub(crate) fn bucket_of(width: BucketWidth, quarter: DateTime<Utc>, tz: &Tz) -> Span {
    match width {
        BucketWidth::Min15 => Span {
            start: quarter,
            end: quarter + QUARTER,
        },
        BucketWidth::Hour => hour_of(quarter, tz),
        BucketWidth::Day => day_of(quarter, tz),
    }
}

fn hour_of(quarter: DateTime<Utc>, tz: &Tz) -> Span {
    let offset = tz.offset_from_utc_datetime(&quarter.naive_utc()).fix();
    let local_secs = quarter.timestamp() + i64::from(offset.local_minus_utc());
    let into_hour = TimeDelta::seconds(local_secs.rem_euclid(4 * QUARTER_SECS));
    let start = quarter - into_hour;
    Span {
        start: quarter_ceil(start),
        end: quarter_ceil(start + TimeDelta::hours(1)),
    }
}

fn day_of(quarter: DateTime<Utc>, tz: &Tz) -> Span {
    let date = quarter.with_timezone(tz).date_naive();
    let next = date.succ_opt().unwrap_or(date);
    Span {
        start: day_start(date, tz),
        end: day_start(next, tz),
    }
}

/// The first instant of a local date: midnight, or where a clock change
/// skips midnight (as in Havana), the first quarter-hour that exists.
fn day_start(date: NaiveDate, tz: &Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    (0..QUARTERS_PER_DAY)
        .map(|k| midnight + QUARTER * k)
        .find_map(|local| tz.from_local_datetime(&local).earliest())
        .map_or_else(|| midnight.and_utc(), |t| quarter_ceil(t.to_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn span(start: &str, end: &str) -> Span {
        Span {
            start: at(start),
            end: at(end),
        }
    }

    #[test]
    fn quarter_hours_fall_into_local_hours_and_days() {
        use BucketWidth::{Day, Hour};
        let berlin = chrono_tz::Europe::Berlin;
        let kolkata = chrono_tz::Asia::Kolkata;
        let havana = chrono_tz::America::Havana;
        // (zone, width, quarter, expected bucket)
        let cases = [
            (
                berlin,
                Hour,
                "2026-01-15T10:45:00Z",
                span("2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z"),
            ),
            (
                berlin,
                Day,
                "2026-01-15T22:45:00Z",
                span("2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z"),
            ),
            (
                berlin,
                Day,
                "2026-01-15T23:00:00Z",
                span("2026-01-15T23:00:00Z", "2026-01-16T23:00:00Z"),
            ),
            (
                berlin,
                Day,
                "2026-03-29T12:00:00Z",
                span("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"),
            ),
            (
                berlin,
                Day,
                "2026-10-25T12:00:00Z",
                span("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"),
            ),
            (
                berlin,
                Hour,
                "2026-10-25T00:45:00Z",
                span("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"),
            ),
            (
                berlin,
                Hour,
                "2026-10-25T01:00:00Z",
                span("2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"),
            ),
            (
                kolkata,
                Hour,
                "2026-01-15T10:45:00Z",
                span("2026-01-15T10:30:00Z", "2026-01-15T11:30:00Z"),
            ),
            (
                kolkata,
                Day,
                "2026-01-15T10:45:00Z",
                span("2026-01-14T18:30:00Z", "2026-01-15T18:30:00Z"),
            ),
            (
                havana,
                Day,
                "2026-03-08T12:00:00Z",
                span("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"),
            ),
        ];
        for (tz, width, quarter, expected) in cases {
            assert_eq!(
                bucket_of(width, at(quarter), &tz),
                expected,
                "{tz} {width:?} of {quarter}"
            );
        }
    }

    #[test]
    fn consecutive_days_and_hours_tile_time_without_overlap_through_a_year() {
        let tz = chrono_tz::Europe::Berlin;
        let mut quarter = at("2026-01-01T00:00:00Z");
        let mut previous = [
            bucket_of(BucketWidth::Hour, quarter, &tz),
            bucket_of(BucketWidth::Day, quarter, &tz),
        ];
        while quarter < at("2027-01-01T00:00:00Z") {
            quarter += QUARTER;
            for (slot, width) in [BucketWidth::Hour, BucketWidth::Day]
                .into_iter()
                .enumerate()
            {
                let bucket = bucket_of(width, quarter, &tz);
                assert!(
                    bucket.start <= quarter && quarter < bucket.end,
                    "{width:?} of {quarter}"
                );
                if bucket != previous[slot] {
                    assert_eq!(
                        bucket.start, previous[slot].end,
                        "{width:?} after {quarter}"
                    );
                    previous[slot] = bucket;
                }
            }
        }
    }
}
