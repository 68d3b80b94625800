use nexzo_schemas::{RejectCode, Rejection, decode_message};

use crate::support::{Contract, agreement_tests};

const CONTRACT: Contract = Contract {
    name: "meter-reading",
    decode: first_refusal,
    refusals: &[
        ("truncated-json.json", RejectCode::MalformedJson),
        (
            "newer-version-with-new-field.json",
            RejectCode::UnsupportedSchemaVersion,
        ),
        (
            "unsupported-version.json",
            RejectCode::UnsupportedSchemaVersion,
        ),
        ("missing-version.json", RejectCode::SchemaViolation),
        ("missing-meter.json", RejectCode::SchemaViolation),
        ("missing-timestamp.json", RejectCode::SchemaViolation),
        ("missing-register.json", RejectCode::SchemaViolation),
        ("register-as-string.json", RejectCode::SchemaViolation),
        ("negative-register.json", RejectCode::InvalidRegister),
        ("fractional-register.json", RejectCode::InvalidRegister),
        ("register-too-large.json", RejectCode::InvalidRegister),
        ("null-register.json", RejectCode::SchemaViolation),
        ("timestamp-not-rfc3339.json", RejectCode::SchemaViolation),
        (
            "timestamp-space-separator.json",
            RejectCode::SchemaViolation,
        ),
        ("meter-id-with-wildcards.json", RejectCode::SchemaViolation),
        ("meter-id-empty.json", RejectCode::SchemaViolation),
        ("unknown-field.json", RejectCode::SchemaViolation),
        ("negative-voltage.json", RejectCode::SchemaViolation),
        ("mistyped-power.json", RejectCode::SchemaViolation),
        ("empty-batch.json", RejectCode::SchemaViolation),
        ("batch-mixed-with-fields.json", RejectCode::SchemaViolation),
        (
            "batch-with-one-bad-reading.json",
            RejectCode::InvalidRegister,
        ),
        (
            "batch-reading-with-unknown-field.json",
            RejectCode::SchemaViolation,
        ),
        ("top-level-array.json", RejectCode::SchemaViolation),
        ("positional-array.json", RejectCode::SchemaViolation),
        ("batch-too-large.json", RejectCode::BatchTooLarge),
    ],
    beyond_schema: &[],
};

/// The first refusal the decoder gives, for the message or any reading in it.
fn first_refusal(bytes: &[u8]) -> Result<(), Rejection> {
    let message = decode_message(bytes)?;
    message
        .items
        .into_iter()
        .try_for_each(|item| item.reading.map(drop))
}

agreement_tests!();
