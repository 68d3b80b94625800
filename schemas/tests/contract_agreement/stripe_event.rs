use nexzo_schemas::RejectCode::{MalformedJson, SchemaViolation, UnknownEventType};
use nexzo_schemas::events::{STRIPE_EVENT_TYPES, decode_stripe_event};

use crate::support::{Contract, agreement_tests};

const CONTRACT: Contract = Contract {
    name: "stripe-event",
    decode: |bytes| decode_stripe_event(bytes).map(drop),
    refusals: &[
        ("truncated-json.json", MalformedJson),
        ("unknown-event-type.json", UnknownEventType),
        (
            "event-type-outside-allowlist-for-known-object.json",
            UnknownEventType,
        ),
        ("missing-tenant-id.json", SchemaViolation),
        ("missing-metadata.json", SchemaViolation),
        ("tenant-id-as-number.json", SchemaViolation),
        ("tenant-id-with-spaces.json", SchemaViolation),
        ("object-not-event.json", SchemaViolation),
        ("id-without-event-prefix.json", SchemaViolation),
        ("created-as-string.json", SchemaViolation),
        ("created-fractional.json", SchemaViolation),
        ("created-negative.json", SchemaViolation),
        ("object-of-another-kind.json", SchemaViolation),
        ("missing-data.json", SchemaViolation),
        ("data-object-as-array.json", SchemaViolation),
        ("type-as-number.json", SchemaViolation),
        ("top-level-array.json", SchemaViolation),
    ],
    beyond_schema: &[],
};

agreement_tests!();

#[test]
fn the_schema_and_the_decoder_share_one_allowlist() {
    assert_eq!(
        CONTRACT.schema_enum("/properties/type/enum"),
        STRIPE_EVENT_TYPES
    );
}
