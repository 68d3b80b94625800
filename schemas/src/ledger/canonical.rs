//! The canonical form of a ledger entry: the exact bytes its hash covers.

use chrono::SecondsFormat;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{LEDGER_SCHEMA_VERSION, LedgerEntry};

/// The fields the hash covers, declared in lexicographic order of their
/// names: serde writes fields in declaration order whatever features
/// `serde_json` was built with, so this order is the canonical key order.
#[derive(Serialize)]
struct Canonical<'a> {
    account_id: &'a str,
    actor_id: &'a str,
    amount_minor: i64,
    approver_id: Option<&'a str>,
    currency: &'a str,
    entry_id: &'a str,
    kind: &'a str,
    prev_hash: &'a str,
    property_id: &'a str,
    reason_code: &'a str,
    schema_version: u32,
    tenant_id: &'a str,
    ts: String,
}

impl LedgerEntry {
    /// The bytes the entry's hash covers, defined so that a producer in any
    /// language can reproduce them:
    ///
    /// - one JSON object holding every field of the wire form except `hash`,
    ///   `schema_version` (the number `1`) included;
    /// - keys in lexicographic order, no whitespace anywhere;
    /// - `approver_id` written as `null` when there is none;
    /// - `amount_minor` as a plain integer (no exponent, no fraction);
    /// - `ts` converted to UTC and written as `YYYY-MM-DDTHH:MM:SS.mmmZ`,
    ///   always with exactly three fraction digits, whatever offset and
    ///   precision it was sent with (the contract refuses finer precision);
    /// - UTF-8. Every string the contract accepts is plain ASCII that JSON
    ///   never escapes, so serializers cannot disagree on escaping.
    ///
    /// In Python: `json.dumps(entry_without_hash, sort_keys=True,
    /// separators=(",", ":")).encode()` with `ts` formatted as above. For
    /// entries built in code rather than decoded, any sub-millisecond part
    /// of `ts` is dropped.
    ///
    /// # Panics
    ///
    /// Never: writing strings and integers to memory cannot fail.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let canonical = Canonical {
            account_id: &self.account_id,
            actor_id: &self.actor_id,
            amount_minor: self.amount_minor,
            approver_id: self.approver_id.as_deref(),
            currency: &self.currency,
            entry_id: &self.entry_id,
            kind: self.kind.as_str(),
            prev_hash: &self.prev_hash,
            property_id: &self.property_id,
            reason_code: &self.reason_code,
            schema_version: LEDGER_SCHEMA_VERSION,
            tenant_id: &self.tenant_id,
            ts: self.ts.to_rfc3339_opts(SecondsFormat::Millis, true),
        };
        #[allow(clippy::expect_used)] // see `# Panics`
        serde_json::to_vec(&canonical).expect("serializing strings and integers cannot fail")
    }

    /// The lowercase hex SHA-256 of [`LedgerEntry::canonical_bytes`]: the
    /// value `hash` must hold.
    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_bytes()))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::ledger::{GENESIS_HASH, LedgerKind};

    /// A write-off whose canonical form and hash were computed independently
    /// with Python's `json.dumps(..., sort_keys=True, separators=(",", ":"))`.
    pub(in crate::ledger) fn python_checked_entry() -> LedgerEntry {
        let ts: DateTime<Utc> = "2026-03-01T10:00:00.250+01:00".parse().unwrap();
        LedgerEntry {
            entry_id: "le-0001".into(),
            tenant_id: "t-acme".into(),
            property_id: "p-12".into(),
            account_id: "acc-7".into(),
            kind: LedgerKind::WriteOff,
            amount_minor: -125_050,
            currency: "EUR".into(),
            actor_id: "u-ops.1".into(),
            approver_id: None,
            reason_code: "bad_debt".into(),
            ts,
            prev_hash: GENESIS_HASH.into(),
            hash: PYTHON_HASH.into(),
        }
    }

    const PYTHON_CANONICAL: &str = concat!(
        r#"{"account_id":"acc-7","actor_id":"u-ops.1","amount_minor":-125050,"#,
        r#""approver_id":null,"currency":"EUR","entry_id":"le-0001","kind":"write_off","#,
        r#""prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","#,
        r#""property_id":"p-12","reason_code":"bad_debt","schema_version":1,"#,
        r#""tenant_id":"t-acme","ts":"2026-03-01T09:00:00.250Z"}"#
    );
    const PYTHON_HASH: &str = "9ad931d1f7c1306e6d9b778944c4a5e74cb9e5acd3e2ca387ee76d59a4cf1a27";

    #[test]
    fn the_canonical_form_matches_an_independent_python_rendering() {
        let entry = python_checked_entry();
        assert_eq!(
            String::from_utf8(entry.canonical_bytes()).unwrap(),
            PYTHON_CANONICAL
        );
        assert_eq!(entry.compute_hash(), PYTHON_HASH);
    }

    #[test]
    fn the_canonical_form_leaves_out_the_hash_it_is_hashed_into() {
        let mut entry = python_checked_entry();
        entry.hash = "f".repeat(64);
        assert_eq!(entry.compute_hash(), PYTHON_HASH);
    }

    #[test]
    fn timestamps_are_written_in_utc_with_exactly_three_fraction_digits() {
        let mut entry = python_checked_entry();
        for (ts, written) in [
            ("2026-03-01T09:00:00Z", "2026-03-01T09:00:00.000Z"),
            ("2026-03-01T09:00:00.5Z", "2026-03-01T09:00:00.500Z"),
            ("2026-03-01T04:00:00.123-05:00", "2026-03-01T09:00:00.123Z"),
        ] {
            entry.ts = ts.parse().unwrap();
            let canonical = String::from_utf8(entry.canonical_bytes()).unwrap();
            assert!(
                canonical.ends_with(&format!(r#""ts":"{written}"}}"#)),
                "{canonical}"
            );
        }
    }
}
