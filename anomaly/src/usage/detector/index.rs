//! The property index: which meters share a property, so that a new meter
//! can borrow its peers' profile.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::{PropertyKey, UsageDetector};
use crate::usage::meter::Meter;
use crate::usage::observation::{MeterRef, UsageObservation};
use crate::usage::peers::{self, PEER_UNTIL_DAYS, PeerShape};

impl UsageDetector {
    /// Makes sure the meter has state (created cold) and is indexed under
    /// its current property.
    pub(super) fn ensure(&mut self, meter: &MeterRef, ts: DateTime<Utc>) {
        let id = &meter.meter_id;
        let state = self
            .meters
            .entry(id.clone())
            .or_insert_with(|| Meter::new(meter, ts, &self.settings.clock));
        if state.property_id != meter.property_id || state.tenant_id != meter.tenant_id {
            unindex(
                &mut self.properties,
                &state.tenant_id,
                state.property_id.as_deref(),
                id,
            );
            state.property_id.clone_from(&meter.property_id);
            state.tenant_id.clone_from(&meter.tenant_id);
        }
        if let Some(property) = &meter.property_id {
            let key = (meter.tenant_id.clone(), property.clone());
            self.properties.entry(key).or_default().insert(id.clone());
        }
    }

    /// The pooled profile of the meter's property, while the meter is
    /// young enough to need it.
    pub(super) fn peer_shape(&self, obs: &UsageObservation) -> Option<PeerShape> {
        let property = obs.meter.property_id.as_ref()?;
        let clock = &self.settings.clock;
        let own = self.meters.get(&obs.meter.meter_id);
        if own.is_some_and(|m| m.model.days(clock) >= PEER_UNTIL_DAYS) {
            return None;
        }
        let key = (obs.meter.tenant_id.clone(), property.clone());
        let ids = self.properties.get(&key)?;
        let limit = usize::try_from(self.settings.config.peer_max_count).unwrap_or(usize::MAX);
        let models = ids
            .iter()
            .filter(|id| **id != obs.meter.meter_id)
            .filter_map(|id| self.meters.get(id))
            .map(|m| &m.model)
            .take(limit);
        peers::pooled(models, clock.slot(obs.start, obs.utc_offset_secs), clock)
    }

    /// Puts a restored meter back, indexed under its property.
    pub(crate) fn insert_restored(&mut self, id: String, meter: Meter) {
        if let Some(old) = self.meters.get(&id) {
            unindex(
                &mut self.properties,
                &old.tenant_id,
                old.property_id.as_deref(),
                &id,
            );
        }
        if let Some(property) = &meter.property_id {
            let key = (meter.tenant_id.clone(), property.clone());
            self.properties.entry(key).or_default().insert(id.clone());
        }
        self.watermark = Some(
            self.watermark
                .map_or(meter.last_activity, |w| w.max(meter.last_activity)),
        );
        self.dropped.remove(&id);
        self.meters.insert(id, meter);
    }
}

pub(super) fn unindex(
    properties: &mut HashMap<PropertyKey, BTreeSet<String>>,
    tenant: &str,
    property: Option<&str>,
    id: &str,
) {
    let Some(property) = property else { return };
    let key = (tenant.to_owned(), property.to_owned());
    if let Some(ids) = properties.get_mut(&key) {
        ids.remove(id);
        if ids.is_empty() {
            properties.remove(&key);
        }
    }
}
