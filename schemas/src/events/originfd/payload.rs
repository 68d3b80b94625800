//! The payload of each allowlisted OriginFD event type.
//!
//! Each payload is decoded into its own borrowed shape, checked, and rebuilt
//! as JSON from the checked fields, so what is stored is exactly what was
//! validated: no unknown fields, numbers in their canonical form, absent
//! optional fields left out rather than stored as `null`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::Rejection;
use crate::reading::check_register;
use crate::rules::{
    check_identifier, check_max_chars, check_one_of, check_range, decode_object, required, within,
};

/// The highest AC power one inverter may report, in W: 10 MW, above the
/// largest central inverters built today. It is there to refuse garbage, not
/// to model any particular plant.
const MAX_INVERTER_POWER_W: f64 = 1.0e7;

/// The longest alarm message, in characters: room for a sentence or two of
/// explanation, not for a log dump.
const MAX_ALARM_MESSAGE_CHARS: usize = 500;

const INVERTER_STATES: [&str; 4] = ["online", "offline", "fault", "maintenance"];
const ALARM_SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// The kinds of payload, one per allowlisted event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PayloadKind {
    GenerationReading,
    InverterStatus,
    SiteAlarm,
}

impl PayloadKind {
    pub(super) const ALL: [Self; 3] = [
        Self::GenerationReading,
        Self::InverterStatus,
        Self::SiteAlarm,
    ];

    pub(super) fn event_type(self) -> &'static str {
        match self {
            Self::GenerationReading => "generation.reading",
            Self::InverterStatus => "inverter.status",
            Self::SiteAlarm => "site.alarm",
        }
    }

    /// The kind an event type names; `None` for any type not allowlisted.
    pub(super) fn parse(event_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.event_type() == event_type)
    }

    /// Checks a payload of this kind and returns it rebuilt from its checked
    /// fields.
    pub(super) fn decode(self, raw: &RawValue) -> Result<Value, Rejection> {
        self.check(raw.get().as_bytes())
            .map_err(|rejection| within("payload", rejection))
    }

    fn check(self, bytes: &[u8]) -> Result<Value, Rejection> {
        match self {
            Self::GenerationReading => generation_reading(decode_object(bytes)?),
            Self::InverterStatus => inverter_status(decode_object(bytes)?),
            Self::SiteAlarm => site_alarm(decode_object(bytes)?),
        }
    }
}

/// A reading of an inverter's cumulative generation register.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerationReading<'a> {
    #[serde(borrow)]
    inverter_id: Option<Cow<'a, str>>,
    energy_wh: Option<f64>,
    power_w: Option<f64>,
}

fn generation_reading(wire: GenerationReading<'_>) -> Result<Value, Rejection> {
    let inverter_id = required(wire.inverter_id, "inverter_id")?;
    check_identifier("inverter_id", &inverter_id)?;
    let energy_wh = check_register(required(wire.energy_wh, "energy_wh")?)?;
    let power_w = check_range("power_w", wire.power_w, 0.0, MAX_INVERTER_POWER_W)?;

    Ok(object([
        ("inverter_id", Some(Value::from(inverter_id))),
        ("energy_wh", Some(Value::from(energy_wh))),
        ("power_w", power_w.map(Value::from)),
    ]))
}

/// A change in an inverter's operating state.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InverterStatus<'a> {
    #[serde(borrow)]
    inverter_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    fault_code: Option<Cow<'a, str>>,
}

fn inverter_status(wire: InverterStatus<'_>) -> Result<Value, Rejection> {
    let inverter_id = required(wire.inverter_id, "inverter_id")?;
    check_identifier("inverter_id", &inverter_id)?;
    let status = required(wire.status, "status")?;
    check_one_of("status", &status, &INVERTER_STATES)?;
    if let Some(code) = &wire.fault_code {
        check_identifier("fault_code", code)?;
    }

    Ok(object([
        ("inverter_id", Some(Value::from(inverter_id))),
        ("status", Some(Value::from(status))),
        ("fault_code", wire.fault_code.map(Value::from)),
    ]))
}

