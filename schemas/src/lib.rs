//! The contracts producers must honour, as JSON Schema files under
//! `contracts/` and as typed Rust models with decoders that enforce the same
//! rules.
//!
//! This crate owns the shape of every record that enters the pipeline and the
//! stable reason codes given when one is refused. It knows nothing of
//! transports, registries or storage: a decoder answers only "is this a
//! well-formed record of this contract", never "is this producer allowed".
//! Besides meter readings, it holds the contracts of the Kafka and webhook
//! path: OriginFD and Stripe integration events, hash-chained ledger entries
//! and login events.
//!
//! The JSON Schema files are the published contract; the Rust decoders are
//! what runs. A test keeps the two in agreement over the example files.

pub mod events;
pub mod ledger;
pub mod login;
pub mod reading;
pub mod rejection;
mod rules;

pub use events::{EventSource, IntegrationEvent, decode_originfd_event, decode_stripe_event};
pub use ledger::{GENESIS_HASH, LedgerEntry, LedgerKind, decode_ledger_entry};
pub use login::{Geo, LoginEvent, LoginOutcome, MfaOutcome, decode_login_event};
pub use reading::{
    DecodedItem, DecodedMessage, MAX_READINGS_PER_MESSAGE, READING_SCHEMA_VERSION, Reading,
    decode_item, decode_message,
};
pub use rejection::{RejectCode, Rejection};
pub mod records;
pub mod secret;

pub use records::{
    AcceptedEvent, AcceptedReading, EventRecord, Origin, QuarantineEntry, SourcePosition, Transport,
};
pub use secret::Secret;
