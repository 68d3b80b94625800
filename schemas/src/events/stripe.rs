//! Stripe events, as Stripe's webhooks deliver them.
//!
//! Stripe owns this envelope and adds fields to it over time, so fields not
//! read here are ignored rather than refused; the fields that are read must
//! be present and of the right type. The contract has no `schema_version`:
//! Stripe versions its payloads by account API version instead, and the
//! fields read here are the same across those.

use std::borrow::Cow;

use chrono::DateTime;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{EventSource, IntegrationEvent};
use crate::rules::{
    JsonObject, check_identifier, decode_object, json_rejection, required, violation, whole_number,
    within,
};
use crate::{RejectCode, Rejection};

/// The Stripe event types this pipeline reads; any other is refused. Each
/// names, before its first dot, the kind of object it carries in
/// `data.object`.
pub const STRIPE_EVENT_TYPES: [&str; 8] = [
    "charge.succeeded",
    "charge.failed",
    "charge.refunded",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "invoice.paid",
    "invoice.payment_failed",
    "payout.paid",
];

/// The longest event id accepted, in characters: Stripe documents object ids
/// of up to 255 characters.
const MAX_EVENT_ID_LEN: usize = 255;

/// The latest `created` accepted, in epoch seconds: 9999-12-31T23:59:59Z,
/// the last instant an RFC 3339 timestamp can write. Anything later is
/// garbage, and the bound keeps the conversion to a date exact.
const MAX_CREATED_S: i64 = 253_402_300_799;

/// The fields of a Stripe event this pipeline reads.
#[derive(Debug, Deserialize)]
struct WireEvent<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    object: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "type")]
    event_type: Option<Cow<'a, str>>,
    created: Option<f64>,
    #[serde(borrow)]
    data: Option<JsonObject<WireData<'a>>>,
}

#[derive(Debug, Deserialize)]
struct WireData<'a> {
    #[serde(borrow)]
    object: Option<&'a RawValue>,
}

/// The fields of `data.object` this pipeline reads.
#[derive(Debug, Deserialize)]
struct WireObject<'a> {
    #[serde(borrow)]
    object: Option<Cow<'a, str>>,
    #[serde(borrow)]
    metadata: Option<JsonObject<WireMetadata<'a>>>,
}

#[derive(Debug, Deserialize)]
struct WireMetadata<'a> {
    #[serde(borrow)]
    tenant_id: Option<Cow<'a, str>>,
}

/// Decodes one Stripe event from a webhook body whose signature has already
/// been checked, or from Kafka.
///
/// # Errors
///
/// [`RejectCode::MalformedJson`] for bytes that are not JSON,
/// [`RejectCode::UnknownEventType`] for a type outside
/// [`STRIPE_EVENT_TYPES`], and [`RejectCode::SchemaViolation`] for a missing
/// or mistyped field that is read, including `data.object.metadata.tenant_id`
/// and a `data.object` of another kind than the event type names.
pub fn decode_stripe_event(bytes: &[u8]) -> Result<IntegrationEvent, Rejection> {
    let wire: WireEvent<'_> = decode_object(bytes)?;
    let event_id = required(wire.id, "id")?;
    check_event_id(&event_id)?;
    let object = required(wire.object, "object")?;
    if object != "event" {
        return Err(violation(format!("object {object:?} must be \"event\"")));
    }
    let event_type = required(wire.event_type, "type")?;
    let object_kind = object_kind(&event_type)?;
    let ts = created(required(wire.created, "created")?)?;

    let raw = required(required(wire.data, "data")?.0.object, "data.object")?;
    let tenant_id = check_object(raw, object_kind)?;
    let payload = serde_json::from_str(raw.get()).map_err(json_rejection)?;

    Ok(IntegrationEvent {
        source: EventSource::Stripe,
        event_id: event_id.into_owned(),
        event_type: event_type.into_owned(),
        site_id: None,
        tenant_id: Some(tenant_id),
        ts,
        payload,
    })
}

/// Stripe event ids are `evt_` followed by letters, digits and underscores.
fn check_event_id(id: &str) -> Result<(), Rejection> {
    let rest = id.strip_prefix("evt_").unwrap_or_default();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    if !rest.is_empty() && id.len() <= MAX_EVENT_ID_LEN && rest.as_bytes().iter().all(allowed) {
        return Ok(());
    }
    Err(violation(format!(
        "id {id:?} must be \"evt_\" followed by letters, digits or underscores, \
         at most {MAX_EVENT_ID_LEN} characters in all"
    )))
}

