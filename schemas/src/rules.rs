//! Rules shared by every contract's decoder, so that one rule gives one
//! message wherever it applies, and so that each rule has exactly one
//! implementation to keep in agreement with the JSON Schema files.
//!
//! One point where the decoders are deliberately stricter than JSON Schema:
//! a key repeated inside one object is refused (JSON Schema sees only the
//! last value, so a record could otherwise mean one thing to a validator and
//! another to a consumer).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::error::Category;

use crate::{RejectCode, Rejection};

/// The longest identifier, in bytes (identifiers are ASCII): enough for a
/// UUID, a serial number with a vendor prefix or a hex SHA-256, short enough
/// to keep keys, topics and index entries compact.
pub(crate) const MAX_ID_LEN: usize = 64;

/// Decodes `bytes` as one JSON object into `T`.
///
/// # Errors
///
/// [`RejectCode::MalformedJson`] when the bytes are not JSON at all,
/// [`RejectCode::SchemaViolation`] when they are JSON of the wrong shape.
pub(crate) fn decode_object<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, Rejection> {
    serde_json::from_slice::<JsonObject<T>>(bytes)
        .map(|object| object.0)
        .map_err(json_rejection)
}

/// Decodes a versioned record and checks its version. A record that breaks
/// this version's shape but names another version is refused as
/// [`RejectCode::UnsupportedSchemaVersion`]: a producer that moved to a
/// newer contract (which may add fields) needs that answer, not a list of
/// unknown fields.
///
/// # Errors
///
/// As [`decode_object`], plus a missing or unsupported version.
pub(crate) fn decode_versioned<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    supported: u32,
    version_of: impl Fn(&T) -> Option<f64>,
) -> Result<T, Rejection> {
    match decode_object::<T>(bytes) {
        Ok(value) => check_version(version_of(&value), supported).map(|()| value),
        Err(rejection) if rejection.code == RejectCode::SchemaViolation => {
            Err(other_version(bytes, supported).unwrap_or(rejection))
        }
        Err(rejection) => Err(rejection),
    }
}

/// The refusal for a record naming a version other than `supported`, read
/// leniently (every other field ignored); `None` when it names none or the
/// supported one.
fn other_version(bytes: &[u8], supported: u32) -> Option<Rejection> {
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<f64>,
    }
    let version = serde_json::from_slice::<Probe>(bytes)
        .ok()?
        .schema_version?;
    check_version(Some(version), supported).err()
}

/// A value that must arrive as a JSON object.
///
/// Derived `Deserialize` implementations also accept an array and fill the
/// fields by position, which JSON Schema's `"type": "object"` refuses; this
/// wrapper asks for a map and nothing else.
#[derive(Debug)]
pub(crate) struct JsonObject<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = JsonObject<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(JsonObject)
    }
}

/// Maps a parse failure to its reason code: broken JSON is malformed, JSON
/// of the wrong shape breaks the contract.
pub(crate) fn json_rejection(err: serde_json::Error) -> Rejection {
    let code = match err.classify() {
        Category::Data => RejectCode::SchemaViolation,
        Category::Io | Category::Syntax | Category::Eof => RejectCode::MalformedJson,
    };
    Rejection::new(code, err.to_string())
}

/// A refusal for a record that is well-formed JSON but breaks its contract.
pub(crate) fn violation(message: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::SchemaViolation, message)
}

/// Prefixes a refusal's message with the field it was found inside, for
/// rules checked on a nested object.
pub(crate) fn within(field: &str, mut rejection: Rejection) -> Rejection {
    rejection.message = format!("{field}: {}", rejection.message);
    rejection
}

/// Unwraps a field every record of the contract must carry.
pub(crate) fn required<T>(value: Option<T>, field: &str) -> Result<T, Rejection> {
    value.ok_or_else(|| violation(format!("`{field}` is required")))
}

/// Checks the contract version a record names against the one this build
/// reads. The version is read as a number so that `1.0` means `1`, as it
/// does to JSON Schema.
pub(crate) fn check_version(version: Option<f64>, supported: u32) -> Result<(), Rejection> {
    match version {
        None => Err(violation("`schema_version` is required")),
        Some(v) if v == f64::from(supported) => Ok(()),
        Some(v) => Err(Rejection::new(
            RejectCode::UnsupportedSchemaVersion,
            format!("schema_version {v} is not supported; this pipeline reads {supported}"),
        )),
    }
}

/// Checks an identifier: 1 to [`MAX_ID_LEN`] characters of
/// `A-Z a-z 0-9 . _ : -`, starting with a letter or digit. Identifiers end up
/// in MQTT topics, Kafka keys and SQL rows, so none may hold a wildcard, a
/// separator, whitespace or anything a terminal would interpret.
pub(crate) fn check_identifier(field: &str, id: &str) -> Result<(), Rejection> {
    let bytes = id.as_bytes();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-');
    let ok = !bytes.is_empty()
        && bytes.len() <= MAX_ID_LEN
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(allowed);
    if ok {
        return Ok(());
    }
    Err(violation(format!(
        "{field} {id:?} must be 1 to {MAX_ID_LEN} characters of A-Z a-z 0-9 . _ : -, \
         starting with a letter or digit"
    )))
}

