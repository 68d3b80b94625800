//! Everything between a transport and the writer: sources that read MQTT,
//! Kafka and signed webhooks, and the decision of what each payload becomes
//! — accepted readings and events, or quarantine entries.
//!
//! This crate owns the ingest rules: size caps, topic shapes, the contract
//! check (through `nexzo-schemas`), clock-skew checks and the meter and
//! site allowlists. It must not talk to the database: the registry arrives as a
//! snapshot the binary refreshes, and acknowledgements are sent back to the
//! sources only when the binary says the rows are committed.

pub mod ack;
pub mod envelope;
pub mod health;
pub mod kafka;
pub mod mqtt;
pub mod registry;
pub mod topic;
pub mod validate;
pub mod webhook;

pub use ack::Acknowledgers;
pub use envelope::{AckToken, Envelope, WebhookAck};
pub use health::Readiness;
pub use registry::{MeterInfo, Registry, SharedRegistry, SiteInfo};
pub use validate::{IngestRules, Outcome, RecordKind};
