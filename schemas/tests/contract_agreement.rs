//! The published JSON Schema and the Rust decoder must accept and refuse the
//! same example messages, and the decoder must give each refused example the
//! reason code an operator would expect.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::fs;
use std::path::{Path, PathBuf};

use nexzo_schemas::{DecodedMessage, RejectCode, decode_message};
use serde_json::Value;

const CONTRACT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/contracts/meter-reading");

/// What each invalid example must be refused for.
const EXPECTED_CODES: &[(&str, RejectCode)] = &[
    ("truncated-json.json", RejectCode::MalformedJson),
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
    ("batch-too-large.json", RejectCode::BatchTooLarge),
];

fn examples(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(Path::new(CONTRACT_DIR).join("examples").join(kind))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no {kind} examples found");
    files
}

fn schema_accepts(bytes: &[u8]) -> bool {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(CONTRACT_DIR).join("v1.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    match serde_json::from_slice::<Value>(bytes) {
        Ok(instance) => validator.is_valid(&instance),
        Err(_) => false,
    }
}

/// The first refusal the decoder gives, for the message or any reading in it.
fn rust_refusal(bytes: &[u8]) -> Option<RejectCode> {
    match decode_message(bytes) {
        Err(rejection) => Some(rejection.code),
        Ok(DecodedMessage { items }) => items
            .into_iter()
            .find_map(|i| i.reading.err().map(|r| r.code)),
    }
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_valid_example_is_accepted_by_schema_and_decoder() {
    for path in examples("valid") {
        let bytes = fs::read(&path).unwrap();
        assert!(
            schema_accepts(&bytes),
            "JSON Schema refused {}",
            name(&path)
        );
        assert_eq!(
            rust_refusal(&bytes),
            None,
            "decoder refused {}",
            name(&path)
        );
    }
}

#[test]
fn every_invalid_example_is_refused_by_schema_and_decoder_with_its_code() {
    let files = examples("invalid");
    assert_eq!(
        files.len(),
        EXPECTED_CODES.len(),
        "each invalid example needs an expected code"
    );

    for path in files {
        let file = name(&path);
        let bytes = fs::read(&path).unwrap();
        let expected = EXPECTED_CODES
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, c)| *c);
        assert!(!schema_accepts(&bytes), "JSON Schema accepted {file}");
        assert_eq!(rust_refusal(&bytes), expected, "decoder code for {file}");
    }
}
