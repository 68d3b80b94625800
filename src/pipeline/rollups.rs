//! The stream stage's shell: runs each batch's readings through their
//! meters' windows and adds the changed buckets and the touched meters'
//! checkpoints to the same batch, so that they commit in one transaction
//! with the readings and are acknowledged with them.
//!
//! Because a checkpoint only ever reaches the database together with the
//! readings it has seen, a restart resumes each meter from exactly the
//! readings that were acknowledged; whatever the broker redelivers is
//! either new to the stream or recognised as a duplicate (or as too late,
//! when it was applied long ago), so nothing is counted twice.
//!
//! Known shortcomings:
//! - Every meter's state is loaded at start and held in memory: a few
//!   kilobytes per meter, so a fleet of a million meters needs a few GB.
//!   Splitting the fleet over `process` instances by Kafka partition would
//!   lift this; today one instance holds every meter it has seen.
//! - A reading the database later refuses (quarantined as
//!   `rejected_by_database`) has already moved its meter's windows; its
//!   consumption stays in the rollups until `recompute` is run over it.
//! - A meter whose time zone changes keeps bucketing days in the old zone
//!   until the pipeline restarts; the restart then starts that meter's
//!   windows afresh (its open buckets cannot be continued in another zone),
//!   and `recompute` rebuilds its history.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use nexzo_ingest::Registry;
use nexzo_schemas::AcceptedReading;
use nexzo_storage::rollups::RollupRow;
use nexzo_storage::state::StateRow;
use nexzo_stream::{BucketUpdate, BucketWidth, Checkpoint, MeterConfig, MeterStream, StreamState};

use super::{Batch, telemetry};
use crate::config::StreamConfig;

/// The processor name of meter windows in `processor_state`.
pub(crate) const PROCESSOR: &str = "stream";

/// Who owns a meter's rows.
#[derive(Debug, Clone)]
struct Owner {
    tenant_id: Arc<str>,
    property_id: Arc<str>,
}

/// Every meter's windows, and whom their rows belong to.
#[derive(Debug)]
pub(crate) struct RollupStage {
    meters: StreamState,
    owners: HashMap<String, Owner>,
    meter_config: MeterConfig,
    default_tz: Tz,
}

/// One bucket's identity, for keeping only its latest value in a batch.
type BucketKey = (String, BucketWidth, DateTime<Utc>);

impl RollupStage {
    /// Resumes from stored checkpoints. A checkpoint that cannot be resumed
    /// (another layout, another time zone) is logged and its meter starts
    /// afresh with its next reading.
    pub(crate) fn restore(
        config: &StreamConfig,
        stored: Vec<StateRow>,
        registry: &Registry,
    ) -> Self {
        let mut stage = Self {
            meters: StreamState::new(),
            owners: HashMap::new(),
            meter_config: config.meter.clone(),
            default_tz: config.default_tz(),
        };
        for row in stored {
            stage.resume(row, registry);
        }
        telemetry::stream_restored(stage.meters.len());
        stage
    }

    fn resume(&mut self, row: StateRow, registry: &Registry) {
        let (Some(state), Some(tenant), Some(property)) =
            (row.state, row.tenant_id, row.property_id)
        else {
            return;
        };
        let tz = self.time_zone(registry, &row.key);
        let resumed = serde_json::from_str::<Checkpoint>(state.get())
            .map_err(|e| e.to_string())
            .and_then(|cp| {
                MeterStream::restore(cp, self.meter_config.clone(), tz).map_err(|e| e.to_string())
            });
        match resumed {
            Ok(stream) => {
                let owner = Owner {
                    tenant_id: tenant.into(),
                    property_id: property.into(),
                };
                self.owners.insert(row.key, owner);
                self.meters.insert(stream);
            }
            Err(cause) => telemetry::stream_restart_refused(&row.key, &cause),
        }
    }

