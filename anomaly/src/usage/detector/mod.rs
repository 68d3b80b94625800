//! The usage detector: every meter's state, keyed by meter, with the
//! property index that lets a new meter borrow its peers' profile.

mod index;
mod retention;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::alert::Alert;
use crate::usage::config::{UsageConfig, UsageConfigError};
use crate::usage::meter::{Meter, Settings};
use crate::usage::observation::{MeterRef, Scored, UsageObservation};

/// (tenant, property): properties are only unique within a tenant.
type PropertyKey = (String, String);

/// Per-meter energy usage against the meter's own learned pattern.
///
/// Feed it each meter's consumption per interval, in order, through
/// [`observe`](Self::observe); report reversed registers and silences
/// through [`register_backwards`](Self::register_backwards) and
/// [`gap`](Self::gap). State is bounded: a fixed set of arrays per meter,
/// and meters silent for `retention_days` are dropped.
#[derive(Debug)]
pub struct UsageDetector {
    pub(crate) settings: Settings,
    pub(crate) meters: HashMap<String, Meter>,
    properties: HashMap<PropertyKey, BTreeSet<String>>,
    pub(crate) dirty: BTreeSet<String>,
    pub(crate) dropped: BTreeSet<String>,
    watermark: Option<DateTime<Utc>>,
    last_prune: Option<DateTime<Utc>>,
}

impl UsageDetector {
    /// A detector with nothing learned.
    ///
    /// # Errors
    ///
    /// [`UsageConfigError`] listing every invalid setting.
    pub fn new(config: UsageConfig) -> Result<Self, UsageConfigError> {
        config.validate()?;
        Ok(Self {
            settings: Settings::new(config),
            meters: HashMap::new(),
            properties: HashMap::new(),
            dirty: BTreeSet::new(),
            dropped: BTreeSet::new(),
            watermark: None,
            last_prune: None,
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &UsageConfig {
        &self.settings.config
    }

    /// Meters with state held.
    pub fn meter_count(&self) -> usize {
        self.meters.len()
    }

    /// Scores one interval's consumption and learns from it.
    pub fn observe(&mut self, obs: &UsageObservation) -> Scored {
        self.advance(obs.start);
        let peer = self.peer_shape(obs);
        self.ensure(&obs.meter, obs.start);
        let Some(meter) = self.meters.get_mut(&obs.meter.meter_id) else {
            return Scored {
                score: 0.0,
                alerts: Vec::new(),
            };
        };
        let scored = meter.observe(obs, peer, &self.settings);
        self.dirty.insert(obs.meter.meter_id.clone());
        scored
    }

    /// The meter's register ran backwards at `ts` with no replacement
    /// recorded. Opens (or updates) one High-severity alert per spell.
    pub fn register_backwards(&mut self, meter: &MeterRef, ts: DateTime<Utc>) -> Vec<Alert> {
        self.advance(ts);
        self.ensure(meter, ts);
        let alerts = self
            .meters
            .get_mut(&meter.meter_id)
            .map(|state| state.register_backwards(&meter.meter_id, ts))
            .unwrap_or_default();
        self.dirty.insert(meter.meter_id.clone());
        alerts
    }

    /// Nothing arrived for the meter from `from` (the start of the first
    /// missing interval) until `to` (the start of the next interval with
    /// data, or the watermark while the silence goes on). A silence of at
    /// least `missing_min_secs` opens one alert, updated by later calls
    /// with the same `from` and closed by the meter's next observation.
    pub fn gap(&mut self, meter: &MeterRef, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Alert> {
        self.advance(to);
        self.ensure(meter, from);
        let settings = &self.settings;
        let alerts = self
            .meters
            .get_mut(&meter.meter_id)
            .map(|state| state.gap(&meter.meter_id, from, to, settings))
            .unwrap_or_default();
        self.dirty.insert(meter.meter_id.clone());
        alerts
    }
}
