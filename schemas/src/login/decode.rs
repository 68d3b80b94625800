//! From bytes to a validated login event.

use std::borrow::Cow;
use std::net::IpAddr;

use serde::Deserialize;

use super::{FAILURE_REASONS, Geo, LOGIN_SCHEMA_VERSION, LoginEvent, LoginOutcome, MfaOutcome};
use crate::Rejection;
use crate::rules::{
    JsonObject, check_identifier, check_max_chars, check_one_of, check_range, decode_versioned,
    parse_timestamp, required, required_identifier, violation,
};

/// The longest User-Agent kept, in characters. Real browsers send under
/// 300; the cap keeps a hostile client from filling rows with its header.
const MAX_USER_AGENT_CHARS: usize = 512;

/// The longest region or city name, in characters: room for the longest
/// official place names (Bangkok's ceremonial name has 168 letters).
const MAX_PLACE_NAME_CHARS: usize = 200;

/// The event exactly as the auth service sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireLogin<'a> {
    schema_version: Option<f64>,
    #[serde(borrow)]
    event_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tenant_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    user_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ts: Option<Cow<'a, str>>,
    #[serde(borrow)]
    outcome: Option<Cow<'a, str>>,
    #[serde(borrow)]
    failure_reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source_ip: Option<Cow<'a, str>>,
    #[serde(borrow)]
    device_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    user_agent: Option<Cow<'a, str>>,
    #[serde(borrow)]
    mfa: Option<Cow<'a, str>>,
    #[serde(borrow)]
    geo: Option<JsonObject<WireGeo<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireGeo<'a> {
    #[serde(borrow)]
    country: Option<Cow<'a, str>>,
    #[serde(borrow)]
    region: Option<Cow<'a, str>>,
    #[serde(borrow)]
    city: Option<Cow<'a, str>>,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// Decodes one login event.
///
/// # Errors
///
/// [`RejectCode::MalformedJson`](crate::RejectCode) for bytes that are not
/// JSON, `UnsupportedSchemaVersion` for another contract version, and
/// `SchemaViolation` for any broken rule of the contract, including a
/// failure without a `failure_reason` or a success with one.
pub fn decode_login_event(bytes: &[u8]) -> Result<LoginEvent, Rejection> {
    let wire: WireLogin<'_> =
        decode_versioned(bytes, LOGIN_SCHEMA_VERSION, |w: &WireLogin<'_>| {
            w.schema_version
        })?;
    let outcome = outcome(&required(wire.outcome, "outcome")?)?;

    Ok(LoginEvent {
        event_id: required_identifier(wire.event_id, "event_id")?,
        tenant_id: required_identifier(wire.tenant_id, "tenant_id")?,
        user_id: required_identifier(wire.user_id, "user_id")?,
        ts: parse_timestamp("ts", &required(wire.ts, "ts")?)?,
        outcome,
        failure_reason: failure_reason(outcome, wire.failure_reason)?,
        source_ip: source_ip(&required(wire.source_ip, "source_ip")?)?,
        device_id: optional_identifier(wire.device_id, "device_id")?,
        user_agent: optional_text(wire.user_agent, "user_agent", MAX_USER_AGENT_CHARS)?,
        mfa: wire.mfa.as_deref().map(mfa).transpose()?,
        geo: wire.geo.map(|geo| self::geo(geo.0)).transpose()?,
    })
}

fn outcome(text: &str) -> Result<LoginOutcome, Rejection> {
    LoginOutcome::parse(text)
        .ok_or_else(|| violation(format!("outcome {text:?} is not one of success, failure")))
}

/// A failure must say why; a success must not, so that a reason never
/// describes a login that worked.
fn failure_reason(
    outcome: LoginOutcome,
    reason: Option<Cow<'_, str>>,
) -> Result<Option<String>, Rejection> {
    match (outcome, reason) {
        (LoginOutcome::Success, None) => Ok(None),
        (LoginOutcome::Success, Some(reason)) => Err(violation(format!(
            "failure_reason {reason:?} is given for a successful login"
        ))),
        (LoginOutcome::Failure, None) => Err(violation(
            "`failure_reason` is required when the outcome is failure",
        )),
        (LoginOutcome::Failure, Some(reason)) => {
            check_one_of("failure_reason", &reason, &FAILURE_REASONS)?;
            Ok(Some(reason.into_owned()))
        }
    }
}

/// An IPv4 address in dotted-quad form or an IPv6 address in RFC 4291 text
/// form: what JSON Schema's `ipv4` and `ipv6` formats accept. Zone indices
/// (`fe80::1%eth0`) and IPv4 octets with leading zeros are refused.
fn source_ip(text: &str) -> Result<IpAddr, Rejection> {
    text.parse()
        .map_err(|_| violation(format!("source_ip {text:?} is not an IPv4 or IPv6 address")))
}

fn mfa(text: &str) -> Result<MfaOutcome, Rejection> {
    MfaOutcome::parse(text).ok_or_else(|| {
        let names: Vec<&str> = MfaOutcome::ALL.iter().map(|m| m.as_str()).collect();
        violation(format!("mfa {text:?} is not one of {}", names.join(", ")))
    })
}

