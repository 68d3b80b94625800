//! The running pipeline: sources → validation, batching and the stream
//! stage → writer → acknowledgements, with the registry refreshed alongside.
//!
//! ```text
//!  sources ──envelopes──▶ process ──batches──▶ write ──acks──▶ source ackers
//!    (bounded: queue_capacity)  + rollups   (bounded: WRITE_QUEUE_BATCHES)
//! ```
//!
//! Each arrow is a bounded channel, so a stalled database fills the queues
//! and then stops the source reading from the broker; memory stays bounded
//! by the queue sizes. Acknowledgements leave only after the batch holding
//! a message's rows has committed, and in arrival order, because one writer
//! commits batches one after another.

mod batch;
mod detect;
mod outbox;
mod process;
mod registry;
mod rollups;
mod run;
mod telemetry;
mod write;

pub use batch::Batch;
pub(crate) use detect::alert_row;
pub(crate) use registry::load_registry;
pub(crate) use rollups::rollup_row;
pub use run::run;
pub(crate) use telemetry::alert_raised;
pub(crate) use write::{Database, write_durably};