/// The kind of object an allowlisted event type carries.
fn object_kind(event_type: &str) -> Result<&str, Rejection> {
    if !STRIPE_EVENT_TYPES.contains(&event_type) {
        return Err(Rejection::new(
            RejectCode::UnknownEventType,
            format!(
                "Stripe event type {event_type:?} is not one this pipeline reads ({})",
                STRIPE_EVENT_TYPES.join(", ")
            ),
        ));
    }
    Ok(event_type
        .split_once('.')
        .map_or(event_type, |(kind, _)| kind))
}

fn created(seconds: f64) -> Result<DateTime<chrono::Utc>, Rejection> {
    whole_number(seconds, 0, MAX_CREATED_S)
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(|| {
            violation(format!(
                "created {seconds} must be whole epoch seconds from 0 to {MAX_CREATED_S}"
            ))
        })
}

/// Checks `data.object` is of the expected kind and names its tenant; returns
/// the tenant.
fn check_object(raw: &RawValue, expected_kind: &str) -> Result<String, Rejection> {
    let object: WireObject<'_> =
        decode_object(raw.get().as_bytes()).map_err(|r| within("data.object", r))?;
    let kind = required(object.object, "data.object.object")?;
    if kind != expected_kind {
        return Err(violation(format!(
            "data.object is a {kind:?} but this event type carries a {expected_kind:?}"
        )));
    }

    let metadata = required(object.metadata, "data.object.metadata")?.0;
    let tenant_id = required(metadata.tenant_id, "data.object.metadata.tenant_id")?;
    check_identifier("data.object.metadata.tenant_id", &tenant_id)?;
    Ok(tenant_id.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_type: &str, object_kind: &str) -> String {
        format!(
            concat!(
                r#"{{"id":"evt_1","object":"event","type":"{}","created":1767225600,"#,
                r#""livemode":false,"data":{{"object":{{"object":"{}","amount":5,"#,
                r#""metadata":{{"tenant_id":"t-1"}}}}}}}}"#,
            ),
            event_type, object_kind
        )
    }

    #[test]
    fn a_charge_event_is_decoded_with_its_tenant_and_object() {
        let decoded = decode_stripe_event(event("charge.succeeded", "charge").as_bytes()).unwrap();

        assert_eq!(decoded.source, EventSource::Stripe);
        assert_eq!(decoded.tenant_id.as_deref(), Some("t-1"));
        assert_eq!(decoded.site_id, None);
        assert_eq!(decoded.ts.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(decoded.payload["amount"], 5);
    }

    #[test]
    fn only_allowlisted_event_types_are_read() {
        for (event_type, object_kind, code) in [
            ("charge.succeeded", "charge", None),
            ("charge.refunded", "charge", None),
            ("payment_intent.payment_failed", "payment_intent", None),
            ("invoice.payment_failed", "invoice", None),
            ("payout.paid", "payout", None),
            (
                "payout.failed",
                "payout",
                Some(RejectCode::UnknownEventType),
            ),
            (
                "customer.created",
                "customer",
                Some(RejectCode::UnknownEventType),
            ),
            ("charge.*", "charge", Some(RejectCode::UnknownEventType)),
            (
                "charge.succeeded",
                "invoice",
                Some(RejectCode::SchemaViolation),
            ),
        ] {
            let json = event(event_type, object_kind);
            let got = decode_stripe_event(json.as_bytes()).err().map(|r| r.code);
            assert_eq!(got, code, "{event_type} carrying a {object_kind}");
        }
    }

    #[test]
    fn the_tenant_must_be_named_in_the_object_metadata() {
        for metadata in [
            r#"{}"#,
            r#"{"tenant_id":null}"#,
            r#"{"tenant_id":7}"#,
            r#""t-1""#,
        ] {
            let json = event("charge.failed", "charge").replace(r#"{"tenant_id":"t-1"}"#, metadata);
            let got = decode_stripe_event(json.as_bytes()).unwrap_err().code;
            assert_eq!(got, RejectCode::SchemaViolation, "metadata {metadata}");
        }
    }

    #[test]
    fn event_ids_must_be_stripe_event_ids() {
        for (id, ok) in [
            ("evt_1NG8Du2eZvKYlo2CUI79vXWy", true),
            ("evt_test_65R9", true),
            ("evt_", false),
            ("ch_123", false),
            ("evt_12-3", false),
            (&format!("evt_{}", "a".repeat(251)), true),
            (&format!("evt_{}", "a".repeat(252)), false),
        ] {
            assert_eq!(check_event_id(id).is_ok(), ok, "id {id:?}");
        }
    }
}
