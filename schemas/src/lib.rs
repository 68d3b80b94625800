//! The contracts producers must honour, as JSON Schema files under
//! `contracts/` and as typed Rust models with decoders that enforce the same
//! rules.
//!
//! This crate owns the shape of every record that enters the pipeline and the
//! stable reason codes given when one is refused. It knows nothing of
//! transports, registries or storage: a decoder answers only "is this a
//! well-formed record of this contract", never "is this producer allowed".
//!
//! The JSON Schema files are the published contract; the Rust decoders are
//! what runs. A test keeps the two in agreement over the example files.

pub mod reading;
pub mod rejection;

pub use reading::{
    DecodedItem, DecodedMessage, MAX_READINGS_PER_MESSAGE, READING_SCHEMA_VERSION, Reading,
    decode_item, decode_message,
};
pub use rejection::{RejectCode, Rejection};
pub mod records;

pub use records::{AcceptedReading, Origin, QuarantineEntry, SourcePosition, Transport};
pub mod secret;

pub use secret::Secret;
