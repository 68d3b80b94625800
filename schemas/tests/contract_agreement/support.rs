//! The checks every contract's agreement test makes, given the contract's
//! folder, its decoder and the code each invalid example must be refused
//! with. Every check reports all its failures at once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use nexzo_schemas::{RejectCode, Rejection};
use serde_json::Value;

/// Where the contract folders live.
pub(crate) const CONTRACTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/contracts");

/// One contract, as its agreement test sees it.
pub(crate) struct Contract {
    /// The contract's folder under `contracts/`.
    pub(crate) name: &'static str,
    /// The contract's decoder, reduced to its verdict.
    pub(crate) decode: fn(&[u8]) -> Result<(), Rejection>,
    /// Each invalid example's file name and the code it must be refused with.
    pub(crate) refusals: &'static [(&'static str, RejectCode)],
    /// Codes for rules JSON Schema cannot state, such as a hash over the
    /// record's own content. An example refused with one of these must pass
    /// the JSON Schema, which proves it breaks that rule and no other.
    pub(crate) beyond_schema: &'static [RejectCode],
}

impl Contract {
    /// Both the JSON Schema and the decoder accept every valid example.
    pub(crate) fn assert_valid_examples_pass(&self) {
        let validator = self.validator();
        let mut problems = Vec::new();
        for (file, bytes) in self.examples("valid") {
            if !schema_accepts(&validator, &bytes) {
                problems.push(format!("{file}: the JSON Schema refused it"));
            }
            if let Err(rejection) = (self.decode)(&bytes) {
                problems.push(format!("{file}: the decoder refused it: {rejection}"));
            }
        }
        report(self.name, &problems);
    }

    /// Both refuse every invalid example, the decoder with the expected code
    /// and a message; each invalid example has exactly one expected code.
    pub(crate) fn assert_invalid_examples_refused(&self) {
        let validator = self.validator();
        let examples = self.examples("invalid");
        let mut problems = self.unmatched_refusals(&examples);
        for (file, bytes) in &examples {
            let Some(expected) = self.expected_code(file) else {
                continue;
            };
            let blind = self.beyond_schema.contains(&expected);
            match (schema_accepts(&validator, bytes), blind) {
                (true, false) => problems.push(format!("{file}: the JSON Schema accepted it")),
                (false, true) => problems.push(format!(
                    "{file}: the JSON Schema refused it, so it does not isolate {expected}"
                )),
                _ => {}
            }
            match (self.decode)(bytes) {
                Ok(()) => problems.push(format!("{file}: the decoder accepted it")),
                Err(r) if r.code != expected => {
                    problems.push(format!("{file}: expected {expected}, decoder gave {r}"));
                }
                Err(r) if r.message.trim().is_empty() => {
                    problems.push(format!("{file}: refused without a message"));
                }
                Err(_) => {}
            }
        }
        report(self.name, &problems);
    }

    /// The contract's JSON Schema document.
    pub(crate) fn schema(&self) -> Value {
        let path = Path::new(CONTRACTS_DIR)
            .join(self.name)
            .join("v1.schema.json");
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The strings of an `enum` in the schema, found by JSON pointer; `null`
    /// members are left out.
    pub(crate) fn schema_enum(&self, pointer: &str) -> Vec<String> {
        let schema = self.schema();
        let members = schema.pointer(pointer).and_then(Value::as_array);
        let members = members.unwrap_or_else(|| panic!("{}: no array at {pointer}", self.name));
        members
            .iter()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect()
    }

    fn validator(&self) -> Validator {
        jsonschema::options()
            .should_validate_formats(true)
            .build(&self.schema())
            .unwrap()
    }

    /// Every example file of one kind, sorted by name, with its bytes.
    fn examples(&self, kind: &str) -> Vec<(String, Vec<u8>)> {
        let dir = Path::new(CONTRACTS_DIR)
            .join(self.name)
            .join("examples")
            .join(kind);
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "{}: no {kind} examples", self.name);
        paths
            .into_iter()
            .map(|p| (name(&p), fs::read(&p).unwrap()))
            .collect()
    }

    fn expected_code(&self, file: &str) -> Option<RejectCode> {
        self.refusals
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, c)| *c)
    }

    /// Files without an expected code, and expected codes without a file.
    fn unmatched_refusals(&self, examples: &[(String, Vec<u8>)]) -> Vec<String> {
        let files: BTreeSet<&str> = examples.iter().map(|(f, _)| f.as_str()).collect();
        let listed: BTreeSet<&str> = self.refusals.iter().map(|(f, _)| *f).collect();
        let unlisted = files
            .difference(&listed)
            .map(|f| format!("{f}: no expected code"));
        let missing = listed
            .difference(&files)
            .map(|f| format!("{f}: listed but no such file"));
        unlisted.chain(missing).collect()
    }
}

fn schema_accepts(validator: &Validator, bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes).is_ok_and(|instance| validator.is_valid(&instance))
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn report(contract: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{contract}: {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The two agreement tests every contract module runs on its `CONTRACT`:
/// all valid examples pass both checkers, all invalid ones are refused by
/// both, each with its expected code.
macro_rules! agreement_tests {
    () => {
        #[test]
        fn every_valid_example_is_accepted_by_schema_and_decoder() {
            CONTRACT.assert_valid_examples_pass();
        }

        #[test]
        fn every_invalid_example_is_refused_by_schema_and_decoder_with_its_code() {
            CONTRACT.assert_invalid_examples_refused();
        }
    };
}
pub(crate) use agreement_tests;
