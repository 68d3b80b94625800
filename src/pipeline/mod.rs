//! The running pipeline: MQTT source → validation and batching → writer →
//! acknowledgements, with the registry refreshed alongside.
//!
//! ```text
//!  MqttSource ──envelopes──▶ process ──batches──▶ write ──acks──▶ MqttAcker
//!      (bounded: queue_capacity)   (bounded: WRITE_QUEUE_BATCHES)
//! ```
//!
//! Each arrow is a bounded channel, so a stalled database fills the queues
//! and then stops the source reading from the broker; memory stays bounded
//! by the queue sizes. Acknowledgements leave only after the batch holding
//! a message's rows has committed, and in arrival order, because one writer
//! commits batches one after another.

mod batch;
mod process;
mod registry;
mod run;
mod telemetry;
mod write;

pub use batch::Batch;
pub(crate) use registry::load_registry;
pub use run::run;
pub(crate) use write::{Database, write_durably};
