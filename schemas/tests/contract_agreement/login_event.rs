use nexzo_schemas::RejectCode::{MalformedJson, SchemaViolation, UnsupportedSchemaVersion};
use nexzo_schemas::login::{FAILURE_REASONS, MfaOutcome, decode_login_event};

use crate::support::{Contract, agreement_tests};

const CONTRACT: Contract = Contract {
    name: "login-event",
    decode: |bytes| decode_login_event(bytes).map(drop),
    refusals: &[
        ("truncated-json.json", MalformedJson),
        (
            "newer-version-with-new-field.json",
            UnsupportedSchemaVersion,
        ),
        ("unsupported-version.json", UnsupportedSchemaVersion),
        ("failure-without-reason.json", SchemaViolation),
        ("failure-with-null-reason.json", SchemaViolation),
        ("success-with-reason.json", SchemaViolation),
        ("unknown-failure-reason.json", SchemaViolation),
        ("unknown-outcome.json", SchemaViolation),
        ("source-ip-octet-out-of-range.json", SchemaViolation),
        ("source-ip-with-zone-index.json", SchemaViolation),
        ("source-ip-hostname.json", SchemaViolation),
        ("missing-source-ip.json", SchemaViolation),
        ("latitude-out-of-range.json", SchemaViolation),
        ("geo-missing-longitude.json", SchemaViolation),
        ("country-lowercase.json", SchemaViolation),
        ("geo-unknown-field.json", SchemaViolation),
        ("unknown-mfa-outcome.json", SchemaViolation),
        ("user-agent-too-long.json", SchemaViolation),
        ("user-id-with-spaces.json", SchemaViolation),
        ("unknown-field.json", SchemaViolation),
        ("timestamp-not-rfc3339.json", SchemaViolation),
        ("positional-array.json", SchemaViolation),
    ],
    beyond_schema: &[],
};

agreement_tests!();

#[test]
fn the_schema_lists_exactly_the_decoders_failure_reasons_and_mfa_outcomes() {
    assert_eq!(
        CONTRACT.schema_enum("/properties/failure_reason/enum"),
        FAILURE_REASONS
    );
    let mfa: Vec<&str> = MfaOutcome::ALL.iter().map(|m| m.as_str()).collect();
    assert_eq!(CONTRACT.schema_enum("/properties/mfa/enum"), mfa);
}
