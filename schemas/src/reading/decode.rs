//! From bytes to validated readings.

use std::ops::Range;

use chrono::{DateTime, Utc};
use serde_json::error::Category;

use super::wire::{WireMessage, WireReading};
use super::{MAX_READINGS_PER_MESSAGE, MAX_REGISTER_WH, READING_SCHEMA_VERSION, Reading};
use crate::{RejectCode, Rejection};

/// The longest meter identifier, in bytes: enough for a serial number with a
/// vendor prefix, short enough to keep keys and topics compact.
const MAX_METER_ID_LEN: usize = 64;

/// Bounds on instantaneous values. They are sanity limits for a building's
/// meters (10 MW, 100 kV, 100 kA), there to refuse garbage, not to model any
/// particular installation.
const MAX_ABS_POWER_W: f64 = 1.0e7;
const MAX_VOLTAGE_V: f64 = 1.0e5;
const MAX_CURRENT_A: f64 = 1.0e5;

/// A message whose shape is valid, with each reading decoded on its own.
#[derive(Debug)]
pub struct DecodedMessage {
    pub items: Vec<DecodedItem>,
}

/// One reading of a message, or the reason it was refused.
#[derive(Debug)]
pub struct DecodedItem {
    pub reading: Result<Reading, Rejection>,
    /// Where this reading's own JSON sits in the payload when it came in a
    /// batch; `None` when the reading is the whole message.
    pub raw: Option<Range<usize>>,
}

/// Decodes one MQTT or Kafka payload of the meter-reading contract.
///
/// # Errors
///
/// Refuses the whole message when it is not JSON, names another contract
/// version, or breaks the message shape (unknown fields, a batch mixed with
/// top-level reading fields, an empty or oversized batch). A reading that is
/// bad on its own is returned as a refused item instead, so that its
/// neighbours in the batch still go through.
pub fn decode_message(payload: &[u8]) -> Result<DecodedMessage, Rejection> {
    let message: WireMessage<'_> = serde_json::from_slice(payload).map_err(json_rejection)?;
    check_version(message.schema_version)?;

    let (batch, single) = message.split();
    let Some(batch) = batch else {
        let reading = validate(single);
        return Ok(DecodedMessage {
            items: vec![DecodedItem { reading, raw: None }],
        });
    };

    if !single.is_empty() {
        return Err(shape(
            "a message carries either one reading or `readings`, not both",
        ));
    }
    if batch.is_empty() {
        return Err(shape("`readings` must hold at least one reading"));
    }
    if batch.len() > MAX_READINGS_PER_MESSAGE {
        return Err(Rejection::new(
            RejectCode::BatchTooLarge,
            format!(
                "{} readings in one message; the limit is {MAX_READINGS_PER_MESSAGE}",
                batch.len()
            ),
        ));
    }

    let items = batch
        .into_iter()
        .map(|raw| {
            let range = offset_in(payload, raw.get());
            DecodedItem {
                reading: decode_item(raw.get().as_bytes()),
                raw: Some(range),
            }
        })
        .collect();
    Ok(DecodedMessage { items })
}

/// Decodes one reading object as it appears inside a batch, for example the
/// bytes a quarantined batch item was stored with.
///
/// # Errors
///
/// Any broken rule of the reading contract, as a [`Rejection`].
pub fn decode_item(raw: &[u8]) -> Result<Reading, Rejection> {
    let wire: WireReading<'_> = serde_json::from_slice(raw).map_err(json_rejection)?;
    validate(wire)
}

fn json_rejection(err: serde_json::Error) -> Rejection {
    let code = match err.classify() {
        Category::Data => RejectCode::SchemaViolation,
        Category::Io | Category::Syntax | Category::Eof => RejectCode::MalformedJson,
    };
    Rejection::new(code, err.to_string())
}

fn check_version(version: Option<f64>) -> Result<(), Rejection> {
    match version {
        None => Err(shape("`schema_version` is required")),
        Some(v) if v == f64::from(READING_SCHEMA_VERSION) => Ok(()),
        Some(v) => Err(Rejection::new(
            RejectCode::UnsupportedSchemaVersion,
            format!(
                "schema_version {v} is not supported; this pipeline reads {READING_SCHEMA_VERSION}"
            ),
        )),
    }
}

fn validate(wire: WireReading<'_>) -> Result<Reading, Rejection> {
    let meter_id = wire
        .meter_id
        .ok_or_else(|| shape("`meter_id` is required"))?;
    check_meter_id(&meter_id)?;
    let ts = wire.ts.ok_or_else(|| shape("`ts` is required"))?;
    let ts = parse_timestamp(&ts)?;
    let energy_wh = wire
        .energy_wh
        .ok_or_else(|| shape("`energy_wh` is required"))?;
    let energy_wh = check_register(energy_wh)?;

    Ok(Reading {
        meter_id: meter_id.into_owned(),
        ts,
        energy_wh,
        power_w: check_range("power_w", wire.power_w, -MAX_ABS_POWER_W, MAX_ABS_POWER_W)?,
        voltage_v: check_range("voltage_v", wire.voltage_v, 0.0, MAX_VOLTAGE_V)?,
        current_a: check_range("current_a", wire.current_a, 0.0, MAX_CURRENT_A)?,
    })
}

