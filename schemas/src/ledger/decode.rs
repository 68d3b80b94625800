//! From bytes to a verified ledger entry.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{LEDGER_SCHEMA_VERSION, LedgerEntry, LedgerKind, MAX_ABS_AMOUNT_MINOR};
use crate::rules::{
    check_identifier, decode_versioned, parse_timestamp, required, required_identifier, violation,
    whole_number,
};
use crate::{RejectCode, Rejection};

/// The longest reason code, in characters: a short machine code, not prose.
const MAX_REASON_CODE_LEN: usize = 64;

/// The length of a hex SHA-256.
const HASH_HEX_LEN: usize = 64;

/// The entry exactly as the billing service sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireEntry<'a> {
    schema_version: Option<f64>,
    #[serde(borrow)]
    entry_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tenant_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    property_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    account_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    amount_minor: Option<f64>,
    #[serde(borrow)]
    currency: Option<Cow<'a, str>>,
    #[serde(borrow)]
    actor_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    approver_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reason_code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ts: Option<Cow<'a, str>>,
    #[serde(borrow)]
    prev_hash: Option<Cow<'a, str>>,
    #[serde(borrow)]
    hash: Option<Cow<'a, str>>,
}

/// Decodes one ledger entry and verifies its hash against its content.
///
/// # Errors
///
/// [`RejectCode::MalformedJson`] for bytes that are not JSON,
/// [`RejectCode::UnsupportedSchemaVersion`] for another contract version,
/// [`RejectCode::SchemaViolation`] for any broken rule of the contract, and
/// [`RejectCode::HashMismatch`] for a well-formed entry whose `hash` is not
/// the SHA-256 of its canonical form (the message gives both values).
pub fn decode_ledger_entry(bytes: &[u8]) -> Result<LedgerEntry, Rejection> {
    let wire: WireEntry<'_> =
        decode_versioned(bytes, LEDGER_SCHEMA_VERSION, |w: &WireEntry<'_>| {
            w.schema_version
        })?;
    let approver_id = wire.approver_id.map(|id| {
        check_identifier("approver_id", &id)?;
        Ok::<_, Rejection>(id.into_owned())
    });

    let entry = LedgerEntry {
        entry_id: required_identifier(wire.entry_id, "entry_id")?,
        tenant_id: required_identifier(wire.tenant_id, "tenant_id")?,
        property_id: required_identifier(wire.property_id, "property_id")?,
        account_id: required_identifier(wire.account_id, "account_id")?,
        kind: kind(&required(wire.kind, "kind")?)?,
        amount_minor: amount(required(wire.amount_minor, "amount_minor")?)?,
        currency: currency(required(wire.currency, "currency")?)?,
        actor_id: required_identifier(wire.actor_id, "actor_id")?,
        approver_id: approver_id.transpose()?,
        reason_code: reason_code(required(wire.reason_code, "reason_code")?)?,
        ts: timestamp(&required(wire.ts, "ts")?)?,
        prev_hash: hex_hash("prev_hash", required(wire.prev_hash, "prev_hash")?)?,
        hash: hex_hash("hash", required(wire.hash, "hash")?)?,
    };
    verify_hash(entry)
}

fn kind(text: &str) -> Result<LedgerKind, Rejection> {
    LedgerKind::parse(text).ok_or_else(|| {
        let kinds: Vec<&str> = LedgerKind::ALL.iter().map(|k| k.as_str()).collect();
        violation(format!("kind {text:?} is not one of {}", kinds.join(", ")))
    })
}

fn amount(value: f64) -> Result<i64, Rejection> {
    whole_number(value, -MAX_ABS_AMOUNT_MINOR, MAX_ABS_AMOUNT_MINOR).ok_or_else(|| {
        violation(format!(
            "amount_minor {value} must be a whole number of minor units \
             from -{MAX_ABS_AMOUNT_MINOR} to {MAX_ABS_AMOUNT_MINOR}"
        ))
    })
}

fn currency(code: Cow<'_, str>) -> Result<String, Rejection> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Ok(code.into_owned());
    }
    Err(violation(format!(
        "currency {code:?} must be an ISO 4217 code of three capital letters, such as EUR"
    )))
}

fn reason_code(code: Cow<'_, str>) -> Result<String, Rejection> {
    let bytes = code.as_bytes();
    let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_';
    let ok = bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.len() <= MAX_REASON_CODE_LEN
        && bytes.iter().all(allowed);
    if ok {
        return Ok(code.into_owned());
    }
    Err(violation(format!(
        "reason_code {code:?} must be 1 to {MAX_REASON_CODE_LEN} characters of a-z 0-9 _, \
         starting with a letter"
    )))
}

/// Parses `ts`, refusing precision finer than the canonical form keeps, so
/// that every instant the hash covers is the instant that was sent.
fn timestamp(text: &str) -> Result<DateTime<Utc>, Rejection> {
    let ts = parse_timestamp("ts", text)?;
    // RFC 3339 puts the fraction, if any, right after `YYYY-MM-DDTHH:MM:SS`.
    let fraction = text
        .get(20..)
        .filter(|_| text.as_bytes().get(19) == Some(&b'.'));
    let digits = fraction.map_or(0, |f| f.bytes().take_while(u8::is_ascii_digit).count());
    if digits <= 3 {
        return Ok(ts);
    }
    Err(violation(format!(
        "ts {text:?} is more precise than the millisecond the ledger hash covers"
    )))
}

