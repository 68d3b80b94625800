//! The usage detector's checkpoint: one entry per meter, keyed
//! `meter:<meter_id>`, in a versioned shape.

use serde::{Deserialize, Serialize};

use super::detector::UsageDetector;
use super::meter::Meter;
use crate::checkpoint::{Checkpointed, RestoreError, StateEntry};

/// The detector name in every entry.
pub const DETECTOR: &str = "usage";

/// The shape of the entries this build writes and reads.
pub const STATE_VERSION: u32 = 1;

const KEY_PREFIX: &str = "meter:";

#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    /// The cadence the slot arrays were laid out for.
    cadence_secs: u32,
    meter: Meter,
}

impl Checkpointed for UsageDetector {
    fn take_dirty(&mut self) -> Vec<StateEntry> {
        let dropped = std::mem::take(&mut self.dropped)
            .into_iter()
            .map(|id| StateEntry {
                detector: DETECTOR.into(),
                key: format!("{KEY_PREFIX}{id}"),
                state: serde_json::Value::Null,
            });
        let dirty = std::mem::take(&mut self.dirty);
        let cadence_secs = self.settings.config.cadence_secs;
        let saved = dirty.into_iter().filter_map(|id| {
            let meter = self.meters.get(&id)?.clone();
            let state = serde_json::to_value(Saved {
                version: STATE_VERSION,
                cadence_secs,
                meter,
            });
            // Every field is a finite number, a string or a time, so this
            // cannot fail; a meter that somehow did is saved next time.
            state.ok().map(|state| StateEntry {
                detector: DETECTOR.into(),
                key: format!("{KEY_PREFIX}{id}"),
                state,
            })
        });
        dropped.chain(saved).collect()
    }

    fn restore(&mut self, entry: StateEntry) -> Result<(), RestoreError> {
        let refuse = |reason: String| RestoreError {
            detector: entry.detector.clone(),
            key: entry.key.clone(),
            reason,
        };
        if entry.detector != DETECTOR {
            return Err(refuse("not a usage detector entry".into()));
        }
        let id = entry
            .key
            .strip_prefix(KEY_PREFIX)
            .ok_or_else(|| refuse("key is not meter:<id>".into()))?;
        let saved: Saved =
            serde_json::from_value(entry.state.clone()).map_err(|e| refuse(e.to_string()))?;
        if saved.version != STATE_VERSION {
            return Err(refuse(format!("unknown state version {}", saved.version)));
        }
        let clock = &self.settings.clock;
        if saved.cadence_secs != self.settings.config.cadence_secs
            || !saved.meter.model.profile.fits(clock)
        {
            return Err(refuse(format!(
                "saved for a cadence of {} s, running at {} s",
                saved.cadence_secs, self.settings.config.cadence_secs
            )));
        }
        self.insert_restored(id.to_owned(), saved.meter);
        Ok(())
    }
}
