//! OriginFD events: a fixed envelope around a payload whose shape depends on
//! the event type.
//!
//! The envelope is checked first, then the type against the allowlist, and
//! only then the payload, so an operator sees `unknown_event_type` for a new
//! kind of OriginFD event however its payload looks.

mod payload;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use self::payload::PayloadKind;
use super::{EventSource, IntegrationEvent};
use crate::rules::{decode_versioned, parse_timestamp, required, required_identifier};
use crate::{RejectCode, Rejection};

/// The contract version this build reads.
pub const ORIGINFD_SCHEMA_VERSION: u32 = 1;

/// The OriginFD event types this pipeline reads; any other is refused.
pub const ORIGINFD_EVENT_TYPES: [&str; 3] = ["generation.reading", "inverter.status", "site.alarm"];

/// The envelope exactly as OriginFD sends it. Every field is optional here
/// so that a missing one is reported by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireEnvelope<'a> {
    schema_version: Option<f64>,
    #[serde(borrow)]
    event_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    event_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    site_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ts: Option<Cow<'a, str>>,
    #[serde(borrow)]
    payload: Option<&'a RawValue>,
}

/// Decodes one OriginFD event, from Kafka or from a webhook body whose
/// signature has already been checked.
///
/// # Errors
///
/// [`RejectCode::MalformedJson`] for bytes that are not JSON,
/// [`RejectCode::UnsupportedSchemaVersion`] for another contract version,
/// [`RejectCode::UnknownEventType`] for a type outside
/// [`ORIGINFD_EVENT_TYPES`], [`RejectCode::InvalidRegister`] for a generation
/// register that is negative, fractional or too large, and
/// [`RejectCode::SchemaViolation`] for any other broken rule of the envelope
/// or the payload.
pub fn decode_originfd_event(bytes: &[u8]) -> Result<IntegrationEvent, Rejection> {
    let wire: WireEnvelope<'_> =
        decode_versioned(bytes, ORIGINFD_SCHEMA_VERSION, |w: &WireEnvelope<'_>| {
            w.schema_version
        })?;
    let event_type = required(wire.event_type, "event_type")?;
    let kind = PayloadKind::parse(&event_type).ok_or_else(|| unknown_type(&event_type))?;

    let event_id = required_identifier(wire.event_id, "event_id")?;
    let site_id = required_identifier(wire.site_id, "site_id")?;
    let ts = parse_timestamp("ts", &required(wire.ts, "ts")?)?;
    let payload = kind.decode(required(wire.payload, "payload")?)?;

    Ok(IntegrationEvent {
        source: EventSource::OriginFd,
        event_id,
        event_type: event_type.into_owned(),
        site_id: Some(site_id),
        tenant_id: None,
        ts,
        payload,
    })
}

fn unknown_type(event_type: &str) -> Rejection {
    Rejection::new(
        RejectCode::UnknownEventType,
        format!(
            "OriginFD event type {event_type:?} is not one this pipeline reads ({})",
            ORIGINFD_EVENT_TYPES.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_type: &str, payload: &str) -> String {
        format!(
            concat!(
                r#"{{"schema_version":1,"event_id":"e-1","event_type":"{}","site_id":"s-1","#,
                r#""ts":"2026-03-01T10:00:00+01:00","payload":{}}}"#,
            ),
            event_type, payload
        )
    }

    #[test]
    fn a_generation_reading_is_decoded_with_its_time_in_utc_and_no_tenant() {
        let json = event(
            "generation.reading",
            r#"{"inverter_id":"inv-1","energy_wh":1e3}"#,
        );
        let decoded = decode_originfd_event(json.as_bytes()).unwrap();

        assert_eq!(decoded.source, EventSource::OriginFd);
        assert_eq!(decoded.site_id.as_deref(), Some("s-1"));
        assert_eq!(decoded.tenant_id, None);
        assert_eq!(decoded.ts.to_rfc3339(), "2026-03-01T09:00:00+00:00");
        assert_eq!(decoded.payload["energy_wh"].as_i64(), Some(1000));
    }

    #[test]
    fn only_allowlisted_event_types_are_read() {
        for (event_type, code) in [
            ("generation.reading", RejectCode::InvalidRegister),
            ("inverter.status", RejectCode::SchemaViolation),
            ("site.alarm", RejectCode::SchemaViolation),
            ("Generation.Reading", RejectCode::UnknownEventType),
            ("generation.reading ", RejectCode::UnknownEventType),
            ("inverter.firmware", RejectCode::UnknownEventType),
            ("", RejectCode::UnknownEventType),
        ] {
            // A payload no type accepts, so that an allowlisted type fails
            // later, on its payload, and an unlisted one fails on its type.
            let json = event(event_type, r#"{"inverter_id":"i","energy_wh":-1}"#);
            let got = decode_originfd_event(json.as_bytes()).unwrap_err().code;
            assert_eq!(got, code, "event type {event_type:?}");
        }
    }

    #[test]
    fn the_allowlist_constant_names_exactly_the_payload_kinds() {
        let kinds: Vec<&str> = PayloadKind::ALL.iter().map(|k| k.event_type()).collect();
        assert_eq!(kinds, ORIGINFD_EVENT_TYPES);
    }

    #[test]
    fn an_unknown_envelope_field_is_refused() {
        let json =
            event("site.alarm", "{}").replace(r#""payload""#, r#""tenant_id":"t","payload""#);
        let rejection = decode_originfd_event(json.as_bytes()).unwrap_err();
        assert_eq!(rejection.code, RejectCode::SchemaViolation);
        assert!(
            rejection.message.contains("tenant_id"),
            "{}",
            rejection.message
        );
    }
}
