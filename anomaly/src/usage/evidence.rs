//! What an alert says about the observation behind it: values, the
//! baseline compared against, and how much history it rests on. Only the
//! meter's id and numbers; nothing about the people behind it.

use serde_json::json;

use super::clock::{Clock, Slot};
use super::components::Component;
use super::predict::Prediction;
use crate::alert::AlertKind;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The spread reported as the expected range, in predictive deviations.
const RANGE_SIGMAS: f64 = 2.0;

/// The facts of one scored observation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sighting<'a> {
    /// The consumption observed.
    pub(crate) value: f64,
    /// The start of its interval.
    pub(crate) ts: chrono::DateTime<chrono::Utc>,
    /// Where it fell in the week.
    pub(crate) slot: Slot,
    /// What was expected, if anything yet.
    pub(crate) prediction: Option<&'a Prediction>,
    /// The meter's log floor.
    pub(crate) floor: f64,
    /// Observations the meter's baseline has learned from.
    pub(crate) samples: u32,
    /// The view that carried the score.
    pub(crate) component: Component,
    /// Identical values in a row before this one.
    pub(crate) repeats: u32,
    /// The observation's score.
    pub(crate) score: f64,
}

impl Sighting<'_> {
    /// The expected consumption, in the meter's unit.
    pub(crate) fn expected(&self) -> Option<f64> {
        self.prediction.map(|p| self.raw(p.center))
    }

    fn raw(&self, log: f64) -> f64 {
        (log.exp() - self.floor).max(0.0)
    }

    /// The evidence object of an alert.
    pub(crate) fn evidence(&self, clock: &Clock) -> serde_json::Value {
        let range = self.prediction.map(|p| {
            let width = RANGE_SIGMAS * p.scale;
            [self.raw(p.center - width), self.raw(p.center + width)]
        });
        json!({
            "component": self.component,
            "observed": self.value,
            "expected": self.expected(),
            "expected_range": range,
            "scale_log": self.prediction.map(|p| p.scale),
            "baseline": self.prediction.map(|p| p.source.as_str()),
            "borrowed_from_peers": self.prediction.is_some_and(|p| p.borrowed),
            "slot": slot_label(clock, self.slot),
            "samples_seen": self.samples,
            "repeats": self.repeats,
            "score": self.score,
        })
    }

    /// One sentence for the analyst.
    pub(crate) fn summary(&self, kind: AlertKind, meter_id: &str, clock: &Clock) -> String {
        let when = slot_label(clock, self.slot);
        let expected = self.expected().unwrap_or(0.0);
        match kind {
            AlertKind::UsageFlatline => {
                format!(
                    "meter {meter_id} repeated {} {} times from {when}",
                    self.value, self.repeats
                )
            }
            AlertKind::UsageOffHours => {
                format!(
                    "meter {meter_id} used {:.3} at {when}, usually near {expected:.3}",
                    self.value
                )
            }
            AlertKind::UsageLevelShift => {
                format!(
                    "meter {meter_id} shifted level: {:.3} at {when}, usually {expected:.3}",
                    self.value
                )
            }
            _ => format!(
                "meter {meter_id} used {:.3} at {when}, usually {expected:.3}",
                self.value
            ),
        }
    }
}

/// `mon 14:00`, or `mon` at daily cadence, on the meter's local clock.
pub(crate) fn slot_label(clock: &Clock, slot: Slot) -> String {
    let day_len = clock.day_len();
    let weekday = WEEKDAYS.get(slot.week / day_len).copied().unwrap_or("?");
    if clock.has_time_of_day() {
        format!("{weekday} {:02}:00", slot.day)
    } else {
        weekday.to_owned()
    }
}
