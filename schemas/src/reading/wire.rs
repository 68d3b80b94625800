//! The JSON shapes exactly as producers send them, before any rule beyond
//! "these are the field names and JSON types" is applied.
//!
//! Every field is optional here so that a missing field is reported by our
//! own validation with a clear message rather than by serde's generic one.
//! A JSON `null` counts as absent, as the JSON Schema allows for the
//! optional values. Fields are listed twice rather than shared through
//! `#[serde(flatten)]`, which cannot be combined with `deny_unknown_fields`
//! and would buffer every message.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// A whole message: the version, and either one reading's fields or a batch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireMessage<'a> {
    pub(super) schema_version: Option<f64>,
    #[serde(borrow)]
    pub(super) readings: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    pub(super) meter_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) ts: Option<Cow<'a, str>>,
    pub(super) energy_wh: Option<f64>,
    pub(super) power_w: Option<f64>,
    pub(super) voltage_v: Option<f64>,
    pub(super) current_a: Option<f64>,
}

/// The fields of one reading, inside a batch or lifted out of a message.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireReading<'a> {
    #[serde(borrow)]
    pub(super) meter_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) ts: Option<Cow<'a, str>>,
    pub(super) energy_wh: Option<f64>,
    pub(super) power_w: Option<f64>,
    pub(super) voltage_v: Option<f64>,
    pub(super) current_a: Option<f64>,
}

impl<'a> WireMessage<'a> {
    /// Splits the message into its batch and its top-level reading fields.
    pub(super) fn split(self) -> (Option<Vec<&'a RawValue>>, WireReading<'a>) {
        let single = WireReading {
            meter_id: self.meter_id,
            ts: self.ts,
            energy_wh: self.energy_wh,
            power_w: self.power_w,
            voltage_v: self.voltage_v,
            current_a: self.current_a,
        };
        (self.readings, single)
    }
}

impl WireReading<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.meter_id.is_none()
            && self.ts.is_none()
            && self.energy_wh.is_none()
            && self.power_w.is_none()
            && self.voltage_v.is_none()
            && self.current_a.is_none()
    }
}
