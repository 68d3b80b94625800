//! Deviations too modest to alarm one observation at a time that go on
//! for hours or days: a meter that halved its use all evening, a level
//! that moved and stays moved.
//!
//! One quarter-hour of a home is too noisy to show that its consumption
//! halved; a few hours or a day of them show it clearly. A watch keeps an
//! exponential mean of the calibrated, clipped surprise over a window
//! (three observations at least), and learns from ordinary days how far
//! that mean usually strays. Weather moves whole days together, so the
//! spread is learned rather than assumed from independence; a meter whose
//! residuals lean one way (skewed loads) is judged against its own lean.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::{Clock, step};

/// One observation adds at most this much surprise: a spike is the point
/// view's business and must not become a sustained deviation by itself.
const INPUT_CLIP: f64 = 3.0;

/// A window holds at least three observations: at daily cadence, three
/// days.
const MIN_WINDOW_COUNT: f64 = 3.0;

/// The usual spread is learned over about four weeks of ordinary data.
const SPREAD_HALF_LIFE_DAYS: f64 = 28.0;

/// Days of ordinary data before the learned spread stands on its own.
const PRIOR_DAYS: f64 = 7.0;

/// The watch is reported as "building" from half its opening distance on:
/// a large deviation then is the visible edge of something lasting.
const BUILDING_SHARE: f64 = 0.5;

/// The length of a watch and how it is judged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// The mean's time constant, in seconds.
    secs: f64,
    /// The spread assumed before a week is learned, in deviations.
    prior_spread: f64,
    /// A mean this many usual spreads from its usual value scores
    /// `open_score`.
    spreads_at_open: f64,
}

/// An evening: three hours of a home at half its use, or an office
/// closed all afternoon. The spread before learning is half a deviation,
/// and 4.5 spreads open, since a day holds eight such windows.
pub(crate) const HOURS: Window = Window {
    secs: 3.0 * 3600.0,
    prior_spread: 0.5,
    spreads_at_open: 4.5,
};

/// A day: a level shift. The spread before learning is a third of a
/// deviation, wider than most meters' weather, and 4 spreads open.
pub(crate) const DAY: Window = Window {
    secs: 86_400.0,
    prior_spread: 0.33,
    spreads_at_open: 4.0,
};

/// The running state of one watch of one meter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct WindowWatch {
    /// Exponential mean of clipped surprise over the window.
    pub(crate) mean: f64,
    /// Usual value of `mean` on ordinary days.
    pub(crate) usual_mean: f64,
    /// Usual square of `mean` on ordinary days.
    pub(crate) usual_square: f64,
    /// Observations behind the usual values.
    pub(crate) learned: u32,
    /// When `mean` last moved a usual spread away from its usual value.
    pub(crate) since: Option<DateTime<Utc>>,
}

impl WindowWatch {
    /// Adds one observation's signed surprise. `calm` when nothing is
    /// going on, so the usual spread may learn from it.
    pub(crate) fn push(
        &mut self,
        signed: f64,
        calm: bool,
        window: &Window,
        clock: &Clock,
        ts: DateTime<Utc>,
    ) {
        let rate = window.rate(clock);
        self.mean += rate * (signed.clamp(-INPUT_CLIP, INPUT_CLIP) - self.mean);

        if (self.mean - self.usual_mean).abs() < self.spread(window, clock) {
            self.since = None;
        } else if self.since.is_none() {
            self.since = Some(ts);
        }

        if calm {
            self.learned = self.learned.saturating_add(1);
            let slow = 1.0 - 0.5_f64.powf(1.0 / (SPREAD_HALF_LIFE_DAYS * clock.per_day()));
            let learn = step(self.learned, slow);
            self.usual_mean += learn * (self.mean - self.usual_mean);
            self.usual_square += learn * (self.mean * self.mean - self.usual_square);
        }
    }

    /// The usual spread of the mean: learned, but never below what
    /// independent surprises would give, and leaning on the prior during
    /// the first week.
    fn spread(&self, window: &Window, clock: &Clock) -> f64 {
        let rate = window.rate(clock);
        let independent = rate / (2.0 - rate);
        let days = f64::from(self.learned) / clock.per_day();
        let prior = window.prior_spread * window.prior_spread;
        let variance = (self.usual_square - self.usual_mean * self.usual_mean).max(0.0);
        let learned = (days * variance + PRIOR_DAYS * prior) / (days + PRIOR_DAYS);
        learned.max(independent).sqrt()
    }

    /// The mean's distance from its usual value over its usual spread.
    pub(crate) fn standardised(&self, window: &Window, clock: &Clock) -> f64 {
        (self.mean - self.usual_mean) / self.spread(window, clock)
    }

    /// The watch as a surprise on the point scale: `open_surprise` at the
    /// window's opening distance. Positive above normal.
    pub(crate) fn surprise(&self, open_surprise: f64, window: &Window, clock: &Clock) -> f64 {
        open_surprise * self.standardised(window, clock) / window.spreads_at_open
    }

    /// Whether the watch has been moving the way `signed` points.
    pub(crate) fn building(&self, signed: f64, window: &Window, clock: &Clock) -> bool {
        let level = self.standardised(window, clock);
        level * signed > 0.0 && level.abs() >= BUILDING_SHARE * window.spreads_at_open
    }
}

impl Window {
    /// The mean's per-observation step.
    fn rate(&self, clock: &Clock) -> f64 {
        1.0 / (self.secs / clock.cadence_secs as f64).max(MIN_WINDOW_COUNT)
    }
}
