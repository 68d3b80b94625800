//! The ingest decision: what one payload becomes.
//!
//! Plain code over data. Every refusal becomes a quarantine entry carrying
//! its reason and exact bytes; nothing is dropped and nothing here can fail
//! in a way that would hold back the payloads that follow.

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::{
    AcceptedReading, DecodedItem, Origin, QuarantineEntry, Reading, RejectCode, Rejection,
    SourcePosition, decode_item, decode_message,
};

use crate::registry::{MeterInfo, Registry};
use crate::topic::{TopicSubject, parse_topic};

/// How much of an oversized payload the quarantine keeps: enough to see
/// what it was and who sent it, without letting one abusive publisher fill
/// the quarantine table.
pub const OVERSIZED_KEPT_BYTES: usize = 64 * 1024;

/// What one record became.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Accepted(AcceptedReading),
    Quarantined(QuarantineEntry),
}

/// The configurable rules of the ingest path.
#[derive(Debug, Clone)]
pub struct IngestRules {
    /// Payloads larger than this are quarantined undecoded.
    pub max_payload_bytes: usize,
    /// How far in the future a reading's timestamp may lie before it is
    /// refused: meters' clocks drift, but not by hours.
    pub max_clock_skew: TimeDelta,
    /// The topic prefix the sources subscribe under (empty for none).
    pub topic_prefix: String,
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
    /// Decides what `input` becomes, appending one outcome per reading (or
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
        let Some(subject) = parse_topic(&input.position.topic, &self.topic_prefix) else {
            let rejection = Rejection::new(
                RejectCode::UnknownTopic,
                format!(
                    "topic {:?} is not meters/{{id}}/readings or gateways/{{id}}/readings",
                    &*input.position.topic
                ),
            );
            out.push(quarantine(
                &input,
                rejection,
                None,
                input.payload.clone(),
                input.item_index,
            ));
            return;
        };

        if let Some(index) = input.item_index {
            let item = DecodedItem {
                reading: decode_item(input.payload),
                raw: None,
            };
            out.push(self.check_item(&input, item, Some(index), subject, registry, now));
            return;
        }
        match decode_message(input.payload) {
            Err(rejection) => out.push(quarantine(
                &input,
                rejection,
                None,
                input.payload.clone(),
                None,
            )),
            Ok(message) => out.extend(message.items.into_iter().enumerate().map(|(i, item)| {
                let index = item
                    .raw
                    .as_ref()
                    .map(|_| u32::try_from(i).unwrap_or(u32::MAX));
                self.check_item(&input, item, index, subject, registry, now)
            })),
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

    fn check_item(
        &self,
        input: &Input<'_>,
        item: DecodedItem,
        index: Option<u32>,
        subject: TopicSubject<'_>,
        registry: &Registry,
        now: DateTime<Utc>,
    ) -> Outcome {
        let raw = match &item.raw {
            Some(range) => input.payload.slice(range.clone()),
            None => input.payload.clone(),
        };
        let reading = match item.reading {
            Ok(reading) => reading,
            Err(rejection) => return quarantine(input, rejection, None, raw, index),
        };

        let checked = self
            .check_clock(&reading, now)
            .and_then(|()| allow(&reading, subject, registry));
        match checked {
            Ok(meter) => Outcome::Accepted(AcceptedReading {
                tenant_id: meter.tenant_id.clone(),
                property_id: meter.property_id.clone(),
                received_at: input.received_at,
                origin: Origin {
                    position: input.position.clone(),
                    raw,
                    item_index: index,
                },
                reading,
            }),
            Err(rejection) => quarantine(input, rejection, Some(reading.meter_id), raw, index),
        }
    }

    fn check_clock(&self, reading: &Reading, now: DateTime<Utc>) -> Result<(), Rejection> {
        if reading.ts <= now + self.max_clock_skew {
            return Ok(());
        }
        Err(Rejection::new(
            RejectCode::FutureTimestamp,
            format!(
                "ts {} is more than {} s ahead of the pipeline's clock ({})",
                reading.ts.to_rfc3339(),
                self.max_clock_skew.num_seconds(),
                now.to_rfc3339(),
            ),
        ))
    }
}

/// The allowlist: the meter must be registered and active, and the topic
/// must be entitled to speak for it.
fn allow<'r>(
    reading: &Reading,
    subject: TopicSubject<'_>,
    registry: &'r Registry,
) -> Result<&'r MeterInfo, Rejection> {
    let meter_id = reading.meter_id.as_str();
    if let TopicSubject::Meter(owner) = subject
        && owner != meter_id
    {
        return Err(Rejection::new(
            RejectCode::MeterMismatch,
            format!("the topic of meter {owner:?} carried a reading for meter {meter_id:?}"),
        ));
    }

    let Some(meter) = registry.lookup(meter_id) else {
        return Err(Rejection::new(
            RejectCode::UnknownMeter,
            format!("meter {meter_id:?} is not registered"),
        ));
    };
    if !meter.active {
        return Err(Rejection::new(
            RejectCode::InactiveMeter,
            format!("meter {meter_id:?} is deactivated"),
        ));
    }
    if let TopicSubject::Gateway(gateway) = subject
        && meter.gateway_id.as_deref() != Some(gateway)
    {
        return Err(Rejection::new(
            RejectCode::MeterMismatch,
            format!("gateway {gateway:?} is not assigned meter {meter_id:?}"),
        ));
    }
    Ok(meter)
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