fn geo(wire: WireGeo<'_>) -> Result<Geo, Rejection> {
    let country = required(wire.country, "geo.country")?;
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(violation(format!(
            "geo.country {country:?} must be an ISO 3166-1 alpha-2 code such as DE"
        )));
    }
    let lat = check_range("geo.lat", Some(required(wire.lat, "geo.lat")?), -90.0, 90.0)?;
    let lon = check_range(
        "geo.lon",
        Some(required(wire.lon, "geo.lon")?),
        -180.0,
        180.0,
    )?;

    Ok(Geo {
        country: country.into_owned(),
        region: optional_text(wire.region, "geo.region", MAX_PLACE_NAME_CHARS)?,
        city: optional_text(wire.city, "geo.city", MAX_PLACE_NAME_CHARS)?,
        lat: lat.unwrap_or_default(),
        lon: lon.unwrap_or_default(),
    })
}

fn optional_identifier(
    value: Option<Cow<'_, str>>,
    field: &str,
) -> Result<Option<String>, Rejection> {
    let Some(id) = value else { return Ok(None) };
    check_identifier(field, &id)?;
    Ok(Some(id.into_owned()))
}

fn optional_text(
    value: Option<Cow<'_, str>>,
    field: &str,
    max_chars: usize,
) -> Result<Option<String>, Rejection> {
    let Some(text) = value else { return Ok(None) };
    check_max_chars(field, &text, max_chars)?;
    Ok(Some(text.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RejectCode;

    /// The required fields but `outcome`, as an unclosed object.
    const MINIMAL: &str = concat!(
        r#"{"schema_version":1,"event_id":"e1","tenant_id":"t1","user_id":"u1","#,
        r#""ts":"2026-02-01T08:00:00Z","source_ip":"203.0.113.9""#
    );

    fn login(rest: &str) -> Result<LoginEvent, Rejection> {
        decode_login_event(format!("{MINIMAL},{rest}}}").as_bytes())
    }

    #[test]
    fn a_failure_reason_is_required_for_failures_and_refused_for_successes() {
        for (rest, reason) in [
            (r#""outcome":"success""#, Ok(None)),
            (r#""outcome":"success","failure_reason":null"#, Ok(None)),
            (
                r#""outcome":"failure","failure_reason":"locked""#,
                Ok(Some("locked")),
            ),
            (
                r#""outcome":"failure","failure_reason":"other""#,
                Ok(Some("other")),
            ),
            (
                r#""outcome":"success","failure_reason":"locked""#,
                Err(RejectCode::SchemaViolation),
            ),
            (r#""outcome":"failure""#, Err(RejectCode::SchemaViolation)),
            (
                r#""outcome":"failure","failure_reason":null"#,
                Err(RejectCode::SchemaViolation),
            ),
            (
                r#""outcome":"failure","failure_reason":"Locked""#,
                Err(RejectCode::SchemaViolation),
            ),
            (
                r#""outcome":"failure","failure_reason":"timeout""#,
                Err(RejectCode::SchemaViolation),
            ),
        ] {
            let got = login(rest).map(|l| l.failure_reason).map_err(|r| r.code);
            assert_eq!(got, reason.map(|r| r.map(str::to_owned)), "{rest}");
        }
    }

    #[test]
    fn source_addresses_are_read_as_ipv4_or_ipv6() {
        for (ip, ok) in [
            ("192.0.2.1", true),
            ("2001:db8::1", true),
            ("::ffff:192.0.2.1", true),
            ("192.0.2.256", false),
            ("192.0.2.01", false),
            ("fe80::1%eth0", false),
            ("example.com", false),
        ] {
            assert_eq!(source_ip(ip).is_ok(), ok, "address {ip:?}");
        }
    }

    #[test]
    fn every_mfa_outcome_parses_from_its_wire_name() {
        for outcome in MfaOutcome::ALL {
            assert_eq!(mfa(outcome.as_str()).unwrap(), outcome);
        }
        assert!(mfa("skipped").is_err());
    }

    #[test]
    fn a_location_must_be_on_the_globe() {
        for (geo, ok) in [
            (r#"{"country":"DE","lat":52.52,"lon":13.4}"#, true),
            (r#"{"country":"NZ","lat":-90,"lon":180}"#, true),
            (r#"{"country":"NZ","lat":-90.01,"lon":0}"#, false),
            (r#"{"country":"DE","lat":0,"lon":180.5}"#, false),
            (r#"{"country":"DE","lat":0}"#, false),
            (r#"{"country":"de","lat":0,"lon":0}"#, false),
            (r#"{"country":"DEU","lat":0,"lon":0}"#, false),
            (r#"["DE",null,null,0,0]"#, false),
        ] {
            let got = login(&format!(r#""outcome":"success","geo":{geo}"#));
            assert_eq!(got.is_ok(), ok, "geo {geo}");
        }
    }
}
