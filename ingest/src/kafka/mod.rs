//! The Kafka source: a consumer-group member whose offsets move only past
//! records that are stored or quarantined, and only contiguously.
//!
//! - [`KafkaSource::run`] reads records and hands them on through the
//!   pipeline's bounded channel; a full channel stops the reading.
//! - [`KafkaAcker`] marks records finished after each commit and commits the
//!   new offsets, asynchronously during normal running and synchronously
//!   when partitions are taken away or the pipeline stops.
//! - [`offsets::OffsetTracker`] decides what may be committed.
//!
//! Rebalances: before partitions are revoked their finished offsets are
//! committed; records of a revoked partition still in flight are written
//! (harmlessly: writes are idempotent) but no longer move its offset, so the
//! partition's new owner reads them again and the duplicates change nothing.
//!
//! Backpressure: while the pipeline's queue is full the source stops
//! polling. A database outage longer than librdkafka's
//! `max.poll.interval.ms` (300 s by default) therefore makes the group evict
//! this member and rebalance; it rejoins when reading resumes and re-reads
//! from the last committed offsets. Nothing is lost and the repeats are
//! absorbed by idempotent writes; raise the interval through
//! `kafka.librdkafka` where outages are expected to last longer.

mod ack;
mod config;
mod context;
pub mod offsets;
mod source;

pub use ack::KafkaAcker;
pub use config::{KafkaSourceConfig, KafkaTopics};
pub use source::{FETCH_WAIT_MAX_MS, KafkaSource};