    /// Applies the batch's readings in arrival order and adds the buckets
    /// they changed and their meters' checkpoints to the batch.
    pub(crate) fn apply(&mut self, batch: &mut Batch, registry: &Registry) {
        let mut updates: BTreeMap<BucketKey, BucketUpdate> = BTreeMap::new();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for accepted in &batch.readings {
            self.push(accepted, registry, &mut updates);
            touched.insert(accepted.reading.meter_id.clone());
        }
        batch.rollups.extend(self.rows(updates.into_values()));
        batch
            .state
            .extend(touched.iter().filter_map(|m| self.checkpoint(m)));
    }

    fn push(
        &mut self,
        accepted: &AcceptedReading,
        registry: &Registry,
        updates: &mut BTreeMap<BucketKey, BucketUpdate>,
    ) {
        let meter_id = &accepted.reading.meter_id;
        self.owners.insert(
            meter_id.clone(),
            Owner {
                tenant_id: accepted.tenant_id.clone(),
                property_id: accepted.property_id.clone(),
            },
        );
        if self.meters.get(meter_id).is_none() {
            let tz = self.time_zone(registry, meter_id);
            // The configuration was validated before start.
            if let Ok(stream) = MeterStream::new(meter_id.clone(), self.meter_config.clone(), tz) {
                self.meters.insert(stream);
            }
        }
        let Ok(pushed) = self.meters.push(&(&accepted.reading).into()) else {
            return;
        };
        telemetry::stream_pushed(meter_id, &pushed.outcome);
        for update in pushed.updates {
            let key = (update.meter_id.clone(), update.width, update.start);
            updates.insert(key, update);
        }
    }

    /// Closes the windows of quiet meters by processing time; the batch it
    /// returns carries only rollups and checkpoints (and is empty when
    /// nothing closed).
    pub(crate) fn on_idle(&mut self, now: DateTime<Utc>) -> Batch {
        let closed = self.meters.on_idle(now);
        let meters: BTreeSet<String> = closed.iter().map(|u| u.meter_id.clone()).collect();
        let latest: BTreeMap<BucketKey, BucketUpdate> = closed
            .into_iter()
            .map(|u| ((u.meter_id.clone(), u.width, u.start), u))
            .collect();
        Batch {
            rollups: self.rows(latest.into_values()),
            state: meters.iter().filter_map(|m| self.checkpoint(m)).collect(),
            ..Batch::default()
        }
    }

    fn rows(&self, updates: impl Iterator<Item = BucketUpdate>) -> Vec<RollupRow> {
        updates
            .filter_map(|u| {
                let owner = self.owners.get(&u.meter_id)?;
                Some(rollup_row(u, &owner.tenant_id, &owner.property_id))
            })
            .collect()
    }

    fn checkpoint(&self, meter_id: &str) -> Option<StateRow> {
        let stream = self.meters.get(meter_id)?;
        let owner = self.owners.get(meter_id)?;
        let state = serde_json::value::to_raw_value(&stream.checkpoint()).ok()?;
        Some(StateRow {
            processor: PROCESSOR,
            key: meter_id.to_owned(),
            tenant_id: Some(owner.tenant_id.to_string()),
            property_id: Some(owner.property_id.to_string()),
            state: Some(state),
        })
    }

    /// The meter's registered zone, or the default when it has none or the
    /// registered name is not a zone (`meters put` refuses such names).
    fn time_zone(&self, registry: &Registry, meter_id: &str) -> Tz {
        registry
            .lookup(meter_id)
            .and_then(|m| m.time_zone.as_deref())
            .and_then(|name| name.parse().ok())
            .unwrap_or(self.default_tz)
    }
}

/// A bucket as stored, with its owners.
pub(crate) fn rollup_row(
    update: BucketUpdate,
    tenant: &Arc<str>,
    property: &Arc<str>,
) -> RollupRow {
    let f = update.flags;
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    RollupRow {
        tenant_id: tenant.clone(),
        property_id: property.clone(),
        meter_id: update.meter_id,
        width: update.width.as_str(),
        bucket_start: update.start,
        bucket_end: update.end,
        energy_wh: update.energy_wh,
        estimated: update.estimated,
        flags: [
            count(f.gaps),
            count(f.rollovers),
            count(f.resets),
            count(f.implausible),
            count(f.too_long),
            count(f.conflicts),
        ],
        is_final: update.is_final,
    }
}
