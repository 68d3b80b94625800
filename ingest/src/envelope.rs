//! A payload as a source hands it on: bytes, where they came from, and how
//! to acknowledge them once their rows are committed.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use nexzo_schemas::SourcePosition;
use tokio::sync::oneshot;

/// One message from a source, not yet decoded.
#[derive(Debug)]
pub struct Envelope {
    pub payload: Bytes,
    pub position: SourcePosition,
    pub received_at: DateTime<Utc>,
    pub ack: AckToken,
}

/// What a source needs to acknowledge one message.
#[derive(Debug)]
pub enum AckToken {
    /// An MQTT QoS 1 message, identified by its packet id on the connection
    /// it arrived on. Connections are numbered so that an acknowledgement
    /// for a message from a dropped connection is never sent on a newer one,
    /// where the broker may have given the same packet id to another message.
    Mqtt { connection: u64, pkid: u16 },
    /// A Kafka record. `assignment` numbers the consumer's partition
    /// assignments, so that a record read before a rebalance never moves the
    /// committed offset of a partition this consumer may no longer own.
    Kafka {
        topic: Arc<str>,
        partition: i32,
        offset: i64,
        assignment: u64,
    },
    /// A webhook request waiting for its HTTP response.
    Webhook(WebhookAck),
    /// Nothing to acknowledge (QoS 0, or a record re-submitted from the
    /// quarantine).
    None,
}

impl AckToken {
    pub fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }
}

/// The waiting HTTP handler of one webhook request: completing it lets the
/// handler answer 200, after the request's rows are committed. Dropping it
/// uncompleted makes the handler answer 503 so the sender retries.
#[derive(Debug)]
pub struct WebhookAck(oneshot::Sender<()>);

impl WebhookAck {
    /// A token and the receiver its handler waits on.
    pub fn new() -> (Self, oneshot::Receiver<()>) {
        let (tx, rx) = oneshot::channel();
        (Self(tx), rx)
    }

    /// Tells the handler its request is committed.
    pub fn complete(self) {
        // The handler may have given up (client gone); the rows are stored
        // either way and a retry is deduplicated.
        let _ = self.0.send(());
    }
}

impl Envelope {
    /// The topic as a shared string, cloned cheaply into every record.
    pub fn topic(&self) -> &Arc<str> {
        &self.position.topic
    }
}
