//! The records that leave the ingest path: readings accepted for storage and
//! entries for the quarantine. Storage writes exactly these; ingest produces
//! exactly these.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::events::IntegrationEvent;
use crate::ledger::LedgerEntry;
use crate::login::LoginEvent;
use crate::{Reading, RejectCode};

/// A reading that passed the contract and the allowlist, with the owner the
/// registry gave its meter.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedReading {
    pub tenant_id: Arc<str>,
    pub property_id: Arc<str>,
    pub reading: Reading,
    pub received_at: DateTime<Utc>,
    /// Where the reading came from and the bytes it was sent as, kept so that
    /// a row the database refuses can still be quarantined faithfully.
    pub origin: Origin,
}

/// A refused record, as stored in the quarantine.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarantineEntry {
    pub received_at: DateTime<Utc>,
    pub code: RejectCode,
    pub message: String,
    /// The meter the record spoke for, when it got far enough to say.
    pub meter_id: Option<String>,
    pub origin: Origin,
}

/// A record's source position and its exact bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub position: SourcePosition,
    /// The bytes as received: the whole message, or one reading of a gateway
    /// batch when [`Origin::item_index`] is set.
    pub raw: Bytes,
    /// Which reading of a gateway batch `raw` is; `None` when `raw` is the
    /// whole message.
    pub item_index: Option<u32>,
}

/// Where in its source a record was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePosition {
    pub transport: Transport,
    /// The MQTT topic or Kafka topic the record arrived on.
    pub topic: Arc<str>,
    /// Kafka partition and offset; `None` for MQTT, whose packet ids are
    /// reused and mean nothing once acknowledged.
    pub partition: Option<i32>,
    pub offset: Option<i64>,
}

/// The transport a record arrived by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Mqtt,
    Kafka,
    Webhook,
    /// Re-submitted from the quarantine by an operator.
    Replay,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mqtt => "mqtt",
            Self::Kafka => "kafka",
            Self::Webhook => "webhook",
            Self::Replay => "replay",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Mqtt, Self::Kafka, Self::Webhook, Self::Replay]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event (integration, ledger or login) that passed its contract and the
/// allowlist, with the owner it is stored under.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedEvent {
    pub record: EventRecord,
    pub tenant_id: Arc<str>,
    pub property_id: Option<Arc<str>>,
    pub received_at: DateTime<Utc>,
    pub origin: Origin,
}

/// The event kinds that travel the Kafka and webhook paths.
#[derive(Debug, Clone, PartialEq)]
pub enum EventRecord {
    Integration(IntegrationEvent),
    Ledger(LedgerEntry),
    Login(LoginEvent),
}

impl EventRecord {
    /// When the event happened, by the producer's clock.
    pub fn ts(&self) -> DateTime<Utc> {
        match self {
            Self::Integration(e) => e.ts,
            Self::Ledger(e) => e.ts,
            Self::Login(e) => e.ts,
        }
    }
}
