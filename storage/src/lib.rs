//! TimescaleDB: embedded migrations, the batch writer for readings and
//! quarantine entries, the meter registry and quarantine queries.
//!
//! This crate owns every SQL statement of the pipeline and uses prepared or
//! parameterised statements only. It knows the record types of
//! `nexzo-schemas` and nothing of sources or transports: callers decide when
//! to write and what to acknowledge afterwards.

mod connect;
mod error;
mod events;
pub mod migrate;
pub mod quarantine;
pub mod readings;
pub mod registry;

pub use connect::connect;
pub use error::{ErrorKind, StorageError};
pub use readings::{BatchWrite, WriteReport, write_batch};