fn hex_hash(field: &str, text: Cow<'_, str>) -> Result<String, Rejection> {
    let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    if text.len() == HASH_HEX_LEN && text.as_bytes().iter().all(lower_hex) {
        return Ok(text.into_owned());
    }
    Err(violation(format!(
        "{field} {text:?} must be {HASH_HEX_LEN} lowercase hex digits"
    )))
}

fn verify_hash(entry: LedgerEntry) -> Result<LedgerEntry, Rejection> {
    let expected = entry.compute_hash();
    if expected == entry.hash {
        return Ok(entry);
    }
    Err(Rejection::new(
        RejectCode::HashMismatch,
        format!(
            "entry {} carries hash {} but its canonical form hashes to {expected}",
            entry.entry_id, entry.hash
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::canonical::tests::python_checked_entry;

    /// The wire form of an entry, as a JSON object to edit.
    fn wire(entry: &LedgerEntry) -> serde_json::Value {
        let mut value: serde_json::Value =
            serde_json::from_slice(&entry.canonical_bytes()).unwrap();
        value["hash"] = entry.hash.clone().into();
        value
    }

    #[test]
    fn an_entry_with_a_correct_hash_is_decoded_whole() {
        let entry = python_checked_entry();
        let decoded = decode_ledger_entry(wire(&entry).to_string().as_bytes()).unwrap();
        assert_eq!(decoded, entry);
    }

    #[test]
    fn a_one_character_change_in_any_hashed_field_breaks_the_hash() {
        let original = wire(&python_checked_entry());
        for (field, changed) in [
            ("entry_id", "le-0002".into()),
            ("tenant_id", "t-acmf".into()),
            ("property_id", "p-13".into()),
            ("account_id", "acc-8".into()),
            ("kind", "refund".into()),
            ("amount_minor", (-125_051).into()),
            ("currency", "EUS".into()),
            ("actor_id", "u-ops.2".into()),
            ("approver_id", "u-ops.2".into()),
            ("reason_code", "bad_debu".into()),
            ("ts", "2026-03-01T09:00:00.251Z".into()),
            ("prev_hash", format!("{}1", "0".repeat(63)).into()),
        ] {
            let mut edited = original.clone();
            edited[field] = changed;
            let rejection = decode_ledger_entry(edited.to_string().as_bytes()).unwrap_err();
            assert_eq!(rejection.code, RejectCode::HashMismatch, "edited {field}");
        }
    }

    #[test]
    fn a_hash_mismatch_names_both_the_received_and_the_expected_hash() {
        let mut edited = wire(&python_checked_entry());
        edited["amount_minor"] = 1.into();
        let received = edited["hash"].as_str().unwrap().to_owned();
        let rejection = decode_ledger_entry(edited.to_string().as_bytes()).unwrap_err();

        let mut expected = python_checked_entry();
        expected.amount_minor = 1;
        assert!(
            rejection.message.contains(&received),
            "{}",
            rejection.message
        );
        assert!(
            rejection.message.contains(&expected.compute_hash()),
            "{}",
            rejection.message
        );
    }

    #[test]
    fn the_same_instant_sent_with_another_offset_keeps_its_hash() {
        let mut edited = wire(&python_checked_entry());
        edited["ts"] = "2026-03-01T04:00:00.25-05:00".into();
        assert!(decode_ledger_entry(edited.to_string().as_bytes()).is_ok());
    }

    #[test]
    fn field_rules_the_hash_depends_on_are_checked_first() {
        for (field, value) in [
            ("ts", serde_json::Value::from("2026-03-01T09:00:00.2500Z")),
            ("amount_minor", 1.5.into()),
            ("amount_minor", 1_000_000_000_001_i64.into()),
            ("currency", "eur".into()),
            ("reason_code", "Bad-Debt".into()),
            ("hash", "A".repeat(64).into()),
            ("approver_id", "".into()),
        ] {
            let mut edited = wire(&python_checked_entry());
            edited[field] = value.clone();
            let code = decode_ledger_entry(edited.to_string().as_bytes())
                .unwrap_err()
                .code;
            assert_eq!(code, RejectCode::SchemaViolation, "{field} = {value}");
        }
    }

    #[test]
    fn a_repeated_field_is_refused_rather_than_hashed_one_way_and_read_another() {
        let json = wire(&python_checked_entry()).to_string();
        let repeated = json.replacen(
            r#""amount_minor":-125050"#,
            r#""amount_minor":1,"amount_minor":-125050"#,
            1,
        );
        assert_ne!(json, repeated);
        let code = decode_ledger_entry(repeated.as_bytes()).unwrap_err().code;
        assert_eq!(code, RejectCode::SchemaViolation);
    }
}