/// Unwraps a required identifier and checks it, see [`check_identifier`].
pub(crate) fn required_identifier(
    value: Option<Cow<'_, str>>,
    field: &str,
) -> Result<String, Rejection> {
    let id = required(value, field)?;
    check_identifier(field, &id)?;
    Ok(id.into_owned())
}

/// Parses an RFC 3339 date-time. RFC 3339 lets applications accept a space
/// between date and time; JSON Schema's `date-time` does not, so neither do
/// we.
pub(crate) fn parse_timestamp(field: &str, text: &str) -> Result<DateTime<Utc>, Rejection> {
    let separator_ok = matches!(text.as_bytes().get(10), Some(b'T' | b't'));
    match DateTime::parse_from_rfc3339(text) {
        Ok(ts) if separator_ok => Ok(ts.with_timezone(&Utc)),
        _ => Err(violation(format!(
            "{field} {text:?} is not an RFC 3339 date-time such as 2026-01-31T23:45:00Z"
        ))),
    }
}

/// Checks that a value is one of a closed set of names.
pub(crate) fn check_one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), Rejection> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(violation(format!(
        "{field} {value:?} is not one of {}",
        allowed.join(", ")
    )))
}

/// Checks a free-text length in characters (Unicode scalar values), the unit
/// JSON Schema's `maxLength` counts in.
pub(crate) fn check_max_chars(field: &str, text: &str, max: usize) -> Result<(), Rejection> {
    // No string of at most `max` bytes can hold more than `max` characters.
    if text.len() <= max || text.chars().count() <= max {
        return Ok(());
    }
    Err(violation(format!(
        "{field} is {} characters long; the limit is {max}",
        text.chars().count()
    )))
}

/// Checks an optional number against inclusive bounds.
pub(crate) fn check_range(
    field: &str,
    value: Option<f64>,
    min: f64,
    max: f64,
) -> Result<Option<f64>, Rejection> {
    match value {
        Some(v) if !(min..=max).contains(&v) => {
            Err(violation(format!("{field} {v} is outside {min} to {max}")))
        }
        _ => Ok(value),
    }
}

/// The integer a JSON number stands for, when it is whole and within the
/// inclusive bounds. JSON Schema's `integer` accepts `1e3` and `1.0`, so a
/// number is judged by its value, not by how it was written.
///
/// The bounds must lie within ±2^53, where every integer is an exact `f64`.
pub(crate) fn whole_number(value: f64, min: i64, max: i64) -> Option<i64> {
    #[allow(clippy::cast_precision_loss)] // callers keep bounds within ±2^53
    let range = (min as f64)..=(max as f64);
    if value.fract() == 0.0 && range.contains(&value) {
        #[allow(clippy::cast_possible_truncation)] // integral and within i64 by the check above
        return Some(value as i64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_that_could_break_topics_or_keys_are_refused() {
        for (id, ok) in [
            ("m-1", true),
            ("A.b_c:d-e", true),
            ("-leading-dash", false),
            ("a/b", false),
            ("a+b", false),
            ("a#", false),
            ("a b", false),
            ("ü", false),
            ("", false),
            (&"x".repeat(65), false),
            (&"x".repeat(64), true),
        ] {
            assert_eq!(check_identifier("id", id).is_ok(), ok, "identifier {id:?}");
        }
    }

    #[test]
    fn text_length_is_counted_in_characters_not_bytes() {
        for (text, ok) in [("ééé", true), ("éééé", false), ("abc", true), ("", true)] {
            assert_eq!(check_max_chars("f", text, 3).is_ok(), ok, "text {text:?}");
        }
    }

    #[test]
    fn whole_numbers_are_judged_by_value_within_inclusive_bounds() {
        for (value, expected) in [
            (0.0, Some(0)),
            (-5.0, Some(-5)),
            (1e3, Some(1000)),
            (1000.0, Some(1000)),
            (999.5, None),
            (1001.0, None),
            (-6.0, None),
        ] {
            assert_eq!(whole_number(value, -5, 1000), expected, "value {value}");
        }
    }

    #[test]
    fn an_object_is_required_where_serde_would_also_take_an_array() {
        #[derive(Debug, serde::Deserialize)]
        struct Pair {
            a: u8,
            b: u8,
        }
        let pair: Pair = decode_object(br#"{"a":1,"b":2}"#).unwrap();
        assert_eq!((pair.a, pair.b), (1, 2));

        let refused = decode_object::<Pair>(b"[1,2]").unwrap_err();
        assert_eq!(refused.code, RejectCode::SchemaViolation);
        assert!(
            serde_json::from_slice::<Pair>(b"[1,2]").is_ok(),
            "serde alone takes arrays"
        );
    }

    #[test]
    fn a_repeated_key_is_refused_rather_than_resolved() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)] // only the refusal matters here
        struct One {
            a: u8,
        }
        let refused = decode_object::<One>(br#"{"a":1,"a":2}"#).unwrap_err();
        assert_eq!(refused.code, RejectCode::SchemaViolation);
    }

    #[test]
    fn versions_are_compared_by_value() {
        for (version, code) in [
            (Some(1.0), None),
            (Some(2.0), Some(RejectCode::UnsupportedSchemaVersion)),
            (Some(0.5), Some(RejectCode::UnsupportedSchemaVersion)),
            (None, Some(RejectCode::SchemaViolation)),
        ] {
            let got = check_version(version, 1).err().map(|r| r.code);
            assert_eq!(got, code, "version {version:?}");
        }
    }
}
