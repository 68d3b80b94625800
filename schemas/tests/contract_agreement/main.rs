//! Each contract's published JSON Schema and its Rust decoder must accept
//! and refuse the same example records, and the decoder must give each
//! refused example the reason code an operator would expect.
//!
//! One module per contract, all sharing the checks in `support`.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod ledger_entry;
mod login_event;
mod meter_reading;
mod originfd_event;
mod stripe_event;
mod support;

use std::fs;

use serde_json::Value;

use support::CONTRACTS_DIR;

/// The contracts that have an agreement module above.
const TESTED: [&str; 5] = [
    "ledger-entry",
    "login-event",
    "meter-reading",
    "originfd-event",
    "stripe-event",
];

#[test]
fn every_contract_folder_has_a_draft_2020_12_schema_and_an_agreement_test() {
    let mut folders: Vec<String> = fs::read_dir(CONTRACTS_DIR)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(
        folders, TESTED,
        "a contract folder without an agreement test"
    );

    for folder in folders {
        let path = format!("{CONTRACTS_DIR}/{folder}/v1.schema.json");
        let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{folder}"
        );
        let id = format!("https://schemas.nexzo.invalid/{folder}/v1.schema.json");
        assert_eq!(schema["$id"], id.as_str(), "{folder}");
        if let Err(error) = jsonschema::meta::validate(&schema) {
            panic!("{folder}: not a valid JSON Schema: {error}");
        }
    }
}
