//! A payload as a source hands it on: bytes, where they came from, and how
//! to acknowledge them once their rows are committed.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use nexzo_schemas::SourcePosition;

/// One message from a source, not yet decoded.
#[derive(Debug)]
pub struct Envelope {
    pub payload: Bytes,
    pub position: SourcePosition,
    pub received_at: DateTime<Utc>,
    pub ack: AckToken,
}

/// What a source needs to acknowledge one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckToken {
    /// An MQTT QoS 1 message, identified by its packet id on the connection
    /// it arrived on. Connections are numbered so that an acknowledgement
    /// for a message from a dropped connection is never sent on a newer one,
    /// where the broker may have given the same packet id to another message.
    Mqtt { connection: u64, pkid: u16 },
    /// Nothing to acknowledge (QoS 0, or a record re-submitted from the
    /// quarantine).
    None,
}

impl Envelope {
    /// The topic as a shared string, cloned cheaply into every record.
    pub fn topic(&self) -> &Arc<str> {
        &self.position.topic
    }
}