/// An alarm raised, or cleared, for a whole site.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteAlarm<'a> {
    #[serde(borrow)]
    alarm_code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    cleared: Option<bool>,
}

fn site_alarm(wire: SiteAlarm<'_>) -> Result<Value, Rejection> {
    let alarm_code = required(wire.alarm_code, "alarm_code")?;
    check_identifier("alarm_code", &alarm_code)?;
    let severity = required(wire.severity, "severity")?;
    check_one_of("severity", &severity, &ALARM_SEVERITIES)?;
    let message = required(wire.message, "message")?;
    check_max_chars("message", &message, MAX_ALARM_MESSAGE_CHARS)?;
    let cleared = required(wire.cleared, "cleared")?;

    Ok(object([
        ("alarm_code", Some(Value::from(alarm_code))),
        ("severity", Some(Value::from(severity))),
        ("message", Some(Value::from(message))),
        ("cleared", Some(Value::from(cleared))),
    ]))
}

/// A JSON object of the fields that are present.
fn object<const N: usize>(fields: [(&str, Option<Value>); N]) -> Value {
    let present = fields
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value?)));
    Value::Object(present.collect::<Map<String, Value>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RejectCode;

    fn decode(kind: PayloadKind, json: &str) -> Result<Value, Rejection> {
        let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
        kind.decode(&raw)
    }

    #[test]
    fn absent_and_null_optional_fields_are_left_out_of_the_stored_payload() {
        for json in [
            r#"{"inverter_id":"i","status":"online"}"#,
            r#"{"inverter_id":"i","status":"online","fault_code":null}"#,
        ] {
            let payload = decode(PayloadKind::InverterStatus, json).unwrap();
            assert_eq!(
                payload,
                serde_json::json!({"inverter_id":"i","status":"online"})
            );
        }
    }

    #[test]
    fn payload_rules_are_reported_with_the_field_they_concern() {
        use PayloadKind::{GenerationReading, InverterStatus, SiteAlarm};
        let long = format!(
            r#"{{"alarm_code":"a","severity":"info","message":"{}","cleared":false}}"#,
            "é".repeat(501)
        );
        for (kind, json, code, field) in [
            (
                GenerationReading,
                r#"{"inverter_id":"i","energy_wh":0.5}"#,
                RejectCode::InvalidRegister,
                "energy_wh",
            ),
            (
                GenerationReading,
                r#"{"inverter_id":"i","energy_wh":1,"power_w":-1}"#,
                RejectCode::SchemaViolation,
                "power_w",
            ),
            (
                GenerationReading,
                r#"{"inverter_id":"i/1","energy_wh":1}"#,
                RejectCode::SchemaViolation,
                "inverter_id",
            ),
            (
                InverterStatus,
                r#"{"inverter_id":"i","status":"broken"}"#,
                RejectCode::SchemaViolation,
                "status",
            ),
            (
                InverterStatus,
                r#"{"inverter_id":"i","status":"fault","fault_code":""}"#,
                RejectCode::SchemaViolation,
                "fault_code",
            ),
            (
                SiteAlarm,
                r#"{"alarm_code":"a","severity":"info","message":"m"}"#,
                RejectCode::SchemaViolation,
                "cleared",
            ),
            (SiteAlarm, &long, RejectCode::SchemaViolation, "message"),
            (
                SiteAlarm,
                r#"[1,2,3,4]"#,
                RejectCode::SchemaViolation,
                "object",
            ),
        ] {
            let rejection = decode(kind, json).unwrap_err();
            assert_eq!(rejection.code, code, "{json}");
            assert!(
                rejection.message.starts_with("payload: "),
                "{}",
                rejection.message
            );
            assert!(rejection.message.contains(field), "{}", rejection.message);
        }
    }

    #[test]
    fn an_alarm_message_at_the_limit_is_kept_whole() {
        let message = "é".repeat(MAX_ALARM_MESSAGE_CHARS);
        let json = format!(
            r#"{{"alarm_code":"a","severity":"critical","message":"{message}","cleared":true}}"#
        );
        let payload = decode(PayloadKind::SiteAlarm, &json).unwrap();
        assert_eq!(payload["message"].as_str(), Some(message.as_str()));
    }
}