fn check_meter_id(id: &str) -> Result<(), Rejection> {
    let bytes = id.as_bytes();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-');
    let ok = !bytes.is_empty()
        && bytes.len() <= MAX_METER_ID_LEN
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(allowed);
    if ok {
        return Ok(());
    }
    Err(shape(format!(
        "meter_id {id:?} must be 1 to {MAX_METER_ID_LEN} characters of A-Z a-z 0-9 . _ : -, \
         starting with a letter or digit"
    )))
}

/// Parses an RFC 3339 date-time. RFC 3339 lets applications accept a space
/// between date and time; JSON Schema's `date-time` does not, so neither do
/// we.
fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, Rejection> {
    let separator_ok = matches!(text.as_bytes().get(10), Some(b'T' | b't'));
    match DateTime::parse_from_rfc3339(text) {
        Ok(ts) if separator_ok => Ok(ts.with_timezone(&Utc)),
        _ => Err(shape(format!(
            "ts {text:?} is not an RFC 3339 date-time such as 2026-01-31T23:45:00Z"
        ))),
    }
}

fn check_register(value: f64) -> Result<i64, Rejection> {
    #[allow(clippy::cast_precision_loss)] // 2^53 - 1 is exactly representable.
    let max = MAX_REGISTER_WH as f64;
    if value.is_finite() && value.fract() == 0.0 && (0.0..=max).contains(&value) {
        #[allow(clippy::cast_possible_truncation)] // integral and within i64 by the check above
        return Ok(value as i64);
    }
    Err(Rejection::new(
        RejectCode::InvalidRegister,
        format!("energy_wh {value} must be a whole number of Wh from 0 to {MAX_REGISTER_WH}"),
    ))
}

fn check_range(
    field: &str,
    value: Option<f64>,
    min: f64,
    max: f64,
) -> Result<Option<f64>, Rejection> {
    match value {
        Some(v) if !(min..=max).contains(&v) => {
            Err(shape(format!("{field} {v} is outside {min} to {max}")))
        }
        _ => Ok(value),
    }
}

fn shape(message: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::SchemaViolation, message)
}

/// The byte range of `part` inside `whole`; `part` must be a slice of it.
fn offset_in(whole: &[u8], part: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(json: &str) -> Reading {
        let mut message = decode_message(json.as_bytes()).unwrap();
        message.items.remove(0).reading.unwrap()
    }

    #[test]
    fn a_single_reading_is_decoded_with_its_timestamp_in_utc() {
        let r = reading(
            r#"{"schema_version":1,"meter_id":"m1","ts":"2026-01-01T01:00:00+01:00","energy_wh":5}"#,
        );
        assert_eq!(r.meter_id, "m1");
        assert_eq!(r.ts.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(r.energy_wh, 5);
        assert_eq!(r.power_w, None);
    }

    #[test]
    fn a_batch_item_carries_the_exact_bytes_it_was_sent_with() {
        let payload = br#"{"schema_version":1,"readings":[ {"meter_id":"a","ts":"2026-01-01T00:00:00Z","energy_wh":1} , {"meter_id":"b","ts":"2026-01-01T00:00:00Z","energy_wh":-1}]}"#;
        let message = decode_message(payload).unwrap();

        let bad = &message.items[1];
        let raw = &payload[bad.raw.clone().unwrap()];
        assert_eq!(
            raw,
            br#"{"meter_id":"b","ts":"2026-01-01T00:00:00Z","energy_wh":-1}"#
        );
        assert_eq!(
            bad.reading.as_ref().unwrap_err().code,
            RejectCode::InvalidRegister
        );
        assert_eq!(
            decode_item(raw).unwrap_err().code,
            RejectCode::InvalidRegister
        );
        assert!(message.items[0].reading.is_ok());
    }

    #[test]
    fn one_bad_reading_in_a_batch_leaves_the_others_valid() {
        let payload = br#"{"schema_version":1,"readings":[{"meter_id":"a","ts":"2026-01-01T00:00:00Z","energy_wh":1},{"meter_id":"b","ts":"nope","energy_wh":2},{"meter_id":"c","ts":"2026-01-01T00:00:00Z","energy_wh":3}]}"#;
        let ok: Vec<bool> = decode_message(payload)
            .unwrap()
            .items
            .iter()
            .map(|i| i.reading.is_ok())
            .collect();
        assert_eq!(ok, [true, false, true]);
    }

    #[test]
    fn register_bounds_are_inclusive_and_fractions_are_refused() {
        for (value, ok) in [
            (0.0, true),
            (9_007_199_254_740_991.0, true),
            (-1.0, false),
            (0.5, false),
        ] {
            assert_eq!(check_register(value).is_ok(), ok, "register {value}");
        }
    }

    #[test]
    fn meter_ids_that_could_break_topics_are_refused() {
        for (id, ok) in [
            ("m-1", true),
            ("A.b_c:d-e", true),
            ("-leading-dash", false),
            ("a/b", false),
            ("a+b", false),
            ("a#", false),
            ("ü", false),
            (&"x".repeat(65), false),
            (&"x".repeat(64), true),
        ] {
            assert_eq!(check_meter_id(id).is_ok(), ok, "meter id {id:?}");
        }
    }

    #[test]
    fn a_message_that_is_not_json_is_malformed_not_a_schema_violation() {
        for payload in [
            &b"not json"[..],
            b"{\"schema_version\":1,",
            b"",
            b"\xff\xfe",
        ] {
            let code = decode_message(payload).unwrap_err().code;
            assert_eq!(code, RejectCode::MalformedJson, "payload {payload:?}");
        }
    }
}
