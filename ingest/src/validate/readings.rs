//! Meter readings: the contract, the clock, and the meter allowlist.

use chrono::{DateTime, Utc};
use nexzo_schemas::{
    AcceptedReading, DecodedItem, Origin, Reading, RejectCode, Rejection, decode_item,
    decode_message,
};

use super::{IngestRules, Input, Outcome, quarantine};
use crate::registry::{MeterInfo, Registry};
use crate::topic::TopicSubject;

impl IngestRules {
    /// Appends one outcome per reading. `subject` is the MQTT topic's owner;
    /// `None` for transports whose producers are authenticated services
    /// (Kafka), where any registered meter may appear.
    pub(super) fn check_readings(
        &self,
        input: &Input<'_>,
        subject: Option<TopicSubject<'_>>,
        registry: &Registry,
        now: DateTime<Utc>,
        out: &mut Vec<Outcome>,
    ) {
        if let Some(index) = input.item_index {
            let item = DecodedItem {
                reading: decode_item(input.payload),
                raw: None,
            };
            out.push(self.check_item(input, item, Some(index), subject, registry, now));
            return;
        }
        match decode_message(input.payload) {
            Err(rejection) => out.push(quarantine(
                input,
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
                self.check_item(input, item, index, subject, registry, now)
            })),
        }
    }

    fn check_item(
        &self,
        input: &Input<'_>,
        item: DecodedItem,
        index: Option<u32>,
        subject: Option<TopicSubject<'_>>,
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
            .check_clock(reading.ts, now)
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
}

/// The allowlist: the meter must be registered and active, and the topic
/// must be entitled to speak for it.
fn allow<'r>(
    reading: &Reading,
    subject: Option<TopicSubject<'_>>,
    registry: &'r Registry,
) -> Result<&'r MeterInfo, Rejection> {
    let meter_id = reading.meter_id.as_str();
    if let Some(TopicSubject::Meter(owner)) = subject
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
    if let Some(TopicSubject::Gateway(gateway)) = subject
        && meter.gateway_id.as_deref() != Some(gateway)
    {
        return Err(Rejection::new(
            RejectCode::MeterMismatch,
            format!("gateway {gateway:?} is not assigned meter {meter_id:?}"),
        ));
    }
    Ok(meter)
}
