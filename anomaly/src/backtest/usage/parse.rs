//! Reading a `timestamp,value` CSV: the optional header, and the three
//! timestamp spellings, detected row by row.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::BacktestError;

/// Epoch numbers at or above this are milliseconds: 10^11 seconds is the
/// year 5138, while 10^11 milliseconds is March 1973.
const EPOCH_MILLIS_FROM: f64 = 1e11;

/// Spellings of a time without a zone, read as UTC.
const NAIVE_FORMATS: [&str; 6] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// Values that mean "no reading" rather than a number.
const BLANK_VALUES: [&str; 6] = ["", "nan", "null", "na", "n/a", "none"];

/// One row of the input, as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// The fields as read (whitespace trimmed), written back unchanged.
    pub(crate) fields: Vec<String>,
    /// The row's time.
    pub(crate) ts: DateTime<Utc>,
    /// The offset from UTC the timestamp was written with; 0 for UTC,
    /// epoch numbers and times without a zone.
    pub(crate) utc_offset_secs: i32,
    /// Consumption over the interval; None when blank.
    pub(crate) value: Option<f64>,
}

/// A timestamp in any of the accepted spellings, with the UTC offset it
/// was written with: RFC 3339 (its offset is the local clock the day
/// follows), `YYYY-MM-DD HH:MM:SS` (UTC, optional fraction, `T` or space),
/// a bare date (midnight UTC), or epoch seconds (milliseconds from 10^11
/// up).
pub(crate) fn timestamp(text: &str) -> Option<(DateTime<Utc>, i32)> {
    // A byte-order mark some spreadsheet exports put before the first field.
    let text = text.trim().trim_start_matches('\u{feff}');
    if let Ok(ts) = DateTime::parse_from_rfc3339(text) {
        return Some((ts.with_timezone(&Utc), ts.offset().local_minus_utc()));
    }
    utc_timestamp(text).map(|ts| (ts, 0))
}

fn utc_timestamp(text: &str) -> Option<DateTime<Utc>> {
    for format in NAIVE_FORMATS {
        if let Ok(ts) = NaiveDateTime::parse_from_str(text, format) {
            return Some(ts.and_utc());
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date.and_hms_opt(0, 0, 0).map(|ts| ts.and_utc());
    }
    epoch(text)
}

fn epoch(text: &str) -> Option<DateTime<Utc>> {
    let number: f64 = text.parse().ok().filter(|n: &f64| n.is_finite())?;
    let millis = if number.abs() >= EPOCH_MILLIS_FROM {
        number
    } else {
        number * 1000.0
    };
    // Within ±2^53 ms (285,000 years) the rounding is exact enough and
    // the conversion cannot overflow; anything beyond is no timestamp.
    if millis.abs() > 9.0e15 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let millis = millis.round() as i64;
    DateTime::from_timestamp_millis(millis)
}

/// A value: a number, or blank (None) for an empty field or a spelling of
/// "no value". Anything else is an error naming the line.
pub(crate) fn value(text: &str, line: u64) -> Result<Option<f64>, BacktestError> {
    let text = text.trim();
    if BLANK_VALUES
        .iter()
        .any(|blank| text.eq_ignore_ascii_case(blank))
    {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(Some(number)),
        _ => Err(BacktestError::Value {
            line,
            text: text.to_owned(),
        }),
    }
}

/// Whether a first record is a header: its timestamp field is no
/// timestamp and its value field no number.
pub(crate) fn is_header(fields: &[String]) -> bool {
    let first = fields.first().map_or("", String::as_str);
    let second = fields.get(1).map_or("", String::as_str);
    timestamp(first).is_none() && second.trim().parse::<f64>().is_err()
}

/// Reads one data record at `line`.
pub(crate) fn row(fields: Vec<String>, line: u64) -> Result<Row, BacktestError> {
    if fields.len() < 2 {
        return Err(BacktestError::Columns { line });
    }
    let (ts, utc_offset_secs) = timestamp(&fields[0]).ok_or_else(|| BacktestError::Timestamp {
        line,
        text: fields[0].clone(),
    })?;
    let value = value(&fields[1], line)?;
    Ok(Row {
        fields,
        ts,
        utc_offset_secs,
        value,
    })
}
