use nexzo_schemas::RejectCode::{
    InvalidRegister, MalformedJson, SchemaViolation, UnknownEventType, UnsupportedSchemaVersion,
};
use nexzo_schemas::events::{ORIGINFD_EVENT_TYPES, decode_originfd_event};

use crate::support::{Contract, agreement_tests};

const CONTRACT: Contract = Contract {
    name: "originfd-event",
    decode: |bytes| decode_originfd_event(bytes).map(drop),
    refusals: &[
        ("truncated-json.json", MalformedJson),
        (
            "newer-version-with-new-field.json",
            UnsupportedSchemaVersion,
        ),
        ("unsupported-version.json", UnsupportedSchemaVersion),
        ("missing-version.json", SchemaViolation),
        ("unknown-event-type.json", UnknownEventType),
        ("event-type-in-another-case.json", UnknownEventType),
        ("unknown-envelope-field.json", SchemaViolation),
        ("missing-site.json", SchemaViolation),
        ("site-id-with-topic-separator.json", SchemaViolation),
        ("event-id-too-long.json", SchemaViolation),
        ("missing-payload.json", SchemaViolation),
        ("payload-as-array.json", SchemaViolation),
        ("payload-unknown-field.json", SchemaViolation),
        ("payload-of-another-type.json", SchemaViolation),
        ("generation-negative-register.json", InvalidRegister),
        ("generation-fractional-register.json", InvalidRegister),
        ("generation-register-too-large.json", InvalidRegister),
        ("generation-register-as-string.json", SchemaViolation),
        ("generation-negative-power.json", SchemaViolation),
        ("inverter-status-unknown-state.json", SchemaViolation),
        ("inverter-status-empty-fault-code.json", SchemaViolation),
        ("site-alarm-message-too-long.json", SchemaViolation),
        ("site-alarm-cleared-as-string.json", SchemaViolation),
        ("site-alarm-unknown-severity.json", SchemaViolation),
        ("timestamp-space-separator.json", SchemaViolation),
        ("top-level-array.json", SchemaViolation),
    ],
    beyond_schema: &[],
};

agreement_tests!();

#[test]
fn the_schema_and_the_decoder_share_one_allowlist() {
    let listed = CONTRACT.schema_enum("/properties/event_type/enum");
    assert_eq!(listed, ORIGINFD_EVENT_TYPES);
}
