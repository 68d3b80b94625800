//! The ingest decision: what one payload becomes.
//!
//! Plain code over data. Every refusal becomes a quarantine entry carrying
//! its reason and exact bytes; nothing is dropped and nothing here can fail
//! in a way that would hold back the payloads that follow. Which contract a
//! payload is held to follows from where it came from: MQTT carries meter
//! readings, each Kafka topic one configured kind, each webhook path its
//! integrator's events.

mod events;
mod readings;

use std::collections::HashMap;

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::{
    AcceptedEvent, AcceptedReading, Origin, QuarantineEntry, RejectCode, Rejection, SourcePosition,
    Transport,
};

use crate::registry::Registry;
use crate::topic::parse_topic;

/// How much of an oversized payload the quarantine keeps: enough to see
/// what it was and who sent it, without letting one abusive publisher fill
/// the quarantine table.
pub const OVERSIZED_KEPT_BYTES: usize = 64 * 1024;

/// What one record became.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Accepted(AcceptedReading),
    Event(AcceptedEvent),
    Quarantined(QuarantineEntry),
}

/// The contract a payload is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Readings,
    OriginFd,
    Stripe,
    Ledger,
    Logins,
}

/// The configurable rules of the ingest path.
#[derive(Debug, Clone)]
pub struct IngestRules {
    /// Payloads larger than this are quarantined undecoded.
    pub max_payload_bytes: usize,
    /// How far in the future a record's timestamp may lie before it is
    /// refused: clocks drift, but not by hours.
    pub max_clock_skew: TimeDelta,
    /// The MQTT topic prefix the sources subscribe under (empty for none).
    pub topic_prefix: String,
    /// The contract each consumed Kafka topic carries.
    pub kafka_topics: HashMap<String, RecordKind>,
}

/// One payload to decide on.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub payload: &'a Bytes,
    pub position: &'a SourcePosition,
    /// `Some` when `payload` is a single reading out of a gateway batch (a
    /// quarantined item being replayed), `None` for a whole message.
    pub item_index: Option<u32>,
    pub received_at: DateTime<Utc>,
}

impl IngestRules {
    /// Decides what `input` becomes, appending one outcome per record (or
    /// one quarantine entry for a message refused as a whole) to `out`.
    pub fn check(
        &self,
        input: Input<'_>,
        registry: &Registry,
        now: DateTime<Utc>,
        out: &mut Vec<Outcome>,
    ) {
        if let Err(rejection) = self.check_size(input.payload) {
            let kept = input
                .payload
                .slice(..input.payload.len().min(OVERSIZED_KEPT_BYTES));
            out.push(quarantine(&input, rejection, None, kept, input.item_index));
            return;
        }
        let position = input.position;
        match (position.transport, self.kind_of(position)) {
            (_, None) => out.push(unknown_topic(&input)),
            (Transport::Mqtt, Some(RecordKind::Readings)) => {
                match parse_topic(&position.topic, &self.topic_prefix) {
                    Some(subject) => self.check_readings(&input, Some(subject), registry, now, out),
                    None => out.push(unknown_topic(&input)),
                }
            }
            (_, Some(RecordKind::Readings)) => {
                self.check_readings(&input, None, registry, now, out)
            }
            (_, Some(kind)) => out.push(self.check_event(&input, kind, registry, now)),
        }
    }

    /// The contract a source position carries, if any.
    fn kind_of(&self, position: &SourcePosition) -> Option<RecordKind> {
        match position.transport {
            Transport::Mqtt => Some(RecordKind::Readings),
            Transport::Kafka => self.kafka_topics.get(&*position.topic).copied(),
            Transport::Webhook | Transport::Replay => match &*position.topic {
                "stripe" => Some(RecordKind::Stripe),
                "originfd" => Some(RecordKind::OriginFd),
                _ => None,
            },
        }
    }

    fn check_size(&self, payload: &Bytes) -> Result<(), Rejection> {
        if payload.len() <= self.max_payload_bytes {
            return Ok(());
        }
        Err(Rejection::new(
            RejectCode::OversizedPayload,
            format!(
                "payload of {} bytes exceeds the {} byte limit; the first {} bytes are kept",
                payload.len(),
                self.max_payload_bytes,
                payload.len().min(OVERSIZED_KEPT_BYTES),
            ),
        ))
    }

    /// Refuses timestamps further ahead than clock skew explains.
    fn check_clock(&self, ts: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Rejection> {
        if ts <= now + self.max_clock_skew {
            return Ok(());
        }
        Err(Rejection::new(
            RejectCode::FutureTimestamp,
            format!(
                "ts {} is more than {} s ahead of the pipeline's clock ({})",
                ts.to_rfc3339(),
                self.max_clock_skew.num_seconds(),
                now.to_rfc3339(),
            ),
        ))
    }
}

fn unknown_topic(input: &Input<'_>) -> Outcome {
    let rejection = Rejection::new(
        RejectCode::UnknownTopic,
        format!(
            "no contract is configured for {} topic {:?}",
            input.position.transport, &*input.position.topic
        ),
    );
    quarantine(
        input,
        rejection,
        None,
        input.payload.clone(),
        input.item_index,
    )
}

fn quarantine(
    input: &Input<'_>,
    rejection: Rejection,
    meter_id: Option<String>,
    raw: Bytes,
    item_index: Option<u32>,
) -> Outcome {
    Outcome::Quarantined(QuarantineEntry {
        received_at: input.received_at,
        code: rejection.code,
        message: rejection.message,
        meter_id,
        origin: Origin {
            position: input.position.clone(),
            raw,
            item_index,
        },
    })
}
