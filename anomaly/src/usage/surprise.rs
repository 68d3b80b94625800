//! How surprising one observation is, after allowing for the benign
//! explanations a person looking at the chart would accept.
//!
//! The surprise is the smallest of several standardised distances, each
//! alternative carrying a penalty so that it only wins when it explains the
//! value clearly better: the meter's long-run pattern without recent drift
//! (a return to normal after a shift is not an anomaly), the hour before or
//! after (clocks moved by daylight saving, an office opening late), and for
//! drops, the same hour on another day of the week (a public holiday looks
//! like a Sunday).

use super::clock::{Clock, Slot};
use super::explain::{Best, NEIGHBOUR_PENALTY, OtherDays, Penalty, distance, other_days};
use super::model::Model;
use super::predict::Prediction;
use super::score::tail_factor;

/// A return to the long-run pattern is accepted at half a deviation more:
/// `distance + 0.5`.
const LONG_RUN_PENALTY: Penalty = Penalty {
    factor: 1.0,
    offset: 0.5,
};

/// A drop is learned as the day it resembles only from three deviations
/// out: closer in, it may simply be a quiet weekday, and learning it
/// upwards would bias the baseline.
const HOLIDAY_LEARN_FROM: f64 = 3.0;

/// The hours either side are consulted from the meter's second week: a
/// younger meter's neighbouring hours rest on a day or two and on its
/// wide warm-up spread (not on its property's profile), and would excuse
/// anything.
const NEIGHBOUR_MIN_DAYS: f64 = 7.0;

/// Alternatives are looked for only from one deviation out.
const EXPLAIN_FROM: f64 = 1.0;

/// One observation's surprise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Surprise {
    /// Standardised residual against the prediction, signed.
    pub(crate) z: f64,
    /// The smallest standardised distance over the accepted explanations,
    /// penalties included, before tail calibration.
    pub(crate) raw: f64,
    /// `raw` divided by the meter's tail excess, carrying the sign of `z`:
    /// what the point score sees.
    pub(crate) signed: f64,
    /// Like `signed` but with the explanations taken at face value, without
    /// penalties: what the sustained detectors add up. A holiday that
    /// matches Sunday within a deviation is one observation worth a second
    /// look, but a whole day of them is a holiday, not a level shift.
    pub(crate) sustained: f64,
    /// The standardised distance to the closest other day of the week at
    /// this hour, when that explains a large drop better than the
    /// prediction: a holiday, which the meter should not learn as its new
    /// normal. Measured even when holidays are not being excused.
    pub(crate) holiday: Option<f64>,
    /// How the value compares with the other days of the week at this
    /// hour, when that was measured.
    pub(crate) other_days: Option<OtherDays>,
}

impl Surprise {
    /// The calibrated magnitude.
    pub(crate) fn magnitude(&self) -> f64 {
        self.signed.abs()
    }
}

/// What the calendar allows and asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Calendar {
    /// A drop may be excused as a holiday (another weekday's level).
    pub(crate) excuse_holidays: bool,
    /// Measure the other weekdays even when nothing needs explaining, to
    /// tell whether today is an ordinary day.
    pub(crate) measure_other_days: bool,
}

/// Measures `y` (a log value at `slot`) against `pred` and the benign
/// alternatives.
pub(crate) fn assess(
    model: &Model,
    y: f64,
    slot: Slot,
    pred: &Prediction,
    clock: &Clock,
    calendar: Calendar,
) -> Surprise {
    let z = (y - pred.center) / pred.scale;
    let mut best = Best {
        penalised: z.abs(),
        plain: z.abs(),
    };
    let mut other = None;

    // Within a deviation of the prediction no explanation is needed, and
    // the alternatives cost several predictions each.
    if z.abs() >= EXPLAIN_FROM {
        if pred.drift != 0.0 {
            let long_run = (y - (pred.center - pred.drift)) / pred.scale;
            best.offer(long_run.abs(), LONG_RUN_PENALTY);
        }
        if model.days(clock) >= NEIGHBOUR_MIN_DAYS {
            for other in clock.neighbours(slot).into_iter().flatten() {
                let d = distance(model, y, other, clock);
                best.offer(d, NEIGHBOUR_PENALTY);
            }
        }
        if z < 0.0 {
            let offer = calendar.excuse_holidays.then_some(&mut best);
            other = other_days(model, y, slot, clock, offer);
        }
    }
    if other.is_none() && calendar.measure_other_days {
        other = other_days(model, y, slot, clock, None);
    }
    let holiday = other
        .map(|o| o.closest)
        .filter(|d| z < 0.0 && z.abs() >= HOLIDAY_LEARN_FROM && *d < z.abs());

    let tail = tail_factor(model.tail);
    let sign = if z < 0.0 { -1.0 } else { 1.0 };
    Surprise {
        z,
        raw: best.penalised,
        signed: sign * best.penalised / tail,
        sustained: sign * best.plain / tail,
        holiday,
        other_days: other,
    }
}
