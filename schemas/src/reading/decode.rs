//! From bytes to validated readings.

use std::ops::Range;

use super::wire::{WireMessage, WireReading};
use super::{MAX_READINGS_PER_MESSAGE, MAX_REGISTER_WH, READING_SCHEMA_VERSION, Reading};
use crate::rules::{
    check_identifier, check_range, decode_object, decode_versioned, parse_timestamp, required,
    violation, whole_number,
};
use crate::{RejectCode, Rejection};

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
    let message: WireMessage<'_> =
        decode_versioned(payload, READING_SCHEMA_VERSION, |m: &WireMessage<'_>| {
            m.schema_version
        })?;

    let (batch, single) = message.split();
    let Some(batch) = batch else {
        let reading = validate(single);
        return Ok(DecodedMessage {
            items: vec![DecodedItem { reading, raw: None }],
        });
    };

    if !single.is_empty() {
        return Err(violation(
            "a message carries either one reading or `readings`, not both",
        ));
    }
    if batch.is_empty() {
        return Err(violation("`readings` must hold at least one reading"));
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
    validate(decode_object(raw)?)
}

fn validate(wire: WireReading<'_>) -> Result<Reading, Rejection> {
    let meter_id = required(wire.meter_id, "meter_id")?;
    check_identifier("meter_id", &meter_id)?;
    let ts = parse_timestamp("ts", &required(wire.ts, "ts")?)?;
    let energy_wh = check_register(required(wire.energy_wh, "energy_wh")?)?;

    Ok(Reading {
        meter_id: meter_id.into_owned(),
        ts,
        energy_wh,
        power_w: check_range("power_w", wire.power_w, -MAX_ABS_POWER_W, MAX_ABS_POWER_W)?,
        voltage_v: check_range("voltage_v", wire.voltage_v, 0.0, MAX_VOLTAGE_V)?,
        current_a: check_range("current_a", wire.current_a, 0.0, MAX_CURRENT_A)?,
    })
}

/// Checks a cumulative energy register; shared with the OriginFD
/// generation payload, whose register follows the same rule.
pub(crate) fn check_register(value: f64) -> Result<i64, Rejection> {
    whole_number(value, 0, MAX_REGISTER_WH).ok_or_else(|| {
        Rejection::new(
            RejectCode::InvalidRegister,
            format!("energy_wh {value} must be a whole number of Wh from 0 to {MAX_REGISTER_WH}"),
        )
    })
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

    #[test]
    fn a_reading_sent_as_a_positional_array_is_refused() {
        // Every field in declaration order: serde alone would take this.
        let payload = br#"[1, null, "m1", "2026-01-01T00:00:00Z", 5, null, null, null]"#;
        let code = decode_message(payload).unwrap_err().code;
        assert_eq!(code, RejectCode::SchemaViolation);
        let item = br#"["m1", "2026-01-01T00:00:00Z", 5, null, null, null]"#;
        assert_eq!(
            decode_item(item).unwrap_err().code,
            RejectCode::SchemaViolation
        );
    }
}
