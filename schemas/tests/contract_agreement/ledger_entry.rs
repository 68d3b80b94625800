use nexzo_schemas::RejectCode::{
    HashMismatch, MalformedJson, SchemaViolation, UnsupportedSchemaVersion,
};
use nexzo_schemas::ledger::{LedgerKind, decode_ledger_entry};

use crate::support::{Contract, agreement_tests};

const CONTRACT: Contract = Contract {
    name: "ledger-entry",
    decode: |bytes| decode_ledger_entry(bytes).map(drop),
    refusals: &[
        ("truncated-json.json", MalformedJson),
        (
            "newer-version-with-new-field.json",
            UnsupportedSchemaVersion,
        ),
        ("unsupported-version.json", UnsupportedSchemaVersion),
        ("hash-mismatch-after-amount-edit.json", HashMismatch),
        (
            "hash-mismatch-approver-added-after-hashing.json",
            HashMismatch,
        ),
        ("hash-uppercase-hex.json", SchemaViolation),
        ("prev-hash-too-short.json", SchemaViolation),
        ("missing-hash.json", SchemaViolation),
        ("missing-actor.json", SchemaViolation),
        ("amount-too-large.json", SchemaViolation),
        ("amount-fractional.json", SchemaViolation),
        ("amount-as-string.json", SchemaViolation),
        ("currency-lowercase.json", SchemaViolation),
        ("unknown-kind.json", SchemaViolation),
        ("reason-code-not-snake-case.json", SchemaViolation),
        ("timestamp-finer-than-milliseconds.json", SchemaViolation),
        ("unknown-field.json", SchemaViolation),
        ("approver-id-empty.json", SchemaViolation),
    ],
    // JSON Schema cannot compute a SHA-256.
    beyond_schema: &[HashMismatch],
};

agreement_tests!();

#[test]
fn the_schema_lists_exactly_the_ledger_kinds() {
    let kinds: Vec<&str> = LedgerKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(CONTRACT.schema_enum("/properties/kind/enum"), kinds);
}
