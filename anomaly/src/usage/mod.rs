//! Per-meter energy usage against the meter's own learned pattern.
//!
//! Each meter's consumption per interval is compared, in log space, with
//! what the meter usually uses at that hour of that day of the week, and
//! every observation gets an anomaly score in [0, 1]. Scores become alerts
//! with hysteresis, one alert per incident.
//!
//! One observation, in data-flow order (`meter`):
//!
//! 1. `clock`: the interval's hour of the week and hour of the day, on the
//!    property's local clock.
//! 2. `predict`: the expected log consumption and its spread, built from
//!    the meter's hour-of-week baseline, its hour-of-day profile and its
//!    drift level (`model`, `profile`), and while the meter is new, its
//!    property's pooled profile (`peers`).
//! 3. `surprise` and `explain`: the standardised distance from that
//!    expectation, after allowing for benign explanations (an hour's clock
//!    shift, a holiday that looks like a Sunday, a return to the long-run
//!    pattern), calibrated to the meter's own tails (`score`).
//! 4. The views that need time: a deviation over hours or a day
//!    (`window`), load left on at quiet hours (`off_hours`), a stuck value
//!    (`flatline`), and how long holiday-like days are excused (`holiday`).
//! 5. `score` and `episode`: the strongest view as a score, and the one
//!    alert per incident it opens, updates and closes; `components` names
//!    the incident, `evidence` describes it.
//! 6. Learning: robust (clipped) exponential updates, so that the
//!    baseline follows slow drift but not the incidents it reports.
//!
//! Register reversals and silences are told by the caller
//! ([`UsageDetector::register_backwards`], [`UsageDetector::gap`]); state
//! leaves and re-enters through [`Checkpointed`](crate::Checkpointed).
//!
//! Known limits, each where it applies: the kind of an incident is fixed
//! when its alert opens, so an abrupt level shift that one interval already
//! shows is reported as the spike or drop it starts with; a closure that
//! makes working days look like days off is excused for two days, then
//! reported; one detector runs at one cadence; observations of one meter
//! are expected in order (a late one is scored but not learned).

mod clock;
mod components;
pub mod config;
mod detector;
mod episode;
mod evidence;
mod explain;
mod flatline;
mod holiday;
mod meter;
mod model;
mod observation;
mod off_hours;
mod peers;
mod predict;
mod profile;
mod score;
mod state;
mod surprise;
mod window;

#[cfg(test)]
mod tests;

pub use config::{
    DEFAULT_CADENCE_SECS, MAX_CADENCE_SECS, MIN_CADENCE_SECS, UsageConfig, UsageConfigError,
};
pub use detector::UsageDetector;
pub use observation::{MeterRef, Scored, UsageObservation};
pub use predict::Baseline;
pub use state::{DETECTOR, STATE_VERSION};
