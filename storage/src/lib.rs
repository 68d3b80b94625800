//! TimescaleDB: embedded migrations, the batch writer for readings, events,
//! quarantine entries, rollups and processor state, the meter registry and
//! quarantine queries.
//!
//! This crate owns every SQL statement of the pipeline and uses prepared or
//! parameterised statements only. It knows the record types of
//! `nexzo-schemas` and nothing of sources or transports: callers decide when
//! to write and what to acknowledge afterwards.

pub mod alerts;
mod connect;
mod error;
mod events;
pub mod migrate;
pub mod portal;
pub mod quarantine;
pub mod readings;
pub mod registry;
pub mod rollups;
pub mod state;

pub use connect::connect;
pub use error::{ErrorKind, StorageError};
pub use readings::{BatchWrite, WriteReport, write_batch};
